/**
 * Scores the sentences of the retrieved passages against the question. A sentence that answers
 * well is close to the question in the embedding space, holds the question's rarer words, and
 * sits in a passage that retrieval ranked high.
 */
import type { Sentence } from '../chunking/types.js';
import { terms } from '../index/terms.js';
import { answerType, answerTypeMatch } from './answer-type.js';
import type { IndexSnapshot, StoredArticle } from '../index/snapshot.js';
import type { PassageHit } from '../retrieval/passage-search.js';
import { dot } from '../retrieval/vector-math.js';

export interface ScoringWeights {
  /** Cosine of question and sentence. */
  sentence: number;
  /** IDF-weighted share of the question's terms the sentence holds. */
  coverage: number;
  /** Cosine of question and the sentence's passage. */
  passage: number;
  /** 1 / (1 + rank of the best passage holding the sentence). */
  rank: number;
  /** The sentence holds an answer of the kind the question asks for (a time for "when", …). */
  answerType: number;
}

export const DEFAULT_WEIGHTS: ScoringWeights = { sentence: 0.5, coverage: 0.3, passage: 0.2, rank: 0.05, answerType: 0.05 };

/** Sentences shorter than this many words (captions, labels) are never quoted. */
export const MIN_QUOTE_WORDS = 4;

export interface ScoredSentence {
  article: StoredArticle;
  sentence: Sentence;
  text: string;
  /** Cosine of question and sentence. */
  similarity: number;
  coverage: number;
  score: number;
  vector: Float32Array;
}

/** The question's distinct terms with their IDF weights. */
export function questionTerms(snapshot: IndexSnapshot, question: string): Map<string, number> {
  return new Map([...new Set(terms(question))].map((t) => [t, snapshot.lexical.idf(t)]));
}

/** IDF-weighted share of the question's terms found in `text` (0–1). */
export function coverage(questionWeights: Map<string, number>, text: string): number {
  let total = 0;
  for (const w of questionWeights.values()) total += w;
  if (total === 0) return 0;
  const present = new Set(terms(text));
  let found = 0;
  for (const [term, w] of questionWeights) if (present.has(term)) found += w;
  return found / total;
}

export function scoreSentences(
  snapshot: IndexSnapshot,
  hits: readonly PassageHit[],
  question: string,
  queryVector: Float32Array,
  weights: ScoringWeights = DEFAULT_WEIGHTS,
): ScoredSentence[] {
  const questionWeights = questionTerms(snapshot, question);
  const wanted = answerType(question);
  const seen = new Set<string>();
  const scored: ScoredSentence[] = [];
  hits.forEach((hit, rank) => {
    const article = snapshot.article(hit.chunk.articleId);
    if (!article) return;
    for (let i = hit.chunk.sentenceStart; i < hit.chunk.sentenceEnd; i++) {
      const key = `${article.id}:${i}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const sentence = article.sentences[i]!;
      const text = article.text.slice(sentence.start, sentence.end);
      if (text.split(/\s+/u).length < MIN_QUOTE_WORDS) continue;
      const vector = snapshot.sentenceVector(article.id, i);
      const similarity = dot(queryVector, vector);
      const cover = coverage(questionWeights, text);
      const score =
        weights.sentence * similarity +
        weights.coverage * cover +
        weights.passage * hit.dense +
        weights.rank / (1 + rank) +
        weights.answerType * answerTypeMatch(wanted, text, question);
      scored.push({ article, sentence, text, similarity, coverage: cover, score, vector });
    }
  });
  return scored.sort((a, b) => b.score - a.score);
}
