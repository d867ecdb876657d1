/**
 * What kinds of answer a sentence holds — a number, a date or time, a sum of money, a
 * person's or place's name, a quotation, a reason — as a small bit set, worked out once per
 * sentence when the index is built (`Sentence.kinds`) so that the answer reader can match it
 * against the kind of answer a question asks for without tagging anything at question time.
 *
 * Tagging is wink-nlp's English lite model (part-of-speech tags and its number/date entities:
 * CARDINAL, ORDINAL, DATE, TIME, DURATION, MONEY, PERCENT; 0.05–0.1 ms a sentence), plus a few
 * cheap rules over its tokens:
 * - NUMBER: a CARDINAL entity, a number word ("dozens", "two", "million") or a bare numeral.
 *   A lone "one" counts only before a noun ("one side", not "a very interesting one"), and a
 *   year-like numeral (1000–2099, four digits) is a DATE, not a NUMBER, unless a unit follows.
 * - ORDINAL, MONEY, PERCENT: the entities of that type.
 * - DATE: a DATE or TIME entity, a DURATION with a number in it ("within 24 hours", not
 *   "in recent years"), or a year-like numeral.
 * - QUANTITY: a number followed by a unit or a counted noun ("12 km", "1,200 MW", "168 lives",
 *   "2,000 people", "dozens of troops").
 * - NAME: a run of proper-noun tokens (PROPN, capitalised), with capitalised neighbours
 *   joined ("Russian President Vladimir Putin", "Oklahoma City") and "of" between two
 *   ("Bank of America"), outside the number and date entities. A run that is only the first
 *   word of the sentence (or of a clause after a colon, an opening quote, a bullet, a line
 *   break) is left out — the tagger calls most capitalised sentence openers PROPN — unless a
 *   possessive follows ("Russia’s terms").
 * - PERSON: a NAME with a title or role right before its last words ("President Vladimir
 *   Putin"), or right before it ("envoy Steve Witkoff"), or an appositive one ("Kirill
 *   Dmitriev, a close economic adviser"), or before a speech verb ("… Dmitriev said", not "the
 *   Kremlin said"), or after one at the end of a clause ("…,” said Zelensky."). Its value is
 *   the name without the titles ("Vladimir Putin").
 * - PLACE: a NAME after a locative ("in Moscow", "near the Black Sea", "south of Kyiv") that
 *   does not modify a noun ("in American politics" is none).
 * - QUOTE: a quotation of at least three words in double quotation marks or guillemets.
 * - REASON: a causal connective ("because", "due to", "in order to", "as a result of" …).
 * These are signals for ranking, not a parser: PERSON and PLACE are found only where the text
 * says so nearby, a NAME may be an organisation or a headline's capitalised word, and a
 * lowercase question ("when did putin meet witkoff") has no names at all.
 *
 * Values (`kindsOf`) are the surface strings as in the text, whitespace runs made single
 * spaces, distinct, in the order found. The model (3.8 MB of JavaScript, ~0.4 s to load) is
 * loaded on the first call, not on import.
 */
import type { Detail, WinkMethods } from 'wink-nlp';
import { historyFreeTagger } from './tagger.js';
import type { Sentence } from './types.js';

/** The kinds of answer, one bit each. */
export const AnswerKind = {
  NUMBER: 1 << 0,
  ORDINAL: 1 << 1,
  DATE: 1 << 2,
  MONEY: 1 << 3,
  PERCENT: 1 << 4,
  QUANTITY: 1 << 5,
  NAME: 1 << 6,
  PERSON: 1 << 7,
  PLACE: 1 << 8,
  QUOTE: 1 << 9,
  REASON: 1 << 10,
} as const;

export type AnswerKindName = keyof typeof AnswerKind;
export type AnswerKind = (typeof AnswerKind)[AnswerKindName];

/** Every kind's name, in bit order. */
export const ANSWER_KIND_NAMES = Object.keys(AnswerKind) as readonly AnswerKindName[];

/** The kinds found in one text, and the surface strings of each (distinct, in text order). */
export interface KindsFound {
  kinds: number;
  values: Map<AnswerKind, string[]>;
}

