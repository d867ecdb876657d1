/**
 * Quote selection on a hand-built article: which ranked sentences become quotes, and which of
 * their neighbours join them into runs.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SELECTION, selectQuotes, type Selected, type SelectionOptions } from '../../src/answer/select-quotes.js';
import type { ScoredSentence } from '../../src/answer/sentence-scoring.js';
import type { Block } from '../../src/corpus/types.js';
import type { StoredArticle } from '../../src/index/snapshot.js';

interface Paragraph {
  heading?: string;
  sentences: string[];
}

/** An article of paragraphs (each optionally under a heading), blocks separated by blank lines as the corpus stage leaves them. */
function buildArticle(id: string, title: string, paragraphs: readonly Paragraph[]): StoredArticle {
  let text = '';
  const blocks: Block[] = [];
  const sentences: StoredArticle['sentences'] = [];
  const append = (block: string, kind: Block['kind']) => {
    if (text.length > 0) text += '\n\n';
    blocks.push({ kind, start: text.length, end: text.length + block.length });
    text += block;
  };
  for (const paragraph of paragraphs) {
    if (paragraph.heading !== undefined) append(paragraph.heading, 'heading');
    const base = text.length + (text.length > 0 ? 2 : 0);
    append(paragraph.sentences.join(' '), 'paragraph');
    let at = base;
    for (const sentence of paragraph.sentences) {
      const start = text.indexOf(sentence, at);
      at = start + sentence.length;
      sentences.push({ start, end: at, index: sentences.length, kinds: 0, ...(paragraph.heading !== undefined ? { heading: paragraph.heading } : {}) });
    }
  }
  return { id, path: `${id}.txt`, title, source: 'MENAFN', published: '2025-02-14', contentHash: id.padEnd(64, '0'), text, blocks, sentences };
}

const ARTICLE = buildArticle('003_e2b99da125ba86af', 'Helsinki summit opens after delay', [
  {
    sentences: [
      /* 0 */ 'Officials gave three reasons for the delay:',
      /* 1 */ 'The venue was not ready, the agenda was disputed and a key envoy fell ill.',
      /* 2 */ 'He recovered within a week.',
      /* 3 */ 'The summit finally opened in Helsinki on Monday.',
    ],
  },
  {
    heading: 'Market reaction',
    sentences: [
      /* 4 */ 'Markets rose sharply after the announcement.',
      /* 5 */ 'The rouble gained 2 per cent against the dollar.',
      /* 6 */ 'Analysts were more cautious about the outlook.',
      /* 7 */ 'Oil prices were little changed.',
    ],
  },
  {
    sentences: [
      /* 8 */ 'The next round of talks is due in March.',
      /* 9 */ 'Diplomats listed the following points for it:',
      /* 10 */ 'Trade, energy and prisoner exchanges.',
      /* 11 */ 'The talks covered three areas:',
    ],
  },
  {
    sentences: [/* 12 */ 'Both sides said the date could still change.'],
  },
]);

const OTHER = buildArticle('004_dc90a5985b6e19d6', 'Envoy says summit may be ground-breaking', [
  { sentences: ['The summit finally opened in Helsinki on Monday.'] },
  { sentences: ['Kirill Dmitriev called it a ground-breaking meeting.'] },
]);

const DIMENSIONS = 32;

/** A unit vector along one axis (each sentence its own, so none is a repeat of another unless asked). */
function axis(i: number): Float32Array {
  const v = new Float32Array(DIMENSIONS);
  v[i] = 1;
  return v;
}

/** A unit vector with cosine `cos` to axis(i), leaning towards axis(j). */
function towards(i: number, j: number, cos: number): Float32Array {
  const v = new Float32Array(DIMENSIONS);
  v[i] = cos;
  v[j] = Math.sqrt(1 - cos * cos);
  return v;
}

function scored(article: StoredArticle, index: number, score: number, vector?: Float32Array): ScoredSentence {
  const sentence = article.sentences[index]!;
  return {
    article,
    sentence,
    text: article.text.slice(sentence.start, sentence.end),
    similarity: 0.4 + score / 10,
    score,
    coverage: 0.5,
    vector: vector ?? axis((article === OTHER ? 16 : 0) + index),
  };
}

