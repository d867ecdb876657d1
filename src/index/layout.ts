/**
 * Where an index lives on disk, and how a new one replaces the old atomically.
 *
 *   INDEX_DIR/
 *     CURRENT            the name of the live generation (replaced by rename: atomic)
 *     PREVIOUS           the name of the generation CURRENT replaced: kept as the rollback point
 *     gen-<time>-<rand>/ one complete index: manifest.json is written last
 *     .build.lock        held while a build runs (see build-lock.ts)
 *
 * A build writes a new generation directory, flushes it to disk (fsync of every file and
 * directory), and then points CURRENT at it, so a crash or a power loss mid-build leaves CURRENT
 * on the previous, complete generation, and a reader that has read CURRENT always finds a whole
 * index. PREVIOUS changes only when CURRENT does, is never the same as CURRENT, and never names a
 * generation that has been removed. Older generations and abandoned partial ones are removed by
 * the next build; a build that fails removes its own generation.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { IndexError } from '../core/errors.js';

export const CURRENT_FILE = 'CURRENT';
export const PREVIOUS_FILE = 'PREVIOUS';
const GENERATION_PREFIX = 'gen-';
/** Temp files of the pointers: `.CURRENT.<pid>.<rand>.tmp` (or `.CURRENT.<pid>.tmp`, written by earlier versions). */
const POINTER_TEMP = /^\.(CURRENT|PREVIOUS)\..+\.tmp$/;

/** The live generation's directory, or undefined when no index has been built there. */
export async function currentGeneration(indexDir: string): Promise<string | undefined> {
  const name = await readPointer(indexDir, CURRENT_FILE);
  return name === undefined ? undefined : path.join(indexDir, name);
}

/** The generation CURRENT replaced (the rollback point), or undefined. */
export async function previousGeneration(indexDir: string): Promise<string | undefined> {
  const name = await readPointer(indexDir, PREVIOUS_FILE);
  return name === undefined ? undefined : path.join(indexDir, name);
}

async function readPointer(indexDir: string, file: string): Promise<string | undefined> {
  try {
    const name = (await readFile(path.join(indexDir, file), 'utf8')).trim();
    return name.startsWith(GENERATION_PREFIX) && !name.includes('/') ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Creates an empty directory for a new generation. */
export async function createGeneration(indexDir: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '');
  const dir = path.join(indexDir, `${GENERATION_PREFIX}${stamp}-${randomBytes(3).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** fsync of a file or directory. Directories cannot be opened for fsync on Windows: skipped there. */
async function fsyncPath(target: string): Promise<void> {
  let handle;
  try {
    handle = await open(target, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR' || code === 'EPERM' || code === 'EACCES') return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
  } finally {
    await handle.close();
  }
}

/** Flushes every file of a generation, the generation directory and its entry in INDEX_DIR to disk. */
export async function syncGeneration(indexDir: string, generationDir: string): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) await fsyncPath(full);
    }
    await fsyncPath(dir);
  };
  await walk(generationDir);
  await fsyncPath(indexDir);
}

/** Writes and flushes a pointer's temp file; the caller renames it into place. Removed again on failure. */
async function preparePointer(indexDir: string, file: string, name: string): Promise<string> {
  const tmp = path.join(indexDir, `.${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(`${name}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return tmp;
}

/**
 * Makes `generationDir` the live index (atomic), remembering the one it replaces in PREVIOUS.
 *
 * Everything that can fail for lack of space (the generation's files, both pointers' temp files)
 * is written and flushed before anything is renamed, so a failure leaves CURRENT and PREVIOUS as
 * they were and no temp file behind. CURRENT is renamed before PREVIOUS: a crash between the two
 * leaves PREVIOUS on an older generation that still exists, never on CURRENT.
 */
export async function publishGeneration(indexDir: string, generationDir: string): Promise<void> {
  const name = path.basename(generationDir);
  await syncGeneration(indexDir, generationDir);
  const current = await readPointer(indexDir, CURRENT_FILE);
  const temps: string[] = [];
  try {
    const currentTmp = await preparePointer(indexDir, CURRENT_FILE, name);
    temps.push(currentTmp);
    const previousTmp = current === undefined || current === name ? undefined : await preparePointer(indexDir, PREVIOUS_FILE, current);
    if (previousTmp !== undefined) temps.push(previousTmp);
    await rename(currentTmp, path.join(indexDir, CURRENT_FILE));
    temps.shift();
    await fsyncPath(indexDir);
    if (previousTmp !== undefined) {
      await rename(previousTmp, path.join(indexDir, PREVIOUS_FILE));
      temps.pop();
      await fsyncPath(indexDir);
    }
  } finally {
    await Promise.all(temps.map((tmp) => rm(tmp, { force: true })));
  }
}

/**
 * Removes a generation a build gave up on (failed, stopped). Never one that CURRENT or PREVIOUS
 * names: a build that failed after publishing leaves its generation live.
 */
export async function discardGeneration(indexDir: string, generationDir: string): Promise<boolean> {
  const name = path.basename(generationDir);
  if (path.resolve(path.dirname(generationDir)) !== path.resolve(indexDir)) return false;
  const keep = [await readPointer(indexDir, CURRENT_FILE), await readPointer(indexDir, PREVIOUS_FILE)];
  if (!name.startsWith(GENERATION_PREFIX) || keep.includes(name)) return false;
  await rm(generationDir, { recursive: true, force: true });
  return true;
}

/**
 * Removes every generation that is neither live nor the one before it, and the pointers' temp
 * files that killed builds left. Call while holding the build lock.
 */
export async function removeStaleGenerations(indexDir: string): Promise<string[]> {
  const keep = new Set([await readPointer(indexDir, CURRENT_FILE), await readPointer(indexDir, PREVIOUS_FILE)]);
  let entries: string[];
  try {
    entries = await readdir(indexDir);
  } catch {
    return [];
  }
  const stale = entries.filter((name) => name.startsWith(GENERATION_PREFIX) && !keep.has(name));
  const temps = entries.filter((name) => POINTER_TEMP.test(name));
  await Promise.all([...stale, ...temps].map((name) => rm(path.join(indexDir, name), { recursive: true, force: true })));
  return stale;
}

const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/**
 * What a build that failed while writing should throw: a full disk (or quota) becomes one clear
 * IndexError; anything else is returned as it is.
 */
export function writeFailure(error: unknown, indexDir: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !NO_SPACE.has(code)) return error;
  const what = code === 'EDQUOT' ? 'Disk quota exceeded' : 'No space left on device';
  return new IndexError(`${what} while writing the index to ${indexDir}; the previous index keeps serving. Free space and run again.`, {
    path: indexDir,
    cause: error,
  });
}
