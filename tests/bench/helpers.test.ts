import { describe, expect, it } from 'vitest';
import { recursiveSplit } from '../../bench/lib/char-splitter.js';
import { mixtureVectors, SyntheticEmbeddings } from '../../bench/lib/synthetic.js';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';

describe('the peer\'s recursive character splitter (LangChain semantics)', () => {
  const paragraph = (i: number) => `Paragraph ${i} ` + 'word '.repeat(60).trim() + '.';
  const text = Array.from({ length: 12 }, (_, i) => paragraph(i)).join('\n\n');

  it('keeps chunks within chunkSize and merges paragraphs up to it', () => {
    const chunks = recursiveSplit(text, 1000, 200);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(1000);
    // 12 paragraphs of ~310 characters: three fit in a chunk of 1000.
    expect(chunks[0]!.split('\n\n')).toHaveLength(3);
  });

  it('repeats at most chunkOverlap characters of the previous chunk and loses no paragraph', () => {
    const chunks = recursiveSplit(text, 1000, 400);
    for (let i = 0; i < 12; i++) expect(chunks.some((c) => c.includes(`Paragraph ${i} `))).toBe(true);
    // With overlap 400, one ~310-character paragraph is carried over into the next chunk.
    expect(chunks[1]!.startsWith(chunks[0]!.split('\n\n').at(-1)!)).toBe(true);
  });

  it('falls back to finer separators for a paragraph longer than chunkSize', () => {
    const long = 'alpha '.repeat(400).trim();
    const chunks = recursiveSplit(long, 1000, 200);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(1000);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(recursiveSplit('short text')).toEqual(['short text']);
  });
});

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
