/**
 * The bot's database: one SQLite file (DATABASE_FILE, by default data/verbatim.db) holding the
 * per-server settings and the feedback log, through better-sqlite3 (synchronous: a read is a few
 * microseconds, so settings are read fresh for every question and apply at once).
 *
 * Several processes may open the same file at once (the shards of one bot, `npm run feedback:export`
 * beside it): the journal is WAL (readers never wait for the writer), a writer waits up to
 * BUSY_TIMEOUT_MS for another's transaction instead of failing, and every write is one statement or
 * one short IMMEDIATE transaction.
 *
 * The schema is versioned with `PRAGMA user_version` and grows by MIGRATIONS, applied in order inside
 * one IMMEDIATE transaction: the first process to open the file with a newer version migrates it, the
 * others wait and find it done. A file written by a newer version of Verbatim is refused, not changed.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseError } from '../core/errors.js';
import { MIGRATIONS } from './migrations.js';

export type { Database } from 'better-sqlite3';

/** How long a write waits for another process's transaction before giving up. */
export const BUSY_TIMEOUT_MS = 10_000;

/** The schema version this code writes (the number of migrations). */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The database holds the text of private questions: owner-only, like the directory it makes. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Opens (making it if needed) and migrates the database at `file`. */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): Database.Database {
  let db: Database.Database;
  try {
    if (!options.readonly) mkdirSync(path.dirname(file), { recursive: true, mode: DIR_MODE });
    db = new Database(file, { readonly: options.readonly === true, fileMustExist: options.readonly === true, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new DatabaseError(`Cannot open the database ${file}: ${(error as Error).message}`, {
      hint: options.readonly ? 'Check the path (DATABASE_FILE, by default data/verbatim.db).' : 'Check that DATABASE_FILE points to a writable place.',
      cause: error,
    });
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      try {
        chmodSync(file, FILE_MODE);
      } catch {
        // Not ours to change (e.g. a read-only mount): leave it.
      }
    }
    db.pragma('foreign_keys = ON');
    migrate(db, file, options.readonly === true);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(`Cannot use the database ${file}: ${(error as Error).message}`, {
      hint: 'Is it a Verbatim database (DATABASE_FILE)? Another program may hold it locked, or it is damaged.',
      cause: error,
    });
  }
}

/** The schema version of an open database. */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Database.Database, file: string, readonly: boolean): void {
  const tooNew = (version: number): DatabaseError =>
    new DatabaseError(`The database ${file} has schema version ${version}, newer than this version of Verbatim knows (${SCHEMA_VERSION}).`, {
      hint: 'Run the newer version of Verbatim, or point DATABASE_FILE elsewhere; this version does not change it.',
    });
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) throw tooNew(current);
  if (current === SCHEMA_VERSION) return;
  if (readonly) {
    throw new DatabaseError(`The database ${file} has schema version ${current}; this version of Verbatim reads ${SCHEMA_VERSION}.`, {
      hint: 'Start the bot once (it migrates the database), then try again.',
    });
  }
  db.transaction(() => {
    // Read again inside the write lock: another process may have migrated meanwhile.
    const version = schemaVersion(db);
    if (version > SCHEMA_VERSION) throw tooNew(version);
    for (const migration of MIGRATIONS.slice(version)) db.exec(migration.sql);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
