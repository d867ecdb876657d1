/**
 * The embedding pool (EMBED_WORKERS): child processes with one intra-op thread each, running the
 * very batches LocalEmbeddings would. Its vectors are bit for bit the in-process ones, in input
 * order whatever order the batches come back in; a child that cannot load the model or dies fails
 * the call with an EmbeddingWorkerError that says why (no hang); and the children end with the
 * pool, and with the process that started them.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chunkArticle } from '../../src/chunking/chunk.js';
import { splitSentences } from '../../src/chunking/sentences.js';
import { embeddingInput } from '../../src/chunking/types.js';
import { loadCorpus } from '../../src/corpus/load.js';
import { ModelError } from '../../src/core/errors.js';
import { LocalEmbeddings, type SpannedText } from '../../src/embedding/embedder.js';
import { EmbeddingWorkerError, POOL_MIN_TEXTS, PooledEmbeddings } from '../../src/embedding/embedding-pool.js';
import { MODEL_DIR, PROJECT_ROOT, SEED_CORPUS_DIR } from '../support/env.js';
import { loadEmbeddings, MODEL_OPTIONS } from '../support/seed-index.js';
import { isRunning } from '../support/processes.js';

const PARENT = path.join(PROJECT_ROOT, 'tests', 'embedding', 'fixtures', 'pool-parent.ts');
const POOL_TIMEOUT = 240_000;

let local: LocalEmbeddings;
/** The seed corpus's chunk inputs and sentences: what an index build of it embeds. */
let seedTexts: string[];
const opened: PooledEmbeddings[] = [];

beforeAll(async () => {
  local = await loadEmbeddings();
  const corpus = await loadCorpus(SEED_CORPUS_DIR);
  seedTexts = [];
  for (const article of corpus.articles) {
    const sentences = splitSentences(article);
    seedTexts.push(...chunkArticle(article, sentences, local).map((chunk) => embeddingInput(chunk)));
    seedTexts.push(...sentences.map((s) => article.text.slice(s.start, s.end)));
  }
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.close()));
});

function pooled(embeddings: LocalEmbeddings, options: { workers?: number; minTexts?: number; modelDir?: string } = {}): PooledEmbeddings {
  const pool = new PooledEmbeddings(embeddings, {
    model: { ...MODEL_OPTIONS, ...(options.modelDir === undefined ? {} : { modelDir: options.modelDir }) },
    workers: options.workers ?? 2,
    minTexts: options.minTexts ?? 1,
  });
  opened.push(pool);
  return pool;
}

async function gone(pids: readonly number[], waitMs = 20_000): Promise<number[]> {
  const started = Date.now();
  while (pids.some(isRunning) && Date.now() - started < waitMs) await new Promise((resolve) => setTimeout(resolve, 100));
  return pids.filter(isRunning);
}

