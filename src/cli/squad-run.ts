/**
 * Asks sampled SQuAD questions of Verbatim's engine and of the sentence baselines, and scores
 * each answer against the question's gold answers and article.
 */
import type { AnswerEngine, QueryEmbedder } from '../answer/engine.js';
import { askEachBaseline, type BaselineName, type SentenceBaselines } from './squad-baselines.js';
import type { SquadQuestion } from './squad-dataset.js';
import { scoreAnswer, type QuestionOutcome } from './squad-metrics.js';

/** Asks every question of the engine (after one warm-up question); `articleIds` maps dataset articles to corpus ids. */
export async function askVerbatim(engine: AnswerEngine, questions: readonly SquadQuestion[], articleIds: readonly string[]): Promise<QuestionOutcome[]> {
  await engine.ask(questions[0]?.question ?? 'warm up');
  const outcomes: QuestionOutcome[] = [];
  for (const question of questions) {
    const answer = await engine.ask(question.question);
    const quoted = { quotes: answer.quotes.map((q) => q.text), firstArticle: answer.sources[0]?.id, ms: answer.timings.totalMs };
    outcomes.push(scoreAnswer(quoted, question.answers, articleIds[question.article]!));
  }
  return outcomes;
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
