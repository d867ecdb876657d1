/**
 * A build's articles made ready and their vectors made: each article split into sentences (tagged
 * with their answer kinds) and chunks, or taken as it was from the previous generation; then the
 * vectors of a batch of articles' chunks and sentences, by the kind of vectors built
 * (SentenceVectorKind): every chunk and sentence embedded as a text of its own (separate), the
 * sentences alone with each chunk's vector their token-weighted mean (sentences-only), or one pass
 * per chunk with its sentences pooled from it (late). A vector already made for the same text
 * (the cache: the previous generation's, or this build's) is not made again.
 */
import { tagSentences } from '../chunking/answer-kinds.js';
import { chunkArticle } from '../chunking/chunk.js';
import { splitSentences } from '../chunking/sentences.js';
import { embeddingInput, textOffsetInInput, type Chunk, type ChunkingOptions, type TokenCounter } from '../chunking/types.js';
import type { Article } from '../corpus/types.js';
import { IndexError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import type { IndexEmbedder } from '../embedding/embedder.js';
import { REBUILD_HINT, type SentenceVectorKind } from './manifest.js';
import type { IndexSnapshot, StoredArticle } from './snapshot.js';

/** What making vectors needs of a build's options (BuildOptions). */
export interface EmbedOptions {
  embeddings: IndexEmbedder;
  onProgress?: (event: { phase: 'embed'; done: number; total: number }) => void;
  /** Stops the build between steps. */
  signal?: AbortSignal;
}

/** Vectors by the key they were made under (the previous generation's: build.ts, vectorCache; or this build's). */
export interface VectorCache {
  has(key: string): boolean;
  get(key: string): Float32Array | undefined;
}

/** The keys of an article's chunks' and sentences' vectors when embedded separately: the hashes of their texts. */
function separateKeys(p: PreparedArticle): string[] {
  return [...p.chunks.map((c) => sha256(embeddingInput(c))), ...p.article.sentences.map((s) => sha256(p.article.text.slice(s.start, s.end)))];
}

export interface PreparedArticle {
  article: StoredArticle;
  chunks: Chunk[];
  /** Taken as it was from the previous generation (an unchanged article): sentences tagged, nothing split. */
  fromPrevious?: true;
}

export function prepareArticle(
  article: Article,
  previous: IndexSnapshot | undefined,
  unchanged: ReadonlySet<string>,
  counter: TokenCounter,
  chunking: ChunkingOptions,
  tag = true,
): PreparedArticle {
  const stored = previous?.article(article.id);
  if (stored && unchanged.has(article.id)) {
    return { article: stored, chunks: [...previous!.chunksOf(article.id)], fromPrevious: true };
  }
  // The one place the index's sentences are made: split, then tagged with their answer kinds (not
  // in the first pass, which needs only their spans). Tagging does not depend on what was tagged
  // before (src/chunking/tagger.ts), so an article gets the same kinds in a full or incremental build.
  const split = splitSentences(article);
  const sentences = tag ? tagSentences(article.text, split) : split;
  return { article: { ...article, sentences }, chunks: chunkArticle(article, sentences, counter, chunking) };
}

export interface Embedded {
  /** Per article of the batch: its chunks' vectors, its sentences' vectors, and every key looked up (chunks', then sentences'). */
  chunkVectors: Float32Array[][];
  sentenceVectors: Float32Array[][];
  keys: string[][];
  /** The vectors made in this batch, by key. */
  fresh: Map<string, Float32Array>;
  counts: { chunks: number; sentences: number };
}

export interface EmbedProgressState {
  done: number;
  total: number;
}

/** Vectors for every chunk and sentence of a batch of articles, from the cache where the same text was embedded before. */
export async function embedAll(
  articles: readonly PreparedArticle[],
  cache: VectorCache,
  options: EmbedOptions,
  kind: SentenceVectorKind,
  progress: EmbedProgressState,
  /** Word pieces of a text by its key, where already counted. */
  counted?: (key: string) => number | undefined,
): Promise<Embedded> {
  if (kind === 'late') return embedLate(articles, cache, options, progress);
  if (kind === 'sentences-only') return embedSentencesOnly(articles, cache, options, progress, counted);
  return embedSeparately(articles, cache, options, progress);
}

/** The progress callback of one embedding call, as a part of the build's whole. */
export function embedProgress(options: EmbedOptions, progress: EmbedProgressState): (p: { done: number }) => void {
  // What this call adds to the whole (calls may overlap: see embedInCorpusOrder).
  let counted = 0;
  return ({ done }) => {
    options.signal?.throwIfAborted();
    progress.done += done - counted;
    counted = done;
    options.onProgress?.({ phase: 'embed', done: progress.done, total: progress.total });
  };
}

/** Chunks and sentences embedded as texts of their own. */
async function embedSeparately(articles: readonly PreparedArticle[], cache: VectorCache, options: EmbedOptions, progress: EmbedProgressState): Promise<Embedded> {
  const keys = articles.map(separateKeys);
  const missing = new Map<string, string>();
  const chunkKeys = new Set<string>();
  articles.forEach((p, a) => {
    const chunkCount = p.chunks.length;
    keys[a]!.forEach((hash, i) => {
      if (cache.has(hash) || missing.has(hash)) return;
      missing.set(hash, i < chunkCount ? embeddingInput(p.chunks[i]!) : textOf(p.article, p.article.sentences[i - chunkCount]!));
    });
    for (const hash of keys[a]!.slice(0, chunkCount)) chunkKeys.add(hash);
  });
  const texts = [...missing.values()];
  const vectors = texts.length > 0 ? await options.embeddings.embedMany(texts, embedProgress(options, progress)) : [];
  const fresh = new Map([...missing.keys()].map((hash, i) => [hash, vectors[i]!]));
  const lookup = (hash: string) => fresh.get(hash) ?? cache.get(hash)!;
  const missingChunks = [...chunkKeys].filter((h) => fresh.has(h)).length;
  return {
    chunkVectors: articles.map((p, a) => keys[a]!.slice(0, p.chunks.length).map(lookup)),
    sentenceVectors: articles.map((p, a) => keys[a]!.slice(p.chunks.length).map(lookup)),
    keys,
    fresh,
    counts: { chunks: missingChunks, sentences: missing.size - missingChunks },
  };
}

/**
 * Sentences only: each sentence's vector as a separate build makes it (keyed by its text's hash),
 * and each chunk's made from them (pooledChunkVector); no chunk text goes through the model.
 */
async function embedSentencesOnly(
  articles: readonly PreparedArticle[],
  cache: VectorCache,
  options: EmbedOptions,
  progress: EmbedProgressState,
  counted: (key: string) => number | undefined = () => undefined,
): Promise<Embedded> {
  const keys = articles.map((p) => p.article.sentences.map((sentence) => sha256(textOf(p.article, sentence))));
  const missing = new Map<string, string>();
  articles.forEach((p, a) => {
    keys[a]!.forEach((key, i) => {
      if (!cache.has(key) && !missing.has(key)) missing.set(key, textOf(p.article, p.article.sentences[i]!));
    });
  });
  const texts = [...missing.values()];
  const vectors = texts.length > 0 ? await options.embeddings.embedMany(texts, embedProgress(options, progress)) : [];
  const fresh = new Map([...missing.keys()].map((key, i) => [key, vectors[i]!]));
  const sentenceVectors = keys.map((article) => article.map((key) => fresh.get(key) ?? cache.get(key)!));
  const { embeddings } = options;
  // A whole sentence's word pieces: as counted to sort the texts to embed, else counted now, once per sentence.
  const piecesOf = (a: number) => {
    const known = new Map<number, number>();
    return (sentence: number, text: string): number => {
      let count = known.get(sentence) ?? counted(keys[a]![sentence]!);
      if (count === undefined) count = embeddings.countTokens(text);
      known.set(sentence, count);
      return count;
    };
  };
  return {
    chunkVectors: articles.map((p, a) => {
      const pieces = piecesOf(a);
      return p.chunks.map((chunk) => pooledChunkVector(p.article, chunk, sentenceVectors[a]!, embeddings, pieces));
    }),
    sentenceVectors,
    keys,
    fresh,
    counts: { chunks: 0, sentences: missing.size },
  };
}

/**
 * A sentences-only chunk vector: the mean of the vectors of the sentences the chunk holds (rows
 * sentenceStart to sentenceEnd of the article's sentences, an overlapped one included as in its
 * text), each weighted by its word pieces in the chunk (for a sentence too long for one chunk, the
 * pieces of the part this chunk holds), normalised to unit length. The chunk's heading is not in it.
 */
export function pooledChunkVector(
  article: Pick<StoredArticle, 'id' | 'text' | 'sentences'>,
  chunk: Pick<Chunk, 'start' | 'end' | 'sentenceStart' | 'sentenceEnd' | 'ordinal'>,
  sentenceVectors: readonly Float32Array[],
  embeddings: Pick<IndexEmbedder, 'countTokens' | 'dimensions'>,
  /** The word pieces ([CLS] and [SEP] included) of whole sentence `sentence` (`text`), when already counted. */
  wholeSentence: (sentence: number, text: string) => number = (_, text) => embeddings.countTokens(text),
): Float32Array {
  const specials = embeddings.countTokens('');
  const sum = new Float64Array(embeddings.dimensions);
  for (let i = chunk.sentenceStart; i < chunk.sentenceEnd; i++) {
    const sentence = article.sentences[i];
    const vector = sentenceVectors[i];
    if (sentence === undefined || vector === undefined) continue;
    const whole = sentence.start >= chunk.start && sentence.end <= chunk.end;
    const part = article.text.slice(Math.max(sentence.start, chunk.start), Math.min(sentence.end, chunk.end));
    const weight = Math.max(1, (whole ? wholeSentence(i, part) : embeddings.countTokens(part)) - specials);
    for (let d = 0; d < sum.length; d++) sum[d]! += weight * vector[d]!;
  }
  let norm = 0;
  for (const x of sum) norm += x * x;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) {
    throw new IndexError(`Chunk ${chunk.ordinal} of article ${article.id} holds no sentence to make its vector from (sentences ${chunk.sentenceStart}–${chunk.sentenceEnd}).`, {
      hint: REBUILD_HINT,
    });
  }
  return Float32Array.from(sum, (x) => x / norm);
}

