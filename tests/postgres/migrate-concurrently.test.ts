/**
 * Migrations with several processes starting at once on a new database (bot replicas, a bot and
 * `npm run index`): each migration runs once and everyone ends at the same version; and nothing is created
 * before the migration lock is held — `CREATE SCHEMA/TABLE IF NOT EXISTS` race on a real server (two can pass
 * the check, and one fails on a duplicate key in the catalog). PGlite runs one transaction at a time, so the
 * race itself cannot happen here; the second test checks the order of the statements instead.
 */
import pg from 'pg';
import { afterEach, expect, it, vi } from 'vitest';
import { Names, openPool } from '../../src/index/postgres/database.js';
import { migrate, MIGRATION_LOCK_KEY, schemaVersion } from '../../src/index/postgres/schema.js';
import { pgliteUrl } from '../support/pglite-url.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** A schema name no other test uses, not created yet (migrate creates it). */
function newSchema(label: string): Names {
  return new Names(`t_${label}_${Math.random().toString(16).slice(2, 10)}`);
}

it('four processes migrating a new schema at once: every migration runs once and all end at the current version', async () => {
  const url = await pgliteUrl();
  const names = newSchema('migrate_race');
  const pools = [0, 1, 2, 3].map(() => openPool(url, 1));
  try {
    const versions = await Promise.all(pools.map((pool) => migrate(pool, names)));
    expect(versions).toEqual([0, 1, 2, 3].map(() => schemaVersion(names)));
    const { rows } = await pools[0]!.query<{ version: number }>(`SELECT version FROM ${names.t('schema_version')} ORDER BY version`);
    expect(rows.map((row) => row.version)).toEqual(Array.from({ length: schemaVersion(names) }, (_, i) => i + 1));
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
  }
});

it('takes the database-wide migration lock, in a transaction, before it creates the schema or any table', async () => {
  const url = await pgliteUrl();
  const names = newSchema('migrate_order');
  const query = vi.spyOn(pg.Client.prototype, 'query');
  const pool = openPool(url, 1);
  try {
    await migrate(pool, names);
  } finally {
    await pool.end();
  }
  const statements = query.mock.calls.map(([text]) => (typeof text === 'string' ? text : JSON.stringify(text))).filter((text) => !text.startsWith('SELECT max(version)'));
  const lock = statements.findIndex((text) => text.includes('pg_advisory_xact_lock'));
  expect(lock).toBeGreaterThan(0);
  expect(statements[lock - 1]).toBe('BEGIN');
  const lockCall = query.mock.calls.find(([text]) => typeof text === 'string' && text.includes('pg_advisory_xact_lock'));
  expect(lockCall?.[1]).toEqual([MIGRATION_LOCK_KEY]);
  const firstCreate = statements.findIndex((text) => /\bCREATE\b/.test(text));
  expect(firstCreate).toBeGreaterThan(lock);
});
