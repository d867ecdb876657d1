/**
 * The PostgreSQL store's BM25 reads each question term's postings best impact first and stops after
 * `postingsPerTerm`, or its share of `postingsPerQuestion` (index chunk_term_impact, migration 3): when every
 * term's postings fit, it is the file store's BM25 exactly; otherwise the hits are the terms' best postings. A filtered search reads
 * the filter's articles by key, exactly. Migration 3 gives postings published before it their impact,
 * and a store on a schema not yet migrated still answers. Needs the model (through postgres-index.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileIndexStore } from '../../src/index/file-store.js';
import { postingImpact } from '../../src/index/postgres/lexical-query.js';
import { PostgresStore } from '../../src/index/postgres/postgres-store.js';
import { publishGeneration } from '../../src/index/postgres/publish.js';
import { migrate } from '../../src/index/postgres/schema.js';
import type { ScoredLabel } from '../../src/index/store.js';
import { terms } from '../../src/index/terms.js';
import { postgresWorkspace, type PostgresWorkspace } from '../support/postgres-index.js';

const DEPTH = 50;

let ws: PostgresWorkspace;
let file: FileIndexStore;
/** Two terms of many chunks (each its own only term as a question), with their chunk counts. */
let common: { term: string; chunks: number };
let other: { term: string; chunks: number };

/** Whether a list's scores differ between ranks k and k + 1 for every k given (1-based), so "the best k" is one set. */
function untiedAt(hits: readonly ScoredLabel[], ks: readonly number[]): boolean {
  return ks.every((k) => hits.length > k && hits[k - 1]!.score - hits[k]!.score > 1e-4);
}

beforeAll(async () => {
  ws = await postgresWorkspace('impact');
  const built = await ws.build();
  await publishGeneration(ws.pool, ws.names, built.generationDir);
  file = await FileIndexStore.open(ws.indexDir);
  const { rows } = await ws.pool.query<{ term: string; chunks: string }>(
    `SELECT term, count(*) AS chunks FROM ${ws.names.t('chunk_term')} GROUP BY term HAVING count(*) >= 8 ORDER BY count(*) DESC, term`,
  );
  const found: { term: string; chunks: number }[] = [];
  for (const row of rows) {
    if (terms(row.term).join(' ') !== row.term) continue;
    if (untiedAt(await lexical(file, row.term), [2, 3, 4])) found.push({ term: row.term, chunks: Number(row.chunks) });
    if (found.length === 2) break;
  }
  expect(found).toHaveLength(2);
  [common, other] = [found[0]!, found[1]!];
}, 180_000);

afterAll(async () => {
  await ws?.close();
});

async function lexical(store: FileIndexStore | PostgresStore, text: string, articleIds?: string[]): Promise<ScoredLabel[]> {
  const result = await store.search({ text, depth: DEPTH, ...(articleIds === undefined ? {} : { filter: { articleIds } }) });
  return result.lexical;
}

function expectSameHits(actual: readonly ScoredLabel[], expected: readonly ScoredLabel[]): void {
  expect(actual.map((hit) => hit.label)).toEqual(expected.map((hit) => hit.label));
  actual.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 4));
}