/** Sorted best first, as the engine hands them over. */
const ranked = (...sentences: ScoredSentence[]) => [...sentences].sort((a, b) => b.score - a.score);

const OPTIONS: SelectionOptions = { maxQuotes: 3, relativeScore: 0.01, joinScore: 0.1, duplicateSimilarity: 0.9, maxRunSentences: 2 };

const spans = (quotes: readonly Selected[]) => quotes.map((q) => [q.first, q.last]);

describe('the test article', () => {
  it('has blocks split by blank lines and sentences at their offsets', () => {
    expect(ARTICLE.sentences).toHaveLength(13);
    expect(ARTICLE.text.slice(ARTICLE.sentences[4]!.start, ARTICLE.sentences[4]!.end)).toBe('Markets rose sharply after the announcement.');
    expect(ARTICLE.text.slice(ARTICLE.sentences[3]!.end, ARTICLE.sentences[4]!.start)).toBe('\n\nMarket reaction\n\n');
    expect(ARTICLE.text.slice(ARTICLE.sentences[4]!.end, ARTICLE.sentences[5]!.start)).toBe(' ');
    expect(ARTICLE.blocks.map((b) => b.kind)).toEqual(['paragraph', 'heading', 'paragraph', 'paragraph', 'paragraph']);
    expect(OTHER.text).toBe('The summit finally opened in Helsinki on Monday.\n\nKirill Dmitriev called it a ground-breaking meeting.');
    for (const b of ARTICLE.blocks) expect(ARTICLE.text.slice(b.start, b.end)).not.toContain('\n');
  });
});

