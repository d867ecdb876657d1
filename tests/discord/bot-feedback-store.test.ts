import { createHmac } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { sha256 } from '../../src/core/hash.js';
import { answerFromEmbed, FeedbackStore, REMEMBERED_VOTES, type FeedbackRecord } from '../../src/discord/feedback.js';
import { renderAnswer } from '../../src/discord/render/answer.js';
import { answered, quote, refused, source } from './helpers/answers.js';

const logger = createLogger({ level: 'silent' });
let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-feedback-'));
  file = path.join(dir, 'nested', 'feedback.jsonl');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function lines(): Promise<FeedbackRecord[]> {
  const text = await readFile(file, 'utf8');
  return text
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as FeedbackRecord);
}

describe('FeedbackStore', () => {
  it('records one vote per user per answer as JSONL with a keyed hash of the user id', async () => {
    const salt = 'a-secret-salt-of-some-length';
    const store = await FeedbackStore.open(file, logger, salt);
    const answerId = store.remember(answered('Who met?', [quote('A met B.', 1)], [source(1, { id: 'art-1' })]));
    const none = () => undefined;
    expect(await store.record(answerId, '111111111111111111', 'up', none)).toBe('recorded');
    expect(await store.record(answerId, '111111111111111111', 'down', none)).toBe('duplicate');
    expect(await store.record(answerId, '222222222222222222', 'down', none)).toBe('recorded');
    const records = await lines();
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ answerId, vote: 'up', user: createHmac('sha256', salt).update('111111111111111111').digest('hex'), question: 'Who met?', sources: ['art-1'] });
    expect(records[0]?.recovered).toBeUndefined();
    expect(Number.isNaN(Date.parse(records[0]!.time))).toBe(false);
    expect(JSON.stringify(records)).not.toContain('111111111111111111');
    expect(JSON.stringify(records)).not.toContain(sha256('111111111111111111'));
  });

  it('without FEEDBACK_SALT, keys the hash with a random salt made once beside the file', async () => {
    const first = await FeedbackStore.open(file, logger);
    const saltFile = `${file}.salt`;
    const salt = (await readFile(saltFile, 'utf8')).trim();
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(saltFile)).mode & 0o777).toBe(0o600);
    expect(first.hashUser('111111111111111111')).toBe(createHmac('sha256', salt).update('111111111111111111').digest('hex'));

    // A restart reads the same salt, so earlier votes are still recognised.
    const answerId = first.remember(answered('q', [], []));
    await first.record(answerId, '111111111111111111', 'up', () => undefined);
    const second = await FeedbackStore.open(file, logger);
    expect((await readFile(saltFile, 'utf8')).trim()).toBe(salt);
    expect(second.hasVoted(answerId, '111111111111111111')).toBe(true);

    // Another feedback file gets its own salt: the same voter hashes differently.
    const other = await FeedbackStore.open(path.join(dir, 'other.jsonl'), logger);
    expect(other.hashUser('111111111111111111')).not.toBe(first.hashUser('111111111111111111'));
  });

  it('makes the feedback file and the directory it makes owner-only: they hold private questions', async () => {
    const store = await FeedbackStore.open(file, logger, 'a-secret-salt-of-some-length');
    await store.record(store.remember(answered('A private question?', [], [])), '111111111111111111', 'up', () => undefined);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
  });

  it('makes an existing world-readable feedback file owner-only when it opens it', async () => {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '', { mode: 0o644 });
    await chmod(file, 0o644);
    await FeedbackStore.open(file, logger, 'a-secret-salt-of-some-length');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('remembers a bounded number of votes, forgetting the oldest first', async () => {
    await mkdir(path.dirname(file), { recursive: true });
    const extra = 10;
    const record = (i: number): string => JSON.stringify({ time: '2026-01-01T00:00:00.000Z', answerId: `a${i}`, vote: 'up', user: 'u', question: '', sources: [] });
    await writeFile(file, Array.from({ length: REMEMBERED_VOTES + extra }, (_, i) => record(i)).join('\n') + '\n');
    const store = await FeedbackStore.open(file, logger, 'a-secret-salt-of-some-length');
    expect(store.size).toBe(REMEMBERED_VOTES);
    const newest = store.remember(answered('q', [], []));
    expect(await store.record(newest, '111111111111111111', 'up', () => undefined)).toBe('recorded');
    expect(await store.record(newest, '111111111111111111', 'up', () => undefined)).toBe('duplicate');
    expect(store.size).toBe(REMEMBERED_VOTES);
  });

  it('remembers votes across a restart by reading the file', async () => {
    const first = await FeedbackStore.open(file, logger);
    const answerId = first.remember(answered('q', [], []));
    await first.record(answerId, '111111111111111111', 'up', () => undefined);
    await writeFile(file, `${await readFile(file, 'utf8')}not json\n`);
    const second = await FeedbackStore.open(file, logger);
    expect(second.size).toBe(1);
    expect(second.hasVoted(answerId, '111111111111111111')).toBe(true);
    expect(await second.record(answerId, '111111111111111111', 'down', () => undefined)).toBe('duplicate');
    expect(await second.record(answerId, '333333333333333333', 'down', () => ({ question: 'q', sources: [] }))).toBe('recorded');
    const records = await lines();
    expect(records).toHaveLength(2);
    expect(records.at(-1)?.recovered).toBe(true);
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
