/**
 * Local sentence embeddings (transformers.js tokenizer, onnxruntime session), as a LangChain `Embeddings`.
 *
 * Texts are tokenized once, truncated to the model's limit, sorted by length and run in
 * batches (so a batch pads to similar lengths), mean-pooled and normalised.
 */
import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import ort from 'onnxruntime-node';
import type { TokenCounter } from '../chunking/types.js';
import { ModelError } from '../core/errors.js';
import { meanPoolNormalized } from './mean-pool.js';
import { loadModel, type LoadedModel, type ModelOptions } from './model.js';

export interface EmbedProgress {
  done: number;
  total: number;
}

export interface LocalEmbeddingsOptions extends ModelOptions, EmbeddingsParams {
  /** Texts per model call. */
  batchSize?: number;
}

export const DEFAULT_BATCH_SIZE = 16;

export class LocalEmbeddings extends Embeddings implements TokenCounter {
  readonly dimensions: number;
  readonly maxTokens: number;
  readonly modelId: string;
  readonly quantized: boolean;
  private readonly loaded: LoadedModel;
  private readonly batchSize: number;
  private readonly sepId: bigint;

  private constructor(loaded: LoadedModel, options: LocalEmbeddingsOptions) {
    super(options);
    this.loaded = loaded;
    this.dimensions = loaded.dimensions;
    this.maxTokens = loaded.maxTokens;
    this.modelId = loaded.options.modelId;
    this.quantized = loaded.options.quantized;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const sep = (loaded.tokenizer as unknown as { sep_token_id?: number }).sep_token_id;
    if (typeof sep !== 'number') throw new ModelError(`The tokenizer of ${this.modelId} has no [SEP] token.`);
    this.sepId = BigInt(sep);
  }

  /** Loads (or reuses) the model and wraps it. */
  static async load(options: LocalEmbeddingsOptions): Promise<LocalEmbeddings> {
    return new LocalEmbeddings(await loadModel(options), options);
  }

  /** Word pieces of `text` including [CLS] and [SEP], before truncation. */
  countTokens(text: string): number {
    return this.loaded.tokenizer.encode(text).length;
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    return (await this.embedMany(documents)).map((v) => Array.from(v));
  }

  override async embedQuery(document: string): Promise<number[]> {
    return Array.from(await this.embedOne(document));
  }

  async embedOne(text: string): Promise<Float32Array> {
    const [vector] = await this.embedMany([text]);
    return vector!;
  }

  /** Embeds every text (truncated to `maxTokens` word pieces); the result is in input order. */
  async embedMany(texts: readonly string[], onProgress?: (progress: EmbedProgress) => void): Promise<Float32Array[]> {
    const encoded = texts.map((text) => this.encode(text));
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.length - encoded[b]!.length);
    const out = new Array<Float32Array>(texts.length);
    let done = 0;
    for (let i = 0; i < order.length; i += this.batchSize) {
      const batch = order.slice(i, i + this.batchSize);
      const vectors = await this.run(batch.map((j) => encoded[j]!));
      batch.forEach((j, k) => (out[j] = vectors[k]!));
      done += batch.length;
      onProgress?.({ done, total: texts.length });
    }
    return out;
  }

  private encode(text: string): bigint[] {
    const ids = this.loaded.tokenizer.encode(text).map((id) => BigInt(id));
    if (ids.length <= this.maxTokens) return ids;
    return [...ids.slice(0, this.maxTokens - 1), this.sepId];
  }

  private async run(batch: bigint[][]): Promise<Float32Array[]> {
    const tokens = Math.max(...batch.map((ids) => ids.length));
    const size = batch.length * tokens;
    const inputIds = new BigInt64Array(size);
    const attention = new BigInt64Array(size);
    batch.forEach((ids, row) => {
      inputIds.set(ids, row * tokens);
      attention.fill(1n, row * tokens, row * tokens + ids.length);
    });
    const shape = [batch.length, tokens];
    const session = this.loaded.session;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', inputIds, shape),
      attention_mask: new ort.Tensor('int64', attention, shape),
    };
    // BERT-style graphs also take segment ids (all 0 for one text); others do not.
    if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(size), shape);
    const output = await session.run(feeds);
    const hidden = output.last_hidden_state;
    if (!hidden || !(hidden.data instanceof Float32Array)) {
      throw new ModelError(`The model ${this.modelId} did not return last_hidden_state as float32.`);
    }
    return meanPoolNormalized(
      hidden.data,
      batch.map((ids) => ids.length),
      tokens,
      this.dimensions,
    );
  }
}