describe('impact-ordered postings', () => {
  it('stores each posting with its BM25 term-frequency part as its impact', async () => {
    const statistics = (await ws.pool.query<{ average: number }>(`SELECT (lexical->>'averageLength')::float8 AS average FROM ${ws.names.t('generation')}`)).rows[0]!;
    const { rows } = await ws.pool.query<{ tf: number; length: number; impact: number }>(`SELECT tf, length, impact FROM ${ws.names.t('chunk_term')} ORDER BY random() LIMIT 200`);
    expect(rows.length).toBe(200);
    for (const row of rows) expect(row.impact).toBeCloseTo(postingImpact(row.tf, row.length, statistics.average), 5);
  });

  it('reads the best postings of a common term only, and every posting of the rest', async () => {
    const store = await PostgresStore.open({ url: ws.url, schema: ws.names.schema, postingsPerTerm: 3 });
    try {
      const exact = await lexical(file, common.term);
      expect(exact.length).toBe(Math.min(common.chunks, DEPTH));
      // One term: its best three postings by impact are its three best chunks.
      expectSameHits(await lexical(store, common.term), exact.slice(0, 3));
      // Two terms: each term contributes its best three, so every hit is in one of the two top threes, scored at most exactly.
      const tops = new Set([...(await lexical(file, common.term)).slice(0, 3), ...(await lexical(file, other.term)).slice(0, 3)].map((hit) => hit.label));
      const both = await lexical(store, `${common.term} ${other.term}`);
      const exactBoth = new Map((await lexical(file, `${common.term} ${other.term}`)).map((hit) => [hit.label, hit.score]));
      expect(both.length).toBeGreaterThan(0);
      expect(both.length).toBeLessThanOrEqual(6);
      for (const hit of both) {
        expect(tops.has(hit.label)).toBe(true);
        expect(hit.score).toBeLessThanOrEqual(exactBoth.get(hit.label)! + 1e-6);
      }
    } finally {
      await store.close();
    }
  });

  it('shares a question’s budget among its terms', async () => {
    const store = await PostgresStore.open({ url: ws.url, schema: ws.names.schema, postingsPerQuestion: 4 });
    try {
      // Alone, the term takes the whole budget (its best four); beside another common term, two each.
      expectSameHits(await lexical(store, common.term), (await lexical(file, common.term)).slice(0, 4));
      const both = await lexical(store, `${common.term} ${other.term}`);
      const tops = new Set([...(await lexical(file, common.term)).slice(0, 2), ...(await lexical(file, other.term)).slice(0, 2)].map((hit) => hit.label));
      expect(both.length).toBeGreaterThan(0);
      expect(both.length).toBeLessThanOrEqual(4);
      for (const hit of both) expect(tops.has(hit.label)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('is the file store BM25 exactly when no term is in more chunks than it reads', async () => {
    const store = await PostgresStore.open({ url: ws.url, schema: ws.names.schema });
    try {
      for (const question of [common.term, 'When could the Putin-Trump meeting take place, according to the Kremlin?', 'sanctions on Russian oil exports']) {
        expectSameHits(await lexical(store, question), await lexical(file, question));
      }
    } finally {
      await store.close();
    }
  });

  it('scores a filtered search exactly, over the filter’s articles only, however few postings it reads per term', async () => {
    const store = await PostgresStore.open({ url: ws.url, schema: ws.names.schema, postingsPerTerm: 1 });
    try {
      const articleIds = file.articles.slice(1, 3).map((article) => article.id);
      const expected = await lexical(file, common.term, articleIds);
      expect(expected.length).toBeGreaterThan(1);
      expectSameHits(await lexical(store, common.term, articleIds), expected);
    } finally {
      await store.close();
    }
  });

  it('rejects a postingsPerTerm or postingsPerQuestion that is not a whole number above 0', async () => {
    await expect(PostgresStore.open({ url: ws.url, schema: ws.names.schema, postingsPerTerm: 0 })).rejects.toThrow(/postingsPerTerm must be a whole number above 0/);
    await expect(PostgresStore.open({ url: ws.url, schema: ws.names.schema, postingsPerQuestion: 2.5 })).rejects.toThrow(/postingsPerQuestion must be a whole number above 0/);
  });
});

describe('migration 3 on postings published before it', () => {
  it('answers from a schema at version 2, and after migrating gives each posting its impact and reads by it', async () => {
    const t = (table: string) => ws.names.t(table);
    const question = 'When could the Putin-Trump meeting take place, according to the Kremlin?';
    const expected = await lexical(file, question);
    // Back to version 2's postings: no impact, keyed by (term, content_key, ordinal), indexed by content_key.
    await ws.pool.query(`DROP INDEX "${ws.names.schema}".chunk_term_impact;
      ALTER TABLE ${t('chunk_term')} DROP COLUMN impact;
      ALTER TABLE ${t('chunk_term')} DROP CONSTRAINT chunk_term_pkey;
      ALTER TABLE ${t('chunk_term')} ADD PRIMARY KEY (term, content_key, ordinal);
      CREATE INDEX ON ${t('chunk_term')} (content_key);
      DELETE FROM ${t('schema_version')} WHERE version = 3;`);
    const old = await PostgresStore.open({ url: ws.url, schema: ws.names.schema, postingsPerTerm: 1 });
    try {
      expectSameHits(await lexical(old, question), expected);
    } finally {
      await old.close();
    }
    expect(await migrate(ws.pool, ws.names)).toBe(3);
    const average = (await ws.pool.query<{ average: number }>(`SELECT (lexical->>'averageLength')::float8 AS average FROM ${t('generation')}`)).rows[0]!.average;
    const { rows } = await ws.pool.query<{ tf: number; length: number; impact: number }>(`SELECT tf, length, impact FROM ${t('chunk_term')}`);
    for (const row of rows) expect(row.impact).toBeCloseTo(postingImpact(row.tf, row.length, average), 5);
    const migrated = await PostgresStore.open({ url: ws.url, schema: ws.names.schema, postingsPerTerm: 3 });
    try {
      expectSameHits(await lexical(migrated, common.term), (await lexical(file, common.term)).slice(0, 3));
    } finally {
      await migrated.close();
    }
  });
});

describe('content the live generation no longer holds', () => {
  it('is never a hit, and the lists still fill to the depth, in the file store’s order', async () => {
    await ws.editArticle(0, 'The Kremlin said the summit would take place in Alaska, the envoy confirmed on Monday.');
    const built = await ws.build();
    const summary = await publishGeneration(ws.pool, ws.names, built.generationDir);
    expect(summary.inserted.articles).toBe(1);
    const fresh = await FileIndexStore.open(ws.indexDir);
    // The edited article's old content stays in the database for the previous generation.
    expect(Number((await ws.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${ws.names.t('article_content')}`)).rows[0]!.n)).toBe(fresh.articles.length + 1);
    const store = await PostgresStore.open({ url: ws.url, schema: ws.names.schema });
    try {
      const text = 'When will the Kremlin summit with the envoy take place?';
      const vector = await ws.embeddings.embedOne(text);
      const [expected, actual] = [await fresh.search({ text, vector, depth: 20 }), await store.search({ text, vector, depth: 20 })];
      expect(actual.lexical.length).toBe(expected.lexical.length);
      expectSameHits(actual.lexical, expected.lexical);
      expect(actual.dense.map((hit) => hit.label)).toEqual(expected.dense.map((hit) => hit.label));
      for (const [label, passage] of actual.passages) expect(passage.chunk.text).toBe(expected.passages.get(label)?.chunk.text);
    } finally {
      await store.close();
    }
  });
});
