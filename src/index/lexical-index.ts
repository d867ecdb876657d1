/**
 * The lexical side of the index: BM25 over the chunks (title, heading and text, boosted), and each
 * term's document frequency so sentences can be scored by how much of a question's rarer words they
 * hold.
 *
 * Stored as an inverted index in typed arrays: for term t, the chunks that contain it are
 * `docs[offsets[t] .. offsets[t + 1])`, with their boosted term frequencies (× 10) in `tfs`. A
 * question scores only the postings of its own terms, into one Float32Array, and keeps the best k
 * with a small heap. (MiniSearch did this job until an index of 100k chunks showed its cost: ~440 MB
 * of JavaScript objects for the index and 200–500 ms a query, against 57 MB and a few ms here —
 * see BENCHMARKS.md.)
 *
 * Files: `lexical.json` (the terms, in posting order, and the counts) and `lexical.bin`
 * (offsets u32[T + 1], docs u32[P], lengths f32[N], tfs u16[P], little-endian). A loaded index
 * holds the terms, offsets and lengths in memory and reads a question's postings from lexical.bin
 * (file-reader.ts; the page cache keeps the common ones): at 100k chunks the postings are ~50 MB,
 * a question's a few hundred KB.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { IndexError } from '../core/errors.js';
import { FileReader } from './file-reader.js';
import { lexicalHeaderSchema, type LexicalHeader } from './generation/schema.js';
import { terms } from './terms.js';

export { LEXICAL_FILE, LEXICAL_POSTINGS_FILE } from './generation/schema.js';

/** What the lexical index holds of a chunk (the chunk at the same position in the vector store). */
export interface LexicalDocument {
  title: string;
  heading: string;
  text: string;
}

/** How much a term counts in each field. */
const BOOST = { title: 1.5, heading: 1.2, text: 1 } as const;
/** BM25 parameters (the usual ones). */
const K1 = 1.2;
const B = 0.75;
/** Term frequencies are stored as integers in tenths. */
const TF_SCALE = 10;

export interface LexicalHit {
  label: number;
  score: number;
}

type Header = LexicalHeader;

/** The postings of a run of entries: the chunks, and the boosted term frequencies (× TF_SCALE) in them. */
interface Postings {
  docs: Uint32Array;
  tfs: Uint16Array;
}

/** Where an index's postings are: in memory (built) or in lexical.bin (loaded). */
interface PostingsSource {
  /** Entries `from` to `to` (exclusive). */
  read(from: number, to: number): Postings;
  /** The chunks of entries `from` to `to` (exclusive), without their frequencies. */
  readDocs(from: number, to: number): Uint32Array;
  close(): void;
}

/** Postings held in arrays (an index just built). */
function postingsInMemory(all: Postings): PostingsSource {
  return {
    read: (from, to) => ({ docs: all.docs.subarray(from, to), tfs: all.tfs.subarray(from, to) }),
    readDocs: (from, to) => all.docs.subarray(from, to),
    close: () => {},
  };
}

/** Postings read from lexical.bin, whose docs start at byte `docsAt` and tfs at `tfsAt`. */
function postingsOnDisk(reader: FileReader, docsAt: number, tfsAt: number): PostingsSource {
  return {
    read(from, to) {
      const docs = new Uint32Array(to - from);
      const tfs = new Uint16Array(to - from);
      reader.readInto(new Uint8Array(docs.buffer), docsAt + 4 * from);
      reader.readInto(new Uint8Array(tfs.buffer), tfsAt + 2 * from);
      return { docs, tfs };
    },
    readDocs(from, to) {
      const docs = new Uint32Array(to - from);
      reader.readInto(new Uint8Array(docs.buffer), docsAt + 4 * from);
      return docs;
    },
    close: () => reader.close(),
  };
}

/** A lexical index being built (LexicalIndex.builder). */
export interface LexicalBuilder {
  /** The next document (its label is how many came before). */
  add(document: LexicalDocument): void;
  finish(): LexicalIndex;
}

export class LexicalIndex {
  private readonly termIds: Map<string, number>;
  /** query()'s scores, all zero between calls (made on the first). */
  private scores: Float32Array | undefined;

