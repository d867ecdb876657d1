/**
 * The articles, sentences and chunks of a generation as the engine uses them (`StoredArticle`,
 * `Sentence`, `Chunk`), made from the typed tables one article at a time, when asked for.
 */
import { createHash } from 'node:crypto';
import type { Chunk, Sentence } from '../../chunking/types.js';
import type { Article, ArticleMeta, Block } from '../../corpus/types.js';
import { ARTICLE, BLOCK, BLOCK_KINDS, CHUNK, NO_HEADING, SENTENCE } from './schema.js';
import type { TextsFile } from './texts-file.js';

/** An article as the index keeps it: its cleaned text, blocks and sentences (each with its answer `kinds`). */
export interface StoredArticle extends Article {
  sentences: Sentence[];
}

/** The typed tables of a generation (see schema.ts for their columns). */
export interface Tables {
  catalog: readonly ArticleMeta[];
  headings: readonly string[];
  /** texts.bin: the articles' texts, UTF-8, read by byte range. */
  texts: TextsFile;
  articles: Uint32Array;
  blocks: Int32Array;
  sentences: Int32Array;
  chunks: Int32Array;
}

/** An article with its chunks, in order. */
export interface ArticleRecord {
  article: StoredArticle;
  chunks: Chunk[];
}

/** Article `row` of the tables, with its text, blocks, sentences and chunks. */
export function readArticle(tables: Tables, row: number): ArticleRecord {
  const a = row * ARTICLE.width;
  const at = (column: number) => tables.articles[a + column]!;
  const meta = tables.catalog[row]!;
  const text = tables.texts.text(at(ARTICLE.textStart), at(ARTICLE.textEnd));
  const heading = (id: number) => (id === NO_HEADING ? undefined : tables.headings[id]);

  const blocks: Block[] = [];
  for (let b = at(ARTICLE.blockStart); b < at(ARTICLE.blockEnd); b++) {
    const r = b * BLOCK.width;
    blocks.push({ kind: BLOCK_KINDS[tables.blocks[r + BLOCK.kind]!]!, start: tables.blocks[r + BLOCK.start]!, end: tables.blocks[r + BLOCK.end]! });
  }
  const sentences: Sentence[] = [];
  const firstSentence = at(ARTICLE.sentenceStart);
  for (let s = firstSentence; s < at(ARTICLE.sentenceEnd); s++) {
    const r = s * SENTENCE.width;
    const sentence: Sentence = { start: tables.sentences[r + SENTENCE.start]!, end: tables.sentences[r + SENTENCE.end]!, index: s - firstSentence };
    const h = heading(tables.sentences[r + SENTENCE.heading]!);
    if (h !== undefined) sentence.heading = h;
    sentence.kinds = tables.sentences[r + SENTENCE.kinds]!;
    sentences.push(sentence);
  }
  const chunks: Chunk[] = [];
  for (let label = at(ARTICLE.chunkStart); label < at(ARTICLE.chunkEnd); label++) {
    const r = label * CHUNK.width;
    const column = (c: number) => tables.chunks[r + c]!;
    const ordinal = column(CHUNK.ordinal);
    const start = column(CHUNK.start);
    const end = column(CHUNK.end);
    const h = heading(column(CHUNK.heading));
    chunks.push({
      id: `${meta.id}#${ordinal}`,
      articleId: meta.id,
      ordinal,
      start,
      end,
      ...(h === undefined ? {} : { heading: h }),
      text: text.slice(start, end),
      sentenceStart: column(CHUNK.sentenceStart),
      sentenceEnd: column(CHUNK.sentenceEnd),
      tokenCount: column(CHUNK.tokenCount),
    });
  }
  return { article: { ...meta, text, blocks, sentences }, chunks };
}

/** The row of the article that holds chunk `label`. */
export function articleOfChunk(tables: Tables, label: number): number {
  return tables.chunks[label * CHUNK.width + CHUNK.article]!;
}

/** The row in sentence-vectors.f32 of article `row`'s first sentence, and how many it has. */
export function sentenceRows(tables: Tables, row: number): { first: number; count: number } {
  const first = tables.articles[row * ARTICLE.width + ARTICLE.sentenceStart]!;
  return { first, count: tables.articles[row * ARTICLE.width + ARTICLE.sentenceEnd]! - first };
}

/** The label of article `row`'s first chunk, and how many it has. */
export function chunkLabels(tables: Tables, row: number): { first: number; count: number } {
  const first = tables.articles[row * ARTICLE.width + ARTICLE.chunkStart]!;
  return { first, count: tables.articles[row * ARTICLE.width + ARTICLE.chunkEnd]! - first };
}

/** A passage's text digest as chunks.bin keeps it: the first 4 bytes of its SHA-256, as an int32. */
export function passageDigest(text: string): number {
  return createHash('sha256').update(text).digest().readInt32LE(0);
}

/** Whether chunk `label`'s text is the text it was built from (its digest in chunks.bin). */
export function passageIntact(tables: Tables, label: number, text: string): boolean {
  return tables.chunks[label * CHUNK.width + CHUNK.digest] === passageDigest(text);
}
