/**
 * The PostgreSQL store's tables, created and upgraded by numbered migrations (the `schema_version`
 * table says which have run; each runs once, in its own transaction, under an advisory lock so two
 * processes opening a new database do not both run it).
 *
 * Content is stored once, by its content key (`contentKey`: the article's content hash and what
 * turns content into records), and shared by every generation that holds the article; a
 * generation is its list of articles (`generation_article`: id, metadata, content key, first chunk
 * label) with its lexical statistics and vocabulary. Texts are stored once: chunks and sentences are
 * offsets into their article's text.
 *
 *   article_content   key, text, blocks (kind,start,end …), sentences (start,end,kinds,heading …),
 *                     headings, counts
 *   chunk             (content_key, ordinal): offsets (UTF-16, as `Chunk`; and in characters, for
 *                     substr), sentence range, tokens, heading, digest, embedding vector(384)
 *                     — HNSW index `chunk_embedding_hnsw`, cosine, m = 16, ef_construction = 200 (the file
 *                     store's values), made by the first publish once its chunks are in (ensureVectorIndex)
 *   sentence          (content_key, idx): embedding vector(384) (read by article only: no ANN index)
 *   chunk_term        (content_key, term, ordinal): the term's boosted frequency in the chunk, in
 *                     tenths, and the chunk's BM25 length (the file store's BM25 postings; the length
 *                     repeated so scoring a term reads its postings only), and its impact (the BM25
 *                     term-frequency part, the order a term's postings are read in: index
 *                     `chunk_term_impact` on (term, impact DESC), migration 3)
 *                     (migration 2: fts, the chunk's English tsvector — title A, heading B, text C — GIN index)
 *   generation        id, built_at, manifest, lexical statistics (documentCount, averageLength,
 *                     terms, df), vocabulary (words, counts)
 *   generation_article (generation_id, row): article id, metadata, content key, first label, chunks
 *   live              one row: the live generation, the previous one (the rollback point)
 *   publish_lock      one row while a publish runs: who holds it, since when, last heartbeat
 */
import type pg from 'pg';
import type { Names } from './database.js';
import { BM25_B, BM25_K1, TF_SCALE } from './lexical-query.js';

/** The vector dimensions of the embedding model (all-MiniLM-L6-v2). */
export const VECTOR_DIMENSIONS = 384;
/** pgvector HNSW build parameters (the file store's: see hnsw-store.ts DEFAULT_HNSW). */
export const HNSW_M = 16;
export const HNSW_EF_CONSTRUCTION = 200;

/** The schema version from which postings carry their impact (migration 3). */
export const IMPACT_SCHEMA_VERSION = 3;

