/**
 * A loaded index generation (generation/reader.ts opens it): the articles' metadata, the HNSW
 * index of the chunk vectors, the lexical index's terms and the vocabulary in memory; articles with
 * their text (read from texts.bin), blocks, sentences and chunks made from the typed tables when
 * asked for (the last ARTICLE_CACHE kept, and any still in use elsewhere found again, so an article
 * is one object for as long as anything holds it); lexical postings and vectors read from disk as
 * needed. Immutable once open; a rebuild produces a new one.
 */
import type { Chunk } from '../chunking/types.js';
import type { ArticleMeta } from '../corpus/types.js';
import { IndexError } from '../core/errors.js';
import { LruCache } from '../core/lru-cache.js';
import { closeGeneration, readGeneration, type Generation } from './generation/reader.js';
import { articleOfChunk, chunkLabels, passageIntact, readArticle, sentenceRows, type StoredArticle, type Tables } from './generation/records.js';
import type { HnswIndex } from './hnsw-store.js';
import { currentGeneration } from './layout.js';
import type { LexicalIndex } from './lexical-index.js';
import type { Manifest } from './manifest.js';
import type { VectorFileReader } from './vectors-file.js';
import type { Vocabulary } from './vocabulary.js';

export { checkFiles } from './generation/reader.js';
export type { StoredArticle } from './generation/records.js';
export { DATA_FILES, SENTENCE_VECTORS_FILE } from './generation/schema.js';

/**
 * How many chunk vectors a snapshot keeps in memory (for near-duplicate checks between passages;
 * a question compares a few dozen).
 */
const CHUNK_VECTOR_CACHE = 2048;
/**
 * How many materialised articles (text, sentences, chunks) a snapshot keeps beyond those in use: a
 * question reads ~15, so the last ~15 questions' (follow-ups, popular topics). Each evicted article
 * is old-generation garbage; 1,024 held ~25 MB more of live heap at 100k chunks for no measurable speed.
 */
const ARTICLE_CACHE = 256;

/** The metadata of a chunk as a passage (what the LangChain adapter hands out with its text). */
export type ChunkMetadata = Omit<Chunk, 'text'> & { title: string; path: string; url?: string };

export class IndexSnapshot {
  readonly dir: string;
  readonly manifest: Manifest;
  /** Every article's metadata, in article order (`article(id)` for its text and sentences). */
  readonly articles: readonly ArticleMeta[];
  /** The chunk vectors' nearest-neighbour index (labels are chunk labels). */
  readonly hnsw: HnswIndex;
  readonly lexical: LexicalIndex;
  /** The distinct words of the indexed text with their counts. */
  readonly vocabulary: Vocabulary;
  private readonly tables: Tables;
  private readonly chunkVectors: VectorFileReader;
  private readonly sentenceVectors: VectorFileReader;
  private readonly rowById: Map<string, number>;
  private readonly recent = new LruCache<number, StoredArticle>(ARTICLE_CACHE);
  /** Articles made, by row, while something holds them. */
  private readonly live = new Map<number, WeakRef<StoredArticle>>();
  private readonly chunkLists = new WeakMap<StoredArticle, Chunk[]>();
  private readonly forget = new FinalizationRegistry<number>((row) => {
    if (this.live.get(row)?.deref() === undefined) this.live.delete(row);
  });
  /** Chunk vectors read lately. */
  private readonly recentChunkVectors = new LruCache<number, Float32Array>(CHUNK_VECTOR_CACHE);

  private constructor(private readonly generation: Generation) {
    this.dir = generation.dir;
    this.manifest = generation.manifest;
    this.tables = generation.tables;
    this.articles = generation.tables.catalog;
    this.hnsw = generation.hnsw;
    this.lexical = generation.lexical;
    this.vocabulary = generation.vocabulary;
    this.chunkVectors = generation.chunkVectors;
    this.sentenceVectors = generation.sentenceVectors;
    this.rowById = new Map(this.articles.map((article, row) => [article.id, row]));
  }

  get dimensions(): number {
    return this.manifest.model.dimensions;
  }

  /** How many chunks (labels 0 … chunkCount − 1). */
  get chunkCount(): number {
    return this.manifest.counts.chunks;
  }

  /** An article with its text, blocks and sentences; the same object for as long as anything holds it. */
  article(id: string): StoredArticle | undefined {
    const row = this.rowById.get(id);
    return row === undefined ? undefined : this.articleAt(row);
  }

  /** Every article in order, each made when reached (for builds and evaluations). */
  *allArticles(): Generator<StoredArticle> {
    for (let row = 0; row < this.articles.length; row++) yield this.articleAt(row);
  }

