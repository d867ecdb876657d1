/**
 * Opens a generation: the manifest first, then every file checked against the manifest's size and
 * SHA-256, then each read and checked against the others (JSON through its zod schema, the tables
 * for their sizes and ranges). What is held in memory: the tables (outside the JavaScript heap), the
 * HNSW graph, the lexical index's terms, offsets and lengths, and the vocabulary; the texts, the
 * lexical postings and the vectors stay on disk and are read by offset as questions need them
 * (file-reader.ts), so a generation's memory does not grow with its text. `closeGeneration` closes
 * those files.
 *
 * The files are hashed in worker threads (digest-pool.ts) while the main thread reads: nothing is
 * read before its own checksum has matched, except that the files only read by offset later
 * (texts and vectors), which are only opened here, are still being hashed while the rest is
 * parsed. The open resolves once every file has matched, so a generation that opens is verified
 * whole, as before.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { IndexError } from '../../core/errors.js';
import { digestFiles, digestThreads } from '../digest-pool.js';
import { HnswIndex } from '../hnsw-store.js';
import { LexicalIndex } from '../lexical-index.js';
import { MANIFEST_FILE, readManifest, REBUILD_HINT, type Manifest } from '../manifest.js';
import { VectorFileReader } from '../vectors-file.js';
import { Vocabulary } from '../vocabulary.js';
import type { Tables } from './records.js';
import { TextsFile } from './texts-file.js';
import {
  ARTICLE,
  ARTICLES_FILE,
  BLOCK,
  BLOCK_KINDS,
  BLOCKS_FILE,
  CATALOG_FILE,
  catalogSchema,
  CHUNK,
  CHUNK_VECTORS_FILE,
  CHUNKS_FILE,
  DATA_FILES,
  HNSW_FILE,
  LEXICAL_FILE,
  LEXICAL_POSTINGS_FILE,
  NO_HEADING,
  SENTENCE,
  SENTENCE_VECTORS_FILE,
  SENTENCES_FILE,
  TEXTS_FILE,
  VOCABULARY_FILE,
} from './schema.js';

/** Everything a generation holds, open. */
export interface Generation {
  dir: string;
  manifest: Manifest;
  tables: Tables;
  hnsw: HnswIndex;
  chunkVectors: VectorFileReader;
  sentenceVectors: VectorFileReader;
  lexical: LexicalIndex;
  vocabulary: Vocabulary;
}

/**
 * Opens one generation directory. Any damage is an IndexError naming the file, with the command
 * that rebuilds the index.
 */
export async function readGeneration(dir: string, options: VerifyOptions = {}): Promise<Generation> {
  const manifest = await readManifest(dir);
  const verification = startVerification(dir, manifest, READ_LATER, options);
  /** Files opened so far, closed again if the open fails. */
  const opened: { close(): void }[] = [];
  const keep = <T extends { close(): void }>(file: T): T => (opened.push(file), file);
  try {
    await verification.first;
    const tables = await readTables(dir, manifest);
    keep(tables.texts);
    const { counts, model } = manifest;
    const hnsw = await HnswIndex.load(path.join(dir, HNSW_FILE), counts.chunks, model.dimensions, manifest.hnsw);
    const lexicalJson = path.join(dir, LEXICAL_FILE);
    const lexical = keep(await LexicalIndex.load(lexicalJson, path.join(dir, LEXICAL_POSTINGS_FILE)));
    const vocabulary = await Vocabulary.load(path.join(dir, VOCABULARY_FILE));
    if (lexical.documentCount !== counts.chunks) throw new IndexError(`The lexical index ${lexicalJson} holds ${lexical.documentCount} chunks; the manifest says ${counts.chunks}.`, { path: lexicalJson });
    const chunkVectors = keep(await VectorFileReader.open(path.join(dir, CHUNK_VECTORS_FILE), counts.chunks, model.dimensions, { unit: true }));
    const sentenceVectors = keep(await VectorFileReader.open(path.join(dir, SENTENCE_VECTORS_FILE), counts.sentences, model.dimensions, { unit: true }));
    await verification.rest;
    return { dir, manifest, tables, hnsw, chunkVectors, sentenceVectors, lexical, vocabulary };
  } catch (error) {
    for (const file of opened) file.close();
    if (error instanceof IndexError && error.hint === undefined) {
      throw new IndexError(error.message, { path: error.path ?? dir, cause: error, hint: REBUILD_HINT });
    }
    throw error;
  } finally {
    verification.stop();
  }
}

/** Closes the files a generation reads from after its open (texts, postings, vectors). */
export function closeGeneration(generation: Generation): void {
  generation.tables.texts.close();
  generation.lexical.close();
  generation.chunkVectors.close();
  generation.sentenceVectors.close();
}

/** The files only read by offset after the open (not parsed by it): hashed last, while the others are read. */
const READ_LATER: readonly string[] = [TEXTS_FILE, CHUNK_VECTORS_FILE, SENTENCE_VECTORS_FILE];

