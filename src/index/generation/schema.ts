/**
 * The files of an index generation, and the zod schemas every JSON file of it is read through.
 *
 * A generation directory holds (all little-endian; "char" offsets are UTF-16 code units of an
 * article's text, as `Span` everywhere else in Verbatim):
 *
 *   manifest.json        what built it, what it holds, every other file's size and SHA-256, its own checksum (written last)
 *   catalog.json         per article, in article order: id, path, title, outlet, url, date, author, content hash;
 *                        and the table of section headings the sentences and chunks refer to
 *   texts.bin            the articles' cleaned texts, UTF-8, one after another (no separators)
 *   articles.bin         u32 × 8 per article: its text's byte range in texts.bin, and its rows in blocks.bin,
 *                        sentences.bin and chunks.bin (each [from, to); consecutive articles' ranges touch)
 *   blocks.bin           i32 × 3 per block: kind (BLOCK_KINDS), start, end (chars into the article's text)
 *   sentences.bin        i32 × 4 per sentence: start, end (chars), answer kinds (bit set), heading (row of
 *                        catalog.headings, -1 for none); a sentence's index is its row minus its article's first
 *   chunks.bin           i32 × 9 per chunk (row = HNSW label): article (row of articles.bin), ordinal, start,
 *                        end (chars), sentenceStart, sentenceEnd, token count, heading (as for sentences), and
 *                        the digest of its text (passageDigest: a second witness of the text, see verify-quotes.ts)
 *   chunk-vectors.f32    one unit vector per chunk (float32 × dimensions, row = label), as the HNSW index holds it
 *   sentence-vectors.f32 one unit vector per sentence, articles in order
 *   hnsw.bin             hnswlib's HierarchicalNSW (cosine): labels → vectors, nothing else
 *   lexical.json/.bin    the BM25 inverted index (lexical-index.ts)
 *   vocabulary.json      the distinct words with their counts (vocabulary.ts)
 *
 * No text is stored twice: a chunk's or sentence's text is a range of its article's text.
 */
import { z } from 'zod';
import { SENTENCE_VECTOR_KINDS } from '../../core/config.js';
import type { Block } from '../../corpus/types.js';

export const CATALOG_FILE = 'catalog.json';
export const TEXTS_FILE = 'texts.bin';
export const ARTICLES_FILE = 'articles.bin';
export const BLOCKS_FILE = 'blocks.bin';
export const SENTENCES_FILE = 'sentences.bin';
export const CHUNKS_FILE = 'chunks.bin';
export const CHUNK_VECTORS_FILE = 'chunk-vectors.f32';
export const SENTENCE_VECTORS_FILE = 'sentence-vectors.f32';
export const HNSW_FILE = 'hnsw.bin';
export const LEXICAL_FILE = 'lexical.json';
export const LEXICAL_POSTINGS_FILE = 'lexical.bin';
export const VOCABULARY_FILE = 'vocabulary.json';

/** The files of a generation besides the manifest, each with its size and checksum in the manifest. */
export const DATA_FILES = [
  CATALOG_FILE,
  TEXTS_FILE,
  ARTICLES_FILE,
  BLOCKS_FILE,
  SENTENCES_FILE,
  CHUNKS_FILE,
  CHUNK_VECTORS_FILE,
  SENTENCE_VECTORS_FILE,
  HNSW_FILE,
  LEXICAL_FILE,
  LEXICAL_POSTINGS_FILE,
  VOCABULARY_FILE,
] as const;

/** Columns of one row of articles.bin (u32). */
export const ARTICLE = { textStart: 0, textEnd: 1, blockStart: 2, blockEnd: 3, sentenceStart: 4, sentenceEnd: 5, chunkStart: 6, chunkEnd: 7, width: 8 } as const;
/** Columns of one row of blocks.bin (i32). */
export const BLOCK = { kind: 0, start: 1, end: 2, width: 3 } as const;
/** Columns of one row of sentences.bin (i32). */
export const SENTENCE = { start: 0, end: 1, kinds: 2, heading: 3, width: 4 } as const;
/** Columns of one row of chunks.bin (i32). */
export const CHUNK = { article: 0, ordinal: 1, start: 2, end: 3, sentenceStart: 4, sentenceEnd: 5, tokenCount: 6, heading: 7, digest: 8, width: 9 } as const;
/** A block's kind by its code in blocks.bin. */
export const BLOCK_KINDS: readonly Block['kind'][] = ['heading', 'paragraph', 'item', 'row'];
/** The heading column's value for "no heading". */
export const NO_HEADING = -1;

const count = z.number().int().nonnegative();

/** Any JSON object, its fields in the order written (the manifest's checksum is checked on them before its schema). */
export const jsonObject = z.record(z.string(), z.unknown());

/**
 * Bump when the files' layout or meaning changes; an index of another version is rebuilt, never misread.
 * 4: every sentence in the articles file has its answer kinds (`Sentence.kinds`).
 * 5: every file's SHA-256 (`files[name].sha256`), and the manifest's own (`checksum`).
 * 6: one typed generation: texts in texts.bin, records in binary tables, no docstore.json (this file's header).
 */
export const FORMAT_VERSION = 6;

/** The kinds of sentence (and chunk) vectors an index can hold (SentenceVectorKind in ../manifest.ts says what each is); a setting's values, so defined with the configuration. */
export { SENTENCE_VECTOR_KINDS };

export const manifestSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  pipelineVersion: count,
  sentenceVectors: z.enum(SENTENCE_VECTOR_KINDS).optional(),
  model: z.object({ id: z.string(), quantized: z.boolean(), dimensions: z.number().int().positive(), maxTokens: count }),
  chunking: z.object({ maxTokens: z.number().int().positive(), overlapSentences: count }),
  hnsw: z.object({ m: z.number().int().positive(), efConstruction: z.number().int().positive(), efSearch: z.number().int().positive(), space: z.literal('cosine') }),
  articles: z.record(z.string(), z.object({ path: z.string(), title: z.string(), contentHash: z.string(), chunks: count, sentences: count })),
  counts: z.object({ articles: count, chunks: count, sentences: count }),
  /** What reading the corpus warned about when this generation was built (absent before they were kept). */
  warnings: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  files: z.record(z.string(), z.object({ bytes: count, sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  builtAt: z.string(),
  buildMs: z.number(),
  checksum: z.string(),
});

/** What catalog.json holds of an article (its `ArticleMeta`). */
export const catalogArticleSchema = z.object({
  id: z.string().min(1),
  path: z.string(),
  title: z.string(),
  source: z.string().optional(),
  url: z.string().optional(),
  published: z.string().optional(),
  author: z.string().optional(),
  contentHash: z.string(),
});

export const catalogSchema = z.object({
  articles: z.array(catalogArticleSchema),
  headings: z.array(z.string()),
});
export type Catalog = z.infer<typeof catalogSchema>;

/** lexical.json: the terms in posting order and the counts (the postings are in lexical.bin). */
export const lexicalHeaderSchema = z.object({
  documentCount: count,
  postings: count,
  averageLength: z.number().nonnegative(),
  terms: z.array(z.string()),
});
export type LexicalHeader = z.infer<typeof lexicalHeaderSchema>;

/** vocabulary.json: the words (in code-unit order, without repeats) and their counts (whole, ≥ 0: vocabulary.ts checks both). */
export const vocabularySchema = z
  .object({ words: z.array(z.string()), counts: z.array(z.number()) })
  .refine((v) => v.words.length === v.counts.length, { message: 'as many counts as words' });
