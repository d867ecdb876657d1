/**
 * `eval:squad --tune`: a coordinate search over the sentence-scoring weights on the tuning half.
 * From the current weights, each weight in turn is moved up and down by a step and the move is
 * kept when the objective (answer in quotes + answer in first quote + first source right)
 * improves; passes repeat until none helps, then the step is halved. The `sentence` weight
 * stays fixed, as the scale the others are measured against.
 */
import type { ScoringWeights } from '../answer/sentence-scoring.js';
import type { SquadScores } from './squad-metrics.js';

/** What the search maximizes. */
export function tuningObjective(scores: SquadScores): number {
  return scores.inQuotes + scores.inFirstQuote + scores.firstSource;
}

export interface TuneOptions {
  /** Step sizes, largest first. */
  steps: readonly number[];
  /** Passes over the weights per step, at most. */
  maxPasses: number;
  onImprovement?: (weights: ScoringWeights, scores: SquadScores) => void;
}

export const DEFAULT_TUNE: TuneOptions = { steps: [0.2, 0.1, 0.05], maxPasses: 3 };

export interface TuneResult {
  weights: ScoringWeights;
  scores: SquadScores;
  evaluations: number;
}

const FIXED: ReadonlySet<keyof ScoringWeights> = new Set(['sentence']);

/** Searches from `start`, scoring each setting with `evaluate`. */
export async function coordinateSearch(
  start: ScoringWeights,
  evaluate: (weights: ScoringWeights) => Promise<SquadScores>,
  options: TuneOptions = DEFAULT_TUNE,
): Promise<TuneResult> {
  let best: TuneResult = { weights: start, scores: await evaluate(start), evaluations: 1 };
  const keys = (Object.keys(start) as (keyof ScoringWeights)[]).filter((k) => !FIXED.has(k));
  for (const step of options.steps) {
    for (let pass = 0; pass < options.maxPasses; pass++) {
      let improved = false;
      for (const key of keys) {
        for (const delta of [step, -step]) {
          const weights = { ...best.weights, [key]: Math.round((best.weights[key] + delta) * 1000) / 1000 };
          const scores = await evaluate(weights);
          best = { ...best, evaluations: best.evaluations + 1 };
          if (tuningObjective(scores) > tuningObjective(best.scores) + 1e-9) {
            best = { weights, scores, evaluations: best.evaluations };
            improved = true;
            options.onImprovement?.(weights, scores);
            break;
          }
        }
      }
      if (!improved) break;
    }
  }
  return best;
}
