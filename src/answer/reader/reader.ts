/**
 * The reader: judges, for each candidate sentence, how likely it is to answer the question (not
 * merely to be about it). The engine ranks quotes by this probability and declines when no
 * candidate is likely enough. The interface takes the question and the candidates with their
 * texts as well as their features, so that a neural reader (a cross-encoder, an extractive QA
 * model) can be plugged in where such weights are available; the one shipped is a logistic
 * regression over the features of features.ts, fitted by `npm run fit:reader`.
 */
import type { Candidate } from '../candidates.js';
import type { QuestionProfile } from './features.js';
import { FEATURES } from './features.js';
import { predictProbability, type LogisticModel } from './logistic-regression.js';

export interface AnswerReader {
  /** The probability (0–1) that each candidate answers the question, in candidate order. */
  judge(question: QuestionProfile, candidates: readonly Candidate[], features: readonly Float64Array[]): Float64Array;
}

/** A fitted reader: the model, and the confidence levels it was calibrated at. */
export interface ReaderModel {
  model: LogisticModel;
  /** Below this probability of its best candidate, a question is declined. */
  refusalThreshold: number;
  /** At or above these, an answer is labelled `direct`, else `likely` (else `partial`). */
  strength: { direct: number; likely: number };
  /** How and on what it was fitted, and what cross-validation measured (for people). */
  provenance: Record<string, unknown>;
}

export class LogisticReader implements AnswerReader {
  constructor(readonly model: LogisticModel) {
    const expected = FEATURES.join(',');
    if (model.features.join(',') !== expected) {
      throw new Error(`The reader model was fitted on other features (${model.features.join(', ')}); refit it with npm run fit:reader.`);
    }
  }

  judge(_question: QuestionProfile, candidates: readonly Candidate[], features: readonly Float64Array[]): Float64Array {
    return Float64Array.from(candidates, (_, i) => predictProbability(this.model, features[i]!));
  }
}
