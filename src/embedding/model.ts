/**
 * Loads the embedding model (tokenizer + ONNX session), once per process.
 *
 * The tokenizer and config come through transformers.js, always from a local model directory
 * (`<dir>/<model id>/…`, remote loading switched off): MODEL_DIR when it is set (nothing is ever
 * downloaded then), else the model cache MODEL_CACHE_DIR (default data/models, outside node_modules so
 * that `npm ci` keeps it), whose missing files are first downloaded from the hub (MODEL_HUB_URL) —
 * `npm run model:fetch` does that ahead of time; see model-files.ts. The onnxruntime session is
 * created here, from the file's path, rather than by transformers.js, which creates it from a
 * buffer with no options — and onnxruntime-node 1.14 ignores the options of a session created from a
 * buffer anyway. With explicit options (a thread
 * per usable core, all graph optimisations, sequential execution) embedding runs at the speed of
 * the best raw session, where the default one ran 5–10% slower; it keeps to the CPUs the process
 * may use (the default pins a thread per physical core of the machine, so two threads shared one
 * CPU under `taskset`, 1.5× slower); and loading from the path keeps the model bytes out of the JS
 * heap (~60 MB less RSS). Numbers: BENCHMARKS.md, "Embedding throughput" and "Cold start".
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// One module at a time, not the package's index (models, pipelines, sharp): see transformers-modules.d.ts.
import { AutoConfig } from '@xenova/transformers/src/configs.js';
import { env } from '@xenova/transformers/src/env.js';
import { AutoTokenizer, type PreTrainedTokenizer } from '@xenova/transformers/src/tokenizers.js';
import ort from 'onnxruntime-node';
import { loadBaseConfig } from '../core/config.js';
import { ModelError } from '../core/errors.js';
import { CONFIG_FILES, fetchModelFiles, missingModelFiles, modelFileNames, onnxFileName } from './model-files.js';

export interface ModelOptions {
  modelId: string;
  /** A transformers.js model directory (holding `<modelId>/onnx/…`); undefined: the model cache, filled from the hub. */
  modelDir: string | undefined;
  /** The model cache used when `modelDir` is undefined; default: MODEL_CACHE_DIR (see config.ts). */
  cacheDir?: string | undefined;
  /** Where missing files of the cache are downloaded from; default: MODEL_HUB_URL. */
  hubUrl?: string | undefined;
  /** true: the int8 file `onnx/model_quantized.onnx`; false: the fp32 `onnx/model.onnx`. */
  quantized: boolean;
  /** onnxruntime intra-op threads; default: one per core this process may use (see `intraOpThreads`). */
  threads?: number;
}

export interface LoadedModel {
  options: ModelOptions;
  tokenizer: PreTrainedTokenizer;
  /** The onnxruntime session, created on the first call (loadModel's `session: 'at load'`, the default, creates it before returning). */
  session(): Promise<ort.InferenceSession>;
  /** Width of the output vectors. */
  dimensions: number;
  /** The most word pieces the model reads (256 for all-MiniLM-L6-v2). */
  maxTokens: number;
}

/** sentence-transformers' max_seq_length for the models we know; others fall back to the tokenizer's limit. */
const KNOWN_MAX_TOKENS: Record<string, number> = {
  'Xenova/all-MiniLM-L6-v2': 256,
  'sentence-transformers/all-MiniLM-L6-v2': 256,
};

/**
 * Intra-op threads when not given: one per core this process may use — the CPUs it may run on
 * (affinity, cpusets: `os.availableParallelism()`) divided by the hardware threads per core
 * (hyper-threads share a core's arithmetic units). onnxruntime's own default is one thread per
 * physical core of the whole machine, pinned, whatever the process may use.
 */
export function intraOpThreads(available = os.availableParallelism(), threadsPerCore = hardwareThreadsPerCore()): number {
  return Math.max(1, Math.floor(available / threadsPerCore));
}

/** Hardware threads per core, from Linux's CPU topology (1 when it cannot be read). */
export function hardwareThreadsPerCore(): number {
  try {
    const siblings = readFileSync('/sys/devices/system/cpu/cpu0/topology/thread_siblings_list', 'utf8').trim();
    return Math.max(1, cpuListLength(siblings));
  } catch {
    return 1;
  }
}

/** How many CPUs a Linux CPU list names ("0", "0-1", "0,4", "0-1,8-9"). */
export function cpuListLength(list: string): number {
  let count = 0;
  for (const part of list.split(',')) {
    const [from, to] = part.split('-').map((n) => Number.parseInt(n, 10));
    if (from === undefined || Number.isNaN(from)) continue;
    count += to === undefined || Number.isNaN(to) ? 1 : Math.max(0, to - from + 1);
  }
  return count;
}

/** The session options: the CPU provider, all graph optimisations, sequential execution (one model, one stream of calls). */
export function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  };
}

const loaded = new Map<string, Promise<LoadedModel>>();

/**
 * When the onnxruntime session (~0.3 s, ~100 MB) is created: 'at load', so that a failure shows
 * at once and the first embedding is not kept waiting; or 'on first use', for a process that may
 * need only the tokenizer (an index build whose embedding goes to worker processes).
 */
export type SessionStart = 'at load' | 'on first use';

