/**
 * The connection side of the PostgreSQL store: a `pg.Pool` for a DATABASE_URL, and the schema every
 * table of the store lives in (DATABASE_SCHEMA, default `verbatim`). Every statement names its tables
 * with the schema (`Names`), never through `search_path`, so one database can hold several indexes
 * and a session setting of one cannot leak into another (on PGlite every connection shares one
 * session: see bench/lib/pglite-server.ts).
 */
import pg from 'pg';
import { IndexError } from '../../core/errors.js';

export const DEFAULT_SCHEMA = 'verbatim';

/** Where a PostgreSQL index is: the server and the schema. */
export interface PostgresLocation {
  url: string;
  schema?: string;
}

/**
 * DATABASE_URL with the schema taken out of it: `postgresql://host/db?schema=name` (the convention
 * Prisma uses) puts the index in schema `name`; without it, `verbatim`. The rest goes to `pg` as it is.
 */
export function parseDatabaseUrl(databaseUrl: string): Required<PostgresLocation> {
  let parsed: URL;
  try {
    parsed = new URL(databaseUrl);
  } catch (error) {
    throw new IndexError('DATABASE_URL is not a URL.', { hint: 'e.g. DATABASE_URL=postgresql://verbatim:secret@localhost:5432/verbatim', cause: error });
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new IndexError(`DATABASE_URL must be a postgresql:// URL (it is ${parsed.protocol}//…).`, { hint: 'e.g. DATABASE_URL=postgresql://verbatim:secret@localhost:5432/verbatim' });
  }
  const schema = parsed.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  parsed.searchParams.delete('schema');
  return { url: parsed.toString(), schema };
}

/** What every connection of the store sets: pgvector's HNSW search breadth, and filtered scans that go on until they have enough rows. */
export const HNSW_EF_SEARCH = 100;
const SESSION_SETTINGS = `SET hnsw.ef_search = ${HNSW_EF_SEARCH}; SET hnsw.iterative_scan = strict_order`;

/** A schema's tables, quoted and qualified. */
export class Names {
  readonly schema: string;
  constructor(schema: string = DEFAULT_SCHEMA) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new IndexError(`DATABASE_SCHEMA "${schema}" is not a plain lower-case PostgreSQL name.`, { hint: 'Use letters, digits and _ (e.g. verbatim).' });
    }
    this.schema = schema;
  }

  /** `"schema"."table"`. */
  t(table: string): string {
    return `"${this.schema}"."${table}"`;
  }

  /** The advisory lock key of this schema's publishing (one per schema, so two indexes in one database do not wait for each other). */
  get lockKey(): number {
    let hash = 0x811c9dc5;
    for (const char of `verbatim:publish:${this.schema}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    return hash | 0;
  }
}

/** A pool for the store. */
export function openPool(url: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
  // An idle client that loses its connection must not take the process down; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

const configured = new WeakSet<pg.PoolClient>();

/** Runs one query on a client of the pool that has the session settings the vector search relies on (set once per connection). */
export async function querySearch<R extends pg.QueryResultRow>(pool: pg.Pool, sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
  const client = await pool.connect();
  try {
    if (!configured.has(client)) {
      await client.query(SESSION_SETTINGS);
      configured.add(client);
    }
    return await client.query<R>(sql, params);
  } finally {
    client.release();
  }
}

/** A clear IndexError for a database that cannot be reached or used. */
export function databaseError(url: string, error: unknown): IndexError {
  const reason = error instanceof Error ? error.message : String(error);
  return new IndexError(`The PostgreSQL index at ${redact(url)} cannot be used: ${reason}.`, {
    hint: 'Check DATABASE_URL and that the server runs with the pgvector extension (image pgvector/pgvector:pg17).',
    cause: error,
  });
}

/** A connection URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/** Runs `work` in one transaction on one client of the pool (rolled back if it throws). */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
