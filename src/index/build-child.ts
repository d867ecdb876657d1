/**
 * Child-process entry of `buildIndexInChild`: receives one build request over IPC, runs it with
 * its own model instance and sends back progress, the summary or the error, then exits.
 * Embedding is CPU-bound and synchronous inside onnxruntime, so a build in the serving process
 * would stall a bot's event loop.
 */
import { VerbatimError } from '../core/errors.js';
import { LocalEmbeddings } from '../embedding/embedder.js';
import { buildIndex } from './build.js';
import type { ChildMessage, ChildRequest } from './build-in-child.js';

const request = await new Promise<ChildRequest>((resolve) => process.once('message', (message) => resolve(message as ChildRequest)));
const post = (message: ChildMessage): Promise<void> =>
  new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));

try {
  const embeddings = await LocalEmbeddings.load(request.model);
  const summary = await buildIndex({
    ...request.build,
    embeddings,
    onProgress: (event) => void post({ type: 'progress', event }),
  });
  await post({ type: 'done', summary });
} catch (error) {
  await post({
    type: 'error',
    error:
      error instanceof VerbatimError
        ? { name: error.name, message: error.message, hint: error.hint, path: (error as { path?: string }).path }
        : { name: 'Error', message: error instanceof Error ? error.message : String(error) },
  });
}
process.disconnect();