export function textOf(article: Pick<StoredArticle, 'text'>, span: { start: number; end: number }): string {
  return article.text.slice(span.start, span.end);
}

/** Where a chunk's sentence lies in the chunk's embedding input, and the key its late vector is cached under. */
interface SentenceInChunk {
  sentence: number;
  span: readonly [number, number];
  key: string;
}

interface ChunkPlan {
  input: string;
  key: string;
  /** The sentences whose vectors are pooled from this chunk's pass. */
  sentences: SentenceInChunk[];
}

/**
 * Which chunk each sentence's vector is pooled from: the first chunk that holds it whole (an
 * overlapped sentence is taken with the sentences before it), else the first that holds its
 * start (a sentence too long for one chunk: its first part, as a separate embedding truncates it).
 */
export function lateChunkPlans(article: Pick<StoredArticle, 'text' | 'sentences'>, chunks: readonly Chunk[]): ChunkPlan[] {
  const plans = chunks.map((chunk) => ({ input: embeddingInput(chunk), key: sha256(embeddingInput(chunk)), sentences: [] as SentenceInChunk[] }));
  const place = (chunkIndex: number, index: number) => {
    const chunk = chunks[chunkIndex]!;
    const sentence = article.sentences[index]!;
    const offset = textOffsetInInput(chunk) - chunk.start;
    const span = [Math.max(sentence.start, chunk.start) + offset, Math.min(sentence.end, chunk.end) + offset] as const;
    const plan = plans[chunkIndex]!;
    plan.sentences.push({ sentence: index, span, key: sha256(`late\n${plan.key}\n${span[0]}-${span[1]}`) });
  };
  const placed = new Set<number>();
  for (const whole of [true, false]) {
    chunks.forEach((chunk, c) => {
      for (let index = chunk.sentenceStart; index < chunk.sentenceEnd; index++) {
        const sentence = article.sentences[index];
        if (!sentence || placed.has(index)) continue;
        const inside = whole ? sentence.start >= chunk.start && sentence.end <= chunk.end : sentence.start >= chunk.start && sentence.start < chunk.end;
        if (!inside) continue;
        placed.add(index);
        place(c, index);
      }
    });
  }
  return plans;
}