/** The model for these options, loaded on first use and shared afterwards. */
export async function loadModel(options: ModelOptions, session: SessionStart = 'at load'): Promise<LoadedModel> {
  const location = modelLocation(options);
  const key = `${location.dir}|${location.hubUrl ?? 'local'}|${options.modelId}|${options.quantized}|${options.threads ?? 'auto'}`;
  let pending = loaded.get(key);
  if (!pending) {
    pending = load(options, location);
    loaded.set(key, pending);
    // A failed load must not be cached: the next call (e.g. after fixing MODEL_DIR) tries again.
    pending.catch(() => loaded.delete(key));
  }
  const model = await pending;
  if (session === 'at load') await model.session();
  return model;
}

/** Where the model is read from: MODEL_DIR as given, or the cache (with the hub its missing files come from). */
interface ModelLocation {
  dir: string;
  /** Set for the cache: missing files are downloaded from here. */
  hubUrl: string | undefined;
}

function modelLocation(options: ModelOptions): ModelLocation {
  if (options.modelDir !== undefined) return { dir: options.modelDir, hubUrl: undefined };
  if (options.cacheDir !== undefined && options.hubUrl !== undefined) return { dir: options.cacheDir, hubUrl: options.hubUrl };
  // Callers that pass only MODEL_DIR's value get the configured cache (the environment every command validated at start).
  const config = loadBaseConfig();
  return { dir: options.cacheDir ?? config.modelCacheDir, hubUrl: options.hubUrl ?? config.modelHubUrl };
}

/** Downloads what the cache lacks (on first use), saying so on stderr: `npm run model:fetch` is the way to do it ahead of time. */
async function fillCache(options: ModelOptions, location: ModelLocation & { hubUrl: string }): Promise<void> {
  const files = modelFileNames(options.quantized);
  const missing = missingModelFiles(location.dir, options.modelId, files);
  if (missing.length === 0) return;
  process.stderr.write(
    `Downloading the model ${options.modelId} (${missing.join(', ')}) from ${location.hubUrl} into ${location.dir} ` +
      '(first use; npm run model:fetch does it ahead of time)\n',
  );
  await fetchModelFiles({ modelId: options.modelId, dir: location.dir, hubUrl: location.hubUrl, files });
}

function checkLocalFiles(options: ModelOptions & { modelDir: string }): void {
  const modelPath = path.join(options.modelDir, options.modelId);
  const onnx = path.join(modelPath, onnxFileName(options.quantized));
  const hint =
    'MODEL_DIR must be a transformers.js model directory that holds <MODEL_ID>/tokenizer.json, config.json and onnx/*.onnx ' +
    '(for example MODEL_DIR=../shared/models); unset it to use the model cache MODEL_CACHE_DIR, filled from the hub (npm run model:fetch).';
  if (!existsSync(options.modelDir)) {
    throw new ModelError(`The model directory ${options.modelDir} does not exist.`, { hint });
  }
  for (const file of [...CONFIG_FILES.map((name) => path.join(modelPath, name)), onnx]) {
    if (!existsSync(file)) throw new ModelError(`The model file ${file} is missing.`, { hint });
  }
}

/** Where the session reads the model: the ONNX file in the model directory (the one transformers.js would read). */
function modelSource(options: ModelOptions, dir: string): string {
  return path.join(dir, options.modelId, onnxFileName(options.quantized));
}

async function load(options: ModelOptions, location: ModelLocation): Promise<LoadedModel> {
  if (location.hubUrl !== undefined) await fillCache(options, { ...location, hubUrl: location.hubUrl });
  else checkLocalFiles({ ...options, modelDir: location.dir });
  // transformers.js reads the tokenizer and config from the directory and never reaches the network (nor its cache in node_modules).
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = location.dir.endsWith(path.sep) ? location.dir : location.dir + path.sep;
  const failure = (error: unknown) =>
    new ModelError(`Could not load the embedding model ${options.modelId} from ${location.dir}: ${(error as Error).message}`, {
      hint:
        location.hubUrl !== undefined
          ? `A file in the model cache may be damaged: delete ${path.join(location.dir, options.modelId)} and run npm run model:fetch.`
          : 'Check that MODEL_DIR holds the model files for MODEL_ID (see README, "Offline use").',
      cause: error,
    });
  try {
    const [tokenizer, config] = await Promise.all([AutoTokenizer.from_pretrained(options.modelId), AutoConfig.from_pretrained(options.modelId)]);
    const hidden = (config as { hidden_size?: unknown }).hidden_size;
    const dimensions = typeof hidden === 'number' ? hidden : 384;
    const maxTokens = KNOWN_MAX_TOKENS[options.modelId] ?? tokenizer.model_max_length;
    let session: Promise<ort.InferenceSession> | undefined;
    const openSession = () => {
      session ??= ort.InferenceSession.create(modelSource(options, location.dir), sessionOptions(options.threads ?? intraOpThreads())).catch((error: unknown) => {
        // Not kept: the next call tries again.
        session = undefined;
        throw failure(error);
      });
      return session;
    };
    return { options, tokenizer, session: openSession, dimensions, maxTokens };
  } catch (error) {
    throw failure(error);
  }
}
