import { beforeAll, describe, expect, it } from 'vitest';
import { chunkArticle } from '../../src/chunking/chunk.js';
import { splitSentences } from '../../src/chunking/sentences.js';
import { DEFAULT_CHUNKING, embeddingInput } from '../../src/chunking/types.js';
import type { Chunk, ChunkingOptions, Sentence, TokenCounter } from '../../src/chunking/types.js';
import type { Article } from '../../src/corpus/types.js';
import { articleOf, loadRealCounter, seed, seedArticles } from './helpers.js';

/** Two specials plus one token per whitespace-separated word. */
const wordCounter: TokenCounter = { countTokens: (text) => 2 + text.split(/\s+/).filter((word) => word !== '').length };

/**
 * Two specials plus one token per non-whitespace code point. A lone surrogate costs nothing,
 * so only the chunker itself keeps surrogate pairs whole.
 */
const charCounter: TokenCounter = {
  countTokens: (text) => 2 + [...text].filter((char) => /\S/u.test(char) && !/^[\uD800-\uDFFF]$/.test(char)).length,
};

function chunk(
  article: Article,
  counter: TokenCounter,
  options?: ChunkingOptions,
): { sentences: Sentence[]; chunks: Chunk[] } {
  const sentences = splitSentences(article);
  return { sentences, chunks: chunkArticle(article, sentences, counter, options) };
}

function ranges(chunks: readonly Chunk[]): Array<[number, number]> {
  return chunks.map((c) => [c.sentenceStart, c.sentenceEnd]);
}

/** Whether the chunk is a piece of one sentence too long to fit alone. */
function isPiece(c: Chunk, sentences: readonly Sentence[]): boolean {
  const sentence = sentences[c.sentenceStart];
  return c.sentenceEnd - c.sentenceStart === 1 && (c.start !== sentence?.start || c.end !== sentence.end);
}

/** Checks everything a chunk list promises, against `counter` as the real tokenizer. */
function expectValidChunks(
  article: Article,
  sentences: readonly Sentence[],
  chunks: readonly Chunk[],
  counter: TokenCounter,
  maxTokens: number,
): void {
  expect(chunks.length).toBeGreaterThan(0);
  expect(chunks[0]?.sentenceStart).toBe(0);
  expect(chunks.at(-1)?.sentenceEnd).toBe(sentences.length);
  chunks.forEach((c, ordinal) => {
    expect(c.ordinal).toBe(ordinal);
    expect(c.id).toBe(`${article.id}#${ordinal}`);
    expect(c.articleId).toBe(article.id);
    expect(c.text).toBe(article.text.slice(c.start, c.end));
    expect(c.tokenCount).toBe(counter.countTokens(embeddingInput(c)));
    expect(c.tokenCount).toBeLessThanOrEqual(maxTokens);
    expect(c.sentenceEnd).toBeGreaterThan(c.sentenceStart);
    const first = sentences[c.sentenceStart];
    const last = sentences[c.sentenceEnd - 1];
    if (!first || !last) throw new Error(`chunk ${ordinal} refers to missing sentences`);
    if (isPiece(c, sentences)) {
      expect(c.start).toBeGreaterThanOrEqual(first.start);
      expect(c.end).toBeLessThanOrEqual(first.end);
    } else {
      expect(c.start).toBe(first.start);
      expect(c.end).toBe(last.end);
    }
    for (let k = c.sentenceStart; k < c.sentenceEnd; k++) expect(sentences[k]?.heading).toBe(first.heading);
    const previous = chunks[ordinal - 1];
    if (!previous) return;
    expect(c.sentenceStart).toBeGreaterThanOrEqual(previous.sentenceStart);
    expect(c.sentenceStart).toBeLessThanOrEqual(previous.sentenceEnd);
    if (c.sentenceEnd === previous.sentenceEnd) {
      expect(isPiece(c, sentences) && isPiece(previous, sentences)).toBe(true);
      expect(c.start).toBeGreaterThan(previous.end);
    } else {
      expect(c.sentenceEnd).toBeGreaterThan(previous.sentenceEnd);
    }
  });
}

