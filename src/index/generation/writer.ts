/**
 * Writes a generation: the typed tables, the texts, the vectors, the HNSW index, the lexical index
 * and the vocabulary (schema.ts lists the files), then the manifest with every file's size and
 * SHA-256, read back from disk, last.
 */
import { open, stat, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Chunk } from '../../chunking/types.js';
import type { ArticleMeta } from '../../corpus/types.js';
import { IndexError } from '../../core/errors.js';
import type { FileDigest } from '../checksum.js';
import { digestFiles, digestThreads } from '../digest-pool.js';
import { HnswIndex, type HnswBuilder } from '../hnsw-store.js';
import { LexicalIndex, type LexicalBuilder } from '../lexical-index.js';
import { FORMAT_VERSION, writeManifest, type Manifest } from '../manifest.js';
import { Vocabulary, type VocabularyBuilder } from '../vocabulary.js';
import { passageDigest, type StoredArticle } from './records.js';
import {
  ARTICLE,
  ARTICLES_FILE,
  BLOCK,
  BLOCK_KINDS,
  BLOCKS_FILE,
  CATALOG_FILE,
  CHUNK,
  CHUNK_VECTORS_FILE,
  CHUNKS_FILE,
  DATA_FILES,
  LEXICAL_FILE,
  LEXICAL_POSTINGS_FILE,
  NO_HEADING,
  SENTENCE,
  SENTENCE_VECTORS_FILE,
  SENTENCES_FILE,
  TEXTS_FILE,
  VOCABULARY_FILE,
  HNSW_FILE,
  type Catalog,
} from './schema.js';

export interface GenerationContent {
  /** The articles in order, each with its chunks in order (chunk labels follow this order). */
  articles: readonly { article: StoredArticle; chunks: readonly Chunk[] }[];
  /** One per chunk, in label order. */
  chunkVectors: readonly Float32Array[];
  /** One per sentence, articles in order. */
  sentenceVectors: readonly Float32Array[];
}

/** What the manifest says besides what the writer counts and measures. */
export type GenerationSettings = Pick<Manifest, 'pipelineVersion' | 'sentenceVectors' | 'model' | 'chunking' | 'hnsw' | 'warnings'>;

/** Writes every file of a generation into `dir` (empty), the manifest last; returns the manifest. */
export async function writeGeneration(dir: string, content: GenerationContent, settings: GenerationSettings, started: number): Promise<Manifest> {
  const writer = await GenerationWriter.open(dir, settings, content.articles.reduce((n, entry) => n + entry.chunks.length, 0));
  try {
    let chunkRow = 0;
    let sentenceRow = 0;
    for (const { article, chunks } of content.articles) {
      const chunkVectors = content.chunkVectors.slice(chunkRow, (chunkRow += chunks.length));
      const sentenceVectors = content.sentenceVectors.slice(sentenceRow, (sentenceRow += article.sentences.length));
      await writer.append(article, chunks, chunkVectors, sentenceVectors);
    }
    return await writer.finish(started);
  } finally {
    await writer.close();
  }
}

/** An open file written front to back. */
class Appender {
  private constructor(private readonly handle: FileHandle) {}

  static async open(file: string): Promise<Appender> {
    return new Appender(await open(file, 'w'));
  }

  async append(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, at, bytes.length - at);
      at += bytesWritten;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

function bytesOf(table: Uint32Array | Int32Array | Float32Array): Uint8Array {
  return new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
}

/**
 * A generation written article by article (a streaming build): texts.bin, the tables and the
 * vector files are appended to as each article comes; the HNSW graph (sized for `chunkCount`
 * chunks up front), the lexical postings and the word counts grow in memory; `finish` writes them,
 * catalog.json, and the manifest last. Holds no article's text after its `append`.
 */
export class GenerationWriter {
  private readonly headings = new Map<string, number>();
  private readonly metas: ArticleMeta[] = [];
  private readonly entries: Manifest['articles'] = {};
  private readonly row = { bytes: 0, block: 0, sentence: 0, chunk: 0 };
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly settings: GenerationSettings,
    private readonly chunkCount: number,
    private readonly files: Record<'texts' | 'articles' | 'blocks' | 'sentences' | 'chunks' | 'chunkVectors' | 'sentenceVectors', Appender>,
    private readonly hnsw: HnswBuilder,
    private readonly lexical: LexicalBuilder,
    private readonly vocabulary: VocabularyBuilder,
  ) {}

