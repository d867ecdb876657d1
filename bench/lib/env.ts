/** Where things are: the project, the model directory, the evaluation data, and where results go. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MODEL_ID } from '../../src/core/config.js';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const SEED_CORPUS_DIR = path.join(PROJECT_ROOT, 'corpus');
export const RESULTS_DIR = path.join(PROJECT_ROOT, 'bench', 'results');
/** Embeddings of the evaluation data, computed once per model variant (git-ignored with the results). */
export const CACHE_DIR = path.join(RESULTS_DIR, 'cache');
export const SHARED_DIR = path.resolve(PROJECT_ROOT, '../shared');
export const DEV_QUESTIONS = path.join(SHARED_DIR, 'eval', 'dev-questions.json');
export const SQUAD_FILE = path.join(SHARED_DIR, 'eval', 'squad-dev-v1.1.json');
export const BENCH_SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'bench.ts');
export const ASK_SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'ask.ts');
export const TSX_BIN = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

/** MODEL_DIR, else ../shared/models beside the project when it exists (like the tests); undefined: the hub. */
export function modelDir(): string | undefined {
  if (process.env.MODEL_DIR) return path.resolve(process.env.MODEL_DIR);
  return path.join(SHARED_DIR, 'models');
}

export function modelOptions(quantized = true) {
  return { modelId: process.env.MODEL_ID ?? DEFAULT_MODEL_ID, modelDir: modelDir(), quantized } as const;
}

/** A scratch directory for one bench run (generated corpora, indexes), removed at the end. */
export async function scratchDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  await mkdir(os.tmpdir(), { recursive: true });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-bench-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
