/**
 * Undoes the sentence breaks that `Intl.Segmenter` puts where there is no sentence end.
 *
 * Node's segmenter (ICU, without abbreviation suppressions) breaks after any "." that is
 * followed by a space and a capital letter, and after "?" or "!" whatever follows. So it
 * splits "Former U.S. | President Donald Trump", "Mr. | Smith", "John F. | Kennedy" and
 * "“Why?” | he asked". A break is judged by the token before it and the word after it:
 *
 * 1. A break before a lowercase word is false ("“Why?” he asked").
 * 2. After "e.g.", "i.e.", "vs.", "v.", "cf.", "viz." a break is always false.
 * 3. Before a word that typically opens a sentence (The, It, He, This, But, …) a break is
 *    kept in every other case: "in the U.S. The next day" and "at 5 p.m. It rained" split.
 * 4. After a title that precedes a name (Mr., Mrs., Dr., Prof., Sen., Gov., Gen., St., …)
 *    a break is false.
 * 5. After initials ("F.", "J.D.") that follow a capitalized word or open the text, a break
 *    is false ("John F. Kennedy", "Vice President J.D. Vance").
 * 6. After a country or organisation acronym (U.S., U.K., U.N., E.U., D.C., …) a break is
 *    false only when the next word continues the name with a title or an institution
 *    (President, Secretary, Senate, Army, Embassy, …); after "a.m." / "p.m." only when it
 *    is a weekday, a month or a time zone. Any other capitalized word keeps the break:
 *    "in the U.S. Russia said" splits, at the price of "U.S. Steel" splitting too.
 *
 * Name suffixes and company words (Jr., Sr., Inc., Corp., Ltd., Co.) end sentences as often
 * as not, so breaks after them are left as the segmenter made them. Decimals ("3.5"),
 * "No. 5" and ellipses before a lowercase word are never broken by the segmenter; an
 * ellipsis before a capitalized word is taken as a real break.
 *
 * A break is judged by the BREAK_CONTEXT_CHARS characters on either side of it, so that joining
 * many segments into one long sentence takes linear time.
 */
import type { Span } from '../corpus/types.js';

/** Abbreviations that never end a sentence. */
const ALWAYS_JOINED = new Set(['e.g.', 'i.e.', 'vs.', 'v.', 'cf.', 'viz.']);

/** Titles written before a name (compared in lowercase). */
const TITLES = new Set(
  [
    'Mr.', 'Mrs.', 'Ms.', 'Messrs.', 'Dr.', 'Prof.', 'Sen.', 'Sens.', 'Rep.', 'Reps.', 'Gov.',
    'Gen.', 'Lt.', 'Col.', 'Capt.', 'Sgt.', 'Maj.', 'Adm.', 'Cmdr.', 'Rev.', 'Hon.', 'Pres.',
    'Amb.', 'Atty.', 'Supt.', 'Det.', 'Insp.', 'St.', 'Mt.', 'Ft.',
  ].map((title) => title.toLowerCase()),
);

/** Dotted acronyms of places and organisations, judged by rule 6 rather than as initials. */
const KNOWN_ACRONYMS = new Set(['U.S.', 'U.S.A.', 'U.K.', 'U.N.', 'E.U.', 'U.A.E.', 'U.S.S.R.', 'D.C.', 'N.Y.']);

/** Words that usually open a sentence: a break before them is kept. */
const SENTENCE_OPENERS = new Set([
  'A', 'An', 'The', 'It', 'Its', 'He', 'She', 'They', 'We', 'I', 'You', 'His', 'Her', 'Their',
  'Our', 'My', 'Your', 'This', 'That', 'These', 'Those', 'There', 'Here', 'But', 'And', 'Or',
  'So', 'Yet', 'However', 'Meanwhile', 'Moreover', 'Also', 'Still', 'Then', 'Now', 'In', 'On',
  'At', 'For', 'If', 'When', 'While', 'As', 'After', 'Before', 'Since', 'Although', 'Though',
  'Despite', 'According', 'With', 'Without', 'By', 'From', 'To', 'During', 'Some', 'Many',
  'Most', 'All', 'Both', 'Each', 'Other', 'Others', 'Another', 'One', 'What', 'Why', 'How',
  'Who', 'Where', 'Which', 'Such',
]);

