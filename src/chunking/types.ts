import type { Span } from '../corpus/types.js';

/** Counts the word pieces a text becomes under the embedding model's tokenizer (special tokens included). */
export interface TokenCounter {
  countTokens(text: string): number;
}

export interface ChunkingOptions {
  /** The most word pieces one chunk's embedding input may have (all-MiniLM-L6-v2 reads 256). */
  maxTokens: number;
  /** How many sentences of the previous chunk the next one repeats. */
  overlapSentences: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { maxTokens: 256, overlapSentences: 1 };

/** A sentence of an article: offsets into the article's cleaned text. */
export interface Sentence extends Span {
  /** Position of the sentence in the article (0-based). */
  index: number;
  /** The nearest heading above it, if any. */
  heading?: string;
  /**
   * The kinds of answer it holds, a bit set of `AnswerKind` (answer-kinds.ts): set on every
   * sentence of the index (0 for none), absent on sentences that were never tagged.
   */
  kinds?: number;
}

/** A run of consecutive sentences embedded together. */
export interface Chunk extends Span {
  /** `${articleId}#${ordinal}`. */
  id: string;
  articleId: string;
  /** Position of the chunk in the article (0-based). */
  ordinal: number;
  /** The nearest heading above the chunk's first sentence, carried as context. */
  heading?: string;
  /** article.text.slice(start, end). */
  text: string;
  /** Indices (into the article's sentence list) of the first and one-past-last sentence. */
  sentenceStart: number;
  sentenceEnd: number;
  /** Word pieces in `embeddingInput(chunk)`, as counted by the model's tokenizer. */
  tokenCount: number;
}

/** The text the model embeds for a chunk: its heading as context, then its text. */
export function embeddingInput(chunk: Pick<Chunk, 'heading' | 'text'>): string {
  return chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text;
}

/** Where the chunk's text begins in `embeddingInput(chunk)`. */
export function textOffsetInInput(chunk: Pick<Chunk, 'heading'>): number {
  return chunk.heading ? chunk.heading.length + 1 : 0;
}
