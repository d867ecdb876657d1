/**
 * Embedding in a pool of child processes (EMBED_WORKERS): each child has its own onnxruntime
 * session with one intra-op thread, and the parent hands them the batches `LocalEmbeddings`
 * would run, whole. On a 2-core machine two such processes embed faster, with less CPU, than one
 * session with two intra-op threads — ×1.5 when other work shares the cores, ×1.07 on an idle
 * machine (BENCHMARKS.md, "Embedding pool"); each holds its own copy of the model, so memory grows
 * by a few hundred MB per worker.
 *
 * Child processes, not worker threads: onnxruntime-node 1.14 can crash the whole process when a
 * worker thread that used it exits.
 *
 * The vectors are bit for bit those of `LocalEmbeddings.embedMany` in this process: the parent
 * tokenizes, sorts and cuts the batches exactly as it does (`tokenIds`, `batchOrder`), a child runs
 * each batch as it is (`embedTokenBatch`), and the number of intra-op threads does not change
 * onnxruntime's results (tests/embedding/embedding-pool.test.ts).
 *
 * A child that cannot load the model, or that dies, makes the call fail with an
 * `EmbeddingWorkerError` naming the cause — never a hang — and the pool is closed. The children
 * exit when the pool is closed and when this process goes away (the IPC channel closes).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../core/errors.js';
import { mapInTurns } from '../core/turns.js';
import type { EmbedProgress, IndexEmbedder, LocalEmbeddings, SpannedText, SpannedTokens, SpannedVectors } from './embedder.js';
import { intraOpThreads, type ModelOptions } from './model.js';

/** Jobs of fewer texts than this are embedded in this process: starting the pool (loading the model in each child) costs more than it saves. */
export const POOL_MIN_TEXTS = 1024;

/** Batches sent to a child before its first one comes back: the next is there when one ends. */
const IN_FLIGHT = 2;

/** How long `close` waits for a child to exit before killing it. */
const CLOSE_GRACE_MS = 5_000;

/** A child of the pool stopped (died, or could not load the model) or failed a batch. */
export class EmbeddingWorkerError extends ModelError {}

export interface SerializedError {
  name: string;
  message: string;
  hint?: string | undefined;
}

/** Token ids of a batch's rows, as one flat array (structured clone copies it in one piece) and each row's length. */
export interface TokenBatch {
  ids: BigInt64Array;
  lengths: number[];
}

export interface WorkerStats {
  pid: number;
  /** CPU time (user + system) the child has used. */
  cpuMs: number;
  /** The child's peak resident set size. */
  peakRssMB: number;
}

export type PoolRequest =
  | { type: 'load'; model: ModelOptions }
  | { type: 'embed'; id: number; batch: TokenBatch }
  | { type: 'spans'; id: number; batch: TokenBatch; ranges: (readonly [number, number])[][] }
  | { type: 'stats'; id: number };

export type PoolReply =
  | { type: 'ready'; dimensions: number; pid: number }
  | { type: 'load-failed'; error: SerializedError }
  | { type: 'vectors'; id: number; vectors: Float32Array[] }
  | { type: 'spanned'; id: number; results: { vector: Float32Array; spans: (Float32Array | null)[] }[] }
  | { type: 'failed'; id: number; error: SerializedError }
  | { type: 'stats'; id: number; stats: WorkerStats };

type Answer = Extract<PoolReply, { id: number }>;

/** A stream or handle that can stop keeping the event loop alive (net.Socket, for a child's stdio pipe). */
interface Handle {
  ref?: () => void;
  unref?: () => void;
}

/** One embedBatches or spanBatches call in the pool's queue. */
interface Job {
  count: number;
  /** Batches sent, and answers received, so far. */
  sent: number;
  back: number;
  request: (index: number, id: number) => Extract<PoolRequest, { id: number }>;
  receive: (index: number, reply: Answer) => void;
  resolve: () => void;
  reject: (error: unknown) => void;
  settled: boolean;
}

interface Pending {
  resolve: (reply: Answer) => void;
  reject: (error: Error) => void;
}

/** The children's entry: the TypeScript source under tsx or vitest (with tsx's loader), else the compiled .js (as build-in-child.ts does). */
function childEntry(): { file: string; execArgv: string[] } {
  const typescript = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(typescript ? './embedding-child.ts' : './embedding-child.js', import.meta.url));
  return { file, execArgv: typescript ? ['--import', import.meta.resolve('tsx')] : [] };
}