export interface VerifyOptions {
  /** Worker threads hashing the files (0: the main thread); default: digestThreads(the generation's size). */
  digestThreads?: number;
}

interface Verification {
  /** Settles when the manifest lists every file, each has its size, and all but `last` match their checksums. */
  first: Promise<void>;
  /** Settles when the files in `last` match theirs too. */
  rest: Promise<void>;
  stop(): void;
}

/**
 * Starts checking a generation's files against its manifest (see `checkFiles`): the sizes at once,
 * then the checksums in worker threads, the files in `last` after the others. A mismatch rejects
 * with an IndexError naming the file; of several, the first in the manifest's order.
 */
function startVerification(dir: string, manifest: Manifest, last: readonly string[], options: VerifyOptions): Verification {
  let run: ReturnType<typeof digestFiles> | undefined;
  const sized = checkSizes(dir, manifest).then(() => {
    const names = Object.keys(manifest.files);
    const ordered = [...names.filter((name) => !last.includes(name)), ...names.filter((name) => last.includes(name))];
    const bytes = names.reduce((sum, name) => sum + manifest.files[name]!.bytes, 0);
    run = digestFiles(
      ordered.map((name) => path.join(dir, name)),
      options.digestThreads ?? digestThreads(bytes),
    );
    return new Map(ordered.map((name, i) => [name, run!.digests[i]!]));
  });
  const matched = async (names: (all: string[]) => string[]) => {
    const digests = await sized;
    const wanted = names([...digests.keys()]);
    const results = await Promise.allSettled(wanted.map((name) => digests.get(name)!));
    wanted.forEach((name, i) => {
      const result = results[i]!;
      const file = path.join(dir, name);
      if (result.status === 'rejected') throw new IndexError(`The index file ${file} could not be read.`, { path: file, cause: result.reason });
      if (result.value.sha256 !== manifest.files[name]!.sha256) {
        throw new IndexError(`The index file ${file} is damaged: its content does not match the checksum in the manifest.`, { path: file });
      }
    });
  };
  const first = matched((all) => all.filter((name) => !last.includes(name)));
  const rest = first.then(() => matched((all) => all.filter((name) => last.includes(name))));
  // Whoever awaits them sees the rejection; nobody may be left with an unhandled one (a failed read stops the open early).
  first.catch(() => undefined);
  rest.catch(() => undefined);
  return { first, rest, stop: () => run?.stop() };
}

/**
 * Checks every data file against the manifest: present, of its size, and of its SHA-256 (each file
 * read once, whole, in 1 MiB slices, in worker threads; see checksum.ts for the cost). The vectors,
 * read later row by row, are verified here too, whole, rather than block by block as rows are read:
 * one sequential read buys a file known to be good for as long as it is open.
 */
export async function checkFiles(dir: string, manifest: Manifest, options: VerifyOptions = {}): Promise<void> {
  const verification = startVerification(dir, manifest, [], options);
  try {
    await verification.first;
  } finally {
    verification.stop();
  }
}

/** Every data file listed in the manifest, present and of the size it gives. */
async function checkSizes(dir: string, manifest: Manifest): Promise<void> {
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
}

async function readTables(dir: string, manifest: Manifest): Promise<Tables> {
  const catalogFile = path.join(dir, CATALOG_FILE);
  const catalog = await readJson(catalogFile, catalogSchema);
  const texts = await TextsFile.open(path.join(dir, TEXTS_FILE));
  try {
    const tables: Tables = {
      catalog: catalog.articles,
      headings: catalog.headings,
      texts,
      articles: new Uint32Array(await readAligned(path.join(dir, ARTICLES_FILE))),
      blocks: new Int32Array(await readAligned(path.join(dir, BLOCKS_FILE))),
      sentences: new Int32Array(await readAligned(path.join(dir, SENTENCES_FILE))),
      chunks: new Int32Array(await readAligned(path.join(dir, CHUNKS_FILE))),
    };
    const problem = tablesProblem(tables, manifest);
    if (problem !== undefined) throw new IndexError(`The index in ${dir} is inconsistent: ${problem}.`, { path: dir });
    return tables;
  } catch (error) {
    texts.close();
    throw error;
  }
}

