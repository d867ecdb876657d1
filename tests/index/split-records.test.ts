/**
 * The first pass's sentences and chunks kept as typed rows between a build's passes
 * (src/index/split-records.ts): unpacked, they are the records that were packed, headings, cut
 * sentences and answer kinds included. Real seed text and the real tokenizer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tagSentences } from '../../src/chunking/answer-kinds.js';
import { chunkArticle } from '../../src/chunking/chunk.js';
import { splitSentences } from '../../src/chunking/sentences.js';
import type { ChunkingOptions, TokenCounter } from '../../src/chunking/types.js';
import type { Article } from '../../src/corpus/types.js';
import { SplitRecords } from '../../src/index/split-records.js';
import { articleOf, loadRealCounter, seed, seedArticles } from '../chunking/helpers.js';

function split(article: Article, counter: TokenCounter, options: ChunkingOptions = { maxTokens: 256, overlapSentences: 1 }) {
  const sentences = splitSentences(article);
  return { sentences, chunks: chunkArticle(article, sentences, counter, options) };
}

describe('SplitRecords', () => {
  let counter: TokenCounter;
  const articles = seedArticles();

  beforeAll(async () => {
    counter = await loadRealCounter();
  });

  it('gives back every seed article’s sentences and chunks as they were split', () => {
    for (const article of articles.values()) {
      const { sentences, chunks } = split(article, counter);
      expect(chunks.length).toBeGreaterThan(1);
      const records = SplitRecords.pack(sentences, chunks);
      expect(records.sentenceCount).toBe(sentences.length);
      expect(records.unpack(article)).toEqual({ sentences, chunks });
    }
  });

  it('keeps headings, cut sentences and overlaps (small chunks under two headings)', () => {
    const text = seed(articles, '003').text;
    const paragraphs = text.split('\n').filter((line) => line.trim() !== '');
    const article = articleOf('headed', [
      ['heading', 'What the talks were about'],
      ['paragraph', paragraphs[0]!],
      ['paragraph', paragraphs[1]!],
      ['heading', 'And after'],
      ['paragraph', paragraphs[2]!],
    ]);
    const { sentences, chunks } = split(article, counter, { maxTokens: 24, overlapSentences: 1 });
    expect(new Set(chunks.map((c) => c.heading))).toEqual(new Set(['What the talks were about', 'And after']));
    // A sentence longer than 24 word pieces is cut into chunks that each refer to it alone.
    expect(chunks.some((c) => c.sentenceEnd - c.sentenceStart === 1 && c.end < sentences[c.sentenceStart]!.end)).toBe(true);
    expect(SplitRecords.pack(sentences, chunks).unpack(article)).toEqual({ sentences, chunks });
  });

  it('tags a sentence’s answer kinds as tagSentences does, one sentence at a time', () => {
    const article = seed(articles, '001');
    const { sentences, chunks } = split(article, counter);
    const records = SplitRecords.pack(sentences, chunks);
    expect(records.unpack(article).sentences.every((s) => s.kinds === undefined)).toBe(true);
    for (let i = 0; i < records.sentenceCount; i++) records.tag(i, article.text);
    const tagged = tagSentences(article.text, structuredClone(sentences));
    expect(tagged.some((s) => s.kinds! > 0)).toBe(true);
    expect(records.unpack(article).sentences).toEqual(tagged);
  });

  it('refuses records out of order, which it could not give back', () => {
    const article = seed(articles, '002');
    const { sentences, chunks } = split(article, counter);
    expect(() => SplitRecords.pack(sentences.slice(1), chunks)).toThrow(/Sentence 0 has index 1/);
    expect(() => SplitRecords.pack(sentences, chunks.slice(1))).toThrow(/Chunk 0 has ordinal 1/);
  });
});
