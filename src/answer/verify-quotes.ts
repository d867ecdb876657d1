/**
 * The last check before a quote is served: it must be the article's text at its offsets, and that
 * text must agree with the indexed passages that hold it.
 *
 * The index keeps each article's cleaned text once (texts.bin), and beside each passage a digest of
 * its text made when it was indexed (chunks.bin): an independent witness of the same characters, so
 * a quote is served only when the text still matches the digest of every passage it overlaps. Both
 * files are checksummed when the index is opened; this check is what still stands if either was
 * damaged in a way the checksum could not see (damaged before it was computed, or in memory). A
 * quote that fails is dropped and reported, never served.
 */
import type { Chunk } from '../chunking/types.js';
import type { StoredArticle } from '../index/store.js';
import type { Quote } from './types.js';

export type QuoteSpan = Pick<Quote, 'articleId' | 'start' | 'end' | 'text'>;

/** What the check reads of the index: an article, its chunks and their digests (a QuestionView, an IndexSnapshot). */
export interface QuotedIndex {
  article(id: string): StoredArticle | undefined;
  chunksOf(articleId: string): readonly Chunk[];
  passageIntact(chunk: Chunk): boolean;
}

/** Why `quote` cannot be served from `index` (one sentence, naming the article), or undefined when it may. */
export function quoteProblem(index: QuotedIndex, quote: QuoteSpan): string | undefined {
  const { articleId, start, end, text } = quote;
  const article = index.article(articleId);
  if (!article) return `A quote names the article ${articleId}, which the index does not hold.`;
  const where = `The quote at ${start}–${end} of article ${articleId}`;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start >= end || end > article.text.length) {
    return `${where} lies outside its text (${article.text.length} characters).`;
  }
  if (text !== article.text.slice(start, end)) return `${where} is not the article's text at those offsets.`;
  if (text.trim().length === 0) return `${where} is blank.`;
  let held = false;
  for (const chunk of index.chunksOf(articleId)) {
    const from = Math.max(start, chunk.start);
    const to = Math.min(end, chunk.end);
    if (from >= to) continue;
    held = true;
    const passage = chunk.text.slice(from - chunk.start, to - chunk.start);
    if (chunk.text.length !== chunk.end - chunk.start || passage !== text.slice(from - start, to - start) || !index.passageIntact(chunk)) {
      return `${where} differs from the indexed passage ${chunk.id} at ${from}–${to}.`;
    }
  }
  return held ? undefined : `${where} is in no indexed passage.`;
}
