/**
 * Markdown: YAML front matter for metadata, then the block structure of the body — ATX and
 * setext headings, list items, pipe-table rows, paragraphs, block quotes and fenced code.
 * Block markers (`#`, `- `, `1. `, `>`, `|`) are stripped from the ends of a block; inline
 * markup (emphasis, links) is left as written, so that every block stays a substring of the file.
 * Link reference definitions (`[1]: https://…`) and image-only lines are not text and are left out.
 * The cleaning rules (clean.ts) look through inline markup (`withoutInlineMarkup`), so that a
 * "**Share this article:** [Facebook](…) | [X](…)" line is judged as the words a reader sees.
 *
 * Every line is read in time linear in its length: the patterns below have no two quantifiers
 * that can share a run of characters, and headings and table separators are taken apart by hand
 * (as regular expressions they backtracked quadratically on a long run of spaces).
 */
import { metaFromRecord } from '../meta-fields.js';
import type { RawBlock, RawDocument } from '../raw-document.js';
import { parseYaml } from '../yaml.js';

const FRONT_MATTER = /^---[ \t]*\n(?:([\s\S]*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)/;

/** An ATX heading's opening: up to three spaces, one to six "#", then a space, a tab or the end of the line. */
const ATX_OPENING = /^ {0,3}#{1,6}(?=[ \t]|$)/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const LIST_ITEM = /^[ \t]*(?:[-*+•]|\d{1,9}[.)])[ \t]+(.*)$/u;
const BLOCK_QUOTE = /^ {0,3}>[ \t]?(.*)$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const TABLE_LINE = /^[ \t]*\|/;
/** One cell of a table's separator row, without its surrounding spaces: "---", ":--", "--:", ":-:". */
const SEPARATOR_CELL = /^:?-+:?$/;
/** Characters "." does not match: a line holding one is never a heading, item or quote (their text is ".*"). */
const LINE_TERMINATOR = /[\r\u2028\u2029]/;
const IMAGE_ONLY = /^[ \t]*!\[[^\]]*\]\([^)]*\)[ \t]*$/;
/**
 * A link reference definition: `[label]: destination` with an optional quoted title, alone on its
 * line (CommonMark renders nothing for it). The label is bounded, so a line is read in linear time.
 */
const LINK_DEFINITION = /^ {0,3}\[[^\]]{1,999}\]:[ \t]*(?:<[^<>\n]*>|[^\s<>]+)(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^()]*\)))?[ \t]*$/;

/** Inline markup a cleaning rule reads through (never applied to the text that is kept). */
const INLINE_IMAGE = /!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])/g;
const INLINE_LINK = /\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])/g;
const AUTOLINK = /<((?:https?|mailto):[^<>\s]*)>/gi;
const EMPHASIS_AND_CODE = /[*_`~]+/g;
const ESCAPE = /\\([!-/:-@[-`{-~])/g;
/** Longer text is never looked through: no boilerplate block is this long, and the patterns above stay cheap. */
const MAX_LOOK_THROUGH = 2000;

/**
 * The words of a Markdown block as a reader sees them: images dropped, links as their text,
 * autolinks as their address, emphasis, code and strike-through markers and backslash escapes
 * removed. For judging a block (is it a share row? a newsletter prompt?); the block's text itself
 * keeps its markup. Text longer than MAX_LOOK_THROUGH is returned as it is.
 */
export function withoutInlineMarkup(text: string): string {
  if (text.length > MAX_LOOK_THROUGH) return text;
  return text
    .replace(INLINE_IMAGE, ' ')
    .replace(INLINE_LINK, '$1')
    .replace(AUTOLINK, '$1')
    .replace(ESCAPE, '$1')
    .replace(EMPHASIS_AND_CODE, '');
}

/** Reads a Markdown file: front matter into `meta`, the body into blocks. */
export function readMarkdown(source: string): RawDocument {
  const frontMatter = readFrontMatter(source);
  const body = frontMatter ? source.slice(frontMatter.length) : source;
  return { blocks: new BlockParser().parse(body), meta: frontMatter?.meta ?? {}, problems: frontMatter?.problems ?? [] };
}

/**
 * The front matter at the top of the file and its length, or undefined when there is none.
 * Text between two `---` lines that is not a YAML mapping (a lone line of prose between
 * thematic breaks) is body text, not front matter.
 */
function readFrontMatter(source: string): (ReturnType<typeof metaFromRecord> & { length: number }) | undefined {
  const match = FRONT_MATTER.exec(source);
  if (!match) return undefined;
  const length = match[0].length;
  let record: unknown;
  try {
    record = parseYaml(match[1] ?? '');
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return { length, meta: {}, problems: [`front matter is not valid YAML (${reason}); its metadata was ignored`] };
  }
  if (record !== null && typeof record !== 'object') return undefined;
  return { length, ...metaFromRecord(record, 'front matter') };
}

/** A line-by-line block parser: paragraph and list-item lines accumulate until a block ends. */
class BlockParser {
  private readonly blocks: RawBlock[] = [];
  private open: { kind: 'paragraph' | 'item'; lines: string[] } | undefined;
  private fence: { marker: string; lines: string[] } | undefined;

