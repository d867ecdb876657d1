/**
 * The reader: judges which candidate sentence answers the question, and how likely it is that
 * the best one does. The engine ranks quotes by the first judgement and declines when the second
 * is too low. The interface takes the question and the candidates with their texts as well as
 * their features, so that a neural reader (a cross-encoder, an extractive QA model) can be plugged
 * in where such weights are available.
 *
 * The one shipped has two fitted stages (`npm run fit:reader`):
 * - a ranker, a conditional logit over the features of features.ts: the share of each candidate in
 *   a softmax over the question's candidates;
 * - a trigger, a logistic regression over what the ranker's best candidate looks like (its lead over
 *   the second and its own answerhood features): the probability that this candidate answers the
 *   question — the answer's confidence. (Its score and its softmax share were tried as inputs too:
 *   they depend on how many candidates a question has, so a tiny corpus looked sure of anything.)
 */
import type { Candidate } from '../candidates.js';
import { softmax } from './conditional-logit.js';
import { FEATURES, type QuestionProfile } from './features.js';
import { linearScore, predictProbability, type LogisticModel } from './logistic-regression.js';

export interface Judgement {
  /** Each candidate's share of the ranking (0–1, summing to 1), in candidate order. */
  scores: Float64Array;
  /** The probability that the best-ranked candidate answers the question. */
  confidence: number;
}

export interface AnswerReader {
  judge(question: QuestionProfile, candidates: readonly Candidate[], features: readonly Float64Array[]): Judgement;
}

/** A fitted reader: its two models and the confidence levels they were calibrated at. */
export interface ReaderModel {
  ranker: LogisticModel;
  trigger: LogisticModel;
  /** Below this confidence a question is declined. */
  refusalThreshold: number;
  /** At or above these, an answer is labelled `direct`, else `likely` (else `partial`). */
  strength: { direct: number; likely: number };
  /** How and on what it was fitted, and what cross-validation measured (for people). */
  provenance: Record<string, unknown>;
}

/** The candidate features the trigger reads of the best candidate, after its ranking signals. */
const TRIGGER_CANDIDATE_FEATURES = [
  'similarity',
  'coverage',
  'windowCoverage',
  'articleMissingRare',
  'relationArticle',
  'kindMissing',
  'nameMissing',
] as const;

export const TRIGGER_FEATURES = ['margin', ...TRIGGER_CANDIDATE_FEATURES] as const;

/** The trigger's row for a question, from its candidates' ranker scores and features (undefined with no candidate). */
export function triggerRow(scores: ArrayLike<number>, features: readonly Float64Array[]): Float64Array | undefined {
  if (scores.length === 0) return undefined;
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  let second = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) if (i !== best) second = Math.max(second, scores[i]!);
  const top = features[best]!;
  const margin = Number.isFinite(second) ? scores[best]! - second : 10;
  return Float64Array.from([Math.min(margin, 10), ...TRIGGER_CANDIDATE_FEATURES.map((name) => top[FEATURES.indexOf(name)]!)]);
}

export class FittedReader implements AnswerReader {
  constructor(readonly model: ReaderModel) {
    checkFeatures('ranker', model.ranker, FEATURES);
    checkFeatures('trigger', model.trigger, TRIGGER_FEATURES);
  }

  judge(_question: QuestionProfile, candidates: readonly Candidate[], features: readonly Float64Array[]): Judgement {
    const raw = Float64Array.from(candidates, (_, i) => linearScore(this.model.ranker, features[i]!));
    const row = triggerRow(raw, features);
    return { scores: softmax(raw), confidence: row ? predictProbability(this.model.trigger, row) : 0 };
  }
}

function checkFeatures(stage: string, model: LogisticModel, expected: readonly string[]): void {
  if (model.features.join(',') !== expected.join(',')) {
    throw new Error(`The reader's ${stage} was fitted on other features (${model.features.join(', ')}); refit it with npm run fit:reader.`);
  }
}
