/**
 * What answering needs of an index, whatever holds it: the store interface the engine answers
 * through (the file index, `file-store.ts`, is one; a PostgreSQL store is another), chosen by
 * configuration (`INDEX_STORE`, see open-store.ts).
 *
 * A store holds one generation (an immutable index; a rebuild makes a new one). What every question
 * needs and is small — the generation's identity, the article catalog, the vocabulary and the
 * lexical term statistics — is in memory from the open. The rest is asked for in two steps per
 * question, each one batched call (one round trip for a database):
 * 1. `search`: the dense and the lexical candidates of the question, with each candidate's chunk
 *    and vector;
 * 2. `articleViews`: the articles those passages belong to, with their chunks, the sentence vectors
 *    the reader wants, which of the question's terms each article holds (from the postings, so the
 *    reader need not read an article whole) and the digests quote verification checks.
 * The reader then works synchronously over what those two calls returned.
 *
 * Labels are a store's own numbers for its chunks within one generation (the file index numbers
 * them 0 … chunks − 1); they are only passed back to the same store.
 */
import type { Chunk } from '../chunking/types.js';
import type { IndexStoreChoice } from '../core/config.js';
import type { ArticleMeta } from '../corpus/types.js';
import type { StoredArticle } from './generation/records.js';
import type { NearestWord } from './vocabulary.js';

export type { StoredArticle };

/** Which kind of store holds the index (`INDEX_STORE`). */
export type IndexStoreKind = IndexStoreChoice;

/** The generation a store serves. */
export interface GenerationInfo {
  /** Its id (the file index: the generation directory's name, `gen-…`). */
  id: string;
  /** When its build finished (ISO 8601). */
  builtAt: string;
}

/** The distinct words of the indexed text, for spelling correction (in memory). */
export interface StoreVocabulary {
  readonly size: number;
  has(word: string): boolean;
  nearest(word: string, maxDistance: number): NearestWord | undefined;
}

/** The lexical side's term statistics over the chunks (in memory): what spelling and the reader's features ask. */
export interface TermStatistics {
  /** Whether any chunk holds the term (an index term: see terms.ts). */
  has(term: string): boolean;
  /** Inverse document frequency of a term over the chunks (smoothed, ≥ 0; a term no chunk holds gets `maxIdf`). */
  idf(term: string): number;
  /** The largest IDF a term can have (that of a term no chunk holds). */
  readonly maxIdf: number;
}

/** Restricts a search to some articles. An empty list searches nothing. */
export interface SearchFilter {
  articleIds: readonly string[];
}

/** One step 1 call: what to search for, and how many candidates each retriever returns. */
export interface SearchRequest {
  /** The question's (normalised) vector: the dense search; omitted, no dense search. */
  vector?: Float32Array;
  /** The question's text for the lexical search; omitted (or no term of it indexed), no lexical hits. */
  text?: string;
  /** How many candidates each of the two searches returns (at most). */
  depth: number;
  filter?: SearchFilter;
}

export interface ScoredLabel {
  label: number;
  /** Dense: the cosine similarity. Lexical: the store's relevance score (BM25 for the file index). */
  score: number;
}

/** A chunk as a search candidate: the chunk and its (normalised) vector. */
export interface Passage {
  label: number;
  chunk: Chunk;
  vector: Float32Array;
}

export interface SearchResult {
  /** Best first, at most `depth`; empty without a vector. */
  dense: ScoredLabel[];
  /** Best first, at most `depth`, only chunks sharing a term with the text; empty without a text. */
  lexical: ScoredLabel[];
  /** The passage of every label in `dense` and `lexical`. */
  passages: ReadonlyMap<number, Passage>;
}

/** One article wanted in step 2, and which of its sentences' vectors. */
export interface ArticleRequest {
  id: string;
  /** Indexes of the sentences whose vectors are wanted (out-of-range ones are ignored); omitted: all of them. */
  sentences?: readonly number[];
  /** Index terms (terms.ts) to look up in the article: the view's `heldTerms` says which of them it holds. */
  terms?: readonly string[];
}

/** An article as the reader and quote verification see it. */
export interface ArticleView {
  /** The article with its text, blocks and sentences. */
  article: StoredArticle;
  /** All of its chunks, in order. */
  chunks: readonly Chunk[];
  /** The vectors of the sentences asked for (by sentence index). */
  sentenceVectors: ReadonlyMap<number, Float32Array>;
  /**
   * Which of the request's `terms` the article holds (in its title, a heading or its text: what the
   * lexical index holds of its chunks), answered from the postings rather than by reading the whole
   * article. Empty when no terms were asked.
   */
  heldTerms: ReadonlySet<string>;
  /**
   * Whether a chunk's text is still the text the index was built from (checked against a digest of
   * it kept at build time): the second witness quote verification asks (verify-quotes.ts).
   */
  passageIntact(chunk: Chunk): boolean;
}

export interface IndexStore {
  readonly kind: IndexStoreKind;
  readonly generation: GenerationInfo;
  /** Where it is, for messages ("The index at <location> …": the generation's directory, a database and generation). */
  readonly location: string;
  /** Vector dimensions of the embedding model the index was built with. */
  readonly dimensions: number;
  /** Every article's metadata, in article order. */
  readonly articles: readonly ArticleMeta[];
  /** How many chunks an article has (0 for an unknown id). */
  chunkCount(articleId: string): number;
  readonly vocabulary: StoreVocabulary;
  readonly terms: TermStatistics;

  /** Step 1 of a question: dense and lexical candidates with their passages. */
  search(request: SearchRequest): Promise<SearchResult>;
  /** Step 2 of a question: the views of the articles asked for, in request order; unknown ids are left out. */
  articleViews(requests: readonly ArticleRequest[]): Promise<ArticleView[]>;

  /**
   * The id of the generation live at the source now (it may be newer than `generation`), or
   * undefined when there is none. A Library compares it with `generation.id` to reload.
   */
  liveGeneration(): Promise<string | undefined>;
  /**
   * Calls `onChange` with the new live generation's id whenever one goes live (a store that can be
   * told, e.g. by LISTEN/NOTIFY); returns the function that stops watching. Stores without it are polled
   * through `liveGeneration()`.
   */
  watch?(onChange: (generationId: string) => void): () => void;
  /** Releases what it holds (files, connections). Nothing may be asked of it afterwards. */
  close(): Promise<void>;
}

/** How to open a store (see open-store.ts). */
export interface OpenStoreOptions {
  /** Open this generation rather than the live one (a Library swapping to a generation it just built or was told of). */
  generation?: string;
}
