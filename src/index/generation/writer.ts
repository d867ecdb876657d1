/**
 * Writes a generation: the typed tables, the texts, the vectors, the HNSW index, the lexical index
 * and the vocabulary (schema.ts lists the files), then the manifest with every file's size and
 * SHA-256, read back from disk, last.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Chunk } from '../../chunking/types.js';
import type { ArticleMeta } from '../../corpus/types.js';
import { IndexError } from '../../core/errors.js';
import { digestFile, type FileDigest } from '../checksum.js';
import { HnswIndex } from '../hnsw-store.js';
import { LexicalIndex } from '../lexical-index.js';
import { FORMAT_VERSION, writeManifest, type Manifest } from '../manifest.js';
import { writeVectors } from '../vectors-file.js';
import { Vocabulary } from '../vocabulary.js';
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
export type GenerationSettings = Pick<Manifest, 'pipelineVersion' | 'sentenceVectors' | 'model' | 'chunking' | 'hnsw'>;

/** Writes every file of a generation into `dir` (empty), the manifest last; returns the manifest. */
export async function writeGeneration(dir: string, content: GenerationContent, settings: GenerationSettings, started: number): Promise<Manifest> {
  const { dimensions } = settings.model;
  const hnsw = HnswIndex.build(content.chunkVectors, dimensions, settings.hnsw);
  await hnsw.save(path.join(dir, HNSW_FILE));
  // As the HNSW index holds them (normalised once more): what the engine compares passages with.
  const chunkVectors = Array.from({ length: hnsw.size }, (_, label) => hnsw.vector(label));
  await writeVectors(path.join(dir, CHUNK_VECTORS_FILE), chunkVectors, dimensions);
  await writeVectors(path.join(dir, SENTENCE_VECTORS_FILE), content.sentenceVectors, dimensions);
  await writeTables(dir, content);

  const lexical = LexicalIndex.build(
    content.articles.flatMap(({ article, chunks }) => chunks.map((chunk) => ({ title: article.title, heading: chunk.heading ?? '', text: chunk.text }))),
  );
  await lexical.save(path.join(dir, LEXICAL_FILE), path.join(dir, LEXICAL_POSTINGS_FILE));
  // Counted over the articles (each title once), not the chunks, which repeat titles and overlap.
  const vocabulary = Vocabulary.build(content.articles.flatMap(({ article }) => [article.title, article.text]));
  await vocabulary.save(path.join(dir, VOCABULARY_FILE));

  const counts = { articles: content.articles.length, chunks: hnsw.size, sentences: content.sentenceVectors.length };
  // Each file's size and SHA-256, read back from disk: what a reader will verify before using it.
  const digests = await Promise.all(DATA_FILES.map((name) => digestFile(path.join(dir, name))));
  const files: Record<string, FileDigest> = Object.fromEntries(DATA_FILES.map((name, i) => [name, digests[i]!]));
  return writeManifest(dir, {
    formatVersion: FORMAT_VERSION,
    ...settings,
    articles: Object.fromEntries(
      content.articles.map(({ article, chunks }) => [
        article.id,
        { path: article.path, title: article.title, contentHash: article.contentHash, chunks: chunks.length, sentences: article.sentences.length },
      ]),
    ),
    counts,
    files,
    builtAt: new Date().toISOString(),
    buildMs: Math.round(performance.now() - started),
  });
}

/** catalog.json, texts.bin and the tables of articles, blocks, sentences and chunks. */
async function writeTables(dir: string, content: GenerationContent): Promise<void> {
  const list = content.articles;
  const sum = (f: (entry: (typeof list)[number]) => number) => list.reduce((n, entry) => n + f(entry), 0);
  const articles = new Uint32Array(list.length * ARTICLE.width);
  const blocks = new Int32Array(sum((e) => e.article.blocks.length) * BLOCK.width);
  const sentences = new Int32Array(sum((e) => e.article.sentences.length) * SENTENCE.width);
  const chunks = new Int32Array(sum((e) => e.chunks.length) * CHUNK.width);
  const headings = new Map<string, number>();
  const headingId = (heading: string | undefined) => {
    if (heading === undefined) return NO_HEADING;
    let id = headings.get(heading);
    if (id === undefined) headings.set(heading, (id = headings.size));
    return id;
  };
  const texts: Buffer[] = [];
  const row = { bytes: 0, block: 0, sentence: 0, chunk: 0 };
  list.forEach(({ article, chunks: articleChunks }, index) => {
    const bytes = Buffer.from(article.text, 'utf8');
    // A lone surrogate would not survive UTF-8: refuse rather than store a different text.
    if (bytes.toString('utf8') !== article.text) throw new IndexError(`The text of article ${article.id} is not well-formed Unicode; it cannot be indexed.`);
    texts.push(bytes);
    const a = index * ARTICLE.width;
    articles[a + ARTICLE.textStart] = row.bytes;
    articles[a + ARTICLE.blockStart] = row.block;
    articles[a + ARTICLE.sentenceStart] = row.sentence;
    articles[a + ARTICLE.chunkStart] = row.chunk;
    row.bytes += bytes.length;
    for (const block of article.blocks) {
      blocks.set([BLOCK_KINDS.indexOf(block.kind), block.start, block.end], row.block++ * BLOCK.width);
    }
    article.sentences.forEach((sentence, i) => {
      if (sentence.index !== i) throw new IndexError(`Sentence ${i} of article ${article.id} has index ${sentence.index}.`);
      sentences.set([sentence.start, sentence.end, sentence.kinds ?? 0, headingId(sentence.heading)], row.sentence++ * SENTENCE.width);
    });
    for (const chunk of articleChunks) {
      const digest = passageDigest(chunk.text);
      const values = [index, chunk.ordinal, chunk.start, chunk.end, chunk.sentenceStart, chunk.sentenceEnd, chunk.tokenCount, headingId(chunk.heading), digest];
      chunks.set(values, row.chunk++ * CHUNK.width);
    }
    articles[a + ARTICLE.textEnd] = row.bytes;
    articles[a + ARTICLE.blockEnd] = row.block;
    articles[a + ARTICLE.sentenceEnd] = row.sentence;
    articles[a + ARTICLE.chunkEnd] = row.chunk;
  });
  const catalog: Catalog = { articles: list.map(({ article }) => metaOf(article)), headings: [...headings.keys()] };
  await writeFile(path.join(dir, CATALOG_FILE), JSON.stringify(catalog));
  await writeFile(path.join(dir, TEXTS_FILE), Buffer.concat(texts));
  await writeTable(path.join(dir, ARTICLES_FILE), articles);
  await writeTable(path.join(dir, BLOCKS_FILE), blocks);
  await writeTable(path.join(dir, SENTENCES_FILE), sentences);
  await writeTable(path.join(dir, CHUNKS_FILE), chunks);
}

function writeTable(file: string, table: Uint32Array | Int32Array): Promise<void> {
  return writeFile(file, new Uint8Array(table.buffer, table.byteOffset, table.byteLength));
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
