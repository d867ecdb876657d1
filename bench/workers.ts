/**
 * Pieces of benchmarks that run in their own process (see lib/child.ts): an index build, and a
 * "serve" process that loads the model and an index and answers questions — for peak RSS, a clean
 * heap, and the memory a bot process needs.
 */
import { AnswerEngine } from '../src/answer/engine.js';
import { loadBaseConfig, loadServiceConfig } from '../src/core/config.js';
import { limitHeapGrowth } from '../src/core/heap.js';
import { LocalEmbeddings, type IndexEmbedder } from '../src/embedding/embedder.js';
import { PooledEmbeddings, resolveEmbedWorkers } from '../src/embedding/embedding-pool.js';
import { buildIndex, type BuildProgress } from '../src/index/build.js';
import type { SentenceVectorKind } from '../src/index/manifest.js';
import { FileIndexStore } from '../src/index/file-store.js';
import { IndexSnapshot } from '../src/index/snapshot.js';
import { poolWorker } from './embedding-pool.js';
import { throughputWorker } from './embedding-throughput.js';
import { storeServeWorker } from './pg-store.js';
import { peakRssMB, rssMB } from './lib/child.js';
import { generateCorpus, writeCorpus } from './lib/corpus-gen.js';
import { modelOptions } from './lib/env.js';
import { cachedEmbeddings, loadPool } from './lib/pool.js';
import { round, summarize, type Summary } from './lib/stats.js';
import { SyntheticEmbeddings } from './lib/synthetic.js';

export type Worker = (args: never) => Promise<unknown>;

export interface BuildArgs {
  corpusDir: string;
  indexDir: string;
  full?: boolean;
  quantized?: boolean;
  /** EMBED_WORKERS for this build; default: the environment's (auto). */
  embedWorkers?: number | 'auto';
  /** Generate the corpus into corpusDir and embed it with synthetic vectors (see lib/synthetic.ts). */
  synthetic?: { seed: number; articles: number };
  /** The kind of vectors to build (default: INDEX_VECTORS, else the index's own, separate for a new one). */
  sentenceVectors?: SentenceVectorKind;
}

/** Builds of one corpus, one after another in one process with one model: each kind into its own index directory. */
export interface BuildEachArgs {
  corpusDir: string;
  full?: boolean;
  /** EMBED_WORKERS for these builds; default: the environment's (auto). */
  embedWorkers?: number | 'auto';
  builds: { indexDir: string; sentenceVectors: SentenceVectorKind }[];
}

export interface BuildResult {
  modelLoadMs: number;
  buildMs: number;
  /** Milliseconds per phase: reading and chunking, embedding, writing. */
  phases: { prepareMs: number; embedMs: number; writeMs: number };
  counts: { articles: number; chunks: number; sentences: number };
  embedded: { chunks: number; sentences: number };
  changed: { added: number; changed: number; removed: number; unchanged: number };
  written: boolean;
  /** Embedding worker processes the build started (EMBED_WORKERS; 0: it embedded in its own process). */
  embedWorkers: number;
  /** The kind of vectors built. */
  sentenceVectors?: SentenceVectorKind;
  /** Peak RSS of the build's process plus each embedding worker's. */
  peakRssMB: number;
}

export async function buildWorker(args: BuildArgs): Promise<BuildResult> {
  const t0 = performance.now();
  const model = modelOptions(args.quantized ?? true);
  const real = await LocalEmbeddings.load(model);
  const pooled = poolOf(real, model, args.embedWorkers);
  let embeddings: IndexEmbedder = pooled;
  if (args.synthetic) {
    const pool = await loadPool();
    const articles = generateCorpus(pool, args.synthetic);
    await writeCorpus(args.corpusDir, articles);
    const vectors = await cachedEmbeddings('pool', pool.sentences, real);
    embeddings = new SyntheticEmbeddings(real, vectors, SyntheticEmbeddings.sentenceMap(articles)) as unknown as IndexEmbedder;
  }
  // As npm run index: INDEX_VECTORS when the caller names no kind (unset: the index's own, separate for a new one).
  const kind = args.sentenceVectors ?? loadBaseConfig().indexVectors;
  try {
    return await timedBuild(embeddings, pooled, { ...args, ...(kind === undefined ? {} : { sentenceVectors: kind }) }, performance.now() - t0);
  } finally {
    await pooled.close();
  }
}

/** The builds of BuildEachArgs, in order, the model (and any embedding workers) loaded once (the ratio of their times is what load changes least). */
export async function buildEachWorker(args: BuildEachArgs): Promise<BuildResult[]> {
  const t0 = performance.now();
  const model = modelOptions(true);
  const pooled = poolOf(await LocalEmbeddings.load(model), model, args.embedWorkers);
  const modelLoadMs = performance.now() - t0;
  const results: BuildResult[] = [];
  try {
    for (const build of args.builds) {
      results.push(await timedBuild(pooled, pooled, { corpusDir: args.corpusDir, full: args.full ?? false, ...build }, modelLoadMs));
    }
  } finally {
    await pooled.close();
  }
  return results;
}

