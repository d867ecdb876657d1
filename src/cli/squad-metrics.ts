/**
 * The SQuAD measures: for the quotes an answerer returns (at most three count), does a gold
 * answer string appear inside them, inside the first one alone, and is the first cited article
 * the question's own; plus refusals and latency. Matching is case-insensitive with whitespace
 * runs collapsed, the only way an answer string and a quote may differ.
 */
import { percentile } from './eval-metrics.js';

/** How many quotes count. */
export const COUNTED_QUOTES = 3;

/** What any answerer (Verbatim or a baseline) returned for one question. */
export interface QuotedAnswer {
  /** Quote texts, best first; empty for a refusal. */
  quotes: string[];
  /** The article id of the first quote's source (undefined for a refusal). */
  firstArticle: string | undefined;
  ms: number;
}

/** One question's outcome. */
export interface QuestionOutcome {
  answered: boolean;
  inQuotes: boolean;
  inFirstQuote: boolean;
  firstSource: boolean;
  ms: number;
}

export interface SquadScores {
  questions: number;
  /** Shares (0–1) of all questions. */
  inQuotes: number;
  inFirstQuote: number;
  firstSource: number;
  falseRefusals: number;
  latencyMs: { p50: number; p95: number };
}

const normalize = (text: string) => text.replace(/\s+/gu, ' ').trim().toLowerCase();

/** Whether any gold answer appears in the text (case-insensitive, whitespace collapsed). */
export function containsAnswer(text: string, answers: readonly string[]): boolean {
  const haystack = normalize(text);
  return answers.some((answer) => haystack.includes(normalize(answer)));
}

/** Scores one answer against a question's gold answers and article. */
export function scoreAnswer(answer: QuotedAnswer, answers: readonly string[], articleId: string): QuestionOutcome {
  const quotes = answer.quotes.slice(0, COUNTED_QUOTES);
  const answered = quotes.length > 0;
  return {
    answered,
    inQuotes: quotes.some((quote) => containsAnswer(quote, answers)),
    inFirstQuote: answered && containsAnswer(quotes[0]!, answers),
    firstSource: answered && answer.firstArticle === articleId,
    ms: answer.ms,
  };
}

/** Shares over a set of outcomes. */
export function summarize(outcomes: readonly QuestionOutcome[]): SquadScores {
  const n = outcomes.length;
  const share = (test: (o: QuestionOutcome) => boolean) => (n === 0 ? 0 : outcomes.filter(test).length / n);
  const ms = outcomes.map((o) => o.ms);
  return {
    questions: n,
    inQuotes: share((o) => o.inQuotes),
    inFirstQuote: share((o) => o.inFirstQuote),
    firstSource: share((o) => o.firstSource),
    falseRefusals: share((o) => !o.answered),
    latencyMs: { p50: round(percentile(ms, 50)), p95: round(percentile(ms, 95)) },
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