  parse(body: string): RawBlock[] {
    for (const line of body.split('\n')) this.line(line);
    this.closeFence();
    this.close();
    return this.blocks;
  }

  private line(line: string): void {
    if (this.fence) {
      this.fenceLine(this.fence, line);
      return;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      this.close();
      this.fence = { marker: fence[1] ?? '```', lines: [] };
    } else if (this.open?.kind === 'paragraph' && SETEXT_UNDERLINE.test(line)) {
      this.closeAs('heading');
    } else if (line.trim() === '' || IMAGE_ONLY.test(line) || isThematicBreak(line)) {
      this.close();
    } else if (this.open === undefined && LINK_DEFINITION.test(line)) {
      // A link reference definition (it cannot interrupt a paragraph): markup, not text.
    } else {
      this.contentLine(line);
    }
  }

  private contentLine(line: string): void {
    const plain = !LINE_TERMINATOR.test(line);
    const heading = plain ? atxHeadingText(line) : undefined;
    const quote = plain ? BLOCK_QUOTE.exec(line) : null;
    const item = plain ? LIST_ITEM.exec(line) : null;
    if (heading !== undefined) {
      this.emit('heading', heading);
    } else if (TABLE_LINE.test(line)) {
      if (isTableSeparator(line)) this.close();
      else this.emit('row', tableRowText(line));
    } else if (quote) {
      // A quote line is a block of its own: joining quote lines would put their `>` markers inside the block.
      this.emit('paragraph', quote[1] ?? '');
    } else if (item) {
      this.close();
      this.open = { kind: 'item', lines: [item[1] ?? ''] };
    } else if (this.open) {
      this.open.lines.push(line);
    } else {
      this.open = { kind: 'paragraph', lines: [line] };
    }
  }

  private fenceLine(fence: { marker: string; lines: string[] }, line: string): void {
    const closing = FENCE.exec(line)?.[1];
    const closes = closing !== undefined && closing[0] === fence.marker[0] && closing.length >= fence.marker.length && line.trim() === closing;
    if (closes) this.closeFence();
    else if (line.trim() !== '') fence.lines.push(line.trimEnd());
  }

  private closeFence(): void {
    if (!this.fence) return;
    const text = this.fence.lines.join('\n');
    this.fence = undefined;
    this.push('paragraph', text);
  }

  private emit(kind: RawBlock['kind'], text: string): void {
    this.close();
    this.push(kind, text);
  }

  private close(): void {
    if (this.open) this.closeAs(this.open.kind);
  }

  private closeAs(kind: RawBlock['kind']): void {
    const lines = this.open?.lines ?? [];
    this.open = undefined;
    this.push(kind, lines.map((line) => line.trim()).join(' '));
  }

  private push(kind: RawBlock['kind'], text: string): void {
    const trimmed = text.trim();
    if (trimmed !== '') this.blocks.push({ kind, text: trimmed });
  }
}

/**
 * The text of an ATX heading line ("## Title ##" → "Title"), or undefined when the line is not
 * one: the text after the opening "#"s and spaces, without trailing spaces and without a closing
 * run of "#" that follows a space.
 */
function atxHeadingText(line: string): string | undefined {
  const opening = ATX_OPENING.exec(line);
  if (!opening) return undefined;
  const start = skipSpaces(line, opening[0].length);
  let end = trimSpacesEnd(line, start, line.length);
  let hashes = end;
  while (hashes > start && line[hashes - 1] === '#') hashes--;
  if (hashes < end && hashes > start && isSpace(line[hashes - 1])) end = trimSpacesEnd(line, start, hashes);
  return line.slice(start, end);
}

/** Whether a line is a table's separator row ("| --- | :-: |"): cells of dashes between pipes. */
function isTableSeparator(line: string): boolean {
  let start = skipSpaces(line, 0);
  let end = trimSpacesEnd(line, start, line.length);
  if (line[start] === '|') start++;
  if (end > start && line[end - 1] === '|') end--;
  return line
    .slice(start, end)
    .split('|')
    .every((cell) => SEPARATOR_CELL.test(cell.slice(skipSpaces(cell, 0), trimSpacesEnd(cell, 0, cell.length))));
}

/** Whether a line is a thematic break: up to three spaces, then three or more of one of "-", "*", "_", with only spaces and tabs between. */
function isThematicBreak(line: string): boolean {
  let start = 0;
  while (start < 3 && line[start] === ' ') start++;
  const marker = line[start];
  if (marker !== '-' && marker !== '*' && marker !== '_') return false;
  let count = 0;
  for (let at = start; at < line.length; at++) {
    if (line[at] === marker) count++;
    else if (!isSpace(line[at])) return false;
  }
  return count >= 3;
}

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

/** The index of the first character at or after `from` that is not a space or tab. */
function skipSpaces(text: string, from: number): number {
  let at = from;
  while (at < text.length && isSpace(text[at])) at++;
  return at;
}

/** `end` moved back over spaces and tabs, not before `start`. */
function trimSpacesEnd(text: string, start: number, end: number): number {
  let at = end;
  while (at > start && isSpace(text[at - 1])) at--;
  return at;
}

/** A pipe-table row without its outer pipes; the cells and the pipes between them stay as written. */
function tableRowText(line: string): string {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').trim();
}
