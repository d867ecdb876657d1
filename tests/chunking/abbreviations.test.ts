import { describe, expect, it } from 'vitest';
import { isFalseBreak, joinFalseBreaks } from '../../src/chunking/abbreviations.js';

describe('isFalseBreak', () => {
  it.each([
    ['Former U.S. ', 'President Donald Trump met Putin.'],
    ['The U.K. ', 'Prime Minister spoke.'],
    ['He met the U.N. ', 'Secretary-General on Friday.'],
    ['Mr. ', 'Smith went to Washington.'],
    ['Talk to Mr. and Mrs. ', 'Smith.'],
    ['Dr. ', 'Jones stayed.'],
    ['He flew to St. ', 'Petersburg.'],
    ['Sen. ', 'Warren spoke.'],
    ['John F. ', 'Kennedy was president.'],
    ['Vice President J.D. ', 'Vance spoke.'],
    ['Trump vs. ', 'Biden was close.'],
    ['Pick a venue (e.g. ', 'Geneva) soon.'],
    ['The talks begin at 5 p.m. ', 'Monday in Moscow.'],
    ['The talks begin at 9 a.m. ', 'GMT.'],
    ['“Why?” ', 'he asked.'],
    ['He shouted “Stop!” ', 'and ran.'],
  ])('joins %j + %j', (before, after) => {
    expect(isFalseBreak(before, after)).toBe(true);
  });

  it.each([
    ['He left. ', 'She stayed.'],
    ['It happened in the U.S. ', 'The next day they left.'],
    ['It happened in the U.S. ', 'Russia said nothing.'],
    ['Washington, D.C. ', 'Officials said so.'],
    ['It was 9 a.m. ', 'The sun rose.'],
    ['It was 9 a.m. ', 'Officials arrived.'],
    ['Sharing an update on X. ', 'He wrote more.'],
    ['He needs vitamin C. ', 'Doctors agree.'],
    ['He works at Acme Inc. ', 'The company is large.'],
    ['He said “Stop.” ', 'Then he left.'],
    ['Wait... ', 'What?'],
    ['So, what is the takeaway here, folks? ', 'When the Kremlin says so.'],
    ['The end. ', '2015 was a year.'],
  ])('keeps %j + %j apart', (before, after) => {
    expect(isFalseBreak(before, after)).toBe(false);
  });
});

describe('joinFalseBreaks', () => {
  it('merges runs of false breaks and keeps real ones', () => {
    const text = 'Mr. John F. Kennedy met Dr. Jones. They talked.';
    const spans = [
      { start: 0, end: 4 },
      { start: 4, end: 12 },
      { start: 12, end: 28 },
      { start: 28, end: 35 },
      { start: 35, end: 47 },
    ];
    expect(joinFalseBreaks(text, spans)).toEqual([
      { start: 0, end: 35 },
      { start: 35, end: 47 },
    ]);
  });

  it('does not change the spans it is given', () => {
    const spans = [
      { start: 0, end: 4 },
      { start: 4, end: 10 },
    ];
    joinFalseBreaks('Mr. Smith.', spans);
    expect(spans).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 10 },
    ]);
  });

  it('returns nothing for nothing', () => {
    expect(joinFalseBreaks('', [])).toEqual([]);
  });
});
