/**
 * hnswlib neither reports a failed write (a full disk leaves a short hnsw.bin without a word) nor
 * checks a file's length before reading it. The store checks the file's structure after writing and
 * before reading (issue #12, items 4 and 7).
 */
import type * as FsPromises from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import { FakeEmbeddings } from '@langchain/core/utils/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IndexError } from '../../src/core/errors.js';
import { DOCSTORE_FILE, HNSW_FILE, HnswVectorStore } from '../../src/index/hnsw-store.js';
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

/** A store of 300 random vectors (enough for upper levels in the graph). */
async function filledStore(): Promise<HnswVectorStore> {
  const store = new HnswVectorStore(new FakeEmbeddings(), { dimensions: DIMENSIONS, params: { m: 8, efConstruction: 50, efSearch: 20 } });
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  const vectors = Array.from({ length: 300 }, () => Array.from({ length: DIMENSIONS }, random));
  await store.addVectors(
    vectors,
    vectors.map((_, i) => new Document({ pageContent: `passage ${i}`, metadata: {} })),
  );
  return store;
}

describe('hnsw.bin', () => {
  it('round-trips, and a file cut anywhere — even in its last bytes — is refused on load, not read', async () => {
    await (await filledStore()).save(dir);
    expect((await HnswVectorStore.load(dir, new FakeEmbeddings())).size).toBe(300);
    const file = path.join(dir, HNSW_FILE);
    const whole = await readFile(file);
    for (const cut of [4, 100, Math.floor(whole.length / 2)]) {
      await writeFile(file, whole);
      await truncate(file, whole.length - cut);
      const error = await HnswVectorStore.load(dir, new FakeEmbeddings()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IndexError);
      expect((error as IndexError).message).toMatch(/hnsw\.bin is damaged or incomplete/);
    }
    // A docstore listing fewer documents than the graph holds.
    await writeFile(file, whole);
    const docstore = JSON.parse(await readFile(path.join(dir, DOCSTORE_FILE), 'utf8')) as { docs: unknown[] };
    docstore.docs.pop();
    await writeFile(path.join(dir, DOCSTORE_FILE), JSON.stringify(docstore));
    await expect(HnswVectorStore.load(dir, new FakeEmbeddings())).rejects.toThrow(/holds 300 vectors, 299 expected/);
  });

  it.runIf(existsSync('/dev/full'))('a write that did not reach the disk fails the save: ENOSPC on a full disk, damaged otherwise', async () => {
    const store = await filledStore();
    // Every write to /dev/full fails with ENOSPC; hnswlib says nothing of it.
    await symlink('/dev/full', path.join(dir, HNSW_FILE));
    const error = await store.save(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as IndexError).message).toMatch(/hnsw\.bin is damaged or incomplete/);

    disk.free = 4096;
    const full = await store.save(dir).catch((e: unknown) => e);
    expect((full as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(String(writeFailure(full, dir))).toMatch(/No space left on device while writing the index to .*; the previous index keeps serving/);
  });
});
