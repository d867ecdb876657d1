/**
 * The approximate nearest-neighbour index of a generation's chunk vectors: hnswlib-node's
 * HierarchicalNSW (cosine space) used directly, holding labels → vectors and nothing else (what a
 * label stands for is in the generation's chunks.bin). Scores are cosine similarities (1 = same
 * direction). File: `hnsw.bin`, checked whole after every write and before every read.
 */
import { open, statfs, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { IndexError } from '../core/errors.js';
import { HNSW_FILE } from './generation/schema.js';

export interface HnswParams {
  /** Graph degree. */
  m: number;
  /** Candidate list size while building. */
  efConstruction: number;
  /** Candidate list size while searching (at least k). */
  efSearch: number;
}

export const DEFAULT_HNSW: HnswParams = { m: 16, efConstruction: 200, efSearch: 100 };

export { HNSW_FILE };

export interface LabelHit {
  label: number;
  score: number;
}

/** An HNSW index being built (HnswIndex.builder). */
export interface HnswBuilder {
  /** Adds the next vector (label = how many came before); returns it as the index holds it (normalised). */
  add(vector: ArrayLike<number>): Float32Array;
  finish(): HnswIndex;
}

export class HnswIndex {
  private constructor(
    private readonly index: hnswlib.HierarchicalNSW,
    readonly dimensions: number,
    readonly params: HnswParams,
    /** How many vectors it holds (labels 0 … size − 1). */
    readonly size: number,
  ) {}

  /** An index of `vectors`, vector i under label i. */
  static build(vectors: readonly ArrayLike<number>[], dimensions: number, params: HnswParams = DEFAULT_HNSW): HnswIndex {
    const builder = HnswIndex.builder(vectors.length, dimensions, params);
    for (const vector of vectors) builder.add(vector);
    return builder.finish();
  }

  /**
   * An index built one vector at a time (a streaming build): room for `capacity` vectors, vector i
   * under label i; `finish` once all `capacity` are in. The same graph as `build` of the same vectors.
   */
  static builder(capacity: number, dimensions: number, params: HnswParams = DEFAULT_HNSW): HnswBuilder {
    const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
    if (capacity > 0) index.initIndex(capacity, params.m, params.efConstruction, 100);
    let size = 0;
    return {
      add(vector) {
        if (vector.length !== dimensions) throw new IndexError(`A vector has ${vector.length} dimensions; this index holds ${dimensions}.`);
        if (size >= capacity) throw new IndexError(`More than the ${capacity} vectors this index was made for.`);
        index.addPoint(Array.from(vector), size);
        return Float32Array.from(index.getPoint(size++));
      },
      finish() {
        if (size !== capacity) throw new IndexError(`${size} vectors added; ${capacity} expected.`);
        return new HnswIndex(index, dimensions, params, size);
      },
    };
  }

  /** Reads `file`, which must hold `count` vectors of `dimensions` built with `params` (checked before hnswlib reads it). */
  static async load(file: string, count: number, dimensions: number, params: HnswParams): Promise<HnswIndex> {
    const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
    if (count > 0) {
      await checkHnswFile(file, count, dimensions, params.m);
      try {
        await index.readIndex(file);
      } catch (error) {
        throw new IndexError(`${file} could not be read: ${(error as Error).message}`, { path: file, cause: error });
      }
      if (index.getCurrentCount() !== count) {
        throw new IndexError(`${file} holds ${index.getCurrentCount()} vectors; ${count} expected.`, { path: file });
      }
    }
    return new HnswIndex(index, dimensions, params, count);
  }

  /** The stored (normalised) vector of a label. */
  vector(label: number): Float32Array {
    return Float32Array.from(this.index.getPoint(label));
  }

  /** The k nearest labels with their cosine similarity, best first; `filter` keeps only the labels it passes. */
  searchLabels(query: ArrayLike<number>, k: number, filter?: (label: number) => boolean): LabelHit[] {
    const n = Math.min(k, this.size);
    if (n <= 0) return [];
    this.index.setEf(Math.max(this.params.efSearch, n));
    const result = this.index.searchKnn(Array.from(query), n, filter);
    return result.neighbors.map((label, i) => ({ label, score: 1 - result.distances[i]! }));
  }

  /** Writes the index to `file` (an empty index writes an empty file) and reads back what reached the disk. */
  async save(file: string): Promise<void> {
    if (this.size === 0) {
      const handle = await open(file, 'w');
      await handle.close();
      return;
    }
    await this.index.writeIndex(file);
    // hnswlib does not report a failed write: read what reached the disk back.
    await checkHnswFile(file, this.size, this.dimensions, this.params.m).catch(async (error: unknown) => {
      throw await shortWriteError(file, this.size * level0Bytes(this.params.m, this.dimensions), error);
    });
  }
}

/**
 * Checks that an hnswlib index file is whole: its header says how many elements it holds and how
 * big each one is, and the rest is one length-prefixed link list per element, which must end
 * exactly at the end of the file. hnswlib itself neither reports a failed write (a full disk leaves
 * a short file without a word) nor checks a file's length before reading it (a short file can crash
 * the process), so this runs after every write and before every read. Cost: the link lists are read
 * once (a few percent of the file).
 */
async function checkHnswFile(file: string, count: number, dimensions: number, m: number): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new IndexError(`${file} is missing.`, { path: file, cause: error });
  }
  try {
    const bytes = (await handle.stat()).size;
    const problem = await hnswFileProblem(handle, bytes, count, dimensions, m);
    if (problem !== undefined) throw new IndexError(`${file} is damaged or incomplete: ${problem}.`, { path: file });
  } finally {
    await handle.close();
  }
}

