/** The general rules behind the corpus stage, on text nobody has seen: readers, cleaning, metadata guesses, decoding. */
import { describe, expect, it } from 'vitest';
import { parseByline } from '../../src/corpus/byline.js';
import { cleanBlocks } from '../../src/corpus/clean.js';
import { normalizeDate } from '../../src/corpus/meta-fields.js';
import { guessOutlet, guessTitle } from '../../src/corpus/metadata.js';
import type { RawBlock } from '../../src/corpus/raw-document.js';
import { decodeText } from '../../src/corpus/read-file.js';
import { readTxt } from '../../src/corpus/readers/txt.js';

const heading = (text: string): RawBlock => ({ kind: 'heading', text });
const paragraph = (text: string): RawBlock => ({ kind: 'paragraph', text });
const item = (text: string): RawBlock => ({ kind: 'item', text });

const BODY = paragraph('Officials met on Tuesday. They agreed to talk again.');

describe('readTxt', () => {
  it('joins a hard-wrapped paragraph back into one block', () => {
    const text =
      'The delegation arrived in the capital late on Tuesday evening\n' +
      'after a long flight, and talks began the next morning at the\n' +
      'foreign ministry.\n';
    expect(readTxt(text).blocks).toEqual([
      paragraph('The delegation arrived in the capital late on Tuesday evening after a long flight, and talks began the next morning at the foreign ministry.'),
    ]);
  });

  it('keeps one block per line when paragraphs come one per line', () => {
    const text = 'A Headline Of Several Words\nFirst paragraph, which is a full sentence.\n- an item in a list\n• another item\n';
    expect(readTxt(text).blocks).toEqual([
      heading('A Headline Of Several Words'),
      paragraph('First paragraph, which is a full sentence.'),
      item('an item in a list'),
      item('another item'),
    ]);
  });

  it('reads a group of short lines as table rows', () => {
    const text = 'Intro paragraph that ends properly.\n\nCountryCapital\nFranceParis\nJapanTokyo\n';
    expect(readTxt(text).blocks.map((b) => b.kind)).toEqual(['paragraph', 'row', 'row', 'row']);
  });
});

describe('cleanBlocks', () => {
  it('drops "Read also:" link titles but keeps prose listed under it', () => {
    const prose = item('But the talks went on. Nobody left early.');
    const { blocks, removed } = cleanBlocks([BODY, paragraph('Read also:'), item('Some Other Story About Things'), prose, BODY]);
    expect(blocks).toEqual([BODY, prose, BODY]);
    expect(removed.map((r) => r.rule)).toEqual(['link-list', 'link-list']);
  });

  it('drops a "Related:" label with its link title in the same block', () => {
    const after = paragraph('The next day, talks resumed.');
    expect(cleanBlocks([BODY, paragraph('Related: Another Headline Here'), after]).blocks).toEqual([BODY, after]);
  });

  it('keeps an ordinary paragraph that mentions a newsletter or a privacy policy', () => {
    const mention = paragraph('The company said it would update its privacy policy and send a newsletter to users.');
    expect(cleanBlocks([BODY, mention]).blocks).toEqual([BODY, mention]);
  });

  it('drops an image-caption carousel (captions printed twice, each followed by "Details")', () => {
    const caption = heading('In pictures: leaders meet in the capital');
    const after = paragraph('The next day, talks resumed.');
    const { blocks, removed } = cleanBlocks([BODY, caption, caption, paragraph('Details'), heading('Another caption here'), paragraph('Details'), after]);
    expect(blocks).toEqual([BODY, after]);
    expect(removed.map((r) => r.rule)).toEqual(['repeated-block', 'teaser-carousel', 'teaser-carousel', 'teaser-carousel', 'teaser-carousel']);
  });

  it('keeps a lone caption-and-"Details" pair in the middle of an article', () => {
    const blocks = [BODY, heading('Talks In Detail'), paragraph('Details'), BODY];
    expect(cleanBlocks(blocks).blocks).toEqual(blocks);
  });

  it('drops a section label above the headline only at the top', () => {
    const headline = heading('Leaders Agree To Meet Again Later This Year');
    expect(cleanBlocks([heading('Europe'), headline, BODY]).blocks).toEqual([headline, BODY]);
    const sections = [headline, BODY, heading('Europe'), heading('A Longer Section Heading With Many Words'), BODY];
    expect(cleanBlocks(sections).blocks).toEqual(sections);
  });

  it('keeps a page that is nothing but a heading', () => {
    expect(cleanBlocks([heading('Just A Headline Here')]).blocks).toEqual([heading('Just A Headline Here')]);
  });
});

describe('metadata guesses', () => {
  it('reads by-lines and refuses phrases that only look like one', () => {
    expect(parseByline('by Jhon Lennon 42 views')).toBe('Jhon Lennon');
    expect(parseByline('Written by Ursula von der Leyen')).toBe('Ursula von der Leyen');
    expect(parseByline('By Jane Doe and John Roe')).toBe('Jane Doe and John Roe');
    expect(parseByline('By The Numbers')).toBeUndefined();
    expect(parseByline('by the way, this is a sentence.')).toBeUndefined();
  });

  it('names the outlet of a dateline or an abbreviation that reports', () => {
    expect(guessOutlet([paragraph('MOSCOW (Reuters) - The Kremlin said on Friday…')])).toBe('Reuters');
    expect(guessOutlet([paragraph('(AP) — Talks resumed.')])).toBe('AP');
    expect(guessOutlet([paragraph('BBC reported that talks resumed.')])).toBe('BBC');
  });

  it('guesses no outlet rather than a wrong one', () => {
    expect(guessOutlet([paragraph('NATO reports that troops moved.')])).toBeUndefined();
    expect(guessOutlet([paragraph('(UPDATED) Talks resumed.')])).toBeUndefined();
    expect(guessOutlet([paragraph('The deal is historic, according to a senior Russian official.')])).toBeUndefined();
    expect(guessOutlet([heading('CNN reports that nothing happened')])).toBeUndefined();
  });

  it('takes a heading of several words near the top as the title, and nothing else', () => {
    expect(guessTitle([BODY, heading('Introduction'), heading('The Real Headline Is Here')])).toBe('The Real Headline Is Here');
    expect(guessTitle([BODY, BODY, BODY, heading('Too Far Down The Page')])).toBeUndefined();
  });

  it('normalizes dates to ISO 8601 where it can', () => {
    expect(normalizeDate('2025-08-07')).toBe('2025-08-07');
    expect(normalizeDate('2025-08-07T10:00:00+03:00')).toBe('2025-08-07T10:00:00+03:00');
    expect(normalizeDate('August 7, 2025')).toBe('2025-08-07');
    expect(normalizeDate('last Tuesday')).toBe('last Tuesday');
  });
});

describe('decodeText', () => {
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

  it('strips a byte-order mark and normalizes line ends', () => {
    expect(decodeText(bytes('\uFEFFone\r\ntwo\rthree\n'))).toEqual({ ok: true, value: 'one\ntwo\nthree\n' });
  });

  it('keeps curly quotes and other non-ASCII text as is', () => {
    expect(decodeText(bytes('“Dialogue will prevail.” — tête-à-tête'))).toEqual({ ok: true, value: '“Dialogue will prevail.” — tête-à-tête' });
  });

  it('refuses binary data and invalid UTF-8', () => {
    expect(decodeText(new Uint8Array([0x41, 0x00, 0x42])).ok).toBe(false);
    expect(decodeText(new Uint8Array([0xc3, 0x28]))).toEqual({ ok: false, problem: 'it is not valid UTF-8 text; save it as UTF-8' });
  });
});
