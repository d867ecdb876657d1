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
import { meanPoolNormalized, poolRange } from './mean-pool.js';
import { loadModel, type LoadedModel, type ModelOptions, type SessionStart } from './model.js';

export interface EmbedProgress {
  done: number;
  total: number;
}

export interface LocalEmbeddingsOptions extends ModelOptions, EmbeddingsParams {
  /** Texts per model call. */
  batchSize?: number;
}

export const DEFAULT_BATCH_SIZE = 16;

/** A text to embed once, with character spans [start, end) of it to pool separately ("late chunking"). */
export interface SpannedText {
  text: string;
  /** Non-overlapping character spans of `text`, in any order. */
  spans: readonly (readonly [number, number])[];
}

export interface SpannedVectors {
  /** The whole text's vector, exactly as `embedMany` gives it. */
  vector: Float32Array;
  /**
   * Each span's vector: its own tokens' outputs from the one pass, mean-pooled and normalised.
   * Undefined for a span with no token in the model's window (empty, or cut off by truncation).
   */
  spans: (Float32Array | undefined)[];
}

export interface SpannedTokens {
  ids: bigint[];
  /** Token ranges [from, to) of each span in `ids`. */
  ranges: (readonly [number, number])[];
}

/**
 * What building an index needs of an embedder: `LocalEmbeddings` in this process, or
 * `PooledEmbeddings` (embedding-pool.ts), which runs the same batches in child processes.
 */
export interface IndexEmbedder extends TokenCounter {
  readonly dimensions: number;
  readonly maxTokens: number;
  readonly modelId: string;
  readonly quantized: boolean;
  embedMany(texts: readonly string[], onProgress?: (progress: EmbedProgress) => void): Promise<Float32Array[]>;
  embedSpans(texts: readonly SpannedText[], onProgress?: (progress: EmbedProgress) => void): Promise<SpannedVectors[]>;
  /**
   * Told how many texts a job (an index build) is about to embed, before its first call: an
   * embedder that can run a large job faster another way (a pool of processes) gets ready now.
   * A build may tell it more than once, as it finds more texts; the last count is the job's.
   */
  prepare?(texts: number): Promise<void>;
}

