import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/core/errors.js';
import { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { MODEL_DIR } from '../support/env.js';
import { MODEL_OPTIONS } from '../support/seed-index.js';

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

describe('LocalEmbeddings', () => {
  it('reproduces the reference sentence-transformers vector (fp32)', async () => {
    const fp32 = await LocalEmbeddings.load({ ...MODEL_OPTIONS, quantized: false });
    const vector = await fp32.embedQuery('This is an example sentence');
    expect(vector).toHaveLength(384);
    const reference = [0.06766, 0.06356, 0.04873, 0.07941, 0.03745];
    reference.forEach((value, i) => expect(vector[i]).toBeCloseTo(value, 3));
  });

  it('int8 vectors agree with fp32 and are normalised', async () => {
    const int8 = await LocalEmbeddings.load(MODEL_OPTIONS);
    const fp32 = await LocalEmbeddings.load({ ...MODEL_OPTIONS, quantized: false });
    const text = 'The Kremlin confirmed on Thursday that preparations for direct talks have progressed significantly.';
    const [a, b] = [await int8.embedOne(text), await fp32.embedOne(text)];
    expect(cosine(a, a)).toBeCloseTo(1, 5);
    expect(cosine(a, b)).toBeGreaterThan(0.98);
  });

  it('gives the same vectors batched (padded, sorted by length) as one at a time', async () => {
    // fp32: padding is masked out exactly. (int8's dynamic quantisation scales per batch, so it only agrees to ~0.98.)
    const embeddings = await LocalEmbeddings.load({ ...MODEL_OPTIONS, quantized: false });
    const texts = ['short', 'A somewhat longer sentence about Putin and Trump.', 'Mid-length text here.', 'x '.repeat(300)];
    const batched = await embeddings.embedMany(texts);
    for (const [i, text] of texts.entries()) expect(cosine(batched[i]!, await embeddings.embedOne(text))).toBeGreaterThan(0.9999);
  });

  it('works as a LangChain Embeddings and truncates input beyond the model limit', async () => {
    const embeddings = await LocalEmbeddings.load(MODEL_OPTIONS);
    expect(embeddings.maxTokens).toBe(256);
    const long = 'word '.repeat(2000);
    expect(embeddings.countTokens(long)).toBeGreaterThan(256);
    const docs = await embeddings.embedDocuments(['one', long]);
    expect(docs).toHaveLength(2);
    expect(docs[1]).toHaveLength(384);
    expect(Number.isFinite(docs[1]![0])).toBe(true);
  });

  it('loads the model once per process', async () => {
    const [a, b] = await Promise.all([LocalEmbeddings.load(MODEL_OPTIONS), LocalEmbeddings.load(MODEL_OPTIONS)]);
    expect((a as unknown as { loaded: unknown }).loaded).toBe((b as unknown as { loaded: unknown }).loaded);
  });

  it('names the missing directory or file when MODEL_DIR is wrong', async () => {
    const missing = path.join(MODEL_DIR, 'no-such-dir');
    await expect(LocalEmbeddings.load({ ...MODEL_OPTIONS, modelDir: missing })).rejects.toThrow(ModelError);
    await expect(LocalEmbeddings.load({ ...MODEL_OPTIONS, modelDir: missing })).rejects.toThrow(/no-such-dir does not exist/);
    await expect(LocalEmbeddings.load({ ...MODEL_OPTIONS, modelId: 'Xenova/not-a-model' })).rejects.toThrow(/not-a-model.*missing/);
  });
});
