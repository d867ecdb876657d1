import { describe, expect, it } from 'vitest';
import { mixtureVectors, SyntheticEmbeddings } from '../../bench/lib/synthetic.js';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';

describe('synthetic vectors', () => {
  const dims = 4;
  // Three "real" unit vectors.
  const pool = Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
  const real = { dimensions: dims, maxTokens: 256, modelId: 'm', quantized: true, countTokens: (t: string) => t.split(' ').length + 2 } as unknown as LocalEmbeddings;
  const map = new Map([
    ['The first sentence.', 0],
    ['The second one.', 1],
  ]);
  const cos = (a: Float32Array, b: ArrayLike<number>) => a.reduce((s, x, i) => s + x * b[i]!, 0);

  it('maps a sentence to a perturbed copy of its source vector, the same every time', async () => {
    const e = new SyntheticEmbeddings(real, pool, map);
    const [a, b] = await e.embedMany(['The first sentence.', 'The first sentence.']);
    expect(a).toEqual(b);
    expect(cos(a!, a!)).toBeCloseTo(1, 5);
    expect(cos(a!, [1, 0, 0, 0])).toBeGreaterThan(0.9);
  });

  it('gives a chunk the normalised mean of its sentences (a heading line is one more piece)', () => {
    const e = new SyntheticEmbeddings(real, pool, map, 0);
    const v = e.vector('The first sentence. The second one.');
    expect(v[0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(v[1]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(e.countTokens('a b c')).toBe(5);
  });

  it('mixes 2–4 vectors of one paragraph into normalised, reproducible chunk-like vectors', () => {
    const a = mixtureVectors(pool, dims, [[0, 1, 2]], 5, 7, 0);
    expect(mixtureVectors(pool, dims, [[0, 1, 2]], 5, 7, 0)).toEqual(a);
    for (let i = 0; i < 5; i++) {
      const v = a.subarray(i * dims, (i + 1) * dims);
      expect(cos(v, v)).toBeCloseTo(1, 5);
      expect(v[3]).toBe(0);
    }
  });
});
