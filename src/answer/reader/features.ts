/**
 * What the reader knows of a candidate sentence, as numbers: whether it *answers* the question,
 * not only whether it is about it. Beside closeness to the question (the embedding similarities,
 * the share of the question's rarer words it holds), the signals of answerhood:
 * - the kind of answer the question asks for (a time, number, person, place, reason) present in
 *   the sentence and not already in the question: by patterns (`typeMatch`, `typeMissing`) and by
 *   the kinds tagged in each sentence when it was indexed (`kindMatch`, `kindMissing`);
 * - what the sentence adds beyond the question's own words (`novelty`; a sentence that only
 *   restates the question scores high on `restates`);
 * - whether the question's specific, rare words are supported by the sentence, its paragraph or
 *   its article at all (`missingRare`, `articleMissingRare`, and for the names the question
 *   mentions, `nameMissing`: a question about Helsinki is not answered by an article that never
 *   mentions it);
 * - where the sentence stands (an article's first sentence defines its subject: `lead`,
 *   `definitionLead` for "what is X?" questions) and whether it leans on the one before it
 *   (`backReference`) or announces the next (`leadIn`);
 * - and how far to trust word overlap: when some candidate holds most of the question's words (a
 *   question written with the text in view), overlap decides (`coverageSharp`); when none does (a
 *   question asked in other words), position, meaning and answer type count for more (the
 *   `…Loose` features: each signal times 1 − the best candidate's coverage);
 * - and which article the question is about: the candidate's article's rank and gap by its best
 *   passage, and how much of the question its title holds; and whether what the question asks
 *   about that subject (its words beyond the title's) is in the sentence's context or anywhere in
 *   the article (`relationWindow`, `relationArticle`).
 * Every feature is on a scale that does not depend on the corpus's size (IDF is normalised by its
 * largest possible value) so that a model fitted on one corpus reads another.
 */
import { AnswerKind, hasKind, kindsOf } from '../../chunking/answer-kinds.js';
import { wordCount } from '../../corpus/text-shape.js';
import type { StoredArticle, TermStatistics } from '../../index/store.js';
import { terms } from '../../index/terms.js';
import { answerType, answerTypeMatch, type AnswerType } from '../answer-type.js';
import { sameBlock, type Candidate } from '../candidates.js';
import { isLeadIn, refersBack } from '../discourse.js';

/** The feature names, in the order of a feature row. */
export const FEATURES = [
  'similarity',
  'similarityGap',
  'passage',
  'passageRank',
  'neighbour',
  'coverage',
  'coverageGap',
  'windowCoverage',
  'missingRare',
  'articleMissingRare',
  'novelty',
  'restates',
  'typeWanted',
  'typeMatch',
  'typeMissing',
  'lead',
  'firstSentence',
  'definitionLead',
  'length',
  'backReference',
  'leadIn',
  'titleInQuestion',
  'articleGap',
  'coverageSharp',
  'leadLoose',
  'firstLoose',
  'similarityLoose',
  'windowLoose',
  'passageLoose',
  'typeMatchLoose',
  'definitionLoose',
  'articleRank',
  'articlePassageGap',
  'titleCoverage',
  'relationWindow',
  'relationArticle',
  'kindMatch',
  'kindMissing',
  'kindLoose',
  'nameMissing',
] as const;

export type FeatureName = (typeof FEATURES)[number];

/** What the features need of the question, worked out once per question. */
export interface QuestionProfile {
  /** The question's distinct index terms, each with its IDF divided by the largest possible IDF (0–1). */
  terms: Map<string, number>;
  type: AnswerType;
  /** "What is X?", "Who was X?": the answer is likely a definition, often an article's first sentence. */
  definitional: boolean;
  /** The answer kinds (src/chunking/answer-kinds.ts) that would answer it, as a bit mask (0: any). */
  wantedKinds: number;
  /** The names the question mentions ("Helsinki", "Sergey Lavrov"), each as its index terms. */
  names: string[][];
  text: string;
}

const NAMES = AnswerKind.NAME | AnswerKind.PERSON | AnswerKind.PLACE;

/** The answer kinds that answer each type of question. */
const WANTED_KINDS: Record<AnswerType, number> = {
  time: AnswerKind.DATE,
  number: AnswerKind.NUMBER | AnswerKind.QUANTITY | AnswerKind.MONEY | AnswerKind.PERCENT | AnswerKind.ORDINAL,
  person: AnswerKind.PERSON | AnswerKind.NAME,
  place: AnswerKind.PLACE | AnswerKind.NAME,
  reason: AnswerKind.REASON,
  other: 0,
};

/** How many sentences either side (in the same paragraph) count as a sentence's context. */
const WINDOW = 2;
/** How many of an article's best candidate similarities make its evidence. */
const ARTICLE_TOP = 3;

