/**
 * A fixed random sample of questions and its split into a tuning half and a report half, both
 * from a seeded PRNG so every run (and every machine) draws the same questions.
 *
 * The sample is a prefix of one seeded permutation of all questions, and the split decides each
 * consecutive pair of that permutation with one seeded coin: a larger sample keeps every
 * question of a smaller one, in the same half.
 */

/** mulberry32: a small, fast 32-bit PRNG; returns a function giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The default seed of the SQuAD evaluation. */
export const DEFAULT_SEED = 7;

/** A seeded Fisher–Yates permutation of 0…n-1. */
export function permutation(n: number, seed: number): number[] {
  const random = mulberry32(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** `n` items drawn without replacement, in draw order (all of them when n ≥ their number). */
export function sample<T>(items: readonly T[], n: number, seed: number = DEFAULT_SEED): T[] {
  return permutation(items.length, seed)
    .slice(0, Math.max(0, Math.min(n, items.length)))
    .map((i) => items[i]!);
}

export interface Halves<T> {
  tune: T[];
  report: T[];
}

/** Splits a sample into two halves: of each consecutive pair, a seeded coin sends one to each half (an odd last item goes to tuning). */
export function splitHalves<T>(items: readonly T[], seed: number = DEFAULT_SEED): Halves<T> {
  const random = mulberry32(seed ^ 0x5eed5eed);
  const halves: Halves<T> = { tune: [], report: [] };
  for (let i = 0; i < items.length; i += 2) {
    const first = items[i]!;
    const second = items[i + 1];
    const flip = random() < 0.5;
    if (second === undefined) {
      halves.tune.push(first);
      break;
    }
    halves.tune.push(flip ? second : first);
    halves.report.push(flip ? first : second);
  }
  return halves;
}
