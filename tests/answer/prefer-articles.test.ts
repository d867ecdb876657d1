/**
 * `Library.ask(question, { preferArticles })`, as follow-ups use it (src/answer/follow-up.ts): answered
 * from the preferred articles when the reader is confident in one of their sentences, from all the
 * articles otherwise; without the option nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../src/answer/library.js';
import { seedLibrary, type SeedWorkspace } from '../support/seed-index.js';
import { assertVerbatim } from '../support/verbatim.js';
import { snapshotOf } from '../support/file-snapshot.js';

const PUTIN_TRUMP_SUMMIT = '004_dc90a5985b6e19d6';
const ENVOY_MEETING = '000_ba3a1d287da7a63e';
const RELATIONS_HISTORY = '002_bb33988446a060da';

let seed: SeedWorkspace & { library: Library };

beforeAll(async () => {
  seed = await seedLibrary();
});

afterAll(async () => {
  await seed?.cleanup();
});

describe('preferArticles', () => {
  it('answers from a preferred article that answers the question', async () => {
    const question = 'What did the Kremlin say about the meeting?';
    const plain = await seed.library.ask(question);
    expect(plain.answered).toBe(true);
    for (const preferred of [PUTIN_TRUMP_SUMMIT, ENVOY_MEETING]) {
      expect(plain.sources[0]?.id).not.toBe(preferred);
      const answer = await seed.library.ask(question, { preferArticles: [preferred] });
      expect(answer.answered).toBe(true);
      expect(answer.sources.map((s) => s.id)).toEqual([preferred]);
      expect(answer.quotes.some((q) => q.text.includes('Kremlin'))).toBe(true);
      assertVerbatim(answer, snapshotOf(seed.library), seed.corpusDir);
    }
  });

  it('answers from all the articles when the preferred one does not answer', async () => {
    const question = 'What did the Kremlin say about the meeting?';
    const plain = await seed.library.ask(question);
    const answer = await seed.library.ask(question, { preferArticles: [RELATIONS_HISTORY] });
    expect(answer.sources.map((s) => s.id)).toEqual(plain.sources.map((s) => s.id));
    expect(answer.quotes.map((q) => q.text)).toEqual(plain.quotes.map((q) => q.text));
  });

  it('changes nothing when empty or naming no article', async () => {
    const question = 'How did Trump describe the talks Witkoff held with Putin?';
    const plain = await seed.library.ask(question);
    for (const preferArticles of [[], ['no-such-article']]) {
      const answer = await seed.library.ask(question, { preferArticles });
      expect(answer.quotes).toEqual(plain.quotes);
      expect(answer.confidence).toBe(plain.confidence);
    }
  });
});
