/**
 * The manifest of an index generation: what built it and what it holds, with every file's
 * checksum and its own. Written last, so a generation without a readable manifest is incomplete.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChunkingOptions } from '../chunking/types.js';
import type { CorpusWarning } from '../corpus/types.js';
import { IndexError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import type { FileDigest } from './checksum.js';
import type { SENTENCE_VECTOR_KINDS } from './generation/schema.js';
import { FORMAT_VERSION, jsonObject, manifestSchema } from './generation/schema.js';
import type { HnswParams } from './hnsw-store.js';

export { FORMAT_VERSION, SENTENCE_VECTOR_KINDS } from './generation/schema.js';
export const MANIFEST_FILE = 'manifest.json';
/**
 * Bump when cleaning, sentence splitting, chunking or answer-kind tagging (chunking/answer-kinds.ts)
 * changes what an article becomes: the next build then re-reads every article (vectors are still
 * reused wherever the text is the same). 2: sentences tagged with their answer kinds. 3: Markdown pages
 * lose share rows, cookie banners and link reference definitions.
 */
export const PIPELINE_VERSION = 3;

/**
 * How an index's sentence and chunk vectors were made: 'separate', each chunk and each sentence
 * embedded as a text of its own; 'late', a sentence's pooled from the token outputs of the one pass
 * over the chunk that holds it (late chunking); 'sentences-only', only the sentences embedded (as
 * 'separate' embeds them) and each chunk's vector the token-weighted mean of its sentences'
 * (no chunk goes through the model). A manifest without the field is of an index built before there
 * was a choice: separate.
 */
export type SentenceVectorKind = (typeof SENTENCE_VECTOR_KINDS)[number];

/** The kind of sentence vectors the index holds. */
export function manifestSentenceVectors(manifest: Pick<Manifest, 'sentenceVectors'>): SentenceVectorKind {
  return manifest.sentenceVectors ?? 'separate';
}

export interface ManifestArticle {
  path: string;
  title: string;
  contentHash: string;
  chunks: number;
  sentences: number;
}

export interface Manifest {
  formatVersion: number;
  pipelineVersion: number;
  /** Absent: 'separate' (manifestSentenceVectors). */
  sentenceVectors?: SentenceVectorKind;
  model: { id: string; quantized: boolean; dimensions: number; maxTokens: number };
  chunking: ChunkingOptions;
  hnsw: HnswParams & { space: 'cosine' };
  /** Per article id, in id order. */
  articles: Record<string, ManifestArticle>;
  counts: { articles: number; chunks: number; sentences: number };
  /** What reading the corpus warned about when this generation was built; absent in older manifests (checkUpToDate then reads the whole corpus). */
  warnings?: CorpusWarning[];
  /** Byte size and SHA-256 of every data file, checked before anything is read from it. */
  files: Record<string, FileDigest>;
  builtAt: string;
  buildMs: number;
  /**
   * SHA-256 of the manifest itself: of the JSON of every other field, in the order written
   * (`manifestChecksum`). A flipped byte anywhere in what the manifest says is found on open.
   */
  checksum: string;
}

/** The checksum a manifest's other fields give (JSON, fields in their order; `checksum` left out). */
export function manifestChecksum(fields: Readonly<Record<string, unknown>>): string {
  const { checksum: _checksum, ...rest } = fields;
  return sha256(JSON.stringify(rest));
}

/** Writes the manifest with its own checksum, computed here (`checksum` last; any it had is replaced). */
export async function writeManifest(dir: string, manifest: Omit<Manifest, 'checksum'> & { checksum?: string }): Promise<Manifest> {
  const { checksum: _stale, ...fields } = manifest;
  const sealed: Manifest = { ...fields, checksum: manifestChecksum(fields) };
  await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify(sealed, null, 2) + '\n');
  return sealed;
}

export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new IndexError(`The index manifest ${file} is missing.`, { path: file, cause: error, hint: REBUILD_HINT });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new IndexError(`The index manifest ${file} is damaged (not valid JSON).`, { path: file, cause: error, hint: REBUILD_HINT });
  }
  const object = jsonObject.safeParse(value);
  if (!object.success) {
    throw new IndexError(`The index manifest ${file} is damaged (not a JSON object).`, { path: file, hint: REBUILD_HINT });
  }
  const fields = object.data;
  if (fields.formatVersion !== FORMAT_VERSION) {
    throw new IndexError(
      `The index at ${dir} has format version ${String(fields.formatVersion)}; this version of Verbatim reads ${FORMAT_VERSION}.`,
      { path: file, hint: REBUILD_HINT },
    );
  }
  // Checked on the fields as parsed (their order is the order written), before the schema rebuilds them.
  if (fields.checksum !== manifestChecksum(fields)) {
    throw new IndexError(`The index manifest ${file} is damaged: its content does not match its checksum.`, { path: file, hint: REBUILD_HINT });
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new IndexError(`The index manifest ${file} is incomplete${where ? ` (${where})` : ''}.`, { path: file, hint: REBUILD_HINT });
  }
  return parsed.data;
}

export const REBUILD_HINT = 'Rebuild the index from the corpus: npm run index -- --full';

/** Why an index built with `manifest` cannot be used with this model, or undefined if it can. */
export function modelMismatch(manifest: Manifest, model: { id: string; quantized: boolean }): string | undefined {
  if (manifest.model.id !== model.id) return `it was built with the model ${manifest.model.id}, not ${model.id}`;
  if (manifest.model.quantized !== model.quantized) {
    const name = (q: boolean) => (q ? 'int8 (quantized)' : 'fp32');
    return `it was built with the ${name(manifest.model.quantized)} model file, not ${name(model.quantized)}`;
  }
  return undefined;
}
