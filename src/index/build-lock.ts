/**
 * One build at a time per index directory.
 *
 * The lock is the file INDEX_DIR/.build.lock. It appears atomically with its whole content (a
 * temp file is written, then hard-linked to the lock's name: link fails with EEXIST when the lock
 * is held), and the content identifies the holder beyond a pid — host, boot, the process's start
 * time and a random token — so that a lock left by a dead build is recognised even when its pid
 * has been reused (a container's builds all run as pid 1):
 *
 *   - another host:                       cannot tell → held (the error says how to clear it)
 *   - another boot of this host:          stale
 *   - our own pid, a token not ours:      stale (an earlier process that had our pid)
 *   - pid not running:                    stale
 *   - pid running, another start time:    stale (the pid was reused)
 *   - otherwise:                          held
 *
 * A stale lock is reaped by exactly one process: a reaper first creates the marker
 * `.build.lock.reap-<token>-<n>` exclusively, re-reads the lock and removes it only if it still
 * holds that token, then everyone retries the atomic create. Tokens are random and never
 * reused, so once the stale lock is gone no marker for it can do harm. A marker older than
 * MARKER_ABANDONED_MS belongs to a reaper that died; the next reaper uses marker n+1 instead of
 * deleting it, so two reapers never hold a marker for the same lock at once.
 *
 * Release removes the lock only if it still holds our token.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IndexError } from '../core/errors.js';

export const LOCK_FILE = '.build.lock';
const REAP_MARKER = `${LOCK_FILE}.reap-`;
/** A reaper's work takes milliseconds; a marker this old was left by one that died. */
const MARKER_ABANDONED_MS = 10_000;
/** A lock file whose content cannot be read yet (only on filesystems without hard links). */
const UNREADABLE_GRACE_MS = 5_000;
const MAX_ATTEMPTS = 400;

/** Who holds a lock. Optional fields are absent where the platform cannot tell them. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** /proc/sys/kernel/random/boot_id: changes at every boot. */
  bootId?: string;
  /** /proc/<pid>/stat field 22: the process's start time in clock ticks since boot. */
  startTime?: string;
  token: string;
  startedAt: string;
}

/** Tokens of the locks this process holds (shared by every copy of this module in the process). */
const HELD: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('verbatim.buildLock.held')] ??= new Set<string>()) as Set<string>;

function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat, or undefined (no /proc, or no such process). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[22 - 3];
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function self(): LockHolder {
  const holder: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    token: randomBytes(12).toString('hex'),
    startedAt: new Date().toISOString(),
  };
  const bootId = readBootId();
  if (bootId !== undefined) holder.bootId = bootId;
  const startTime = processStartTime(process.pid);
  if (startTime !== undefined) holder.startTime = startTime;
  return holder;
}

/** Parses a lock file: our JSON, or the bare pid that earlier versions wrote. */
export function parseHolder(text: string): LockHolder | { pid: number; legacy: true } | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), legacy: true };
  try {
    const value = JSON.parse(trimmed) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string' && typeof value.token === 'string') {
      return value as LockHolder;
    }
  } catch {
    // Not (yet) a lock we can read.
  }
  return undefined;
}

type Verdict = { alive: true; why: string } | { alive: false };

/** Whether the holder of a lock may still be running. `lockMtime` dates a legacy (pid-only) lock. */
function judge(holder: LockHolder | { pid: number; legacy: true }, lockMtime: number): Verdict {
  if ('legacy' in holder) {
    // Written by an earlier version: only a pid. Stale if that pid is ours, not running, or a
    // process that started after the lock was written (the pid was reused).
    if (holder.pid === process.pid || !isRunning(holder.pid)) return { alive: false };
    const started = absoluteStartTime(holder.pid);
    if (started !== undefined && started > lockMtime + 1000) return { alive: false };
    return { alive: true, why: `process ${holder.pid}` };
  }
  if (holder.hostname !== os.hostname()) {
    return { alive: true, why: `process ${holder.pid} on host ${holder.hostname}` };
  }
  const bootId = readBootId();
  if (holder.bootId !== undefined && bootId !== undefined && holder.bootId !== bootId) return { alive: false };
  if (holder.pid === process.pid) {
    return HELD.has(holder.token) ? { alive: true, why: `this process (${holder.pid})` } : { alive: false };
  }
  if (!isRunning(holder.pid)) return { alive: false };
  if (holder.startTime !== undefined) {
    const startTime = processStartTime(holder.pid);
    if (startTime !== undefined && startTime !== holder.startTime) return { alive: false };
  }
  return { alive: true, why: `process ${holder.pid}` };
}

