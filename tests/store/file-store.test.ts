/**
 * The store contract (contract.ts) run for the file store, and shown to fail for stores that break
 * it. Reads ../shared/eval/dev-questions.json and ../shared/eval/squad-dev-v1.1.json, and the model
 * (loadEmbeddings, in contract-corpus.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileIndexStore } from '../../src/index/file-store.js';
import type { IndexStore } from '../../src/index/store.js';
import { behaviourProblems, compareAnswers, contractFailures, describeStoreContract, releaseContractCorpus, sharedContractCorpus } from './contract.js';
import type { ContractCorpus } from './contract-corpus.js';

afterAll(releaseContractCorpus);

describeStoreContract('file', (corpus) => FileIndexStore.open(corpus.indexDir));

/** The file store with some of its answers replaced. */
function altered(base: IndexStore, change: Partial<Pick<IndexStore, 'search' | 'articleViews'>>): IndexStore {
  return {
    kind: base.kind,
    generation: base.generation,
    location: base.location,
    dimensions: base.dimensions,
    articles: base.articles,
    vocabulary: base.vocabulary,
    terms: base.terms,
    chunkCount: (id) => base.chunkCount(id),
    search: change.search ?? ((request) => base.search(request)),
    articleViews: change.articleViews ?? ((requests) => base.articleViews(requests)),
    liveGeneration: () => base.liveGeneration(),
    close: () => Promise.resolve(),
  };
}

describe('the store contract fails a store that breaks it', () => {
  let corpus: ContractCorpus;
  let reference: FileIndexStore;

  beforeAll(async () => {
    corpus = await sharedContractCorpus();
    reference = await FileIndexStore.open(corpus.indexDir);
  });
  afterAll(() => reference?.close());

  it('a store whose dense hits come worst first', async () => {
    const store = altered(reference, { search: async (request) => {
      const found = await reference.search(request);
      return { ...found, dense: [...found.dense].reverse() };
    } });
    const failures = contractFailures(await compareAnswers(reference, store, corpus));
    expect(failures.some((f) => f.startsWith('first passage as the file store'))).toBe(true);
    expect(await behaviourProblems(store, reference, corpus)).toContain('dense hits are not best first');
  });

  it('a store whose sentences are one character off', async () => {
    const store = altered(reference, { articleViews: async (requests) =>
      (await reference.articleViews(requests)).map((view) => ({ ...view, article: { ...view.article, sentences: view.article.sentences.map((s) => ({ ...s, start: s.start + 1 })) } })),
    });
    const report = await compareAnswers(reference, store, corpus);
    expect(contractFailures(report).some((f) => f.startsWith('same quotes on'))).toBe(true);
    expect((await behaviourProblems(store, reference, corpus)).some((p) => p.endsWith('sentences differ'))).toBe(true);
  });

  it('a store that ignores filters', async () => {
    const store = altered(reference, { search: (request) => reference.search({ ...request, filter: undefined }) });
    const problems = await behaviourProblems(store, reference, corpus);
    expect(problems).toContain('an empty filter found something');
    expect(problems.some((p) => p.includes('found chunks of other articles'))).toBe(true);
  });
});
