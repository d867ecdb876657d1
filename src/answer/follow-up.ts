/**
 * Follow-up questions, without a language model: given the earlier questions of a conversation (and
 * the articles their answers cited) and a follow-up ("And who is he?", "when?", "what did the Kremlin
 * say about that?"), the question to search for. The follow-up's own words come first; the earlier
 * question fills in what it leaves out:
 *
 * - a personal pronoun (he, him, his, she, they…) is replaced by the person or thing the earlier
 *   question named ("And who is he?" after "What did Kirill Dmitriev say…?" → "who is Kirill Dmitriev?");
 * - a follow-up that ends on "that"/"it"/"this"/"there" or has fewer than two words of its own gets the
 *   earlier question's topic words ("when?" → "When meeting?"; the names it asked about are left out,
 *   as the articles of its answer are preferred anyway — see `keyWords`);
 * - a follow-up that names its own subject ("What did Trump say about the Witkoff talks?") is
 *   answered as it stands.
 *
 * When the earlier question is used, its answer's articles are preferred (read first) for the search.
 * Pure functions: nothing here knows about Discord.
 */
import { writtenWords } from '../index/terms.js';
import { isVague } from './question.js';

/** One earlier question of the conversation. */
export interface EarlierTurn {
  /** The question as it was asked. */
  question: string;
  /** What was searched for it, when that differs (it was a follow-up itself). */
  searched?: string;
  /** The articles its answer cited, in order (empty when it was declined). */
  articleIds: readonly string[];
}

/** Why a follow-up was searched as it was. */
export type FollowUpReading =
  /** No earlier question: the question as it stands. */
  | 'first'
  /** It names its own subject: as it stands. */
  | 'own-subject'
  /** A pronoun was replaced by what the earlier question named. */
  | 'pronoun'
  /** Too little of its own: the earlier question's key words were added. */
  | 'ellipsis';

export interface FollowUpSearch {
  /** The question to search for. */
  search: string;
  reading: FollowUpReading;
  /** Articles to prefer (the earlier answer's), empty when the earlier question was not used. */
  preferArticles: string[];
}

/** Fewer words of its own than this and a follow-up is read with the earlier question. */
export const MIN_OWN_WORDS = 2;

/** How many of the earlier answer's articles are preferred. */
export const MAX_PREFERRED_ARTICLES = 3;

/** Pronouns that stand for a person (or people) named earlier; possessives get "'s". */
const PERSON_PRONOUNS = new Map<string, 'plain' | 'possessive'>([
  ['he', 'plain'],
  ['him', 'plain'],
  ['himself', 'plain'],
  ['she', 'plain'],
  ['her', 'plain'],
  ['herself', 'plain'],
  ['his', 'possessive'],
  ['hers', 'possessive'],
]);

/** Plural ones: they stand for everyone the earlier question named. */
const PLURAL_PRONOUNS = new Map<string, 'plain' | 'possessive'>([
  ['they', 'plain'],
  ['them', 'plain'],
  ['themselves', 'plain'],
  ['their', 'possessive'],
  ['theirs', 'possessive'],
]);

/** Pronouns as objects, which do not refer to their own clause's subject ("Putin told him"; "himself" does). */
const OBJECT_PRONOUNS = new Set(['him', 'her', 'them']);

/** Words that point back at the earlier topic when they end the question or follow a preposition. */
const THING_POINTERS = new Set(['it', 'its', 'that', 'this', 'these', 'those', 'there', 'then', 'so']);

/** Prepositions after which a pointer word stands for the earlier topic ("about that", "after it"). */
const PREPOSITIONS = new Set(['about', 'after', 'before', 'of', 'on', 'to', 'with', 'for', 'from', 'by', 'since', 'against', 'over', 'into', 'at', 'in']);

/** Words a follow-up opens with that join it to the earlier question and say nothing themselves. */
const JOINERS = new Set(['and', 'so', 'but', 'also', 'then', 'ok', 'okay', 'oh']);

interface Word {
  text: string;
  lower: string;
  start: number;
  end: number;
}

function wordsOf(text: string): Word[] {
  return writtenWords(text).map((w) => ({ text: w.text, lower: w.text.toLowerCase(), start: w.index, end: w.index + w.text.length }));
}

