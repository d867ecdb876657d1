import { beforeAll, describe, expect, it } from 'vitest';
import { tagSentences } from '../../src/chunking/answer-kinds.js';
import { chunkArticle } from '../../src/chunking/chunk.js';
import { splitSentences } from '../../src/chunking/sentences.js';
import { DEFAULT_CHUNKING, embeddingInput, textOffsetInInput, type Chunk, type Sentence } from '../../src/chunking/types.js';
import { loadCorpus } from '../../src/corpus/load.js';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { meanPoolNormalized, poolRange } from '../../src/embedding/mean-pool.js';
import { SEED_CORPUS_DIR } from '../support/env.js';
import { loadEmbeddings } from '../support/seed-index.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

interface SeedChunk {
  input: string;
  /** The chunk's sentences' spans in `input`. */
  spans: [number, number][];
}

let embeddings: LocalEmbeddings;
let chunks: SeedChunk[];

function spansOf(chunk: Chunk, sentences: readonly Sentence[]): [number, number][] {
  const offset = textOffsetInInput(chunk) - chunk.start;
  return sentences
    .slice(chunk.sentenceStart, chunk.sentenceEnd)
    .map((s) => [Math.max(s.start, chunk.start) + offset, Math.min(s.end, chunk.end) + offset] as [number, number]);
}

beforeAll(async () => {
  embeddings = await loadEmbeddings();
  const corpus = await loadCorpus(SEED_CORPUS_DIR);
  chunks = corpus.articles.flatMap((article) => {
    const sentences = tagSentences(article.text, splitSentences(article));
    return chunkArticle(article, sentences, embeddings, DEFAULT_CHUNKING).map((chunk) => ({ input: embeddingInput(chunk), spans: spansOf(chunk, sentences) }));
  });
});

describe('poolRange', () => {
  it('is the normalised mean of the token vectors in the range', () => {
    // Two rows of 3 tokens of 2 dims, concatenated.
    const hidden = Float32Array.from([1, 0, 0, 1, 3, 3, 9, 9, 2, 0, 0, 2]);
    expect(Array.from(poolRange(hidden, 0, 2, 2))).toEqual([Math.SQRT1_2, Math.SQRT1_2].map((x) => expect.closeTo(x, 6)));
    expect(Array.from(poolRange(hidden, 4, 5, 2))).toEqual([1, 0]);
    // The whole of a row is what meanPoolNormalized gives it.
    const [row] = meanPoolNormalized(hidden.subarray(6), [3], 3, 2);
    expect(Array.from(poolRange(hidden, 3, 6, 2))).toEqual(Array.from(row!).map((x) => expect.closeTo(x, 6)));
  });
});

describe('late chunking on the seed corpus', () => {
  it('tokenizes a chunk piece by piece exactly as whole, and its sentences cover its tokens between the heading and [SEP]', () => {
    expect(chunks.length).toBeGreaterThan(20);
    for (const { input, spans } of chunks) {
      const whole = embeddings.encodeSpans({ text: input, spans: [] });
      const pieces = embeddings.encodeSpans({ text: input, spans });
      expect(pieces.ids).toEqual(whole.ids);
      expect(pieces.ids.length).toBe(embeddings.countTokens(input));
      // The sentences' token ranges follow each other without gap (only whitespace lies between
      // sentences) from after the heading to [SEP].
      const heading = spans[0]![0] === 0 ? 0 : embeddings.countTokens(input.slice(0, spans[0]![0])) - 2;
      expect(pieces.ranges[0]![0]).toBe(1 + heading);
      pieces.ranges.forEach(([from, to], k) => {
        expect(to).toBeGreaterThan(from);
        if (k > 0) expect(from).toBe(pieces.ranges[k - 1]![1]);
      });
      expect(pieces.ranges.at(-1)![1]).toBe(pieces.ids.length - 1);
    }
  });

  it("gives the chunk's own vector in the same pass, and sentence vectors near the separately embedded ones", async () => {
    const sample = chunks.slice(0, 8);
    const late = await embeddings.embedSpans(sample.map(({ input, spans }) => ({ text: input, spans })));
    const own = await embeddings.embedMany(sample.map((c) => c.input));
    let sentences = 0;
    let nearestIsOwn = 0;
    const cosines: number[] = [];
    for (const [i, chunk] of sample.entries()) {
      expect(dot(late[i]!.vector, own[i]!)).toBeGreaterThan(0.98);
      const separate = await embeddings.embedMany(chunk.spans.map(([a, b]) => chunk.input.slice(a, b)));
      late[i]!.spans.forEach((vector, k) => {
        expect(vector).toBeDefined();
        expect(dot(vector!, vector!)).toBeCloseTo(1, 5);
        const similarities = separate.map((s) => dot(vector!, s));
        cosines.push(similarities[k]!);
        sentences++;
        if (similarities.every((s, j) => j === k || s < similarities[k]!)) nearestIsOwn++;
      });
    }
    cosines.sort((a, b) => a - b);
    // Context shifts a late vector (median cosine ~0.7 with the sentence embedded alone), but it stays its own
    // sentence's far more often than chance (one in a chunk's several sentences): 0.72 of them on an AVX2-only
    // machine, over 0.8 on the one this test was written on (onnxruntime's int8 kernels differ by CPU).
    expect(cosines[Math.floor(cosines.length / 2)]).toBeGreaterThan(0.6);
    expect(nearestIsOwn / sentences).toBeGreaterThan(0.6);
  });

  it('leaves a span cut off by truncation without tokens, and clips one that is cut', () => {
    const text = `${'word '.repeat(300)}tail.`;
    // 200, 80 and 21 words of one word piece each; the window holds 254 between [CLS] and [SEP].
    const { ids, ranges } = embeddings.encodeSpans({ text, spans: [[0, 1000], [1000, 1400], [1400, text.length]] });
    expect(ids).toHaveLength(embeddings.maxTokens);
    expect(ranges).toEqual([
      [1, 201],
      [201, embeddings.maxTokens - 1],
      [embeddings.maxTokens - 1, embeddings.maxTokens - 1],
    ]);
  });
});
