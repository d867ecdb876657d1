/**
 * What the tests need besides the repository: the embedding model (MODEL_DIR, default
 * ../shared/models beside the project) and the evaluation data in ../shared/eval. Shared by
 * vitest.config.ts (which leaves out the files that cannot run), the global setup (which says so,
 * once) and the test files that skip their own model-needing tests (those that import this module).
 *
 * A test file needs the model when its text uses it (MARKERS below: the model directory, the seed
 * index, the embedder, the real tokenizer, the Discord harness, a Library). A file that imports
 * this module decides for itself (describe.skipIf / it.skipIf with MODEL_AVAILABLE) and is never
 * left out whole. A file that names a path under ../shared/ needs that path.
 *
 * REQUIRE_MODEL=1 (or CI=true) turns a missing model back into the early failure it used to be, so a
 * CI run cannot pass by skipping.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const SHARED_DIR = path.resolve(PROJECT_ROOT, '../shared');
/** The model directory the tests use (the global setup exports it to the test processes). */
export const MODEL_DIR = process.env.MODEL_DIR ?? path.join(SHARED_DIR, 'models');
/** The file that tells the model is there. */
export const MODEL_FILE = path.join(MODEL_DIR, 'Xenova', 'all-MiniLM-L6-v2', 'onnx', 'model_quantized.onnx');
export const MODEL_AVAILABLE = existsSync(MODEL_FILE);
/** The dev questions of the seed corpus (not ours to copy into the repository). */
export const DEV_QUESTIONS = path.join(SHARED_DIR, 'eval', 'dev-questions.json');
export const DEV_QUESTIONS_AVAILABLE = existsSync(DEV_QUESTIONS);

/** Whether a missing model must fail the run (REQUIRE_MODEL=1, or CI=true) rather than skip what needs it. */
export function modelRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.REQUIRE_MODEL === '1' || env.REQUIRE_MODEL === 'true' || env.CI === 'true';
}

/** What in a test file's text says it loads the model. */
const MARKERS: readonly RegExp[] = [
  /\bMODEL_DIR\b/,
  /\bMODEL_OPTIONS\b/,
  /support\/seed-index\.js/,
  /\bloadEmbeddings\b/,
  /\bLocalEmbeddings\b/,
  /\bloadRealCounter\b/,
  /helpers\/harness\.js/,
  /\bLibrary\.open\b/,
];
/** Paths under ../shared a test file names ('../shared/eval/dev-questions.json'); the model is MODEL_DIR's business. */
const SHARED_PATH = /\.\.\/shared\/(?!models\b)([\w./-]+)/g;
const HANDLES_ITSELF = /support\/requirements\.js/;

/** A test file that cannot run here, and why (for the notice). */
export interface LeftOut {
  file: string;
  needs: string;
}

/** The test files (relative to the project, `/` separators) that cannot run here, with what each needs. */
export function testsThatCannotRun(
  testsDir: string = path.join(PROJECT_ROOT, 'tests'),
  { modelAvailable = MODEL_AVAILABLE, sharedDir = SHARED_DIR }: { modelAvailable?: boolean; sharedDir?: string } = {},
): LeftOut[] {
  const leftOut: LeftOut[] = [];
  for (const file of testFiles(testsDir)) {
    const text = readFileSync(file, 'utf8');
    if (HANDLES_ITSELF.test(text)) continue;
    const relative = path.relative(PROJECT_ROOT, file).split(path.sep).join('/');
    const missingShared = [...text.matchAll(SHARED_PATH)].map((match) => match[1]!).find((rest) => !existsSync(path.join(sharedDir, rest)));
    if (!modelAvailable && MARKERS.some((marker) => marker.test(text))) leftOut.push({ file: relative, needs: 'the model' });
    else if (missingShared !== undefined) leftOut.push({ file: relative, needs: `../shared/${missingShared}` });
  }
  return leftOut;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The one notice printed when tests are left out, naming what is missing and how to provide it. */
export function leftOutNotice(leftOut: readonly LeftOut[]): string {
  const lines: string[] = [];
  const model = leftOut.filter((entry) => entry.needs === 'the model');
  if (model.length > 0 || !MODEL_AVAILABLE) {
    lines.push(
      `Skipping the tests that need the embedding model (${model.length} files, and the model's tests in files that run): ${MODEL_FILE} does not exist.`,
      `  Set MODEL_DIR to a transformers.js model directory holding Xenova/all-MiniLM-L6-v2 (default ../shared/models) to run them.`,
    );
  }
  const shared = new Map<string, string[]>();
  for (const entry of leftOut) if (entry.needs !== 'the model') shared.set(entry.needs, [...(shared.get(entry.needs) ?? []), entry.file]);
  if (!DEV_QUESTIONS_AVAILABLE && !shared.has('../shared/eval/dev-questions.json')) shared.set('../shared/eval/dev-questions.json', []);
  for (const [needs, files] of shared) {
    lines.push(`Skipping the tests that read ${needs} (beside the project; not in the repository)${files.length > 0 ? `: ${files.join(', ')}` : ''}.`);
  }
  return lines.join('\n');
}
