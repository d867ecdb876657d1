/**
 * Answer.more: the next best quotes beyond those shown, from the same selection over the seed index
 * with the real model — verbatim, numbered on from the answer's sources, none repeating a shown
 * quote; and the shown quotes are exactly what they are without any kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerEngine } from '../../src/answer/engine.js';
import type { Answer } from '../../src/answer/types.js';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { loadEmbeddings, seedLibrary, type SeedWorkspace } from '../support/seed-index.js';
import { assertVerbatim } from '../support/verbatim.js';
import type { Library } from '../../src/answer/library.js';
import { snapshotOf } from '../support/file-snapshot.js';

let seed: SeedWorkspace & { library: Library };
let embeddings: LocalEmbeddings;

beforeAll(async () => {
  seed = await seedLibrary();
  embeddings = await loadEmbeddings();
});
afterAll(async () => {
  await seed?.cleanup();
});

/** A seed question with more good sentences than an answer shows. */
const QUESTION = 'How did Trump describe the talks Witkoff held with Putin?';

const overlaps = (a: { articleId: string; start: number; end: number }, b: { articleId: string; start: number; end: number }) =>
  a.articleId === b.articleId && a.start < b.end && b.start < a.end;

describe('Answer.more', () => {
  it('keeps the next best quotes: verbatim, linked like the others, new, numbered on from the answer', async () => {
    const engine = new AnswerEngine(seed.library.store, embeddings, { moreQuotes: 3 });
    const answer = await engine.ask(QUESTION);
    expect(answer.answered).toBe(true);
    expect(answer.quotes).toHaveLength(3);
    const more = answer.more!;
    expect(more.quotes.length).toBeGreaterThan(0);
    expect(more.quotes.length).toBeLessThanOrEqual(3);
    assertVerbatim({ ...answer, quotes: more.quotes, sources: more.sources }, snapshotOf(seed.library), seed.corpusDir);
    for (const quote of more.quotes) {
      for (const shown of answer.quotes) expect(overlaps(quote, shown)).toBe(false);
      expect(quote.text.length).toBeGreaterThan(0);
      // An article the answer cites keeps its number; a new one continues the numbering.
      const cited = answer.sources.find((s) => s.id === quote.articleId);
      if (cited) expect(quote.source).toBe(cited.n);
      else expect(quote.source).toBeGreaterThan(answer.sources.length);
      const article = snapshotOf(seed.library).article(quote.articleId)!;
      if (article.url !== undefined) expect(quote.link).toMatch(/#:~:text=/);
    }
    expect(new Set(more.sources.map((s) => s.n))).toEqual(new Set(more.quotes.map((q) => q.source)));
    // The answer's own sources are only those its shown quotes cite.
    expect(new Set(answer.sources.map((s) => s.n))).toEqual(new Set(answer.quotes.map((q) => q.source)));
  });

  it('leaves the shown answer as it is without any kept', async () => {
    const strip = ({ timings: _t, more: _m, ...rest }: Answer) => rest;
    const withMore = await new AnswerEngine(seed.library.store, embeddings, { moreQuotes: 3 }).ask(QUESTION);
    const without = await new AnswerEngine(seed.library.store, embeddings, { moreQuotes: 0 }).ask(QUESTION);
    expect(without.more).toBeUndefined();
    expect(strip(withMore)).toEqual(strip(without));
  });

  it('has nothing more when no further sentence is good enough', async () => {
    const answer = await seed.library.ask('Who was Mike Pompeo?');
    expect(answer.answered).toBe(true);
    expect(answer.more).toBeUndefined();
  });

  it('has nothing more for a refusal', async () => {
    const answer = await seed.library.ask('What is the capital of Australia?');
    expect(answer.answered).toBe(false);
    expect(answer.more).toBeUndefined();
  });
});
