/**
 * Runs once before the test files. Points the tests at the local model directory (MODEL_DIR,
 * default ../shared/models beside the project). Without the model, or without ../shared's
 * evaluation data, the tests that need them do not run (vitest.config.ts leaves those files out;
 * files that import tests/support/requirements.ts skip their own) and this says so in one notice.
 * With REQUIRE_MODEL=1 or CI=true a missing model fails the run early, with a clear message.
 * It also makes the state directory of the run's PostgreSQL server (PGlite, started by the first test
 * file that asks for it: pglite-url.ts) and stops that server when the run ends.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGLITE_DIR_VARIABLE, TEST_RUN_PID_VARIABLE } from './pglite-url.js';
import { DEV_QUESTIONS_AVAILABLE, leftOutNotice, MODEL_AVAILABLE, MODEL_DIR, MODEL_FILE, modelRequired, testsThatCannotRun } from './requirements.js';

export default async function setup(): Promise<() => Promise<void>> {
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
  // The PostgreSQL server of the run, started by the first test file that needs it (pglite-url.ts).
  const pgliteDir = await mkdtemp(path.join(tmpdir(), 'verbatim-pglite-'));
  process.env[PGLITE_DIR_VARIABLE] = pgliteDir;
  process.env[TEST_RUN_PID_VARIABLE] = String(process.pid);
  return async () => {
    await stopPglite(pgliteDir);
  };
}

/** Stops the run's PGlite server if a test file started it, and removes its state directory. */
async function stopPglite(dir: string): Promise<void> {
  if (existsSync(path.join(dir, 'starting'))) {
    await writeFile(path.join(dir, 'stop'), '');
    const pid = Number(await readFile(path.join(dir, 'pid'), 'utf8').catch(() => ''));
    for (let i = 0; i < 50 && pid > 0 && running(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    if (pid > 0 && running(pid)) process.kill(pid, 'SIGKILL');
  }
  await rm(dir, { recursive: true, force: true });
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
