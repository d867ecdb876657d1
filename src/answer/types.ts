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
  /** The article's URL with a text fragment that opens the page at this quote (when the article has a URL). */
  link?: string;
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
  /**
   * Other articles that carry the same story (the same wire copy in another outlet): their passages
   * were near duplicates of this source's and were dropped in its favour. Best first; never an
   * article the answer cites itself, and never listed under two sources. Absent when none.
   */
  alsoIn?: AlsoInRef[];
}

/** An article that carries the same story as a source (see SourceRef.alsoIn): as a source, without a number. */
export type AlsoInRef = Omit<SourceRef, 'n' | 'alsoIn'>;

/**
 * Why an answer was declined: nothing was asked, nothing searchable was asked, the question names
 * nothing specific to look for ("what happened?"), or no sentence of the articles answers it.
 */
export type RefusalReason = 'empty' | 'no-words' | 'too-vague' | 'not-in-corpus';

/**
 * How directly the quotes answer, from the reader's confidence: `direct` — the first quote very
 * likely answers the question; `likely` — it probably does; `partial` — it bears on the question
 * but may not answer it. Shown to people as a short label.
 */
export type AnswerStrength = 'direct' | 'likely' | 'partial';

/** A passage shown with a refusal: verbatim like a quote, but labelled as not answering the question. */
export interface NearestPassage {
  /** Exactly `article.text.slice(start, end)`. */
  text: string;
  /** The number of its source in `Answer.sources`. */
  source: number;
  articleId: string;
  start: number;
  end: number;
  /** As `Quote.link`. */
  link?: string;
}

/** A question word that was not in the articles' vocabulary and was searched as the nearest word that is. */
export interface SpellingCorrection {
  from: string;
  to: string;
}

/**
 * The next best quotes after those an answer shows ("Show more" in Discord), chosen by the same
 * selection in the same ranking, verified and linked like `Answer.quotes`. Their `source` numbers
 * continue the answer's: an article the answer cites keeps its [n], a new one gets the next number;
 * `sources` lists only the articles these quotes cite.
 */
export interface MoreQuotes {
  quotes: Quote[];
  sources: SourceRef[];
}

export interface Answer {
  question: string;
  answered: boolean;
  quotes: Quote[];
  sources: SourceRef[];
  /**
   * Present when `answered` is false. `nearest`: for a question on the articles' topic that they do
   * not answer, the passages that came closest (they do not answer it; shown as such).
   */
  refusal?: { reason: RefusalReason; message: string; nearest?: NearestPassage[] };
  /** The reader's probability (0–1) that the first quote answers the question; the refusal threshold applies to it. */
  confidence: number;
  /** Present when `answered` is true: how directly the quotes answer, as a label for people. */
  strength?: AnswerStrength;
  /** Question words searched under another spelling, if any. */
  corrections?: SpellingCorrection[];
  /** Present when `answered` is true and the articles have further good quotes than those shown: see MoreQuotes. */
  more?: MoreQuotes;
  /**
   * Milliseconds: `embedMs` from the start to the question's vector (spelling included), `searchMs` both
   * searches and gathering what the reader needs of the articles found (a database round trip with the
   * PostgreSQL store), `selectMs` the reader and the quote checks; `totalMs` all of it.
   */
  timings: { totalMs: number; embedMs: number; searchMs: number; selectMs: number };
  /** The index generation that answered (it changes when a rebuild is swapped in). */
  index: { generation: string; builtAt: string };
}