/** As npm run index: EMBED_WORKERS (default auto) worker processes embed a build of ≥ 1,024 texts. */
function poolOf(real: LocalEmbeddings, model: ReturnType<typeof modelOptions>, embedWorkers: number | 'auto' | undefined): PooledEmbeddings {
  const workers = resolveEmbedWorkers(embedWorkers ?? loadBaseConfig().embedWorkers);
  return new PooledEmbeddings(real, { model, workers });
}

async function timedBuild(embeddings: IndexEmbedder, pooled: PooledEmbeddings, args: BuildArgs, modelLoadMs: number): Promise<BuildResult> {
  const t1 = performance.now();
  const marks: Partial<Record<BuildProgress['phase'], number>> = {};
  const summary = await buildIndex({
    corpusDir: args.corpusDir,
    indexDir: args.indexDir,
    embeddings,
    full: args.full ?? false,
    onProgress: (event) => (marks[event.phase] ??= performance.now()),
    ...(args.sentenceVectors === undefined ? {} : { sentenceVectors: args.sentenceVectors }),
  });
  const t2 = performance.now();
  const workerStats = await pooled.workerStats();
  const plan = marks.plan ?? t2;
  const write = marks.write ?? t2;
  return {
    modelLoadMs: Math.round(modelLoadMs),
    buildMs: Math.round(t2 - t1),
    phases: { prepareMs: Math.round(plan - t1), embedMs: Math.round(write - plan), writeMs: Math.round(t2 - write) },
    counts: summary.counts,
    embedded: summary.embedded,
    changed: { added: summary.added.length, changed: summary.changed.length, removed: summary.removed.length, unchanged: summary.unchanged.length },
    written: summary.written,
    ...(summary.sentenceVectors === undefined ? {} : { sentenceVectors: summary.sentenceVectors }),
    embedWorkers: workerStats.length,
    peakRssMB: round(peakRssMB() + workerStats.reduce((a, w) => a + w.peakRssMB, 0), 1),
  };
}

export interface ServeArgs {
  indexDir: string;
  questions: string[];
  /** Measured passes over the questions (after one warm-up pass). */
  rounds: number;
  quantized?: boolean;
}

export interface ServeResult {
  rss: { startMB: number; modelMB: number; indexMB: number; afterQuestionsMB: number; peakMB: number };
  heap: { usedMB: number; externalMB: number; arrayBuffersMB: number };
  loadMs: { model: number; index: number };
  chunks: number;
  sentences: number;
  answered: number;
  latencyMs: { total: Summary; embed: Summary; search: Summary; select: Summary };
}

/** Loads the model and an index like the bot does, then answers the questions (warm). */
export async function serveWorker(args: ServeArgs): Promise<ServeResult> {
  // As the bot does at start (HEAP_GROWTH_PERCENT).
  limitHeapGrowth(loadServiceConfig().heapGrowthPercent);
  const startMB = rssMB();
  const t0 = performance.now();
  const embeddings = await LocalEmbeddings.load(modelOptions(args.quantized ?? true));
  await embeddings.embedOne('warm up');
  const modelMB = rssMB();
  const t1 = performance.now();
  const snapshot = await IndexSnapshot.open(args.indexDir);
  const t2 = performance.now();
  const indexMB = rssMB();
  const engine = new AnswerEngine(new FileIndexStore(snapshot), embeddings);
  for (const q of args.questions) await engine.ask(q);
  const samples = { total: [] as number[], embed: [] as number[], search: [] as number[], select: [] as number[] };
  let answered = 0;
  for (let r = 0; r < args.rounds; r++) {
    for (const q of args.questions) {
      const started = performance.now();
      const answer = await engine.ask(q);
      samples.total.push(performance.now() - started);
      samples.embed.push(answer.timings.embedMs);
      samples.search.push(answer.timings.searchMs);
      samples.select.push(answer.timings.selectMs);
      if (r === 0 && answer.answered) answered++;
    }
  }
  const memory = process.memoryUsage();
  const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  return {
    rss: { startMB, modelMB, indexMB, afterQuestionsMB: rssMB(), peakMB: peakRssMB() },
    heap: { usedMB: mb(memory.heapUsed), externalMB: mb(memory.external), arrayBuffersMB: mb(memory.arrayBuffers) },
    loadMs: { model: Math.round(t1 - t0), index: Math.round(t2 - t1) },
    chunks: snapshot.chunkCount,
    sentences: snapshot.manifest.counts.sentences,
    answered,
    latencyMs: { total: summarize(samples.total), embed: summarize(samples.embed), search: summarize(samples.search), select: summarize(samples.select) },
  };
}

export const WORKERS: Record<string, Worker> = {
  build: buildWorker as Worker,
  'build-each': buildEachWorker as Worker,
  serve: serveWorker as Worker,
  throughput: throughputWorker as Worker,
  'embedding-pool': poolWorker as Worker,
  'store-serve': storeServeWorker as Worker,
};
