/**
 * The lexical side of the PostgreSQL store: BM25 over the postings `chunk_term` holds (the file
 * store's own, see lexical-file.ts), with the file store's parameters, so both stores return the
 * same lexical hits. The term statistics (document frequencies) are in memory; a question's known
 * terms go to the server with their IDFs and the server adds up their postings.
 */
import { terms } from '../terms.js';
import type { TermStatistics } from '../store.js';
import type { LexicalStatistics } from './lexical-file.js';

/** BM25 parameters and the tenths the frequencies are stored in (lexical-index.ts's values). */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
export const TF_SCALE = 10;

export class PostgresTermStatistics implements TermStatistics {
  private readonly df: Map<string, number>;
  constructor(private readonly statistics: LexicalStatistics) {
    this.df = new Map(statistics.terms.map((term, i) => [term, statistics.df[i]!]));
  }

  get documentCount(): number {
    return this.statistics.documentCount;
  }

  has(term: string): boolean {
    return this.df.has(term);
  }

  idf(term: string): number {
    return this.idfOf(this.df.get(term) ?? 0);
  }

  get maxIdf(): number {
    return this.idfOf(0);
  }

  private idfOf(df: number): number {
    return Math.log(1 + (this.statistics.documentCount - df + 0.5) / (df + 0.5));
  }

  /** What the server needs to score a text: its distinct known terms with their IDFs, and the length normalisation. */
  queryOf(text: string): { terms: string[]; idfs: number[]; norm: number; perLength: number } {
    const known = [...new Set(terms(text))].filter((term) => this.df.has(term));
    return {
      terms: known,
      idfs: known.map((term) => this.idf(term)),
      norm: BM25_K1 * (1 - BM25_B),
      perLength: (BM25_K1 * BM25_B) / (this.statistics.averageLength || 1),
    };
  }
}
