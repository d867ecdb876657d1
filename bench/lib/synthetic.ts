/**
 * Synthetic embeddings for large indexes (10k–100k chunks) that would take hours to embed on a
 * CPU: the real tokenizer (so chunking is real), and vectors derived from *real* embeddings of
 * the sentences the generated text was made from.
 *
 * A text is split into sentences; each sentence maps to the pool sentence it was generated from
 * (or, when the index's splitter cut differently and no generated sentence matches, to a pool
 * sentence chosen by its hash), whose real embedding gets a small deterministic perturbation
 * (σ = 0.015 per dimension: cosine ≈ 0.96 to the original, about what swapping a word or two
 * does); a chunk's vector is the normalised mean of its sentences' vectors. So the vectors have
 * the cluster structure of real sentence embeddings, identical text gets identical vectors, and
 * the HNSW graph, the lexical index, sentence scoring and quote selection all do real work.
 */
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import type { GeneratedArticle } from './corpus-gen.js';
import { hash32, Rng } from './prng.js';
import { normalize } from './recall.js';
import { splitPlainSentences } from './squad.js';

export const SYNTHETIC_NOISE = 0.015;

export class SyntheticEmbeddings {
  readonly dimensions: number;
  readonly maxTokens: number;
  readonly modelId: string;
  readonly quantized: boolean;
  private readonly poolSize: number;

  constructor(
    private readonly real: LocalEmbeddings,
    private readonly poolVectors: Float32Array,
    private readonly poolOf: Map<string, number>,
    private readonly noise = SYNTHETIC_NOISE,
  ) {
    this.dimensions = real.dimensions;
    this.maxTokens = real.maxTokens;
    this.modelId = real.modelId;
    this.quantized = real.quantized;
    this.poolSize = poolVectors.length / real.dimensions;
  }

  /** Maps every sentence of the generated articles to its pool sentence. */
  static sentenceMap(articles: readonly GeneratedArticle[]): Map<string, number> {
    const map = new Map<string, number>();
    for (const a of articles) for (const p of a.paragraphs) for (const s of p.sentences) map.set(s.text, s.pool);
    return map;
  }

  countTokens(text: string): number {
    return this.real.countTokens(text);
  }

  async embedMany(texts: readonly string[], onProgress?: (p: { done: number; total: number }) => void): Promise<Float32Array[]> {
    const out = texts.map((t) => this.vector(t));
    onProgress?.({ done: texts.length, total: texts.length });
    return out;
  }

  async embedOne(text: string): Promise<Float32Array> {
    return this.vector(text);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => Array.from(this.vector(t)));
  }

  async embedQuery(text: string): Promise<number[]> {
    return Array.from(this.vector(text));
  }

  /** The vector of one text (see the file comment). */
  vector(text: string): Float32Array {
    const dims = this.dimensions;
    const out = new Float32Array(dims);
    const pieces = this.pieces(text);
    for (const piece of pieces) {
      const index = this.poolOf.get(piece) ?? hash32(piece) % this.poolSize;
      const rng = new Rng(hash32(piece));
      const v = new Float32Array(this.poolVectors.subarray(index * dims, (index + 1) * dims));
      for (let d = 0; d < dims; d++) v[d]! += this.noise * rng.gaussian();
      normalize(v);
      for (let d = 0; d < dims; d++) out[d]! += v[d]!;
    }
    return normalize(out);
  }

  private pieces(text: string): string[] {
    const trimmed = text.trim();
    if (this.poolOf.has(trimmed)) return [trimmed];
    const out: string[] = [];
    for (const line of trimmed.split('\n')) {
      for (const s of splitPlainSentences(line)) out.push(s);
    }
    return out.length > 0 ? out : [trimmed];
  }
}

/**
 * Chunk-like vectors for the 100k HNSW recall test: each is a weighted mix of 2–4 real sentence
 * embeddings of the same source paragraph (what a chunk of a coherent text is) plus a small
 * perturbation, normalised. Deterministic for a seed.
 */
export function mixtureVectors(
  poolVectors: Float32Array,
  dims: number,
  paragraphs: readonly (readonly number[])[],
  count: number,
  seed: number,
  noise = SYNTHETIC_NOISE,
): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(count * dims);
  for (let i = 0; i < count; i++) {
    const paragraph = rng.pick(paragraphs);
    const parts = Math.min(paragraph.length, rng.int(2, 4));
    const start = rng.int(0, paragraph.length - parts);
    const v = out.subarray(i * dims, (i + 1) * dims);
    for (let k = 0; k < parts; k++) {
      const w = 0.5 + rng.next();
      const base = paragraph[start + k]! * dims;
      for (let d = 0; d < dims; d++) v[d]! += w * poolVectors[base + d]!;
    }
    normalize(v);
    for (let d = 0; d < dims; d++) v[d]! += noise * rng.gaussian();
    normalize(v);
  }
  return out;
}
