import { describe, expect, it } from 'vitest';
import { exactTopK, firstRank, meanRecall, normalize, recallAtK } from '../../bench/lib/recall.js';
import { Rng } from '../../bench/lib/prng.js';

describe('recall against exact search', () => {
  it('finds the exact top k by dot product, best first', () => {
    // Four 2-d unit vectors at angles 0°, 30°, 60°, 90°; the query at 40°.
    const deg = (d: number) => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)];
    const matrix = Float32Array.from([0, 30, 60, 90].flatMap(deg));
    expect(exactTopK(matrix, 2, deg(40), 2)).toEqual([1, 2]);
    expect(exactTopK(matrix, 2, deg(40), 4)).toEqual([1, 2, 0, 3]);
    expect(exactTopK(matrix, 2, deg(40), 10)).toHaveLength(4);
  });

  it('agrees with a full sort on random vectors', () => {
    const rng = new Rng(1);
    const dims = 16;
    const rows = 300;
    const matrix = new Float32Array(rows * dims);
    for (let r = 0; r < rows; r++) normalize(matrix.subarray(r * dims, (r + 1) * dims).map(() => rng.gaussian())).forEach((v, d) => (matrix[r * dims + d] = v));
    const query = normalize(Float32Array.from({ length: dims }, () => rng.gaussian()));
    const scores = Array.from({ length: rows }, (_, r) => ({ r, s: matrix.subarray(r * dims, (r + 1) * dims).reduce((a, v, d) => a + v * query[d]!, 0) }));
    const expected = scores.sort((a, b) => b.s - a.s).slice(0, 10).map((x) => x.r);
    expect(exactTopK(matrix, dims, query, 10)).toEqual(expected);
  });

  it('computes recall@k as the share of the true neighbours found, ignoring order and duplicates', () => {
    expect(recallAtK([1, 2, 3], [3, 2, 1])).toBe(1);
    expect(recallAtK([1, 9, 8], [1, 2, 3, 4])).toBe(0.25);
    expect(recallAtK([1, 1, 1], [1, 2])).toBe(0.5);
    expect(recallAtK([], [])).toBe(1);
    expect(meanRecall([[1, 2], [5, 6]], [[1, 2], [1, 2]])).toBe(0.5);
    expect(() => meanRecall([[1]], [])).toThrow(RangeError);
  });

  it('ranks the first match (1-based, 0 for none)', () => {
    expect(firstRank(['a', 'b', 'c'], (x) => x === 'b')).toBe(2);
    expect(firstRank(['a'], (x) => x === 'z')).toBe(0);
  });
});
