/**
 * The feedback log in the database: an older version's JSONL file (every kind of line it ever had)
 * imported without loss — once, even when re-run, interrupted or run by two processes — and kept as it
 * was; `npm run feedback:export` giving the lines back; two processes writing at once losing nothing;
 * the schema's version.
 */
import { execFile, spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { FeedbackStore } from '../../src/discord/feedback.js';
import { openDatabase, schemaVersion, SCHEMA_VERSION, type Database } from '../../src/storage/database.js';
import { importFeedbackFile } from '../../src/storage/feedback-import.js';
import { exportLines, FeedbackLog } from '../../src/storage/feedback-log.js';
import { ServerSettingsStore } from '../../src/storage/server-settings.js';
import { LogCapture } from '../discord/helpers/harness.js';
import { PROJECT_ROOT } from '../support/env.js';

const run = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
/** Node with tsx's loader, in one process (so that a kill reaches the writer itself). */
const NODE_TSX = [process.execPath, '--import', 'tsx'] as const;
const WRITER = path.join(PROJECT_ROOT, 'tests', 'storage', 'helpers', 'feedback-writer.ts');
const U1 = 'a'.repeat(64);
const U2 = 'b'.repeat(64);

/** Every kind of line the JSONL feedback file has had, as the versions wrote them (key order included). */
const OLD_LINES: readonly string[] = [
  // The first version: no answered, no quotes.
  JSON.stringify({ time: '2025-11-01T10:00:00.000Z', answerId: 'AAAAAAAAAAAA', vote: 'up', user: U1, question: 'Who met?', sources: ['001_a', '002_b'] }),
  // Vote on an answer sent before a restart.
  JSON.stringify({ time: '2025-11-02T10:00:00.000Z', answerId: 'BBBBBBBBBBBB', vote: 'down', user: U1, question: '', sources: [], recovered: true }),
  // With the answer's quotes and offsets.
  JSON.stringify({
    time: '2026-11-20T09:30:00.000Z',
    answerId: 'CCCCCCCCCCCC',
    vote: 'down',
    user: U2,
    question: 'What could happen if the “negotiations” break down?',
    sources: ['004_dc90a5985b6e19d6', '001_a'],
    answered: true,
    quotes: [
      { source: 1, articleId: '004_dc90a5985b6e19d6', start: 120, end: 188, text: 'A quote with "quotes", a tab\tand ünïcödé — 🚀.' },
      { source: 2, articleId: '001_a', start: 5, end: 15, text: 'B said so.' },
    ],
  }),
  // Recovered from a message: quotes without offsets.
  JSON.stringify({ time: '2026-11-21T09:30:00.000Z', answerId: 'DDDDDDDDDDDD', vote: 'down', user: U1, question: 'q?', sources: ['001_a'], answered: true, quotes: [{ source: 1, articleId: '001_a', text: 'cut' }], recovered: true }),
  // A refusal, liked.
  JSON.stringify({ time: '2026-11-22T09:30:00.000Z', answerId: 'EEEEEEEEEEEE', vote: 'up', user: U1, question: 'Who painted the Mona Lisa?', sources: ['003_c'], answered: false, quotes: [] }),
  // Details added to the 👎s.
  JSON.stringify({ time: '2026-11-20T09:31:00.000Z', answerId: 'CCCCCCCCCCCC', user: U2, detail: 'wrong-quote', quote: 2 }),
  JSON.stringify({ time: '2026-11-20T09:31:05.000Z', answerId: 'CCCCCCCCCCCC', user: U2, detail: 'should-decline' }),
  // The same voter again on an answer, once the in-memory bound had forgotten the first (the file kept both).
  JSON.stringify({ time: '2025-11-03T10:00:00.000Z', answerId: 'AAAAAAAAAAAA', vote: 'down', user: U1, question: 'Who met?', sources: ['001_a', '002_b'] }),
  // Hand-edited or from a version this one does not know: kept field for field.
  JSON.stringify({ time: '2026-01-01T00:00:00.000Z', answerId: 'FFFFFFFFFFFF', vote: 'sideways', user: U2, question: 'x', sources: 'not-a-list', note: { by: 'an operator' } }),
];
/** Lines older versions skipped when reading (and so does the import). */
const UNREADABLE = ['not json at all', '{"answerId": 42, "user": "x"}', '[1, 2, 3]'];

function oldFileText(): string {
  return [...OLD_LINES.slice(0, 3), '', UNREADABLE[0], ...OLD_LINES.slice(3, 7), UNREADABLE[1], '   ', ...OLD_LINES.slice(7), UNREADABLE[2]].join('\n') + '\n';
}

let dir: string;
let dbFile: string;
let legacy: string;
const open: Database[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-feedback-db-'));
  dbFile = path.join(dir, 'data', 'verbatim.db');
  legacy = path.join(dir, 'data', 'feedback.jsonl');
  await mkdir(path.dirname(legacy));
});
afterEach(async () => {
  for (const db of open.splice(0)) if (db.open) db.close();
  await rm(dir, { recursive: true, force: true });
});

