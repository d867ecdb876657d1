/**
 * Picks the quotes: the best-scoring sentence, then up to `maxQuotes - 1` more that score
 * nearly as well and do not repeat one already taken. Two picks that are adjacent sentences of
 * the same paragraph become one quote, read in article order.
 */
import { dot } from '../retrieval/vector-math.js';
import type { ScoredSentence } from './sentence-scoring.js';

export interface SelectionOptions {
  maxQuotes: number;
  /** A further quote must score at least this share of the best one. */
  relativeScore: number;
  /** Sentences at least this similar to a taken one are repeats. */
  duplicateSimilarity: number;
}

export const DEFAULT_SELECTION: SelectionOptions = { maxQuotes: 3, relativeScore: 0.8, duplicateSimilarity: 0.9 };

/** One quote: a sentence or a run of adjacent sentences of one article. */
export interface Selected {
  sentences: ScoredSentence[];
  score: number;
}

export function selectQuotes(ranked: readonly ScoredSentence[], options: SelectionOptions = DEFAULT_SELECTION): Selected[] {
  const best = ranked[0];
  if (!best) return [];
  const taken: ScoredSentence[] = [];
  for (const candidate of ranked) {
    if (taken.length >= options.maxQuotes) break;
    if (candidate.score < best.score * options.relativeScore) break;
    if (taken.some((t) => t.text === candidate.text || dot(t.vector, candidate.vector) >= options.duplicateSimilarity)) continue;
    taken.push(candidate);
  }
  return mergeAdjacent(taken);
}

/** Joins picks that are consecutive sentences of the same block; keeps the order of the best pick in each run. */
function mergeAdjacent(taken: ScoredSentence[]): Selected[] {
  const runs: Selected[] = [];
  for (const pick of taken) {
    const run = runs.find((r) => r.sentences.some((s) => adjacent(s, pick)));
    if (run) {
      run.sentences.push(pick);
      run.sentences.sort((a, b) => a.sentence.index - b.sentence.index);
      run.score = Math.max(run.score, pick.score);
    } else {
      runs.push({ sentences: [pick], score: pick.score });
    }
  }
  return runs;
}

function adjacent(a: ScoredSentence, b: ScoredSentence): boolean {
  if (a.article.id !== b.article.id || Math.abs(a.sentence.index - b.sentence.index) !== 1) return false;
  const [first, second] = a.sentence.index < b.sentence.index ? [a, b] : [b, a];
  const gap = a.article.text.slice(first.sentence.end, second.sentence.start);
  return !gap.includes('\n\n');
}
