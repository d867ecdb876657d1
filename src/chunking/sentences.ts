/**
 * Sentence splitting with character offsets into an article's cleaned text.
 *
 * Each non-heading block is split on its own with `Intl.Segmenter` (line breaks inside a
 * block are read as spaces, so a soft-wrapped paragraph is not cut at its line ends), then
 * the segmenter's false breaks are undone (see abbreviations.ts). A "sentence" longer than
 * MAX_SENTENCE_CHARS is cut at its line breaks, failing that at "; ", failing that at ": "
 * (pieces re-packed up to that length); one with none of these stays whole. Each sentence
 * is trimmed of whitespace and of leading bullet glyphs; a span with no letter or digit
 * (a lone emoji, a stray dash) is not a sentence.
 */
import type { Article, Block, Span } from '../corpus/types.js';
import { joinFalseBreaks } from './abbreviations.js';
import type { Sentence } from './types.js';

/** Sentences longer than this (in UTF-16 code units) are cut at weaker separators where they have any. */
export const MAX_SENTENCE_CHARS = 400;

/** Where an overlong sentence may be cut, strongest first; the cut falls after the match. */
const WEAK_SEPARATORS: readonly RegExp[] = [/\n/g, /;(?=\s)/g, /:(?=\s)/g];

/** Glyphs stripped from the start of a sentence; the last three only before whitespace. */
const BULLETS = new Set(['•', '●', '▪', '◦', '‣']);
const SPACED_BULLETS = new Set(['-', '*', '–']);

const LINE_BREAKS = /[\n\r\u0085\u2028\u2029]/g;
const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * Splits an article into sentences. Sentences never cross a block boundary; heading blocks
 * are not sentences but the `heading` of every sentence below them, up to the next heading.
 * For every sentence, `article.text.slice(start, end)` is exactly its trimmed text.
 */
export function splitSentences(article: Pick<Article, 'text' | 'blocks'>): Sentence[] {
  const sentences: Sentence[] = [];
  let heading: string | undefined;
  for (const block of article.blocks) {
    if (block.kind === 'heading') {
      heading = headingText(article.text, block);
      continue;
    }
    for (const span of blockSentences(article.text, block)) {
      const sentence: Sentence = { ...span, index: sentences.length };
      if (heading !== undefined) sentence.heading = heading;
      sentences.push(sentence);
    }
  }
  return sentences;
}

/** A heading block's text on one line, or undefined if it is blank. */
function headingText(text: string, block: Block): string | undefined {
  const heading = text.slice(block.start, block.end).replace(/\s+/g, ' ').trim();
  return heading === '' ? undefined : heading;
}

/** The sentence spans of one block, as offsets into the whole text. */
function blockSentences(text: string, block: Block): Span[] {
  const blockText = text.slice(block.start, block.end);
  return joinFalseBreaks(blockText, segment(blockText))
    .map((span) => trimSpan(blockText, span))
    .flatMap((span) => splitOverlong(blockText, span, 0))
    .filter((span) => /[\p{L}\p{N}]/u.test(blockText.slice(span.start, span.end)))
    .map((span) => ({ start: span.start + block.start, end: span.end + block.start }));
}

/** The segmenter's sentence spans of `text`, reading line breaks as spaces. */
function segment(text: string): Span[] {
  const spans: Span[] = [];
  for (const { index, segment: piece } of segmenter.segment(text.replace(LINE_BREAKS, ' '))) {
    spans.push({ start: index, end: index + piece.length });
  }
  return spans;
}

/** `span` without surrounding whitespace and leading bullet glyphs. */
function trimSpan(text: string, span: Span): Span {
  let { start, end } = span;
  while (start < end && isLeadingJunk(text, start)) start++;
  while (end > start && /\s/.test(text.charAt(end - 1))) end--;
  return { start, end };
}

/** Whether the character at `at` is whitespace or a bullet glyph to strip from a sentence's start. */
function isLeadingJunk(text: string, at: number): boolean {
  const char = text.charAt(at);
  if (/\s/.test(char) || BULLETS.has(char)) return true;
  return SPACED_BULLETS.has(char) && /\s/.test(text.charAt(at + 1));
}

/**
 * Cuts a (trimmed) span longer than MAX_SENTENCE_CHARS after the separators of
 * WEAK_SEPARATORS[level], re-packing neighbouring pieces up to that length, and recurses
 * with the next weaker separator into pieces that are still too long.
 */
function splitOverlong(text: string, span: Span, level: number): Span[] {
  const separator = WEAK_SEPARATORS[level];
  if (span.end - span.start <= MAX_SENTENCE_CHARS || separator === undefined) return [span];
  const pieces = cutAfter(text, span, separator).map((piece) => trimSpan(text, piece));
  return packPieces(pieces).flatMap((piece) => splitOverlong(text, piece, level + 1));
}

/** `span` cut after every match of `separator` inside it. */
function cutAfter(text: string, span: Span, separator: RegExp): Span[] {
  const pieces: Span[] = [];
  let start = span.start;
  for (const match of text.slice(span.start, span.end).matchAll(separator)) {
    const cut = span.start + match.index + match[0].length;
    if (cut > start && cut < span.end) pieces.push({ start, end: cut });
    start = cut;
  }
  pieces.push({ start, end: span.end });
  return pieces;
}

/** Merges consecutive pieces greedily while the merged span stays within MAX_SENTENCE_CHARS. */
function packPieces(pieces: readonly Span[]): Span[] {
  const packed: Span[] = [];
  for (const piece of pieces) {
    if (piece.end <= piece.start) continue;
    const last = packed.at(-1);
    if (last && piece.end - last.start <= MAX_SENTENCE_CHARS) last.end = piece.end;
    else packed.push({ ...piece });
  }
  return packed;
}
