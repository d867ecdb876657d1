/**
 * SHA-256 of several files at once, each file hashed whole in a worker thread (a small pool, files
 * handed out in the order given), so verifying an index uses the machine's other cores and leaves
 * the main thread free to read and parse meanwhile. At 100k chunks the index is ~1.3 GB; hashing it
 * on the main thread took ~1 s of a ~2 s open (checksum.ts has the per-MiB costs).
 *
 * The worker is a few lines of plain JavaScript evaluated from a string, so it runs the same under
 * the compiled build, tsx and the test runner. Where a worker cannot start, the files are hashed on
 * the main thread instead (`digestFile`).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { digestFile, type FileDigest } from './checksum.js';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const buffer = Buffer.allocUnsafe(1 << 20);
parentPort.on('message', ({ id, file }) => {
  try {
    const fd = openSync(file, 'r');
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for (;;) {
        const read = readSync(fd, buffer, 0, buffer.length, bytes);
        if (read === 0) break;
        hash.update(buffer.subarray(0, read));
        bytes += read;
      }
    } finally {
      closeSync(fd);
    }
    parentPort.postMessage({ id, bytes, sha256: hash.digest('hex') });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

/** Below this many bytes in all, files are hashed on the main thread: starting a worker costs more (~30–50 ms) than it saves. */
export const PARALLEL_DIGEST_BYTES = 64 * 2 ** 20;

/**
 * Worker threads for hashing `bytes` in all: none below PARALLEL_DIGEST_BYTES, else one per core
 * this process may use, at most 4 (the disk is shared), at least 1.
 */
export function digestThreads(bytes: number, available = os.availableParallelism()): number {
  return bytes < PARALLEL_DIGEST_BYTES ? 0 : Math.max(1, Math.min(4, available));
}

type Reply = { id: number; bytes: number; sha256: string } | { id: number; error: { message: string; code?: string } };

export interface DigestRun {
  /** One per file, in the order given; each settles when its file is hashed. */
  digests: Promise<FileDigest>[];
  /** Stops the workers (what is not hashed yet is rejected). Call it when the digests are no longer wanted. */
  stop(): void;
}

/**
 * Starts hashing `files` (paths) in up to `threads` workers (0: on the main thread), the first files
 * first. A file that cannot be read rejects its own promise with the error (its `code` kept, e.g. ENOENT).
 */
export function digestFiles(files: readonly string[], threads: number): DigestRun {
  const entries = files.map((file) => {
    let resolve!: (digest: FileDigest) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<FileDigest>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    // Handled here, so a digest nobody waits for any more (after `stop`, or after another file failed) is no unhandled rejection.
    promise.catch(() => undefined);
    return { file, promise, resolve, reject, done: false };
  });
  const queue = entries.map((_, id) => id);
  const workers = new Set<Worker>();
  let stopped = false;
  let mainThreadBusy = false;

  const finish = (id: number, outcome: { digest: FileDigest } | { error: Error }) => {
    const entry = entries[id]!;
    if (entry.done) return;
    entry.done = true;
    if ('digest' in outcome) entry.resolve(outcome.digest);
    else entry.reject(outcome.error);
  };
  /** With no worker left: the rest, one by one, on the main thread. */
  const onMainThread = async () => {
    if (mainThreadBusy) return;
    mainThreadBusy = true;
    for (let id = queue.shift(); id !== undefined && !stopped; id = queue.shift()) {
      const file = entries[id]!.file;
      await digestFile(file).then(
        (digest) => finish(id, { digest }),
        (error: unknown) => finish(id, { error: error as Error }),
      );
    }
    mainThreadBusy = false;
  };
  const start = () => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true });
    } catch {
      return false;
    }
    workers.add(worker);
    let current: number | undefined;
    const feed = () => {
      current = stopped ? undefined : queue.shift();
      if (current === undefined) {
        workers.delete(worker);
        void worker.terminate();
      } else {
        worker.postMessage({ id: current, file: entries[current]!.file });
      }
    };
    worker.on('message', (reply: Reply) => {
      if ('error' in reply) finish(reply.id, { error: Object.assign(new Error(reply.error.message), reply.error.code === undefined ? {} : { code: reply.error.code }) });
      else finish(reply.id, { digest: { bytes: reply.bytes, sha256: reply.sha256 } });
      feed();
    });
    worker.on('error', () => {
      // A worker that failed (not a file it could not read: that is a reply): its file goes back to the queue.
      workers.delete(worker);
      if (current !== undefined && !entries[current]!.done) queue.unshift(current);
      if (workers.size === 0) void onMainThread();
    });
    feed();
    return true;
  };

  const count = Math.min(threads, files.length);
  for (let i = 0; i < count; i++) if (!start()) break;
  if (workers.size === 0) void onMainThread();

  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const worker of workers) void worker.terminate();
    workers.clear();
    entries.forEach((entry, id) => finish(id, { error: new Error(`Hashing ${entry.file} was stopped.`) }));
  };
  return { digests: entries.map((entry) => entry.promise), stop };
}
