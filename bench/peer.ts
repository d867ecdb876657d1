/**
 * The peer: the real LangChain.js path, `@langchain/community`'s HNSWLib store with
 * HuggingFaceTransformersEmbeddings and the default RecursiveCharacterTextSplitter (1000/200),
 * from its own package in bench/peer/ (it will not install beside this project's zod 4 / dotenv 17;
 * see lib/real-peer.ts for how it is installed and run).
 *
 * Side by side with Verbatim on the same corpus and questions, in the same run, each build in a
 * process of its own (for its peak RSS): build time, peak RSS, warm query latency, and retrieval
 * quality (the right article among the retrieved passages). The peer runs twice: with the
 * library's defaults (transformers.js v3 loads the fp32 model.onnx on Node) and with dtype 'q8'
 * (model_quantized.onnx, the int8 file Verbatim uses), so the build ratio is shown both ways.
 *
 * --full adds SQuAD corpora: the first N articles for each N of BENCH_PEER_SQUAD (default "12,48";
 * the dev set has 48 articles), 300 seeded questions each.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AnswerEngine, DEFAULT_ENGINE_OPTIONS } from '../src/answer/engine.js';
import { matchesSource } from '../src/cli/eval-metrics.js';
import { LocalEmbeddings } from '../src/embedding/embedder.js';
import { FileIndexStore } from '../src/index/file-store.js';
import { IndexSnapshot } from '../src/index/snapshot.js';
import { runWorker } from './lib/child.js';
import { modelOptions, SEED_CORPUS_DIR } from './lib/env.js';
import { devQuestions, squadCorpus, type DevQuestion } from './lib/fixtures.js';
import { ensurePeerInstalled, parseGnuTime, runRealPeer, type PeerInstall, type PeerOutput } from './lib/real-peer.js';
import { firstRank } from './lib/recall.js';
import { median, percentile } from './lib/stats.js';
import { fmt, table } from './lib/table.js';
import type { BenchContext, Benchmark, Target } from './lib/types.js';
import type { BuildArgs, BuildResult } from './workers.js';

/** How many passages every side returns (Verbatim's DEFAULT_PASSAGE_SEARCH.k). */
const K = DEFAULT_ENGINE_OPTIONS.search.k;
const SQUAD_ARTICLES_IN_DEV = 48;
const SQUAD_QUESTIONS = 300;
/** The build-time target: Verbatim's full build of the whole SQuAD corpus at least this many times faster than the peer's. */
const BUILD_SPEEDUP_GOAL = 8;
const GNU_TIME = '/usr/bin/time';

const PEER_VARIANTS = [
  { system: 'LangChain.js (its defaults: fp32 model.onnx)', dtype: undefined },
  { system: 'LangChain.js, dtype q8 (int8, as Verbatim)', dtype: 'q8' },
] as const;

export interface SideResult {
  system: string;
  buildSeconds: number;
  /** Verbatim only: each build (before and after the peer's); buildSeconds is their mean. */
  buildRunsSeconds?: number[];
  modelLoadSeconds: number;
  /** CPU seconds (user + system) of the building process from its start to the end of the build (imports, model load, build); null: not measured. */
  cpuSeconds: number | null;
  /** Peak RSS of the building process (for the peer: its whole run, build and questions). */
  peakRssMB: number;
  passages: number;
  latencyMs: { p50: number; p95: number };
  /** Verbatim only: question embedding + search, the rest of the ask being quote selection. */
  retrievalMs?: { p50: number; p95: number };
  recallAt1: number;
  recallAt5: number;
  mrr: number;
  /** Verbatim only: answerable questions answered citing the right article first / with an expected phrase quoted. */
  firstSourceRight?: number;
  phraseQuoted?: number;
}

export interface PeerRun {
  system: string;
  node: string;
  versions: PeerOutput['versions'];
  settings: PeerOutput['settings'];
  splitMs: number;
  peakRssAfterBuildMB: number;
  wallMs: number;
}

export interface CorpusResult {
  corpus: string;
  /** SQuAD articles, or null for the seed corpus. */
  squadArticles: number | null;
  questions: number;
  answerable: number;
  sides: SideResult[];
  peerRuns: PeerRun[];
}

