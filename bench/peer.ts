/**
 * The peer: the naive LangChain.js path, standing in for @langchain/community's HNSWLib store
 * (which cannot be installed beside this project's zod 4 / dotenv 17: npm peer-dependency
 * conflicts). It reproduces what that stack does with its defaults:
 *
 * - RecursiveCharacterTextSplitter, chunkSize 1000, chunkOverlap 200, on the raw file text;
 * - HuggingFaceTransformersEmbeddings: newlines stripped, batches of 512 texts, each batch one
 *   transformers.js pipeline('feature-extraction') call with mean pooling and normalisation;
 * - HNSWLib: a plain hnswlib-node cosine index (hnswlib's defaults M 16, efConstruction 200,
 *   efSearch 10), the question embedded with the same pipeline, top k by vector similarity only.
 *
 * Side by side with Verbatim on the same corpus and questions, in the same process: build time,
 * warm query latency, and retrieval quality (the right article among the retrieved passages).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from '@xenova/transformers';
import hnswlib from 'hnswlib-node';
import { AnswerEngine, DEFAULT_ENGINE_OPTIONS } from '../src/answer/engine.js';
import { matchesSource } from '../src/cli/eval-metrics.js';
import { LocalEmbeddings } from '../src/embedding/embedder.js';
import { buildIndex } from '../src/index/build.js';
import { IndexSnapshot } from '../src/index/snapshot.js';
import { recursiveSplit } from './lib/char-splitter.js';
import { modelOptions, SEED_CORPUS_DIR } from './lib/env.js';
import { devQuestions, squadCorpus, type DevQuestion } from './lib/fixtures.js';
import { firstRank } from './lib/recall.js';
import { median, percentile } from './lib/stats.js';
import { fmt, table } from './lib/table.js';
import type { BenchContext, Benchmark } from './lib/types.js';

/** How many passages both sides return (Verbatim's DEFAULT_PASSAGE_SEARCH.k). */
const K = DEFAULT_ENGINE_OPTIONS.search.k;

interface SideResult {
  buildSeconds: number;
  passages: number;
  latencyMs: { p50: number; p95: number };
  /** Retrieval only (question embedding + search), for Verbatim also the whole ask. */
  retrievalMs?: { p50: number; p95: number };
  recallAt1: number;
  recallAt5: number;
  mrr: number;
  /** Verbatim only: answerable questions answered citing the right article first / with an expected phrase quoted. */
  firstSourceRight?: number;
  phraseQuoted?: number;
}

interface CorpusResult {
  corpus: string;
  questions: number;
  answerable: number;
  peer: SideResult;
  verbatimHybrid: SideResult;
  verbatimDense: SideResult;
}

export const peer: Benchmark = {
  name: 'peer',
  title: 'Peer: the naive LangChain.js path',
  run: async (context) => {
    const results: CorpusResult[] = [await compare(context, 'seed (5 articles), dev questions', SEED_CORPUS_DIR, await devQuestions())];
    if (context.full) {
      const squad = await squadCorpus(context, 16, 300);
      results.push(await compare(context, 'SQuAD, first 16 articles, 300 questions', squad.corpusDir, squad.questions));
    }
    const rows = results.flatMap((r) =>
      (
        [
          ['naive LangChain path', r.peer],
          ['Verbatim (hybrid, shipped)', r.verbatimHybrid],
          ['Verbatim (dense only)', r.verbatimDense],
        ] as const
      ).map(([name, s]) => [
        r.corpus,
        name,
        fmt(s.buildSeconds, 1),
        String(s.passages),
        `${fmt(s.latencyMs.p50, 1)} / ${fmt(s.latencyMs.p95, 1)}`,
        s.retrievalMs ? `${fmt(s.retrievalMs.p50, 1)} / ${fmt(s.retrievalMs.p95, 1)}` : '(same)',
        fmt(s.recallAt1, 3),
        fmt(s.recallAt5, 3),
        fmt(s.mrr, 3),
        s.firstSourceRight === undefined ? '–' : `${fmt(s.firstSourceRight, 3)} / ${fmt(s.phraseQuoted!, 3)}`,
      ]),
    );
    const markdown = [
      'Stands in for `@langchain/community` (HNSWLib + HuggingFaceTransformersEmbeddings), which npm cannot install here (peer-dependency conflicts with zod 4 and dotenv 17): ' +
        'the same steps with the same defaults, written out in bench/peer.ts.',
      '',
      table(
        ['corpus', 'system', 'build s', 'passages', 'question p50 / p95 ms', 'retrieval only p50 / p95 ms', 'article recall@1', 'recall@5', 'MRR', 'first source right / phrase quoted'],
        rows,
      ),
      '',
      `Recall and MRR: the rank of the first of the ${K} retrieved passages that belongs to the expected article, over the answerable questions (as \`npm run eval\` computes them). ` +
        'Build time excludes loading the model (both load it once). Verbatim embeds every sentence as well as every chunk (for quote selection), so it embeds about twice the text.',
    ].join('\n');
    return { name: 'peer', title: 'Peer: the naive LangChain.js path', data: results, markdown, targets: [] };
  },
};

