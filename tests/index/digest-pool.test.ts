/**
 * Hashing files in worker threads (digest-pool.ts): the same size and SHA-256 as digestFile for every
 * file, whatever the number of threads; a file that cannot be read rejects its own digest (with its
 * error code) and no other; stopping rejects what is left.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestFile } from '../../src/index/checksum.js';
import { digestFiles, digestThreads, PARALLEL_DIGEST_BYTES } from '../../src/index/digest-pool.js';

let dir: string;
let files: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-digest-pool-'));
  // Empty, smaller than a slice, exactly a slice, and several slices and a bit.
  const sizes = [0, 1, 1000, 1 << 20, (3 << 20) + 7];
  files = [];
  for (const [i, size] of sizes.entries()) {
    const file = path.join(dir, `f${i}.bin`);
    await writeFile(file, randomBytes(size));
    files.push(file);
  }
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('digestFiles', () => {
  it('gives what digestFile gives, for every file, on the main thread or with 1, 2 or 4 threads', async () => {
    const expected = await Promise.all(files.map((file) => digestFile(file)));
    for (const threads of [0, 1, 2, 4]) {
      const run = digestFiles(files, threads);
      expect(await Promise.all(run.digests)).toEqual(expected);
      run.stop();
    }
  });

  it('rejects only the digest of a file that cannot be read, with its error code', async () => {
    const missing = path.join(dir, 'missing.bin');
    const run = digestFiles([files[2]!, missing, files[3]!], 2);
    const [a, b, c] = await Promise.allSettled(run.digests);
    expect(a).toEqual({ status: 'fulfilled', value: await digestFile(files[2]!) });
    expect(b?.status).toBe('rejected');
    expect((b as PromiseRejectedResult).reason).toMatchObject({ code: 'ENOENT' });
    expect(c).toEqual({ status: 'fulfilled', value: await digestFile(files[3]!) });
  });

  it('stop() rejects what is not hashed yet', async () => {
    for (const threads of [0, 1]) {
      const run = digestFiles(Array.from({ length: 20 }, () => files[4]!), threads);
      run.stop();
      const settled = await Promise.allSettled(run.digests);
      expect(settled.some((s) => s.status === 'rejected')).toBe(true);
    }
  });

  it('uses no worker for little data, else one thread per usable core, between 1 and 4', () => {
    expect(digestThreads(PARALLEL_DIGEST_BYTES - 1, 8)).toBe(0);
    expect([1, 2, 16].map((cores) => digestThreads(PARALLEL_DIGEST_BYTES, cores))).toEqual([1, 2, 4]);
  });
});
