/**
 * Embedding in this process (LocalEmbeddings: one session, an intra-op thread per core) against
 * the pool EMBED_WORKERS starts (PooledEmbeddings: child processes of one thread each), on the same
 * texts — what an index build of generated articles embeds — each run in a fresh process, the two
 * alternating (ABBA) so both see the same load on a shared machine. Per run: texts/s, CPU seconds
 * (the process and its workers: user + system), peak RSS (the process's VmHWM plus each worker's)
 * and the pool's start (forking the workers, loading the model in each). The vectors are checked
 * to be the same bytes in every run.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chunkArticle } from '../src/chunking/chunk.js';
import { splitSentences } from '../src/chunking/sentences.js';
import { embeddingInput } from '../src/chunking/types.js';
import { loadCorpus } from '../src/corpus/load.js';
import { LocalEmbeddings } from '../src/embedding/embedder.js';
import { PooledEmbeddings } from '../src/embedding/embedding-pool.js';
import { intraOpThreads } from '../src/embedding/model.js';
import { peakRssMB, runWorker } from './lib/child.js';
import { generateCorpus, writeCorpus } from './lib/corpus-gen.js';
import { modelOptions } from './lib/env.js';
import { loadPool } from './lib/pool.js';
import { median, ratios, round } from './lib/stats.js';
import { fmt, pct, table } from './lib/table.js';
import type { Benchmark } from './lib/types.js';

export type PoolVariant = 'in-process' | 'pool';

export interface PoolArgs {
  variant: PoolVariant;
  /** A JSON file holding the texts (string[]). */
  textsFile: string;
  workers: number;
}

export interface PoolResult {
  texts: number;
  /** The in-process session's intra-op threads, or the number of workers. */
  threads: number;
  startMs: number;
  embedMs: number;
  textsPerSecond: number;
  cpu: { processMs: number; workersMs: number };
  peakRss: { processMB: number; workersMB: number[] };
  /** sha256 of every vector's bytes, in input order. */
  vectorsHash: string;
}

/** One run, alone in its process: load the model (and start the pool), warm up, then embed the texts in one call, as a build's slice. */
export async function poolWorker(args: PoolArgs): Promise<PoolResult> {
  const texts = JSON.parse(await readFile(args.textsFile, 'utf8')) as string[];
  const model = modelOptions(true);
  const local = await LocalEmbeddings.load(model);
  const pooled = args.variant === 'pool' ? new PooledEmbeddings(local, { model, workers: args.workers, minTexts: 1 }) : undefined;
  try {
    const embeddings = pooled ?? local;
    const started = performance.now();
    await pooled?.prepare(texts.length);
    const startMs = performance.now() - started;
    await embeddings.embedMany(texts.slice(0, 64));
    const cpu0 = process.cpuUsage();
    const workers0 = (await pooled?.workerStats()) ?? [];
    const t0 = performance.now();
    const vectors = await embeddings.embedMany(texts);
    const embedMs = performance.now() - t0;
    const cpu1 = process.cpuUsage(cpu0);
    const workers1 = (await pooled?.workerStats()) ?? [];
    const hash = createHash('sha256');
    for (const v of vectors) hash.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    return {
      texts: texts.length,
      threads: pooled ? args.workers : intraOpThreads(),
      startMs: Math.round(startMs),
      embedMs: Math.round(embedMs),
      textsPerSecond: round(texts.length / (embedMs / 1000), 1),
      cpu: {
        processMs: Math.round((cpu1.user + cpu1.system) / 1000),
        workersMs: Math.round(workers1.reduce((a, s, i) => a + s.cpuMs - (workers0[i]?.cpuMs ?? 0), 0)),
      },
      peakRss: { processMB: peakRssMB(), workersMB: workers1.map((s) => round(s.peakRssMB, 1)) },
      vectorsHash: hash.digest('hex'),
    };
  } finally {
    await pooled?.close();
  }
}

/** The texts an index build of `articles` generated articles embeds: its chunks' inputs and its sentences. */
async function buildTexts(dir: string, articles: number): Promise<{ texts: string[]; chunks: number; sentences: number }> {
  await writeCorpus(dir, generateCorpus(await loadPool(), { articles, seed: 11 }));
  const corpus = await loadCorpus(dir);
  const counter = await LocalEmbeddings.load(modelOptions(true));
  const chunks: string[] = [];
  const sentences: string[] = [];
  for (const article of corpus.articles) {
    const split = splitSentences(article);
    chunks.push(...chunkArticle(article, split, counter).map((c) => embeddingInput(c)));
    sentences.push(...split.map((s) => article.text.slice(s.start, s.end)));
  }
  return { texts: [...new Set([...chunks, ...sentences])], chunks: chunks.length, sentences: sentences.length };
}

