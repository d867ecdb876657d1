/**
 * Passage retrieval over an index store: dense (HNSW), lexical (BM25), or both fused by
 * reciprocal rank fusion; then near-duplicate passages are dropped so one story told twice
 * does not crowd out the rest.
 */
import type { Chunk } from '../chunking/types.js';
import { IndexError } from '../core/errors.js';
import type { IndexStore, SearchFilter, SearchRequest } from '../index/store.js';
import { reciprocalRankFusion } from './rrf.js';
import { dropNearDuplicates } from './near-duplicates.js';
import { dot } from './vector-math.js';

export type RetrievalMode = 'dense' | 'lexical' | 'hybrid';

export interface PassageHit {
  /** The chunk's label in the vector store. */
  label: number;
  chunk: Chunk;
  /** Cosine similarity of the question to the passage. */
  dense: number;
  /** BM25 score (0 when the lexical retriever did not return it). */
  lexical: number;
  /** Fused score used for the ranking (mode-dependent). */
  score: number;
  /**
   * Other articles whose near-duplicate passages were dropped in favour of this one (the same
   * story in another outlet): best first, each once, never the hit's own article. Absent when none.
   */
  alsoIn?: string[];
}

export interface PassageSearchOptions {
  mode: RetrievalMode;
  /** Passages to return. */
  k: number;
  /** Candidates each retriever contributes before fusion. */
  depth: number;
  /** Passages whose vectors are at least this similar to a better one are dropped. */
  duplicateSimilarity: number;
  /** Weight of the lexical list in the fusion (dense weighs 1). */
  lexicalWeight: number;
}

export const DEFAULT_PASSAGE_SEARCH: PassageSearchOptions = {
  mode: 'hybrid',
  k: 12,
  depth: 30,
  duplicateSimilarity: 0.97,
  lexicalWeight: 1,
};

/**
 * The passages of a question: one search of the store (both retrievers and their candidates'
 * chunks and vectors), fused and with near duplicates dropped. `filter` searches only some articles.
 */
export async function searchPassages(
  store: IndexStore,
  question: string,
  queryVector: Float32Array,
  options: PassageSearchOptions = DEFAULT_PASSAGE_SEARCH,
  filter?: SearchFilter,
): Promise<PassageHit[]> {
  const request: SearchRequest = { depth: options.depth };
  if (options.mode !== 'lexical') request.vector = queryVector;
  if (options.mode !== 'dense') request.text = question;
  if (filter !== undefined) request.filter = filter;
  const found = await store.search(request);
  const lexicalScore = new Map(found.lexical.map((hit) => [hit.label, hit.score]));
  const fused = reciprocalRankFusion<{ label: number }>(
    [{ items: found.dense }, { items: found.lexical, weight: options.lexicalWeight }],
    (hit) => hit.label,
  );
  // Passages are looked up as the ranking reaches them (a lazy list), so a search stops at `k` kept.
  const ranked = (function* () {
    for (const [key, score] of fused) {
      const label = key as number;
      const passage = found.passages.get(label);
      if (passage === undefined) throw new IndexError(`The index at ${store.location} found chunk ${label} but gave no passage for it.`);
      yield { label, score, chunk: passage.chunk, vector: passage.vector, articleId: passage.chunk.articleId };
    }
  })();
  return dropNearDuplicates(ranked, options.duplicateSimilarity, options.k).map(({ passage, alsoIn }): PassageHit => {
    const { label, chunk, vector, score } = passage;
    const hit: PassageHit = { label, chunk, dense: dot(queryVector, vector), lexical: lexicalScore.get(label) ?? 0, score };
    if (alsoIn.length > 0) hit.alsoIn = alsoIn;
    return hit;
  });
}
