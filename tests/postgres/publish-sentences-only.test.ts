/**
 * Publishing a sentences-only index (#13) to PostgreSQL: the kind of vectors is part of what makes
 * two articles' stored records the same (contentKey), so switching kinds inserts every article again
 * with the new chunk vectors, and the store then answers with them as the file index does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.js';
import { manifestSentenceVectors } from '../../src/index/manifest.js';
import { IndexSnapshot } from '../../src/index/snapshot.js';
import { PostgresStore } from '../../src/index/postgres/postgres-store.js';
import { publishGeneration } from '../../src/index/postgres/publish.js';
import { postgresWorkspace, type PostgresWorkspace } from '../support/postgres-index.js';

const QUESTION = 'When could the Putin-Trump meeting take place, according to the Kremlin?';
const SLOW = 600_000;

let ws: PostgresWorkspace;

beforeAll(async () => {
  ws = await postgresWorkspace('publish-sentences-only');
}, SLOW);

afterAll(async () => {
  await ws?.close();
});

describe('publishing a sentences-only index', () => {
  it('inserts every article again when the kind changes, and serves the pooled chunk vectors', async () => {
    const separate = await publishGeneration(ws.pool, ws.names, (await ws.build()).generationDir);
    expect(separate.inserted.articles).toBe(5);

    const built = await buildIndex({ corpusDir: ws.corpusDir, indexDir: ws.indexDir, embeddings: ws.embeddings, sentenceVectors: 'sentences-only' });
    expect(built.embedded).toEqual({ chunks: 0, sentences: 0 });
    const published = await publishGeneration(ws.pool, ws.names, built.generationDir);
    expect(published.inserted.articles).toBe(5);
    expect(published.reused).toBe(0);

    const snapshot = await IndexSnapshot.open(ws.indexDir);
    const store = await PostgresStore.open({ url: ws.url, schema: ws.names.schema });
    try {
      expect(manifestSentenceVectors(snapshot.manifest)).toBe('sentences-only');
      expect(store.generation.id).toBe(published.generation);
      const vector = Float32Array.from(await ws.embeddings.embedQuery(QUESTION));
      const result = await store.search({ vector, text: QUESTION, depth: 10 });
      const fileDense = snapshot.hnsw.searchLabels(vector, 10);
      expect(result.dense.map((hit) => hit.label)).toEqual(fileDense.map((hit) => hit.label));
      result.dense.forEach((hit, i) => expect(hit.score).toBeCloseTo(fileDense[i]!.score, 5));
      expect(result.passages.size).toBeGreaterThan(0);
      for (const [label, passage] of result.passages) expect(passage.vector).toEqual(snapshot.chunkVector(label));
    } finally {
      await store.close();
      snapshot.close();
    }
  }, SLOW);
});