function isPronoun(lower: string): boolean {
  return PERSON_PRONOUNS.has(lower) || PLURAL_PRONOUNS.has(lower) || THING_POINTERS.has(lower);
}

/** Whether a word says what the question is about (not a stop word, vague word or pronoun). */
function isContent(lower: string): boolean {
  const bare = lower.replace(/['’]s$/u, '');
  return !isVague(bare) && !isPronoun(bare) && !JOINERS.has(bare);
}

/** The words of a question that say what it is about, as written. */
export function contentWords(text: string): string[] {
  return wordsOf(text)
    .filter((w) => isContent(w.lower))
    .map((w) => w.text.replace(/['’]s$/u, ''));
}

/**
 * The names in a question: runs of capitalised content words (joined by spaces or hyphens), as
 * written — "Kirill Dmitriev", "Kremlin". The first word counts only if it is a content word
 * ("Trump said what?"), not a question word ("What did…").
 */
export function namesIn(text: string): string[] {
  const names: string[] = [];
  let run: Word[] = [];
  const flush = (): void => {
    if (run.length > 0) names.push(run.map((w) => w.text.replace(/['’]s$/u, '')).join(' '));
    run = [];
  };
  for (const word of wordsOf(text)) {
    const capitalised = /^\p{Lu}/u.test(word.text) && word.lower !== 'i' && isContent(word.lower);
    if (!capitalised) {
      flush();
      continue;
    }
    const previous = run.at(-1);
    if (previous && !/^[\s-]+$/u.test(text.slice(previous.end, word.start))) flush();
    run.push(word);
  }
  flush();
  // The same name twice counts once.
  return [...new Set(names)];
}

/** Whether the follow-up points back at the earlier topic with a word like "that" or "it". */
function pointsBack(words: readonly Word[]): boolean {
  return words.some((word, i) => {
    if (!THING_POINTERS.has(word.lower)) return false;
    if (word.lower === 'it' || word.lower === 'its') return true;
    const last = i === words.length - 1;
    const afterPreposition = i > 0 && PREPOSITIONS.has(words[i - 1]!.lower);
    return last || afterPreposition;
  });
}

/**
 * The question to search for a follow-up, given the earlier turns of its conversation (oldest first).
 * Only the latest turn is read (what it searched carries the turns before it).
 */
export function resolveFollowUp(followUp: string, earlier: readonly EarlierTurn[]): FollowUpSearch {
  const asItStands = (reading: FollowUpReading): FollowUpSearch => ({ search: followUp, reading, preferArticles: [] });
  const previous = earlier.at(-1);
  if (!previous) return asItStands('first');
  const before = previous.searched ?? previous.question;
  const words = wordsOf(followUp);
  const own = words.filter((w) => isContent(w.lower));
  const ownLower = new Set(own.map((w) => w.lower.replace(/['’]s$/u, '')));
  const earlierNames = namesIn(before).filter((name) => !name.split(/[\s-]+/u).every((part) => ownLower.has(part.toLowerCase())));
  const prefer = previous.articleIds.slice(0, MAX_PREFERRED_ARTICLES);

  // A person named earlier stands in for a personal pronoun that does not refer to a name of the follow-up's own.
  const ownNamesEnd = firstNameEnd(followUp);
  const open = words.filter((w) => (PERSON_PRONOUNS.has(w.lower) || PLURAL_PRONOUNS.has(w.lower)) && !boundTo(w, ownNamesEnd));
  let text = followUp;
  let reading: FollowUpReading | undefined;
  if (open.length > 0 && earlierNames.length > 0) {
    text = replacePronouns(followUp, open, earlierNames);
    reading = 'pronoun';
  }

  const resolvedWords = wordsOf(text);
  const resolvedOwn = resolvedWords.filter((w) => isContent(w.lower)).length;
  // A name put in for a pronoun says who; the earlier topic is added only if the follow-up points back at it.
  if (pointsBack(resolvedWords) || (reading === undefined && resolvedOwn < MIN_OWN_WORDS)) {
    const present = new Set(resolvedWords.map((w) => w.lower.replace(/['’]s$/u, '')));
    const missing = keyWords(before).filter((word) => !present.has(word.toLowerCase()));
    if (missing.length > 0) {
      text = fillIn(text, resolvedWords, missing.join(' '));
      reading = 'ellipsis';
    }
  }
  if (reading === undefined) return asItStands('own-subject');
  return { search: text, reading, preferArticles: prefer };
}

/** Where the follow-up's first own name ends (undefined when it names nobody). */
function firstNameEnd(text: string): number | undefined {
  const first = namesIn(text)[0];
  if (first === undefined) return undefined;
  const at = text.indexOf(first.split(' ')[0]!);
  return at < 0 ? undefined : at + first.length;
}

/**
 * Whether a pronoun refers to the follow-up's own name before it ("How does Putin say he prefers…"):
 * "he", "his", "they"… after a name do; an object ("What did Putin tell him?") does not.
 */
function boundTo(pronoun: Word, ownNameEnd: number | undefined): boolean {
  if (ownNameEnd === undefined || pronoun.start < ownNameEnd) return false;
  return !OBJECT_PRONOUNS.has(pronoun.lower);
}

/**
 * The words of the earlier question that say what it was about, for a follow-up that leaves them out:
 * its topic words without the names it asked about ("What did Kirill Dmitriev say about the meeting?"
 * → "meeting": "when?" asks when the meeting is, not about Dmitriev, whose article is preferred anyway),
 * or the names when that is all it had ("Who was Mike Pompeo?").
 */
export function keyWords(question: string): string[] {
  const nameWords = new Set(namesIn(question).flatMap((name) => name.toLowerCase().split(/[\s-]+/u)));
  const all = contentWords(question);
  const topic = all.filter((word) => !nameWords.has(word.toLowerCase()));
  return topic.length > 0 ? topic : all;
}

/** The follow-up with its personal pronouns replaced by the earlier names (and a leading "and" dropped). */
function replacePronouns(text: string, pronouns: readonly Word[], names: readonly string[]): string {
  const words = wordsOf(text);
  const singular = names[0]!;
  const plural = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}` : singular;
  let out = '';
  let at = 0;
  for (const [i, word] of words.entries()) {
    const person = PERSON_PRONOUNS.get(word.lower);
    const group = PLURAL_PRONOUNS.get(word.lower);
    const kind = person ?? group;
    if (kind === undefined || !pronouns.some((p) => p.start === word.start)) continue;
    const name = person ? singular : plural;
    // "her" before a word of the question is a possessive ("her role"), otherwise an object ("ask her").
    const possessive = kind === 'possessive' || (word.lower === 'her' && i + 1 < words.length && isContent(words[i + 1]!.lower));
    out += text.slice(at, word.start) + (possessive ? `${name}’s` : name);
    at = word.end;
  }
  return dropJoiner(out + text.slice(at));
}

/**
 * The follow-up with the earlier key words filled in: in place of a pointer word that ends it ("what
 * did the Kremlin say about that?" → "…about Kirill Dmitriev meeting?"), otherwise after its own words.
 */
function fillIn(text: string, words: readonly Word[], keyWords: string): string {
  const last = words.at(-1);
  if (last && THING_POINTERS.has(last.lower) && words.length > 1) {
    return dropJoiner(`${text.slice(0, last.start)}${keyWords}${text.slice(last.end)}`);
  }
  const own = dropJoiner(text).replace(/[\s?.!,;:]+$/u, '');
  const end = /[?]\s*$/u.test(text) || own.length === 0 ? '?' : '';
  const filled = `${own}${own.length > 0 ? ' ' : ''}${keyWords}${end}`;
  return filled.charAt(0).toUpperCase() + filled.slice(1);
}

/** Drops an opening "And", "So", "But"… and capitalises what follows. */
function dropJoiner(text: string): string {
  const match = /^\s*([\p{L}]+)[\s,]+(?=\S)/u.exec(text);
  if (!match || !JOINERS.has(match[1]!.toLowerCase())) return text.trim();
  const rest = text.slice(match[0].length);
  return (rest.charAt(0).toUpperCase() + rest.slice(1)).trim();
}
