/** Paths the tests share. */
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const SEED_CORPUS_DIR = path.join(PROJECT_ROOT, 'corpus');
/** The local model directory: MODEL_DIR, or ../shared/models beside the project. */
export const MODEL_DIR = process.env.MODEL_DIR ?? path.resolve(PROJECT_ROOT, '../shared/models');
