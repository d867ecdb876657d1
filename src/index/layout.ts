/**
 * Where an index lives on disk, and how a new one replaces the old atomically.
 *
 *   INDEX_DIR/
 *     CURRENT            the name of the live generation (replaced by rename: atomic)
 *     gen-<time>-<rand>/ one complete index: manifest.json is written last
 *     .build.lock        held while a build runs
 *
 * A build writes a new generation directory and then points CURRENT at it, so a crash
 * mid-build leaves CURRENT on the previous, complete generation, and a reader that has
 * read CURRENT always finds a whole index. The previous generation is kept (one step of
 * backup); older ones and abandoned partial ones are removed by the next build.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const CURRENT_FILE = 'CURRENT';
const PREVIOUS_FILE = 'PREVIOUS';
const GENERATION_PREFIX = 'gen-';

/** The live generation's directory, or undefined when no index has been built there. */
export async function currentGeneration(indexDir: string): Promise<string | undefined> {
  const name = await readPointer(indexDir, CURRENT_FILE);
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

async function writePointer(indexDir: string, file: string, name: string): Promise<void> {
  const tmp = path.join(indexDir, `.${file}.${process.pid}.tmp`);
  await writeFile(tmp, `${name}\n`);
  await rename(tmp, path.join(indexDir, file));
}

/** Makes `generationDir` the live index (atomic), remembering the one it replaces. */
export async function publishGeneration(indexDir: string, generationDir: string): Promise<void> {
  const previous = await readPointer(indexDir, CURRENT_FILE);
  if (previous !== undefined) await writePointer(indexDir, PREVIOUS_FILE, previous);
  await writePointer(indexDir, CURRENT_FILE, path.basename(generationDir));
}

/** Removes every generation that is neither live nor the one before it. Call while holding the build lock. */
export async function removeStaleGenerations(indexDir: string): Promise<string[]> {
  const keep = new Set([await readPointer(indexDir, CURRENT_FILE), await readPointer(indexDir, PREVIOUS_FILE)]);
  let entries: string[];
  try {
    entries = await readdir(indexDir);
  } catch {
    return [];
  }
  const stale = entries.filter((name) => name.startsWith(GENERATION_PREFIX) && !keep.has(name));
  await Promise.all(stale.map((name) => rm(path.join(indexDir, name), { recursive: true, force: true })));
  return stale;
}
