/**
 * Only one publish (and the build before it) at a time per PostgreSQL index: a lease row
 * (`publish_lock`: who, where, since when, last heartbeat) taken in one statement, renewed every
 * HEARTBEAT_MS and taken over when not renewed for STALE_MS (a publisher that died); and, on a real
 * PostgreSQL server, a session advisory lock on the lock's own connection besides, which the server
 * frees the moment that connection ends. (On PGlite every connection is one session, so an advisory
 * lock never excludes there; the lease row does, on both.) A second publisher is refused at once
 * with a message naming the holder.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { IndexError } from '../../core/errors.js';
import type { Names } from './database.js';

export const HEARTBEAT_MS = 5_000;
export const STALE_MS = 30_000;

export interface LockOptions {
  /** A lease not renewed for this long is taken over (default STALE_MS). */
  staleMs?: number;
  heartbeatMs?: number;
}

export interface LockHolder {
  holder: string;
  host: string;
  pid: number;
  acquiredAt: Date;
  heartbeatAt: Date;
}

export class PublishLock {
  private released = false;

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly names: Names,
    readonly holder: string,
    private readonly timer: NodeJS.Timeout,
    /** The heartbeat in flight, if any. */
    private readonly beat: { pending: Promise<unknown> | undefined },
  ) {}

  /** Takes the lock, or throws an IndexError naming who holds it. */
  static async acquire(pool: pg.Pool, names: Names, options: LockOptions = {}): Promise<PublishLock> {
    const lock = await PublishLock.tryAcquire(pool, names, options);
    if (lock !== undefined) return lock;
    const client = await pool.connect();
    try {
      throw await heldError(client, names);
    } finally {
      client.release();
    }
  }

  /** Takes the lock if no one holds it; undefined (at once, without waiting) when another process does. */
  static async tryAcquire(pool: pg.Pool, names: Names, options: LockOptions = {}): Promise<PublishLock | undefined> {
    const staleMs = options.staleMs ?? STALE_MS;
    const client = await pool.connect();
    const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    try {
      const advisory = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [names.lockKey]);
      if (advisory.rows[0]?.locked !== true) {
        client.release();
        return undefined;
      }
      const taken = await client.query(
        `INSERT INTO ${names.t('publish_lock')} (singleton, holder, host, pid) VALUES (true, $1, $2, $3)
         ON CONFLICT (singleton) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid, acquired_at = now(), heartbeat_at = now()
         WHERE ${names.t('publish_lock')}.heartbeat_at < now() - make_interval(secs => $4::float8 / 1000)
         RETURNING holder`,
        [holder, hostname(), process.pid, staleMs],
      );
      if (taken.rowCount !== 1) {
        await client.query('SELECT pg_advisory_unlock($1)', [names.lockKey]);
        client.release();
        return undefined;
      }
    } catch (error) {
      client.release();
      throw error;
    }
    const beat: { pending: Promise<unknown> | undefined } = { pending: undefined };
    const timer = setInterval(() => {
      if (beat.pending !== undefined) return; // the last heartbeat is still waiting for the server
      beat.pending = client
        .query(`UPDATE ${names.t('publish_lock')} SET heartbeat_at = now() WHERE holder = $1`, [holder])
        .catch(() => undefined)
        .finally(() => (beat.pending = undefined));
    }, options.heartbeatMs ?? HEARTBEAT_MS);
    timer.unref();
    return new PublishLock(client, names, holder, timer, beat);
  }

  /** Gives the lock up (safe to call more than once). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    await this.beat.pending;
    try {
      await this.client.query(`DELETE FROM ${this.names.t('publish_lock')} WHERE holder = $1`, [this.holder]);
      await this.client.query('SELECT pg_advisory_unlock($1)', [this.names.lockKey]);
    } finally {
      this.client.release();
    }
  }
}

/** Who holds the lock now, if anyone. */
export async function lockHolder(client: pg.ClientBase, names: Names): Promise<LockHolder | undefined> {
  const { rows } = await client.query<{ holder: string; host: string; pid: number; acquired_at: Date; heartbeat_at: Date }>(
    `SELECT holder, host, pid, acquired_at, heartbeat_at FROM ${names.t('publish_lock')}`,
  );
  const row = rows[0];
  return row && { holder: row.holder, host: row.host, pid: row.pid, acquiredAt: row.acquired_at, heartbeatAt: row.heartbeat_at };
}

async function heldError(client: pg.ClientBase, names: Names): Promise<IndexError> {
  const holder = await lockHolder(client, names).catch(() => undefined);
  const who = holder === undefined ? 'another process' : `process ${holder.pid} on ${holder.host} (since ${holder.acquiredAt.toISOString()})`;
  return new IndexError(`Another index build is publishing to PostgreSQL (schema ${names.schema}): ${who}.`, {
    hint: `Wait for it to finish and run npm run index again (a lock not renewed for ${STALE_MS / 1000} s is taken over).`,
  });
}
