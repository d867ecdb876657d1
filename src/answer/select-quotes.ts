/**
 * Picks the quotes. The first is the reader's best sentence; further ones follow in the reader's
 * order while their share of its ranking is at least `relativeScore` of the best one's and they
 * do not repeat a sentence already quoted. A quote grows into a run of adjacent sentences of the
 * same paragraph (at most `maxRunSentences`) in two cases:
 * - discourse: a lead-in ("There were several reasons:") takes the sentences after it (up to the
 *   run's length), and a sentence that opens by pointing back ("He was…") takes the one before it
 *   when that one is itself a strong candidate;
 * - evidence: a neighbour whose own share is at least `joinScore` of the quote's sentence's joins
 *   it, so that an answer split over two sentences is quoted whole rather than as two quotes.
 * A sentence joins no quote when it is already quoted or repeats a quoted one.
 */
import type { StoredArticle } from '../index/snapshot.js';
import { dot } from '../retrieval/vector-math.js';
import { sameBlock } from './candidates.js';
import { isLeadIn, refersBack } from './discourse.js';
import type { ScoredSentence } from './sentence-scoring.js';

export interface SelectionOptions {
  maxQuotes: number;
  /** A further quote's sentence must have at least this share of the first one's score. */
  relativeScore: number;
  /** A neighbour with at least this share of a quote sentence's score joins the quote. */
  joinScore: number;
  /** Sentences at least this similar to a quoted one are repeats. */
  duplicateSimilarity: number;
  /** The most adjacent sentences one quote may join. */
  maxRunSentences: number;
}

export const DEFAULT_SELECTION: SelectionOptions = { maxQuotes: 3, relativeScore: 0.01, joinScore: 0.1, duplicateSimilarity: 0.9, maxRunSentences: 2 };

/** One quote: sentences `first`..`last` (inclusive) of an article, scored by its best sentence. */
export interface Selected {
  article: StoredArticle;
  first: number;
  last: number;
  score: number;
  /** The heading above its first sentence, if any. */
  heading?: string;
}

export function selectQuotes(ranked: readonly ScoredSentence[], options: SelectionOptions = DEFAULT_SELECTION): Selected[] {
  const best = ranked[0];
  if (!best) return [];
  const byKey = new Map(ranked.map((s) => [key(s.article, s.sentence.index), s]));
  const quotes: Selected[] = [];
  const quoted: ScoredSentence[] = [];
  const covered = (article: StoredArticle, index: number) => quotes.some((q) => q.article === article && index >= q.first && index <= q.last);
  for (const candidate of ranked) {
    if (quotes.length >= options.maxQuotes || candidate.score < best.score * options.relativeScore) break;
    const { article } = candidate;
    const index = candidate.sentence.index;
    if (covered(article, index)) continue;
    if (quoted.some((t) => t.text === candidate.text || dot(t.vector, candidate.vector) >= options.duplicateSimilarity)) continue;
    const quote: Selected = { article, first: index, last: index, score: candidate.score };
    const repeats = (text: string, vector?: Float32Array) => quoted.some((t) => t.text === text || (vector !== undefined && dot(t.vector, vector) >= options.duplicateSimilarity));
    // A neighbour that may join: same paragraph, not quoted already, not a repeat of a quoted sentence.
    const neighbour = (at: number) => {
      if (at < 0 || at >= article.sentences.length || !sameBlock(article, index, at) || covered(article, at)) return undefined;
      const s = article.sentences[at]!;
      return repeats(article.text.slice(s.start, s.end), byKey.get(key(article, at))?.vector) ? undefined : at;
    };
    const next = neighbour(index + 1);
    const previous = neighbour(index - 1);
    const strength = (at: number | undefined) => (at === undefined ? 0 : (byKey.get(key(article, at))?.score ?? 0));
    if (isLeadIn(candidate.text)) {
      // What a lead-in announces follows it: as many sentences as the run may hold.
      for (let at = index + 1; at < index + options.maxRunSentences && neighbour(at) !== undefined; at++) quote.last = at;
    } else if (previous !== undefined && options.maxRunSentences > 1 && refersBack(candidate.text) && strength(previous) >= candidate.score * options.joinScore) {
      quote.first = previous;
    } else {
      const side = strength(next) >= strength(previous) ? next : previous;
      if (side !== undefined && options.maxRunSentences > 1 && strength(side) >= candidate.score * options.joinScore) {
        quote.first = Math.min(quote.first, side);
        quote.last = Math.max(quote.last, side);
      }
    }
    for (let i = quote.first; i <= quote.last; i++) {
      const s = byKey.get(key(article, i));
      if (s) quoted.push(s);
    }
    const heading = article.sentences[quote.first]!.heading;
    if (heading !== undefined) quote.heading = heading;
    quotes.push(quote);
  }
  return quotes;
}

function key(article: StoredArticle, index: number): string {
  return `${article.id}\u0000${index}`;
}

/**
 * Two quotes are equally good when their scores differ by at most this share of the higher one
 * (2 %): among such quotes the newer article's comes first (see `newerFirstAmongTies`).
 */
export const TIE_MARGIN = 0.02;

/**
 * Quotes in the same order, except that of two adjacent quotes whose scores are within `margin`
 * (a share of the higher score) the one from the more recently published article moves ahead of the
 * other. Only quotes whose articles both have a parseable date (ISO 8601, `Date.parse`) are compared:
 * a quote without a date neither moves nor is passed over, so undated articles keep their order (as
 * do articles of the same date). An insertion pass of adjacent swaps: pure, stable, and never moves a
 * quote past one that scores clearly better than it.
 */
export function newerFirstAmongTies<T>(
  quotes: readonly T[],
  scoreOf: (quote: T) => number,
  publishedOf: (quote: T) => string | undefined,
  margin: number = TIE_MARGIN,
): T[] {
  const out = quotes.map((quote) => ({ quote, score: scoreOf(quote), time: dateOf(publishedOf(quote)) }));
  const tied = (a: number, b: number) => Math.abs(a - b) <= margin * Math.max(Math.abs(a), Math.abs(b));
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0; j--) {
      const before = out[j - 1]!;
      const after = out[j]!;
      if (before.time === undefined || after.time === undefined || after.time <= before.time || !tied(before.score, after.score)) break;
      out[j - 1] = after;
      out[j] = before;
    }
  }
  return out.map((o) => o.quote);
}

/** Milliseconds since the epoch of an ISO date, or undefined when absent or not parseable. */
function dateOf(published: string | undefined): number | undefined {
  if (published === undefined) return undefined;
  const time = Date.parse(published);
  return Number.isNaN(time) ? undefined : time;
}
