/**
 * Loads the embedding model (tokenizer + ONNX session), once per process.
 *
 * The tokenizer and config come through transformers.js, and so does the model file on its usual
 * path: with a local model directory (MODEL_DIR) remote loading is switched off and the files are
 * read from `<dir>/<model id>/`; without one, transformers.js downloads from the Hugging Face hub
 * into its cache. The onnxruntime session is created here, from the file's path, rather than by
 * transformers.js, which creates it from a buffer with no options — and onnxruntime-node 1.14
 * ignores the options of a session created from a buffer anyway. With explicit options (a thread
 * per usable core, all graph optimisations, sequential execution) embedding runs at the speed of
 * the best raw session, where the default one ran 5–10% slower; it keeps to the CPUs the process
 * may use (the default pins a thread per physical core of the machine, so two threads shared one
 * CPU under `taskset`, 1.5× slower); and loading from the path keeps the model bytes out of the JS
 * heap (~60 MB less RSS). Numbers: BENCHMARKS.md, "Embedding throughput" and "Cold start".
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AutoConfig, AutoTokenizer, env, type PreTrainedTokenizer } from '@xenova/transformers';
import ort from 'onnxruntime-node';
import { ModelError } from '../core/errors.js';

export interface ModelOptions {
  modelId: string;
  /** A transformers.js model directory (holding `<modelId>/onnx/…`); undefined: the hub. */
  modelDir: string | undefined;
  /** true: the int8 file `onnx/model_quantized.onnx`; false: the fp32 `onnx/model.onnx`. */
  quantized: boolean;
  /** onnxruntime intra-op threads; default: one per core this process may use (see `intraOpThreads`). */
  threads?: number;
}

export interface LoadedModel {
  options: ModelOptions;
  tokenizer: PreTrainedTokenizer;
  session: ort.InferenceSession;
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

/** The model for these options, loaded on first use and shared afterwards. */
export function loadModel(options: ModelOptions): Promise<LoadedModel> {
  const key = `${options.modelDir ?? 'hub'}|${options.modelId}|${options.quantized}|${options.threads ?? 'auto'}`;
  let pending = loaded.get(key);
  if (!pending) {
    pending = load(options);
    loaded.set(key, pending);
    // A failed load must not be cached: the next call (e.g. after fixing MODEL_DIR) tries again.
    pending.catch(() => loaded.delete(key));
  }
  return pending;
}

function checkLocalFiles(options: ModelOptions & { modelDir: string }): void {
  const modelPath = path.join(options.modelDir, options.modelId);
  const onnx = path.join(modelPath, modelFileName(options.quantized));
  const hint =
    'MODEL_DIR must be a transformers.js model directory that holds <MODEL_ID>/tokenizer.json, config.json and onnx/*.onnx ' +
    '(for example MODEL_DIR=../shared/models); unset it to download the model from the Hugging Face hub.';
  if (!existsSync(options.modelDir)) {
    throw new ModelError(`The model directory ${options.modelDir} does not exist.`, { hint });
  }
  for (const file of [path.join(modelPath, 'tokenizer.json'), path.join(modelPath, 'config.json'), onnx]) {
    if (!existsSync(file)) throw new ModelError(`The model file ${file} is missing.`, { hint });
  }
}

function modelFileName(quantized: boolean): string {
  return quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
}

/** transformers.js's file loader (local directory, hub download, cache); its package root does not export it. */
interface TransformersHub {
  getModelFile(modelId: string, fileName: string, fatal: boolean, options: Record<string, unknown>): Promise<Uint8Array>;
}

// A variable specifier: the module has no type declarations of its own (the interface above gives them).
const HUB_MODULE = '@xenova/transformers/src/utils/hub.js';

/**
 * Where the session reads the model: the file in MODEL_DIR (the one transformers.js would read);
 * from the hub, the file transformers.js downloaded into its cache — or, with no file cache, the
 * downloaded bytes (the session then gets onnxruntime's default options, as before).
 */
async function modelSource(options: ModelOptions): Promise<string | Uint8Array> {
  const fileName = modelFileName(options.quantized);
  if (options.modelDir !== undefined) return path.join(options.modelDir, options.modelId, fileName);
  const hub = (await import(HUB_MODULE)) as TransformersHub;
  const bytes = await hub.getModelFile(options.modelId, fileName, true, {});
  const cached = typeof env.cacheDir === 'string' && env.useFSCache ? path.join(env.cacheDir, options.modelId, fileName) : undefined;
  return cached !== undefined && existsSync(cached) ? cached : bytes;
}

async function load(options: ModelOptions): Promise<LoadedModel> {
  if (options.modelDir !== undefined) {
    checkLocalFiles({ ...options, modelDir: options.modelDir });
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = options.modelDir.endsWith(path.sep) ? options.modelDir : options.modelDir + path.sep;
  } else {
    env.allowRemoteModels = true;
  }
  try {
    const [tokenizer, config, source] = await Promise.all([
      AutoTokenizer.from_pretrained(options.modelId),
      AutoConfig.from_pretrained(options.modelId),
      modelSource(options),
    ]);
    const settings = sessionOptions(options.threads ?? intraOpThreads());
    const session = typeof source === 'string' ? await ort.InferenceSession.create(source, settings) : await ort.InferenceSession.create(source, settings);
    const hidden = (config as { hidden_size?: unknown }).hidden_size;
    const dimensions = typeof hidden === 'number' ? hidden : 384;
    const maxTokens = KNOWN_MAX_TOKENS[options.modelId] ?? tokenizer.model_max_length;
    return { options, tokenizer, session, dimensions, maxTokens };
  } catch (error) {
    const where = options.modelDir === undefined ? 'from the Hugging Face hub' : `from ${options.modelDir}`;
    throw new ModelError(`Could not load the embedding model ${options.modelId} ${where}: ${(error as Error).message}`, {
      hint:
        options.modelDir === undefined
          ? 'Without internet access, set MODEL_DIR to a local transformers.js model directory.'
          : 'Check that MODEL_DIR holds the model files for MODEL_ID (see README, "Offline use").',
      cause: error,
    });
  }
}
