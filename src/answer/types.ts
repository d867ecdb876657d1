/**
 * The one value an answer is: what the CLI prints, what --json emits and what Discord renders.
 * Rendering lives with each front end; nothing here formats text for display.
 */

/** A sentence (or a short run of adjacent sentences) quoted exactly from an article. */
export interface Quote {
  /** Exactly `article.text.slice(start, end)`. */
  text: string;
  /** The number of its source in `Answer.sources` (the [n] shown to people). */
  source: number;
  articleId: string;
  /** Character offsets into the article's cleaned text. */
  start: number;
  end: number;
  /** How well it answers the question (higher is better; comparable within one answer). */
  score: number;
  /** The section heading above the quote, if any. */
  heading?: string;
}

/** A cited (or, in a refusal, a nearest) article. */
export interface SourceRef {
  /** 1-based, in order of first use. */
  n: number;
  id: string;
  title: string;
  /** Relative to the corpus directory. */
  path: string;
  url?: string;
  outlet?: string;
  published?: string;
}

export type RefusalReason = 'empty' | 'no-words' | 'not-in-corpus';

export interface Answer {
  question: string;
  answered: boolean;
  quotes: Quote[];
  sources: SourceRef[];
  /** Present when `answered` is false. */
  refusal?: { reason: RefusalReason; message: string };
  /** The strength of the best evidence found, against which the refusal threshold was applied. */
  confidence: number;
  timings: { totalMs: number; embedMs: number; searchMs: number; selectMs: number };
  /** The index generation that answered (it changes when a rebuild is swapped in). */
  index: { generation: string; builtAt: string };
}
