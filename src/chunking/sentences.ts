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
 *
 * Long blocks are segmented in windows of at most SEGMENT_WINDOW_CHARS (the segmenter's time
 * grows with the square of its input: a 1 MB paragraph took minutes), so splitting takes time
 * linear in the text. A window ends where the segmenter is certain to break — after ".", "?"
 * or "!", one space, and a capital letter — so the sentences are exactly those of one pass over
 * the whole block; a window may stretch to WINDOW_STRETCH times its size to end at one. Only a
 * stretch of that length (16K characters) with no such place in it — no prose does that — is
 * cut at its last space instead (or anywhere, if it has none), which ends a sentence there.
 */
import type { Article, Block, Span } from '../corpus/types.js';
import { joinFalseBreaks } from './abbreviations.js';
import type { Sentence } from './types.js';

/** Sentences longer than this (in UTF-16 code units) are cut at weaker separators where they have any. */
export const MAX_SENTENCE_CHARS = 400;

/** The segmenter reads at most this many characters (UTF-16 code units) at a time. */
export const SEGMENT_WINDOW_CHARS = 4096;

/** Where an overlong sentence may be cut, strongest first; the cut falls after the match. */
const WEAK_SEPARATORS: readonly RegExp[] = [/\n/g, /;(?=\s)/g, /:(?=\s)/g];

/** Glyphs stripped from the start of a sentence; the last three only before whitespace. */
const BULLETS = new Set(['•', '●', '▪', '◦', '‣']);
const SPACED_BULLETS = new Set(['-', '*', '–']);

const LINE_BREAKS = /[\n\r\u0085\u2028\u2029]/g;
/** A sentence end followed by a space and a capital letter is always a break (Unicode rule SB11). */
const SENTENCE_END = new Set(['.', '?', '!']);
const CAPITAL = /^\p{Lu}$/u;
/** Closing quotes and brackets, of which at most MAX_CLOSING_MARKS may stand between a sentence end and its space. */
const CLOSING = new Set(['"', "'", '”', '’', ')', ']', '}', '»']);
const MAX_CLOSING_MARKS = 4;

/** A window may stretch to this many times SEGMENT_WINDOW_CHARS to end at a certain break. */
const WINDOW_STRETCH = 4;
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

/**
 * The segmenter's sentence spans of `text`, reading line breaks as spaces, segmented in windows
 * of at most `windowChars` characters (see the module comment).
 */
export function segment(text: string, windowChars: number = SEGMENT_WINDOW_CHARS): Span[] {
  const flat = text.replace(LINE_BREAKS, ' ');
  const spans: Span[] = [];
  for (let from = 0; from < flat.length; ) {
    const to = windowEnd(flat, from, windowChars);
    for (const { index, segment: piece } of segmenter.segment(flat.slice(from, to))) {
      spans.push({ start: from + index, end: from + index + piece.length });
    }
    from = to;
  }
  return spans;
}

/**
 * Where the window that starts at `from` ends: the end of the text if it is near; otherwise the
 * last certain break (see `isCertainBreak`) within `windowChars`, or failing that the first one
 * within WINDOW_STRETCH windows; failing that, after the last space (or at the limit itself).
 */
function windowEnd(text: string, from: number, windowChars: number): number {
  const limit = from + Math.max(windowChars, 4);
  if (limit >= text.length) return text.length;
  for (let cut = limit; cut > from + 2; cut--) if (isCertainBreak(text, cut)) return cut;
  const stretched = Math.min(text.length, from + WINDOW_STRETCH * Math.max(windowChars, 4));
  for (let cut = limit + 1; cut < stretched; cut++) if (isCertainBreak(text, cut)) return cut;
  if (stretched === text.length) return text.length;
  // Searched by hand, not with lastIndexOf, which would scan on past `from` to the start of the text.
  for (let cut = stretched; cut > from + 1; cut--) if (text[cut - 1] === ' ') return cut;
  // Never between the two halves of a surrogate pair.
  return /[\uD800-\uDBFF]/.test(text[stretched - 1] ?? '') ? stretched - 1 : stretched;
}

/**
 * Whether the segmenter always breaks before `at`: a capital letter after one space, after
 * closing quotes or brackets if any, after ".", "?" or "!" (Unicode sentence rule SB11; the
 * exceptions all need a lowercase letter, a digit or a comma-like mark after the space).
 */
function isCertainBreak(text: string, at: number): boolean {
  if (text[at - 1] !== ' ' || !CAPITAL.test(text[at] ?? '')) return false;
  // At most a few closing marks are looked through, so that a run of them cannot cost time per character.
  let end = at - 2;
  while (end > at - 2 - MAX_CLOSING_MARKS && CLOSING.has(text[end] ?? '')) end--;
  return SENTENCE_END.has(text[end] ?? '');
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
