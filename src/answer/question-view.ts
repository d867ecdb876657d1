/**
 * What the reader and quote verification see of the index for one question: the articles of the
 * passages found, with their chunks and the sentence vectors the reader compares, gathered from the
 * store in one call (IndexStore.articleViews) once the passages are known; then read synchronously.
 */
import type { Chunk } from '../chunking/types.js';
import { IndexError } from '../core/errors.js';
import type { ArticleRequest, ArticleView, IndexStore, StoredArticle } from '../index/store.js';
import type { PassageHit } from '../retrieval/passage-search.js';

const NONE: ReadonlySet<string> = new Set();

export class QuestionView {
  private readonly byId: ReadonlyMap<string, ArticleView>;

  constructor(
    private readonly store: IndexStore,
    views: readonly ArticleView[],
  ) {
    this.byId = new Map(views.map((view) => [view.article.id, view]));
  }

  /**
   * The view of the passages' articles: each article once, with the vectors of its sentences in the
   * passages and of their neighbours (the reader compares a sentence's neighbours with the question too),
   * and which of the question's index terms `terms` each article holds (`heldTerms`).
   */
  static async gather(store: IndexStore, hits: readonly PassageHit[], terms: readonly string[]): Promise<QuestionView> {
    const wanted = new Map<string, Set<number>>();
    for (const { chunk } of hits) {
      let sentences = wanted.get(chunk.articleId);
      if (!sentences) wanted.set(chunk.articleId, (sentences = new Set()));
      for (let i = Math.max(0, chunk.sentenceStart - 1); i <= chunk.sentenceEnd; i++) sentences.add(i);
    }
    const requests: ArticleRequest[] = [...wanted].map(([id, sentences]) => ({ id, sentences: [...sentences], terms }));
    return new QuestionView(store, requests.length === 0 ? [] : await store.articleViews(requests));
  }

  /** Where the index is, for messages. */
  get location(): string {
    return this.store.location;
  }

  article(id: string): StoredArticle | undefined {
    return this.byId.get(id)?.article;
  }

  /** Which of the terms gathered for (see `gather`) an article of the view holds (none for another article). */
  heldTerms(articleId: string): ReadonlySet<string> {
    return this.byId.get(articleId)?.heldTerms ?? NONE;
  }

  /** The chunks of an article of the view, in order (none for another article). */
  chunksOf(articleId: string): readonly Chunk[] {
    return this.byId.get(articleId)?.chunks ?? [];
  }

  /** Whether a chunk's text is the text it was indexed from (see ArticleView.passageIntact); false for an article not in the view. */
  passageIntact(chunk: Chunk): boolean {
    return this.byId.get(chunk.articleId)?.passageIntact(chunk) ?? false;
  }

  /** The vector of sentence `index` of an article of the view (one of those gathered). */
  sentenceVector(articleId: string, index: number): Float32Array {
    const vector = this.byId.get(articleId)?.sentenceVectors.get(index);
    if (vector === undefined) throw new IndexError(`The index at ${this.location} gave no vector for sentence ${index} of article ${articleId}.`);
    return vector;
  }
}
