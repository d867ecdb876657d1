/**
 * Reads a file generation's lexical index (lexical.json and lexical.bin, laid out as lexical-index.ts
 * writes them) as postings per chunk, so the PostgreSQL store holds the very BM25 postings, lengths
 * and document frequencies the file store scores with.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { IndexError } from '../../core/errors.js';
import { readJson } from '../generation/reader.js';
import { LEXICAL_FILE, LEXICAL_POSTINGS_FILE, lexicalHeaderSchema, VOCABULARY_FILE, vocabularySchema } from '../generation/schema.js';

/** The lexical statistics a generation keeps in the database (and a store holds in memory). */
export interface LexicalStatistics {
  documentCount: number;
  averageLength: number;
  terms: string[];
  /** Document frequency of `terms[i]`. */
  df: number[];
}

export interface LexicalFile {
  statistics: LexicalStatistics;
  /** BM25 length of chunk `label`. */
  lengths: Float32Array;
  /** The postings of chunk `label`: term ids and boosted frequencies in tenths, for the labels `wanted` holds. */
  postingsOf(label: number): { terms: number[]; tfs: number[] };
}

/** Reads the postings of a generation directory, keeping those of the chunks `wanted(label)` says. */
export async function readLexicalFile(dir: string, wanted: (label: number) => boolean): Promise<LexicalFile> {
  const header = await readJson(path.join(dir, LEXICAL_FILE), lexicalHeaderSchema);
  const binFile = path.join(dir, LEXICAL_POSTINGS_FILE);
  const bytes = await readFile(binFile);
  const { documentCount: n, postings: p, terms } = header;
  const t = terms.length;
  if (bytes.byteLength !== 4 * (t + 1) + 4 * p + 4 * n + 2 * p) {
    throw new IndexError(`The lexical index ${binFile} does not match ${LEXICAL_FILE}.`, { path: binFile });
  }
  const buffer = new Uint8Array(bytes).buffer;
  const offsets = new Uint32Array(buffer, 0, t + 1);
  const docs = new Uint32Array(buffer, 4 * (t + 1), p);
  const lengths = new Float32Array(buffer, 4 * (t + 1 + p), n);
  const tfs = new Uint16Array(buffer, 4 * (t + 1 + p + n), p);
  const byLabel = new Map<number, { terms: number[]; tfs: number[] }>();
  const df: number[] = new Array<number>(t);
  for (let term = 0; term < t; term++) {
    df[term] = offsets[term + 1]! - offsets[term]!;
    for (let at = offsets[term]!; at < offsets[term + 1]!; at++) {
      const label = docs[at]!;
      if (!wanted(label)) continue;
      let list = byLabel.get(label);
      if (list === undefined) byLabel.set(label, (list = { terms: [], tfs: [] }));
      list.terms.push(term);
      list.tfs.push(tfs[at]!);
    }
  }
  return {
    statistics: { documentCount: n, averageLength: header.averageLength, terms, df },
    lengths,
    postingsOf: (label) => byLabel.get(label) ?? { terms: [], tfs: [] },
  };
}

/** A generation's vocabulary (words and counts) as vocabulary.json holds it. */
export async function readVocabularyFile(dir: string): Promise<{ words: string[]; counts: number[] }> {
  return readJson(path.join(dir, VOCABULARY_FILE), vocabularySchema);
}