const DEFINITIONAL = /^\s*(?:what|who)(?:'s|\s+(?:is|are|was|were))\s+(?:an?\s+|the\s+)?[^,;]{1,60}\??\s*$/iu;

export function questionProfile(statistics: TermStatistics, question: string): QuestionProfile {
  const maxIdf = statistics.maxIdf;
  const weights = new Map<string, number>();
  for (const term of new Set(terms(question))) weights.set(term, maxIdf > 0 ? statistics.idf(term) / maxIdf : 0);
  const content = [...weights.keys()].length;
  const type = answerType(question);
  const found = kindsOf(question);
  // A kind the question itself already holds is no sign of an answer ("When did X happen in 2014?").
  const wantedKinds = WANTED_KINDS[type] & ~(type === 'other' ? 0 : found.kinds & WANTED_KINDS[type] & ~NAMES);
  const names = [AnswerKind.NAME, AnswerKind.PERSON, AnswerKind.PLACE]
    .flatMap((kind) => found.values.get(kind) ?? [])
    .map((name) => terms(name))
    .filter((list) => list.length > 0);
  return { terms: weights, type, definitional: DEFINITIONAL.test(question) && content <= 4, wantedKinds, names, text: question };
}

/** The index terms whose presence in a candidate's article the features ask about (`Candidate.articleTerms`). */
export function articleLookupTerms(profile: QuestionProfile): string[] {
  return [...new Set([...profile.terms.keys(), ...profile.names.flat()])];
}

/** What is worked out once per article and reused across questions. */
interface ArticleContext {
  sentenceTerms: (Set<string> | undefined)[];
  titleTerms: Set<string>;
  /** The terms of each of its headings, by heading text. */
  headingTerms: Map<string, Set<string>>;
  /** Each sentence's position among the article's prose sentences (those ending like a sentence), or -1. */
  proseOrdinal: Int32Array | undefined;
}

const contexts = new WeakMap<StoredArticle, ArticleContext>();

function contextOf(article: StoredArticle): ArticleContext {
  let context = contexts.get(article);
  if (!context) {
    context = { sentenceTerms: new Array(article.sentences.length), titleTerms: new Set(terms(article.title)), headingTerms: new Map(), proseOrdinal: undefined };
    contexts.set(article, context);
  }
  return context;
}

function sentenceTerms(article: StoredArticle, index: number): Set<string> {
  const context = contextOf(article);
  const sentence = article.sentences[index]!;
  return (context.sentenceTerms[index] ??= new Set(terms(article.text.slice(sentence.start, sentence.end))));
}

function headingTerms(context: ArticleContext, heading: string): Set<string> {
  let found = context.headingTerms.get(heading);
  if (!found) context.headingTerms.set(heading, (found = new Set(terms(heading))));
  return found;
}

function proseOrdinal(article: StoredArticle, index: number): number {
  const context = contextOf(article);
  if (!context.proseOrdinal) {
    const ordinals = new Int32Array(article.sentences.length).fill(-1);
    let next = 0;
    article.sentences.forEach((s, i) => {
      const text = article.text.slice(s.start, s.end).trimEnd();
      if (/[.!?]["”’)\]]*$/u.test(text) && wordCount(text, 4) >= 4) ordinals[i] = next++;
    });
    context.proseOrdinal = ordinals;
  }
  return context.proseOrdinal[index]!;
}

/** IDF-weighted share of the question's terms that `present` holds (0–1). */
function coverage(profile: QuestionProfile, present: (term: string) => boolean): number {
  let total = 0;
  let found = 0;
  for (const [term, w] of profile.terms) {
    total += w;
    if (present(term)) found += w;
  }
  return total === 0 ? 0 : found / total;
}

/** The largest weight among the question's terms that `present` lacks (0 when it has them all). */
function missingRare(profile: QuestionProfile, present: (term: string) => boolean): number {
  let largest = 0;
  for (const [term, w] of profile.terms) if (!present(term)) largest = Math.max(largest, w);
  return largest;
}

/**
 * IDF-weighted share of the question's terms that are not in the article's title (what the
 * question asks *about* its subject: "how did X die", "when was X founded") that `present` holds;
 * 1 when the title holds them all.
 */
function relation(profile: QuestionProfile, title: ReadonlySet<string>, present: (term: string) => boolean): number {
  let total = 0;
  let found = 0;
  for (const [term, w] of profile.terms) {
    if (title.has(term)) continue;
    total += w;
    if (present(term)) found += w;
  }
  return total === 0 ? 1 : found / total;
}

/** One feature row per candidate, in FEATURES order. */
export function featureRows(profile: QuestionProfile, candidates: readonly Candidate[]): Float64Array[] {
  if (candidates.length === 0) return [];
  const sentenceCoverage = candidates.map((c) => {
    const own = sentenceTerms(c.article, c.sentence.index);
    return coverage(profile, (t) => own.has(t));
  });
  const maxSimilarity = Math.max(...candidates.map((c) => c.similarity));
  const maxCoverage = Math.max(...sentenceCoverage);
  const articleEvidence = articleScores(candidates);
  const bestArticle = Math.max(...articleEvidence.values());
  const articlePassage = new Map<string, number>();
  for (const c of candidates) articlePassage.set(c.article.id, Math.max(articlePassage.get(c.article.id) ?? -1, c.passage));
  const articleOrder = [...articlePassage.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  const bestPassage = Math.max(...articlePassage.values());
  return candidates.map((c, i) => {
    const { article, sentence } = c;
    const own = sentenceTerms(article, sentence.index);
    const context = contextOf(article);
    // The sentence's context: its own terms, its article's title's, its heading's and its paragraph neighbours'.
    const windowSets: ReadonlySet<string>[] = [own, context.titleTerms];
    if (sentence.heading) windowSets.push(headingTerms(context, sentence.heading));
    for (let j = Math.max(0, sentence.index - WINDOW); j <= Math.min(article.sentences.length - 1, sentence.index + WINDOW); j++) {
      if (j !== sentence.index && sameBlock(article, sentence.index, j)) windowSets.push(sentenceTerms(article, j));
    }
    const inWindow = (t: string): boolean => windowSets.some((set) => set.has(t));
    const whole = c.articleTerms;
    let novel = 0;
    for (const t of own) if (!profile.terms.has(t)) novel++;
    const novelty = own.size === 0 ? 0 : novel / own.size;
    const typeWanted = profile.type === 'other' ? 0 : 1;
    const typeMatch = answerTypeMatch(profile.type, c.text, profile.text);
    const ordinal = proseOrdinal(article, sentence.index);
    const first = ordinal === 0 ? 1 : 0;
    let titleShared = 0;
    for (const t of context.titleTerms) if (profile.terms.has(t)) titleShared++;
    const loose = 1 - maxCoverage;
    const kindMatch = profile.wantedKinds !== 0 && hasKind(sentence.kinds ?? 0, profile.wantedKinds) ? 1 : 0;
    const row: Record<FeatureName, number> = {
      similarity: c.similarity,
      similarityGap: c.similarity - maxSimilarity,
      passage: c.passage,
      passageRank: 1 / (1 + c.rank),
      neighbour: c.neighbour,
      coverage: sentenceCoverage[i]!,
      coverageGap: sentenceCoverage[i]! - maxCoverage,
      windowCoverage: coverage(profile, inWindow),
      missingRare: missingRare(profile, inWindow),
      articleMissingRare: missingRare(profile, (t) => whole.has(t)),
      novelty,
      restates: sentenceCoverage[i]! * (1 - novelty),
      typeWanted,
      typeMatch,
      typeMissing: typeWanted * (1 - typeMatch),
      lead: ordinal < 0 ? 0 : 1 / (1 + ordinal),
      firstSentence: first,
      definitionLead: profile.definitional ? first : 0,
      length: Math.min(wordCount(c.text, 60), 60) / 60,
      backReference: refersBack(c.text) ? 1 : 0,
      leadIn: isLeadIn(c.text) ? 1 : 0,
      titleInQuestion: context.titleTerms.size === 0 ? 0 : titleShared / context.titleTerms.size,
      articleGap: articleEvidence.get(article.id)! - bestArticle,
      coverageSharp: sentenceCoverage[i]! * maxCoverage,
      leadLoose: (ordinal < 0 ? 0 : 1 / (1 + ordinal)) * loose,
      firstLoose: first * loose,
      similarityLoose: c.similarity * loose,
      windowLoose: 0,
      passageLoose: c.passage * loose,
      typeMatchLoose: typeMatch * loose,
      definitionLoose: (profile.definitional ? first : 0) * loose,
      articleRank: 1 / (1 + articleOrder.indexOf(article.id)),
      articlePassageGap: articlePassage.get(article.id)! - bestPassage,
      titleCoverage: coverage(profile, (t) => context.titleTerms.has(t)),
      relationWindow: relation(profile, context.titleTerms, inWindow),
      relationArticle: relation(profile, context.titleTerms, (t) => whole.has(t)),
      kindMatch,
      kindMissing: profile.wantedKinds !== 0 ? 1 - kindMatch : 0,
      kindLoose: kindMatch * loose,
      nameMissing: profile.names.some((name) => !name.some((t) => whole.has(t))) ? 1 : 0,
    };
    row.windowLoose = row.windowCoverage * loose;
    return Float64Array.from(FEATURES, (name) => row[name]);
  });
}

/** Each article's evidence: the mean cosine of its ARTICLE_TOP best candidates (missing ones count 0). */
function articleScores(candidates: readonly Candidate[]): Map<string, number> {
  const byArticle = new Map<string, number[]>();
  for (const c of candidates) {
    const list = byArticle.get(c.article.id) ?? [];
    list.push(c.similarity);
    byArticle.set(c.article.id, list);
  }
  const scores = new Map<string, number>();
  for (const [id, similarities] of byArticle) {
    const top = similarities.sort((a, b) => b - a).slice(0, ARTICLE_TOP);
    scores.set(id, top.reduce((sum, s) => sum + s, 0) / ARTICLE_TOP);
  }
  return scores;
}
