/**
 * Whether a word is an English word: the `word-list` package's list (~274,000 lower-case words,
 * no proper names), read on first use and kept as a set. Spelling correction leaves such words
 * alone: "post", "promise" or "become" are not misspellings just because a small corpus never
 * uses them.
 */
import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';

let words: Set<string> | undefined;

export function isEnglishWord(word: string): boolean {
  words ??= new Set(readFileSync(wordListPath, 'utf8').split('\n'));
  return words.has(word.toLowerCase());
}
