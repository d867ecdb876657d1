/** How a question's postings budget is shared among its terms (lexical-query.ts postingLimits): no database needed. */
import { describe, expect, it } from 'vitest';
import { postingLimits } from '../../src/index/postgres/lexical-query.js';

describe('postingLimits', () => {
  it('reads rare terms whole and gives what they leave to the common ones, in the terms’ order', () => {
    // 40,000 among four terms: 300 and 5,000 are read whole (up to the per-term cap: the table may hold a few more
    // postings than the generation's df, of content only the previous generation holds); the 34,700 left split
    // between the two common ones.
    expect(postingLimits([60_000, 300, 90_000, 5_000], 20_000, 40_000)).toEqual([17_350, 20_000, 17_350, 20_000]);
  });

  it('never gives a term more than the per-term cap, nor a common term more than its share', () => {
    expect(postingLimits([50_000], 20_000, 40_000)).toEqual([20_000]);
    // 9,000 is more than a fifth of 30,000: every term gets 6,000.
    expect(postingLimits([9_000, 80_000, 70_000, 60_000, 50_000], 20_000, 30_000)).toEqual([6_000, 6_000, 6_000, 6_000, 6_000]);
  });

  it('is exact (every posting) when the terms’ postings fit the budget', () => {
    expect(postingLimits([12, 7, 3_000], 20_000, 40_000)).toEqual([20_000, 20_000, 20_000]);
  });

  it('reads at least one posting of every term, even past a tiny budget', () => {
    expect(postingLimits([10, 10, 10], 20_000, 2)).toEqual([1, 1, 1]);
  });
});