export const embeddingPool: Benchmark = {
  name: 'embedding-pool',
  title: 'Embedding pool (EMBED_WORKERS)',
  run: async (context) => {
    const articles = context.full ? 150 : 75;
    const reps = context.full ? 5 : 3;
    const workers = 2;
    const { texts, chunks, sentences } = await buildTexts(path.join(context.scratch, 'pool-corpus'), articles);
    const textsFile = path.join(context.scratch, 'pool-texts.json');
    await writeFile(textsFile, JSON.stringify(texts));
    context.log(`embedding pool: ${texts.length} texts (${articles} generated articles), in-process vs pool of ${workers}, ${reps} runs each, alternating`);
    const runs: Record<PoolVariant, PoolResult[]> = { 'in-process': [], pool: [] };
    for (let rep = 0; rep < reps; rep++) {
      const order: PoolVariant[] = rep % 2 === 0 ? ['in-process', 'pool'] : ['pool', 'in-process'];
      for (const variant of order) {
        const result = (await runWorker<PoolResult>('embedding-pool', { variant, textsFile, workers } satisfies PoolArgs)).result;
        context.log(`  ${variant}: ${fmt(result.textsPerSecond)} texts/s, ${fmt((result.cpu.processMs + result.cpu.workersMs) / 1000, 1)} CPU s`);
        runs[variant].push(result);
      }
    }
    const hashes = new Set([...runs['in-process'], ...runs.pool].map((r) => r.vectorsHash));
    const cpuSeconds = (r: PoolResult) => (r.cpu.processMs + r.cpu.workersMs) / 1000;
    const peak = (r: PoolResult) => r.peakRss.processMB + r.peakRss.workersMB.reduce((a, b) => a + b, 0);
    const speedup = median(ratios(runs.pool.map((r) => r.textsPerSecond), runs['in-process'].map((r) => r.textsPerSecond)));
    const cpuRatio = median(ratios(runs.pool.map(cpuSeconds), runs['in-process'].map(cpuSeconds)));
    const row = (label: string, variant: PoolVariant) => {
      const rs = runs[variant];
      return [
        label,
        rs.map((r) => fmt(r.textsPerSecond)).join(' / '),
        fmt(median(rs.map((r) => r.textsPerSecond))),
        fmt(median(rs.map(cpuSeconds)), 1),
        fmt(median(rs.map((r) => r.embedMs / 1000)), 1),
        variant === 'pool'
          ? `${fmt(median(rs.map((r) => r.peakRss.processMB)), 0)} + ${rs[0]!.peakRss.workersMB.map((_, i) => fmt(median(rs.map((r) => r.peakRss.workersMB[i]!)), 0)).join(' + ')} = ${fmt(median(rs.map(peak)), 0)}`
          : fmt(median(rs.map(peak)), 0),
        variant === 'pool' ? fmt(median(rs.map((r) => r.startMs / 1000)), 1) : '–',
      ];
    };
    const markdown = [
      `${texts.length} texts — the distinct chunk inputs and sentences of ${articles} generated articles (${chunks} chunks, ${sentences} sentences) — embedded in one call (as one of a build's 4,096-text slices), int8, ` +
        `each run a fresh process (model loaded and a 64-text warm-up first, not timed), the variants alternating, ${reps} runs each. CPU: user + system of the process and its workers during the call.`,
      '',
      table(
        ['variant', 'texts/s, each run', 'texts/s (median)', 'CPU s', 'wall s', 'peak RSS MB', 'pool start s'],
        [
          row(`in this process (LocalEmbeddings, ${runs['in-process'][0]!.threads} intra-op threads)`, 'in-process'),
          row(`pool of ${workers} (PooledEmbeddings, 1 thread each)`, 'pool'),
        ],
      ),
      '',
      `Pool / in-process, median of neighbouring runs: **×${fmt(speedup, 2)}** texts/s, ${cpuRatio <= 1 ? '' : '+'}${pct(cpuRatio - 1, 0)} CPU seconds. ` +
        `Vectors: ${hashes.size === 1 ? 'the same bytes in every run' : `**${hashes.size} different results**`}. Pool start: forking ${workers} processes and loading the model in each (tsx here; compiled, less).`,
    ].join('\n');
    return {
      name: 'embedding-pool',
      title: 'Embedding pool (EMBED_WORKERS)',
      data: { texts: texts.length, chunks, sentences, articles, workers, runs, speedup: round(speedup, 3), cpuRatio: round(cpuRatio, 3) },
      markdown,
      targets: [
        {
          name: `pool of ${workers} vs in-process embedding (texts/s)`,
          goal: '> ×1, same vectors',
          value: `×${fmt(speedup, 2)}, ${hashes.size === 1 ? 'same vectors' : 'vectors differ'}`,
          met: speedup > 1 && hashes.size === 1,
        },
      ],
    };
  },
};
