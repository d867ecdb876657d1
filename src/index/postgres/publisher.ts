/**
 * Publishing into PostgreSQL from a build (`npm run index` with INDEX_STORE=postgres, or a bot's
 * rebuild): opens the database, brings its schema up to date and takes the publish lock BEFORE the
 * build starts, so two machines do not both build; `publish` then puts the file generation the build
 * wrote into the database and makes it live; `close` gives the lock back.
 */
import type pg from 'pg';
import { databaseError, Names, openPool, parseDatabaseUrl, redact } from './database.js';
import { PublishLock } from './lock.js';
import { publishGeneration, type PublishOptions, type PublishSummary } from './publish.js';
import { migrate } from './schema.js';

export class PostgresPublisher {
  private constructor(
    private readonly pool: pg.Pool,
    readonly names: Names,
    private readonly lock: PublishLock,
    /** The database, for messages (without its password). */
    readonly location: string,
  ) {}

  /** Connects, migrates and takes the lock (an IndexError naming the holder if another build has it). */
  static async open(databaseUrl: string): Promise<PostgresPublisher> {
    const { url, schema } = parseDatabaseUrl(databaseUrl);
    const names = new Names(schema);
    const pool = openPool(url, 2);
    try {
      try {
        await migrate(pool, names);
      } catch (error) {
        throw databaseError(url, error);
      }
      const lock = await PublishLock.acquire(pool, names);
      return new PostgresPublisher(pool, names, lock, `${redact(url)} (schema ${schema})`);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  /** Publishes the generation in `generationDir` and makes it live. */
  publish(generationDir: string, options: Omit<PublishOptions, 'lock'> = {}): Promise<PublishSummary> {
    return publishGeneration(this.pool, this.names, generationDir, { ...options, lock: this.lock });
  }

  async close(): Promise<void> {
    try {
      await this.lock.release();
    } finally {
      await this.pool.end();
    }
  }
}

/** What a publish did, for a terminal. */
export function formatPublishSummary(summary: PublishSummary, location: string): string {
  const lines = [
    summary.alreadyPublished && summary.previous === undefined
      ? `PostgreSQL ${location} already serves generation ${summary.generation}.`
      : `Published generation ${summary.generation} to PostgreSQL ${location}${summary.previous ? ` (replacing ${summary.previous}, kept as the previous one)` : ''}.`,
    `  content:  ${summary.inserted.articles} articles inserted (${summary.inserted.chunks} chunks, ${summary.inserted.sentences} sentences), ${summary.reused} already there`,
    `  pruned:   ${summary.pruned.generations} generations, ${summary.pruned.contents} articles' content no kept generation holds`,
    `  time:     ${(summary.ms / 1000).toFixed(1)} s`,
  ];
  return lines.join('\n') + '\n';
}