  /** The chunk with label `label`. */
  chunk(label: number): Chunk {
    if (!(label >= 0 && label < this.chunkCount)) throw new RangeError(`No chunk ${label} in the index at ${this.dir} (${this.chunkCount} chunks).`);
    const row = articleOfChunk(this.tables, label);
    const article = this.articleAt(row);
    return this.chunkLists.get(article)![label - chunkLabels(this.tables, row).first]!;
  }

  /** Every chunk in label order (for builds, evaluations and tests). */
  *allChunks(): Generator<Chunk> {
    for (const article of this.allArticles()) yield* this.chunkLists.get(article)!;
  }

  /** The chunks of an article, in order. */
  chunksOf(articleId: string): readonly Chunk[] {
    const article = this.article(articleId);
    return article === undefined ? [] : this.chunkLists.get(article)!;
  }

  /**
   * Whether a chunk's text is still the text the index was built from (a digest of it was kept at
   * build time): the second witness quote verification asks, as the text itself is stored once.
   */
  passageIntact(chunk: Chunk): boolean {
    const { first, count } = chunkLabels(this.tables, this.rowOf(chunk.articleId));
    return chunk.ordinal >= 0 && chunk.ordinal < count && passageIntact(this.tables, first + chunk.ordinal, chunk.text);
  }

  /** The label of an article's first chunk and how many it has (its chunks are labels first … first + count − 1). */
  chunkLabelsOf(articleId: string): { first: number; count: number } {
    return chunkLabels(this.tables, this.rowOf(articleId));
  }

  /** The (normalised) vector of chunk `label`; the last CHUNK_VECTOR_CACHE read are kept. */
  chunkVector(label: number): Float32Array {
    return this.recentChunkVectors.getOrAdd(label, () => this.chunkVectors.rows(label, label + 1));
  }

  /** The vectors of an article's chunks, as one matrix (one row per chunk, in order). */
  chunkVectorsOf(articleId: string): Float32Array {
    const { first, count } = chunkLabels(this.tables, this.rowOf(articleId));
    return this.chunkVectors.rows(first, first + count);
  }

  /** The vector of sentence `index` of an article (read from disk unless read lately; do not modify it). */
  sentenceVector(articleId: string, index: number): Float32Array {
    return this.sentenceVectors.row(sentenceRows(this.tables, this.rowOf(articleId)).first + index);
  }

  /** The vectors of all of an article's sentences, as one matrix (one row per sentence). */
  sentenceVectorsOf(articleId: string): Float32Array {
    const { first, count } = sentenceRows(this.tables, this.rowOf(articleId));
    return this.sentenceVectors.rows(first, first + count);
  }

  /** Every sentence vector, articles in order (a full read of the file: for evaluations on small indexes). */
  allSentenceVectors(): Float32Array {
    return this.sentenceVectors.rows(0, this.sentenceVectors.count);
  }

  /**
   * Closes the files the snapshot reads by offset (texts, postings, vectors; they are also closed when
   * it is garbage-collected); asking it for an article not yet made, a search or a vector afterwards throws.
   */
  close(): void {
    closeGeneration(this.generation);
  }

  private rowOf(articleId: string): number {
    const row = this.rowById.get(articleId);
    if (row === undefined) throw new IndexError(`No article ${articleId} in the index at ${this.dir}.`);
    return row;
  }

  private articleAt(row: number): StoredArticle {
    return this.recent.getOrAdd(row, () => {
      const alive = this.live.get(row)?.deref();
      if (alive !== undefined) return alive;
      const { article, chunks } = readArticle(this.tables, row);
      this.chunkLists.set(article, chunks);
      this.live.set(row, new WeakRef(article));
      this.forget.register(article, row);
      return article;
    });
  }

  /** Opens the live generation of an index directory. */
  static async open(indexDir: string): Promise<IndexSnapshot> {
    const dir = await currentGeneration(indexDir);
    if (dir === undefined) {
      throw new IndexError(`No index has been built in ${indexDir} yet.`, {
        hint: 'Build it from the corpus with: npm run index',
        path: indexDir,
      });
    }
    return IndexSnapshot.openGeneration(dir);
  }

  /**
   * Opens one generation directory, checking every file against the manifest's sizes and checksums
   * first (an IndexError naming the damaged file, with the command that rebuilds the index).
   */
  static async openGeneration(dir: string): Promise<IndexSnapshot> {
    return new IndexSnapshot(await readGeneration(dir));
  }
}