export class LocalEmbeddings extends Embeddings implements IndexEmbedder {
  readonly dimensions: number;
  readonly maxTokens: number;
  readonly modelId: string;
  readonly quantized: boolean;
  /** Texts per model call. */
  readonly batchSize: number;
  private readonly loaded: LoadedModel;
  private readonly sepId: bigint;
  private readonly clsId: bigint;

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
    // What the tokenizer puts around a text: [CLS] [SEP] for BERT's WordPiece.
    const empty = loaded.tokenizer.encode('');
    if (empty.length !== 2 || empty[1] !== sep) throw new ModelError(`The tokenizer of ${this.modelId} does not wrap a text in [CLS] … [SEP].`);
    this.clsId = BigInt(empty[0]!);
  }

  /** Loads (or reuses) the model and wraps it; `session`: when its onnxruntime session is created (see SessionStart). */
  static async load(options: LocalEmbeddingsOptions, session: SessionStart = 'at load'): Promise<LocalEmbeddings> {
    return new LocalEmbeddings(await loadModel(options, session), options);
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
    const encoded = texts.map((text) => this.tokenIds(text));
    return this.inBatches(
      encoded.map((ids) => ids.length),
      onProgress,
      (rows) => this.embedTokenBatch(rows.map((j) => encoded[j]!)),
    );
  }

  /**
   * One forward pass per text: the text's vector (as `embedMany`) and, from the same token outputs,
   * a vector for each of its spans ("late chunking", Günther et al. 2024). The text is tokenized
   * piece by piece between span boundaries, so each span's word pieces are known exactly; BERT's
   * WordPiece splits at whitespace and punctuation, so where the boundaries fall between words
   * (as sentence boundaries do) the pieces' tokens are the whole text's.
   */
  async embedSpans(texts: readonly SpannedText[], onProgress?: (progress: EmbedProgress) => void): Promise<SpannedVectors[]> {
    const encoded = texts.map((text) => this.encodeSpans(text));
    return this.inBatches(
      encoded.map((e) => e.ids.length),
      onProgress,
      (rows) => this.embedSpanBatch(rows.map((j) => encoded[j]!)),
    );
  }

  /** The word pieces `embedSpans` runs for `text` ([CLS] and [SEP] included, truncated as `embedMany` does) and each span's token range. */
  encodeSpans({ text, spans }: SpannedText): SpannedTokens {
    const cuts = [...new Set([0, text.length, ...spans.flat().map((at) => Math.min(Math.max(at, 0), text.length))])].sort((a, b) => a - b);
    const startOf = new Map<number, number>();
    const pieces: number[] = [];
    for (let k = 0; k + 1 < cuts.length; k++) {
      startOf.set(cuts[k]!, pieces.length + 1);
      pieces.push(...this.loaded.tokenizer.encode(text.slice(cuts[k], cuts[k + 1]), null, { add_special_tokens: false }));
    }
    startOf.set(text.length, pieces.length + 1);
    const body = pieces.slice(0, this.maxTokens - 2);
    const ids = [this.clsId, ...body.map((id) => BigInt(id)), this.sepId];
    const limit = body.length + 1;
    const clip = (at: number) => Math.min(startOf.get(Math.min(Math.max(at, 0), text.length))!, limit);
    return { ids, ranges: spans.map(([start, end]) => [clip(start), clip(end)] as const) };
  }

  /** The word pieces `embedMany` runs for `text`: [CLS] … [SEP], truncated to `maxTokens`. */
  tokenIds(text: string): bigint[] {
    const ids = this.loaded.tokenizer.encode(text).map((id) => BigInt(id));
    if (ids.length <= this.maxTokens) return ids;
    return [...ids.slice(0, this.maxTokens - 1), this.sepId];
  }

  /**
   * The batches `embedMany` and `embedSpans` run for texts of these token lengths: the input
   * indices sorted by length (stable), cut every `batchSize`. A text's vector depends on the batch
   * it runs in (padding; int8 activations are quantised per batch), so whoever runs these batches
   * elsewhere (embedding-pool.ts) gets the very same vectors.
   */
  batchOrder(lengths: readonly number[]): number[][] {
    const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]!);
    const batches: number[][] = [];
    for (let i = 0; i < order.length; i += this.batchSize) batches.push(order.slice(i, i + this.batchSize));
    return batches;
  }

  /** One batch of `tokenIds` through the model: each row's vector, mean-pooled and normalised. */
  async embedTokenBatch(batch: readonly (readonly bigint[])[]): Promise<Float32Array[]> {
    const { hidden, lengths, tokens } = await this.run(batch);
    return meanPoolNormalized(hidden, lengths, tokens, this.dimensions);
  }

  /** One batch of `encodeSpans` results through the model: each row's vector and its spans'. */
  async embedSpanBatch(batch: readonly SpannedTokens[]): Promise<SpannedVectors[]> {
    const { hidden, lengths, tokens } = await this.run(batch.map((e) => e.ids));
    return batch.map((e, row) => {
      const [vector] = meanPoolNormalized(hidden.subarray(row * tokens * this.dimensions), [lengths[row]!], tokens, this.dimensions);
      const spans = e.ranges.map(([from, to]) => (to > from ? poolRange(hidden, row * tokens + from, row * tokens + to, this.dimensions) : undefined));
      return { vector: vector!, spans };
    });
  }

  /** Runs the batches of `batchOrder(lengths)` in turn; `run` turns a batch (input indices) into results for its rows. */
  private async inBatches<T>(
    lengths: readonly number[],
    onProgress: ((progress: EmbedProgress) => void) | undefined,
    run: (rows: number[]) => Promise<T[]>,
  ): Promise<T[]> {
    const out = new Array<T>(lengths.length);
    let done = 0;
    for (const batch of this.batchOrder(lengths)) {
      const results = await run(batch);
      batch.forEach((j, k) => (out[j] = results[k]!));
      done += batch.length;
      onProgress?.({ done, total: lengths.length });
    }
    return out;
  }

  private async run(batch: readonly (readonly bigint[])[]): Promise<{ hidden: Float32Array; lengths: number[]; tokens: number }> {
    const tokens = Math.max(...batch.map((ids) => ids.length));
    const size = batch.length * tokens;
    const inputIds = new BigInt64Array(size);
    const attention = new BigInt64Array(size);
    batch.forEach((ids, row) => {
      inputIds.set(ids, row * tokens);
      attention.fill(1n, row * tokens, row * tokens + ids.length);
    });
    const shape = [batch.length, tokens];
    const session = await this.loaded.session();
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
    return { hidden: hidden.data, lengths: batch.map((ids) => ids.length), tokens };
  }
}
