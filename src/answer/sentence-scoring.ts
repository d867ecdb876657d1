/**
 * Scores the sentences of the retrieved passages against the question. A sentence that answers
 * well is close to the question in the embedding space, holds the question's rarer words, sits
 * in a passage and beside sentences that are about the question too, in an article that holds
 * more such sentences, and holds something of the kind the question asks for. The score is a weighted sum of these signals (weights tuned on the tuning half of a SQuAD
 * sample, see README "Evaluation on SQuAD"); the evidence a refusal is judged on is kept apart
 * (see refusal.ts) so that tuning the ranking does not move the refusal threshold.
 */
import type { Sentence } from '../chunking/types.js';
import { terms } from '../index/terms.js';
import type { IndexSnapshot, StoredArticle } from '../index/snapshot.js';
import type { PassageHit } from '../retrieval/passage-search.js';
import { dot } from '../retrieval/vector-math.js';
import { answerType, answerTypeMatch } from './answer-type.js';
import { evidence } from './refusal.js';

export interface ScoringWeights {
  /** Cosine of question and sentence. */
  sentence: number;
  /** IDF-weighted share of the question's terms the sentence holds. */
  coverage: number;
  /** Cosine of question and the best retrieved passage holding the sentence. */
  passage: number;
  /** 1 / (1 + rank of the best passage holding the sentence). */
  rank: number;
  /** The sentence holds an answer of the kind the question asks for (a time for "when", …). */
  answerType: number;
  /** Cosine of question and the closer of the sentence's neighbours in its paragraph. */
  neighbour: number;
  /** The article's evidence (mean cosine of its three best candidate sentences) minus the best article's (≤ 0). */
  article: number;
}

export const DEFAULT_WEIGHTS: ScoringWeights = {
  sentence: 0.5,
  coverage: 0.85,
  passage: 0.35,
  rank: 0.05,
  answerType: 0.05,
  neighbour: 0.15,
  article: 0.1,
};

/** Sentences shorter than this many words (captions, labels) are never quoted. */
export const MIN_QUOTE_WORDS = 4;

/** How many of an article's best candidate sentences make its evidence. */
const ARTICLE_TOP = 3;

export interface ScoredSentence {
  article: StoredArticle;
  sentence: Sentence;
  text: string;
  /** Cosine of question and sentence. */
  similarity: number;
  coverage: number;
  /** Cosine of question and the best passage holding the sentence. */
  passage: number;
  /** How strongly the sentence bears on the question, on a fixed scale (what a refusal is judged on). */
  evidence: number;
  /** The ranking score (comparable within one question). */
  score: number;
  vector: Float32Array;
}

/** The question's distinct terms with their IDF weights. */
export function questionTerms(snapshot: IndexSnapshot, question: string): Map<string, number> {
  return new Map([...new Set(terms(question))].map((t) => [t, snapshot.lexical.idf(t)]));
}

/** IDF-weighted share of the question's terms found among a sentence's terms (0–1). */
function coverage(questionWeights: Map<string, number>, present: ReadonlySet<string>): number {
  let total = 0;
  let found = 0;
  for (const [term, w] of questionWeights) {
    total += w;
    if (present.has(term)) found += w;
  }
  return total === 0 ? 0 : found / total;
}

/** A candidate sentence with its signals, before the article-level signal and the final score. */
interface Candidate {
  article: StoredArticle;
  sentence: Sentence;
  text: string;
  vector: Float32Array;
  similarity: number;
  coverage: number;
  passage: number;
  rank: number;
  typeMatch: number;
  neighbour: number;
}

