/**
 * The test run's one PostgreSQL server (PGlite with pgvector, see bench/lib/pglite-server.ts), started by the
 * first test file that asks for it and shared by all the others: starting it takes 13–18 s on a
 * 2-core machine, so a run that needs no PostgreSQL pays nothing and one that does pays once.
 *
 * The global setup (global-setup.ts) makes an empty state directory for the run
 * (VERBATIM_PGLITE_DIR) and stops the server at the end. The first caller takes the directory's
 * `starting` lock (mkdir is atomic) and starts the server as a process of its own, which outlives
 * the test file that started it; every caller waits for the `url` file. The server also stops when
 * the test run's process is gone (PGLITE_WATCH_PID), so an interrupted run leaves nothing running.
 *
 * Each test file works in a schema of its own (`freshSchema`): PGlite is one PostgreSQL session,
 * shared by every connection, so a separate database is not to be had, and session settings
 * (search_path) would leak between files; the store qualifies every name with its schema instead.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { PROJECT_ROOT } from './env.js';

export const PGLITE_DIR_VARIABLE = 'VERBATIM_PGLITE_DIR';
export const TEST_RUN_PID_VARIABLE = 'VERBATIM_TEST_RUN_PID';
/** How long to wait for the server to start (it takes 13–18 s on a busy 2-core machine). */
const START_TIMEOUT_MS = 120_000;

/** The URL of the test run's PostgreSQL server, starting it if no test file has yet. */
export async function pgliteUrl(): Promise<string> {
  const stateDir = process.env[PGLITE_DIR_VARIABLE];
  if (stateDir === undefined) throw new Error(`${PGLITE_DIR_VARIABLE} is not set: run the tests through vitest (tests/support/global-setup.ts sets it).`);
  const urlFile = path.join(stateDir, 'url');
  if (!existsSync(urlFile)) {
    let starter = false;
    try {
      await mkdir(path.join(stateDir, 'starting'));
      starter = true;
    } catch {
      // Another test file is starting it.
    }
    if (starter) startServer(stateDir);
  }
  const started = Date.now();
  for (;;) {
    if (existsSync(urlFile)) return (await readFile(urlFile, 'utf8')).trim();
    if (existsSync(path.join(stateDir, 'failed'))) {
      const log = await readFile(path.join(stateDir, 'log'), 'utf8').catch(() => '');
      throw new Error(`The PGlite server did not start: ${log.trim() || 'no output'}`);
    }
    if (Date.now() - started > START_TIMEOUT_MS) throw new Error(`The PGlite server did not start within ${START_TIMEOUT_MS / 1000} s (log: ${path.join(stateDir, 'log')}).`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startServer(stateDir: string): void {
  const log = openSync(path.join(stateDir, 'log'), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench/lib/pglite-server.ts'), stateDir], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, PGLITE_WATCH_PID: process.env[TEST_RUN_PID_VARIABLE] ?? '' },
  });
  child.on('exit', (code) => {
    if (!existsSync(path.join(stateDir, 'url'))) void import('node:fs/promises').then(({ writeFile }) => writeFile(path.join(stateDir, 'failed'), String(code)));
  });
  child.unref();
}

/** A new, empty schema on the test run's server, for one test file. */
export async function freshSchema(label: string): Promise<{ url: string; schema: string }> {
  const url = await pgliteUrl();
  const schema = `t_${label.replace(/\W+/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
  return { url, schema };
}
