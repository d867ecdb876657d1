/**
 * A loaded index generation: articles with their sentences, chunks in an HNSW vector store,
 * sentence vectors (read from disk as needed), the lexical index, and the vocabulary of the
 * indexed words (for spelling correction). Immutable once open; a rebuild produces a new one.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { Chunk, Sentence } from '../chunking/types.js';
import type { Article } from '../corpus/types.js';
import { IndexError } from '../core/errors.js';
import { LruCache } from '../core/lru-cache.js';
import { DOCSTORE_FILE, HNSW_FILE, HnswVectorStore } from './hnsw-store.js';
import { currentGeneration } from './layout.js';
import { LEXICAL_FILE, LEXICAL_POSTINGS_FILE, LexicalIndex } from './lexical-index.js';
import { digestFile } from './checksum.js';
import { MANIFEST_FILE, readManifest, REBUILD_HINT, type Manifest } from './manifest.js';
import { VectorFileReader } from './vectors-file.js';
import { Vocabulary, VOCABULARY_FILE } from './vocabulary.js';

export const ARTICLES_FILE = 'articles.json';
export const SENTENCE_VECTORS_FILE = 'sentence-vectors.f32';
/** The files of a generation besides the manifest, each with its size and checksum in the manifest. */
export const DATA_FILES = [HNSW_FILE, DOCSTORE_FILE, LEXICAL_FILE, LEXICAL_POSTINGS_FILE, VOCABULARY_FILE, SENTENCE_VECTORS_FILE, ARTICLES_FILE] as const;
/** How many chunk vectors a snapshot keeps in memory (for near-duplicate checks between passages). */
const CHUNK_VECTOR_CACHE = 8192;

/** An article as the index keeps it: its cleaned text, blocks and sentences (each with its answer `kinds`). */
export interface StoredArticle extends Article {
  sentences: Sentence[];
}

/** The metadata a chunk's document carries in the vector store. */
export type ChunkMetadata = Omit<Chunk, 'text'> & { title: string; path: string; url?: string };

export class IndexSnapshot {
  private readonly byId: Map<string, StoredArticle>;
  private readonly chunksByArticle = new Map<string, Chunk[]>();
  /** Chunk vectors read from the store lately (the store copies a vector on every read). */
  private readonly chunkVectors = new LruCache<number, Float32Array>(CHUNK_VECTOR_CACHE);
  /** Row of each article's first sentence in `sentenceVectors`. */
  private readonly sentenceBase: Map<string, number>;

  private constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    readonly articles: readonly StoredArticle[],
    readonly chunks: readonly Chunk[],
    readonly store: HnswVectorStore,
    readonly lexical: LexicalIndex,
    /** The distinct words of the indexed text with their counts. */
    readonly vocabulary: Vocabulary,
    private readonly sentenceVectors: VectorFileReader,
  ) {
    this.byId = new Map(articles.map((a) => [a.id, a]));
    for (const chunk of chunks) {
      const list = this.chunksByArticle.get(chunk.articleId);
      if (list) list.push(chunk);
      else this.chunksByArticle.set(chunk.articleId, [chunk]);
    }
    this.sentenceBase = new Map();
    let base = 0;
    for (const article of articles) {
      this.sentenceBase.set(article.id, base);
      base += article.sentences.length;
    }
  }

  get dimensions(): number {
    return this.manifest.model.dimensions;
  }

  article(id: string): StoredArticle | undefined {
    return this.byId.get(id);
  }

  /** The (normalised) vector of chunk `label`; the last CHUNK_VECTOR_CACHE read are kept. */
  chunkVector(label: number): Float32Array {
    return this.chunkVectors.getOrAdd(label, () => this.store.vector(label));
  }

  /** The chunks of an article, in order. */
  chunksOf(articleId: string): readonly Chunk[] {
    return this.chunksByArticle.get(articleId) ?? [];
  }

  /** The vector of sentence `index` of an article (read from disk unless read lately; do not modify it). */
  sentenceVector(articleId: string, index: number): Float32Array {
    return this.sentenceVectors.row(this.sentenceRow(articleId) + index);
  }

  /** The vectors of all of an article's sentences, as one matrix (one row per sentence). */
  sentenceVectorsOf(articleId: string): Float32Array {
    const base = this.sentenceRow(articleId);
    return this.sentenceVectors.rows(base, base + this.byId.get(articleId)!.sentences.length);
  }

  /** Every sentence vector, articles in order (a full read of the file: for evaluations on small indexes). */
  allSentenceVectors(): Float32Array {
    return this.sentenceVectors.rows(0, this.sentenceVectors.count);
  }

  /** Closes the sentence-vector file (it is also closed when the snapshot is garbage-collected). */
  close(): void {
    this.sentenceVectors.close();
  }

  private sentenceRow(articleId: string): number {
    const base = this.sentenceBase.get(articleId);
    if (base === undefined) throw new IndexError(`No article ${articleId} in the index at ${this.dir}.`);
    return base;
  }

  /** Opens the live generation of an index directory. */
  static async open(indexDir: string, embeddings: EmbeddingsInterface): Promise<IndexSnapshot> {
    const dir = await currentGeneration(indexDir);
    if (dir === undefined) {
      throw new IndexError(`No index has been built in ${indexDir} yet.`, {
        hint: 'Build it from the corpus with: npm run index',
        path: indexDir,
      });
    }
    return IndexSnapshot.openGeneration(dir, embeddings);
  }

  /**
   * Opens one generation directory, checking every file against the manifest's sizes and checksums
   * first (an IndexError naming the damaged file, with the command that rebuilds the index).
   */
  static async openGeneration(dir: string, embeddings: EmbeddingsInterface): Promise<IndexSnapshot> {
    const manifest = await readManifest(dir);
    try {
      await checkFiles(dir, manifest);
      const articles = await readArticles(path.join(dir, ARTICLES_FILE), manifest);
      const store = await HnswVectorStore.load(dir, embeddings);
      if (store.size !== manifest.counts.chunks) {
        throw new IndexError(`The vector store in ${dir} holds ${store.size} chunks; the manifest says ${manifest.counts.chunks}.`, {
          path: dir,
        });
      }
      shareStrings(articles, store);
      const chunks = Array.from({ length: store.size }, (_, label) => chunkOf(store, label));
      const lexical = await LexicalIndex.load(path.join(dir, LEXICAL_FILE), path.join(dir, LEXICAL_POSTINGS_FILE));
      const vocabulary = await Vocabulary.load(path.join(dir, VOCABULARY_FILE));
      const sentenceVectors = await VectorFileReader.open(path.join(dir, SENTENCE_VECTORS_FILE), manifest.counts.sentences, manifest.model.dimensions, {
        unit: true,
      });
      return new IndexSnapshot(dir, manifest, articles, chunks, store, lexical, vocabulary, sentenceVectors);
    } catch (error) {
      if (error instanceof IndexError && error.hint === undefined) {
        throw new IndexError(error.message, { path: error.path ?? dir, cause: error, hint: REBUILD_HINT });
      }
      throw error;
    }
  }
}