  /** Opens the appended files in `dir` for a generation of `chunkCount` chunks in all. */
  static async open(dir: string, settings: GenerationSettings, chunkCount: number): Promise<GenerationWriter> {
    const names = {
      texts: TEXTS_FILE,
      articles: ARTICLES_FILE,
      blocks: BLOCKS_FILE,
      sentences: SENTENCES_FILE,
      chunks: CHUNKS_FILE,
      chunkVectors: CHUNK_VECTORS_FILE,
      sentenceVectors: SENTENCE_VECTORS_FILE,
    } as const;
    const opened: Partial<Record<keyof typeof names, Appender>> = {};
    try {
      for (const key of Object.keys(names) as (keyof typeof names)[]) opened[key] = await Appender.open(path.join(dir, names[key]));
    } catch (error) {
      await Promise.all(Object.values(opened).map((file) => file.close().catch(() => undefined)));
      throw error;
    }
    const files = opened as Record<keyof typeof names, Appender>;
    const { dimensions } = settings.model;
    return new GenerationWriter(dir, settings, chunkCount, files, HnswIndex.builder(chunkCount, dimensions, settings.hnsw), LexicalIndex.builder(chunkCount), Vocabulary.builder());
  }

  private headingId(heading: string | undefined): number {
    if (heading === undefined) return NO_HEADING;
    let id = this.headings.get(heading);
    if (id === undefined) this.headings.set(heading, (id = this.headings.size));
    return id;
  }

  /** The next article: its text and records, and its chunks' and sentences' vectors (one per chunk, one per sentence). */
  async append(article: StoredArticle, chunks: readonly Chunk[], chunkVectors: readonly Float32Array[], sentenceVectors: readonly Float32Array[]): Promise<void> {
    const { dimensions } = this.settings.model;
    const index = this.metas.length;
    if (chunkVectors.length !== chunks.length || sentenceVectors.length !== article.sentences.length) {
      throw new IndexError(`Article ${article.id} came with ${chunkVectors.length} chunk and ${sentenceVectors.length} sentence vectors for ${chunks.length} chunks and ${article.sentences.length} sentences.`);
    }
    if (this.row.chunk + chunks.length > this.chunkCount) throw new IndexError(`More chunks than the ${this.chunkCount} this generation was opened for.`);
    const bytes = Buffer.from(article.text, 'utf8');
    // A lone surrogate would not survive UTF-8: refuse rather than store a different text.
    if (bytes.toString('utf8') !== article.text) throw new IndexError(`The text of article ${article.id} is not well-formed Unicode; it cannot be indexed.`);
    const row = new Uint32Array(ARTICLE.width);
    row[ARTICLE.textStart] = this.row.bytes;
    row[ARTICLE.blockStart] = this.row.block;
    row[ARTICLE.sentenceStart] = this.row.sentence;
    row[ARTICLE.chunkStart] = this.row.chunk;
    const blocks = new Int32Array(article.blocks.length * BLOCK.width);
    article.blocks.forEach((block, i) => blocks.set([BLOCK_KINDS.indexOf(block.kind), block.start, block.end], i * BLOCK.width));
    const sentences = new Int32Array(article.sentences.length * SENTENCE.width);
    article.sentences.forEach((sentence, i) => {
      if (sentence.index !== i) throw new IndexError(`Sentence ${i} of article ${article.id} has index ${sentence.index}.`);
      sentences.set([sentence.start, sentence.end, sentence.kinds ?? 0, this.headingId(sentence.heading)], i * SENTENCE.width);
    });
    const chunkRows = new Int32Array(chunks.length * CHUNK.width);
    chunks.forEach((chunk, i) => {
      const digest = passageDigest(chunk.text);
      const values = [index, chunk.ordinal, chunk.start, chunk.end, chunk.sentenceStart, chunk.sentenceEnd, chunk.tokenCount, this.headingId(chunk.heading), digest];
      chunkRows.set(values, i * CHUNK.width);
    });
    // As the HNSW index holds them (normalised once more): what the engine compares passages with.
    const stored = new Float32Array(chunks.length * dimensions);
    chunkVectors.forEach((vector, i) => stored.set(this.hnsw.add(vector), i * dimensions));
    const sentenceRows = new Float32Array(sentenceVectors.length * dimensions);
    sentenceVectors.forEach((vector, i) => sentenceRows.set(vector, i * dimensions));
    for (const chunk of chunks) this.lexical.add({ title: article.title, heading: chunk.heading ?? '', text: chunk.text });
    // Counted over the articles (each title once), not the chunks, which repeat titles and overlap.
    this.vocabulary.add(article.title);
    this.vocabulary.add(article.text);

    this.row.bytes += bytes.length;
    this.row.block += article.blocks.length;
    this.row.sentence += article.sentences.length;
    this.row.chunk += chunks.length;
    row[ARTICLE.textEnd] = this.row.bytes;
    row[ARTICLE.blockEnd] = this.row.block;
    row[ARTICLE.sentenceEnd] = this.row.sentence;
    row[ARTICLE.chunkEnd] = this.row.chunk;
    await this.files.texts.append(bytes);
    await this.files.articles.append(bytesOf(row));
    await this.files.blocks.append(bytesOf(blocks));
    await this.files.sentences.append(bytesOf(sentences));
    await this.files.chunks.append(bytesOf(chunkRows));
    await this.files.chunkVectors.append(bytesOf(stored));
    await this.files.sentenceVectors.append(bytesOf(sentenceRows));
    this.metas.push(metaOf(article));
    this.entries[article.id] = { path: article.path, title: article.title, contentHash: article.contentHash, chunks: chunks.length, sentences: article.sentences.length };
  }

