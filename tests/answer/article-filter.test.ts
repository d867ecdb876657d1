/**
 * `Library.ask(question, { articles })`: answered from those articles only (the store searches only
 * their passages), declined when none of them answers, and nothing found with an empty list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../src/answer/library.js';
import { seedLibrary, type SeedWorkspace } from '../support/seed-index.js';
import { snapshotOf } from '../support/file-snapshot.js';
import { assertVerbatim } from '../support/verbatim.js';

const PUTIN_TRUMP_SUMMIT = '004_dc90a5985b6e19d6';
const ENVOY_MEETING = '000_ba3a1d287da7a63e';
const QUESTION = 'What did the Kremlin say about the meeting?';

let seed: SeedWorkspace & { library: Library };

beforeAll(async () => {
  seed = await seedLibrary();
});

afterAll(async () => {
  await seed?.cleanup();
});

describe('answering from some articles only', () => {
  it('quotes and cites only the articles given', async () => {
    const plain = await seed.library.ask(QUESTION);
    expect(plain.sources[0]?.id).not.toBe(ENVOY_MEETING);
    const answer = await seed.library.ask(QUESTION, { articles: [ENVOY_MEETING] });
    expect(answer.answered).toBe(true);
    expect(answer.sources.map((s) => s.id)).toEqual([ENVOY_MEETING]);
    expect(answer.quotes.every((q) => q.articleId === ENVOY_MEETING)).toBe(true);
    assertVerbatim(answer, snapshotOf(seed.library), seed.corpusDir);
    const both = await seed.library.ask(QUESTION, { articles: [ENVOY_MEETING, PUTIN_TRUMP_SUMMIT, 'no-such-article'] });
    expect(both.sources.every((s) => s.id === ENVOY_MEETING || s.id === PUTIN_TRUMP_SUMMIT)).toBe(true);
  });

  it('finds nothing in an empty list, and says so as for any question the articles do not answer', async () => {
    const answer = await seed.library.ask(QUESTION, { articles: [] });
    expect(answer.answered).toBe(false);
    expect(answer.refusal?.reason).toBe('not-in-corpus');
    expect(answer.sources).toEqual([]);
  });
});
