/**
 * Scores the candidate sentences of the retrieved passages: the reader ranks them and says how
 * likely the best one is to answer the question (the confidence a refusal and the strength label
 * are judged on). One check is not left to the reader: a question that names someone or something
 * (a capitalised name: "Helsinki", "Sergey Lavrov") that no candidate's article mentions is not
 * answered by any of them, so its confidence is 0. (Measured: it declines no answerable WikiQA dev
 * question and 2 of the 500 SQuAD tuning questions, whose names are spelt differently in the text.)
 */
import type { StoredArticle } from '../index/store.js';
import type { Sentence } from '../chunking/types.js';
import type { PassageHit } from '../retrieval/passage-search.js';
import { gatherCandidates, type Candidate } from './candidates.js';
import { FEATURES, featureRows, type QuestionProfile } from './reader/features.js';
import type { AnswerReader } from './reader/reader.js';
import type { QuestionView } from './question-view.js';

export interface ScoredSentence {
  article: StoredArticle;
  sentence: Sentence;
  text: string;
  /** Cosine of question and sentence. */
  similarity: number;
  /** The sentence's share of the reader's ranking (0–1; the shares of a question's candidates sum to 1). */
  score: number;
  /** IDF-weighted share of the question's terms the sentence holds (0–1). */
  coverage: number;
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
  view: QuestionView,
  hits: readonly PassageHit[],
  profile: QuestionProfile,
  queryVector: Float32Array,
  reader: AnswerReader,
  onJudged?: (judged: readonly JudgedCandidate[]) => void,
): ScoredSentences {
  const candidates = gatherCandidates(view, hits, queryVector);
  const features = featureRows(profile, candidates);
  const { scores, confidence } = reader.judge(profile, candidates, features);
  const nameMissing = FEATURES.indexOf('nameMissing');
  const coverageColumn = FEATURES.indexOf('coverage');
  const unsupported = features.length > 0 && features.every((row) => row[nameMissing] === 1);
  onJudged?.(candidates.map((candidate, i) => ({ candidate, features: features[i]!, score: scores[i]! })));
  const ranked = candidates
    .map((c, i): ScoredSentence => ({
      article: c.article,
      sentence: c.sentence,
      text: c.text,
      similarity: c.similarity,
      score: scores[i]!,
      coverage: features[i]![coverageColumn]!,
      vector: c.vector,
    }))
    .sort((a, b) => b.score - a.score);
  return { ranked, confidence: candidates.length === 0 || unsupported ? 0 : confidence };
}