/** The migrations, in order: migration i brings the schema to version i + 1. */
export function migrations(n: Names): readonly string[] {
  const t = (name: string) => n.t(name);
  return [
    `CREATE EXTENSION IF NOT EXISTS vector;
     CREATE TABLE ${t('article_content')} (
       key text PRIMARY KEY,
       text text NOT NULL,
       blocks int[] NOT NULL,
       sentences int[] NOT NULL,
       headings text[] NOT NULL,
       sentence_count int NOT NULL,
       chunk_count int NOT NULL
     );
     CREATE TABLE ${t('chunk')} (
       content_key text NOT NULL REFERENCES ${t('article_content')} (key) ON DELETE CASCADE,
       ordinal int NOT NULL,
       start_char int NOT NULL,
       end_char int NOT NULL,
       text_from int NOT NULL,
       text_length int NOT NULL,
       sentence_start int NOT NULL,
       sentence_end int NOT NULL,
       token_count int NOT NULL,
       heading text,
       digest int NOT NULL,
       embedding vector(${VECTOR_DIMENSIONS}) NOT NULL,
       PRIMARY KEY (content_key, ordinal)
     );
     CREATE TABLE ${t('sentence')} (
       content_key text NOT NULL REFERENCES ${t('article_content')} (key) ON DELETE CASCADE,
       idx int NOT NULL,
       embedding vector(${VECTOR_DIMENSIONS}) NOT NULL,
       PRIMARY KEY (content_key, idx)
     );
     CREATE TABLE ${t('chunk_term')} (
       term text NOT NULL,
       content_key text NOT NULL,
       ordinal int NOT NULL,
       tf int NOT NULL,
       length real NOT NULL,
       PRIMARY KEY (term, content_key, ordinal),
       FOREIGN KEY (content_key, ordinal) REFERENCES ${t('chunk')} (content_key, ordinal) ON DELETE CASCADE
     );
     CREATE INDEX ON ${t('chunk_term')} (content_key);
     CREATE TABLE ${t('generation')} (
       id text PRIMARY KEY,
       built_at text NOT NULL,
       published_at timestamptz NOT NULL DEFAULT now(),
       manifest jsonb NOT NULL,
       lexical jsonb NOT NULL,
       vocabulary jsonb NOT NULL
     );
     CREATE TABLE ${t('generation_article')} (
       generation_id text NOT NULL REFERENCES ${t('generation')} (id) ON DELETE CASCADE,
       row int NOT NULL,
       article_id text NOT NULL,
       content_key text NOT NULL REFERENCES ${t('article_content')} (key),
       meta jsonb NOT NULL,
       first_label int NOT NULL,
       chunk_count int NOT NULL,
       PRIMARY KEY (generation_id, row),
       UNIQUE (generation_id, article_id)
     );
     CREATE INDEX ON ${t('generation_article')} (content_key, generation_id);
     CREATE TABLE ${t('live')} (
       singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
       generation_id text NOT NULL REFERENCES ${t('generation')} (id),
       previous_id text REFERENCES ${t('generation')} (id),
       switched_at timestamptz NOT NULL DEFAULT now()
     );
     CREATE TABLE ${t('publish_lock')} (
       singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
       holder text NOT NULL,
       host text NOT NULL,
       pid int NOT NULL,
       acquired_at timestamptz NOT NULL DEFAULT now(),
       heartbeat_at timestamptz NOT NULL DEFAULT now()
     );`,
    // 2: PostgreSQL full-text search as the other lexical side (PostgresStoreOptions.lexical = 'fts'): each chunk's
    // title (A), heading (B) and text (C) as an English tsvector, with a GIN index.
    `ALTER TABLE ${t('chunk')} ADD COLUMN fts tsvector;
     UPDATE ${t('chunk')} c SET fts = ${chunkTsvector('g.title', 'c.heading', 'substr(a.text, c.text_from, c.text_length)')}
       FROM ${t('article_content')} a, (SELECT DISTINCT ON (content_key) content_key, meta->>'title' AS title FROM ${t('generation_article')}) g
       WHERE a.key = c.content_key AND g.content_key = c.content_key;
     CREATE INDEX ON ${t('chunk')} USING gin (fts);`,
    // 3: impact-ordered postings (lexical-query.ts postingImpact): a question reads each term's best postings first and
    // stops at the term's share of its budget (postingLimits), through an index on (term, impact DESC) that holds what
    // scoring needs. The key becomes (content_key, term, ordinal): it serves the cascade from a deleted content and a
    // filtered search's probes (contents × terms). Existing postings get their impact with the live generation's
    // average length.
    `ALTER TABLE ${t('chunk_term')} ADD COLUMN impact real;
     UPDATE ${t('chunk_term')} SET impact = ${impactSql('tf', 'length', 'a.average')}
       FROM (SELECT coalesce((SELECT nullif((g.lexical->>'averageLength')::float8, 0) FROM ${t('live')} l JOIN ${t('generation')} g ON g.id = l.generation_id),
                             (SELECT avg(length) FROM ${t('chunk_term')}), 1) AS average) a;
     ALTER TABLE ${t('chunk_term')} ALTER COLUMN impact SET NOT NULL;
     ALTER TABLE ${t('chunk_term')} DROP CONSTRAINT chunk_term_pkey;
     ALTER TABLE ${t('chunk_term')} ADD PRIMARY KEY (content_key, term, ordinal);
     DROP INDEX "${n.schema}".chunk_term_content_key_idx;
     CREATE INDEX chunk_term_impact ON ${t('chunk_term')} (term, impact DESC) INCLUDE (content_key, ordinal, tf, length);`,
  ];
}

