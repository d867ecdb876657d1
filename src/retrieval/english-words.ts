/**
 * Whether a word is an English word: the `word-list` package's list (~274,000 lower-case words,
 * one per line, no proper names). Spelling correction leaves such words alone: "post", "promise"
 * or "become" are not misspellings just because a small corpus never uses them.
 *
 * The list is read on first use and kept as the file's text (2.7 MB), not as a set of its words:
 * splitting it and filling a set took ~0.25 s of every start, and spelling correction asks about
 * a few words a question. A word is looked up as a whole line among the lines that start with its
 * first letter (the stretch from the first such line to the last, so nothing depends on the file's
 * order): about a tenth of a millisecond.
 */
import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';

let lines: string | undefined;
/** Per first character: the list's lines from the first that starts with it to the last, each line between '\n's. */
const stretches = new Map<string, string>();

function stretchFor(first: string): string {
  let stretch = stretches.get(first);
  if (stretch === undefined) {
    lines ??= `\n${readFileSync(wordListPath, 'utf8').replaceAll('\r', '')}\n`;
    const from = lines.indexOf(`\n${first}`);
    stretch = from === -1 ? '' : lines.slice(from, lines.indexOf('\n', lines.lastIndexOf(`\n${first}`) + 1) + 1);
    stretches.set(first, stretch);
  }
  return stretch;
}

export function isEnglishWord(word: string): boolean {
  const lower = word.toLowerCase();
  if (lower.length === 0 || lower.includes('\n')) return false;
  return stretchFor(lower[0]!).includes(`\n${lower}\n`);
}
