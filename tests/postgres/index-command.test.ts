/**
 * `npm run index` with INDEX_STORE=postgres, as a user runs it: a file index already built is
 * moved into PostgreSQL as it is; an edit is built incrementally and only its content inserted; a
 * second build while one holds the publish lock is refused with one clear line.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Names, openPool } from '../../src/index/postgres/database.js';
import { PublishLock } from '../../src/index/postgres/lock.js';
import { PostgresStore } from '../../src/index/postgres/postgres-store.js';
import { MODEL_DIR, PROJECT_ROOT } from '../support/env.js';
import { freshSchema } from '../support/pglite-url.js';
import { seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

const run = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

let workspace: SeedWorkspace;
let databaseUrl: string;
let schema: string;
let url: string;

async function index(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const fullEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MODEL_DIR, CORPUS_DIR: 'corpus', INDEX_DIR: 'idx', ...env };
  try {
    const { stdout, stderr } = await run(TSX, [path.join(PROJECT_ROOT, 'scripts', 'index.ts')], { cwd: workspace.root, env: fullEnv, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  workspace = await seedWorkspace();
  ({ url, schema } = await freshSchema('index_command'));
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  databaseUrl = parsed.toString();
});

afterAll(async () => {
  await workspace?.cleanup();
});

it('moves a built file index into PostgreSQL, then publishes an edit incrementally', async () => {
  const file = await index({});
  expect(file.code).toBe(0);
  expect(file.stdout).toContain('Index written to');

  const moved = await index({ INDEX_STORE: 'postgres', DATABASE_URL: databaseUrl });
  expect(moved.code).toBe(0);
  expect(moved.stdout).toContain('is up to date');
  expect(moved.stdout).toMatch(/Published generation gen-\S+ to PostgreSQL .*schema t_index_command_/);
  expect(moved.stdout).toContain('5 articles inserted');

  const { appendFile } = await import('node:fs/promises');
  await appendFile(path.join(workspace.corpusDir, '002_bb33988446a060da.txt'), '\n\nOfficials in Vilnius later confirmed the new timetable.\n');
  const edited = await index({ INDEX_STORE: 'postgres', DATABASE_URL: databaseUrl });
  expect(edited.code).toBe(0);
  expect(edited.stdout).toMatch(/1 changed/);
  expect(edited.stdout).toMatch(/1 articles inserted .*, 4 already there/);
  expect(edited.stdout).toMatch(/replacing gen-\S+, kept as the previous one/);

  const store = await PostgresStore.open({ url: databaseUrl });
  try {
    const hits = await store.search({ text: 'Vilnius timetable', depth: 1 });
    expect(hits.passages.get(hits.lexical[0]!.label)!.chunk.text).toContain('Vilnius');
  } finally {
    await store.close();
  }
});

it('refuses a second build while another holds the publish lock, in one line naming it', async () => {
  const pool = openPool(url);
  const lock = await PublishLock.acquire(pool, new Names(schema));
  try {
    const refused = await index({ INDEX_STORE: 'postgres', DATABASE_URL: databaseUrl });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Another index build is publishing to PostgreSQL \(schema t_index_command_\w+\): process \d+ on /);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  } finally {
    await lock.release();
    await pool.end();
  }
});
