/**
 * What a line of scraped text looks like: the small shape tests that the readers, the
 * cleaner and the metadata guesser share (is it a heading? a link title? a sentence?).
 */

/** The most words a line may have and still be read as a heading or a link title. */
export const MAX_HEADING_WORDS = 20;

/** A run of whitespace (any Unicode space, tab or line break). */
const WHITESPACE_RUN = /\s+/g;

/** Punctuation that ends a sentence or clause, optionally followed by closing quotes or brackets. */
const CLAUSE_END = /[.,;:!…]["'”’)\]]*$/u;

/**
 * A sentence ending inside the line and a new sentence starting after it ("…it. The …"); "U.S. President" does not count.
 * The look-behind makes a run of lowercase letters be tried from its start only (not from each of its letters, which
 * took time in the square of the run's length).
 */
const SENTENCE_BREAK = /(?<!\p{Ll})\p{Ll}{2,}[.!?]["'”’)]*\s+["'“‘(]?\p{Lu}/u;

/** Collapses every whitespace run to one space and trims the ends. */
export function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE_RUN, ' ').trim();
}

/** A word: a run of anything but whitespace (the same whitespace `\s` and `trim` know). */
const WORD = /\S+/g;

/**
 * The number of whitespace-separated words; with `limit`, counting stops past it (`limit + 1` means
 * "more than `limit`"), so asking whether a long paragraph is short costs a few words, not the paragraph.
 */
export function wordCount(text: string, limit = Number.POSITIVE_INFINITY): number {
  let count = 0;
  WORD.lastIndex = 0;
  while (count <= limit && WORD.exec(text) !== null) count++;
  WORD.lastIndex = 0;
  return count;
}

/** Whether the text ends the way prose does (a full stop, comma, colon, exclamation mark, ellipsis…). */
export function endsLikeProse(text: string): boolean {
  return CLAUSE_END.test(text.trimEnd());
}

/** Whether the text holds more than one sentence. */
export function hasSentenceBreak(text: string): boolean {
  return SENTENCE_BREAK.test(text);
}

/** Whether the text starts with a lowercase letter (a continuation, not a new line of its own). */
export function startsLowercase(text: string): boolean {
  return /^\p{Ll}/u.test(text.trimStart());
}

/**
 * A short line of one phrase that does not end like prose: a headline, a section heading, a link
 * or caption. Question marks are allowed ("What Comes Next?").
 */
export function isShortPhrase(text: string): boolean {
  const words = wordCount(text, MAX_HEADING_WORDS);
  return words > 0 && words <= MAX_HEADING_WORDS && !endsLikeProse(text) && !hasSentenceBreak(text);
}

/** A line that reads as a heading: a short phrase that does not start mid-sentence. */
export function looksLikeHeading(text: string): boolean {
  return isShortPhrase(text) && !startsLowercase(text);
}
