/**
 * The candidate sentences of a question: every quotable sentence of the retrieved passages, once,
 * with what the reader judges it on — its vector's similarity to the question, the best passage
 * holding it and that passage's rank, and its neighbours' similarity. (Sentences shorter than
 * MIN_QUOTE_WORDS words — captions, labels, datelines — are never quoted.)
 */
import type { Sentence } from '../chunking/types.js';
import { wordCount } from '../corpus/text-shape.js';
import type { StoredArticle } from '../index/store.js';
import type { PassageHit } from '../retrieval/passage-search.js';
import { dot } from '../retrieval/vector-math.js';
import type { QuestionView } from './question-view.js';

/** Sentences shorter than this many words are never quoted. */
export const MIN_QUOTE_WORDS = 4;

export interface Candidate {
  article: StoredArticle;
  sentence: Sentence;
  text: string;
  vector: Float32Array;
  /** Cosine of question and sentence. */
  similarity: number;
  /** Cosine of question and the best retrieved passage holding the sentence. */
  passage: number;
  /** Rank (0-based) of the best retrieved passage holding the sentence. */
  rank: number;
  /** The higher cosine with the question of the sentence's neighbours in its paragraph (0 if none). */
  neighbour: number;
  /** Which of the question's index terms its article holds anywhere (title, headings, text). */
  articleTerms: ReadonlySet<string>;
}

export function gatherCandidates(view: QuestionView, hits: readonly PassageHit[], queryVector: Float32Array): Candidate[] {
  const byKey = new Map<string, Candidate>();
  hits.forEach((hit, rank) => {
    const article = view.article(hit.chunk.articleId);
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
      if (wordCount(text, MIN_QUOTE_WORDS) < MIN_QUOTE_WORDS) continue;
      const vector = view.sentenceVector(article.id, i);
      byKey.set(key, {
        article,
        sentence,
        text,
        vector,
        similarity: dot(queryVector, vector),
        passage: hit.dense,
        rank,
        neighbour: neighbourSimilarity(view, article, i, queryVector),
        articleTerms: view.heldTerms(article.id),
      });
    }
  });
  return [...byKey.values()];
}

/** The higher cosine with the question of the sentence's neighbours in the same paragraph (0 if none). */
function neighbourSimilarity(view: QuestionView, article: StoredArticle, index: number, queryVector: Float32Array): number {
  let best = 0;
  for (const other of [index - 1, index + 1]) {
    if (other < 0 || other >= article.sentences.length || !sameBlock(article, index, other)) continue;
    best = Math.max(best, dot(queryVector, view.sentenceVector(article.id, other)));
  }
  return best;
}

/** Whether sentences `a` and `b` of an article have no paragraph break between them. */
export function sameBlock(article: StoredArticle, a: number, b: number): boolean {
  const [first, second] = a < b ? [a, b] : [b, a];
  return !article.text.slice(article.sentences[first]!.end, article.sentences[second]!.start).includes('\n\n');
}
