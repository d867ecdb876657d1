/**
 * Near-duplicate passages dropped from a ranked list: a passage whose vector is at least as similar
 * as the threshold (dot product of unit vectors) to one already kept is dropped, and when it is from
 * another article, that article is remembered on the kept passage ("also in"): the same wire story
 * in several outlets is shown once, and people still learn where else it ran.
 */
import { dot } from './vector-math.js';

export interface RankedPassage {
  articleId: string;
  vector: Float32Array;
}

export interface KeptPassage<T extends RankedPassage> {
  passage: T;
  /** Other articles whose near-duplicate passages were dropped in favour of this one: best first, each once. */
  alsoIn: string[];
}

/**
 * Keeps passages in rank order until `k` are kept, dropping each that is a near duplicate of one
 * kept before it (the first such, the best). Its article, when it is not the kept passage's own,
 * is added to that passage's `alsoIn`.
 */
export function dropNearDuplicates<T extends RankedPassage>(ranked: Iterable<T>, threshold: number, k: number): KeptPassage<T>[] {
  const kept: KeptPassage<T>[] = [];
  if (k <= 0) return kept;
  for (const passage of ranked) {
    const original = kept.find((c) => dot(c.passage.vector, passage.vector) >= threshold);
    if (original !== undefined) {
      const { articleId } = passage;
      if (articleId !== original.passage.articleId && !original.alsoIn.includes(articleId)) original.alsoIn.push(articleId);
      continue;
    }
    kept.push({ passage, alsoIn: [] });
    if (kept.length >= k) break;
  }
  return kept;
}
