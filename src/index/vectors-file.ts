/**
 * A matrix of float32 vectors as one binary file (row-major, little-endian, no header),
 * loaded straight into a Float32Array with no per-vector copies.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { IndexError } from '../core/errors.js';

export async function writeVectors(file: string, rows: readonly Float32Array[], dimensions: number): Promise<void> {
  const out = new Float32Array(rows.length * dimensions);
  rows.forEach((row, i) => out.set(row, i * dimensions));
  await writeFile(file, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
}

/** Reads `count` rows of `dimensions` floats; the file's size must match exactly. */
export async function readVectors(file: string, count: number, dimensions: number): Promise<Float32Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new IndexError(`${file} is missing or unreadable.`, { path: file, cause: error });
  }
  const expected = count * dimensions * 4;
  if (bytes.byteLength !== expected) {
    throw new IndexError(`${file} has ${bytes.byteLength} bytes; ${expected} expected (${count} vectors of ${dimensions}).`, {
      path: file,
    });
  }
  // Buffer pools may not be 4-byte aligned; copy once into an aligned array if so.
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, count * dimensions);
  return new Float32Array(Uint8Array.prototype.slice.call(bytes).buffer);
}

/** Row `i` of a flat matrix, as a view (no copy). */
export function row(matrix: Float32Array, i: number, dimensions: number): Float32Array {
  return matrix.subarray(i * dimensions, (i + 1) * dimensions);
}
