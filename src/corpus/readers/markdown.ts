/**
 * Markdown: YAML front matter for metadata, then the block structure of the body — ATX and
 * setext headings, list items, pipe-table rows, paragraphs, block quotes and fenced code.
 * Block markers (`#`, `- `, `1. `, `>`, `|`) are stripped from the ends of a block; inline
 * markup (emphasis, links) is left as written.
 */
import { parse as parseYaml } from 'yaml';
import { metaFromRecord } from '../meta-fields.js';
import type { RawBlock, RawDocument } from '../raw-document.js';

const FRONT_MATTER = /^---[ \t]*\n(?:([\s\S]*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)/;

const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^[ \t]*(?:[-*+•]|\d{1,9}[.)])[ \t]+(.*)$/u;
const BLOCK_QUOTE = /^ {0,3}>[ \t]?(.*)$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const TABLE_LINE = /^[ \t]*\|/;
const TABLE_SEPARATOR = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const IMAGE_ONLY = /^[ \t]*!\[[^\]]*\]\([^)]*\)[ \t]*$/;

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
    } else if (line.trim() === '' || IMAGE_ONLY.test(line) || THEMATIC_BREAK.test(line)) {
      this.close();
    } else {
      this.contentLine(line);
    }
  }

  private contentLine(line: string): void {
    const heading = ATX_HEADING.exec(line);
    const quote = BLOCK_QUOTE.exec(line);
    const item = LIST_ITEM.exec(line);
    if (heading) {
      this.emit('heading', heading[1] ?? '');
    } else if (TABLE_LINE.test(line)) {
      if (TABLE_SEPARATOR.test(line)) this.close();
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

/** A pipe-table row without its outer pipes; the cells and the pipes between them stay as written. */
function tableRowText(line: string): string {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').trim();
}