describe('chunkArticle with the real tokenizer', () => {
  const articles = seedArticles();
  let counter: TokenCounter;

  beforeAll(async () => {
    counter = await loadRealCounter();
  });

  for (const article of articles.values()) {
    it(`${article.id}: chunks fit ${DEFAULT_CHUNKING.maxTokens} tokens, cover every sentence and overlap by one`, () => {
      const { sentences, chunks } = chunk(article, counter);
      expectValidChunks(article, sentences, chunks, counter, DEFAULT_CHUNKING.maxTokens);
      for (let k = 1; k < chunks.length; k++) {
        expect(chunks[k]?.sentenceStart).toBe((chunks[k - 1]?.sentenceEnd ?? 0) - 1);
      }
    });

    it(`${article.id}: chunks fit 40 tokens, with overlong sentences cut at word boundaries`, () => {
      const { sentences, chunks } = chunk(article, counter, { maxTokens: 40, overlapSentences: 1 });
      expectValidChunks(article, sentences, chunks, counter, 40);
    });
  }

  it('packs 004 into two chunks that share one sentence', () => {
    const { chunks } = chunk(seed(articles, '004'), counter);
    expect(ranges(chunks)).toEqual([
      [0, 10],
      [9, 16],
    ]);
    expect(chunks[1]?.text.startsWith('Since taking office in January, Trump—who')).toBe(true);
  });

  it('cuts an overlong sentence of 003 at 40 tokens into word-boundary pieces of its own', () => {
    const article = seed(articles, '003');
    const { sentences, chunks } = chunk(article, counter, { maxTokens: 40, overlapSentences: 1 });
    const opening = 'Observers note that such a meeting, if it occurs';
    const index = sentences.findIndex((s) => article.text.startsWith(opening, s.start));
    const sentence = sentences[index];
    if (!sentence) throw new Error('003 lacks the "Observers note" sentence');
    const pieces = chunks.filter((c) => c.sentenceStart === index && c.sentenceEnd === index + 1);
    expect(pieces).toHaveLength(2);
    expect(pieces.map((c) => c.text).join(' ')).toBe(article.text.slice(sentence.start, sentence.end));
    expect(article.text.charAt(pieces[0]?.end ?? 0)).toBe(' ');
    const lastPiece = chunks.findLastIndex((c) => c.sentenceStart === index && c.sentenceEnd === index + 1);
    expect(chunks[lastPiece + 1]?.sentenceStart).toBe(index + 1);
  });

  it('repeats no sentence without overlap and two with overlapSentences 2', () => {
    const article = seed(articles, '001');
    const none = chunk(article, counter, { maxTokens: 256, overlapSentences: 0 }).chunks;
    const two = chunk(article, counter, { maxTokens: 256, overlapSentences: 2 }).chunks;
    for (let k = 1; k < none.length; k++) expect(none[k]?.sentenceStart).toBe(none[k - 1]?.sentenceEnd);
    for (let k = 1; k < two.length; k++) expect(two[k]?.sentenceStart).toBe((two[k - 1]?.sentenceEnd ?? 0) - 2);
  });

  it('carries headings, starts a chunk at each heading change and never overlaps across it', () => {
    const article = articleOf('h', [
      ['heading', 'Kremlin’s Perspective'],
      ['paragraph', 'The Kremlin has expressed a sense of cautious optimism following the meeting. Officials highlighted open channels.'],
      ['heading', 'Potential Implications'],
      ['item', '• Improved Relations: The meeting could pave the way for improved bilateral relations.'],
      ['item', '• Global Stability: Enhanced cooperation between the U.S. and Russia may contribute to stability.'],
    ]);
    const { sentences, chunks } = chunk(article, counter);
    expectValidChunks(article, sentences, chunks, counter, 256);
    expect(ranges(chunks)).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(chunks.map((c) => c.heading)).toEqual(['Kremlin’s Perspective', 'Potential Implications']);
    expect(embeddingInput(chunks[1] ?? { text: '' })).toBe(
      'Potential Implications\nImproved Relations: The meeting could pave the way for improved bilateral relations.\n\n• Global Stability: Enhanced cooperation between the U.S. and Russia may contribute to stability.',
    );
  });

  it('is deterministic', () => {
    const article = seed(articles, '002');
    const options = { maxTokens: 40, overlapSentences: 1 };
    expect(chunk(article, counter, options).chunks).toEqual(chunk(article, counter, options).chunks);
  });

  it('counts each sentence once and each chunk once', () => {
    const article = seed(articles, '001');
    let calls = 0;
    const counting: TokenCounter = {
      countTokens: (text) => {
        calls++;
        return counter.countTokens(text);
      },
    };
    const { sentences, chunks } = chunk(article, counting);
    expect(calls).toBeLessThanOrEqual(sentences.length + chunks.length + 1);
  });
});