/** Children still running, killed if this process exits without closing their pool. */
const live = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess): void {
  live.add(child);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const running of live) running.kill();
    });
  }
}

const MEMORY_HINT =
  'If it was killed for want of memory (each worker holds its own copy of the model), set EMBED_WORKERS to fewer workers, or to 0 to embed in this process.';

class Worker {
  readonly pending = new Map<number, Pending>();
  /** Set once the child has stopped: why. */
  stopped: EmbeddingWorkerError | undefined;
  /** The end of the child's stderr, for the error that says why it stopped. */
  private stderr = '';
  readonly exited: Promise<void>;

  constructor(
    readonly index: number,
    readonly count: number,
    readonly child: ChildProcess,
    private readonly onStop: (worker: Worker, error: EmbeddingWorkerError) => void,
  ) {
    track(child);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      process.stderr.write(text);
      this.stderr = (this.stderr + text).slice(-2000);
    });
    child.on('message', (reply: PoolReply) => {
      if (!('id' in reply)) return;
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      this.idle();
      pending.resolve(reply);
    });
    child.on('error', (error) => this.stop(this.failure(`could not be started or reached (${error.message})`)));
    // Exited, and its stderr read to the end (for the last line it wrote). Not the 'close' event,
    // which waits for the IPC channel as well and did not always come after a disconnect.
    const exit = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`)));
    const stderrRead = new Promise<void>((resolve) => (child.stderr ? child.stderr.once('close', () => resolve()) : resolve()));
    this.exited = Promise.all([exit, stderrRead]).then(([how]) => {
      live.delete(child);
      this.stop(this.failure(`stopped unexpectedly (${how})${this.lastLine()}`));
    });
  }

  get name(): string {
    return `Embedding worker ${this.index + 1} of ${this.count}${this.child.pid === undefined ? '' : ` (pid ${this.child.pid})`}`;
  }

  failure(what: string, hint = MEMORY_HINT): EmbeddingWorkerError {
    return new EmbeddingWorkerError(`${this.name} ${what}.`, { hint });
  }

  /** Sends a request and waits for its answer; rejects when the child stops first. */
  request(request: Extract<PoolRequest, { id: number }>): Promise<Answer> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.busy();
      this.pending.set(request.id, { resolve, reject });
      this.child.send(request, (error) => {
        if (error) this.stop(this.failure(`could not be sent a batch (${error.message})`));
      });
    });
  }

  /** Marks the child stopped and fails what it still had to do (once; later causes are ignored). */
  stop(error: EmbeddingWorkerError): void {
    if (this.stopped) return;
    this.stopped = error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.onStop(this, error);
  }

  /**
   * While a request is out (or the child is starting or being closed), the child, its channel and
   * its stderr pipe keep this process running, so that the answer, or the news of its death, is
   * seen; idle, they do not.
   */
  busy(): void {
    this.child.ref();
    this.child.channel?.ref();
    (this.child.stderr as Handle | null)?.ref?.();
  }

  idle(): void {
    if (this.pending.size > 0) return;
    this.child.unref();
    this.child.channel?.unref();
    (this.child.stderr as Handle | null)?.unref?.();
  }

  private lastLine(): string {
    const line = this.stderr
      .trim()
      .split('\n')
      .reverse()
      .find((l) => /\S/.test(l) && !/^\s+at /.test(l));
    return line === undefined ? '' : `: ${line.trim()}`;
  }
}

/**
 * `workers` child processes, each with the model loaded (one intra-op thread unless
 * `model.threads` says otherwise), running token batches. See PooledEmbeddings for the embedder.
 */
export class EmbeddingPool {
  private nextId = 0;
  /** Calls with batches to send or answers to wait for, oldest first (see dispatch). */
  private readonly queue: Job[] = [];
  private broken: EmbeddingWorkerError | undefined;
  private closing: Promise<void> | undefined;

  private constructor(private readonly workers: Worker[]) {}

  get size(): number {
    return this.workers.length;
  }

  /** The pids of the children. */
  get pids(): number[] {
    return this.workers.flatMap((w) => (w.child.pid === undefined ? [] : [w.child.pid]));
  }

  /** Starts the children and waits until each has loaded the model; if one cannot, all are stopped and the error says why. */
  static async start(options: { model: ModelOptions; workers: number }): Promise<EmbeddingPool> {
    const { file, execArgv } = childEntry();
    const model: ModelOptions = { ...options.model, threads: options.model.threads ?? 1 };
    // The pool is made once every child is up; a child that stops after that tells it (workerStopped).
    const made: { pool?: EmbeddingPool } = {};
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 0; index < options.workers; index++) {
      const child = fork(file, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
      const worker = new Worker(index, options.workers, child, (stopped, error) => made.pool?.workerStopped(stopped, error));
      worker.busy();
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          child.on('message', (reply: PoolReply) => {
            if (reply.type === 'ready') {
              worker.idle();
              resolve();
            } else if (reply.type === 'load-failed') {
              const cause = reply.error;
              reject(
                new EmbeddingWorkerError(`${worker.name} could not load the embedding model: ${cause.message}`, {
                  hint: cause.hint ?? 'Check MODEL_DIR and MODEL_ID, or set EMBED_WORKERS=0 to embed in this process.',
                }),
              );
            }
          });
          child.once('error', (error) => reject(worker.failure(`could not be started (${error.message})`)));
          void worker.exited.then(() => reject(worker.stopped ?? worker.failure('stopped before it had loaded the model')));
        }),
      );
      child.send({ type: 'load', model } satisfies PoolRequest);
    }
    const started = await Promise.allSettled(ready);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const pool = new EmbeddingPool(workers);
    made.pool = pool;
    if (failed) {
      await pool.close();
      throw failed.reason;
    }
    return pool;
  }

  /**
   * Runs the batches, whole, across the children (each kept `IN_FLIGHT` batches ahead; after those
   * of calls made before this one), and calls `onBatch` with each batch's vectors as it comes back
   * (not in batch order). If `onBatch` throws, or a child stops, no further batch is sent and the
   * promise rejects with that error.
   */
  async embedBatches(batches: readonly (readonly (readonly bigint[])[])[], onBatch: (index: number, vectors: Float32Array[]) => void): Promise<void> {
    await this.dispatch(
      batches.length,
      (i, id) => ({ type: 'embed', id, batch: tokenBatch(batches[i]!) }),
      (i, reply) => {
        if (reply.type !== 'vectors') throw this.unexpected(reply);
        onBatch(i, reply.vectors);
      },
    );
  }

  /** As embedBatches, for `embedSpanBatch`'s batches (late chunking). */
  async spanBatches(batches: readonly (readonly SpannedTokens[])[], onBatch: (index: number, results: SpannedVectors[]) => void): Promise<void> {
    await this.dispatch(
      batches.length,
      (i, id) => ({ type: 'spans', id, batch: tokenBatch(batches[i]!.map((e) => e.ids)), ranges: batches[i]!.map((e) => e.ranges) }),
      (i, reply) => {
        if (reply.type !== 'spanned') throw this.unexpected(reply);
        onBatch(
          i,
          reply.results.map((r) => ({ vector: r.vector, spans: r.spans.map((s) => s ?? undefined) })),
        );
      },
    );
  }

  /** CPU time and peak RSS of each child so far. */
  async stats(): Promise<WorkerStats[]> {
    return Promise.all(
      this.workers.map(async (worker) => {
        const reply = await this.send(worker, { type: 'stats', id: this.nextId++ });
        if (reply.type !== 'stats') throw this.unexpected(reply);
        return reply.stats;
      }),
    );
  }

  /** Ends the children (they exit when their channel closes; killed if they have not within a few seconds). Pending calls fail. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.broken ??= new EmbeddingWorkerError('The embedding pool was closed.', { hint: 'Embed before closing it.' });
      this.pump();
      await Promise.all(
        this.workers.map(async (worker) => {
          worker.stop(this.broken!);
          // Held until it has exited, so that whoever awaits this is still running then.
          worker.busy();
          if (worker.child.connected) worker.child.disconnect();
          const timer = setTimeout(() => worker.child.kill('SIGKILL'), CLOSE_GRACE_MS);
          await worker.exited;
          clearTimeout(timer);
        }),
      );
    })();
    return this.closing;
  }

  /** A child stopped on its own: the pool is of no more use (the error is kept for later calls) and the others are ended. */
  private workerStopped(worker: Worker, error: EmbeddingWorkerError): void {
    if (this.closing) return;
    this.broken ??= error;
    void this.close();
  }

  private send(worker: Worker, request: Extract<PoolRequest, { id: number }>): Promise<Answer> {
    if (this.broken) return Promise.reject(this.broken);
    return worker.request(request);
  }

  /**
   * Queues a call's batches behind those of earlier calls (first come, first served: a call made
   * while another runs waits its turn, so the earlier finishes first) and settles when all of them
   * are back, or at the first failure (then no more of its batches are sent, and answers still out
   * are dropped: `receive` is never called after the promise settles).
   */
  private dispatch(count: number, request: (index: number, id: number) => Extract<PoolRequest, { id: number }>, receive: (index: number, reply: Answer) => void): Promise<void> {
    if (count === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ count, sent: 0, back: 0, request, receive, resolve, reject, settled: false });
      this.pump();
    });
  }

  /** Sends queued batches to every child with fewer than IN_FLIGHT out, the oldest call's first. */
  private pump(): void {
    if (this.broken) {
      // Closed, or a child stopped: what is queued can no longer run.
      for (const job of [...this.queue]) {
        job.settled = true;
        job.reject(this.broken);
      }
      this.queue.length = 0;
      return;
    }
    for (const worker of this.workers) {
      while (!worker.stopped && worker.pending.size < IN_FLIGHT) {
        const job = this.queue.find((j) => j.sent < j.count);
        if (!job) return;
        const index = job.sent++;
        this.send(worker, job.request(index, this.nextId++)).then(
          (reply) => this.received(job, worker, index, reply),
          (error: unknown) => this.settle(job, error),
        );
      }
    }
  }

  private received(job: Job, worker: Worker, index: number, reply: Answer): void {
    if (job.settled) return;
    if (reply.type === 'failed') {
      this.settle(
        job,
        new EmbeddingWorkerError(`${worker.name} could not embed a batch: ${reply.error.message}`, {
          hint: reply.error.hint ?? 'Set EMBED_WORKERS=0 to embed in this process and see whether it fails there too.',
        }),
      );
      return;
    }
    try {
      job.receive(index, reply);
    } catch (error) {
      this.settle(job, error);
      return;
    }
    job.back++;
    if (job.back === job.count) this.settle(job);
    else this.pump();
  }

  /** Ends a call: resolved when every batch is back, else rejected with `error`; the queue moves on. */
  private settle(job: Job, error?: unknown): void {
    if (job.settled) return;
    job.settled = true;
    this.queue.splice(this.queue.indexOf(job), 1);
    if (error === undefined) job.resolve();
    else job.reject(error);
    this.pump();
  }

  private unexpected(reply: Answer): Error {
    return new EmbeddingWorkerError(`An embedding worker answered a request with "${reply.type}".`, { hint: 'This is a bug in Verbatim; set EMBED_WORKERS=0 meanwhile.' });
  }
}

function tokenBatch(rows: readonly (readonly bigint[])[]): TokenBatch {
  const lengths = rows.map((row) => row.length);
  const ids = new BigInt64Array(lengths.reduce((a, b) => a + b, 0));
  let offset = 0;
  for (const row of rows) {
    ids.set(row, offset);
    offset += row.length;
  }
  return { ids, lengths };
}

/**
 * EMBED_WORKERS as a number of child processes: `auto` is one per core this process may use
 * (`usableCores`) when that is 2 or more, else 0 (in this process).
 */
export function resolveEmbedWorkers(setting: number | 'auto', cores = usableCores()): number {
  if (setting !== 'auto') return setting;
  return cores >= 2 ? cores : 0;
}

/**
 * The cores this process may use: one per core of the CPUs it may run on (`intraOpThreads`, as the
 * in-process session's threads), and no more than a CPU quota allows (a container started with
 * `--cpus=1` still sees every CPU of the host, and each worker costs a copy of the model).
 */
export function usableCores(cores = intraOpThreads(), quota = cpuQuota()): number {
  return quota === undefined ? cores : Math.max(1, Math.min(cores, quota));
}

/** Whole CPUs of this process's cgroup CPU quota (v2 `cpu.max`, else v1 `cpu.cfs_quota_us`); undefined when there is none. */
export function cpuQuota(read: (file: string) => string = (file) => readFileSync(file, 'utf8')): number | undefined {
  const whole = (quota: number, period: number) => (quota > 0 && period > 0 ? Math.max(1, Math.floor(quota / period)) : undefined);
  try {
    const [quota, period] = read('/sys/fs/cgroup/cpu.max').trim().split(/\s+/);
    return quota === 'max' ? undefined : whole(Number(quota), Number(period));
  } catch {
    // not cgroup v2
  }
  try {
    return whole(Number(read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us').trim()), Number(read('/sys/fs/cgroup/cpu/cpu.cfs_period_us').trim()));
  } catch {
    return undefined;
  }
}

export interface PooledEmbeddingsOptions {
  /** How the children load the model: as `local` was loaded (each with one intra-op thread unless `threads` is given). */
  model: ModelOptions;
  /** Child processes; 0: everything is embedded in this process by `local`. */
  workers: number;
  /** A job (see `prepare`) or call of fewer texts is embedded in this process; default POOL_MIN_TEXTS. Lowered by tests. */
  minTexts?: number;
}

/**
 * The embedder an index build uses with EMBED_WORKERS: `local` (this process's LocalEmbeddings)
 * tokenizes, counts tokens and embeds small jobs; a job of at least `minTexts` texts starts the
 * pool (once; it stays up until `close`), which then embeds every call of more than one batch.
 * The vectors are the same either way.
 */
export class PooledEmbeddings implements IndexEmbedder {
  readonly dimensions: number;
  readonly maxTokens: number;
  readonly modelId: string;
  readonly quantized: boolean;
  readonly workers: number;
  private readonly minTexts: number;
  private pool: Promise<EmbeddingPool> | undefined;
  private closed = false;

  constructor(
    readonly local: LocalEmbeddings,
    private readonly options: PooledEmbeddingsOptions,
  ) {
    this.dimensions = local.dimensions;
    this.maxTokens = local.maxTokens;
    this.modelId = local.modelId;
    this.quantized = local.quantized;
    this.workers = options.workers;
    this.minTexts = options.minTexts ?? POOL_MIN_TEXTS;
  }

  /** Whether the pool has been started (and not closed). */
  get started(): boolean {
    return this.pool !== undefined && !this.closed;
  }

  countTokens(text: string): number {
    return this.local.countTokens(text);
  }

  /** A job of `texts` texts is coming: a large one starts the pool now (a child that cannot load the model fails it here). */
  async prepare(texts: number): Promise<void> {
    if (this.workers > 0 && texts >= this.minTexts) await this.start();
  }

  async embedMany(texts: readonly string[], onProgress?: (progress: EmbedProgress) => void): Promise<Float32Array[]> {
    const pool = await this.poolFor(texts.length);
    if (!pool) return this.local.embedMany(texts, onProgress);
    // In turns: the children are fed from replies this process must see (another call's batches may be running).
    const encoded = await mapInTurns(texts, (text) => this.local.tokenIds(text));
    const batches = this.local.batchOrder(encoded.map((ids) => ids.length));
    const out = new Array<Float32Array>(texts.length);
    let done = 0;
    await pool.embedBatches(
      batches.map((batch) => batch.map((j) => encoded[j]!)),
      (i, vectors) => {
        batches[i]!.forEach((j, k) => (out[j] = vectors[k]!));
        done += batches[i]!.length;
        onProgress?.({ done, total: texts.length });
      },
    );
    return out;
  }

  async embedSpans(texts: readonly SpannedText[], onProgress?: (progress: EmbedProgress) => void): Promise<SpannedVectors[]> {
    const pool = await this.poolFor(texts.length);
    if (!pool) return this.local.embedSpans(texts, onProgress);
    const encoded = await mapInTurns(texts, (text) => this.local.encodeSpans(text));
    const batches = this.local.batchOrder(encoded.map((e) => e.ids.length));
    const out = new Array<SpannedVectors>(texts.length);
    let done = 0;
    await pool.spanBatches(
      batches.map((batch) => batch.map((j) => encoded[j]!)),
      (i, results) => {
        batches[i]!.forEach((j, k) => (out[j] = results[k]!));
        done += batches[i]!.length;
        onProgress?.({ done, total: texts.length });
      },
    );
    return out;
  }

  /** CPU time and peak RSS of each child so far (none before the pool starts). */
  async workerStats(): Promise<WorkerStats[]> {
    if (!this.started) return [];
    return (await this.pool!).stats();
  }

  /** Ends the children, if they were started. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    if (!pool) return;
    await pool.then(
      (p) => p.close(),
      () => undefined,
    );
  }

  private start(): Promise<EmbeddingPool> {
    if (this.closed) return Promise.reject(new EmbeddingWorkerError('The embedding pool was closed.', { hint: 'Embed before closing it.' }));
    this.pool ??= EmbeddingPool.start({ model: this.options.model, workers: this.workers });
    return this.pool;
  }

  /** The pool for a call of `count` texts: once started, for more than one batch; before, for a call that is a large job by itself. */
  private async poolFor(count: number): Promise<EmbeddingPool | undefined> {
    if (this.workers === 0 || count === 0) return undefined;
    if (this.pool !== undefined) return count > this.local.batchSize ? this.start() : undefined;
    return count >= this.minTexts ? this.start() : undefined;
  }
}
