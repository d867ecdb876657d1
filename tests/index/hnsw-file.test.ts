/**
 * hnswlib neither reports a failed write (a full disk leaves a short hnsw.bin without a word) nor
 * checks a file's length before reading it. HnswIndex checks the file's structure after writing and
 * before reading (issue #12, items 4 and 7).
 */
import type * as FsPromises from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IndexError } from '../../src/core/errors.js';
import { HNSW_FILE, HnswIndex, type HnswParams } from '../../src/index/hnsw-store.js';
import { writeFailure } from '../../src/index/layout.js';

const disk = vi.hoisted(() => ({ free: undefined as number | undefined }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const statfs = (async (target: string) => {
    const stats = await real.statfs(target);
    return disk.free === undefined ? stats : { ...stats, bavail: Math.floor(disk.free / stats.bsize) };
  }) as typeof real.statfs;
  const mocked = { ...real, statfs };
  return { ...mocked, default: mocked };
});

const DIMENSIONS = 8;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-hnsw-'));
  disk.free = undefined;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PARAMS: HnswParams = { m: 8, efConstruction: 50, efSearch: 20 };

/** An index of 300 random vectors (enough for upper levels in the graph). */
function filledIndex(): HnswIndex {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  const vectors = Array.from({ length: 300 }, () => Array.from({ length: DIMENSIONS }, random));
  return HnswIndex.build(vectors, DIMENSIONS, PARAMS);
}

describe('hnsw.bin', () => {
  it('round-trips, and a file cut anywhere — even in its last bytes — is refused on load, not read', async () => {
    const file = path.join(dir, HNSW_FILE);
    const built = filledIndex();
    await built.save(file);
    const loaded = await HnswIndex.load(file, 300, DIMENSIONS, PARAMS);
    expect(loaded.size).toBe(300);
    expect(loaded.searchLabels(built.vector(42), 1)[0]!.label).toBe(42);
    const whole = await readFile(file);
    for (const cut of [4, 100, Math.floor(whole.length / 2)]) {
      await writeFile(file, whole);
      await truncate(file, whole.length - cut);
      const error = await HnswIndex.load(file, 300, DIMENSIONS, PARAMS).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IndexError);
      expect((error as IndexError).message).toMatch(/hnsw\.bin is damaged or incomplete/);
    }
    // A generation whose manifest counts fewer chunks than the graph holds.
    await writeFile(file, whole);
    await expect(HnswIndex.load(file, 299, DIMENSIONS, PARAMS)).rejects.toThrow(/holds 300 vectors, 299 expected/);
  });

  it.runIf(existsSync('/dev/full'))('a write that did not reach the disk fails the save: ENOSPC on a full disk, damaged otherwise', async () => {
    const index = filledIndex();
    const file = path.join(dir, HNSW_FILE);
    // Every write to /dev/full fails with ENOSPC; hnswlib says nothing of it.
    await symlink('/dev/full', path.join(dir, HNSW_FILE));
    const error = await index.save(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as IndexError).message).toMatch(/hnsw\.bin is damaged or incomplete/);

    disk.free = 4096;
    const full = await index.save(file).catch((e: unknown) => e);
    expect((full as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(String(writeFailure(full, dir))).toMatch(/No space left on device while writing the index to .*; the previous index keeps serving/);
  });
});
