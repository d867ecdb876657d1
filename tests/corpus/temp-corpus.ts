/** Temporary corpus directories for tests, removed after each test file. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const created: string[] = [];

afterAll(async () => {
  await Promise.all(created.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh empty directory. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-corpus-'));
  created.push(dir);
  return dir;
}

/** A fresh directory holding the given files (paths relative to it, `/`-separated; folders are created). */
export async function tempCorpus(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await tempDir();
  for (const [relPath, content] of Object.entries(files)) {
    const filePath = path.join(dir, ...relPath.split('/'));
    await mkdir(path.dirname(filePath), { recursive: true });
    await writeFile(filePath, content);
  }
  return dir;
}

/** A plain-text article body that survives cleaning. */
export const GOOD_TEXT = 'A Perfectly Ordinary Headline About Talks\n\nThe talks went well, officials said on Monday.\n';
