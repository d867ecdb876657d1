/**
 * Exact nearest neighbours (brute force over a flat matrix of normalised vectors) and recall@k of
 * an approximate result against them. Cosine similarity of normalised vectors is their dot product.
 */

/** Labels of the k rows of `matrix` most similar to `query` (dot product), best first. */
export function exactTopK(matrix: Float32Array, dimensions: number, query: ArrayLike<number>, k: number): number[] {
  const rows = matrix.length / dimensions;
  // A small sorted buffer of the best k (k is small: insertion beats a heap here).
  const bestScores: number[] = [];
  const bestLabels: number[] = [];
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const base = r * dimensions;
    for (let d = 0; d < dimensions; d++) s += matrix[base + d]! * query[d]!;
    if (bestScores.length === k && s <= bestScores[k - 1]!) continue;
    let i = bestScores.length < k ? bestScores.length : k - 1;
    while (i > 0 && bestScores[i - 1]! < s) i--;
    bestScores.splice(i, 0, s);
    bestLabels.splice(i, 0, r);
    if (bestScores.length > k) {
      bestScores.pop();
      bestLabels.pop();
    }
  }
  return bestLabels;
}

/** |approx ∩ exact| / |exact| — the share of the true k nearest the approximate search found. */
export function recallAtK(approx: readonly number[], exact: readonly number[]): number {
  if (exact.length === 0) return 1;
  const truth = new Set(exact);
  let hits = 0;
  for (const label of new Set(approx)) if (truth.has(label)) hits++;
  return hits / exact.length;
}

/** Mean recall@k over several queries. */
export function meanRecall(approx: readonly (readonly number[])[], exact: readonly (readonly number[])[]): number {
  if (approx.length !== exact.length) throw new RangeError(`${approx.length} results for ${exact.length} queries`);
  if (approx.length === 0) return Number.NaN;
  return approx.reduce((sum, a, i) => sum + recallAtK(a, exact[i]!), 0) / approx.length;
}

/** Rank (1-based) of the first item that matches, or 0 when none does; for MRR and recall@k of articles. */
export function firstRank<T>(items: readonly T[], matches: (item: T) => boolean): number {
  const i = items.findIndex(matches);
  return i < 0 ? 0 : i + 1;
}

/** Normalises a vector in place to unit length (a zero vector stays zero). */
export function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (let i = 0; i < v.length; i++) v[i]! *= s;
  return v;
}
