/**
 * Loads the embedding model (tokenizer + ONNX model) with transformers.js, once per process.
 *
 * With a local model directory (MODEL_DIR) remote loading is switched off and the files are read
 * from `<dir>/<model id>/`; without one, transformers.js downloads from the Hugging Face hub and caches.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AutoModel, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer } from '@xenova/transformers';
import { ModelError } from '../core/errors.js';

export interface ModelOptions {
  modelId: string;
  /** A transformers.js model directory (holding `<modelId>/onnx/…`); undefined: the hub. */
  modelDir: string | undefined;
  /** true: the int8 file `onnx/model_quantized.onnx`; false: the fp32 `onnx/model.onnx`. */
  quantized: boolean;
}

export interface LoadedModel {
  options: ModelOptions;
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
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

const loaded = new Map<string, Promise<LoadedModel>>();

/** The model for these options, loaded on first use and shared afterwards. */
export function loadModel(options: ModelOptions): Promise<LoadedModel> {
  const key = `${options.modelDir ?? 'hub'}|${options.modelId}|${options.quantized}`;
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
  const onnx = path.join(modelPath, 'onnx', options.quantized ? 'model_quantized.onnx' : 'model.onnx');
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
    const [tokenizer, model] = await Promise.all([
      AutoTokenizer.from_pretrained(options.modelId),
      AutoModel.from_pretrained(options.modelId, { quantized: options.quantized }),
    ]);
    const config = model.config as { hidden_size?: unknown };
    const dimensions = typeof config.hidden_size === 'number' ? config.hidden_size : 384;
    const maxTokens = KNOWN_MAX_TOKENS[options.modelId] ?? tokenizer.model_max_length;
    return { options, tokenizer, model, dimensions, maxTokens };
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
