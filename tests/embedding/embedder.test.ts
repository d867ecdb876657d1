import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it, vi } from 'vitest';
import { ModelError } from '../../src/core/errors.js';
import { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { CONFIG_FILES } from '../../src/embedding/model-files.js';
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

  it("creates its onnxruntime session on first use when asked to (an index build's process, whose embedding may go to workers)", async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    try {
      // threads: 1 is a model of its own in this process's cache, not yet loaded by another test.
      const lazy = await LocalEmbeddings.load({ ...MODEL_OPTIONS, threads: 1 }, 'on first use');
      expect(create).not.toHaveBeenCalled();
      expect(lazy.countTokens('The Kremlin confirmed the talks.')).toBe(10);
      expect(create).not.toHaveBeenCalled();
      const text = 'The Kremlin confirmed on Thursday that preparations for direct talks have progressed.';
      const [first, again] = await Promise.all([lazy.embedOne(text), lazy.embedOne(text)]);
      expect(create).toHaveBeenCalledTimes(1);
      expect(Array.from(again)).toEqual(Array.from(first));
      expect(cosine(first, await (await LocalEmbeddings.load(MODEL_OPTIONS)).embedOne(text))).toBeGreaterThan(0.9999);
    } finally {
      create.mockRestore();
    }
  });

  it('a damaged model file fails the load, or (session on first use) the first embedding, with the same error', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-damaged-model-'));
    try {
      const model = path.join(dir, MODEL_OPTIONS.modelId);
      await mkdir(path.join(model, 'onnx'), { recursive: true });
      for (const file of CONFIG_FILES) await copyFile(path.join(MODEL_DIR, MODEL_OPTIONS.modelId, file), path.join(model, file));
      await writeFile(path.join(model, 'onnx', 'model_quantized.onnx'), 'not an onnx graph');
      const options = { ...MODEL_OPTIONS, modelDir: dir };
      await expect(LocalEmbeddings.load(options)).rejects.toThrow(ModelError);
      await expect(LocalEmbeddings.load(options)).rejects.toThrow(/Could not load the embedding model Xenova\/all-MiniLM-L6-v2 from .*verbatim-damaged-model-/);
      const lazy = await LocalEmbeddings.load(options, 'on first use');
      expect(lazy.countTokens('still tokenizes')).toBeGreaterThan(2);
      await expect(lazy.embedOne('a question')).rejects.toThrow(ModelError);
      // Not kept: the next call tries again (and fails again, the file being what it is).
      await expect(lazy.embedOne('a question')).rejects.toThrow(/Could not load the embedding model/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the missing directory or file when MODEL_DIR is wrong', async () => {
    const missing = path.join(MODEL_DIR, 'no-such-dir');
    await expect(LocalEmbeddings.load({ ...MODEL_OPTIONS, modelDir: missing })).rejects.toThrow(ModelError);
    await expect(LocalEmbeddings.load({ ...MODEL_OPTIONS, modelDir: missing })).rejects.toThrow(/no-such-dir does not exist/);
    await expect(LocalEmbeddings.load({ ...MODEL_OPTIONS, modelId: 'Xenova/not-a-model' })).rejects.toThrow(/not-a-model.*missing/);
  });
});
