import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexError } from '../../src/core/errors.js';
import { VectorFileReader, writeVectors } from '../../src/index/vectors-file.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-vectors-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Row i holds i, i + 0.5, i + 0.25 (exact in float32). */
const rowOf = (i: number) => Float32Array.from([i, i + 0.5, i + 0.25]);

describe('VectorFileReader', () => {
  it('reads rows and runs of rows back from disk as written, keeping a bounded cache', async () => {
    const file = path.join(dir, 'v.f32');
    await writeVectors(file, Array.from({ length: 10 }, (_, i) => rowOf(i)), 3);
    const reader = await VectorFileReader.open(file, 10, 3, { cacheRows: 2 });
    const seven = reader.row(7);
    expect([...seven]).toEqual([...rowOf(7)]);
    expect(reader.row(7)).toBe(seven); // cached
    reader.row(1);
    reader.row(2); // evicts 7 (least recently used; the cache holds 2)
    const again = reader.row(7);
    expect(again).not.toBe(seven); // read from disk again
    expect([...again]).toEqual([...rowOf(7)]);
    expect([...reader.rows(3, 5)]).toEqual([...rowOf(3), ...rowOf(4)]);
    expect(reader.rows(0, 10)).toHaveLength(30);
    expect(() => reader.rows(9, 11)).toThrow(RangeError);
    reader.close();
    expect(() => reader.rows(0, 1)).toThrow(`${file} was closed.`);
    reader.close(); // twice is fine
  });

  it('refuses a file whose size does not match, naming it', async () => {
    const file = path.join(dir, 'short.f32');
    await writeVectors(file, [rowOf(0), rowOf(1)], 3);
    await truncate(file, 20);
    await expect(VectorFileReader.open(file, 2, 3)).rejects.toThrow(IndexError);
    await expect(VectorFileReader.open(file, 2, 3)).rejects.toThrow(`${file} has 20 bytes; 24 expected (2 vectors of 3).`);
    await expect(VectorFileReader.open(path.join(dir, 'none.f32'), 2, 3)).rejects.toThrow('is missing or unreadable');
  });

  it('with unit: true, refuses a row that is not a finite unit vector (flipped bytes, zeros), naming the file and row', async () => {
    const file = path.join(dir, 'unit.f32');
    const unit = (i: number) => Float32Array.from([Math.cos(i), Math.sin(i), 0]);
    await writeVectors(file, Array.from({ length: 4 }, (_, i) => unit(i)), 3);
    const good = await VectorFileReader.open(file, 4, 3, { unit: true });
    expect([...good.rows(0, 4)]).toHaveLength(12);
    good.close();

    const bytes = await readFile(file);
    const flip = (at: number, count: number) => {
      const copy = Buffer.from(bytes);
      for (let i = at; i < at + count; i++) copy[i] = copy[i]! ^ 0x7f;
      return copy;
    };
    for (const [name, damaged] of [
      ['flipped', flip(12 + 2, 8)], // inside row 1
      ['huge', flip(24 + 3, 1)], // the exponent byte of row 2's first value
      ['zeroed', Buffer.alloc(bytes.length)],
    ] as const) {
      await writeFile(file, damaged);
      const reader = await VectorFileReader.open(file, 4, 3, { unit: true });
      const row = name === 'huge' ? 2 : name === 'flipped' ? 1 : 0;
      expect(() => reader.row(row), name).toThrow(IndexError);
      expect(() => reader.row(row), name).toThrow(`${file} is damaged: vector ${row} is not a unit vector`);
      expect(() => reader.rows(0, 4), name).toThrow(IndexError);
      reader.close();
      // Without the check the same bytes read back as they are.
      const unchecked = await VectorFileReader.open(file, 4, 3);
      expect(unchecked.row(row)).toHaveLength(3);
      unchecked.close();
    }
  });
});
