/**
 * Scores the candidate sentences of the retrieved passages: the reader judges how likely each is
 * to answer the question, and they are ranked by that probability. Comparable across questions
 * and corpora, the probability is also what a refusal and the strength label are judged on.
 */
import type { IndexSnapshot, StoredArticle } from '../index/snapshot.js';
import type { Sentence } from '../chunking/types.js';
import type { PassageHit } from '../retrieval/passage-search.js';
import { gatherCandidates, type Candidate } from './candidates.js';
import { featureRows, questionProfile } from './reader/features.js';
import type { AnswerReader } from './reader/reader.js';

export interface ScoredSentence {
  article: StoredArticle;
  sentence: Sentence;
  text: string;
  /** Cosine of question and sentence. */
  similarity: number;
  /** The sentence's share of the reader's ranking (0–1; the shares of a question's candidates sum to 1). */
  score: number;
  vector: Float32Array;
}

/** A candidate as the reader saw it (for fitting and evaluations). */
export interface JudgedCandidate {
  candidate: Candidate;
  features: Float64Array;
  score: number;
}

export interface ScoredSentences {
  /** Best first. */
  ranked: ScoredSentence[];
  /** The reader's probability that the best one answers the question (0 with no candidate). */
  confidence: number;
}

export function scoreSentences(
  snapshot: IndexSnapshot,
  hits: readonly PassageHit[],
  question: string,
  queryVector: Float32Array,
  reader: AnswerReader,
  onJudged?: (judged: readonly JudgedCandidate[]) => void,
): ScoredSentences {
  const candidates = gatherCandidates(snapshot, hits, queryVector);
  const profile = questionProfile(snapshot, question);
  const features = featureRows(profile, candidates);
  const { scores, confidence } = reader.judge(profile, candidates, features);
  onJudged?.(candidates.map((candidate, i) => ({ candidate, features: features[i]!, score: scores[i]! })));
  const ranked = candidates
    .map((c, i): ScoredSentence => ({
      article: c.article,
      sentence: c.sentence,
      text: c.text,
      similarity: c.similarity,
      score: scores[i]!,
      vector: c.vector,
    }))
    .sort((a, b) => b.score - a.score);
  return { ranked, confidence: candidates.length === 0 ? 0 : confidence };
}
