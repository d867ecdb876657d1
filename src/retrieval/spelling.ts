/**
 * Spelling-tolerant questions: a word of the question the corpus never uses is replaced by the
 * nearest word it does use, so "Were is the Putin Trum meeting planed to happen in Septembr?"
 * searches as "… Putin Trump meeting planned to happen in September?".
 *
 * Which words are looked at: those of 4 or more letters that are not stop words and hold no digit
 * (short words have too many neighbours to guess from; numbers and codes are not misspellings).
 * How far a replacement may be (Levenshtein edits, as Elasticsearch's `fuzziness: AUTO`):
 * 1 for words of 4–5 letters, 2 for longer ones. Of the known words that near, the nearest wins,
 * then the more frequent in the corpus, then the first alphabetically (see `Vocabulary.nearest`,
 * which also says which misspellings are out of reach: both of the first two letters wrong).
 * The replacement takes the original's casing: "Trum" → "Trump", "SEPTEMBR" → "SEPTEMBER",
 * "septembr" → "september".
 *
 * A word is left as it is when the corpus holds it or the index holds its term (another form of
 * it: "year" where the articles say "years"). An English word the corpus does not use
 * (english-words.ts) is not replaced either — "post" or "become" are not misspellings just
 * because a small corpus never uses them, and changing them would change the question — but its
 * nearest known word is offered as an expansion for the lexical search, which is how a misspelling
 * that happens to be a word ("planed" for "planned") still finds what it meant.
 */
import { toTerm, words, writtenWords } from '../index/terms.js';
import type { Vocabulary } from '../index/vocabulary.js';
import { isEnglishWord } from './english-words.js';

/** What spelling correction needs of a vocabulary (the snapshot's `vocabulary` is one). */
export type SpellingVocabulary = Pick<Vocabulary, 'size' | 'has' | 'nearest'>;

export interface SpellingCorrection {
  /** The word as the question wrote it. */
  from: string;
  /** What it became, in the same casing. */
  to: string;
}

export interface CorrectedQuestion {
  /** The question with its corrections made (the same string when there are none). */
  text: string;
  /** Each corrected word once (as first written, whatever case it has later), in the order they first appear. */
  corrections: SpellingCorrection[];
  /** English words the corpus does not use, each with the nearest word it does (for the lexical search only). */
  expansions: SpellingCorrection[];
}

/** Words with fewer letters are never corrected. */
export const MIN_CORRECTED_LETTERS = 4;

/** How many edits a correction of a word with this many letters may make (0: not corrected). */
export function maxEditsFor(letters: number): number {
  if (letters < MIN_CORRECTED_LETTERS) return 0;
  return letters <= 5 ? 1 : 2;
}

const LETTER = /\p{L}/gu;
const DIGIT = /\p{N}/u;

export interface CorrectionOptions {
  /** Whether the index holds a term (a word's stemmed form); such words are never corrected. */
  hasTerm?: (term: string) => boolean;
  /** Whether a word is a word of the language; such words are never corrected (default: English). */
  isWord?: (word: string) => boolean;
}

/** Replaces the words of `text` that `vocabulary` does not know (and that are no words) by the nearest ones it does. */
export function correctQuestion(text: string, vocabulary: SpellingVocabulary, options: CorrectionOptions = {}): CorrectedQuestion {
  if (vocabulary.size === 0) return { text, corrections: [], expansions: [] };
  const corrections: SpellingCorrection[] = [];
  const expansions: SpellingCorrection[] = [];
  /** Lower-case words already listed in `corrections`. */
  const seen = new Set<string>();
  /** Corrected forms by lower-case word (null: leave it), so a repeated word is looked up once. */
  const replacements = new Map<string, Replacement | null>();
  let out = '';
  let copied = 0;
  for (const written of writtenWords(text)) {
    const [word, ...more] = words(written.text);
    // Only where the written word maps onto its lower-case form character for character.
    const lower = written.text.toLowerCase();
    if (word === undefined || more.length > 0 || lower.length !== written.text.length || !lower.startsWith(word)) continue;
    let replacement = replacements.get(word);
    if (replacement === undefined) {
      replacement = replacementFor(word, vocabulary, options);
      replacements.set(word, replacement);
    }
    if (replacement === null) continue;
    const from = written.text.slice(0, word.length);
    const to = matchCase(from, replacement.word);
    if (replacement.expandOnly) {
      if (!seen.has(word)) expansions.push({ from, to });
      seen.add(word);
      continue;
    }
    out += text.slice(copied, written.index) + to;
    copied = written.index + word.length;
    if (!seen.has(word)) {
      seen.add(word);
      corrections.push({ from, to });
    }
  }
  return { text: corrections.length === 0 ? text : out + text.slice(copied), corrections, expansions };
}

interface Replacement {
  word: string;
  /** The word is a word of the language: offer the replacement for the lexical search only. */
  expandOnly: boolean;
}

/** The known word to put in place of `word` (lower-case), or null to leave it as it is. */
function replacementFor(word: string, vocabulary: SpellingVocabulary, options: CorrectionOptions): Replacement | null {
  const term = toTerm(word);
  if (DIGIT.test(word) || term === null || vocabulary.has(word) || options.hasTerm?.(term)) return null;
  const edits = maxEditsFor(word.match(LETTER)?.length ?? 0);
  if (edits === 0) return null;
  const nearest = vocabulary.nearest(word, edits);
  if (nearest === undefined || nearest.word === word) return null;
  return { word: nearest.word, expandOnly: (options.isWord ?? isEnglishWord)(word) };
}

/** `replacement` (lower-case) in the casing of `original`: ALL CAPS, Capitalised, or lower case. */
export function matchCase(original: string, replacement: string): string {
  const upper = original.toUpperCase();
  const hasCase = upper !== original.toLowerCase();
  if (hasCase && original === upper && (original.match(LETTER)?.length ?? 0) > 1) return replacement.toUpperCase();
  const [first = ''] = original;
  if (first !== first.toLowerCase()) {
    const [head = ''] = replacement;
    return head.toUpperCase() + replacement.slice(head.length);
  }
  return replacement;
}
