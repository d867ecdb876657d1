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
  const found = text.toLowerCase().match(WORD) ?? [];
  for (let i = 0; i < found.length; i++) found[i] = withoutPossessive(found[i]!);
  return found;
}

/** A lower-cased word without a final "'s" or "’s". */
function withoutPossessive(word: string): string {
  const n = word.length;
  return n >= 2 && word.charCodeAt(n - 1) === 0x73 && (word[n - 2] === "'" || word[n - 2] === '’') ? word.slice(0, -2) : word;
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
  return termOf(withoutPossessive(word.toLowerCase()));
}

/** A lower-cased word without its possessive as an index term, or null if it is a stop word. */
function termOf(lower: string): string | null {
  return lower.length === 0 || STOP_WORDS.has(lower) ? null : stemmed(lower);
}

/**
 * How many lower-cased words keep their stem in memory. Stemming is most of what turning text into
 * terms costs, in time and in garbage, and text repeats its words: a question's reader stems every
 * sentence of the articles it reads, and a build every chunk.
 */
const STEMS_KEPT = 50_000;
const stems = new Map<string, string>();

/** A lower-cased word that is not a stop word, stemmed (numbers as they are); up to STEMS_KEPT remembered. */
function stemmed(lower: string): string {
  let term = stems.get(lower);
  if (term === undefined) {
    term = /^\p{N}+$/u.test(lower) ? lower : stemmer(lower);
    // A full memo starts again rather than tracking recency: cheap, and the common words come back at once.
    if (stems.size >= STEMS_KEPT) stems.clear();
    term = own(term);
    stems.set(own(lower), term);
  }
  return term;
}

/**
 * A copy of `s` that holds no other string: a word matched in an article's text can be a slice that
 * keeps the whole text alive, which a memo kept for the life of the process must not do.
 */
function own(s: string): string {
  return ` ${s}`.slice(1);
}

/** The index terms of a text, in order, with repeats. */
export function terms(text: string): string[] {
  const out: string[] = [];
  // As toTerm of each word: its possessive is dropped a second time ("x's's" → "x").
  for (const word of words(text)) {
    const term = termOf(withoutPossessive(word));
    if (term !== null) out.push(term);
  }
  return out;
}
