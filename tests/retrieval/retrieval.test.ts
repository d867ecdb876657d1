import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../src/answer/library.js';
import { searchPassages, DEFAULT_PASSAGE_SEARCH } from '../../src/retrieval/passage-search.js';
import { VerbatimRetriever } from '../../src/retrieval/langchain.js';
import { reciprocalRankFusion } from '../../src/retrieval/rrf.js';
import { seedLibrary, type SeedWorkspace } from '../support/seed-index.js';
import { snapshotOf } from '../support/file-snapshot.js';

describe('reciprocal rank fusion', () => {
  it('ranks items several lists agree on first, whatever the score scales', () => {
    const fused = reciprocalRankFusion<string>([{ items: ['a', 'b', 'c'] }, { items: ['c', 'b', 'd'] }], (x) => x);
    expect([...fused.keys()]).toEqual(['c', 'b', 'a', 'd']); // 1/63 + 1/61 > 2/62
    expect(fused.get('b')).toBeCloseTo(2 / 62, 10);
  });

  it('weights a list', () => {
    const fused = reciprocalRankFusion<string>([{ items: ['a'] }, { items: ['b'], weight: 2 }], (x) => x);
    expect([...fused.keys()]).toEqual(['b', 'a']);
  });
});

let seed: SeedWorkspace & { library: Library };
beforeAll(async () => {
  seed = await seedLibrary();
});
afterAll(async () => {
  await seed?.cleanup();
});

describe('passage search', () => {
  const question = 'What share of Russians have a positive opinion of the U.S., according to the Levada Center?';

  it.each(['dense', 'lexical', 'hybrid'] as const)('%s mode finds the Levada passage first', async (mode) => {
    const vector = await seed.library.embeddings.embedOne(question);
    const hits = await searchPassages(seed.library.store, question, vector, { ...DEFAULT_PASSAGE_SEARCH, mode, k: 5 });
    expect(hits[0]!.chunk.text).toContain('Levada Center');
    expect(hits.length).toBeLessThanOrEqual(5);
    if (mode === 'dense') expect(hits.every((h) => h.lexical === 0)).toBe(true);
  });

  it('drops near-duplicate passages', async () => {
    const q = 'The Kremlin says it remains open to a meeting between Vladimir Putin and Donald Trump';
    const vector = await seed.library.embeddings.embedOne(q);
    const all = await searchPassages(seed.library.store, q, vector, { ...DEFAULT_PASSAGE_SEARCH, k: 20, duplicateSimilarity: 1.01 });
    const distinct = await searchPassages(seed.library.store, q, vector, { ...DEFAULT_PASSAGE_SEARCH, k: 20, duplicateSimilarity: 0.8 });
    expect(distinct.length).toBeLessThan(all.length);
    const ids = new Set(distinct.map((h) => h.chunk.articleId));
    expect(ids.size).toBeGreaterThan(1); // an answer may draw from several articles
  });
});

describe('VerbatimRetriever (LangChain BaseRetriever)', () => {
  it('returns the best passages as Documents through invoke()', async () => {
    const retriever = new VerbatimRetriever({ snapshot: snapshotOf(seed.library), embeddings: seed.library.embeddings, search: { k: 3 } });
    const docs = await retriever.invoke('Who was Mike Pompeo?');
    expect(docs).toHaveLength(3);
    expect(docs[0]!.pageContent).toContain('Mike Pompeo');
    expect(docs[0]!.metadata).toMatchObject({ articleId: '002_bb33988446a060da', path: '002_bb33988446a060da.txt' });
    expect(typeof docs[0]!.metadata.score).toBe('number');
  });
});
