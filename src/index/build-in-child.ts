/**
 * Runs `buildIndex` in a child process, so that the process that asked for it — a bot answering
 * questions — keeps its event loop free while the model embeds. (A child process rather than a
 * worker thread: onnxruntime-node 1.14 can crash the whole process when a worker thread that
 * used it exits.) Errors come back as the same typed errors (CorpusError, IndexError, ModelError)
 * a build in-process throws.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CorpusError, IndexError, ModelError, VerbatimError } from '../core/errors.js';
import type { ModelOptions } from '../embedding/model.js';
import type { BuildOptions, BuildProgress, BuildSummary } from './build.js';

export interface ChildRequest {
  model: ModelOptions;
  build: Omit<BuildOptions, 'embeddings' | 'onProgress' | 'signal'>;
  /**
   * EMBED_WORKERS: a large build embeds in this many processes of the child's own (PooledEmbeddings);
   * absent or 0, in the child. `minTexts` lowers the size of a large build (tests only).
   */
  embedding?: { workers: number | 'auto'; minTexts?: number };
}

interface SerializedError {
  name: string;
  message: string;
  hint?: string | undefined;
  path?: string | undefined;
}

export type ChildMessage =
  | { type: 'progress'; event: BuildProgress }
  | { type: 'done'; summary: BuildSummary }
  | { type: 'error'; error: SerializedError };

function revive(error: SerializedError): Error {
  const options = { ...(error.hint === undefined ? {} : { hint: error.hint }) };
  switch (error.name) {
    case 'CorpusError':
      return new CorpusError(error.message, options);
    case 'ModelError':
    case 'EmbeddingWorkerError':
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
 * Environment variables the build child may see: what Node, the model loader and indexing read.
 * Everything else — DISCORD_TOKEN, FEEDBACK_SALT, whatever else the bot was started with — stays
 * in the parent.
 */
const CHILD_ENV = new Set([
  // The system and Node.
  'PATH', 'HOME', 'USERPROFILE', 'TMPDIR', 'TMP', 'TEMP', 'SYSTEMROOT', 'WINDIR', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ',
  'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'OMP_NUM_THREADS',
  // Verbatim's indexing settings (src/core/config.ts, loadBaseConfig).
  'CORPUS_DIR', 'INDEX_DIR', 'MODEL_DIR', 'MODEL_ID', 'MODEL_QUANTIZED', 'LOG_LEVEL',
  // Downloading the model from the Hugging Face hub into the model cache when MODEL_DIR is not set.
  'MODEL_CACHE_DIR', 'MODEL_HUB_URL',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'HF_TOKEN', 'HF_ACCESS_TOKEN',
]);

/** The build child's environment: the allowlisted variables of `env` (any case: `Path`, `http_proxy`), nothing else. */
export function childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const picked: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && CHILD_ENV.has(name.toUpperCase())) picked[name] = value;
  return picked;
}

/** The child's entry: the TypeScript source under tsx or vitest (with tsx's loader), else the compiled .js. */
function childEntry(): { file: string; execArgv: string[] } {
  const typescript = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(typescript ? './build-child.ts' : './build-child.js', import.meta.url));
  return { file, execArgv: typescript ? ['--import', import.meta.resolve('tsx')] : [] };
}

/**
 * Runs the build in a child process. The child sees only the environment `childEnv` allows, and
 * stops (without publishing) when this process goes away. `onSpawn` gets the child's pid.
 */
export function buildIndexInChild(
  request: ChildRequest,
  onProgress?: (event: BuildProgress) => void,
  onSpawn?: (pid: number) => void,
): Promise<BuildSummary> {
  return new Promise((resolve, reject) => {
    const { file, execArgv } = childEntry();
    const child = fork(file, [], { execArgv, env: childEnv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    let settled = false;
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'progress') onProgress?.(message.event);
      else {
        settled = true;
        if (message.type === 'done') resolve(message.summary);
        else reject(revive(message.error));
      }
    });
    child.on('error', (error) => {
      settled = true;
      reject(error);
    });
    child.on('exit', (code, signal) => {
      if (!settled) reject(new IndexError(`The index build stopped unexpectedly (${signal ?? `exit code ${code}`}).`));
    });
    child.send(request);
  });
}