export function scoreSentences(
  snapshot: IndexSnapshot,
  hits: readonly PassageHit[],
  question: string,
  queryVector: Float32Array,
  weights: ScoringWeights = DEFAULT_WEIGHTS,
): ScoredSentence[] {
  const questionWeights = questionTerms(snapshot, question);
  const candidates = gatherCandidates(snapshot, hits, question, questionWeights, queryVector);
  const articleEvidence = articleScores(candidates);
  const bestArticle = Math.max(...articleEvidence.values());
  return candidates
    .map((c): ScoredSentence => {
      const score =
        weights.sentence * c.similarity +
        weights.coverage * c.coverage +
        weights.passage * c.passage +
        weights.rank / (1 + c.rank) +
        weights.answerType * c.typeMatch +
        weights.neighbour * c.neighbour +
        weights.article * (articleEvidence.get(c.article.id)! - bestArticle);
      return {
        article: c.article,
        sentence: c.sentence,
        text: c.text,
        similarity: c.similarity,
        coverage: c.coverage,
        passage: c.passage,
        evidence: evidence(c),
        score,
        vector: c.vector,
      };
    })
    .sort((a, b) => b.score - a.score);
}

/** The quotable sentences of the retrieved passages, each once, with their own signals. */
function gatherCandidates(
  snapshot: IndexSnapshot,
  hits: readonly PassageHit[],
  question: string,
  questionWeights: Map<string, number>,
  queryVector: Float32Array,
): Candidate[] {
  const wanted = answerType(question);
  const byKey = new Map<string, Candidate>();
  hits.forEach((hit, rank) => {
    const article = snapshot.article(hit.chunk.articleId);
    if (!article) return;
    for (let i = hit.chunk.sentenceStart; i < hit.chunk.sentenceEnd; i++) {
      const key = `${article.id}:${i}`;
      const known = byKey.get(key);
      if (known) {
        known.passage = Math.max(known.passage, hit.dense);
        continue;
      }
      const sentence = article.sentences[i]!;
      const text = article.text.slice(sentence.start, sentence.end);
      if (text.split(/\s+/u).length < MIN_QUOTE_WORDS) continue;
      const vector = snapshot.sentenceVector(article.id, i);
      byKey.set(key, {
        article,
        sentence,
        text,
        vector,
        similarity: dot(queryVector, vector),
        coverage: coverage(questionWeights, new Set(termsOf(article, i, text))),
        passage: hit.dense,
        rank,
        typeMatch: answerTypeMatch(wanted, text, question),
        neighbour: neighbourSimilarity(snapshot, article, i, queryVector),
      });
    }
  });
  return [...byKey.values()];
}

const termCache = new WeakMap<StoredArticle, (string[] | undefined)[]>();

/** The index terms of sentence `index` of an article (its text given), computed once per article object. */
function termsOf(article: StoredArticle, index: number, text: string): string[] {
  let cached = termCache.get(article);
  if (!cached) {
    cached = new Array<string[] | undefined>(article.sentences.length);
    termCache.set(article, cached);
  }
  return (cached[index] ??= terms(text));
}

/** The higher cosine with the question of the sentence's neighbours in the same paragraph (0 if none). */
function neighbourSimilarity(snapshot: IndexSnapshot, article: StoredArticle, index: number, queryVector: Float32Array): number {
  let best = 0;
  for (const other of [index - 1, index + 1]) {
    if (other < 0 || other >= article.sentences.length || !sameBlock(article, index, other)) continue;
    best = Math.max(best, dot(queryVector, snapshot.sentenceVector(article.id, other)));
  }
  return best;
}

/** Whether sentences `a` and `b` of an article have no paragraph break between them. */
export function sameBlock(article: StoredArticle, a: number, b: number): boolean {
  const [first, second] = a < b ? [a, b] : [b, a];
  return !article.text.slice(article.sentences[first]!.end, article.sentences[second]!.start).includes('\n\n');
}

/** Each article's evidence: the mean cosine of its ARTICLE_TOP best candidates (missing ones count 0). */
function articleScores(candidates: readonly Candidate[]): Map<string, number> {
  const byArticle = new Map<string, number[]>();
  for (const c of candidates) {
    const list = byArticle.get(c.article.id) ?? [];
    list.push(c.similarity);
    byArticle.set(c.article.id, list);
  }
  const scores = new Map<string, number>();
  for (const [id, similarities] of byArticle) {
    const top = similarities.sort((a, b) => b - a).slice(0, ARTICLE_TOP);
    scores.set(id, top.reduce((sum, s) => sum + s, 0) / ARTICLE_TOP);
  }
  return scores;
}
