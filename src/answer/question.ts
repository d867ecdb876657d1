/**
 * Makes a question safe and searchable: Discord mentions, URLs, markdown markers, control,
 * zero-width and bidi characters go; whitespace collapses; the length is capped. What is left
 * is what the engine searches for.
 */

/** Longer questions are cut at a word boundary (the model reads 256 word pieces anyway). */
export const MAX_QUESTION_CHARS = 1000;

const MENTION = /<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b/gu;
const URL = /\bhttps?:\/\/\S+/giu;
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const MARKDOWN = /[*_~`>|#]+|\[|\]|\(\s*\)/gu;

export interface NormalizedQuestion {
  text: string;
  /** true when the question was longer than MAX_QUESTION_CHARS and was cut. */
  truncated: boolean;
  /** true when something is left that a search can use (a letter or a digit). */
  hasWords: boolean;
}

export function normalizeQuestion(raw: string): NormalizedQuestion {
  let text = raw
    .replace(MENTION, ' ')
    .replace(URL, ' ')
    .replace(INVISIBLE, ' ')
    .replace(MARKDOWN, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  let truncated = false;
  if (text.length > MAX_QUESTION_CHARS) {
    const cut = text.lastIndexOf(' ', MAX_QUESTION_CHARS);
    text = text.slice(0, cut > MAX_QUESTION_CHARS / 2 ? cut : MAX_QUESTION_CHARS);
    truncated = true;
  }
  return { text, truncated, hasWords: /[\p{L}\p{N}]/u.test(text) };
}
