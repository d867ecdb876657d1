/**
 * The build lock (issue #12, items 5 and 6): taken atomically — of many builds started together on
 * a stale lock exactly one wins — and a lock left by a dead holder is recognised even when its pid
 * was reused (a container's pid 1) or is our own.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexError } from '../../src/core/errors.js';
import { acquireBuildLock, LOCK_FILE, processStartTime, type LockHolder } from '../../src/index/build-lock.js';
import { PROJECT_ROOT } from '../support/env.js';

const CONTENDER = path.join(PROJECT_ROOT, 'tests', 'index', 'fixtures', 'lock-contender.ts');
const ROUNDS = 6;
const CONTENDERS = 8;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'verbatim-lock-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let dirs = 0;
async function indexDir(): Promise<string> {
  const dir = path.join(root, `index-${dirs++}`);
  await rm(dir, { recursive: true, force: true });
  return dir;
}

interface Outcome {
  pid: number;
  won: boolean;
  error?: string;
  message?: string;
}

interface Contender {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  outcome: Promise<Outcome>;
  exited: Promise<void>;
}

function contender(dir: string): Contender {
  const child = spawn(process.execPath, ['--import', 'tsx', CONTENDER, dir], { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const lines = createInterface({ input: child.stdout });
  let onReady: () => void = () => undefined;
  let onOutcome: (outcome: Outcome) => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const outcome = new Promise<Outcome>((resolve) => (onOutcome = resolve));
  lines.on('line', (line) => {
    if (line === 'ready') onReady();
    else if (line.startsWith('{')) onOutcome(JSON.parse(line) as Outcome);
  });
  const exited = new Promise<void>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`contender exited with ${code}: ${stderr}`)))),
  );
  // Fail fast rather than hang if the contender dies before answering.
  const answered = Promise.race([outcome, exited.then(() => Promise.reject(new Error(`contender exited early: ${stderr}`)))]);
  return { child, ready: Promise.race([ready, exited.then(() => undefined)]), outcome: answered, exited };
}

/** The pid of a process that has exited (so, almost certainly, not running). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

function holder(overrides: Partial<LockHolder>): string {
  const base: LockHolder = { pid: 1, hostname: os.hostname(), token: 'f'.repeat(24), startedAt: new Date(0).toISOString() };
  return JSON.stringify({ ...base, ...overrides });
}

async function writeLock(dir: string, content: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, LOCK_FILE), content);
}

describe('the build lock', () => {
  it(`of ${CONTENDERS} builds started together on a stale lock, exactly one wins (${ROUNDS} rounds)`, async () => {
    const winnersPerRound: number[] = [];
    const losers: string[] = [];
    const lockNames: [string, number][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const dir = await indexDir();
      const stale = [
        () => deadPid().then((pid) => holder({ pid, token: `dead${round}` })),
        () => deadPid().then((pid) => String(pid)), // the bare pid earlier versions wrote
        async () => holder({ pid: 1, startTime: `${Number(processStartTime(1) ?? '0') + 12345}`, token: `reused${round}` }),
      ][round % 3]!;
      await writeLock(dir, await stale());
      const contenders = Array.from({ length: CONTENDERS }, () => contender(dir));
      try {
        await Promise.all(contenders.map((c) => c.ready));
        for (const c of contenders) c.child.stdin.write('go\n');
        const outcomes = await Promise.all(contenders.map((c) => c.outcome));
        const winners = outcomes.filter((o) => o.won);
        winnersPerRound.push(winners.length);
        losers.push(...outcomes.filter((o) => !o.won).map((o) => `${o.error}: ${o.message}`));
        // The lock names the winner.
        if (winners.length === 1) lockNames.push([await readFile(path.join(dir, LOCK_FILE), 'utf8'), winners[0]!.pid]);
      } finally {
        for (const c of contenders) c.child.stdin.end();
        await Promise.allSettled(contenders.map((c) => c.exited));
      }
      // Released by the winner; no reap markers or temp files left.
      if (winnersPerRound.at(-1) === 1) expect(await readdir(dir)).toEqual([]);
    }
    console.log(`lock race: winners per round ${JSON.stringify(winnersPerRound)}`);
    expect(winnersPerRound).toEqual(Array.from({ length: ROUNDS }, () => 1));
    for (const [lock, winner] of lockNames) expect((JSON.parse(lock) as LockHolder).pid).toBe(winner);
    for (const loser of losers) expect(loser).toMatch(/^IndexError: Another index build \(process \d+\) is running on /);
  });

  it('takes over a lock that names our own pid (an earlier process with our pid: pid 1 in a container)', async () => {
    for (const content of [String(process.pid), holder({ pid: process.pid, startTime: processStartTime(process.pid), token: 'someone-else' })]) {
      const dir = await indexDir();
      await writeLock(dir, content);
      const release = await acquireBuildLock(dir);
      const lock = JSON.parse(await readFile(path.join(dir, LOCK_FILE), 'utf8')) as LockHolder;
      expect(lock.pid).toBe(process.pid);
      expect(lock.token).not.toBe('someone-else');
      await release();
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it.skipIf(processStartTime(1) === undefined)('takes over a lock that names a running pid with another start time (the pid was reused)', async () => {
    const dir = await indexDir();
    await writeLock(dir, holder({ pid: 1, startTime: `${Number(processStartTime(1)) + 1}` }));
    const release = await acquireBuildLock(dir);
    await release();
  });

  it('takes over a lock from an earlier boot, and a lock whose pid is not running', async () => {
    for (const content of [
      holder({ pid: process.ppid, bootId: 'not-this-boot', startTime: processStartTime(process.ppid) }),
      holder({ pid: await deadPid() }),
    ]) {
      const dir = await indexDir();
      await writeLock(dir, content);
      const release = await acquireBuildLock(dir);
      await release();
    }
  });

  it('respects a live holder — another process, or another build in this process — with a clear IndexError', async () => {
    const dir = await indexDir();
    const other = contender(dir);
    try {
      await other.ready;
      other.child.stdin.write('go\n');
      expect((await other.outcome).won).toBe(true);
      const error = await acquireBuildLock(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(IndexError);
      expect((error as IndexError).message).toBe(`Another index build (process ${other.child.pid}) is running on ${dir}.`);
      expect((error as IndexError).hint).toContain(path.join(dir, LOCK_FILE));
    } finally {
      other.child.stdin.end();
      await other.exited;
    }
    const release = await acquireBuildLock(dir);
    await expect(acquireBuildLock(dir)).rejects.toThrow(/Another index build \(this process/);
    await release();
  });

  it('treats a lock from another host as held, and says how to clear it', async () => {
    const dir = await indexDir();
    await writeLock(dir, holder({ pid: 4242, hostname: 'elsewhere.example' }));
    const error = (await acquireBuildLock(dir).catch((e: unknown) => e)) as IndexError;
    expect(error.message).toBe(`Another index build (process 4242 on host elsewhere.example) is running on ${dir}.`);
    expect(error.hint).toContain(`delete ${path.join(dir, LOCK_FILE)}`);
  });

  it('release does not delete a lock that is no longer ours', async () => {
    const dir = await indexDir();
    const release = await acquireBuildLock(dir);
    const theirs = holder({ pid: 4242, token: 'theirs' });
    await writeFile(path.join(dir, LOCK_FILE), theirs);
    await release();
    expect(await readFile(path.join(dir, LOCK_FILE), 'utf8')).toBe(theirs);
  });
});