/** Capitalized words that continue an acronym such as "U.S." into a title or an institution. */
const ACRONYM_CONTINUATIONS = new Set([
  'President', 'Vice', 'Secretary', 'Senator', 'Senators', 'Sen', 'Rep', 'Representative',
  'Representatives', 'Congressman', 'Congresswoman', 'Congress', 'Senate', 'House', 'Capitol',
  'Ambassador', 'Ambassadors', 'Envoy', 'Envoys', 'Special', 'Deputy', 'Assistant', 'Acting',
  'Attorney', 'General', 'Gen', 'Admiral', 'Adm', 'Army', 'Navy', 'Naval', 'Air', 'Marine',
  'Marines', 'Coast', 'Space', 'Cyber', 'Forces', 'Armed', 'Military', 'Defense', 'Defence',
  'State', 'Treasury', 'Justice', 'Commerce', 'Trade', 'Energy', 'Health', 'Labor', 'Interior',
  'Agriculture', 'Education', 'Transportation', 'Veterans', 'Homeland', 'Department', 'Dept',
  'Embassy', 'Consulate', 'Mission', 'Delegation', 'Negotiator', 'Negotiators', 'Government',
  'Administration', 'Supreme', 'Court', 'District', 'Federal', 'National', 'Central',
  'Intelligence', 'Border', 'Customs', 'Immigration', 'Census', 'Postal', 'Securities',
  'Geological', 'Chamber', 'Olympic', 'Open', 'Dollar', 'Treasuries', 'Security', 'Human',
  'Prime', 'Foreign', 'Home', 'Parliament', 'Chancellor', 'Ministry', 'Minister', 'Commission',
  'Commissioner', 'Council', 'Agency', 'Bureau', 'Office', 'Chief', 'Commander', 'Command',
]);

/** Capitalized words that continue a time such as "5 p.m.". */
const TIME_CONTINUATIONS = new Set([
  'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'January',
  'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December', 'Jan', 'Feb', 'Mar', 'Apr', 'Jun', 'Jul', 'Aug', 'Sep', 'Sept', 'Oct',
  'Nov', 'Dec', 'ET', 'EST', 'EDT', 'CT', 'CST', 'CDT', 'MT', 'MST', 'MDT', 'PT', 'PST', 'PDT',
  'GMT', 'UTC', 'BST', 'CET', 'CEST', 'MSK', 'Eastern', 'Central', 'Mountain', 'Pacific',
  'Greenwich',
]);

const OPENING_PUNCTUATION = /^[\p{Ps}\p{Pi}"']+/u;
const INITIALS = /^(?:\p{Lu}\.)+$/u;
const DOTTED_ACRONYM = /^(?:\p{Lu}\.){2,}$/u;
const TIME_OF_DAY = /^[ap]\.m\.$/i;
const CAPITALIZED_WORD = /^\p{Lu}[\p{L}\p{M}'’-]*$/u;

/**
 * Whether the segmenter's break between `before` (the text up to the break) and `after`
 * (the text from the break on) is false, i.e. the two belong to one sentence.
 */
export function isFalseBreak(before: string, after: string): boolean {
  const next = firstWord(after);
  if (next === undefined) return false;
  if (/^\p{Ll}/u.test(next)) return true;

  const [previous, last] = lastTwoTokens(before);
  if (last === undefined || !last.endsWith('.')) return false;
  if (ALWAYS_JOINED.has(last.toLowerCase())) return true;
  if (SENTENCE_OPENERS.has(next)) return false;
  if (TITLES.has(last.toLowerCase())) return true;
  if (TIME_OF_DAY.test(last)) return TIME_CONTINUATIONS.has(next);
  if (INITIALS.test(last) && !KNOWN_ACRONYMS.has(last)) return previous === undefined || isNameWord(previous);
  if (DOTTED_ACRONYM.test(last)) return ACRONYM_CONTINUATIONS.has(next);
  return false;
}

/**
 * A break is judged by at most this many characters on either side of it (the tokens it looks
 * at are short), so that joining many segments into one long sentence takes linear time.
 */
export const BREAK_CONTEXT_CHARS = 64;

/**
 * Merges each segment with the one after it wherever the break between them is false.
 * `spans` are consecutive, non-overlapping ranges of `text`, in order.
 */
export function joinFalseBreaks(text: string, spans: readonly Span[]): Span[] {
  const joined: Span[] = [];
  for (const span of spans) {
    const current = joined.at(-1);
    if (current && isFalseBreak(text.slice(Math.max(current.start, current.end - BREAK_CONTEXT_CHARS), current.end), head(text, span))) {
      current.end = span.end;
    } else {
      joined.push({ start: span.start, end: span.end });
    }
  }
  return joined;
}

/** The first BREAK_CONTEXT_CHARS characters of a span. */
function head(text: string, span: Span): string {
  return text.slice(span.start, Math.min(span.end, span.start + BREAK_CONTEXT_CHARS));
}

/** The first word of `text` after any opening quotes or brackets: its leading letters, if it starts with one. */
function firstWord(text: string): string | undefined {
  const word = text.trimStart().replace(OPENING_PUNCTUATION, '');
  return /^\p{L}+/u.exec(word)?.[0];
}

/** The last two whitespace-separated tokens of `text`, stripped of opening quotes or brackets. */
function lastTwoTokens(text: string): [string | undefined, string | undefined] {
  const tokens = text
    .trim()
    .split(/\s+/)
    .filter((token) => token !== '')
    .map((token) => token.replace(OPENING_PUNCTUATION, ''));
  return [tokens.at(-2), tokens.at(-1)];
}

/** Whether `token` can be part of a name: a capitalized word, or initials, that is not a sentence opener. */
function isNameWord(token: string): boolean {
  return (CAPITALIZED_WORD.test(token) || INITIALS.test(token)) && !SENTENCE_OPENERS.has(token);
}
