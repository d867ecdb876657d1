/**
 * Picks the quotes: the best-scoring sentence, then, in score order, more whose score (the
 * reader's probability that they answer the question) comes near the best one's and that do
 * not repeat one already taken, until there are `maxQuotes` quotes. A pick that is the neighbour of
 * a taken sentence in the same paragraph joins it, so one quote may be a run of up to
 * `maxRunSentences` adjacent sentences, read in article order (a sentence and the one that
 * finishes its thought are quoted together rather than as two quotes).
 */
import { dot } from '../retrieval/vector-math.js';
import { sameBlock } from './candidates.js';
import type { ScoredSentence } from './sentence-scoring.js';

export interface SelectionOptions {
  maxQuotes: number;
  /** A further pick's score must be at least this share of the first pick's. */
  relativeScore: number;
  /** Sentences at least this similar to a taken one are repeats. */
  duplicateSimilarity: number;
  /** The most adjacent sentences one quote may join. */
  maxRunSentences: number;
}

export const DEFAULT_SELECTION: SelectionOptions = { maxQuotes: 3, relativeScore: 0.5, duplicateSimilarity: 0.9, maxRunSentences: 2 };

/** One quote: a sentence or a run of adjacent sentences of one article. */
export interface Selected {
  sentences: ScoredSentence[];
  score: number;
}

export function selectQuotes(ranked: readonly ScoredSentence[], options: SelectionOptions = DEFAULT_SELECTION): Selected[] {
  const best = ranked[0];
  if (!best) return [];
  const runs: Selected[] = [];
  const taken: ScoredSentence[] = [];
  for (const candidate of ranked) {
    if (candidate.score < best.score * options.relativeScore) continue;
    if (taken.some((t) => t.text === candidate.text || dot(t.vector, candidate.vector) >= options.duplicateSimilarity)) continue;
    const run = runs.find((r) => r.sentences.length < options.maxRunSentences && r.sentences.some((s) => adjacent(s, candidate)));
    if (run) {
      run.sentences.push(candidate);
      run.sentences.sort((a, b) => a.sentence.index - b.sentence.index);
    } else if (runs.length < options.maxQuotes) {
      runs.push({ sentences: [candidate], score: candidate.score });
    } else continue;
    taken.push(candidate);
    if (runs.length >= options.maxQuotes && runs.every((r) => r.sentences.length >= options.maxRunSentences)) break;
  }
  return runs;
}

function adjacent(a: ScoredSentence, b: ScoredSentence): boolean {
  return a.article.id === b.article.id && Math.abs(a.sentence.index - b.sentence.index) === 1 && sameBlock(a.article, a.sentence.index, b.sentence.index);
}