describe('chunkArticle packing rules', () => {
  it('repeats the previous sentence only when it fits with the next one', () => {
    const long = articleOf('o', [['paragraph', 'Aa b c. Dd e f g h i. Jj k l m n o p.']]);
    expect(ranges(chunk(long, wordCounter, { maxTokens: 12, overlapSentences: 1 }).chunks)).toEqual([
      [0, 2],
      [2, 3],
    ]);
    const short = articleOf('o', [['paragraph', 'Aa b c. Dd e f g h i. Jj k.']]);
    expect(ranges(chunk(short, wordCounter, { maxTokens: 12, overlapSentences: 1 }).chunks)).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });

  it('cuts a word that alone does not fit, between code points', () => {
    const article = articleOf('w', [['paragraph', 'abcdefghijklmnopqrstuvwxyz']]);
    expect(chunk(article, charCounter, { maxTokens: 10, overlapSentences: 1 }).chunks.map((c) => c.text)).toEqual([
      'abcdefgh',
      'ijklmnop',
      'qrstuvwx',
      'yz',
    ]);
    const emoji = articleOf('e', [['paragraph', `x${'😀'.repeat(12)}`]]);
    expect(chunk(emoji, charCounter, { maxTokens: 10, overlapSentences: 1 }).chunks.map((c) => c.text)).toEqual([
      `x${'😀'.repeat(7)}`,
      '😀'.repeat(5),
    ]);
  });

  it('cuts an overlong sentence at spaces and keeps every piece within the limit', () => {
    const article = articleOf('s', [['paragraph', 'one two three four five six seven eight nine ten eleven. Short one.']]);
    const { sentences, chunks } = chunk(article, wordCounter, { maxTokens: 8, overlapSentences: 1 });
    expect(chunks.map((c) => c.text)).toEqual(['one two three four five six', 'seven eight nine ten eleven.', 'Short one.']);
    expect(ranges(chunks)).toEqual([
      [0, 1],
      [0, 1],
      [1, 2],
    ]);
    expectValidChunks(article, sentences, chunks, wordCounter, 8);
  });

  it('still fits when the counter is not additive, by dropping sentences after a real count', () => {
    const superadditive: TokenCounter = {
      countTokens: (text) => {
        const words = text.split(/\s+/).filter((word) => word !== '').length;
        return 2 + words + Math.floor(words / 4);
      },
    };
    const article = articleOf('n', [['paragraph', 'A b. C d. E f. G h. I j. K l. M n. O p.']]);
    const { sentences, chunks } = chunk(article, superadditive, { maxTokens: 10, overlapSentences: 1 });
    expectValidChunks(article, sentences, chunks, superadditive, 10);
    expect(ranges(chunks)[0]).toEqual([0, 3]);
  });

  it('leaves out a heading that would take more than half of the budget', () => {
    const article = articleOf('l', [
      ['heading', 'a very long heading that is really a paragraph in disguise here'],
      ['paragraph', 'Body text. More text.'],
    ]);
    const { chunks } = chunk(article, wordCounter, { maxTokens: 12, overlapSentences: 1 });
    expect(chunks.map((c) => [c.heading, c.text])).toEqual([[undefined, 'Body text. More text.']]);
  });

  it('returns no chunks for no sentences', () => {
    expect(chunkArticle(articleOf('x', []), [], wordCounter)).toEqual([]);
  });

  it('rejects unusable options', () => {
    const article = articleOf('x', [['paragraph', 'A b.']]);
    const sentences = splitSentences(article);
    const withOptions = (options: ChunkingOptions) => (): Chunk[] => chunkArticle(article, sentences, wordCounter, options);
    expect(withOptions({ maxTokens: 4, overlapSentences: 1 })).toThrow(RangeError);
    expect(withOptions({ maxTokens: 64, overlapSentences: -1 })).toThrow(RangeError);
    expect(withOptions({ maxTokens: 64.5, overlapSentences: 1 })).toThrow(RangeError);
    expect(withOptions({ maxTokens: 8, overlapSentences: 0 })()).toHaveLength(1);
  });
});
