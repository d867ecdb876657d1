/**
 * The feedback store's details after a 👎 (which quote was wrong, "should have declined"), the
 * choice offered for them within Discord's limits, and reading an answer's quotes back from its embed.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { MAX_QUOTE_CHOICES, parseFeedbackDetailId } from '../../src/discord/custom-ids.js';
import { FeedbackStore, recoveredAnswer, type FeedbackLine } from '../../src/discord/feedback.js';
import { renderAnswer } from '../../src/discord/render/answer.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { quoteChoice } from '../../src/discord/render/feedback-choice.js';
import { answered, quote, refused, source } from './helpers/answers.js';

const logger = createLogger({ level: 'silent' });
const SALT = 'a-secret-salt-of-some-length';
const ALICE = '111111111111111111';
const BOB = '222222222222222222';
let dir: string;
let file: string;
let dbFile: string;
const open: Database[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-feedback-details-'));
  file = path.join(dir, 'feedback.jsonl');
  dbFile = path.join(dir, 'verbatim.db');
});
afterEach(async () => {
  for (const db of open.splice(0)) db.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens the store as the bot does: over the database, importing an older version's `file` if there is one. */
async function openStore(): Promise<FeedbackStore> {
  const db = openDatabase(dbFile);
  open.push(db);
  return FeedbackStore.open(db, logger, { salt: SALT, legacyFile: file });
}

async function lines(): Promise<FeedbackLine[]> {
  const db = openDatabase(dbFile);
  open.push(db);
  return [...(await FeedbackStore.open(db, logger, { salt: SALT })).log.lines()];
}

const twoQuotes = answered('Who met?', [quote('A met B in Moscow.', 1, { start: 10, end: 28 }), quote('B said so.', 2, { start: 5, end: 15 })], [source(1), source(2)]);

describe('FeedbackStore details', () => {
  it('adds a detail only to the user’s own 👎, once each, and keeps the answer’s quotes with the vote', async () => {
    const store = await openStore();
    const answerId = store.remember(twoQuotes);
    const none = () => undefined;
    expect(await store.recordDetail(answerId, ALICE, { kind: 'wrong-quote', quote: 1 })).toBe('no-vote');
    await store.record(answerId, ALICE, 'down', none);
    await store.record(answerId, BOB, 'up', none);
    expect(await store.recordDetail(answerId, BOB, { kind: 'should-decline' })).toBe('no-vote');
    expect(await store.recordDetail(answerId, ALICE, { kind: 'wrong-quote', quote: 3 })).toBe('no-vote');
    expect(await store.recordDetail(answerId, ALICE, { kind: 'wrong-quote', quote: 2 })).toBe('recorded');
    expect(await store.recordDetail(answerId, ALICE, { kind: 'wrong-quote', quote: 2 })).toBe('duplicate');
    expect(await store.recordDetail(answerId, ALICE, { kind: 'should-decline' })).toBe('recorded');

    const written = await lines();
    expect(written).toHaveLength(4);
    expect(written[0]).toMatchObject({
      vote: 'down',
      answered: true,
      quotes: [
        { source: 1, articleId: '001_article', start: 10, end: 28, text: 'A met B in Moscow.' },
        { source: 2, articleId: '002_article', start: 5, end: 15, text: 'B said so.' },
      ],
    });
    expect(written.slice(2)).toEqual([
      { time: expect.any(String) as string, answerId, user: store.hashUser(ALICE), detail: 'wrong-quote', quote: 2 },
      { time: expect.any(String) as string, answerId, user: store.hashUser(ALICE), detail: 'should-decline' },
    ]);

    // After a restart the database says who voted which way and what they added.
    const again = await openStore();
    expect(again.size).toBe(2);
    expect(await again.recordDetail(answerId, ALICE, { kind: 'wrong-quote', quote: 2 })).toBe('duplicate');
    expect(await again.recordDetail(answerId, ALICE, { kind: 'wrong-quote', quote: 1 })).toBe('recorded');
    expect(await again.recordDetail(answerId, BOB, { kind: 'wrong-quote', quote: 1 })).toBe('no-vote');
    expect(await lines()).toHaveLength(5);
  });

  it('imports a file of an older version (votes without answers or details) and adds to its votes', async () => {
    const old = { time: '2025-01-01T00:00:00.000Z', answerId: 'abc', vote: 'down', user: createHmac('sha256', SALT).update(ALICE).digest('hex'), question: 'q', sources: ['x'] };
    await writeFile(file, `${JSON.stringify(old)}\n`);
    const store = await openStore();
    expect(store.hasVoted('abc', ALICE)).toBe(true);
    expect(await store.record('abc', ALICE, 'up', () => undefined)).toBe('duplicate');
    // Its 👎 can still be added to.
    expect(await store.recordDetail('abc', ALICE, { kind: 'should-decline' })).toBe('recorded');
    const [first] = await lines();
    expect(first).toEqual(old);
  });
});


