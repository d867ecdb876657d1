/**
 * Child-process entry of `buildIndexInChild`: receives one build request over IPC, runs it with
 * its own model instance and sends back progress, the summary or the error, then exits.
 * Embedding is CPU-bound and synchronous inside onnxruntime, so a build in the serving process
 * would stall a bot's event loop.
 *
 * When the parent goes away (the IPC channel closes: the bot was stopped or killed), the build is
 * aborted — nothing is published for a process that is no longer there to use it, the lock is
 * released and the half-written generation removed — and the child exits. If the build does not
 * stop within STOP_GRACE_MS (an embedding batch runs to its end first), the child exits anyway;
 * the next build takes over its lock and removes what it left.
 */
import { VerbatimError } from '../core/errors.js';
import { LocalEmbeddings } from '../embedding/embedder.js';
import { PooledEmbeddings, resolveEmbedWorkers } from '../embedding/embedding-pool.js';
import { buildIndex } from './build.js';
import type { ChildMessage, ChildRequest } from './build-in-child.js';

const STOP_GRACE_MS = 10_000;
const stop = new AbortController();

const parentPid = process.ppid;

function parentGone(): void {
  if (stop.signal.aborted) return;
  stop.abort(new Error('the process that started the build went away'));
  setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
}
process.once('disconnect', parentGone);

/** Sends a message to the parent; a no-op once the channel is closed (never throws ERR_IPC_*). */
const post = (message: ChildMessage): Promise<void> =>
  new Promise((resolve) => {
    if (!process.connected || process.send === undefined) return resolve();
    try {
      process.send(message, undefined, {}, () => resolve());
    } catch {
      resolve();
    }
  });

const request = await new Promise<ChildRequest | undefined>((resolve) => {
  process.once('message', (message) => resolve(message as ChildRequest));
  process.once('disconnect', () => resolve(undefined));
});

if (request !== undefined) {
  let embeddings: PooledEmbeddings | undefined;
  try {
    // The onnxruntime session only if this process embeds (a small build, or no workers).
    const local = await LocalEmbeddings.load(request.model, 'on first use');
    const workers = resolveEmbedWorkers(request.embedding?.workers ?? 0);
    embeddings = new PooledEmbeddings(local, { model: request.model, workers, minTexts: request.embedding?.minTexts });
    const summary = await buildIndex({
      ...request.build,
      embeddings,
      signal: stop.signal,
      onProgress: (event) => {
        // Embedding can keep the event loop from seeing 'disconnect' until it ends; a parent
        // that died has also made this process an orphan, which shows at once.
        if (process.ppid !== parentPid) parentGone();
        void post({ type: 'progress', event });
      },
    });
    await post({ type: 'done', summary });
  } catch (error) {
    if (stop.signal.aborted) process.exitCode = 1;
    await post({
      type: 'error',
      error:
        error instanceof VerbatimError
          ? { name: error.name, message: error.message, hint: error.hint, path: (error as { path?: string }).path }
          : { name: 'Error', message: error instanceof Error ? error.message : String(error) },
    });
  } finally {
    await embeddings?.close();
  }
}
if (process.connected) process.disconnect();
