/**
 * A build that runs out of disk space (issue #12, item 7) fails with one clear line, leaves the
 * live index and its rollback point (PREVIOUS) as they were, and leaves nothing behind: not its
 * half-written generation, not a pointer's temp file. And a generation is flushed to disk (fsync
 * of its files and directories) before CURRENT points at it.
 *
 * ENOSPC is injected into node:fs/promises for chosen paths; everything else is the real
 * filesystem and the real build.
 */
import type * as FsPromises from 'node:fs/promises';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeError, IndexError } from '../../src/core/errors.js';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { buildIndex } from '../../src/index/build.js';
import { currentGeneration, removeStaleGenerations } from '../../src/index/layout.js';
import { IndexSnapshot } from '../../src/index/snapshot.js';
import { loadEmbeddings, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

const disk = vi.hoisted(() => ({
  /** Writes to a path matching this fail with ENOSPC. */
  full: undefined as RegExp | undefined,
  /** `sync <path>` and `rename <from> <to>`, in order. */
  log: [] as string[],
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const enospc = (file: string) =>
    Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC', errno: -28, syscall: 'write', path: file });
  const isFull = (file: unknown) => disk.full !== undefined && typeof file === 'string' && disk.full.test(file);
  const writeFile: typeof real.writeFile = async (file, data, options) => {
    if (isFull(file)) throw enospc(String(file));
    return real.writeFile(file, data, options);
  };
  const open = (async (file: string, flags?: string | number, mode?: number) => {
    if (typeof flags === 'string' && /[wa+]/.test(flags) && isFull(file)) throw enospc(file);
    const handle = await real.open(file, flags, mode);
    const sync = handle.sync.bind(handle);
    handle.sync = () => {
      disk.log.push(`sync ${file}`);
      return sync();
    };
    return handle;
  }) as typeof real.open;
  const rename: typeof real.rename = async (from, to) => {
    disk.log.push(`rename ${String(from)} ${String(to)}`);
    return real.rename(from, to);
  };
  const mocked = { ...real, writeFile, open, rename };
  return { ...mocked, default: mocked };
});

let workspace: SeedWorkspace;
let embeddings: LocalEmbeddings;
const article = () => path.join(workspace.corpusDir, '001_d0fa2f8654ce3dfa.txt');

async function changeCorpus(): Promise<void> {
  await writeFile(article(), `${await readFile(article(), 'utf8')}\n\nA paragraph added at ${Date.now()}-${Math.random()}.\n`);
}

async function pointers(): Promise<{ current: string; previous: string; entries: string[] }> {
  const read = (name: string) => readFile(path.join(workspace.indexDir, name), 'utf8').catch(() => '');
  return { current: await read('CURRENT'), previous: await read('PREVIOUS'), entries: (await readdir(workspace.indexDir)).sort() };
}

beforeAll(async () => {
  workspace = await seedWorkspace();
  embeddings = await loadEmbeddings();
  await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings });
  await changeCorpus();
  await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings });
});
afterAll(async () => {
  await workspace?.cleanup();
});
beforeEach(() => {
  disk.full = undefined;
  disk.log = [];
});

describe('a build on a full disk', () => {
  it.each([
    ['while writing the generation', /[/\\]gen-[^/\\]+[/\\][^/\\]+$/],
    ["while writing CURRENT's temp file", /[/\\]\.CURRENT\.[^/\\]*\.tmp$/],
    ["while writing PREVIOUS's temp file", /[/\\]\.PREVIOUS\.[^/\\]*\.tmp$/],
  ])('%s fails with one clear line and leaves the index, PREVIOUS and the directory as they were', async (_, full) => {
    const before = await pointers();
    expect(before.previous).not.toBe('');
    await changeCorpus();
    disk.full = full;
    const error = await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings }).then(
      () => undefined,
      (e: unknown) => e,
    );
    disk.full = undefined;
    // CURRENT and PREVIOUS unchanged; no new generation, temp file or lock left.
    expect(await pointers()).toEqual(before);
    expect(error).toBeInstanceOf(IndexError);
    expect(describeError(error)).toBe(
      `No space left on device while writing the index to ${workspace.indexDir}; the previous index keeps serving. Free space and run again.`,
    );
    const snapshot = await IndexSnapshot.open(workspace.indexDir);
    expect(snapshot.dir).toBe(path.join(workspace.indexDir, before.current.trim()));

    // With space again, the next build completes, and PREVIOUS is the generation it replaced.
    const next = await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings });
    expect(next.written).toBe(true);
    const after = await pointers();
    expect(after.previous).toBe(before.current);
    expect(after.current).toBe(`${path.basename(next.generationDir)}\n`);
  });
});

describe('publishing a generation', () => {
  it('flushes every file of the new generation and its directories to disk before CURRENT points at it', async () => {
    await changeCorpus();
    const summary = await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings });
    const generation = summary.generationDir;
    const swap = disk.log.findIndex((entry) => entry.startsWith('rename ') && entry.endsWith(` ${path.join(workspace.indexDir, 'CURRENT')}`));
    expect(swap, disk.log.join('\n')).toBeGreaterThan(0);
    const before = disk.log.slice(0, swap);
    for (const name of await readdir(generation)) expect(before, name).toContain(`sync ${path.join(generation, name)}`);
    expect(before).toContain(`sync ${generation}`);
    expect(before).toContain(`sync ${workspace.indexDir}`);
    // The pointer's temp file was flushed before the rename, and the rename itself after it.
    const tmp = disk.log[swap]!.split(' ')[1]!;
    expect(before).toContain(`sync ${tmp}`);
    expect(disk.log.slice(swap + 1)).toContain(`sync ${workspace.indexDir}`);
    expect(await currentGeneration(workspace.indexDir)).toBe(generation);
  });

  it("the next build removes pointer temp files that a killed build left (and keeps CURRENT's and PREVIOUS's generations)", async () => {
    const before = await pointers();
    for (const name of ['.CURRENT.4242.tmp', '.PREVIOUS.4242.tmp', '.CURRENT.4242.0a1b2c3d.tmp']) {
      await writeFile(path.join(workspace.indexDir, name), 'gen-19700101000000000-000000\n');
    }
    await removeStaleGenerations(workspace.indexDir);
    expect(await pointers()).toEqual(before);
  });
});