/** The cache key of each sentence's late vector, by sentence index (a sentence no chunk holds keys its own text). */
export function lateSentenceKeys(article: Pick<StoredArticle, 'text' | 'sentences'>, chunks: readonly Chunk[], plans = lateChunkPlans(article, chunks)): string[] {
  const keys = article.sentences.map((s) => sha256(article.text.slice(s.start, s.end)));
  for (const plan of plans) for (const s of plan.sentences) keys[s.sentence] = s.key;
  return keys;
}

/**
 * One forward pass per chunk ("late chunking"): the chunk's vector, and each of its sentences'
 * pooled from that pass's token outputs (lateChunkPlans says which chunk a sentence comes from).
 * A chunk is run again only if its own vector or one of its sentences' is not in the cache; a
 * sentence with no token in its chunk's window, or in no chunk, is embedded on its own.
 */
async function embedLate(articles: readonly PreparedArticle[], cache: VectorCache, options: EmbedOptions, progress: EmbedProgressState): Promise<Embedded> {
  const plans = articles.map((p) => lateChunkPlans(p.article, p.chunks));
  const fresh = new Map<string, Float32Array>();
  const toRun = new Map<string, ChunkPlan>();
  for (const plan of plans.flat()) {
    if (!cache.has(plan.key) || plan.sentences.some((s) => !cache.has(s.key))) toRun.set(`${plan.key}:${plan.sentences.map((s) => s.key).join(',')}`, plan);
  }
  const runs = [...toRun.values()];
  const vectors = runs.length > 0 ? await options.embeddings.embedSpans(runs.map((plan) => ({ text: plan.input, spans: plan.sentences.map((s) => s.span) })), embedProgress(options, progress)) : [];
  const alone = new Map<string, string>();
  runs.forEach((plan, i) => {
    const result = vectors[i]!;
    fresh.set(plan.key, result.vector);
    plan.sentences.forEach((s, k) => {
      const vector = result.spans[k];
      if (vector) fresh.set(s.key, vector);
      else alone.set(s.key, plan.input.slice(s.span[0], s.span[1]));
    });
  });
  // Sentences no chunk holds keep their text's hash as key (lateSentenceKeys).
  const sentenceKeys = articles.map((p, a) => {
    const keys = lateSentenceKeys(p.article, p.chunks, plans[a]);
    p.article.sentences.forEach((s, i) => {
      const key = keys[i]!;
      if (!cache.has(key) && !fresh.has(key) && !alone.has(key)) alone.set(key, p.article.text.slice(s.start, s.end));
    });
    return keys;
  });
  const separate = alone.size > 0 ? await options.embeddings.embedMany([...alone.values()]) : [];
  [...alone.keys()].forEach((key, i) => fresh.set(key, separate[i]!));
  const lookup = (key: string) => fresh.get(key) ?? cache.get(key)!;
  return {
    chunkVectors: plans.map((article) => article.map((plan) => lookup(plan.key))),
    sentenceVectors: sentenceKeys.map((keys) => keys.map(lookup)),
    keys: plans.map((article, a) => [...article.map((plan) => plan.key), ...sentenceKeys[a]!]),
    fresh,
    counts: { chunks: runs.length, sentences: alone.size },
  };
}