/** The bit set of the answer kinds `text` holds (0 for none). */
export function answerKinds(text: string): number {
  return scan(text, undefined);
}

/** The answer kinds `text` holds with their surface strings, e.g. NAME → ["Putin", "Witkoff"]. */
export function kindsOf(text: string): KindsFound {
  const values = new Map<AnswerKind, string[]>();
  return { kinds: scan(text, values), values };
}

/** Whether the bit set `kinds` has any of the kinds in `wanted` (one kind or a mask of several). */
export function hasKind(kinds: number, wanted: number): boolean {
  return (kinds & wanted) !== 0;
}

/** The names of the kinds in a bit set, in bit order (for logs and tests). */
export function kindNames(kinds: number): AnswerKindName[] {
  return ANSWER_KIND_NAMES.filter((name) => (kinds & AnswerKind[name]) !== 0);
}

/**
 * Sets `kinds` on each sentence of an article (offsets into `text`), in place, and returns
 * the same array. This is where the index's sentences get their kinds.
 */
export function tagSentences<T extends Sentence>(text: string, sentences: T[]): T[] {
  for (const sentence of sentences) sentence.kinds = answerKinds(text.slice(sentence.start, sentence.end));
  return sentences;
}

// ---------------------------------------------------------------------------------------------
// The tagger

/** wink-nlp, loaded on first use, tagging each text as a fresh process would (see tagger.ts). */
function nlp(): WinkMethods {
  return historyFreeTagger();
}

/** Number words wink-nlp may leave outside a CARDINAL entity. */
const NUMBER_WORDS = new Set([
  'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty',
  'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety', 'hundred', 'hundreds',
  'thousand', 'thousands', 'million', 'millions', 'billion', 'billions', 'trillion', 'trillions',
  'dozen', 'dozens',
]);

/** Words that may follow a number to make a quantity: units of measure and counted nouns (lowercase). */
const UNITS = new Set([
  // length, area, volume, mass
  'km', 'kms', 'kilometre', 'kilometres', 'kilometer', 'kilometers', 'm', 'metre', 'metres', 'meter',
  'meters', 'cm', 'mm', 'mile', 'miles', 'mi', 'foot', 'feet', 'ft', 'inch', 'inches', 'yard', 'yards',
  'nautical', 'sq', 'square', 'hectare', 'hectares', 'ha', 'acre', 'acres', 'cubic', 'litre', 'litres',
  'liter', 'liters', 'l', 'gallon', 'gallons', 'barrel', 'barrels', 'bpd', 'kg', 'kgs', 'kilogram',
  'kilograms', 'g', 'gram', 'grams', 'tonne', 'tonnes', 'ton', 'tons', 'lb', 'lbs', 'pound', 'pounds',
  'ounce', 'ounces', 'oz',
  // speed, energy, power, temperature, data
  'mph', 'kph', 'km/h', 'knots', 'degrees', '°', '°c', '°f', 'celsius', 'fahrenheit', 'mw', 'gw', 'kw',
  'kwh', 'mwh', 'gwh', 'twh', 'megawatts', 'gigawatts', 'kilowatts', 'watts', 'volts', 'bcm', 'btu',
  'calories', 'kb', 'mb', 'gb', 'tb',
  // counted people and things (what "how many" questions count in the news)
  'people', 'persons', 'person', 'residents', 'inhabitants', 'citizens', 'civilians', 'soldiers',
  'troops', 'fighters', 'militants', 'officers', 'police', 'deaths', 'dead', 'lives', 'casualties',
  'victims', 'fatalities', 'injured', 'wounded', 'refugees', 'migrants', 'prisoners', 'hostages',
  'detainees', 'workers', 'employees', 'jobs', 'staff', 'members', 'delegates', 'votes', 'voters',
  'seats', 'cases', 'patients', 'children', 'students', 'passengers', 'visitors', 'tourists', 'fans',
  'users', 'customers', 'subscribers', 'followers', 'views', 'copies', 'homes', 'houses', 'buildings',
  'households', 'families', 'vehicles', 'cars', 'aircraft', 'planes', 'jets', 'helicopters', 'drones',
  'missiles', 'rockets', 'shells', 'tanks', 'ships', 'warships', 'vessels', 'warheads', 'weapons',
  'countries', 'nations', 'states', 'cities', 'villages', 'schools', 'hospitals',
]);

