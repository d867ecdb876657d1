/**
 * The PostgreSQL store beside the file store, per question step (IndexStore.search, then
 * articleViews for the articles of the best passages, as the engine asks them), each store in a
 * fresh process with the model loaded like a bot: store latency p50/p95 (the question's embedding
 * is not counted: it is the same for both), the process's RSS, and the time to publish the index
 * into PostgreSQL. PostgreSQL here is PGlite (PostgreSQL 18 in WebAssembly, one session, served over
 * the wire protocol by pglite-socket: lib/pglite-server.ts) in the benchmark's own
 * process; a native server is not available on this machine. On the seed index and ~10k chunks; with
 * --full also ~100k (publishing 100k chunks into PGlite, HNSW graph included, is slow: see notes).
 */
import { articleLookupTerms, questionProfile } from '../src/answer/reader/features.js';
import { loadServiceConfig } from '../src/core/config.js';
import { limitHeapGrowth } from '../src/core/heap.js';
import { openIndexStore } from '../src/index/open-store.js';
import type { PublishSummary } from '../src/index/postgres/publish.js';
import { currentGeneration } from '../src/index/layout.js';
import type { ArticleRequest, ScoredLabel } from '../src/index/store.js';
import { LocalEmbeddings } from '../src/embedding/embedder.js';
import { peakRssMB, rssMB, runWorker } from './lib/child.js';
import { modelOptions } from './lib/env.js';
import { devQuestions, seedIndex, squadQuestions, syntheticIndex, type BuiltIndex } from './lib/fixtures.js';
import { summarize, type Summary } from './lib/stats.js';
import { fmt, table } from './lib/table.js';
import type { BenchContext, Benchmark, Target } from './lib/types.js';

/** Candidates per retriever (the engine's search depth) and passages whose articles step 2 reads. */
const DEPTH = 30;
const PASSAGES = 12;

export interface StoreServeArgs {
  indexStore: 'file' | 'postgres';
  indexDir: string;
  databaseUrl?: string;
  questions: string[];
  rounds: number;
}

export interface StoreServeResult {
  rss: { modelMB: number; storeMB: number; afterQuestionsMB: number; peakMB: number };
  openMs: number;
  latencyMs: { store: Summary; search: Summary; views: Summary };
}

/** In a fresh process: the model, the store, the questions' two store steps (after one warm-up pass). */
export async function storeServeWorker(args: StoreServeArgs): Promise<StoreServeResult> {
  // As the bot does at start (HEAP_GROWTH_PERCENT).
  limitHeapGrowth(loadServiceConfig().heapGrowthPercent);
  const embeddings = await LocalEmbeddings.load(modelOptions(true));
  const vectors: Float32Array[] = [];
  for (const q of args.questions) vectors.push(Float32Array.from(await embeddings.embedQuery(q)));
  const modelMB = rssMB();
  const t0 = performance.now();
  const store = await openIndexStore({ indexStore: args.indexStore, indexDir: args.indexDir, databaseUrl: args.databaseUrl });
  const openMs = performance.now() - t0;
  const storeMB = rssMB();
  // The question's index terms, which the engine asks each article about (ArticleRequest.terms).
  const lookups = args.questions.map((q) => articleLookupTerms(questionProfile(store.terms, q)));
  const samples = { store: [] as number[], search: [] as number[], views: [] as number[] };
  for (let round = 0; round <= args.rounds; round++) {
    for (let i = 0; i < args.questions.length; i++) {
      const started = performance.now();
      const result = await store.search({ vector: vectors[i]!, text: args.questions[i]!, depth: DEPTH });
      const searched = performance.now();
      const requests = new Map<string, Set<number>>();
      for (const label of fuse(result.dense, result.lexical).slice(0, PASSAGES)) {
        const chunk = result.passages.get(label)!.chunk;
        const wanted = requests.get(chunk.articleId) ?? new Set<number>();
        for (let s = chunk.sentenceStart - 1; s <= chunk.sentenceEnd; s++) if (s >= 0) wanted.add(s);
        requests.set(chunk.articleId, wanted);
      }
      await store.articleViews([...requests].map(([id, sentences]): ArticleRequest => ({ id, sentences: [...sentences], terms: lookups[i]! })));
      const done = performance.now();
      if (round === 0) continue;
      samples.store.push(done - started);
      samples.search.push(searched - started);
      samples.views.push(done - searched);
    }
  }
  const afterQuestionsMB = rssMB();
  await store.close();
  return {
    rss: { modelMB, storeMB, afterQuestionsMB, peakMB: peakRssMB() },
    openMs: Math.round(openMs),
    latencyMs: { store: summarize(samples.store), search: summarize(samples.search), views: summarize(samples.views) },
  };
}

/** Reciprocal rank fusion of the two lists (k = 60), best first. */
function fuse(dense: readonly ScoredLabel[], lexical: readonly ScoredLabel[]): number[] {
  const scores = new Map<number, number>();
  for (const list of [dense, lexical]) list.forEach((hit, rank) => scores.set(hit.label, (scores.get(hit.label) ?? 0) + 1 / (60 + rank + 1)));
  return [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([label]) => label);
}

interface Run {
  name: string;
  chunks: number;
  publishMs: number;
  publishPhases: PublishSummary['phases'];
  file: StoreServeResult;
  postgres: StoreServeResult;
}

