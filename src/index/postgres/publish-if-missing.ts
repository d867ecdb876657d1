/**
 * A bot starting on a PostgreSQL database that holds no index yet builds one and publishes it — but only one
 * of several starting at once (replicas, shards, a bot beside `npm run index`): under the publish lock
 * (lock.ts), taken without waiting. Whoever takes it checks again that nothing went live meanwhile, builds,
 * publishes and releases it; the others see the lock held, wait, and open the generation the first one
 * published. If the builder fails (or dies, and its lease goes stale), the next one to take the lock builds.
 * The migrations run under their own advisory lock (schema.ts `migrate`), so two processes creating the tables at
 * once take turns.
 */
import type pg from 'pg';
import { IndexError } from '../../core/errors.js';
import { databaseError, Names, openPool, parseDatabaseUrl } from './database.js';
import { lockHolder, PublishLock, type LockHolder, type LockOptions } from './lock.js';
import { publishGeneration } from './publish.js';
import { currentSchemaVersion, migrate } from './schema.js';

/** How often a waiting process looks again (for the published generation, or a free lock). */
export const WAIT_POLL_MS = 1_000;

export interface PublishIfMissingOptions {
  /** Builds the file index; resolves with the generation directory to publish. Called only by the process that took the lock. */
  build: () => Promise<string>;
  /** Called once when another process holds the lock (it is building), with who; then this one waits. */
  onWait?: (holder: LockHolder | undefined) => void;
  /** How often to look again while waiting (ms; default WAIT_POLL_MS). */
  waitMs?: number;
  lock?: LockOptions;
}

export type PublishIfMissingResult = { built: true; generation: string } | { built: false; generation: string };

/** Makes sure the database at `databaseUrl` has a live generation, building and publishing one only if none does and no one else is. */
export async function publishIfMissing(databaseUrl: string, options: PublishIfMissingOptions): Promise<PublishIfMissingResult> {
  const { url, schema } = parseDatabaseUrl(databaseUrl);
  const pool = openPool(url, 2);
  try {
    return await publishIfMissingOn(pool, new Names(schema), options).catch((error: unknown) => {
      throw error instanceof IndexError ? error : databaseError(url, error);
    });
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** `publishIfMissing` on a pool and schema of the caller's. */
export async function publishIfMissingOn(pool: pg.Pool, names: Names, options: PublishIfMissingOptions): Promise<PublishIfMissingResult> {
  let told = false;
  for (;;) {
    const live = await liveGeneration(pool, names);
    if (live !== undefined) return { built: false, generation: live };
    await migrate(pool, names);
    const lock = await PublishLock.tryAcquire(pool, names, options.lock);
    if (lock === undefined) {
      if (!told) {
        told = true;
        const client = await pool.connect();
        try {
          options.onWait?.(await lockHolder(client, names).catch(() => undefined));
        } finally {
          client.release();
        }
      }
      await new Promise((resolve) => setTimeout(resolve, options.waitMs ?? WAIT_POLL_MS));
      continue;
    }
    try {
      // Someone may have published between the look above and taking the lock.
      const published = await liveGeneration(pool, names);
      if (published !== undefined) return { built: false, generation: published };
      const generationDir = await options.build();
      const summary = await publishGeneration(pool, names, generationDir, { lock });
      return { built: true, generation: summary.generation };
    } finally {
      await lock.release();
    }
  }
}

/** The live generation, or undefined when the schema has none (or does not exist yet). */
async function liveGeneration(pool: pg.Pool, names: Names): Promise<string | undefined> {
  if ((await currentSchemaVersion(pool, names)) === 0) return undefined;
  const { rows } = await pool.query<{ generation_id: string }>(`SELECT generation_id FROM ${names.t('live')}`);
  return rows[0]?.generation_id;
}

/** Who holds the lock, for a log line. */
export function describeHolder(holder: LockHolder | undefined): string {
  return holder === undefined ? 'another process' : `process ${holder.pid} on ${holder.host}`;
}
