/**
 * Scores answers against evaluation questions. Every number is a share of the questions it
 * concerns (answerable ones, out-of-corpus ones, or those with phrases of known wrong quotes), so runs
 * of different sizes compare. An item without a source counts only in `questions` and the wrong-quote
 * check.
 */
import type { Answer } from '../answer/types.js';
import type { EvalQuestion } from './eval-questions.js';

export interface QuestionResult {
  question: EvalQuestion;
  answer: Answer;
  /** Article ids of the retrieved passages, best first. */
  retrieved: string[];
}

export interface EvalReport {
  questions: number;
  answerable: number;
  outOfCorpus: number;
  /** Answerable questions answered with the expected article cited first. */
  firstSourceCorrect: number;
  /** Answerable questions with an expected phrase inside a quote. */
  phraseInQuote: number;
  /** Answerable questions both cited right first and quoted with a phrase. */
  fullyCorrect: number;
  correctRefusals: number;
  falseRefusals: number;
  /** Questions with phrases of known wrong quotes (`wrongPhrases`). */
  wrongChecked: number;
  /** Of those, answers that quoted a passage with one of the phrases again. */
  wrongQuoted: number;
  /** Out-of-corpus questions that got an answer anyway. */
  falseAnswers: number;
  recallAtK: number;
  k: number;
  mrr: number;
  latencyMs: { p50: number; p95: number };
  failures: { q: string; why: string }[];
}

export function matchesSource(articleId: string | undefined, source: string): boolean {
  return articleId !== undefined && (articleId === source || articleId.startsWith(source));
}

/** Whether a quote contains a phrase, ignoring case. */
export function containsPhrase(text: string, phrase: string): boolean {
  return text.toLowerCase().includes(phrase.toLowerCase());
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function scoreRun(results: readonly QuestionResult[], k: number): EvalReport {
  const report: EvalReport = {
    questions: results.length,
    answerable: 0,
    outOfCorpus: 0,
    firstSourceCorrect: 0,
    phraseInQuote: 0,
    fullyCorrect: 0,
    correctRefusals: 0,
    falseRefusals: 0,
    falseAnswers: 0,
    wrongChecked: 0,
    wrongQuoted: 0,
    recallAtK: 0,
    k,
    mrr: 0,
    latencyMs: { p50: percentile(results.map((r) => r.answer.timings.totalMs), 50), p95: percentile(results.map((r) => r.answer.timings.totalMs), 95) },
    failures: [],
  };
  let recallHits = 0;
  let reciprocal = 0;
  for (const { question, answer, retrieved } of results) {
    const wrong = question.wrongPhrases ?? [];
    if (wrong.length > 0) {
      report.wrongChecked++;
      const repeated = wrong.find((phrase) => answer.quotes.some((quote) => containsPhrase(quote.text, phrase)));
      if (answer.answered && repeated !== undefined) {
        report.wrongQuoted++;
        report.failures.push({ q: question.q, why: `quoted a passage marked wrong (“${repeated}”)` });
      }
    }
    // Without a source the item only says what must not be quoted.
    if (question.source === undefined) continue;
    if (question.source === null) {
      report.outOfCorpus++;
      if (answer.answered) {
        report.falseAnswers++;
        report.failures.push({ q: question.q, why: 'answered a question the corpus does not answer' });
      } else report.correctRefusals++;
      continue;
    }
    report.answerable++;
    const source = question.source;
    const rank = retrieved.findIndex((id) => matchesSource(id, source));
    if (rank >= 0 && rank < k) recallHits++;
    if (rank >= 0) reciprocal += 1 / (rank + 1);
    if (!answer.answered) {
      report.falseRefusals++;
      report.failures.push({ q: question.q, why: 'refused an answerable question' });
      continue;
    }
    const firstRight = matchesSource(answer.sources[0]?.id, source);
    const phrase =
      question.expect.length === 0 ||
      answer.quotes.some((quote) => question.expect.some((e) => containsPhrase(quote.text, e)));
    if (firstRight) report.firstSourceCorrect++;
    if (phrase) report.phraseInQuote++;
    if (firstRight && phrase) report.fullyCorrect++;
    else report.failures.push({ q: question.q, why: !firstRight ? `cited ${answer.sources[0]?.id} first` : 'no expected phrase in the quotes' });
  }
  report.recallAtK = report.answerable === 0 ? 0 : recallHits / report.answerable;
  report.mrr = report.answerable === 0 ? 0 : reciprocal / report.answerable;
  return report;
}