describe('the choice after a 👎', () => {
  it('gives each quote a button with its first words, within Discord’s limits', () => {
    const long = 'Kirill Dmitriev, a close economic adviser to Putin and a key figure in efforts to improve US-Russia relations, described the summit.';
    const payload = quoteChoice('AbCdEfGhIjKl', [{ source: 1, articleId: 'a', text: long }, { source: 2, articleId: 'b', text: 'Short.' }]);
    const rows = payload.components!;
    expect(rows).toHaveLength(3);
    expect(rows[0]!.components[0]).toMatchObject({ label: expect.stringMatching(/^1\. “Kirill Dmitriev, a close .*…”?$/) as string });
    expect((rows[0]!.components[0] as { label: string }).label.length).toBeLessThanOrEqual(80);
    expect(rows[1]!.components[0]).toMatchObject({ label: '2. “Short.”' });
    expect(parseFeedbackDetailId((rows[2]!.components[0] as { custom_id: string }).custom_id)).toEqual({ answerId: 'AbCdEfGhIjKl', detail: { kind: 'should-decline' } });
  });

  it('with many quotes, numbers the buttons five a row and lists the quotes (markdown escaped); never more than 5 rows', () => {
    const quotes = Array.from({ length: 30 }, (_, i) => ({ source: i + 1, articleId: `a${i}`, text: `**Bold** claim number ${i + 1} ${'word '.repeat(40)}` }));
    const payload = quoteChoice('x'.repeat(64), quotes);
    const rows = payload.components!;
    expect(rows.length).toBeLessThanOrEqual(5);
    const buttons = rows.flatMap((row) => row.components as { custom_id: string; label: string }[]);
    expect(buttons).toHaveLength(MAX_QUOTE_CHOICES + 1);
    for (const row of rows) expect(row.components.length).toBeLessThanOrEqual(5);
    for (const button of buttons) {
      expect(button.custom_id.length).toBeLessThanOrEqual(100);
      expect(button.label.length).toBeLessThanOrEqual(80);
    }
    expect(buttons[19]!.label).toBe('Quote 20');
    expect(payload.content.length).toBeLessThanOrEqual(2000);
    expect(payload.content).toContain('\\*\\*Bold\\*\\* claim number 20');
    expect(payload.content).not.toContain('claim number 21');
  });
});

describe('recoveredAnswer', () => {
  it('reads the quotes of an answer back from its embed (linked or not, markdown unescaped)', () => {
    const embed = renderAnswer(
      answered(
        'Who?',
        [quote('It is *the* _one_ [x].', 1, { link: 'https://example.com/a#:~:text=It%20is' }), quote('Line one\nline two.', 2)],
        [source(1, { id: '001_x', path: '001_x.txt' }), source(2, { id: '002_y', path: '002_y.md' })],
      ),
    );
    expect(recoveredAnswer(embed)).toEqual({
      question: 'Who?',
      sources: ['001_x', '002_y'],
      answered: true,
      quotes: [
        { source: 1, articleId: '001_x', text: 'It is *the* _one_ [x].' },
        { source: 2, articleId: '002_y', text: 'Line one\nline two.' },
      ],
    });
    const refusal = renderAnswer(refused('Who painted it?', [source(1, { id: '003_z', path: '003_z.txt' })]));
    expect(recoveredAnswer(refusal)).toMatchObject({ answered: false, quotes: [] });
    expect(recoveredAnswer(undefined)).toBeUndefined();
  });
});
