/**
 * Runs once before the test files. Points the tests at the local model directory (MODEL_DIR,
 * default ../shared/models beside the project). Without the model, or without ../shared's
 * evaluation data, the tests that need them do not run (vitest.config.ts leaves those files out;
 * files that import tests/support/requirements.ts skip their own) and this says so in one notice.
 * With REQUIRE_MODEL=1 or CI=true a missing model fails the run early, with a clear message.
 */
import { DEV_QUESTIONS_AVAILABLE, leftOutNotice, MODEL_AVAILABLE, MODEL_DIR, MODEL_FILE, modelRequired, testsThatCannotRun } from './requirements.js';

export default function setup(): void {
  if (!MODEL_AVAILABLE && modelRequired()) {
    throw new Error(
      `The tests need the embedding model in a local directory, and ${MODEL_FILE} does not exist.\n` +
        `Set MODEL_DIR to a transformers.js model directory holding Xenova/all-MiniLM-L6-v2 (e.g. MODEL_DIR=../shared/models).`,
    );
  }
  const leftOut = testsThatCannotRun();
  if (leftOut.length > 0 || !MODEL_AVAILABLE || !DEV_QUESTIONS_AVAILABLE) {
    const notice = leftOutNotice(leftOut);
    if (notice.length > 0) process.stderr.write(`\n${notice}\n\n`);
  }
  process.env.MODEL_DIR = MODEL_DIR;
}
