/**
 * Makes a question safe and searchable: Discord mentions, URLs, markdown markers, control,
 * zero-width and bidi characters go; whitespace collapses; the length is capped. What is left
 * is what the engine searches for.
 */
import { toTerm, words } from '../index/terms.js';

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

/**
 * Words that say a question is a question but not what it is about: with only these (and stop
 * words) left, there is nothing specific to look for ("what happened?", "tell me more", "any news?").
 */
const VAGUE_WORDS = new Set(
  (
    'happen happened happening happens going go goes went tell told say said saying says know knows explain explained ' +
    'show give me more less else anything something everything nothing stuff thing things news new latest update updates ' +
    'info information detail details story stories article articles summary summarize summarise overview question questions ' +
    'answer please thanks thank hi hello hey ok okay yes yeah about like think mean means matter interesting important ' +
    'today now currently recently lately there latest happenings'
  ).split(' '),
);

/** Whether the question, after stop words and vague words, asks about nothing in particular. */
export function isVague(text: string): boolean {
  return words(text).every((word) => VAGUE_WORDS.has(word) || toTerm(word) === null);
}
