/**
 * Baselines on the index's own sentences (the spans and stored vectors Verbatim quotes from):
 * BM25 over all sentences (MiniSearch, the index's term processing), exact dense cosine over
 * all sentence vectors, and their reciprocal rank fusion. Each answers with its top sentences.
 */
import MiniSearch from 'minisearch';
import type { IndexSnapshot } from '../index/snapshot.js';
import { toTerm } from '../index/terms.js';
import { reciprocalRankFusion } from '../retrieval/rrf.js';
import type { QueryEmbedder } from '../answer/engine.js';
import { COUNTED_QUOTES, type QuotedAnswer } from './squad-metrics.js';

export type BaselineName = 'bm25' | 'dense' | 'rrf';

export const BASELINES: readonly BaselineName[] = ['bm25', 'dense', 'rrf'];

/** A sentence a baseline returned. */
export interface BaselineHit {
  articleId: string;
  text: string;
}

interface SentenceRow {
  articleId: string;
  text: string;
}

/** How deep each list goes before fusion. */
const FUSION_DEPTH = 100;

/** The baselines over one snapshot's sentences (the BM25 index over them is built once, here). */
export class SentenceBaselines {
  private readonly rows: SentenceRow[] = [];
  private readonly bm25: MiniSearch<{ id: number; text: string }>;
  /** Every sentence vector, read once when the dense baseline first needs it. */
  private matrix: Float32Array | undefined;

  constructor(private readonly snapshot: IndexSnapshot) {
    for (const article of snapshot.allArticles()) {
      for (const sentence of article.sentences) {
        this.rows.push({ articleId: article.id, text: article.text.slice(sentence.start, sentence.end) });
      }
    }
    this.bm25 = new MiniSearch<{ id: number; text: string }>({ fields: ['text'], processTerm: (term) => toTerm(term) });
    this.bm25.addAll(this.rows.map((r, id) => ({ id, text: r.text })));
  }

  /** The top `k` sentences of one baseline for a question and its query vector. */
  answer(name: BaselineName, question: string, queryVector: Float32Array, k: number): BaselineHit[] {
    let ids: number[];
    switch (name) {
      case 'bm25':
        ids = this.lexicalRanking(question, k);
        break;
      case 'dense':
        ids = this.denseRanking(queryVector, k);
        break;
      case 'rrf': {
        const lists = [{ items: this.lexicalRanking(question, FUSION_DEPTH) }, { items: this.denseRanking(queryVector, FUSION_DEPTH) }];
        ids = [...reciprocalRankFusion<number>(lists, (id) => id).keys()] as number[];
        break;
      }
    }
    return ids.slice(0, k).map((id) => this.rows[id]!);
  }

  /** Row ids of the `depth` best BM25 sentences, best first. */
  private lexicalRanking(question: string, depth: number): number[] {
    return this.bm25.search(question, { combineWith: 'OR' }).slice(0, depth).map((r) => Number(r.id));
  }

  /** Row ids of the `depth` sentences most similar to the query, best first (exact). */
  private denseRanking(queryVector: Float32Array, depth: number): number[] {
    const dimensions = this.snapshot.dimensions;
    const matrix = (this.matrix ??= this.snapshot.allSentenceVectors());
    const best: { id: number; score: number }[] = [];
    for (let id = 0; id < this.rows.length; id++) {
      let score = 0;
      for (let d = 0, offset = id * dimensions; d < dimensions; d++) score += queryVector[d]! * matrix[offset + d]!;
      if (best.length === depth && score <= best[depth - 1]!.score) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.score < score) at--;
      best.splice(at, 0, { id, score });
      if (best.length > depth) best.pop();
    }
    return best.map((b) => b.id);
  }
}

/**
 * Asks every question of each baseline and scores its top COUNTED_QUOTES sentences with `score`;
 * a baseline's latency is the query embedding plus its ranking.
 */
export async function askEachBaseline<Q, O>(
  baselines: SentenceBaselines,
  embeddings: QueryEmbedder,
  questions: readonly Q[],
  text: (question: Q) => string,
  score: (answer: QuotedAnswer, question: Q) => O,
): Promise<Record<BaselineName, O[]>> {
  const outcomes: Record<BaselineName, O[]> = { bm25: [], dense: [], rrf: [] };
  for (const question of questions) {
    const started = performance.now();
    const vector = await embeddings.embedOne(text(question));
    const embedMs = performance.now() - started;
    for (const name of BASELINES) {
      const rankStarted = performance.now();
      const hits = baselines.answer(name, text(question), vector, COUNTED_QUOTES);
      const ms = embedMs + performance.now() - rankStarted;
      outcomes[name].push(score({ quotes: hits.map((h) => h.text), firstArticle: hits[0]?.articleId, ms }, question));
    }
  }
  return outcomes;
}
