/**
 * Reciprocal rank fusion (Cormack et al., 2009): each list adds weight / (k + rank) for every
 * item it ranks, so items several retrievers agree on rise, whatever their raw score scales.
 */
export const RRF_K = 60;

export interface RankedList<T> {
  items: readonly T[];
  weight?: number;
}

/** Fused scores by item key, best first. */
export function reciprocalRankFusion<T>(lists: readonly RankedList<T>[], key: (item: T) => number | string, k = RRF_K): Map<number | string, number> {
  const scores = new Map<number | string, number>();
  for (const { items, weight = 1 } of lists) {
    items.forEach((item, rank) => {
      const id = key(item);
      scores.set(id, (scores.get(id) ?? 0) + weight / (k + rank + 1));
    });
  }
  return new Map([...scores].sort((a, b) => b[1] - a[1]));
}