  private constructor(
    private readonly header: Header,
    private readonly offsets: Uint32Array,
    private readonly lengths: Float32Array,
    private readonly postings: PostingsSource,
  ) {
    this.termIds = new Map(header.terms.map((term, id) => [term, id]));
  }

  get documentCount(): number {
    return this.header.documentCount;
  }

  /** Indexes documents; document i is the chunk with label i. */
  static build(documents: readonly LexicalDocument[]): LexicalIndex {
    const builder = LexicalIndex.builder(documents.length);
    for (const doc of documents) builder.add(doc);
    return builder.finish();
  }

  /**
   * An index built one document at a time (a streaming build keeps the postings, not the texts):
   * `count` documents in all, document i the i-th added. The same index as `build` of the same documents.
   */
  static builder(count: number): LexicalBuilder {
    const postings = new Map<string, { docs: number[]; tfs: number[] }>();
    const lengths = new Float32Array(count);
    let label = 0;
    return {
      add(doc) {
        if (label >= count) throw new IndexError(`More than the ${count} documents this lexical index was made for.`);
        const counts = new Map<string, number>();
        for (const field of ['title', 'heading', 'text'] as const) {
          for (const term of terms(doc[field])) counts.set(term, (counts.get(term) ?? 0) + BOOST[field]);
        }
        let length = 0;
        for (const [term, tf] of counts) {
          length += tf;
          let list = postings.get(term);
          if (!list) postings.set(term, (list = { docs: [], tfs: [] }));
          list.docs.push(label);
          list.tfs.push(Math.min(0xffff, Math.round(tf * TF_SCALE)));
        }
        lengths[label++] = length;
      },
      finish() {
        if (label !== count) throw new IndexError(`${label} documents added to the lexical index; ${count} expected.`);
        const total = [...postings.values()].reduce((sum, list) => sum + list.docs.length, 0);
        const offsets = new Uint32Array(postings.size + 1);
        const docs = new Uint32Array(total);
        const tfs = new Uint16Array(total);
        let at = 0;
        let t = 0;
        for (const list of postings.values()) {
          offsets[t++] = at;
          docs.set(list.docs, at);
          tfs.set(list.tfs, at);
          at += list.docs.length;
        }
        offsets[t] = at;
        const averageLength = count === 0 ? 0 : lengths.reduce((sum, l) => sum + l, 0) / count;
        const header = { documentCount: count, postings: total, averageLength, terms: [...postings.keys()] };
        return new LexicalIndex(header, offsets, lengths, postingsInMemory({ docs, tfs }));
      },
    };
  }

  /**
   * The k chunks with the best BM25 score for the question, best first (only chunks sharing a term;
   * with `filter`, only the labels it passes).
   */
  query(question: string, k: number, filter?: (label: number) => boolean): LexicalHit[] {
    // One score per chunk, kept between questions (zero again after each: only the touched ones are reset).
    const scores = (this.scores ??= new Float32Array(this.documentCount));
    const touched: number[] = [];
    const norm = K1 * (1 - B);
    const perLength = (K1 * B) / (this.header.averageLength || 1);
    try {
      for (const term of new Set(terms(question))) {
        const id = this.termIds.get(term);
        if (id === undefined) continue;
        const from = this.offsets[id]!;
        const to = this.offsets[id + 1]!;
        const idf = this.idfOf(to - from);
        const { docs, tfs } = this.postings.read(from, to);
        for (let p = 0; p < docs.length; p++) {
          const doc = docs[p]!;
          if (filter !== undefined && !filter(doc)) continue;
          const tf = tfs[p]! / TF_SCALE;
          if (scores[doc] === 0) touched.push(doc);
          scores[doc]! += (idf * tf * (K1 + 1)) / (tf + norm + perLength * this.lengths[doc]!);
        }
      }
      return topK(touched, scores, k);
    } finally {
      for (const doc of touched) scores[doc] = 0;
    }
  }

  /**
   * The labels of the chunks that hold a term, ascending (empty for a term no chunk holds). An
   * article's chunks have consecutive labels, so `holdsLabelIn` on these says whether it holds the term.
   */
  labelsWith(term: string): Uint32Array {
    const id = this.termIds.get(term);
    return id === undefined ? new Uint32Array(0) : this.postings.readDocs(this.offsets[id]!, this.offsets[id + 1]!);
  }