/**
 * Makes strings that were parsed many times from JSON one string each: a chunk's text becomes a
 * slice of its article's text (V8 keeps a slice as a reference, not a copy), and the headings,
 * titles, paths and URLs repeated on every sentence and chunk are shared. At 100k chunks this
 * took the heap from ~600 to ~360 MB.
 */
function shareStrings(articles: readonly StoredArticle[], store: HnswVectorStore): void {
  const pool = new Map<string, string>();
  const intern = <T extends string | undefined>(value: T): T => {
    if (value === undefined) return value;
    const known = pool.get(value);
    if (known !== undefined) return known as T;
    pool.set(value, value);
    return value;
  };
  const byId = new Map<string, StoredArticle>();
  for (const article of articles) {
    byId.set(intern(article.id), article);
    for (const sentence of article.sentences) if (sentence.heading !== undefined) sentence.heading = intern(sentence.heading);
    for (const block of article.blocks) block.kind = intern(block.kind);
  }
  store.shareTexts((document) => {
    const meta = document.metadata as ChunkMetadata;
    for (const key of ['title', 'path', 'url', 'heading', 'articleId'] as const) {
      if (typeof meta[key] === 'string') meta[key] = intern(meta[key]);
    }
    return byId.get(meta.articleId)?.text.slice(meta.start, meta.end);
  });
}

function chunkOf(store: HnswVectorStore, label: number): Chunk {
  const doc = store.document(label)!;
  const meta = doc.metadata as ChunkMetadata;
  return {
    id: meta.id,
    articleId: meta.articleId,
    ordinal: meta.ordinal,
    start: meta.start,
    end: meta.end,
    ...(meta.heading === undefined ? {} : { heading: meta.heading }),
    text: doc.pageContent,
    sentenceStart: meta.sentenceStart,
    sentenceEnd: meta.sentenceEnd,
    tokenCount: meta.tokenCount,
  };
}

/**
 * Checks every data file against the manifest: present, of its size, and of its SHA-256 (each file
 * read once, whole, in 1 MiB slices; see checksum.ts for the cost). The sentence vectors, read later
 * row by row, are verified here too, whole, rather than block by block as rows are read: one
 * sequential read at open (~0.66 ms per MB) buys a file known to be good for as long as it is open.
 */
export async function checkFiles(dir: string, manifest: Manifest): Promise<void> {
  const missing = DATA_FILES.filter((name) => manifest.files[name] === undefined);
  if (missing.length > 0) {
    throw new IndexError(`The index manifest in ${dir} lists no checksum for ${missing.join(', ')}.`, { path: path.join(dir, MANIFEST_FILE) });
  }
  for (const [name, expected] of Object.entries(manifest.files)) {
    const file = path.join(dir, name);
    let actual: number;
    try {
      actual = (await stat(file)).size;
    } catch (error) {
      throw new IndexError(`The index file ${file} is missing.`, { path: file, cause: error });
    }
    if (actual !== expected.bytes) {
      throw new IndexError(`The index file ${file} is damaged: ${actual} bytes, ${expected.bytes} expected.`, { path: file });
    }
  }
  const names = Object.keys(manifest.files);
  const digests = await Promise.all(names.map((name) => digestFile(path.join(dir, name))));
  names.forEach((name, i) => {
    if (digests[i]!.sha256 !== manifest.files[name]!.sha256) {
      const file = path.join(dir, name);
      throw new IndexError(`The index file ${file} is damaged: its content does not match the checksum in the manifest.`, { path: file });
    }
  });
}

async function readArticles(file: string, manifest: Manifest): Promise<StoredArticle[]> {
  let articles: unknown;
  try {
    articles = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new IndexError(`The article store ${file} is missing or damaged.`, { path: file, cause: error });
  }
  if (!Array.isArray(articles) || articles.length !== manifest.counts.articles) {
    throw new IndexError(`The article store ${file} does not match the manifest.`, { path: file });
  }
  const stored = articles as StoredArticle[];
  // Every sentence carries its answer kinds (one small integer, kept on the sentence as parsed).
  if (!stored.every((article) => article.sentences.every((sentence) => Number.isInteger(sentence.kinds)))) {
    throw new IndexError(`The article store ${file} lacks the sentences' answer kinds.`, { path: file });
  }
  return stored;
}