  /** Closes the appended files, writes the HNSW index, the lexical index, the vocabulary, catalog.json and the manifest (last). */
  async finish(started: number): Promise<Manifest> {
    await this.close();
    if (this.row.chunk !== this.chunkCount) throw new IndexError(`${this.row.chunk} chunks written; ${this.chunkCount} expected.`);
    const dir = this.dir;
    const hnsw = this.hnsw.finish();
    await hnsw.save(path.join(dir, HNSW_FILE));
    await this.lexical.finish().save(path.join(dir, LEXICAL_FILE), path.join(dir, LEXICAL_POSTINGS_FILE));
    await this.vocabulary.finish().save(path.join(dir, VOCABULARY_FILE));
    const catalog: Catalog = { articles: this.metas, headings: [...this.headings.keys()] };
    await writeFile(path.join(dir, CATALOG_FILE), JSON.stringify(catalog));

    const counts = { articles: this.metas.length, chunks: hnsw.size, sentences: this.row.sentence };
    // Each file's size and SHA-256, read back from disk: what a reader will verify before using it.
    const sizes = await Promise.all(DATA_FILES.map(async (name) => (await stat(path.join(dir, name))).size));
    const hashing = digestFiles(
      DATA_FILES.map((name) => path.join(dir, name)),
      digestThreads(sizes.reduce((sum, size) => sum + size, 0)),
    );
    const digests = await Promise.all(hashing.digests).finally(() => hashing.stop());
    const files: Record<string, FileDigest> = Object.fromEntries(DATA_FILES.map((name, i) => [name, digests[i]!]));
    return writeManifest(dir, {
      formatVersion: FORMAT_VERSION,
      ...this.settings,
      articles: this.entries,
      counts,
      files,
      builtAt: new Date().toISOString(),
      buildMs: Math.round(performance.now() - started),
    });
  }

  /** Closes the appended files (again: nothing). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const results = await Promise.allSettled(Object.values(this.files).map((file) => file.close()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** The article's metadata only (an article object may carry its text, blocks and sentences too). */
function metaOf(article: ArticleMeta): ArticleMeta {
  const meta: ArticleMeta = { id: article.id, path: article.path, title: article.title, contentHash: article.contentHash };
  for (const key of ['source', 'url', 'published', 'author'] as const) {
    const value = article[key];
    if (value !== undefined) meta[key] = value;
  }
  return meta;
}