function database(file = dbFile): Database {
  const db = openDatabase(file);
  open.push(db);
  return db;
}

function exported(db: Database): string[] {
  return [...exportLines(new FeedbackLog(db))].map((line) => line.slice(0, -1));
}

describe('importing the JSONL feedback file of an older version', () => {
  it('keeps every vote and detail line, in order, field for field, and leaves the file as it was with one log line', async () => {
    await writeFile(legacy, oldFileText(), { mode: 0o600 });
    await writeFile(`${legacy}.salt`, 'the-old-key-of-the-feedback-file\n', { mode: 0o600 });
    const logs = new LogCapture();
    const logger = createLogger({ level: 'debug', name: 'verbatim-test' }, logs);
    const db = database();
    const store = await FeedbackStore.open(db, logger, { legacyFile: legacy });

    expect(exported(db)).toEqual(OLD_LINES);
    const imported = logs.lines.filter((line) => String(line.msg).startsWith('imported the feedback file'));
    expect(imported).toHaveLength(1);
    expect(imported[0]).toMatchObject({ level: 30, lines: OLD_LINES.length + UNREADABLE.length, added: OLD_LINES.length, unreadable: UNREADABLE.length });
    expect(String(imported[0]!.msg)).toContain('the file is kept as it was and no longer written to');
    expect(await readFile(legacy, 'utf8')).toBe(oldFileText());

    // The votes count as before: a second vote is turned away, a 👎 can be added to.
    const alice = '111111111111111111';
    expect(store.hashUser(alice)).toMatch(/^[0-9a-f]{64}$/);
    expect(store.size).toBe(6);

    // Opening again (a restart, or another shard) does not import it again.
    await FeedbackStore.open(database(), logger, { legacyFile: legacy });
    expect(exported(db)).toEqual(OLD_LINES);
    expect(logs.lines.filter((line) => String(line.msg).startsWith('imported the feedback file'))).toHaveLength(1);
  });

  it('adds only the new lines when the file grew after an import (an older bot kept writing) or an import is run again', async () => {
    await writeFile(legacy, OLD_LINES.slice(0, 4).join('\n') + '\n');
    const db = database();
    expect(await importFeedbackFile(db, legacy)).toMatchObject({ status: 'imported', added: 4 });
    expect(await importFeedbackFile(db, legacy)).toMatchObject({ status: 'done-before', added: 0 });
    await appendFile(legacy, OLD_LINES.slice(4).join('\n') + '\n');
    expect(await importFeedbackFile(db, legacy)).toMatchObject({ status: 'imported', lines: OLD_LINES.length, added: OLD_LINES.length - 4 });
    expect(exported(db)).toEqual(OLD_LINES);
    expect(await importFeedbackFile(db, path.join(dir, 'none.jsonl'))).toMatchObject({ status: 'no-file' });
  });

  it('loses and doubles nothing when an import is killed part-way and run again, or two processes import at once', async () => {
    // A big file (20,000 votes), so that the kill lands while it is being read or written.
    const many = Array.from({ length: 20_000 }, (_, i) =>
      JSON.stringify({ time: '2026-11-01T00:00:00.000Z', answerId: `answer-${i}`, vote: i % 3 === 0 ? 'down' : 'up', user: U1, question: `Question ${i}?`, sources: ['001_a'] }),
    );
    await writeFile(legacy, many.join('\n') + '\n');
    const start = path.join(dir, 'start');
    const writer = (name: string): ReturnType<typeof spawn> =>
      spawn(NODE_TSX[0], [...NODE_TSX.slice(1), WRITER, dbFile, name, '0', '0', start, legacy], { cwd: PROJECT_ROOT, stdio: 'ignore' });
    const killed = writer('killed');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    killed.kill('SIGKILL');
    await new Promise((resolve) => killed.once('close', resolve));
    // All or nothing: the import is one transaction.
    const between = database();
    const after = (between.prepare('SELECT count(*) AS n FROM feedback').get() as { n: number }).n;
    between.close();
    expect([0, many.length]).toContain(after);
    // Two processes then open the database at once, each importing unless the other has.
    const both = [writer('one'), writer('two')];
    await writeFile(start, '');
    await Promise.all(both.map((child) => new Promise((resolve) => child.once('close', resolve))));
    const db = database();
    expect(exported(db)).toEqual(many);
    expect(db.prepare('SELECT count(*) AS n FROM feedback_imports').get()).toEqual({ n: 1 });
  }, 60_000);
});

