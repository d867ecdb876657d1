/**
 * Passage retrieval over an index snapshot: dense (HNSW), lexical (BM25), or both fused by
 * reciprocal rank fusion; then near-duplicate passages are dropped so one story told twice
 * does not crowd out the rest.
 */
import type { Chunk } from '../chunking/types.js';
import type { IndexSnapshot } from '../index/snapshot.js';
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

export function searchPassages(
  snapshot: IndexSnapshot,
  question: string,
  queryVector: Float32Array,
  options: PassageSearchOptions = DEFAULT_PASSAGE_SEARCH,
): PassageHit[] {
  const dense = options.mode === 'lexical' ? [] : snapshot.hnsw.searchLabels(queryVector, options.depth);
  const lexical = options.mode === 'dense' ? [] : snapshot.lexical.query(question, options.depth);
  const lexicalScore = new Map(lexical.map((hit) => [hit.label, hit.score]));
  const fused = reciprocalRankFusion<{ label: number }>(
    [{ items: dense }, { items: lexical, weight: options.lexicalWeight }],
    (hit) => hit.label,
  );
  const hits: PassageHit[] = [];
  const vectors: Float32Array[] = [];
  for (const [label, score] of fused) {
    const vector = snapshot.chunkVector(label as number);
    if (vectors.some((kept) => dot(kept, vector) >= options.duplicateSimilarity)) continue;
    vectors.push(vector);
    hits.push({
      label: label as number,
      chunk: snapshot.chunk(label as number),
      dense: dot(queryVector, vector),
      lexical: lexicalScore.get(label as number) ?? 0,
      score,
    });
    if (hits.length >= options.k) break;
  }
  return hits;
}