/** Words before a name that make it a person's (lowercase; "president" also in "former U.S. President Trump"). */
const PERSON_TITLES = new Set([
  'mr', 'mr.', 'mrs', 'mrs.', 'ms', 'ms.', 'dr', 'dr.', 'prof', 'prof.', 'sir', 'dame', 'lord', 'lady',
  'president', 'vice-president', 'premier', 'minister', 'secretary', 'senator', 'sen.', 'representative',
  'rep.', 'congressman', 'congresswoman', 'governor', 'gov.', 'mayor', 'chancellor', 'king', 'queen',
  'prince', 'princess', 'pope', 'bishop', 'archbishop', 'cardinal', 'rabbi', 'imam', 'sheikh', 'emir',
  'general', 'gen.', 'admiral', 'colonel', 'col.', 'captain', 'capt.', 'lieutenant', 'sergeant',
  'commander', 'marshal', 'judge', 'justice', 'ambassador', 'envoy', 'adviser', 'advisor', 'aide',
  'spokesman', 'spokeswoman', 'spokesperson', 'chairman', 'chairwoman', 'chair', 'ceo', 'founder',
  'director', 'chief', 'head', 'leader', 'professor', 'analyst', 'economist', 'journalist', 'reporter',
  'author', 'writer', 'coach', 'manager', 'player', 'actor', 'actress', 'singer', 'candidate',
  'negotiator', 'diplomat', 'official', 'lawmaker', 'deputy', 'chef', 'dictator', 'tsar', 'czar',
]);

/** Verbs of saying: a name right before or after one is a person's. */
const SPEECH_VERBS = new Set([
  'said', 'says', 'say', 'told', 'tells', 'added', 'adds', 'wrote', 'writes', 'stated', 'states',
  'noted', 'notes', 'argued', 'argues', 'announced', 'announces', 'insisted', 'insists', 'asked',
  'asks', 'explained', 'explains', 'warned', 'warns', 'replied', 'replies',
  'tweeted', 'posted', 'declared', 'declares', 'stressed', 'stresses', 'recalled', 'recalls',
  'admitted', 'admits', 'acknowledged', 'acknowledges', 'commented', 'remarked', 'suggested',
  'suggests', 'believes', 'believed', 'thinks', 'thought',
]);

/** Words after which a name is likely a place (lowercase). */
const LOCATIVES = new Set([
  'in', 'at', 'near', 'outside', 'inside', 'across', 'throughout', 'around', 'into', 'toward', 'towards',
  'within', 'northern', 'southern', 'eastern', 'western', 'central',
]);
/** "south of Kyiv". */
const COMPASS = new Set(['north', 'south', 'east', 'west', 'northeast', 'northwest', 'southeast', 'southwest']);
const DASHES = new Set(['-', '–', '—']);

/** Tokens after which the next word opens a clause and is capitalised whatever it is. */
const CLAUSE_OPENERS = new Set([':', '.', '!', '?', '“', '"', '‘', "'", '(', '[', '•', '●', '▪', '◦', '‣', '*', '—', '–', '-', '|', '«']);