/** What is wrong with the tables (sizes, ranges, order), or undefined. A linear pass over them. */
function tablesProblem(t: Tables, manifest: Manifest): string | undefined {
  const { counts } = manifest;
  if (t.catalog.length !== counts.articles) return `${CATALOG_FILE} lists ${t.catalog.length} articles, the manifest ${counts.articles}`;
  for (const [file, table, width, rows] of [
    [ARTICLES_FILE, t.articles, ARTICLE.width, counts.articles],
    [SENTENCES_FILE, t.sentences, SENTENCE.width, counts.sentences],
    [CHUNKS_FILE, t.chunks, CHUNK.width, counts.chunks],
  ] as const) {
    if (table.length !== rows * width) return `${file} holds ${table.length} values, ${rows * width} expected (${rows} rows of ${width})`;
  }
  if (t.blocks.length % BLOCK.width !== 0) return `${BLOCKS_FILE} is not whole rows`;
  const ends = { textEnd: t.texts.bytes, blockEnd: t.blocks.length / BLOCK.width, sentenceEnd: counts.sentences, chunkEnd: counts.chunks };
  const pairs = [
    ['textStart', 'textEnd'],
    ['blockStart', 'blockEnd'],
    ['sentenceStart', 'sentenceEnd'],
    ['chunkStart', 'chunkEnd'],
  ] as const;
  for (let row = 0; row < counts.articles; row++) {
    const a = row * ARTICLE.width;
    for (const [from, to] of pairs) {
      const start = t.articles[a + ARTICLE[from]]!;
      const end = t.articles[a + ARTICLE[to]]!;
      const previousEnd = row === 0 ? 0 : t.articles[a - ARTICLE.width + ARTICLE[to]]!;
      if (start !== previousEnd || end < start || end > ends[to]) return `${ARTICLES_FILE} row ${row}: ${from}–${to} ${start}–${end} out of order`;
    }
    const entry = manifest.articles[t.catalog[row]!.id];
    const sentences = t.articles[a + ARTICLE.sentenceEnd]! - t.articles[a + ARTICLE.sentenceStart]!;
    const chunks = t.articles[a + ARTICLE.chunkEnd]! - t.articles[a + ARTICLE.chunkStart]!;
    if (entry === undefined || entry.sentences !== sentences || entry.chunks !== chunks) return `article ${t.catalog[row]!.id} does not match the manifest`;
  }
  if (t.articles.length > 0 && t.articles[t.articles.length - ARTICLE.width + ARTICLE.textEnd] !== t.texts.bytes) return `${TEXTS_FILE} has bytes no article uses`;
  const heading = (id: number) => id === NO_HEADING || (id >= 0 && id < t.headings.length);
  for (let r = 0; r < t.blocks.length; r += BLOCK.width) {
    if (!(t.blocks[r]! >= 0 && t.blocks[r]! < BLOCK_KINDS.length)) return `${BLOCKS_FILE} row ${r / BLOCK.width} has an unknown kind`;
    if (!(t.blocks[r + BLOCK.start]! >= 0 && t.blocks[r + BLOCK.start]! <= t.blocks[r + BLOCK.end]!)) return `${BLOCKS_FILE} row ${r / BLOCK.width} is not a range`;
  }
  for (let r = 0; r < t.sentences.length; r += SENTENCE.width) {
    if (!(t.sentences[r + SENTENCE.start]! >= 0 && t.sentences[r + SENTENCE.start]! <= t.sentences[r + SENTENCE.end]!) || !heading(t.sentences[r + SENTENCE.heading]!)) {
      return `${SENTENCES_FILE} row ${r / SENTENCE.width} is damaged`;
    }
  }
  for (let label = 0; label < counts.chunks; label++) {
    const r = label * CHUNK.width;
    const row = t.chunks[r + CHUNK.article]!;
    const a = row * ARTICLE.width;
    const inArticle = row >= 0 && row < counts.articles && label >= t.articles[a + ARTICLE.chunkStart]! && label < t.articles[a + ARTICLE.chunkEnd]!;
    const sentences = inArticle ? t.articles[a + ARTICLE.sentenceEnd]! - t.articles[a + ARTICLE.sentenceStart]! : 0;
    const c = (column: number) => t.chunks[r + column]!;
    if (!inArticle || c(CHUNK.start) < 0 || c(CHUNK.start) > c(CHUNK.end) || c(CHUNK.sentenceStart) < 0 || c(CHUNK.sentenceEnd) > sentences || !heading(c(CHUNK.heading))) {
      return `${CHUNKS_FILE} row ${label} is damaged`;
    }
  }
  return undefined;
}

async function readBinary(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new IndexError(`The index file ${file} is missing or unreadable.`, { path: file, cause: error });
  }
}

/** A file's bytes in an ArrayBuffer of their own (so typed arrays of 4-byte values can view it). */
async function readAligned(file: string): Promise<ArrayBuffer> {
  const bytes = await readBinary(file);
  if (bytes.byteLength % 4 !== 0) throw new IndexError(`The index file ${file} is not whole 4-byte values.`, { path: file });
  return new Uint8Array(bytes).buffer;
}

/** A JSON file of the generation, parsed and checked against its schema. */
export async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new IndexError(`The index file ${file} is missing or damaged.`, { path: file, cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new IndexError(`The index file ${file} is incomplete or damaged${where ? ` (at ${where})` : ''}.`, { path: file });
  }
  return parsed.data;
}
