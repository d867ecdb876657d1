/**
 * The WikiQA measures. A quote "holds" a gold sentence when, lower-cased and with all whitespace
 * deleted (WikiQA's sentences are tokenized, quotes are the corpus text as indexed), the quote
 * contains the gold sentence, or lies inside it and is at least half its length (the splitter may
 * cut a gold sentence in two). Over the answerable questions: p@1 (the first quote holds a gold
 * sentence; a refusal is a miss), hit@3, first source right, false refusals; over the unanswerable
 * ones: declined; over all: answer triggering (precision, recall, F1) and latency.
 */
import { percentile } from './eval-metrics.js';
import { COUNTED_QUOTES, type QuotedAnswer } from './squad-metrics.js';
import { isAnswerable, type WikiQAQuestion } from './wikiqa-dataset.js';

/** One question's outcome, for any answerer. */
export interface WikiQAOutcome {
  /** The WikiQA QuestionID. */
  id: string;
  /** The question has at least one gold sentence. */
  answerable: boolean;
  /** At least one quote was given (false: a refusal). */
  answered: boolean;
  /** The first quote holds a gold sentence. */
  firstRight: boolean;
  /** One of the first COUNTED_QUOTES quotes holds a gold sentence. */
  inQuotes: boolean;
  /** Answered, with the question's document cited first. */
  firstSource: boolean;
  /** Words in the first quote (0 for a refusal). */
  firstQuoteWords: number;
  ms: number;
}

export interface WikiQAScores {
  questions: number;
  answerable: number;
  unanswerable: number;
  /** Shares (0–1) of the answerable questions. */
  pAt1: number;
  hitAt3: number;
  firstSource: number;
  falseRefusals: number;
  /** Share of the unanswerable questions that were refused. */
  declined: number;
  /** Answer triggering: precision = right first quotes / questions answered; recall = right first quotes / answerable. */
  answerTriggering: { precision: number; recall: number; f1: number };
  /** Mean words in the first quote of the answered questions (how long a quote it takes). */
  firstQuoteWords: number;
  latencyMs: { p50: number; p95: number };
}

/** Gold sentences against the indexed sentences of their documents. */
export interface WikiQAAlignment {
  /** Gold sentences counted (one per question and label-1 sentence). */
  goldSentences: number;
  /** Share held by exactly one indexed sentence of their article (the splitter agrees with WikiQA's). */
  heldByOne: number;
  /** Share equal (after normalisation) to one indexed sentence. */
  identical: number;
  /** Share held by no indexed sentence (no one-sentence quote can be right). */
  unheld: number;
}

/** Lower-cased with every whitespace character deleted. */
export function normalizeForMatch(text: string): string {
  return text.toLowerCase().replace(/\s+/gu, '');
}

/** Whether a quote holds a gold sentence (see the module comment). */
export function holds(quote: string, gold: string): boolean {
  const q = normalizeForMatch(quote);
  const g = normalizeForMatch(gold);
  if (q.length === 0 || g.length === 0) return false;
  return q.includes(g) || (g.includes(q) && 2 * q.length >= g.length);
}

/** Whether a quote holds any of the gold sentences. */
export function holdsAny(quote: string, gold: readonly string[]): boolean {
  return gold.some((g) => holds(quote, g));
}

/** Scores one answer against a question's gold sentences and its document's corpus id. */
export function scoreWikiQA(answer: QuotedAnswer, question: WikiQAQuestion, articleId: string): WikiQAOutcome {
  const quotes = answer.quotes.slice(0, COUNTED_QUOTES);
  const answered = quotes.length > 0;
  return {
    id: question.id,
    answerable: isAnswerable(question),
    answered,
    firstRight: answered && holdsAny(quotes[0]!, question.gold),
    inQuotes: quotes.some((quote) => holdsAny(quote, question.gold)),
    firstSource: answered && answer.firstArticle === articleId,
    firstQuoteWords: answered ? quotes[0]!.split(/\s+/u).filter((w) => w.length > 0).length : 0,
    ms: answer.ms,
  };
}

/** The measures over a set of outcomes (a share over no questions is 0). */
export function summarizeWikiQA(outcomes: readonly WikiQAOutcome[]): WikiQAScores {
  const answerable = outcomes.filter((o) => o.answerable);
  const unanswerable = outcomes.filter((o) => !o.answerable);
  const share = (list: readonly WikiQAOutcome[], test: (o: WikiQAOutcome) => boolean) =>
    list.length === 0 ? 0 : list.filter(test).length / list.length;
  const right = outcomes.filter((o) => o.firstRight).length;
  const answered = outcomes.filter((o) => o.answered).length;
  const precision = answered === 0 ? 0 : right / answered;
  const recall = answerable.length === 0 ? 0 : right / answerable.length;
  const ms = outcomes.map((o) => o.ms);
  return {
    questions: outcomes.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    pAt1: share(answerable, (o) => o.firstRight),
    hitAt3: share(answerable, (o) => o.inQuotes),
    firstSource: share(answerable, (o) => o.firstSource),
    falseRefusals: share(answerable, (o) => !o.answered),
    declined: share(unanswerable, (o) => !o.answered),
    answerTriggering: { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) },
    firstQuoteWords: answered === 0 ? 0 : round(outcomes.reduce((n, o) => n + o.firstQuoteWords, 0) / answered),
    latencyMs: { p50: round(percentile(ms, 50)), p95: round(percentile(ms, 95)) },
  };
}

/**
 * How WikiQA's sentences line up with the indexed ones: for each question's gold sentence, how many
 * of its document's indexed sentences (`indexedSentences(document)`) hold it.
 */
export function alignment(questions: readonly WikiQAQuestion[], indexedSentences: (document: number) => readonly string[]): WikiQAAlignment {
  let goldSentences = 0;
  let heldByOne = 0;
  let identical = 0;
  let unheld = 0;
  for (const question of questions) {
    const sentences = indexedSentences(question.document);
    for (const gold of question.gold) {
      goldSentences++;
      const holders = sentences.filter((s) => holds(s, gold)).length;
      if (holders === 1) heldByOne++;
      if (holders === 0) unheld++;
      if (sentences.some((s) => normalizeForMatch(s) === normalizeForMatch(gold))) identical++;
    }
  }
  const share = (n: number) => (goldSentences === 0 ? 0 : n / goldSentences);
  return { goldSentences, heldByOne: share(heldByOne), identical: share(identical), unheld: share(unheld) };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