describe('selectQuotes', () => {
  it('quotes nothing from nothing', () => {
    expect(selectQuotes([], OPTIONS)).toEqual([]);
  });

  it('quotes the top sentence first, with its score and article', () => {
    const quotes = selectQuotes(ranked(scored(ARTICLE, 8, 0.5), scored(ARTICLE, 4, 0.3), scored(OTHER, 1, 0.1)), OPTIONS);
    expect(quotes[0]).toEqual({ article: ARTICLE, first: 8, last: 8, score: 0.5 });
    expect(quotes.map((q) => [q.article.id, q.first, q.score])).toEqual([
      [ARTICLE.id, 8, 0.5],
      [ARTICLE.id, 4, 0.3],
      [OTHER.id, 1, 0.1],
    ]);
    expect(quotes[0]!.article).toBe(ARTICLE);
  });

  it('lets a lead-in take the sentence after it, however weak', () => {
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 0, 0.6)), OPTIONS))).toEqual([[0, 1]]);
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 0, 0.6), scored(ARTICLE, 1, 0.001)), OPTIONS))).toEqual([[0, 1]]);
    // Even when the sentence before it is the stronger neighbour.
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 9, 0.6), scored(ARTICLE, 8, 0.5)), { ...OPTIONS, maxQuotes: 1 }))).toEqual([[9, 10]]);
  });

  it('does not let a lead-in take a sentence across a paragraph break', () => {
    // Sentence 11 ends its paragraph; 12 is the next paragraph.
    const quotes = selectQuotes(ranked(scored(ARTICLE, 11, 0.6), scored(ARTICLE, 12, 0.5)), OPTIONS);
    expect(spans(quotes)).toEqual([
      [11, 11],
      [12, 12],
    ]);
  });

  it('lets a sentence that refers back take a strong sentence before it, even over a stronger next one', () => {
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 2, 0.6), scored(ARTICLE, 1, 0.1), scored(ARTICLE, 3, 0.3)), { ...OPTIONS, maxQuotes: 1 }))).toEqual([[1, 2]]);
    // A weak one before it is not taken; a strong one after it still joins by evidence.
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 2, 0.6), scored(ARTICLE, 1, 0.05), scored(ARTICLE, 3, 0.3)), { ...OPTIONS, maxQuotes: 1 }))).toEqual([[2, 3]]);
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 2, 0.6), scored(ARTICLE, 1, 0.05)), { ...OPTIONS, maxQuotes: 1 }))).toEqual([[2, 2]]);
    // Not one that is not a candidate at all.
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 2, 0.6)), OPTIONS))).toEqual([[2, 2]]);
  });

  it('joins a neighbour of at least joinScore of the quote’s score, and not a weaker one', () => {
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 5, 0.5), scored(ARTICLE, 6, 0.05)), OPTIONS))).toEqual([[5, 6]]);
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 5, 0.5), scored(ARTICLE, 4, 0.06)), OPTIONS))).toEqual([[4, 5]]);
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 5, 0.5), scored(ARTICLE, 6, 0.049)), OPTIONS))).toEqual([
      [5, 5],
      [6, 6],
    ]);
    // With a stricter joinScore the same neighbour stays a quote of its own.
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 5, 0.5), scored(ARTICLE, 6, 0.2)), { ...OPTIONS, joinScore: 0.5 }))).toEqual([
      [5, 5],
      [6, 6],
    ]);
  });

  it('joins the stronger of two neighbours', () => {
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 5, 0.5), scored(ARTICLE, 4, 0.1), scored(ARTICLE, 6, 0.2)), { ...OPTIONS, maxQuotes: 1 }))).toEqual([[5, 6]]);
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 5, 0.5), scored(ARTICLE, 4, 0.2), scored(ARTICLE, 6, 0.1)), { ...OPTIONS, maxQuotes: 1 }))).toEqual([[4, 5]]);
  });

  it('never joins sentences across a paragraph break', () => {
    // 3 ends the first paragraph, 4 opens the next (under a heading).
    const quotes = selectQuotes(ranked(scored(ARTICLE, 3, 0.5), scored(ARTICLE, 4, 0.45)), OPTIONS);
    expect(spans(quotes)).toEqual([
      [3, 3],
      [4, 4],
    ]);
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 4, 0.5), scored(ARTICLE, 3, 0.45)), OPTIONS))).toEqual([
      [4, 4],
      [3, 3],
    ]);
    // The last sentence of the article has no next one.
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 12, 0.5)), OPTIONS))).toEqual([[12, 12]]);
  });

  it('keeps runs within maxRunSentences', () => {
    const strongAround = ranked(scored(ARTICLE, 5, 0.5), scored(ARTICLE, 4, 0.45), scored(ARTICLE, 6, 0.45), scored(ARTICLE, 0, 0.4), scored(ARTICLE, 2, 0.4), scored(ARTICLE, 1, 0.3));
    for (const maxRunSentences of [1, 2, 3, 4]) {
      const quotes = selectQuotes(strongAround, { ...OPTIONS, maxRunSentences, maxQuotes: 10 });
      expect(quotes.length).toBeGreaterThan(0);
      for (const q of quotes) expect(q.last - q.first + 1).toBeLessThanOrEqual(maxRunSentences);
    }
    // With runs of one, neither a lead-in nor a strong neighbour joins.
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 0, 0.6)), { ...OPTIONS, maxRunSentences: 1 }))).toEqual([[0, 0]]);
    expect(spans(selectQuotes(ranked(scored(ARTICLE, 5, 0.5), scored(ARTICLE, 6, 0.4)), { ...OPTIONS, maxRunSentences: 1 }))).toEqual([
      [5, 5],
      [6, 6],
    ]);
  });

  it('skips a sentence with the same text as a quoted one', () => {
    const quotes = selectQuotes(ranked(scored(ARTICLE, 3, 0.5), scored(OTHER, 0, 0.4), scored(OTHER, 1, 0.3)), OPTIONS);
    expect(quotes.map((q) => [q.article.id, q.first])).toEqual([
      [ARTICLE.id, 3],
      [OTHER.id, 1],
    ]);
  });

  it('skips a sentence whose vector is at least duplicateSimilarity close to a quoted one', () => {
    const repeat = ranked(scored(ARTICLE, 4, 0.5), scored(ARTICLE, 8, 0.4, towards(4, 8, 0.95)), scored(ARTICLE, 12, 0.3));
    expect(spans(selectQuotes(repeat, OPTIONS))).toEqual([
      [4, 4],
      [12, 12],
    ]);
    const distinct = ranked(scored(ARTICLE, 4, 0.5), scored(ARTICLE, 8, 0.4, towards(4, 8, 0.85)), scored(ARTICLE, 12, 0.3));
    expect(spans(selectQuotes(distinct, OPTIONS))).toEqual([
      [4, 4],
      [8, 8],
      [12, 12],
    ]);
    expect(spans(selectQuotes(distinct, { ...OPTIONS, duplicateSimilarity: 0.8 }))).toEqual([
      [4, 4],
      [12, 12],
    ]);
  });

  it('counts the sentences a run joined as quoted when looking for repeats', () => {
    // 5 joins 4; sentence 8 is a near repeat of 5 and is skipped.
    const quotes = selectQuotes(ranked(scored(ARTICLE, 4, 0.5), scored(ARTICLE, 5, 0.3), scored(ARTICLE, 8, 0.2, towards(5, 8, 0.97)), scored(ARTICLE, 12, 0.1)), OPTIONS);
    expect(spans(quotes)).toEqual([
      [4, 5],
      [12, 12],
    ]);
  });

  it('quotes at most maxQuotes', () => {
    const many = ranked(scored(ARTICLE, 1, 0.5), scored(ARTICLE, 5, 0.4), scored(ARTICLE, 8, 0.3), scored(ARTICLE, 12, 0.2), scored(OTHER, 1, 0.1));
    expect(selectQuotes(many, { ...OPTIONS, maxQuotes: 2 })).toHaveLength(2);
    expect(selectQuotes(many, { ...OPTIONS, maxQuotes: 1 })).toHaveLength(1);
    expect(selectQuotes(many, { ...OPTIONS, maxQuotes: 10 })).toHaveLength(5);
    expect(selectQuotes(many)).toHaveLength(DEFAULT_SELECTION.maxQuotes);
  });

  it('quotes further sentences only while their score is at least relativeScore of the best', () => {
    const many = ranked(scored(ARTICLE, 1, 0.5), scored(ARTICLE, 5, 0.3), scored(ARTICLE, 8, 0.25), scored(ARTICLE, 12, 0.2));
    expect(spans(selectQuotes(many, { ...OPTIONS, maxQuotes: 10, relativeScore: 0.5 }))).toEqual([
      [1, 1],
      [5, 5],
      [8, 8],
    ]);
    expect(spans(selectQuotes(many, { ...OPTIONS, maxQuotes: 10, relativeScore: 0.55 }))).toEqual([
      [1, 1],
      [5, 5],
    ]);
    expect(spans(selectQuotes(many, { ...OPTIONS, maxQuotes: 10, relativeScore: 0.9 }))).toEqual([[1, 1]]);
  });

  it('does not quote a sentence inside a run again, nor let a later run overlap it', () => {
    // 4 takes 5 (its stronger neighbour); 5 is not quoted again; 6 cannot take 5 back and stays alone.
    const quotes = selectQuotes(ranked(scored(ARTICLE, 4, 0.5), scored(ARTICLE, 5, 0.3), scored(ARTICLE, 6, 0.25)), { ...OPTIONS, maxQuotes: 10 });
    expect(spans(quotes)).toEqual([
      [4, 5],
      [6, 6],
    ]);
    // No sentence is in two quotes.
    const seen = new Set<number>();
    for (const q of quotes) {
      for (let i = q.first; i <= q.last; i++) {
        expect(seen.has(i)).toBe(false);
        seen.add(i);
      }
    }
  });

  it('carries the heading above a quote’s first sentence', () => {
    const quotes = selectQuotes(ranked(scored(ARTICLE, 6, 0.5), scored(ARTICLE, 8, 0.4)), OPTIONS);
    expect(quotes[0]!.heading).toBe('Market reaction');
    expect('heading' in quotes[1]!).toBe(false);
    const run = selectQuotes(ranked(scored(ARTICLE, 5, 0.5), scored(ARTICLE, 4, 0.3)), OPTIONS);
    expect(run).toEqual([{ article: ARTICLE, first: 4, last: 5, score: 0.5, heading: 'Market reaction' }]);
  });
});
