/**
 * Plain text: blank lines separate groups of lines. Within a group, a line that starts with a
 * bullet glyph is an item; a group of short one-phrase lines is a table (one row per line); a
 * hard-wrapped paragraph is joined back into one block; otherwise every line is a block of its
 * own (scraped pages often put one paragraph per line with no blank line between).
 */
import type { RawBlock, RawDocument } from '../raw-document.js';
import { hasSentenceBreak, looksLikeHeading, startsLowercase, wordCount } from '../text-shape.js';

/** Bullet glyphs a list item may start with (after optional indentation), followed by a space. */
const BULLET = /^\s*[•●▪◦‣■►*\-–]\s+/u;

/** A table row line has at most this many words; a table has at least this many lines. */
const MAX_ROW_WORDS = 12;
const MIN_TABLE_LINES = 3;

/** Hard-wrapped text has lines no longer than this, and all but the last at least this share of the longest. */
const MAX_WRAP_WIDTH = 100;
const MIN_WRAP_FILL = 0.6;

/** Reads a plain-text file into blocks. Plain text declares no metadata. */
export function readTxt(text: string): RawDocument {
  return { blocks: splitGroups(text).flatMap(groupBlocks), meta: {}, problems: [] };
}

/** Splits the text into runs of non-blank lines (trailing whitespace removed). */
function splitGroups(text: string): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (current.length > 0) groups.push(current);
      current = [];
    } else {
      current.push(line.trimEnd());
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function groupBlocks(lines: string[]): RawBlock[] {
  if (!lines.some(isBulletLine)) {
    if (isHardWrapped(lines)) return [{ kind: 'paragraph', text: lines.map((line) => line.trim()).join(' ') }];
    if (isTable(lines)) return lines.map((line) => ({ kind: 'row', text: line.trim() }));
  }
  return lines.map(lineBlock);
}

function lineBlock(line: string): RawBlock {
  if (isBulletLine(line)) return { kind: 'item', text: line.replace(BULLET, '').trim() };
  const text = line.trim();
  return { kind: looksLikeHeading(text) ? 'heading' : 'paragraph', text };
}

function isBulletLine(line: string): boolean {
  return BULLET.test(line);
}

/**
 * Lines wrapped at a fixed width: all short, all but the last nearly as long as the longest,
 * and at least one line continuing a sentence (starting in lowercase).
 */
function isHardWrapped(lines: string[]): boolean {
  if (lines.length < 2) return false;
  const lengths = lines.map((line) => line.trim().length);
  // A loop, not Math.max(...lengths): spreading a million lines overflows the stack.
  const width = maxOf(lengths.slice(0, -1));
  return (
    maxOf(lengths) <= MAX_WRAP_WIDTH &&
    lengths.slice(0, -1).every((length) => length >= width * MIN_WRAP_FILL) &&
    lines.slice(1).some(startsLowercase)
  );
}

function maxOf(values: readonly number[]): number {
  let max = -Infinity;
  for (const value of values) max = Math.max(max, value);
  return max;
}

/**
 * Several short one-phrase lines with no blank line between them and none repeating the line
 * before: the text of a scraped table ("Mike PompeoFormer Secretary of StateU.S.").
 */
function isTable(lines: string[]): boolean {
  return (
    lines.length >= MIN_TABLE_LINES &&
    lines.every((line) => wordCount(line) <= MAX_ROW_WORDS && !hasSentenceBreak(line) && !startsLowercase(line)) &&
    lines.every((line, i) => i === 0 || line.trim() !== lines[i - 1]?.trim())
  );
}
