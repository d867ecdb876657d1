/**
 * Asks sampled SQuAD questions of Verbatim's engine and of the sentence baselines, and scores
 * each answer against the question's gold answers and article.
 */
import type { AnswerEngine, QueryEmbedder } from '../answer/engine.js';
import { askEachBaseline, type BaselineName, type SentenceBaselines } from './squad-baselines.js';
import type { SquadQuestion } from './squad-dataset.js';
import { scoreAnswer, type QuestionOutcome, type QuotedAnswer } from './squad-metrics.js';

/**
 * Asks every question of the engine (after one warm-up question) and scores each answer's quotes
 * and first source with `score`.
 */
export async function askEachQuestion<Q, O>(
  engine: AnswerEngine,
  questions: readonly Q[],
  text: (question: Q) => string,
  score: (answer: QuotedAnswer, question: Q) => O,
): Promise<O[]> {
  await engine.ask(questions[0] === undefined ? 'warm up' : text(questions[0]));
  const outcomes: O[] = [];
  for (const question of questions) {
    const answer = await engine.ask(text(question));
    outcomes.push(score({ quotes: answer.quotes.map((q) => q.text), firstArticle: answer.sources[0]?.id, ms: answer.timings.totalMs }, question));
  }
  return outcomes;
}

/** Asks every question of the engine; `articleIds` maps dataset articles to corpus ids. */
export function askVerbatim(engine: AnswerEngine, questions: readonly SquadQuestion[], articleIds: readonly string[]): Promise<QuestionOutcome[]> {
  return askEachQuestion(engine, questions, (q) => q.question, (quoted, q) => scoreAnswer(quoted, q.answers, articleIds[q.article]!));
}

/** Asks every question of each baseline; a baseline's latency is the query embedding plus its ranking. */
export function askBaselines(
  baselines: SentenceBaselines,
  embeddings: QueryEmbedder,
  questions: readonly SquadQuestion[],
  articleIds: readonly string[],
): Promise<Record<BaselineName, QuestionOutcome[]>> {
  return askEachBaseline(baselines, embeddings, questions, (q) => q.question, (quoted, q) => scoreAnswer(quoted, q.answers, articleIds[q.article]!));
}