const CAUSAL = /\b(?:because(?: of)?|due to|owing to|thanks to|as a result(?: of)?|in order to|so that|caused by|in response to|on the grounds that|(?:the|a|one|main|key|chief) reasons?(?: for| why)?)\b/giu;
/** A quotation: opening and closing double quotes (curly or straight) or guillemets, with no quote inside. */
const QUOTATION = /[“"«]([^“”"«»]+)[”"»]/gu;
const QUOTE_MIN_WORDS = 3;

const CAPITALISED = /^\p{Lu}/u;
const DIGITS = /^\d[\d,.]*$/u;
const YEAR = /^(?:1\d{3}|20\d{2})$/u;
const HAS_NUMBER = /\d/u;

/** What is known of one token. */
interface Tokens {
  value: readonly string[];
  normal: readonly string[];
  pos: readonly string[];
  spaces: readonly string[];
}

/** An entity of the model: its type and its tokens [first, last]. */
interface Entity {
  type: string;
  first: number;
  last: number;
}

/**
 * The kinds of `text`; when `values` is given, the surface strings of each kind found are
 * added to it. One pass over the tokens after the tagger.
 */
function scan(text: string, values: Map<AnswerKind, string[]> | undefined): number {
  if (!/[\p{L}\p{N}]/u.test(text)) return 0;
  const doc = nlp().readDoc(text);
  const its = nlp().its;
  const tokens: Tokens = {
    value: doc.tokens().out(its.value),
    normal: doc.tokens().out(its.normal),
    pos: doc.tokens().out(its.pos),
    spaces: doc.tokens().out(its.precedingSpaces),
  };
  const entities = entitiesOf(doc.entities().out(its.detail), doc.entities().out(its.span));
  let kinds = 0;
  const found = (kind: AnswerKind, value: string): void => {
    kinds |= kind;
    if (values === undefined) return;
    const list = values.get(kind);
    if (list === undefined) values.set(kind, [value]);
    else if (!list.includes(value)) list.push(value);
  };

  /** The entity type covering each token ('' if none). */
  const covering = new Array<string>(tokens.value.length).fill('');
  for (const entity of entities) {
    for (let k = entity.first; k <= entity.last; k++) covering[k] = entity.type;
    const surface = surfaceOf(tokens, entity.first, entity.last);
    switch (entity.type) {
      case 'CARDINAL':
        numberEntity(tokens, entity, surface, found);
        break;
      case 'ORDINAL':
        found(AnswerKind.ORDINAL, surface);
        break;
      case 'DATE':
      case 'TIME':
        found(AnswerKind.DATE, surface);
        break;
      case 'DURATION':
        if (hasNumber(tokens, entity.first, entity.last)) found(AnswerKind.DATE, surface);
        break;
      case 'MONEY':
        found(AnswerKind.MONEY, surface);
        break;
      case 'PERCENT':
        found(AnswerKind.PERCENT, surface);
        break;
    }
  }
  looseNumbers(tokens, covering, found);
  names(tokens, covering, found);
  quotations(text, found);
  for (const match of text.matchAll(CAUSAL)) found(AnswerKind.REASON, match[0]);
  return kinds;
}

type Found = (kind: AnswerKind, value: string) => void;

function entitiesOf(details: readonly (Detail | string)[], spans: readonly (number[] | string)[]): Entity[] {
  const entities: Entity[] = [];
  details.forEach((detail, k) => {
    const span = spans[k];
    if (typeof detail === 'string' || !Array.isArray(span)) return;
    const [first, last] = span;
    if (first === undefined || last === undefined) return;
    entities.push({ type: detail.type, first, last });
  });
  return entities;
}

/** A CARDINAL entity: a number, a year, and a quantity when a unit follows. */
function numberEntity(tokens: Tokens, entity: Entity, surface: string, found: Found): void {
  const unit = unitAfter(tokens, entity.last);
  if (entity.first === entity.last) {
    const word = tokens.normal[entity.first] ?? '';
    if (word === 'one' && !beforeNoun(tokens, entity.last)) return;
    if (YEAR.test(word) && unit === undefined) {
      found(AnswerKind.DATE, surface);
      return;
    }
  }
  found(AnswerKind.NUMBER, surface);
  if (unit !== undefined) found(AnswerKind.QUANTITY, `${surface} ${unit}`);
}

/** Numerals and number words the model left outside any entity. */
function looseNumbers(tokens: Tokens, covering: readonly string[], found: Found): void {
  tokens.normal.forEach((word, k) => {
    if (covering[k] !== '') return;
    const numeral = DIGITS.test(word) && HAS_NUMBER.test(word);
    if (!numeral && !NUMBER_WORDS.has(word)) return;
    if (word === 'one' && !beforeNoun(tokens, k)) return;
    const value = tokens.value[k] ?? word;
    const unit = unitAfter(tokens, k);
    if (YEAR.test(word) && unit === undefined) {
      found(AnswerKind.DATE, value);
      return;
    }
    found(AnswerKind.NUMBER, value);
    if (unit !== undefined) found(AnswerKind.QUANTITY, `${value} ${unit}`);
  });
}

/** The unit or counted noun right after token `last` ("12 km"), or after "of" ("dozens of troops"). */
function unitAfter(tokens: Tokens, last: number): string | undefined {
  const next = tokens.normal[last + 1];
  if (next === undefined) return undefined;
  if (UNITS.has(next)) return tokens.value[last + 1];
  if (next === 'of' && NUMBER_WORDS.has(tokens.normal[last] ?? '')) {
    let k = last + 2;
    if (['the', 'those', 'these'].includes(tokens.normal[k] ?? '')) k++;
    if (UNITS.has(tokens.normal[k] ?? '')) return `of ${surfaceOf(tokens, last + 2, k)}`;
  }
  return undefined;
}

function beforeNoun(tokens: Tokens, k: number): boolean {
  const pos = tokens.pos[k + 1];
  return pos === 'NOUN' || pos === 'PROPN' || pos === 'ADJ' || pos === 'NUM';
}

function hasNumber(tokens: Tokens, first: number, last: number): boolean {
  for (let k = first; k <= last; k++) {
    if (tokens.pos[k] === 'NUM' || HAS_NUMBER.test(tokens.normal[k] ?? '') || NUMBER_WORDS.has(tokens.normal[k] ?? '')) return true;
    if (tokens.normal[k] === 'a' || tokens.normal[k] === 'an') return true;
  }
  return false;
}

/** Runs of proper nouns: NAME, and PERSON or PLACE where the words around say so. */
function names(tokens: Tokens, covering: readonly string[], found: Found): void {
  const count = tokens.value.length;
  const spaced = (k: number): boolean => k < count && tokens.spaces[k] !== '';
  let k = 0;
  while (k < count) {
    if (!isNameToken(tokens, covering, k)) {
      k++;
      continue;
    }
    let first = k;
    let last = k;
    // Capitalised words around the proper nouns belong to the name ("President Putin", "Oklahoma City"),
    // and so does "of" between two of them ("Bank of America").
    while (first > 0 && spaced(first) && isNameWord(tokens, covering, first - 1) && !clauseInitial(tokens, first)) first--;
    for (;;) {
      if (spaced(last + 1) && isNameWord(tokens, covering, last + 1)) last++;
      else if (tokens.normal[last + 1] === 'of' && spaced(last + 1) && spaced(last + 2) && isNameToken(tokens, covering, last + 2)) last += 2;
      else break;
    }
    k = last + 1;
    if (first === last && clauseInitial(tokens, first) && tokens.pos[last + 1] !== 'PART') continue;
    const name = surfaceOf(tokens, first, last);
    found(AnswerKind.NAME, name);
    if (isPerson(tokens, first, last)) found(AnswerKind.PERSON, personName(tokens, first, last));
    if (isPlace(tokens, first, last)) found(AnswerKind.PLACE, name);
  }
}

/** A capitalised proper noun outside the number and date entities, and not a unit after a number ("1,200 MW"). */
function isNameToken(tokens: Tokens, covering: readonly string[], k: number): boolean {
  return tokens.pos[k] === 'PROPN' && isCapitalisedWord(tokens, covering, k);
}

/** A proper noun, or a capitalised noun or adjective next to one ("President", "City"). */
function isNameWord(tokens: Tokens, covering: readonly string[], k: number): boolean {
  const pos = tokens.pos[k];
  return (pos === 'PROPN' || pos === 'NOUN' || pos === 'ADJ') && isCapitalisedWord(tokens, covering, k);
}

function isCapitalisedWord(tokens: Tokens, covering: readonly string[], k: number): boolean {
  return (
    covering[k] === '' &&
    CAPITALISED.test(tokens.value[k] ?? '') &&
    !(UNITS.has(tokens.normal[k] ?? '') && tokens.pos[k - 1] === 'NUM')
  );
}

/** Whether token k opens the text or a clause (after a colon, an opening quote, a bullet, a line break). */
function clauseInitial(tokens: Tokens, k: number): boolean {
  if (k === 0 || /\n/u.test(tokens.spaces[k] ?? '')) return true;
  const previous = tokens.value[k - 1] ?? '';
  if (!CLAUSE_OPENERS.has(previous)) return false;
  // A dash joined to both neighbours ("U.S.-Russia") opens nothing.
  return !(DASHES.has(previous) && tokens.spaces[k - 1] === '' && tokens.spaces[k] === '');
}

/** Whether a title stands in the run before its last token ("President Vladimir Putin"). */
function hasTitle(tokens: Tokens, first: number, last: number): boolean {
  // Not "CEO of Bank of America", "President of Russia": the title must come right before the name.
  for (let k = first; k < last; k++) if (PERSON_TITLES.has(tokens.normal[k] ?? '') && tokens.normal[k + 1] !== 'of') return true;
  return false;
}

/** The person's name in a run: its last proper nouns, without titles ("Russian President Vladimir Putin" → "Vladimir Putin"). */
function personName(tokens: Tokens, first: number, last: number): string {
  let start = last;
  while (start > first && tokens.pos[start - 1] === 'PROPN' && !PERSON_TITLES.has(tokens.normal[start - 1] ?? '') && tokens.normal[start - 1] !== 'of') start--;
  return surfaceOf(tokens, start, last);
}

function isPerson(tokens: Tokens, first: number, last: number): boolean {
  if (hasTitle(tokens, first, last) || PERSON_TITLES.has(tokens.normal[first - 1] ?? '')) return true;
  // "Kirill Dmitriev, a close economic adviser": a title soon after the comma.
  if (tokens.value[last + 1] === ',' && ['a', 'an', 'the'].includes(tokens.normal[last + 2] ?? '')) {
    for (let k = last + 3; k <= last + 6 && k < tokens.normal.length; k++) {
      if (PERSON_TITLES.has(tokens.normal[k] ?? '')) return true;
      if (tokens.pos[k] === 'PUNCT') break;
    }
  }
  // "Dmitriev said" (but not "the Kremlin said"), "…, said Putin."
  if (SPEECH_VERBS.has(tokens.normal[last + 1] ?? '') && tokens.normal[first - 1] !== 'the') return true;
  const after = tokens.value[last + 1];
  return SPEECH_VERBS.has(tokens.normal[first - 1] ?? '') && (after === undefined || (tokens.pos[last + 1] === 'PUNCT' && !DASHES.has(after)));
}

/** After a locative ("in Moscow", "near the Black Sea", "south of Kyiv") and not modifying a noun ("in American politics"). */
function isPlace(tokens: Tokens, first: number, last: number): boolean {
  const next = tokens.pos[last + 1];
  if ((next === 'NOUN' || next === 'ADJ') && !CAPITALISED.test(tokens.value[last + 1] ?? '')) return false;
  if (PERSON_TITLES.has(tokens.normal[first] ?? '')) return false;
  let before = first - 1;
  if (tokens.normal[before] === 'the') before--;
  const word = tokens.normal[before] ?? '';
  if (word === 'of') return COMPASS.has(tokens.normal[before - 1] ?? '');
  return LOCATIVES.has(word);
}

function quotations(text: string, found: Found): void {
  for (const match of text.matchAll(QUOTATION)) {
    const quoted = (match[1] ?? '').trim();
    if (quoted.split(/\s+/u).length >= QUOTE_MIN_WORDS) found(AnswerKind.QUOTE, quoted);
  }
}

/** Tokens [first, last] as in the text, with whitespace runs as single spaces. */
function surfaceOf(tokens: Tokens, first: number, last: number): string {
  let surface = tokens.value[first] ?? '';
  for (let k = first + 1; k <= last; k++) surface += (tokens.spaces[k] === '' ? '' : ' ') + (tokens.value[k] ?? '');
  return surface;
}