/**
 * Creates the chunk vectors' HNSW index if there is none: after the first publish has inserted its
 * chunks, since building the graph over loaded rows is ~5× faster than growing it row by row (on
 * PGlite, 10k vectors: 54–67 s against ~300 s). Later publishes add to it.
 */
export async function ensureVectorIndex(pool: pg.Pool, n: Names): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS chunk_embedding_hnsw ON ${n.t('chunk')} USING hnsw (embedding vector_cosine_ops) WITH (m = ${HNSW_M}, ef_construction = ${HNSW_EF_CONSTRUCTION})`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** postingImpact as SQL, over SQL expressions of the posting's tf (in tenths), its chunk's length and the average length. */
function impactSql(tf: string, length: string, averageLength: string): string {
  const frequency = `(${tf}::float8 / ${TF_SCALE})`;
  return `${frequency} * ${BM25_K1 + 1} / (${frequency} + ${BM25_K1} * (1 - ${BM25_B} + ${BM25_B} * ${length} / ${averageLength}))`;
}

/** The full-text vector of a chunk from SQL expressions of its title, heading and text. */
export function chunkTsvector(title: string, heading: string, text: string): string {
  return `setweight(to_tsvector('english', coalesce(${title}, '')), 'A') || setweight(to_tsvector('english', coalesce(${heading}, '')), 'B') || setweight(to_tsvector('english', ${text}), 'C')`;
}

/** The schema version this code reads and writes. */
export function schemaVersion(n: Names): number {
  return migrations(n).length;
}

/**
 * The advisory lock every migration runs under: one for the whole database, not per schema, since the first
 * migration creates the `vector` extension, which is the database's (two schemas' first publishes at once would
 * otherwise both try to create it).
 */
export const MIGRATION_LOCK_KEY = 0x76627467; // "vbtg"

/**
 * Creates the schema and runs the migrations it has not had, each in its own transaction under a
 * transaction-level advisory lock (MIGRATION_LOCK_KEY) taken before anything else — creating the schema and
 * the `schema_version` table included: `CREATE … IF NOT EXISTS` is not safe against a concurrent twin
 * (both can pass the check, and one then fails on a duplicate key in the catalog), so two processes starting
 * on a new database (two bot replicas, a bot and `npm run index`) take turns, and the second finds the work
 * done. Returns the version the schema is at.
 */
export async function migrate(pool: pg.Pool, n: Names): Promise<number> {
  const steps = migrations(n);
  const client = await pool.connect();
  try {
    for (;;) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${n.schema}"`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${n.t('schema_version')} (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
        const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${n.t('schema_version')}`);
        const version = rows[0]?.version ?? 0;
        if (version >= steps.length) {
          await client.query('COMMIT');
          return version;
        }
        await client.query(steps[version]!);
        await client.query(`INSERT INTO ${n.t('schema_version')} (version) VALUES ($1)`, [version + 1]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
  } finally {
    client.release();
  }
}

/** The version a schema is at (0: not created), without changing it. */
export async function currentSchemaVersion(pool: pg.Pool, n: Names): Promise<number> {
  const { rows } = await pool.query<{ exists: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [`"${n.schema}".schema_version`]);
  if (rows[0]?.exists !== true) return 0;
  const version = await pool.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${n.t('schema_version')}`);
  return version.rows[0]?.version ?? 0;
}
