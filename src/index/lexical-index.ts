/**
 * The lexical side of the index: BM25 search (MiniSearch) over the chunks, plus each term's
 * document frequency so sentences can be scored by how much of a question's rarer words they hold.
 * Persisted as one JSON file next to the HNSW index.
 */
import { readFile, writeFile } from 'node:fs/promises';
import MiniSearch from 'minisearch';
import { IndexError } from '../core/errors.js';
import { terms, toTerm } from './terms.js';

export const LEXICAL_FILE = 'lexical.json';

/** What the lexical index holds of a chunk. */
export interface LexicalDocument {
  /** The chunk's label (its position in the vector store). */
  id: number;
  title: string;
  heading: string;
  text: string;
}

const FIELDS = ['title', 'heading', 'text'];

const OPTIONS = {
  idField: 'id',
  fields: FIELDS,
  storeFields: [] as string[],
  processTerm: (term: string) => toTerm(term),
  searchOptions: { boost: { title: 1.5, heading: 1.2, text: 1 } },
};

export interface LexicalHit {
  label: number;
  score: number;
}

export class LexicalIndex {
  private constructor(
    private readonly search: MiniSearch<LexicalDocument>,
    /** Document frequency per term, over chunks. */
    private readonly df: Map<string, number>,
    readonly documentCount: number,
  ) {}

  static build(documents: readonly LexicalDocument[]): LexicalIndex {
    const search = new MiniSearch<LexicalDocument>(OPTIONS);
    search.addAll(documents);
    const df = new Map<string, number>();
    for (const doc of documents) {
      for (const term of new Set(terms(`${doc.title} ${doc.heading} ${doc.text}`))) df.set(term, (df.get(term) ?? 0) + 1);
    }
    return new LexicalIndex(search, df, documents.length);
  }

  /** BM25 hits over the chunks for a question, best first. */
  query(question: string, k: number): LexicalHit[] {
    const results = this.search.search(question, { combineWith: 'OR' });
    return results.slice(0, k).map((r) => ({ label: Number(r.id), score: r.score }));
  }

  /** Inverse document frequency of a term (smoothed, ≥ 0). Unknown terms count as rare. */
  idf(term: string): number {
    const df = this.df.get(term) ?? 0;
    return Math.log(1 + (this.documentCount - df + 0.5) / (df + 0.5));
  }

  toJSON(): { search: unknown; df: [string, number][]; documentCount: number } {
    return { search: this.search.toJSON(), df: [...this.df], documentCount: this.documentCount };
  }

  async save(file: string): Promise<void> {
    await writeFile(file, JSON.stringify(this));
  }

  static async load(file: string): Promise<LexicalIndex> {
    let parsed: { search?: unknown; df?: [string, number][]; documentCount?: number };
    try {
      parsed = JSON.parse(await readFile(file, 'utf8')) as typeof parsed;
    } catch (error) {
      throw new IndexError(`The lexical index ${file} is missing or damaged.`, { path: file, cause: error });
    }
    if (!parsed.search || !Array.isArray(parsed.df) || typeof parsed.documentCount !== 'number') {
      throw new IndexError(`The lexical index ${file} is incomplete.`, { path: file });
    }
    try {
      const search = MiniSearch.loadJS<LexicalDocument>(parsed.search as Parameters<typeof MiniSearch.loadJS>[0], OPTIONS);
      return new LexicalIndex(search, new Map(parsed.df), parsed.documentCount);
    } catch (error) {
      throw new IndexError(`The lexical index ${file} is damaged: ${(error as Error).message}`, { path: file, cause: error });
    }
  }
}
