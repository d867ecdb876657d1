/**
 * Worker-thread entry of `buildIndexInWorker`: runs one build with its own model instance and
 * reports progress, the summary or the error to the parent. Embedding is CPU-bound and
 * synchronous inside onnxruntime, so a build on the main thread would stall a serving bot.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { VerbatimError } from '../core/errors.js';
import { LocalEmbeddings } from '../embedding/embedder.js';
import { buildIndex } from './build.js';
import type { WorkerMessage, WorkerRequest } from './build-in-worker.js';

const request = workerData as WorkerRequest;
const post = (message: WorkerMessage): void => parentPort!.postMessage(message);

try {
  const embeddings = await LocalEmbeddings.load(request.model);
  const summary = await buildIndex({
    ...request.build,
    embeddings,
    onProgress: (event) => post({ type: 'progress', event }),
  });
  post({ type: 'done', summary });
} catch (error) {
  post({
    type: 'error',
    error:
      error instanceof VerbatimError
        ? { name: error.name, message: error.message, hint: error.hint, path: (error as { path?: string }).path }
        : { name: 'Error', message: error instanceof Error ? error.message : String(error) },
  });
}
