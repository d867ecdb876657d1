/**
 * The PostgreSQL store on the test run's PGlite server: publishing the seed index, reading it back
 * through the store, incremental publishes by content hash, the failed publish, the lock and prune.
 * Needs the model (loadEmbeddings, through support/postgres-index.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexSnapshot } from '../../src/index/snapshot.js';
import { PublishLock } from '../../src/index/postgres/lock.js';
import { PostgresStore } from '../../src/index/postgres/postgres-store.js';
import { publishGeneration } from '../../src/index/postgres/publish.js';
import { postgresWorkspace, type PostgresWorkspace } from '../support/postgres-index.js';

const QUESTIONS = [
  'When could the Putin-Trump meeting take place, according to the Kremlin?',
  'What did the envoy say about the meeting?',
  'sanctions on Russian oil exports',
];

let ws: PostgresWorkspace;
let firstGeneration: string;

async function count(table: string): Promise<number> {
  const { rows } = await ws.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${ws.names.t(table)}`);
  return Number(rows[0]!.n);
}

beforeAll(async () => {
  ws = await postgresWorkspace('publish');
  const built = await ws.build();
  firstGeneration = (await publishGeneration(ws.pool, ws.names, built.generationDir)).generation;
});

afterAll(async () => {
  await ws?.close();
});

describe('publishing the seed index', () => {
  it('stores each article once, its chunks and sentences with their vectors, and makes the generation live', async () => {
    const snapshot = await IndexSnapshot.open(ws.indexDir);
    const { counts } = snapshot.manifest;
    expect(await count('article_content')).toBe(counts.articles);
    expect(await count('chunk')).toBe(counts.chunks);
    expect(await count('sentence')).toBe(counts.sentences);
    expect(await count('chunk_term')).toBeGreaterThan(counts.chunks);
    const indexes = await ws.pool.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'chunk_embedding_hnsw'`, [ws.names.schema]);
    expect(indexes.rows[0]?.indexdef).toMatch(/USING hnsw \(embedding vector_cosine_ops\) WITH \(m='?16'?, ef_construction='?200'?\)/);
    const store = await PostgresStore.open({ url: ws.url, schema: ws.names.schema });
    try {
      expect(store.generation.id).toBe(firstGeneration);
      expect(await store.liveGeneration()).toBe(firstGeneration);
      expect(store.articles).toEqual(snapshot.articles);
      for (const article of snapshot.articles) expect(store.chunkCount(article.id)).toBe(snapshot.chunksOf(article.id).length);
      expect(store.vocabulary.size).toBe(snapshot.vocabulary.size);
      for (const term of ['kremlin', 'meet', 'zzzz']) expect(store.terms.idf(term)).toBeCloseTo(snapshot.lexical.idf(term), 9);
    } finally {
      await store.close();
      snapshot.close();
    }
  });

  it('answers search and articleViews as the file index does', async () => {
    const snapshot = await IndexSnapshot.open(ws.indexDir);
    const store = await PostgresStore.open({ url: ws.url, schema: ws.names.schema });
    try {
      for (const question of QUESTIONS) {
        const vector = Float32Array.from(await ws.embeddings.embedQuery(question));
        const result = await store.search({ vector, text: question, depth: 10 });
        const fileDense = snapshot.hnsw.searchLabels(vector, 10);
        const fileLexical = snapshot.lexical.query(question, 10);
        // The seed index is small: both HNSW searches are exact here.
        expect(result.dense.map((hit) => hit.label)).toEqual(fileDense.map((hit) => hit.label));
        result.dense.forEach((hit, i) => expect(hit.score).toBeCloseTo(fileDense[i]!.score, 5));
        expect(result.lexical.map((hit) => hit.label)).toEqual(fileLexical.map((hit) => hit.label));
        result.lexical.forEach((hit, i) => expect(hit.score).toBeCloseTo(fileLexical[i]!.score, 4));
        for (const [label, passage] of result.passages) {
          expect(passage.chunk).toEqual(snapshot.chunk(label));
          expect(passage.vector).toEqual(snapshot.chunkVector(label));
        }
        expect(new Set(result.passages.keys())).toEqual(new Set([...fileDense, ...fileLexical].map((hit) => hit.label)));
      }
      const [first, second] = snapshot.articles;
      const views = await store.articleViews([{ id: second!.id, sentences: [0, 2, 999] }, { id: 'no-such-article' }, { id: first!.id }]);
      expect(views.map((view) => view.article.id)).toEqual([second!.id, first!.id]);
      const fileArticle = snapshot.article(second!.id)!;
      expect(views[0]!.article).toEqual(fileArticle);
      expect(views[0]!.chunks).toEqual(snapshot.chunksOf(second!.id));
      expect([...views[0]!.sentenceVectors.keys()].sort()).toEqual([0, 2]);
      expect(views[0]!.sentenceVectors.get(2)).toEqual(snapshot.sentenceVector(second!.id, 2));
      expect(views[1]!.sentenceVectors.size).toBe(snapshot.article(first!.id)!.sentences.length);
      const chunk = views[0]!.chunks[0]!;
      expect(views[0]!.passageIntact(chunk)).toBe(true);
      expect(views[0]!.passageIntact({ ...chunk, text: `${chunk.text}x` })).toBe(false);
      const filtered = await store.search({ vector: Float32Array.from(await ws.embeddings.embedQuery(QUESTIONS[0]!)), text: QUESTIONS[0]!, depth: 10, filter: { articleIds: [first!.id] } });
      expect(filtered.dense.length).toBeGreaterThan(0);
      for (const passage of filtered.passages.values()) expect(passage.chunk.articleId).toBe(first!.id);
      const none = await store.search({ vector: Float32Array.from(await ws.embeddings.embedQuery(QUESTIONS[0]!)), text: QUESTIONS[0]!, depth: 10, filter: { articleIds: [] } });
      expect(none.dense).toEqual([]);
      expect(none.lexical).toEqual([]);
    } finally {
      await store.close();
      snapshot.close();
    }
  });

  it('searches with PostgreSQL full-text search instead of BM25 when asked (lexical: fts)', async () => {
    const store = await PostgresStore.open({ url: ws.url, schema: ws.names.schema, lexical: 'fts' });
    try {
      const result = await store.search({ text: 'When could the meeting take place, according to the Kremlin?', depth: 5 });
      expect(result.lexical.length).toBeGreaterThan(0);
      expect(result.dense).toEqual([]);
      for (const hit of result.lexical) expect(result.passages.get(hit.label)!.chunk.text.toLowerCase()).toMatch(/kremlin|meet|place|take|accord/);
      expect(result.passages.get(result.lexical[0]!.label)!.chunk.text).toContain('Kremlin');
      expect((await store.search({ text: '?!', depth: 5 })).lexical).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('publishing again', () => {
  it('inserts only the edited article, keeps the previous generation, and prunes what no kept generation holds', async () => {
    const chunksBefore = await count('chunk');
    await ws.editArticle(1, 'The ministry added a note about the harbour in Tallinn on Friday.');
    const second = await publishGeneration(ws.pool, ws.names, (await ws.build()).generationDir);
    expect(second.inserted.articles).toBe(1);
    expect(second.reused).toBe(4);
    expect(second.previous).toBe(firstGeneration);
    expect(second.pruned).toEqual({ generations: 0, contents: 0 });
    expect(await count('article_content')).toBe(6);
    expect(await count('chunk')).toBe(chunksBefore + second.inserted.chunks);

    // Publishing the same generation again only switches (nothing inserted).
    const again = await publishGeneration(ws.pool, ws.names, (await IndexSnapshot.open(ws.indexDir)).dir);
    expect(again.alreadyPublished).toBe(true);
    expect(again.inserted.articles).toBe(0);

    await ws.editArticle(2, 'A later correction named the port of Riga instead.');
    const third = await publishGeneration(ws.pool, ws.names, (await ws.build()).generationDir);
    expect(third.inserted.articles).toBe(1);
    // The first generation is gone, and with it the old text of article 1 (no kept generation holds it).
    expect(third.pruned).toEqual({ generations: 1, contents: 1 });
    expect(await count('generation')).toBe(2);
    expect(await count('article_content')).toBe(6);
    const orphans = await ws.pool.query(`SELECT 1 FROM ${ws.names.t('chunk_term')} t WHERE NOT EXISTS (SELECT 1 FROM ${ws.names.t('chunk')} c WHERE c.content_key = t.content_key)`);
    expect(orphans.rowCount).toBe(0);
  });

  it('leaves the live generation serving when a publish fails before the switch', async () => {
    const live = (await ws.pool.query<{ generation_id: string }>(`SELECT generation_id FROM ${ws.names.t('live')}`)).rows[0]!.generation_id;
    await ws.editArticle(3, 'This sentence belongs to a build whose publish fails.');
    const built = await ws.build();
    await expect(
      publishGeneration(ws.pool, ws.names, built.generationDir, {
        beforeSwitch: () => {
          throw new Error('disk full (simulated)');
        },
      }),
    ).rejects.toThrow('disk full (simulated)');
    const store = await PostgresStore.open({ url: ws.url, schema: ws.names.schema });
    try {
      expect(store.generation.id).toBe(live);
      expect(await store.liveGeneration()).toBe(live);
    } finally {
      await store.close();
    }
    // The lock was given back: the same generation publishes now, and the content inserted by the failed attempt is reused.
    const retry = await publishGeneration(ws.pool, ws.names, built.generationDir);
    expect(retry.alreadyPublished).toBe(true);
    expect(retry.previous).toBe(live);
  });

  it('refuses a second publisher while one holds the lock, naming it', async () => {
    const lock = await PublishLock.acquire(ws.pool, ws.names);
    try {
      const generationDir = (await IndexSnapshot.open(ws.indexDir)).dir;
      await expect(publishGeneration(ws.pool, ws.names, generationDir)).rejects.toThrow(/Another index build is publishing to PostgreSQL .*process \d+ on /);
      // The holder publishes under its lock.
      await expect(publishGeneration(ws.pool, ws.names, generationDir, { lock })).resolves.toMatchObject({ alreadyPublished: true });
    } finally {
      await lock.release();
    }
    const after = await PublishLock.acquire(ws.pool, ws.names);
    await after.release();
  });
});
