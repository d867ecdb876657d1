/**
 * For the PostgreSQL store's tests: a copy of the seed corpus with its file index built (the real
 * model), a schema of its own on the test run's PGlite server, and a pool on it.
 */
import { appendFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { buildIndex, type BuildSummary } from '../../src/index/build.js';
import { Names, openPool } from '../../src/index/postgres/database.js';
import { freshSchema } from './pglite-url.js';
import { loadEmbeddings, seedWorkspace, type SeedWorkspace } from './seed-index.js';

export interface PostgresWorkspace extends SeedWorkspace {
  url: string;
  names: Names;
  pool: pg.Pool;
  embeddings: LocalEmbeddings;
  /** Builds (incrementally) the workspace's corpus into its index directory. */
  build(): Promise<BuildSummary>;
  /** Appends a sentence to one seed article (an edit: its content hash changes). */
  editArticle(index: number, sentence: string): Promise<string>;
  close(): Promise<void>;
}

export async function postgresWorkspace(label: string): Promise<PostgresWorkspace> {
  const [{ url, schema }, workspace, embeddings] = await Promise.all([freshSchema(label), seedWorkspace(), loadEmbeddings()]);
  const names = new Names(schema);
  const pool = openPool(url);
  return {
    ...workspace,
    url,
    names,
    pool,
    embeddings,
    build: () => buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings }),
    async editArticle(index, sentence) {
      const files = (await readdir(workspace.corpusDir)).filter((name) => !name.startsWith('.')).sort();
      const file = files[index]!;
      await appendFile(path.join(workspace.corpusDir, file), `\n\n${sentence}\n`);
      return file;
    },
    async close() {
      await pool.end();
      await workspace.cleanup();
    },
  };
}