  /** Whether any indexed chunk holds the term. */
  has(term: string): boolean {
    return this.termIds.has(term);
  }

  /** The largest IDF a term can have (that of a term no chunk holds). */
  get maxIdf(): number {
    return this.idfOf(0);
  }

  /** Inverse document frequency of a term (smoothed, ≥ 0). Unknown terms count as rare. */
  idf(term: string): number {
    const id = this.termIds.get(term);
    return this.idfOf(id === undefined ? 0 : this.offsets[id + 1]! - this.offsets[id]!);
  }

  private idfOf(df: number): number {
    return Math.log(1 + (this.documentCount - df + 0.5) / (df + 0.5));
  }

  /** Writes `lexical.json` and `lexical.bin` to `jsonFile` and `binFile`. */
  async save(jsonFile: string, binFile: string): Promise<void> {
    await writeFile(jsonFile, JSON.stringify(this.header));
    const { docs, tfs } = this.postings.read(0, this.header.postings);
    const parts = [this.offsets, docs, this.lengths, tfs];
    await writeFile(binFile, Buffer.concat(parts.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))));
  }

  /**
   * Opens `lexical.json` and `lexical.bin`: the terms, offsets and lengths read now, the postings
   * when a question needs them. `close()` closes lexical.bin.
   */
  static async load(jsonFile: string, binFile: string): Promise<LexicalIndex> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(jsonFile, 'utf8'));
    } catch (error) {
      throw new IndexError(`The lexical index (${jsonFile}, ${binFile}) is missing or damaged.`, { path: jsonFile, cause: error });
    }
    const parsed = lexicalHeaderSchema.safeParse(json);
    if (!parsed.success) throw new IndexError(`The lexical index ${jsonFile} is incomplete.`, { path: jsonFile });
    const header = parsed.data;
    const { documentCount: n, postings: p, terms: termList } = header;
    const t = termList.length;
    const reader = await FileReader.open(binFile).catch((error: unknown) => {
      throw new IndexError(`The lexical index (${jsonFile}, ${binFile}) is missing or damaged.`, { path: binFile, cause: error });
    });
    try {
      const expected = 4 * (t + 1) + 4 * p + 4 * n + 2 * p;
      if (reader.bytes !== expected) {
        throw new IndexError(`The lexical index ${binFile} has ${reader.bytes} bytes; ${expected} expected.`, { path: binFile });
      }
      const offsets = new Uint32Array(t + 1);
      const lengths = new Float32Array(n);
      const docsAt = 4 * (t + 1);
      reader.readInto(new Uint8Array(offsets.buffer), 0);
      reader.readInto(new Uint8Array(lengths.buffer), docsAt + 4 * p);
      if (offsets[t] !== p) throw new IndexError(`The lexical index ${binFile} is damaged (its offsets do not add up).`, { path: binFile });
      return new LexicalIndex(header, offsets, lengths, postingsOnDisk(reader, docsAt, docsAt + 4 * p + 4 * n));
    } catch (error) {
      reader.close();
      throw error;
    }
  }

  /** Closes lexical.bin (a loaded index); queries after this throw. An index built in memory has nothing to close. */
  close(): void {
    this.postings.close();
  }
}

/** Whether ascending `labels` hold one in [first, first + count) (a binary search). */
export function holdsLabelIn(labels: Uint32Array, first: number, count: number): boolean {
  let low = 0;
  let high = labels.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (labels[mid]! < first) low = mid + 1;
    else high = mid;
  }
  return low < labels.length && labels[low]! < first + count;
}

/** The k best of the touched documents, best first (ties: lower label first), via a min-heap. */
function topK(touched: readonly number[], scores: Float32Array, k: number): LexicalHit[] {
  const heap: number[] = [];
  const worse = (a: number, b: number): boolean => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (const doc of touched) {
    if (heap.length < k) {
      heap.push(doc);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (k > 0 && worse(heap[0]!, doc)) {
      heap[0] = doc;
      down(0);
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0)).map((label) => ({ label, score: scores[label]! }));
}
