/**
 * A private copy of the seed corpus and an index built from it with the real model, in a temp
 * directory, for tests that need a working index. Each call makes a new, independent copy.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Library } from '../../src/answer/library.js';
import { DEFAULT_MODEL_ID } from '../../src/core/config.js';
import { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { MODEL_DIR, SEED_CORPUS_DIR } from './env.js';

export const MODEL_OPTIONS = { modelId: DEFAULT_MODEL_ID, modelDir: MODEL_DIR, quantized: true } as const;

export interface SeedWorkspace {
  root: string;
  corpusDir: string;
  indexDir: string;
  cleanup: () => Promise<void>;
}

/** A temp dir with a copy of the seed corpus (and an index dir not yet built). */
export async function seedWorkspace(): Promise<SeedWorkspace> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'verbatim-test-'));
  const corpusDir = path.join(root, 'corpus');
  await cp(SEED_CORPUS_DIR, corpusDir, { recursive: true });
  return { root, corpusDir, indexDir: path.join(root, 'index'), cleanup: () => rm(root, { recursive: true, force: true }) };
}

export function loadEmbeddings(): Promise<LocalEmbeddings> {
  return LocalEmbeddings.load(MODEL_OPTIONS);
}

/** A workspace with its index built and opened as a Library. */
export async function seedLibrary(): Promise<SeedWorkspace & { library: Library }> {
  const workspace = await seedWorkspace();
  const library = await Library.open({
    config: { ...MODEL_OPTIONS, corpusDir: workspace.corpusDir, indexDir: workspace.indexDir },
    buildIfMissing: true,
  });
  return { ...workspace, library };
}
