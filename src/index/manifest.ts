/**
 * The manifest of an index generation: what built it and what it holds. Written last,
 * so a generation without a readable manifest is incomplete.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChunkingOptions } from '../chunking/types.js';
import { IndexError } from '../core/errors.js';
import type { HnswParams } from './hnsw-store.js';

/**
 * Bump when the files' layout or meaning changes; an index of another version is rebuilt, never misread.
 * 4: every sentence in the articles file has its answer kinds (`Sentence.kinds`).
 */
export const FORMAT_VERSION = 4;
export const MANIFEST_FILE = 'manifest.json';
/**
 * Bump when cleaning, sentence splitting, chunking or answer-kind tagging (chunking/answer-kinds.ts)
 * changes what an article becomes: the next build then re-reads every article (vectors are still
 * reused wherever the text is the same). 2: sentences tagged with their answer kinds.
 */
export const PIPELINE_VERSION = 2;

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
  model: { id: string; quantized: boolean; dimensions: number; maxTokens: number };
  chunking: ChunkingOptions;
  hnsw: HnswParams & { space: 'cosine' };
  /** Per article id, in id order. */
  articles: Record<string, ManifestArticle>;
  counts: { articles: number; chunks: number; sentences: number };
  /** Byte size of every data file, to detect truncation before reading. */
  files: Record<string, number>;
  builtAt: string;
  buildMs: number;
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
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
  const manifest = value as Partial<Manifest>;
  if (manifest.formatVersion !== FORMAT_VERSION) {
    throw new IndexError(
      `The index at ${dir} has format version ${String(manifest.formatVersion)}; this version of Verbatim reads ${FORMAT_VERSION}.`,
      { path: file, hint: REBUILD_HINT },
    );
  }
  if (!manifest.model || !manifest.counts || !manifest.articles || !manifest.files || !manifest.hnsw || !manifest.chunking) {
    throw new IndexError(`The index manifest ${file} is incomplete.`, { path: file, hint: REBUILD_HINT });
  }
  return manifest as Manifest;
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