export const peer: Benchmark = {
  name: 'peer',
  title: 'Peer: the real LangChain.js path',
  run: async (context) => {
    const install = await ensurePeerInstalled(context.log);
    context.log(`peer: ${install.how}`);
    const results: CorpusResult[] = [await compare(context, 'seed (5 articles), dev questions', null, SEED_CORPUS_DIR, await devQuestions())];
    if (context.full) {
      for (const articles of squadSizes()) {
        const squad = await squadCorpus(context, articles, SQUAD_QUESTIONS);
        const label = articles === SQUAD_ARTICLES_IN_DEV ? `SQuAD, all ${articles} articles, ${SQUAD_QUESTIONS} questions` : `SQuAD, first ${articles} articles, ${SQUAD_QUESTIONS} questions`;
        results.push(await compare(context, label, articles, squad.corpusDir, squad.questions));
      }
    }
    return { name: 'peer', title: 'Peer: the real LangChain.js path', data: { install, results }, markdown: render(install, results), targets: targets(results) };
  },
};

function squadSizes(): number[] {
  const raw = process.env.BENCH_PEER_SQUAD ?? `12,${SQUAD_ARTICLES_IN_DEV}`;
  return raw
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
    .map((n) => Math.min(n, SQUAD_ARTICLES_IN_DEV));
}