/** When a process started, in ms since the epoch (Linux), from its start time and the boot time. */
function absoluteStartTime(pid: number): number | undefined {
  const ticks = processStartTime(pid);
  if (ticks === undefined) return undefined;
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    // Clock ticks are 100 per second on every Linux platform Node runs on (USER_HZ).
    return btime === undefined ? undefined : Number(btime) * 1000 + (Number(ticks) / 100) * 1000;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Creates `file` with `content`, failing with EEXIST if it exists; readers never see it partly written. */
async function createAtomically(file: string, content: string, token: string): Promise<void> {
  const tmp = `${file}.${token}.tmp`;
  await writeFile(tmp, content, { flag: 'wx' });
  try {
    await link(tmp, file);
  } catch (error) {
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(code(error) ?? '')) throw error;
    // No hard links on this filesystem: exclusive create, then write (readers allow for the gap).
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Removes the lock if it still holds `token`, as the only reaper of that lock. Returns when the
 * caller should retry taking the lock.
 */
async function reap(file: string, token: string, me: string): Promise<void> {
  for (let n = 0; n < 100; n++) {
    const marker = `${path.dirname(file)}/${REAP_MARKER}${token}-${n}`;
    try {
      await writeFile(marker, me, { flag: 'wx' });
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
      const age = await stat(marker).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > MARKER_ABANDONED_MS) continue; // its reaper died: use the next marker
      await sleep(10 + Math.random() * 20); // someone is reaping it now
      return;
    }
    try {
      const now = parseHolder(await readFile(file, 'utf8').catch(() => ''));
      if (now !== undefined && !('legacy' in now) && now.token === token) await unlink(file).catch(() => undefined);
      if (now !== undefined && 'legacy' in now && token === legacyToken(now.pid)) await unlink(file).catch(() => undefined);
    } finally {
      await rm(marker, { force: true });
    }
    return;
  }
}

/** Legacy (pid-only) locks have no token; their content stands in for one. */
function legacyToken(pid: number): string {
  return `legacy-${pid}`;
}

/** Removes what killed lockers and reapers left: reap markers for other locks, old temp files. */
async function tidy(dir: string, ours: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    entries.map(async (name) => {
      if (name.startsWith(REAP_MARKER) && !name.startsWith(`${REAP_MARKER}${ours}-`)) {
        await rm(path.join(dir, name), { force: true });
      } else if (name.startsWith(`${LOCK_FILE}.`) && name.endsWith('.tmp') && !name.includes(ours)) {
        const age = await stat(path.join(dir, name)).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > 60_000) await rm(path.join(dir, name), { force: true });
      }
    }),
  );
}

/** Takes the lock and returns a function that releases it. Throws IndexError while another build holds it. */
export async function acquireBuildLock(indexDir: string): Promise<() => Promise<void>> {
  await mkdir(indexDir, { recursive: true });
  const file = path.join(indexDir, LOCK_FILE);
  const me = self();
  const content = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      await createAtomically(file, content, me.token);
      HELD.add(me.token);
      await tidy(indexDir, me.token);
      return () => release(file, me.token);
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
    }
    let text: string;
    let mtime: number;
    try {
      [text, mtime] = await Promise.all([readFile(file, 'utf8'), stat(file).then((s) => s.mtimeMs)]);
    } catch (error) {
      if (code(error) === 'ENOENT') continue; // released meanwhile: try again
      throw error;
    }
    const holder = parseHolder(text);
    if (holder === undefined) {
      // Being written (no hard links here) or damaged.
      if (Date.now() - mtime < UNREADABLE_GRACE_MS) {
        await sleep(20);
        continue;
      }
      await reapUnreadable(file, text, me.token);
      continue;
    }
    const verdict = judge(holder, mtime);
    if (verdict.alive) {
      throw new IndexError(`Another index build (${verdict.why}) is running on ${indexDir}.`, {
        hint: `Wait for it to finish, or stop it and run the build again. If no build is running (say, it ran on another machine that shares this directory), delete ${file}.`,
        path: file,
      });
    }
    await reap(file, 'legacy' in holder ? legacyToken(holder.pid) : holder.token, me.token);
  }
  throw new IndexError(`Could not take the build lock ${file}.`, { path: file, hint: `If no build is running, delete ${file}.` });
}

/** A lock file that stayed unreadable: reaped under a marker named after its content. */
async function reapUnreadable(file: string, text: string, me: string): Promise<void> {
  const token = `unreadable-${Buffer.from(text).toString('hex').slice(0, 32)}`;
  const marker = `${path.dirname(file)}/${REAP_MARKER}${token}-0`;
  try {
    await writeFile(marker, me, { flag: 'wx' });
  } catch (error) {
    if (code(error) !== 'EEXIST') throw error;
    await sleep(20);
    return;
  }
  try {
    if ((await readFile(file, 'utf8').catch(() => undefined)) === text) await unlink(file).catch(() => undefined);
  } finally {
    await rm(marker, { force: true });
  }
}

/** Removes the lock if it is still ours (a lock judged stale and taken over is not). */
async function release(file: string, token: string): Promise<void> {
  HELD.delete(token);
  const holder = parseHolder(await readFile(file, 'utf8').catch(() => ''));
  if (holder !== undefined && !('legacy' in holder) && holder.token === token) await rm(file, { force: true });
}
