/** Long paragraphs are split in time linear in their length, into the same sentences as before (issue #12, item 2). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isFalseBreak, joinFalseBreaks } from '../../src/chunking/abbreviations.js';
import { SEGMENT_WINDOW_CHARS, segment, splitSentences } from '../../src/chunking/sentences.js';
import type { Span } from '../../src/corpus/types.js';
import { growthRatio } from '../support/growth.js';
import { articleOf, seedArticles } from './helpers.js';

const SENTENCE = 'The minister said the talks went well on Monday, and that more would follow. ';

/** The segmenter over the whole text at once, as sentences were split before windows. */
function wholeSegments(text: string): Span[] {
  const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
  return Array.from(segmenter.segment(text.replace(/[\n\r\u0085\u2028\u2029]/g, ' ')), ({ index, segment: piece }) => ({
    start: index,
    end: index + piece.length,
  }));
}

/** joinFalseBreaks as it was, judging each break by the whole text on either side. */
function joinWithWholeContext(text: string, spans: readonly Span[]): Span[] {
  const joined: Span[] = [];
  for (const span of spans) {
    const current = joined.at(-1);
    if (current && isFalseBreak(text.slice(current.start, current.end), text.slice(span.start, span.end))) current.end = span.end;
    else joined.push({ ...span });
  }
  return joined;
}

function paragraph(unit: string, chars: number): ReturnType<typeof articleOf> {
  return articleOf('long', [['paragraph', unit.repeat(Math.ceil(chars / unit.length))]]);
}

describe('sentence splitting in windows', () => {
  const seeds = [...seedArticles().values()];
  /** All seed articles as one long paragraph, and each on its own. */
  const texts = [seeds.map((article) => article.text).join('\n'), ...seeds.map((article) => article.text)];

  it('finds the same segments in windows as over the whole text, on the seed articles', () => {
    for (const text of texts) {
      const whole = wholeSegments(text);
      for (const windowChars of [1000, 2000, SEGMENT_WINDOW_CHARS]) expect(segment(text, windowChars)).toEqual(whole);
    }
  });

  it('joins false breaks the same with bounded context as with the whole text, on the seed articles', () => {
    for (const text of texts) {
      const spans = wholeSegments(text);
      expect(joinFalseBreaks(text, spans)).toEqual(joinWithWholeContext(text, spans));
    }
  });

  it('keeps offsets exact across window ends', () => {
    const article = paragraph(`${SENTENCE}“Why?” he asked. Mr. Smith left. `, 50_000);
    const sentences = splitSentences(article);
    expect(sentences.map((s) => article.text.slice(s.start, s.end))).toEqual(
      sentences.map((_, i) => [SENTENCE.trim(), '“Why?” he asked.', 'Mr. Smith left.'][i % 3]),
    );
  });

  it('cuts a stretch with no sentence end at a space, and a stretch with no space at all anywhere', () => {
    const words = 'word '.repeat(30_000);
    const pieces = segment(words);
    expect(pieces.at(-1)?.end).toBe(words.length);
    expect(pieces.every((piece) => words[piece.end - 1] === ' ')).toBe(true);
    const letters = 'x'.repeat(70_000);
    expect(segment(letters).map((piece) => piece.end - piece.start).reduce((a, b) => a + b, 0)).toBe(letters.length);
  });
});

describe('long paragraphs take linear time', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('never hands the segmenter more than a few windows of text at once', () => {
    const seen: number[] = [];
    const original = Intl.Segmenter.prototype.segment;
    vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, input: string) {
      seen.push(input.length);
      return original.call(this, input);
    });
    const article = paragraph(SENTENCE, 256 * 1024);
    splitSentences(article);
    expect(Math.max(...seen)).toBeLessThanOrEqual(4 * SEGMENT_WINDOW_CHARS);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(article.text.length);
  });

  it.each([
    ['ordinary sentences', SENTENCE],
    ['false breaks joined into long sentences', 'Mr. '],
    ['quotes asked and answered', '“Why?” he asked. '],
  ])('splits 256 KB of %s in at most ~8 times the time of 64 KB (quadratic: 16)', (_, unit) => {
    const small = paragraph(unit, 64 * 1024);
    const large = paragraph(unit, 256 * 1024);
    expect(growthRatio(() => splitSentences(small), () => splitSentences(large), { floorMs: 10 })).toBeLessThanOrEqual(8);
  }, 60_000);
});
