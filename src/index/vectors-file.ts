/**
 * A matrix of float32 vectors as one binary file (row-major, little-endian, no header), read
 * row by row (or a run of rows at once) from disk rather than held in memory: at 100k chunks the
 * sentence vectors alone are ~900 MB.
 */
import { closeSync, fstatSync, open, readSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { IndexError } from '../core/errors.js';
import { LruCache } from '../core/lru-cache.js';

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
  ) {
    this.cache = new LruCache(cacheRows);
    openFiles.register(this, fd, this);
  }

  /** Opens a file of `count` rows of `dimensions` floats; its size must match exactly. */
  static async open(file: string, count: number, dimensions: number, cacheRows = 4096): Promise<VectorFileReader> {
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
    return new VectorFileReader(file, fd, count, dimensions, cacheRows);
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
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    openFiles.unregister(this);
    closeSync(this.fd);
  }
}
