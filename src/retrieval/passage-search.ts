/**
 * Passage retrieval over an index store: dense (HNSW), lexical (BM25), or both fused by
 * reciprocal rank fusion; then near-duplicate passages are dropped so one story told twice
 * does not crowd out the rest.
 */
import type { Chunk } from '../chunking/types.js';
import { IndexError } from '../core/errors.js';
import type { IndexStore, SearchFilter, SearchRequest } from '../index/store.js';
import { reciprocalRankFusion } from './rrf.js';
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
  const hits: PassageHit[] = [];
  const vectors: Float32Array[] = [];
  for (const [key, score] of fused) {
    const label = key as number;
    const passage = found.passages.get(label);
    if (passage === undefined) throw new IndexError(`The index at ${store.location} found chunk ${label} but gave no passage for it.`);
    const { vector, chunk } = passage;
    if (vectors.some((kept) => dot(kept, vector) >= options.duplicateSimilarity)) continue;
    vectors.push(vector);
    hits.push({ label, chunk, dense: dot(queryVector, vector), lexical: lexicalScore.get(label) ?? 0, score });
    if (hits.length >= options.k) break;
  }
  return hits;
}