function expectSameVectors(actual: readonly Float32Array[], expected: readonly Float32Array[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((vector, i) => {
    const same = Buffer.from(actual[i]!.buffer, actual[i]!.byteOffset, actual[i]!.byteLength).equals(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    expect(same, `vector ${i} differs`).toBe(true);
  });
}

describe('PooledEmbeddings', () => {
  it(
    "gives bit-identical vectors to in-process embedMany and embedSpans on the seed corpus's texts",
    async () => {
      const pool = pooled(local);
      const progress: number[] = [];
      const inPool = await pool.embedMany(seedTexts, ({ done, total }) => {
        expect(total).toBe(seedTexts.length);
        progress.push(done);
      });
      expect(pool.started).toBe(true);
      expect(await pool.workerStats()).toHaveLength(2);
      expectSameVectors(inPool, await local.embedMany(seedTexts));
      expect(progress.at(-1)).toBe(seedTexts.length);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);

      // Late chunking: a vector per text and per span, from one pass.
      const spanned: SpannedText[] = seedTexts.slice(0, 120).map((text) => {
        const middle = text.indexOf(' ', Math.floor(text.length / 2));
        return { text, spans: middle > 0 ? [[0, middle], [middle + 1, text.length]] : [[0, text.length]] };
      });
      const [a, b] = [await pool.embedSpans(spanned), await local.embedSpans(spanned)];
      expectSameVectors(
        a.map((r) => r.vector),
        b.map((r) => r.vector),
      );
      a.forEach((r, i) => {
        expect(r.spans.map((s) => s === undefined)).toEqual(b[i]!.spans.map((s) => s === undefined));
        expectSameVectors(
          r.spans.filter((s) => s !== undefined),
          b[i]!.spans.filter((s) => s !== undefined),
        );
      });
    },
    POOL_TIMEOUT,
  );

  it(
    'keeps the input order across uneven batches coming back out of order',
    async () => {
      // Batches of 5, 2 workers with 2 batches each in flight: 43 texts of very different lengths, shuffled.
      const small = await LocalEmbeddings.load({ ...MODEL_OPTIONS, batchSize: 5 });
      const texts = Array.from({ length: 43 }, (_, i) => seedTexts[(i * 37) % seedTexts.length]!.slice(0, 20 + ((i * 53) % 400)));
      const pool = pooled(small);
      expectSameVectors(await pool.embedMany(texts), await small.embedMany(texts));
      // The same texts in another order give the same vectors in that order.
      const reversed = [...texts].reverse();
      expectSameVectors(await pool.embedMany(reversed), await small.embedMany(reversed));
    },
    POOL_TIMEOUT,
  );

  it(
    'serves calls made together first come, first served, each with its own vectors',
    async () => {
      // One worker: its batches come back in the order they were sent. Two calls of 4 batches made
      // at once: the first call's batches all go before any of the second's (they used to alternate).
      const small = await LocalEmbeddings.load({ ...MODEL_OPTIONS, batchSize: 4 });
      const pool = pooled(small, { workers: 1 });
      const [first, second] = [seedTexts.slice(0, 16), seedTexts.slice(16, 32)];
      const order: string[] = [];
      const calls = [first, second].map((texts, c) => pool.embedMany(texts, ({ done }) => order.push(`${c}:${done}`)));
      const [a, b] = await Promise.all(calls);
      expect(order).toEqual(['0:4', '0:8', '0:12', '0:16', '1:4', '1:8', '1:12', '1:16']);
      expectSameVectors(a!, await small.embedMany(first));
      expectSameVectors(b!, await small.embedMany(second));
    },
    POOL_TIMEOUT,
  );

  it('embeds a small job in this process without starting any child', async () => {
    // With a model directory that does not exist: a child would fail, so nothing was started.
    const pool = pooled(local, { minTexts: POOL_MIN_TEXTS, modelDir: path.join(MODEL_DIR, 'no-such-dir') });
    await pool.prepare(POOL_MIN_TEXTS - 1);
    expectSameVectors(await pool.embedMany(seedTexts.slice(0, 50)), await local.embedMany(seedTexts.slice(0, 50)));
    expect(pool.started).toBe(false);
    // No workers: never a pool, whatever the size.
    const none = pooled(local, { workers: 0, modelDir: path.join(MODEL_DIR, 'no-such-dir') });
    await none.prepare(10 * POOL_MIN_TEXTS);
    await none.embedMany(seedTexts.slice(0, 20));
    expect(none.started).toBe(false);
  });

  it(
    'fails with an EmbeddingWorkerError naming the cause when a child cannot load the model (no hang)',
    async () => {
      const missing = path.join(MODEL_DIR, 'no-such-dir');
      const pool = pooled(local, { modelDir: missing });
      const failure = await pool.prepare(POOL_MIN_TEXTS).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(EmbeddingWorkerError);
      expect(failure).toBeInstanceOf(ModelError);
      expect((failure as Error).message).toMatch(/Embedding worker \d of 2 \(pid \d+\) could not load the embedding model: .*no-such-dir does not exist/);
      expect((failure as EmbeddingWorkerError).hint).toContain('MODEL_DIR');
      // Every later call says the same, and no child is left.
      await expect(pool.embedMany(seedTexts)).rejects.toThrow(/could not load the embedding model/);
    },
    POOL_TIMEOUT,
  );

  it(
    'fails with an EmbeddingWorkerError when a child dies mid-job (no hang), and ends the other',
    async () => {
      const pool = pooled(local);
      await pool.prepare(POOL_MIN_TEXTS);
      const pids = (await pool.workerStats()).map((s) => s.pid);
      const texts = [...seedTexts, ...seedTexts, ...seedTexts];
      let killed = false;
      const failure = await pool
        .embedMany(texts, () => {
          if (killed) return;
          killed = true;
          process.kill(pids[1]!, 'SIGKILL');
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(failure).toBeInstanceOf(EmbeddingWorkerError);
      expect((failure as Error).message).toMatch(new RegExp(`Embedding worker 2 of 2 \\(pid ${pids[1]}\\) stopped unexpectedly \\(killed by SIGKILL\\)`));
      expect((failure as EmbeddingWorkerError).hint).toContain('EMBED_WORKERS');
      await expect(pool.embedMany(texts)).rejects.toThrow(/killed by SIGKILL/);
      expect(await gone(pids)).toEqual([]);
    },
    POOL_TIMEOUT,
  );

  it(
    'ends its children on close, and a job interrupted by its progress callback stops with that error',
    async () => {
      const pool = pooled(local);
      const stop = new Error('stopped by the caller');
      await expect(
        pool.embedMany(seedTexts, ({ done }) => {
          if (done > 40) throw stop;
        }),
      ).rejects.toBe(stop);
      // The pool still works after a caller stopped a job.
      expectSameVectors(await pool.embedMany(seedTexts.slice(0, 64)), await local.embedMany(seedTexts.slice(0, 64)));
      const pids = (await pool.workerStats()).map((s) => s.pid);
      expect(pids.filter(isRunning)).toHaveLength(2);
      await pool.close();
      expect(await gone(pids)).toEqual([]);
      await expect(pool.embedMany(seedTexts)).rejects.toThrow(/closed/);
    },
    POOL_TIMEOUT,
  );

  for (const mode of ['stay', 'leave'] as const) {
    it(
      mode === 'stay' ? 'children do not outlive a parent that is killed' : 'a parent that never closes its pool still exits, and its children with it',
      async () => {
        const parent = spawn(process.execPath, ['--import', 'tsx', PARENT, MODEL_DIR, mode], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
        const exited = new Promise<number | null>((resolve) => parent.on('exit', (code) => resolve(code)));
        let pids: number[] = [];
        for await (const line of createInterface({ input: parent.stdout })) {
          if (line.startsWith('pids ')) {
            pids = line.slice('pids '.length).split(' ').map(Number);
            break;
          }
        }
        expect(pids).toHaveLength(2);
        if (mode === 'stay') {
          expect(pids.filter(isRunning)).toHaveLength(2);
          parent.kill('SIGKILL');
        } else {
          expect(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 60_000))])).toBe(0);
        }
        expect(await gone(pids)).toEqual([]);
        parent.kill('SIGKILL');
      },
      POOL_TIMEOUT,
    );
  }
});
