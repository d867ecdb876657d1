/**
 * Runs `buildIndex` in a worker thread, so that the process that asked for it — a bot answering
 * questions — keeps its event loop free while the model embeds. Errors come back as the same
 * typed errors (CorpusError, IndexError, ModelError) a build on the main thread throws.
 */
import { Worker } from 'node:worker_threads';
import { CorpusError, IndexError, ModelError, VerbatimError } from '../core/errors.js';
import type { ModelOptions } from '../embedding/model.js';
import type { BuildOptions, BuildProgress, BuildSummary } from './build.js';

export interface WorkerRequest {
  model: ModelOptions;
  build: Omit<BuildOptions, 'embeddings' | 'onProgress' | 'signal'>;
}

interface SerializedError {
  name: string;
  message: string;
  hint?: string | undefined;
  path?: string | undefined;
}

export type WorkerMessage =
  | { type: 'progress'; event: BuildProgress }
  | { type: 'done'; summary: BuildSummary }
  | { type: 'error'; error: SerializedError };

function revive(error: SerializedError): Error {
  const options = { ...(error.hint === undefined ? {} : { hint: error.hint }) };
  switch (error.name) {
    case 'CorpusError':
      return new CorpusError(error.message, options);
    case 'ModelError':
      return new ModelError(error.message, options);
    case 'IndexError':
      return new IndexError(error.message, { ...options, ...(error.path === undefined ? {} : { path: error.path }) });
    case 'ConfigError':
    case 'InputError':
      return new VerbatimError(error.name === 'ConfigError' ? 'CONFIG' : 'INPUT', error.message, options);
    default:
      return new Error(error.message);
  }
}

/**
 * The worker's entry. Under tsx or vitest the sources are TypeScript, which a worker cannot load
 * by itself: it then registers tsx's loader first. Compiled (dist/), it loads the .js directly.
 */
function workerSource(): string {
  const typescript = import.meta.url.endsWith('.ts');
  const entry = new URL(typescript ? './build-worker.ts' : './build-worker.js', import.meta.url).href;
  if (!typescript) return `import(${JSON.stringify(entry)});`;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

export function buildIndexInWorker(request: WorkerRequest, onProgress?: (event: BuildProgress) => void): Promise<BuildSummary> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource(), { eval: true, workerData: request });
    let settled = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress?.(message.event);
      else {
        settled = true;
        if (message.type === 'done') resolve(message.summary);
        else reject(revive(message.error));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new IndexError(`The index build stopped unexpectedly (worker exit code ${code}).`));
    });
  });
}
