import { describe, expect, it } from 'vitest';
import { groupSums, interleave, interleaveUnits, mean, median, percentile, ratios, summarize } from '../../bench/lib/stats.js';

describe('bench stats', () => {
  it('interpolates percentiles between closest ranks (numpy default)', () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 0)).toBe(15);
    expect(percentile(values, 100)).toBe(50);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 40)).toBeCloseTo(29, 10);
    expect(percentile(values, 95)).toBeCloseTo(48, 10);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
  });

  it('does not depend on input order and does not mutate it', () => {
    const values = [5, 1, 4, 2, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 4, 2, 3]);
  });

  it('handles one value, no values and bad percentiles', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(mean([])).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('summarizes with p50/p95/p99', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const s = summarize(values);
    expect(s).toMatchObject({ n: 100, min: 1, max: 100, p50: 50.5, mean: 50.5 });
    expect(s.p95).toBeCloseTo(95.05, 2);
    expect(s.p99).toBeCloseTo(99.01, 2);
  });

  it('interleaves variants in a rotating order, one measurement per round', async () => {
    const order: string[] = [];
    const out = await interleave(3, ['a', 'b', 'c'] as const, async (v, r) => {
      order.push(v);
      return r;
    });
    expect(order).toEqual(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
    expect(out).toEqual({ a: [0, 1, 2], b: [0, 1, 2], c: [0, 1, 2] });
  });

  it('interleaves units: every variant runs each unit, order rotating with unit and round', async () => {
    const calls: string[] = [];
    const out = await interleaveUnits(2, 2, ['x', 'y'] as const, async (v, u) => {
      calls.push(`${v}${u}`);
    });
    expect(calls).toEqual(['x0', 'y0', 'y1', 'x1', 'y0', 'x0', 'x1', 'y1']);
    expect(out.x).toHaveLength(4);
    expect(out.y).toHaveLength(4);
  });

  it('sums groups and pairs ratios', () => {
    expect(groupSums([1, 2, 3, 4, 5], 2)).toEqual([3, 7, 5]);
    expect(ratios([2, 9], [4, 3])).toEqual([0.5, 3]);
    expect(() => ratios([1], [1, 2])).toThrow(RangeError);
  });
});
