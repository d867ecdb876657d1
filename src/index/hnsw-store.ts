/**
 * A persisted HNSW vector store (hnswlib-node, cosine space) that implements LangChain's
 * `SaveableVectorStore`: add documents or vectors, similarity search with scores, save and load.
 *
 * Files in a store directory: `hnsw.bin` (the graph and vectors) and `docstore.json`
 * (the documents, in label order). Scores are cosine similarities (1 = same direction).
 */
import { open, readFile, statfs, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { SaveableVectorStore } from '@langchain/core/vectorstores';
import hnswlib from 'hnswlib-node';
import { IndexError } from '../core/errors.js';

export interface HnswParams {
  /** Graph degree. */
  m: number;
  /** Candidate list size while building. */
  efConstruction: number;
  /** Candidate list size while searching (at least k). */
  efSearch: number;
}

export const DEFAULT_HNSW: HnswParams = { m: 16, efConstruction: 200, efSearch: 100 };

export const HNSW_FILE = 'hnsw.bin';
export const DOCSTORE_FILE = 'docstore.json';

/** Keeps the documents whose metadata passes; the LangChain filter form for this store. */
export type HnswFilter = (document: DocumentInterface) => boolean;

interface StoreArgs {
  dimensions: number;
  params?: HnswParams;
}

export class HnswVectorStore extends SaveableVectorStore {
  declare FilterType: HnswFilter;
  readonly dimensions: number;
  readonly params: HnswParams;
  private readonly index: hnswlib.HierarchicalNSW;
  private readonly documents: DocumentInterface[] = [];

  constructor(embeddings: EmbeddingsInterface, args: StoreArgs) {
    super(embeddings, args);
    this.dimensions = args.dimensions;
    this.params = args.params ?? DEFAULT_HNSW;
    this.index = new hnswlib.HierarchicalNSW('cosine', this.dimensions);
  }

  _vectorstoreType(): string {
    return 'verbatim-hnsw';
  }

  /** How many vectors the store holds. */
  get size(): number {
    return this.documents.length;
  }

  /** The document stored under a label (labels are 0, 1, 2, … in insertion order). */
  document(label: number): DocumentInterface | undefined {
    return this.documents[label];
  }

  /** The stored (normalised) vector of a label. */
  vector(label: number): Float32Array {
    return Float32Array.from(this.index.getPoint(label));
  }

  async addDocuments(documents: DocumentInterface[]): Promise<string[]> {
    return this.addVectors(await this.embeddings.embedDocuments(documents.map((d) => d.pageContent)), documents);
  }

  async addVectors(vectors: ArrayLike<number>[], documents: DocumentInterface[]): Promise<string[]> {
    if (vectors.length !== documents.length) {
      throw new IndexError(`addVectors got ${vectors.length} vectors for ${documents.length} documents.`);
    }
    if (vectors.length === 0) return [];
    const needed = this.documents.length + vectors.length;
    if (this.index.getMaxElements() === 0 && this.documents.length === 0) {
      this.index.initIndex(needed, this.params.m, this.params.efConstruction, 100);
    } else if (needed > this.index.getMaxElements()) {
      this.index.resizeIndex(Math.max(needed, Math.ceil(this.index.getMaxElements() * 1.5)));
    }
    const ids: string[] = [];
    vectors.forEach((vector, i) => {
      if (vector.length !== this.dimensions) {
        throw new IndexError(`A vector has ${vector.length} dimensions; this store holds ${this.dimensions}.`);
      }
      const label = this.documents.length;
      this.index.addPoint(Array.from(vector), label);
      const document = documents[i]!;
      this.documents.push(document);
      ids.push(document.id ?? String(label));
    });
    return ids;
  }

  /**
   * Swaps each document's text for an equal string the caller already holds (`textOf`; undefined
   * keeps the document's own), so that text loaded twice — say, chunks that are slices of articles
   * kept elsewhere — is held once.
   */
  shareTexts(textOf: (document: DocumentInterface) => string | undefined): void {
    for (const document of this.documents) {
      const text = textOf(document);
      if (text !== undefined && text === document.pageContent) document.pageContent = text;
    }
  }

  /** The k nearest documents with their cosine similarity, best first. */
  async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: HnswFilter,
  ): Promise<[DocumentInterface, number][]> {
    return this.searchLabels(query, k, filter).map(({ label, score }) => [this.documents[label]!, score]);
  }

  /** Like similaritySearchVectorWithScore, but labels instead of documents (no allocation per hit). */
  searchLabels(query: ArrayLike<number>, k: number, filter?: HnswFilter): { label: number; score: number }[] {
    const n = Math.min(k, this.documents.length);
    if (n <= 0) return [];
    this.index.setEf(Math.max(this.params.efSearch, n));
    const labelFilter = filter ? (label: number) => filter(this.documents[label]!) : undefined;
    const result = this.index.searchKnn(Array.from(query), n, labelFilter);
    return result.neighbors.map((label, i) => ({ label, score: 1 - result.distances[i]! }));
  }

  async save(directory: string): Promise<void> {
    const file = path.join(directory, HNSW_FILE);
    await this.index.writeIndex(file);
    // hnswlib does not report a failed write: read what reached the disk back.
    const count = this.index.getCurrentCount();
    await checkHnswFile(file, count, this.dimensions, this.params.m).catch(async (error: unknown) => {
      throw await shortWriteError(file, count * level0Bytes(this.params.m, this.dimensions), error);
    });
    const docs = this.documents.map((d) => ({ pageContent: d.pageContent, metadata: d.metadata, id: d.id }));
    await writeFile(path.join(directory, DOCSTORE_FILE), JSON.stringify({ dimensions: this.dimensions, params: this.params, docs }));
  }

  static override async load(directory: string, embeddings: EmbeddingsInterface): Promise<HnswVectorStore> {
    const docstorePath = path.join(directory, DOCSTORE_FILE);
    const hnswPath = path.join(directory, HNSW_FILE);
    const saved = await readJson(docstorePath);
    if (!isSavedDocstore(saved)) {
      throw new IndexError(`${docstorePath} is not a Verbatim vector store document file.`, { path: docstorePath });
    }
    const store = new HnswVectorStore(embeddings, { dimensions: saved.dimensions, params: saved.params });
    if (saved.docs.length > 0) {
      await checkHnswFile(hnswPath, saved.docs.length, saved.dimensions, saved.params.m);
      try {
        await store.index.readIndex(hnswPath);
      } catch (error) {
        throw new IndexError(`${hnswPath} could not be read: ${(error as Error).message}`, { path: hnswPath, cause: error });
      }
      if (store.index.getCurrentCount() !== saved.docs.length) {
        throw new IndexError(
          `${hnswPath} holds ${store.index.getCurrentCount()} vectors but ${docstorePath} lists ${saved.docs.length} documents.`,
          { path: hnswPath },
        );
      }
    }
    for (const doc of saved.docs) store.documents.push(new Document(doc));
    return store;
  }
}

interface SavedDocstore {
  dimensions: number;
  params: HnswParams;
  docs: { pageContent: string; metadata: Record<string, unknown>; id?: string }[];
}

function isSavedDocstore(value: unknown): value is SavedDocstore {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<SavedDocstore>;
  return typeof v.dimensions === 'number' && typeof v.params?.m === 'number' && Array.isArray(v.docs);
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new IndexError(`${file} is missing or unreadable.`, { path: file, cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new IndexError(`${file} is damaged (not valid JSON).`, { path: file, cause: error });
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
