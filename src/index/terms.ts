/**
 * How text becomes search terms for the lexical index: lower-cased words and numbers,
 * English stop words dropped, Porter-stemmed (so "talks" matches "talk", "discussed" "discuss").
 */
import { stemmer } from 'stemmer';

// A short list: function words that match everywhere and say nothing about the topic.
const STOP_WORDS = new Set(
  (
    'a an and are as at be been being but by can could did do does for from had has have he her his how i if in into is it ' +
    'its me my no not of on or our she so than that the their them then there these they this those to too us was we were ' +
    'what when where which while who whom whose why will with would you your about after also any both each few more most ' +
    'other some such only own same just should now up down out over under again further once here all am between during ' +
    'before above below off against through until nor very s t'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** The raw words of a text, lower-cased, possessives dropped ("Russia's" → "russia"). */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD)) out.push(match[0].replace(/['’]s$/u, ''));
  return out;
}

/**
 * The words of a text as written (case kept, a possessive "'s" still on), with where each starts:
 * the same matches `words()` lower-cases.
 */
export function writtenWords(text: string): { text: string; index: number }[] {
  return Array.from(text.matchAll(WORD), (match) => ({ text: match[0], index: match.index }));
}

/** One word as an index term, or null if it is a stop word. */
export function toTerm(word: string): string | null {
  const lower = word.toLowerCase().replace(/['’]s$/u, '');
  if (lower.length === 0 || STOP_WORDS.has(lower)) return null;
  return /^\p{N}+$/u.test(lower) ? lower : stemmer(lower);
}

/** The index terms of a text, in order, with repeats. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    const term = toTerm(word);
    if (term !== null) out.push(term);
  }
  return out;
}
