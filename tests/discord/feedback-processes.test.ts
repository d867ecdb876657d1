/**
 * The feedback store written by several processes at once, as the shards of a sharded bot write it:
 * two processes each record 250 votes (large ones: three long quotes each) on their own answers, all
 * at the same time, into one FEEDBACK_FILE. Read back through the store's public API, every vote is
 * there — none lost, none torn (a torn record would not read back).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { FeedbackStore } from '../../src/discord/feedback.js';
import { PROJECT_ROOT } from '../support/env.js';

const SALT = 'feedback-processes-salt-0123456789';
const VOTES = 250;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-feedback-processes-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Voter {
  /** Resolves once the process has opened the store and waits for `go`. */
  ready: Promise<void>;
  /** Lets it record its votes. */
  go(): void;
  /** Resolves with its answer id and voters once it has recorded them all. */
  done: Promise<{ answerId: string; users: string[] }>;
}

/** A process that records VOTES votes on one answer of its own, when told to go. */
function voter(file: string, name: string): Voter {
  const store = pathToFileURL(path.join(PROJECT_ROOT, 'src/discord/feedback.ts')).href;
  const logger = pathToFileURL(path.join(PROJECT_ROOT, 'src/core/logger.ts')).href;
  const code = `
    const { FeedbackStore } = await import(${JSON.stringify(store)});
    const { createLogger } = await import(${JSON.stringify(logger)});
    const store = await FeedbackStore.open(${JSON.stringify(file)}, createLogger({ level: 'silent' }), ${JSON.stringify(SALT)});
    const long = (n) => ${JSON.stringify(name)} + ' quote ' + n + ' ' + 'word '.repeat(400);
    const quotes = [1, 2, 3].map((n) => ({ text: long(n), source: 1, articleId: 'a', start: 0, end: 10, score: 0.5 }));
    const answerId = store.remember({ question: 'Who? (' + ${JSON.stringify(name)} + ')', sources: [{ n: 1, id: 'a', title: 'A', path: 'a.txt' }], answered: true, quotes });
    const users = Array.from({ length: ${VOTES} }, (_, i) => String(100000000000000000n + BigInt(i)) + ${JSON.stringify(name === 'one' ? '1' : '2')});
    process.stdout.write('ready\\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    await Promise.all(users.map((user, i) => store.record(answerId, user, i % 2 ? 'up' : 'down', () => undefined)));
    await store.flush();
    process.stdout.write(JSON.stringify({ answerId, users }));
    process.stdin.destroy();
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) onReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<{ answerId: string; users: string[] }>((resolve, reject) => {
    child.once('close', (code) => {
      if (code === 0) resolve(JSON.parse(out.slice('ready\n'.length)) as { answerId: string; users: string[] });
      else reject(new Error(`voter ${name} exited ${code}: ${err}`));
    });
  });
  return { ready: Promise.race([ready, done.then(() => undefined)]), go: () => child.stdin.write('go\n'), done };
}

it('keeps every vote two processes record at the same time', async () => {
  const file = path.join(dir, 'feedback.jsonl');
  const voters = [voter(file, 'one'), voter(file, 'two')];
  await Promise.all(voters.map((v) => v.ready));
  for (const v of voters) v.go();
  const results = await Promise.all(voters.map((v) => v.done));
  const store = await FeedbackStore.open(file, createLogger({ level: 'silent' }), SALT);
  expect(store.size).toBe(2 * VOTES);
  for (const { answerId, users } of results) {
    expect(users).toHaveLength(VOTES);
    for (const user of users) expect(store.hasVoted(answerId, user)).toBe(true);
  }
}, 60_000);
