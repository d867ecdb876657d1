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

/**
 * How many postings of each question term the unfiltered lexical search reads, best impact first
 * (PostgresStoreOptions.postingsPerTerm). A term in fewer chunks is read whole, so below this many
 * chunks per term the search is exact; above it, a chunk outside a term's top postings loses that
 * term's part of its score, which is at most the last one read's.
 */
export const POSTINGS_PER_TERM = 20_000;

/**
 * How many postings one unfiltered question reads in all (PostgresStoreOptions.postingsPerQuestion): the time a
 * question takes grows with the postings it reads (~2 µs each on PGlite), so several common words share this budget
 * (postingLimits) rather than each reading POSTINGS_PER_TERM.
 */
export const POSTINGS_PER_QUESTION = 40_000;

/**
 * How many postings to read of each term (the LIMIT of its scan), given the terms' document frequencies in the
 * generation: rarer terms first, a term whose postings fit an equal share of what is left of `perQuestion` is read
 * whole (its limit is `perTerm`: the table may also hold postings of content only the previous generation holds, so
 * its df is not a limit), and uses df of the budget; a commoner term gets the share (at most `perTerm`). So what rare
 * terms do not use goes to the common ones. Every term reads at least one posting.
 */
export function postingLimits(dfs: readonly number[], perTerm: number, perQuestion: number): number[] {
  const limits = new Array<number>(dfs.length).fill(0);
  const order = dfs.map((df, i) => ({ df, i })).sort((a, b) => a.df - b.df || a.i - b.i);
  let left = perQuestion;
  order.forEach(({ df, i }, at) => {
    const share = Math.max(1, Math.floor(left / (order.length - at)));
    const whole = df <= Math.min(share, perTerm);
    limits[i] = whole ? perTerm : Math.min(share, perTerm);
    left -= whole ? df : limits[i]!;
  });
  return limits;
}

/**
 * A posting's impact: the BM25 term-frequency part of its score, tf·(k1+1)/(tf + k1·(1 − b + b·length/avgLength)),
 * without the term's IDF — the order a term's postings are read in (its index is on (term, impact DESC)).
 * Stored when the content is first published, with that generation's average length; a later generation's
 * average differs a little, which can change the order of near-equal postings, never a score (scores are
 * computed from tf and length at query time).
 */
export function postingImpact(tf: number, length: number, averageLength: number): number {
  const frequency = tf / TF_SCALE;
  return (frequency * (BM25_K1 + 1)) / (frequency + BM25_K1 * (1 - BM25_B + (BM25_B * length) / (averageLength || 1)));
}

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

  /** What the server needs to score a text: its distinct known terms with their IDFs and document frequencies, and the length normalisation. */
  queryOf(text: string): { terms: string[]; idfs: number[]; dfs: number[]; norm: number; perLength: number } {
    const known = [...new Set(terms(text))].filter((term) => this.df.has(term));
    return {
      terms: known,
      idfs: known.map((term) => this.idf(term)),
      dfs: known.map((term) => this.df.get(term)!),
      norm: BM25_K1 * (1 - BM25_B),
      perLength: (BM25_K1 * BM25_B) / (this.statistics.averageLength || 1),
    };
  }
}
