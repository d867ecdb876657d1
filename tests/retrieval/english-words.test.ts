/**
 * isEnglishWord against a set made from the same list: words (sampled across the whole list,
 * including the lines that are out of alphabetical order), the same words in other cases, and
 * words that are not on it.
 */
import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';
import { describe, expect, it } from 'vitest';
import { isEnglishWord } from '../../src/retrieval/english-words.js';

const words = readFileSync(wordListPath, 'utf8').split('\n').filter((line) => line.length > 0);
const set = new Set(words);

describe('isEnglishWord', () => {
  it('knows every word on the list (every 53rd, the first, the last, and those out of order)', () => {
    const sample = words.filter((_, i) => i % 53 === 0 || i === words.length - 1 || (i > 0 && words[i - 1]! >= words[i]!));
    expect(sample.length).toBeGreaterThan(5000);
    for (const word of sample) expect(isEnglishWord(word), word).toBe(true);
    for (const word of sample.slice(0, 500)) expect(isEnglishWord(word.toUpperCase()), word).toBe(true);
  });

  it('refuses what is not on the list, as the set does', () => {
    const others = ['', 'qwzx', 'zzzzz', 'aaa', 'kremlinx', 'dmitriev', 'promise\nbecome', 'pro mise', 'é', '😀', '\n', 'a\n', 'zyzzyvass'];
    // Words with one letter changed: some are words, most are not; the answer must match the set's.
    for (const word of words.filter((_, i) => i % 997 === 0)) others.push(`${word}s`, `${word.slice(1)}`, `x${word}`);
    for (const word of others) expect(isEnglishWord(word), JSON.stringify(word)).toBe(set.has(word.toLowerCase()));
    expect(isEnglishWord('post') && isEnglishWord('Promise') && isEnglishWord('become')).toBe(true);
  });
});
