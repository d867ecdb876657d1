/**
 * A matrix of float32 vectors as one binary file (row-major, little-endian, no header), read
 * row by row (or a run of rows at once) from disk rather than held in memory: at 100k chunks the
 * sentence vectors alone are ~900 MB.
 *
 * The file is verified whole against its checksum when a snapshot opens it (snapshot.ts); a reader
 * opened with `unit: true` also checks every row it reads — finite, of length 1 — so a vector
 * damaged on disk after that (or a file opened without a checksum) is an IndexError naming the
 * file and the row, never a NaN or a similarity of 1e22 handed to the answering engine.
 */
import { writeFile } from 'node:fs/promises';
import { IndexError } from '../core/errors.js';
import { LruCache } from '../core/lru-cache.js';
import { FileReader } from './file-reader.js';
import { REBUILD_HINT } from './manifest.js';

export interface VectorFileOptions {
  /** How many recently read rows to keep in memory. */
  cacheRows?: number;
  /** Every row is a unit vector: check each row read (finite values, length 1 ± UNIT_TOLERANCE). */
  unit?: boolean;
}

/** How many recently read rows a reader keeps unless told otherwise. */
const DEFAULT_CACHE_ROWS = 4096;

/** How far a unit row's squared length may be from 1 (float32 rounding is ~1e-6). */
export const UNIT_TOLERANCE = 1e-3;

export async function writeVectors(file: string, rows: readonly Float32Array[], dimensions: number): Promise<void> {
  const out = new Float32Array(rows.length * dimensions);
  rows.forEach((row, i) => out.set(row, i * dimensions));
  await writeFile(file, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
}

/**
 * Rows of a vectors file, read from disk when asked for (file-reader.ts: the page cache keeps the
 * hot ones) and the most recent `cacheRows` kept in memory.
 */
export class VectorFileReader {
  private readonly cache: LruCache<number, Float32Array>;

  private constructor(
    private readonly reader: FileReader,
    readonly count: number,
    readonly dimensions: number,
    cacheRows: number,
    private readonly unit: boolean,
  ) {
    this.cache = new LruCache(cacheRows);
  }

  get file(): string {
    return this.reader.file;
  }

  /** Opens a file of `count` rows of `dimensions` floats; its size must match exactly. */
  static async open(file: string, count: number, dimensions: number, options: VectorFileOptions = {}): Promise<VectorFileReader> {
    const reader = await FileReader.open(file);
    const expected = count * dimensions * 4;
    if (reader.bytes !== expected) {
      reader.close();
      throw new IndexError(`${file} has ${reader.bytes} bytes; ${expected} expected (${count} vectors of ${dimensions}).`, { path: file });
    }
    return new VectorFileReader(reader, count, dimensions, options.cacheRows ?? DEFAULT_CACHE_ROWS, options.unit ?? false);
  }

  /** Row `i` (a fresh array, or the cached one: do not modify it). */
  row(i: number): Float32Array {
    return this.cache.getOrAdd(i, () => this.rows(i, i + 1));
  }

  /** Rows `from` to `to` (exclusive) in one read, as one matrix. */
  rows(from: number, to: number): Float32Array {
    if (from < 0 || to > this.count || from > to) throw new RangeError(`Rows ${from}–${to} are outside ${this.file} (${this.count} rows).`);
    const out = new Float32Array((to - from) * this.dimensions);
    this.reader.readInto(new Uint8Array(out.buffer), from * this.dimensions * 4);
    if (this.unit) this.checkUnit(out, from);
    return out;
  }

  /** Throws if a row of `matrix` (row `from` first) is not a finite unit vector. */
  private checkUnit(matrix: Float32Array, from: number): void {
    const d = this.dimensions;
    for (let r = 0; r * d < matrix.length; r++) {
      let sum = 0;
      for (let j = r * d; j < (r + 1) * d; j++) sum += matrix[j]! * matrix[j]!;
      // NaN fails both comparisons' negation: !(|sum - 1| <= tolerance).
      if (!(Math.abs(sum - 1) <= UNIT_TOLERANCE)) {
        throw new IndexError(`${this.file} is damaged: vector ${from + r} is not a unit vector (squared length ${sum}).`, {
          path: this.file,
          hint: REBUILD_HINT,
        });
      }
    }
  }

  close(): void {
    this.reader.close();
  }
}