async function measure(context: BenchContext, url: string, name: string, index: BuiltIndex, chunks: number, questions: string[], rounds: number): Promise<Run> {
  const schema = `bench_${name}`;
  // Imported here, like PGlite: the serve workers import this file and must not load the PostgreSQL client.
  const { Names, openPool } = await import('../src/index/postgres/database.js');
  const { publishGeneration } = await import('../src/index/postgres/publish.js');
  const pool = openPool(url, 2);
  const names = new Names(schema);
  context.log(`publishing the ${name} index (${chunks} chunks) into PGlite`);
  const generationDir = (await currentGeneration(index.indexDir))!;
  const published = await publishGeneration(pool, names, generationDir);
  await pool.end();
  const databaseUrl = `${url}&schema=${schema}`;
  context.log(`asking ${questions.length} questions × ${rounds} rounds of the ${name} index, file store then PostgreSQL store`);
  const file = (await runWorker<StoreServeResult>('store-serve', { indexStore: 'file', indexDir: index.indexDir, questions, rounds } satisfies StoreServeArgs)).result;
  const postgres = (await runWorker<StoreServeResult>('store-serve', { indexStore: 'postgres', indexDir: index.indexDir, databaseUrl, questions, rounds } satisfies StoreServeArgs)).result;
  return { name, chunks, publishMs: published.ms, publishPhases: published.phases, file, postgres };
}

export const pgStore: Benchmark = {
  name: 'pg-store',
  title: 'PostgreSQL store (PGlite) beside the file store',
  run: async (context) => {
    // Imported here: the serve workers (bench/workers.ts) import this file, and must not load PGlite.
    const { startPglite } = await import('./lib/pglite-server.js');
    const server = await startPglite();
    const runs: Run[] = [];
    try {
      const dev = (await devQuestions()).map((q) => q.q);
      const squad = await squadQuestions(context.full ? 200 : 100);
      const seed = await seedIndex(context);
      runs.push(await measure(context, server.url, 'seed', seed, seed.build.result.counts.chunks, dev, context.full ? 5 : 3));
      if (context.full) {
        // Publishing 10k chunks into PGlite takes minutes: the default run measures the seed index only.
        const ten = await syntheticIndex(context, 10_000);
        runs.push(await measure(context, server.url, '10k', ten, ten.build.result.counts.chunks, [...dev, ...squad], 2));
        const hundred = await syntheticIndex(context, 100_000);
        runs.push(await measure(context, server.url, '100k', hundred, hundred.build.result.counts.chunks, [...dev, ...squad], 1));
      }
    } finally {
      await server.stop();
    }
    const rows = runs.flatMap((run) =>
      (['file', 'postgres'] as const).map((kind) => {
        const r = run[kind];
        return [
          `${run.name}${run.name === 'seed' ? '' : ' (synthetic vectors)'}`,
          kind === 'file' ? 'file' : 'PostgreSQL (PGlite)',
          run.chunks.toLocaleString('en-US'),
          String(r.latencyMs.store.n),
          fmt(r.latencyMs.store.p50, 1),
          fmt(r.latencyMs.store.p95, 1),
          `${fmt(r.latencyMs.search.p50, 1)} / ${fmt(r.latencyMs.views.p50, 1)}`,
          `${fmt(r.openMs / 1000, 2)}`,
          `${fmt(r.rss.storeMB - r.rss.modelMB, 0)}`,
          `${fmt(r.rss.afterQuestionsMB, 0)} (peak ${fmt(r.rss.peakMB, 0)})`,
          kind === 'file' ? '' : `${fmt(run.publishMs / 1000, 1)} (${fmt(run.publishPhases.contentMs / 1000, 1)} / ${fmt(run.publishPhases.vectorIndexMs / 1000, 1)})`,
        ];
      }),
    );
    const big = runs.find((run) => run.name === '100k');
    const targets: Target[] = [
      big
        ? { name: 'PostgreSQL store p95 (store steps), 100k chunks', goal: '≤ 150 ms', value: `${fmt(big.postgres.latencyMs.store.p95, 1)} ms`, met: big.postgres.latencyMs.store.p95 <= 150 }
        : { name: 'PostgreSQL store p95 (store steps), 100k chunks', goal: '≤ 150 ms', value: 'run with --full', met: null },
      big
        ? { name: 'bot process RSS on the PostgreSQL store, 100k chunks', goal: '≤ 400 MB', value: `${fmt(big.postgres.rss.afterQuestionsMB, 0)} MB`, met: big.postgres.rss.afterQuestionsMB <= 400 }
        : { name: 'bot process RSS on the PostgreSQL store, 100k chunks', goal: '≤ 400 MB', value: 'run with --full', met: null },
    ];
    const markdown = [
      table(['index', 'store', 'chunks', 'asks', 'p50 ms', 'p95 ms', 'p50 search / views ms', 'open s', '+ store MB', 'RSS after questions MB', 'publish s (content / HNSW)'], rows),
      '',
      `Per question: \`search\` (depth ${DEPTH}: HNSW + BM25, the passages with their vectors) and \`articleViews\` for the articles of the ${PASSAGES} best fused passages ` +
        '(sentences ± 1): the two store steps of an answer, without the question embedding (the same for both). Each store in a fresh process with the model loaded, ' +
        'after one warm-up pass. PGlite runs in the benchmark process (one WebAssembly PostgreSQL session, queries served one at a time); a native PostgreSQL server was not measured here.',
    ].join('\n');
    return { name: 'pg-store', title: 'PostgreSQL store (PGlite) beside the file store', data: runs, markdown, targets };
  },
};

