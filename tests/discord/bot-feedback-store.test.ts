import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { sha256 } from '../../src/core/hash.js';
import { answerFromEmbed, FeedbackStore, type FeedbackRecord } from '../../src/discord/feedback.js';
import { renderAnswer } from '../../src/discord/render/answer.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { answered, quote, refused, source } from './helpers/answers.js';

const logger = createLogger({ level: 'silent' });
let dir: string;
let dbFile: string;
const open: Database[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-feedback-'));
  dbFile = path.join(dir, 'nested', 'verbatim.db');
});
afterEach(async () => {
  for (const db of open.splice(0)) db.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens the store over the database (as a restart of the bot would), with `salt` or the key beside it. */
async function openStore(salt?: string, file = dbFile): Promise<FeedbackStore> {
  const db = openDatabase(file);
  open.push(db);
  return FeedbackStore.open(db, logger, { salt });
}

function lines(store: FeedbackStore): FeedbackRecord[] {
  return [...store.log.lines()] as FeedbackRecord[];
}

describe('FeedbackStore', () => {
  it('records one vote per user per answer with a keyed hash of the user id', async () => {
    const salt = 'a-secret-salt-of-some-length';
    const store = await openStore(salt);
    const answerId = store.remember(answered('Who met?', [quote('A met B.', 1)], [source(1, { id: 'art-1' })]));
    const none = () => undefined;
    expect(await store.record(answerId, '111111111111111111', 'up', none)).toBe('recorded');
    expect(await store.record(answerId, '111111111111111111', 'down', none)).toBe('duplicate');
    expect(await store.record(answerId, '222222222222222222', 'down', none)).toBe('recorded');
    const records = lines(store);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ answerId, vote: 'up', user: createHmac('sha256', salt).update('111111111111111111').digest('hex'), question: 'Who met?', sources: ['art-1'] });
    expect(records[0]?.recovered).toBeUndefined();
    expect(Number.isNaN(Date.parse(records[0]!.time))).toBe(false);
    expect(JSON.stringify(records)).not.toContain('111111111111111111');
    expect(JSON.stringify(records)).not.toContain(sha256('111111111111111111'));
    // Nothing of the voter's id in the database file either.
    expect((await readFile(dbFile)).includes('111111111111111111')).toBe(false);
  });

  it('without FEEDBACK_SALT, keys the hash with a random salt made once beside the database', async () => {
    const first = await openStore();
    const saltFile = `${dbFile}.salt`;
    const salt = (await readFile(saltFile, 'utf8')).trim();
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(saltFile)).mode & 0o777).toBe(0o600);
    expect(first.hashUser('111111111111111111')).toBe(createHmac('sha256', salt).update('111111111111111111').digest('hex'));

    // A restart reads the same salt, so earlier votes are still recognised.
    const answerId = first.remember(answered('q', [], []));
    await first.record(answerId, '111111111111111111', 'up', () => undefined);
    const second = await openStore();
    expect((await readFile(saltFile, 'utf8')).trim()).toBe(salt);
    expect(second.hasVoted(answerId, '111111111111111111')).toBe(true);

    // Another database gets its own salt: the same voter hashes differently.
    const other = await openStore(undefined, path.join(dir, 'other.db'));
    expect(other.hashUser('111111111111111111')).not.toBe(first.hashUser('111111111111111111'));
  });

  it('takes over the key older versions kept beside the JSONL feedback file', async () => {
    const legacy = path.join(dir, 'feedback.jsonl');
    await writeFile(`${legacy}.salt`, 'an-old-key-made-by-an-older-version\n', { mode: 0o600 });
    const db = openDatabase(dbFile);
    open.push(db);
    const store = await FeedbackStore.open(db, logger, { legacyFile: legacy });
    expect(store.hashUser('111111111111111111')).toBe(createHmac('sha256', 'an-old-key-made-by-an-older-version').update('111111111111111111').digest('hex'));
    expect((await readFile(`${dbFile}.salt`, 'utf8')).trim()).toBe('an-old-key-made-by-an-older-version');
  });

  it('makes the database and the directory it makes owner-only: they hold private questions', async () => {
    const store = await openStore('a-secret-salt-of-some-length');
    await store.record(store.remember(answered('A private question?', [], [])), '111111111111111111', 'up', () => undefined);
    expect((await stat(dbFile)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(dbFile))).mode & 0o777).toBe(0o700);
  });

  it('remembers votes across a restart, and marks a vote on an answer sent before it as recovered', async () => {
    const first = await openStore();
    const answerId = first.remember(answered('q', [], []));
    await first.record(answerId, '111111111111111111', 'up', () => undefined);
    const second = await openStore();
    expect(second.size).toBe(1);
    expect(second.hasVoted(answerId, '111111111111111111')).toBe(true);
    expect(second.voteOf(answerId, '111111111111111111')).toBe('up');
    expect(await second.record(answerId, '111111111111111111', 'down', () => undefined)).toBe('duplicate');
    expect(await second.record(answerId, '333333333333333333', 'down', () => ({ question: 'q', sources: [] }))).toBe('recorded');
    const records = lines(second);
    expect(records).toHaveLength(2);
    expect(records.at(-1)?.recovered).toBe(true);
  });

  it('turns a second vote away even when it comes through another connection (another process)', async () => {
    const a = await openStore('a-secret-salt-of-some-length');
    const b = await openStore('a-secret-salt-of-some-length');
    const answerId = a.remember(answered('q', [], []));
    expect(await a.record(answerId, '111111111111111111', 'up', () => undefined)).toBe('recorded');
    expect(await b.record(answerId, '111111111111111111', 'down', () => undefined)).toBe('duplicate');
    expect(lines(b)).toHaveLength(1);
  });

  it('reads an answer back from its embed after a restart', () => {
    const embed = renderAnswer(
      answered('Is **it** about @everyone?', [quote('Yes.', 1)], [source(1, { id: '001_x', path: 'sub/001_x.txt' }), source(2, { id: '002_y', path: '002_y.md' })]),
    );
    expect(answerFromEmbed(embed)).toEqual({ question: 'Is **it** about @everyone?', sources: ['001_x', '002_y'] });
    const refusal = renderAnswer(refused('Who painted the Mona Lisa?', [source(1, { id: '003_z', path: '003_z.txt' })]));
    expect(answerFromEmbed(refusal)).toEqual({ question: 'Who painted the Mona Lisa?', sources: ['003_z'] });
  });
});