async function compare(context: BenchContext, label: string, squadArticles: number | null, corpusDir: string, questions: readonly DevQuestion[]): Promise<CorpusResult> {
  context.log(`peer vs Verbatim on ${label}`);
  const answerable = questions.filter((q) => q.source !== null);
  // Verbatim builds before and after the peer runs (the mean is its build time), so that a change
  // in the machine's load during the peer's long builds weighs on both sides alike.
  const slug = label.replace(/\W+/g, '-');
  const before = await buildVerbatim(context, corpusDir, path.join(context.scratch, `peer-verbatim-${slug}`), 'before the peer');
  const files = (await readdir(corpusDir, { withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.join(corpusDir, e.name))
    .sort();
  const peerSides: SideResult[] = [];
  const peerRuns: PeerRun[] = [];
  for (const variant of PEER_VARIANTS) {
    context.log(`  ${variant.system}: ${files.length} files, ${questions.length} questions`);
    const options = modelOptions(true);
    const out = await runRealPeer({
      files,
      questions: questions.map((q) => q.q),
      k: K,
      ...(options.modelDir === undefined ? {} : { modelDir: options.modelDir }),
      model: options.modelId,
      ...(variant.dtype === undefined ? {} : { dtype: variant.dtype }),
    });
    context.log(`    build ${(out.buildMs / 1000).toFixed(1)} s, ${out.passages} passages, peak RSS ${out.peakRssMB} MB`);
    peerSides.push(peerSide(variant.system, out, questions));
    peerRuns.push({ system: variant.system, node: out.node, versions: out.versions, settings: out.settings, splitMs: out.splitMs, peakRssAfterBuildMB: out.peakRssAfterBuildMB, wallMs: out.wallMs });
  }
  const after = await buildVerbatim(context, corpusDir, path.join(context.scratch, `peer-verbatim-${slug}-again`), 'after the peer');
  const verbatim = await runVerbatim(path.join(context.scratch, `peer-verbatim-${slug}`), [before, after], questions);
  return { corpus: label, squadArticles, questions: questions.length, answerable: answerable.length, sides: [...peerSides, ...verbatim], peerRuns };
}

/** The peer's side from its output: latencies of every question, article ranks of the answerable ones. */
export function peerSide(system: string, out: PeerOutput, questions: readonly DevQuestion[]): SideResult {
  if (out.answers.length !== questions.length) throw new Error(`The peer answered ${out.answers.length} of ${questions.length} questions.`);
  const ranks: number[] = [];
  questions.forEach((q, i) => {
    if (q.source !== null) ranks.push(firstRank(out.answers[i]!.sources, (id) => matchesSource(id, q.source!)));
  });
  return {
    system,
    buildSeconds: out.buildMs / 1000,
    modelLoadSeconds: out.modelLoadMs / 1000,
    cpuSeconds: out.cpuMsToBuildEnd / 1000,
    peakRssMB: out.peakRssMB,
    passages: out.passages,
    latencyMs: p(out.answers.map((a) => a.ms)),
    ...quality(ranks),
  };
}

type VerbatimBuild = BuildResult & { cpuSeconds: number | null };

/** Verbatim's full build in the bench build worker, under GNU time (when there is one) for the process's CPU seconds. */
async function buildVerbatim(context: BenchContext, corpusDir: string, indexDir: string, when: string): Promise<VerbatimBuild> {
  context.log(`  Verbatim: full build in a child process, ${when}`);
  const timeFile = `${indexDir}.time`;
  const prefix = existsSync(GNU_TIME) ? [GNU_TIME, '-o', timeFile, '-f', '%U %S'] : [];
  const build = (await runWorker<BuildResult>('build', { corpusDir, indexDir, full: true } satisfies BuildArgs, {}, prefix)).result;
  const cpuSeconds = prefix.length > 0 ? parseGnuTime(await readFile(timeFile, 'utf8')) : null;
  context.log(`    build ${(build.buildMs / 1000).toFixed(1)} s, process CPU ${cpuSeconds?.toFixed(1) ?? '?'} s, ${build.counts.chunks} chunks, peak RSS ${build.peakRssMB} MB`);
  return { ...build, cpuSeconds };
}

async function runVerbatim(indexDir: string, builds: readonly VerbatimBuild[], questions: readonly DevQuestion[]): Promise<SideResult[]> {
  const buildRunsSeconds = builds.map((b) => b.buildMs / 1000);
  const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const embeddings = await LocalEmbeddings.load(modelOptions(true));
  const snapshot = await IndexSnapshot.open(indexDir);
  const side = async (system: string, mode: 'hybrid' | 'dense'): Promise<SideResult> => {
    const engine = new AnswerEngine(new FileIndexStore(snapshot), embeddings, { search: { ...DEFAULT_ENGINE_OPTIONS.search, mode } });
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
      system,
      buildSeconds: mean(buildRunsSeconds),
      buildRunsSeconds,
      modelLoadSeconds: mean(builds.map((b) => b.modelLoadMs / 1000)),
      peakRssMB: Math.max(...builds.map((b) => b.peakRssMB)),
      cpuSeconds: builds.every((b) => b.cpuSeconds !== null) ? mean(builds.map((b) => b.cpuSeconds!)) : null,
      passages: snapshot.chunkCount,
      latencyMs: p(times),
      retrievalMs: p(retrieval),
      ...quality(ranks),
      firstSourceRight: firstRight / ranks.length,
      phraseQuoted: phrase / ranks.length,
    };
  };
  return [await side('Verbatim (hybrid, shipped)', 'hybrid'), await side('Verbatim (dense only)', 'dense')];
}

/** Peer build seconds over Verbatim's, per peer variant, on one corpus. */
export function buildSpeedups(result: Pick<CorpusResult, 'sides'>): { system: string; ratio: number; cpuRatio: number | null }[] {
  const verbatim = result.sides.find((s) => s.system.startsWith('Verbatim'));
  if (!verbatim) return [];
  return result.sides
    .filter((s) => !s.system.startsWith('Verbatim'))
    .map((s) => ({
      system: s.system,
      ratio: s.buildSeconds / verbatim.buildSeconds,
      cpuRatio: s.cpuSeconds !== null && verbatim.cpuSeconds !== null ? s.cpuSeconds / verbatim.cpuSeconds : null,
    }));
}

function targets(results: readonly CorpusResult[]): Target[] {
  const whole = results.find((r) => r.squadArticles === SQUAD_ARTICLES_IN_DEV);
  return PEER_VARIANTS.map((variant) => {
    const name = `SQuAD corpus (${SQUAD_ARTICLES_IN_DEV} articles) full build vs the real peer, ${variant.dtype === undefined ? 'its defaults (fp32)' : 'int8 (same model file)'}`;
    const goal = `≥ ${BUILD_SPEEDUP_GOAL}× faster`;
    if (!whole) return { name, goal, value: 'not run', met: null };
    const speedup = buildSpeedups(whole).find((s) => s.system === variant.system);
    if (!speedup) return { name, goal, value: 'not run', met: null };
    const verbatim = whole.sides.find((s) => s.system.startsWith('Verbatim'))!;
    const peerSide = whole.sides.find((s) => s.system === variant.system)!;
    return {
      name,
      goal,
      value:
        `${fmt(speedup.ratio, 1)}× (${fmt(verbatim.buildSeconds, 1)} s vs ${fmt(peerSide.buildSeconds, 1)} s` +
        (speedup.cpuRatio === null ? '' : `; process CPU ${fmt(speedup.cpuRatio, 1)}×`) +
        `; peak RSS ${fmt(verbatim.peakRssMB, 0)} MB vs ${fmt(peerSide.peakRssMB, 0)} MB)`,
      met: speedup.ratio >= BUILD_SPEEDUP_GOAL,
    };
  });
}

function render(install: PeerInstall, results: readonly CorpusResult[]): string {
  const first = results[0]?.peerRuns[0];
  const versions = first ? Object.entries(first.versions).map(([name, version]) => `${name} ${version}`).join(', ') : '?';
  const settings = first?.settings;
  const rows = results.flatMap((r) => {
    const verbatimBuild = r.sides.find((s) => s.system.startsWith('Verbatim'))?.buildSeconds ?? Number.NaN;
    return r.sides.map((s) => [
      r.corpus,
      s.system,
      s.buildRunsSeconds ? `${fmt(s.buildSeconds, 1)} (${s.buildRunsSeconds.map((b) => fmt(b, 1)).join(' / ')})` : fmt(s.buildSeconds, 1),
      s.system.startsWith('Verbatim') ? '1.0×' : `${fmt(s.buildSeconds / verbatimBuild, 1)}×`,
      s.cpuSeconds === null ? '–' : fmt(s.cpuSeconds, 1),
      fmt(s.modelLoadSeconds, 1),
      fmt(s.peakRssMB, 0),
      String(s.passages),
      `${fmt(s.latencyMs.p50, 1)} / ${fmt(s.latencyMs.p95, 1)}`,
      s.retrievalMs ? `${fmt(s.retrievalMs.p50, 1)} / ${fmt(s.retrievalMs.p95, 1)}` : '(same)',
      fmt(s.recallAt1, 3),
      fmt(s.recallAt5, 3),
      fmt(s.mrr, 3),
      s.firstSourceRight === undefined ? '–' : `${fmt(s.firstSourceRight, 3)} / ${fmt(s.phraseQuoted!, 3)}`,
    ]);
  });
  return [
    `The real \`@langchain/community\` HNSWLib + HuggingFaceTransformersEmbeddings + \`@langchain/textsplitters\` RecursiveCharacterTextSplitter, from its own package in \`bench/peer/\` ` +
      `(it will not install beside Verbatim's zod 4 / dotenv 17), run as a child process (\`node bench/peer/peer.mjs\`, input on stdin, JSON out). ` +
      `Peer ${install.how}. Versions that ran: ${versions}; Node ${first?.node ?? '?'}.` +
      (settings
        ? ` Library defaults throughout: splitter ${settings.chunkSize}/${settings.chunkOverlap}, embeddings batchSize ${settings.batchSize} with newlines stripped, HNSWLib ${settings.space} space; ` +
          `model ${settings.model} from MODEL_DIR (\`env.localModelPath\`, remote models off); similaritySearch(question, ${settings.k}).`
        : ''),
    '',
    table(
      ['corpus', 'system', 'build s', '× Verbatim', 'process CPU s', 'model load s', 'peak RSS MB', 'passages', 'question p50 / p95 ms', 'retrieval only p50 / p95 ms', 'article recall@1', 'recall@5', 'MRR', 'first source right / phrase quoted'],
      rows,
    ),
    '',
    `Build: reading, splitting, embedding and indexing every file, after the model is loaded (model load shown apart), each in a fresh process, one at a time: ` +
      `the peer's \`HNSWLib.fromDocuments\`, Verbatim's \`buildIndex\` (full) in the bench build worker (Node's default heap limit, as \`npm run index\`), once before the peer runs and once after: ` +
      `its build time is the mean of the two (both in brackets), so that the machine's load during the peer's long builds weighs on both sides. ` +
      `Process CPU s: user + system CPU time of that process from its start to the end of the build (imports, model load, build; Verbatim's by GNU time, the mean of its two builds), ` +
      'which other work on the machine sways far less than wall time. ' +
      `Peak RSS: VmHWM of that process — for the peer its whole run (build, then the questions), for Verbatim the larger of its two builds. ` +
      `The peer runs with transformers.js's default dtype (fp32 on Node: onnx/model.onnx) and again with dtype q8 (onnx/model_quantized.onnx, the int8 file Verbatim loads). ` +
      `Latency: one warm-up pass, then each question once; the peer's is \`similaritySearch\` (embed + HNSW search), Verbatim's the whole ask (retrieval only beside it). ` +
      `Recall and MRR: the rank of the first of the ${K} retrieved passages that belongs to the expected article, over the answerable questions (as \`npm run eval\` computes them). ` +
      'Verbatim embeds every sentence as well as every chunk (for quote selection), so it embeds about twice the text.',
  ].join('\n');
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