/** Level 0 of one element: link count (4) + 2·M links (4 each) + vector (4 · dimensions) + label (8). */
function level0Bytes(m: number, dimensions: number): number {
  return 4 + 2 * m * 4 + 4 * dimensions + 8;
}

/** hnswlib's header: six size_t, two int32, four size_t-sized fields (M's, mult as a double, efConstruction). */
const HNSW_HEADER_BYTES = 6 * 8 + 2 * 4 + 5 * 8;

async function hnswFileProblem(handle: FileHandle, bytes: number, count: number, dimensions: number, m: number): Promise<string | undefined> {
  if (bytes < HNSW_HEADER_BYTES) return `${bytes} bytes, shorter than its header`;
  const header = Buffer.alloc(HNSW_HEADER_BYTES);
  await handle.read(header, 0, HNSW_HEADER_BYTES, 0);
  const elements = Number(header.readBigUInt64LE(16));
  const perElement = Number(header.readBigUInt64LE(24));
  const expectedPerElement = level0Bytes(m, dimensions);
  if (elements !== count) return `it holds ${elements} vectors, ${count} expected`;
  if (perElement !== expectedPerElement) return `${perElement} bytes per element, ${expectedPerElement} expected`;
  let offset = HNSW_HEADER_BYTES + elements * perElement;
  if (offset > bytes) return `${bytes} bytes, at least ${offset} expected for ${count} vectors`;
  const links = Buffer.alloc(bytes - offset);
  await handle.read(links, 0, links.length, offset);
  // Upper-level links of one element on one level: a count (4) + M links (4 each).
  const perLevel = 4 + m * 4;
  let at = 0;
  for (let i = 0; i < elements; i++) {
    if (at + 4 > links.length) return `it ends inside the link list of element ${i}`;
    const size = links.readUInt32LE(at);
    if (size % perLevel !== 0) return `element ${i} has a link list of ${size} bytes`;
    at += 4 + size;
  }
  offset += at;
  if (offset !== bytes) return `${bytes} bytes where its contents take ${offset}`;
  return undefined;
}

/**
 * What a failed write of `file` should throw: a disk without room for it becomes ENOSPC (so the
 * build reports a full disk), anything else an IndexError.
 */
async function shortWriteError(file: string, needed: number, error: unknown): Promise<unknown> {
  const space = await statfs(path.dirname(file)).catch(() => undefined);
  if (space !== undefined && space.bavail * space.bsize < needed) {
    return Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC', path: file, cause: error });
  }
  return error;
}
