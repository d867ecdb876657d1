/**
 * Verbatim's index through LangChain's own interfaces (issue #13): the read-only VectorStore over a
 * snapshot (similaritySearch, a filter, asRetriever) and the hybrid BaseRetriever, both as a chain
 * step (`invoke`). And the edge stays the edge: only src/retrieval/langchain.ts imports LangChain's
 * vector stores and retrievers, and nothing in src imports it.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DocumentInterface } from '@langchain/core/documents';
import { RunnableLambda } from '@langchain/core/runnables';
import { VectorStore } from '@langchain/core/vectorstores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../src/answer/library.js';
import { IndexError } from '../../src/core/errors.js';
import { VerbatimRetriever, VerbatimVectorStore } from '../../src/retrieval/langchain.js';
import { seedLibrary, type SeedWorkspace } from '../support/seed-index.js';
import { snapshotOf } from '../support/file-snapshot.js';

const LEVADA = '002_bb33988446a060da';
const QUESTION = 'What share of Russians view the U.S. positively, according to the Levada Center?';

let seed: SeedWorkspace & { library: Library };
beforeAll(async () => {
  seed = await seedLibrary();
});
afterAll(async () => {
  await seed?.cleanup();
});

function store(): VerbatimVectorStore {
  return new VerbatimVectorStore(snapshotOf(seed.library), seed.library.embeddings);
}

describe('VerbatimVectorStore (a LangChain VectorStore over an opened index)', () => {
  it('is a VectorStore: similaritySearchWithScore finds the Levada passage, its text and metadata from the generation', async () => {
    const vectorStore: VectorStore = store();
    expect(vectorStore).toBeInstanceOf(VectorStore);
    const results = await vectorStore.similaritySearchWithScore(QUESTION, 3);
    expect(results).toHaveLength(3);
    const [best, score] = results[0]!;
    expect(best.metadata).toMatchObject({ articleId: LEVADA, path: `${LEVADA}.txt` });
    const snapshot = snapshotOf(seed.library);
    const article = snapshot.article(LEVADA)!;
    expect(best.pageContent).toBe(article.text.slice(Number(best.metadata.start), Number(best.metadata.end)));
    expect(best.metadata.title).toBe(article.title);
    expect(score).toBeGreaterThan(0.4);
    expect(score).toBeLessThanOrEqual(1);
    expect(results.map(([, s]) => s)).toEqual([...results.map(([, s]) => s)].sort((a, b) => b - a));
  });

  it('applies a filter over documents, and serves as a retriever in a chain', async () => {
    const others = await store().similaritySearch(QUESTION, 4, (document: DocumentInterface) => document.metadata.articleId !== LEVADA);
    expect(others).toHaveLength(4);
    expect(others.every((d) => d.metadata.articleId !== LEVADA)).toBe(true);

    const chain = store()
      .asRetriever({ k: 2 })
      .pipe(RunnableLambda.from((documents: DocumentInterface[]) => documents.map((d) => String(d.metadata.articleId))));
    const ids = await chain.invoke(QUESTION);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(LEVADA);
  });

  it('is read-only: adding documents is refused with the command that indexes the corpus', async () => {
    const error = await store()
      .addDocuments([{ pageContent: 'text', metadata: {} }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as IndexError).describe()).toContain('npm run index');
  });
});

describe('VerbatimRetriever (the hybrid passage search as a LangChain BaseRetriever)', () => {
  it('runs as a chain step and returns passages with their fused, dense and lexical scores', async () => {
    const retriever = new VerbatimRetriever({ snapshot: snapshotOf(seed.library), embeddings: seed.library.embeddings, search: { k: 3 } });
    const chain = retriever.pipe(RunnableLambda.from((documents: DocumentInterface[]) => documents.map((d) => d.metadata)));
    const metadata = await chain.invoke(QUESTION);
    expect(metadata).toHaveLength(3);
    expect(metadata[0]).toMatchObject({ articleId: LEVADA });
    for (const m of metadata) for (const key of ['score', 'dense', 'lexical']) expect(typeof m[key]).toBe('number');
  });
});

describe('LangChain stays at the edge', () => {
  it('only src/retrieval/langchain.ts imports LangChain vector stores or retrievers, and no source file imports it', async () => {
    const root = path.resolve('src');
    const files = (await readdir(root, { recursive: true })).filter((name) => name.endsWith('.ts')).map((name) => path.join(root, name));
    const importers: string[] = [];
    const adapterUsers: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      if (/from '@langchain\/core\/(vectorstores|retrievers)'/.test(text)) importers.push(path.relative(root, file));
      if (/from '[./]*retrieval\/langchain\.js'|from '\.\/langchain\.js'/.test(text)) adapterUsers.push(path.relative(root, file));
    }
    expect(files.length).toBeGreaterThan(20);
    expect(importers).toEqual([path.join('retrieval', 'langchain.ts')]);
    expect(adapterUsers).toEqual([]);
  });
});