describe('npm run feedback:export', () => {
  it('writes the lines the JSONL file carried; importing the export gives the same database', async () => {
    await writeFile(legacy, oldFileText());
    const db = database();
    await importFeedbackFile(db, legacy);
    const store = await FeedbackStore.open(db, createLogger({ level: 'silent' }), { salt: 'a-secret-salt-of-some-length' });
    // Lines the bot writes now go out the same way.
    await store.record('GGGGGGGGGGGG', '111111111111111111', 'down', () => ({ question: 'New?', sources: ['001_a'], answered: true, quotes: [{ source: 1, articleId: '001_a', start: 0, end: 4, text: 'News' }] }));
    await store.recordDetail('GGGGGGGGGGGG', '111111111111111111', { kind: 'wrong-quote', quote: 1 });
    db.close();

    const out = path.join(dir, 'export.jsonl');
    const { stderr } = await run(TSX, [path.join(PROJECT_ROOT, 'scripts', 'feedback-export.ts'), '--out', out], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_FILE: dbFile },
    });
    expect(stderr).toBe(`Exported ${OLD_LINES.length + 2} line(s) (${OLD_LINES.length - 2 + 1} vote(s), 3 detail(s)) from ${dbFile} to ${out}\n`);
    const lines = (await readFile(out, 'utf8')).split('\n').slice(0, -1);
    expect(lines.slice(0, OLD_LINES.length)).toEqual(OLD_LINES);
    expect(JSON.parse(lines.at(-2)!)).toMatchObject({ answerId: 'GGGGGGGGGGGG', vote: 'down', answered: true, quotes: [{ start: 0, end: 4, text: 'News' }] });
    expect(Object.keys(JSON.parse(lines.at(-1)!) as object)).toEqual(['time', 'answerId', 'user', 'detail', 'quote']);

    // Round trip: the export imported into a fresh database exports to the same bytes.
    const again = database(path.join(dir, 'again.db'));
    await importFeedbackFile(again, out);
    expect([...exportLines(new FeedbackLog(again))].join('')).toBe(await readFile(out, 'utf8'));
  }, 60_000);
});

describe('two processes writing at once', () => {
  it('lose nothing, and one voter still votes once on an answer both see', async () => {
    const start = path.join(dir, 'start');
    const count = 150;
    const shared = 40;
    database().close();
    const writers = ['left', 'right'].map((name) =>
      run(NODE_TSX[0], [...NODE_TSX.slice(1), WRITER, dbFile, name, String(count), String(shared), start], { cwd: PROJECT_ROOT, timeout: 60_000 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await writeFile(start, '');
    const outcomes = (await Promise.all(writers)).map(({ stdout }) => JSON.parse(stdout) as { recorded: number; details: number; sharedRecorded: number });
    for (const outcome of outcomes) expect(outcome).toMatchObject({ recorded: count, details: count });
    expect(outcomes[0]!.sharedRecorded + outcomes[1]!.sharedRecorded).toBe(shared);

    const db = database();
    const log = new FeedbackLog(db);
    const lines = [...log.lines()];
    expect(lines).toHaveLength(2 * count * 2 + shared);
    expect(new Set(lines.map((line) => `${line.answerId}:${'detail' in line ? line.detail : 'vote'}`)).size).toBe(lines.length);
    // Both wrote the same server's channel list: every channel is there, once.
    expect(new ServerSettingsStore(db).get('100000000000000001').mentionChannels).toHaveLength(count);
  }, 60_000);
});

describe('the schema', () => {
  it('is versioned, in WAL mode, and a database of a newer version is refused, not changed', async () => {
    const db = database();
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(dbFile)).toThrow(DatabaseError);
    expect(() => openDatabase(dbFile)).toThrow(/newer than this version of Verbatim knows/);
  });

  it('migrates a database of an earlier version in place, keeping what it holds', async () => {
    const db = database();
    new ServerSettingsStore(db).set('100000000000000001', { setting: 'replyMode', value: 'thread' }, 'someone');
    // As the first version left it: settings only.
    db.exec('DROP TABLE feedback; DROP TABLE feedback_imports');
    db.pragma('user_version = 1');
    db.close();
    const again = database();
    expect(schemaVersion(again)).toBe(SCHEMA_VERSION);
    expect(new ServerSettingsStore(again).get('100000000000000001').replyMode).toBe('thread');
    expect(new FeedbackLog(again).votes).toBe(0);
  });
});
