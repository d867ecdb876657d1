/**
 * How a cost grows with its input, measured so that a busy machine does not decide the result:
 * the small and the large case are timed alternately (a load that comes and goes weighs on both),
 * the fastest run of each is kept (the least disturbed), and the small case's time has a floor, so
 * timer noise on a fast case cannot make the ratio. Compare the ratio with the input's growth: a
 * linear cost of 4× the input comes out near 4, a quadratic one near 16.
 */
export function growthRatio(small: () => void, large: () => void, options: { runs?: number; floorMs?: number } = {}): number {
  const { runs = 7, floorMs = 5 } = options;
  small(); // warm up (compilation, caches)
  let smallMs = Infinity;
  let largeMs = Infinity;
  for (let i = 0; i < runs; i++) {
    smallMs = Math.min(smallMs, timeMs(small));
    largeMs = Math.min(largeMs, timeMs(large));
  }
  return largeMs / Math.max(smallMs, floorMs);
}

function timeMs(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}