async function compare(context: BenchContext, label: string, corpusDir: string, questions: readonly DevQuestion[]): Promise<CorpusResult> {
  context.log(`peer vs Verbatim on ${label}`);
  const answerable = questions.filter((q) => q.source !== null);
  return {
    corpus: label,
    questions: questions.length,
    answerable: answerable.length,
    peer: await runPeer(corpusDir, questions),
    ...(await runVerbatim(context, label, corpusDir, questions)),
  };
}

async function runPeer(corpusDir: string, questions: readonly DevQuestion[]): Promise<SideResult> {
  const pipe = await pipeline('feature-extraction', modelOptions(true).modelId, { quantized: true });
  const embed = async (texts: string[]): Promise<number[][]> => {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += 512) {
      const batch = texts.slice(i, i + 512).map((t) => t.replace(/\n/g, ' '));
      const tensor = await pipe(batch, { pooling: 'mean', normalize: true });
      out.push(...(tensor.tolist() as number[][]));
    }
    return out;
  };
  const started = performance.now();
  const docs: { text: string; source: string }[] = [];
  for (const name of (await readdir(corpusDir)).sort()) {
    const text = await readFile(path.join(corpusDir, name), 'utf8');
    for (const chunk of recursiveSplit(text)) docs.push({ text: chunk, source: path.parse(name).name });
  }
  const vectors = await embed(docs.map((d) => d.text));
  const index = new hnswlib.HierarchicalNSW('cosine', vectors[0]!.length);
  index.initIndex(docs.length);
  vectors.forEach((v, i) => index.addPoint(v, i));
  const buildSeconds = (performance.now() - started) / 1000;

  const search = async (q: string) => {
    const [v] = await embed([q]);
    return index.searchKnn(v!, Math.min(K, docs.length)).neighbors.map((label) => docs[label]!.source);
  };
  for (const q of questions) await search(q.q);
  const times: number[] = [];
  const ranks: number[] = [];
  for (const q of questions) {
    const t = performance.now();
    const retrieved = await search(q.q);
    times.push(performance.now() - t);
    if (q.source !== null) ranks.push(firstRank(retrieved, (id) => matchesSource(id, q.source!)));
  }
  await pipe.dispose();
  return { buildSeconds, passages: docs.length, latencyMs: p(times), ...quality(ranks) };
}

async function runVerbatim(context: BenchContext, label: string, corpusDir: string, questions: readonly DevQuestion[]): Promise<{ verbatimHybrid: SideResult; verbatimDense: SideResult }> {
  const embeddings = await LocalEmbeddings.load(modelOptions(true));
  const indexDir = path.join(context.scratch, `peer-verbatim-${label.replace(/\W+/g, '-')}`);
  const started = performance.now();
  await buildIndex({ corpusDir, indexDir, embeddings, full: true });
  const buildSeconds = (performance.now() - started) / 1000;
  const snapshot = await IndexSnapshot.open(indexDir, embeddings);
  const side = async (mode: 'hybrid' | 'dense'): Promise<SideResult> => {
    const engine = new AnswerEngine(snapshot, embeddings, { search: { ...DEFAULT_ENGINE_OPTIONS.search, mode } });
    for (const q of questions) await engine.ask(q.q);
    const times: number[] = [];
    const retrieval: number[] = [];
    const ranks: number[] = [];
    let firstRight = 0;
    let phrase = 0;
    for (const q of questions) {
      let retrieved: string[] = [];
      const t = performance.now();
      const answer = await engine.ask(q.q, { onPassages: (hits) => (retrieved = hits.map((h) => h.chunk.articleId)) });
      times.push(performance.now() - t);
      retrieval.push(answer.timings.embedMs + answer.timings.searchMs);
      if (q.source === null) continue;
      ranks.push(firstRank(retrieved, (id) => matchesSource(id, q.source!)));
      if (answer.answered && matchesSource(answer.sources[0]?.id, q.source)) firstRight++;
      if (answer.quotes.some((quote) => q.expect.some((e) => quote.text.toLowerCase().includes(e.toLowerCase())))) phrase++;
    }
    return {
      buildSeconds,
      passages: snapshot.chunks.length,
      latencyMs: p(times),
      retrievalMs: p(retrieval),
      ...quality(ranks),
      firstSourceRight: firstRight / ranks.length,
      phraseQuoted: phrase / ranks.length,
    };
  };
  return { verbatimHybrid: await side('hybrid'), verbatimDense: await side('dense') };
}

function p(times: readonly number[]) {
  return { p50: Math.round(median(times) * 100) / 100, p95: Math.round(percentile(times, 95) * 100) / 100 };
}

function quality(ranks: readonly number[]) {
  const n = ranks.length;
  return {
    recallAt1: ranks.filter((r) => r === 1).length / n,
    recallAt5: ranks.filter((r) => r >= 1 && r <= 5).length / n,
    mrr: ranks.reduce((s, r) => s + (r > 0 ? 1 / r : 0), 0) / n,
  };
}
