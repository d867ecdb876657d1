/**
 * The hardware limit the embedder is measured against: onnxruntime-node running the model file
 * directly on prepared token batches, with the session options that suit a CPU (all graph
 * optimisations, sequential execution, one intra-op thread per core).
 */
import path from 'node:path';
import ort from 'onnxruntime-node';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@xenova/transformers';

export type SessionOptions = ort.InferenceSession.SessionOptions;

export const BEST_SESSION_OPTIONS: SessionOptions = {
  intraOpNumThreads: 2,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
};

export function modelFile(modelDir: string, modelId: string, quantized: boolean): string {
  return path.join(modelDir, modelId, 'onnx', quantized ? 'model_quantized.onnx' : 'model.onnx');
}

export function createSession(file: string, options: SessionOptions): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, options);
}

/** The tokenizer the embedder uses, through transformers.js from the same local model directory. */
export function loadTokenizer(modelId: string, modelDir: string | undefined): Promise<PreTrainedTokenizer> {
  if (modelDir !== undefined) {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = modelDir.endsWith(path.sep) ? modelDir : modelDir + path.sep;
  }
  return AutoTokenizer.from_pretrained(modelId);
}

/** Token ids as the embedder makes them: [CLS] … [SEP], cut to maxTokens keeping [SEP] last. */
export function tokenize(tokenizer: PreTrainedTokenizer, text: string, maxTokens: number): number[] {
  const ids = tokenizer.encode(text);
  if (ids.length <= maxTokens) return ids;
  return [...ids.slice(0, maxTokens - 1), ids[ids.length - 1]!];
}

/** The batches embedMany runs: indices sorted by token count (stable), cut every batchSize. */
export function sortedBatches(lengths: readonly number[], batchSize: number, sorted = true): number[][] {
  const order = lengths.map((_, i) => i);
  if (sorted) order.sort((a, b) => lengths[a]! - lengths[b]!);
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}

export interface PreparedBatch {
  rows: number;
  tokens: number;
  inputIds: BigInt64Array;
  attention: BigInt64Array;
  tokenTypes: BigInt64Array;
}

/** A padded batch, prepared once so that only inference is timed. */
export function prepareBatch(batch: readonly (readonly number[])[]): PreparedBatch {
  const tokens = Math.max(...batch.map((ids) => ids.length));
  const size = batch.length * tokens;
  const inputIds = new BigInt64Array(size);
  const attention = new BigInt64Array(size);
  batch.forEach((ids, row) => {
    ids.forEach((id, t) => (inputIds[row * tokens + t] = BigInt(id)));
    attention.fill(1n, row * tokens, row * tokens + ids.length);
  });
  return { rows: batch.length, tokens, inputIds, attention, tokenTypes: new BigInt64Array(size) };
}

export async function runBatch(session: ort.InferenceSession, batch: PreparedBatch): Promise<void> {
  const dims = [batch.rows, batch.tokens];
  await session.run({
    input_ids: new ort.Tensor('int64', batch.inputIds, dims),
    attention_mask: new ort.Tensor('int64', batch.attention, dims),
    token_type_ids: new ort.Tensor('int64', batch.tokenTypes, dims),
  });
}

/** The model file the embedder loads (from MODEL_DIR); the raw sessions read the same file. */
export function embedderModelFile(modelId: string, quantized: boolean, modelDir: string | undefined): string {
  if (modelDir === undefined) throw new Error('The benchmarks need MODEL_DIR (a local model directory) for the raw onnxruntime session.');
  return modelFile(modelDir, modelId, quantized);
}
