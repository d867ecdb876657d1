/**
 * Timing and summary statistics for the benchmarks: percentiles (linear interpolation between
 * closest ranks, as numpy's default), medians, and a timer. Pure functions, unit-tested.
 */

/** The q-th percentile (0 ≤ q ≤ 100) of the values, interpolating linearly between closest ranks. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile must be within 0..100, not ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** n, min, p50, p95, p99, max and mean, rounded to `digits` decimals. */
export function summarize(values: readonly number[], digits = 2): Summary {
  const r = (v: number) => round(v, digits);
  return {
    n: values.length,
    min: r(values.length ? Math.min(...values) : Number.NaN),
    p50: r(percentile(values, 50)),
    p95: r(percentile(values, 95)),
    p99: r(percentile(values, 99)),
    max: r(values.length ? Math.max(...values) : Number.NaN),
    mean: r(mean(values)),
  };
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Milliseconds an async function takes, with its result. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/**
 * Runs every variant once per round, in a rotating order (so no variant always runs first or
 * right after the same neighbour), and collects each variant's measurements per round. Ratios
 * between variants are then taken within a round, where the machine's load was about the same.
 */
export async function interleave<K extends string>(
  rounds: number,
  variants: readonly K[],
  run: (variant: K, round: number) => Promise<number>,
): Promise<Record<K, number[]>> {
  const out = Object.fromEntries(variants.map((v) => [v, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length]!;
      out[variant].push(await run(variant, round));
    }
  }
  return out;
}

/**
 * Finer-grained interleaving for a shared, noisy machine: the work is cut into units (e.g. one
 * batch), and every variant runs each unit right after the others (in an order rotating with the
 * unit and the round), so the variants of one unit see the same load. Returns, per variant, the
 * milliseconds of every (round, unit) in the same order for all variants — pair them for ratios.
 */
export async function interleaveUnits<K extends string>(
  rounds: number,
  units: number,
  variants: readonly K[],
  run: (variant: K, unit: number) => Promise<void>,
): Promise<Record<K, number[]>> {
  const out = Object.fromEntries(variants.map((v) => [v, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (let unit = 0; unit < units; unit++) {
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(i + unit + round) % variants.length]!;
        const started = performance.now();
        await run(variant, unit);
        out[variant].push(performance.now() - started);
      }
    }
  }
  return out;
}

/** Sums consecutive groups of `size` values (e.g. the units of each round). */
export function groupSums(values: readonly number[], size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size).reduce((a, b) => a + b, 0));
  return out;
}

/** Per-round ratios a[i] / b[i]. */
export function ratios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`ratios of ${a.length} and ${b.length} values`);
  return a.map((v, i) => v / b[i]!);
}
