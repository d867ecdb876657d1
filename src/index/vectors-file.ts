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
import { closeSync, fstatSync, open, readSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { IndexError } from '../core/errors.js';
import { LruCache } from '../core/lru-cache.js';
import { REBUILD_HINT } from './manifest.js';

export interface VectorFileOptions {
  /** How many recently read rows to keep in memory. */
  cacheRows?: number;
  /** Every row is a unit vector: check each row read (finite values, length 1 ± UNIT_TOLERANCE). */
  unit?: boolean;
}

/** How far a unit row's squared length may be from 1 (float32 rounding is ~1e-6). */
export const UNIT_TOLERANCE = 1e-3;

export async function writeVectors(file: string, rows: readonly Float32Array[], dimensions: number): Promise<void> {
  const out = new Float32Array(rows.length * dimensions);
  rows.forEach((row, i) => out.set(row, i * dimensions));
  await writeFile(file, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
}

/** Closes the file of a reader that was dropped without `close()`. */
const openFiles = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

/**
 * Rows of a vectors file, read from disk when asked for (the operating system's page cache keeps
 * the hot ones) and the most recent `cacheRows` kept in memory. The file stays open until `close()`
 * or until the reader is garbage-collected, so a generation replaced while a question still reads
 * it keeps working.
 */
export class VectorFileReader {
  private readonly cache: LruCache<number, Float32Array>;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly fd: number,
    readonly count: number,
    readonly dimensions: number,
    cacheRows: number,
    private readonly unit: boolean,
  ) {
    this.cache = new LruCache(cacheRows);
    openFiles.register(this, fd, this);
  }

  /** Opens a file of `count` rows of `dimensions` floats; its size must match exactly. */
  static async open(file: string, count: number, dimensions: number, options: VectorFileOptions = {}): Promise<VectorFileReader> {
    let fd: number;
    let bytes: number;
    try {
      fd = await new Promise<number>((resolve, reject) => open(file, 'r', (error, opened) => (error ? reject(error) : resolve(opened))));
      bytes = fstatSync(fd).size;
    } catch (error) {
      throw new IndexError(`${file} is missing or unreadable.`, { path: file, cause: error });
    }
    const expected = count * dimensions * 4;
    if (bytes !== expected) {
      closeSync(fd);
      throw new IndexError(`${file} has ${bytes} bytes; ${expected} expected (${count} vectors of ${dimensions}).`, { path: file });
    }
    return new VectorFileReader(file, fd, count, dimensions, options.cacheRows ?? 4096, options.unit ?? false);
  }

  /** Row `i` (a fresh array, or the cached one: do not modify it). */
  row(i: number): Float32Array {
    return this.cache.getOrAdd(i, () => this.rows(i, i + 1));
  }

  /** Rows `from` to `to` (exclusive) in one read, as one matrix. */
  rows(from: number, to: number): Float32Array {
    if (this.closed) throw new IndexError(`${this.file} was closed.`, { path: this.file });
    if (from < 0 || to > this.count || from > to) throw new RangeError(`Rows ${from}–${to} are outside ${this.file} (${this.count} rows).`);
    const out = new Float32Array((to - from) * this.dimensions);
    const bytes = new Uint8Array(out.buffer);
    let done = 0;
    while (done < bytes.byteLength) {
      const read = readSync(this.fd, bytes, done, bytes.byteLength - done, from * this.dimensions * 4 + done);
      if (read === 0) throw new IndexError(`${this.file} ended early (damaged?).`, { path: this.file });
      done += read;
    }
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
    if (this.closed) return;
    this.closed = true;
    openFiles.unregister(this);
    closeSync(this.fd);
  }
}
