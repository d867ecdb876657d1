/**
 * HTML: the page is parsed with linkedom, its main content found by Mozilla Readability
 * (navigation, footers, sidebars and ads left behind), and the content's DOM walked into
 * blocks — h1–h6 headings, paragraphs, list items, table rows (cells joined by " | ").
 * Metadata comes from Readability and the page's meta tags.
 *
 * Limits (a hostile page costs a warning, never the build, and is read in time linear in its size):
 * - A page whose elements nest more than MAX_HTML_NESTING_DEPTH deep, or that has more than
 *   MAX_HTML_ELEMENTS elements, is not read (no article needs either), so nothing recursive
 *   ever walks a deep tree and no huge tree is built. Both are measured before any tree is.
 * - Readability's work grows with the sum of the depths of all elements. A page nested deeper
 *   than MAX_READABILITY_NESTING_DEPTH or whose depth sum exceeds MAX_READABILITY_DEPTH_SUM is
 *   read without it — the whole body, navigation, asides, footers and scripts still left out —
 *   with a warning. Ordinary articles are far below these limits and are read as before.
 */
import { createRequire } from 'node:module';
import type { Readability as ReadabilityClass } from '@mozilla/readability';
import type { parseHTML as ParseHtml } from 'linkedom';
import { mergeMeta, normalizeDate } from '../meta-fields.js';
import { type DeclaredMeta, type RawBlock, type RawDocument, ReaderRefusal } from '../raw-document.js';
import { collapseWhitespace } from '../text-shape.js';

/** The few DOM members this reader uses (the project builds without the DOM library types). */
interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode>;
}

interface DomElement extends DomNode {
  getAttribute(name: string): string | null;
}

interface DomDocument {
  readonly documentElement: DomElement | null;
  readonly body: DomElement | null;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
}

/**
 * linkedom and Readability, loaded the first time an HTML file is read: they take ~200–350 ms to
 * import, which a bot or `ask` that only answers questions should not pay at start.
 */
let libraries: { parseHTML: typeof ParseHtml; Readability: typeof ReadabilityClass } | undefined;
function htmlLibraries(): NonNullable<typeof libraries> {
  if (!libraries) {
    const require = createRequire(import.meta.url);
    const { parseHTML } = require('linkedom') as { parseHTML: typeof ParseHtml };
    const { Readability } = require('@mozilla/readability') as { Readability: typeof ReadabilityClass };
    libraries = { parseHTML, Readability };
  }
  return libraries;
}

/** Pages whose elements nest deeper than this (counting <html> as 1) are not read. */
export const MAX_HTML_NESTING_DEPTH = 512;

/**
 * Pages of more elements than this are not read: linkedom's time per element grows with the
 * number of elements alive (390,000 took 5 s, 1.5 million minutes). A long news page has a few thousand.
 */
export const MAX_HTML_ELEMENTS = 100_000;

/**
 * Main-content extraction (Readability) measures every element's whole subtree, so its work
 * grows with the sum of all elements' depths (6–15 s per million on a laptop), and faster still
 * on very deep chains. Pages nested deeper than MAX_READABILITY_NESTING_DEPTH, or whose depth sum
 * is over MAX_READABILITY_DEPTH_SUM, are read without it: the whole body, with navigation, asides,
 * footers and scripts still left out. A long news page has a few thousand elements nested 10–30
 * deep: a depth sum near 100,000.
 */
export const MAX_READABILITY_NESTING_DEPTH = 128;
export const MAX_READABILITY_DEPTH_SUM = 500_000;

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** Elements whose content is never article text. */
const SKIPPED_TAGS = new Set([
  'HEAD', 'TITLE', 'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'CANVAS', 'IFRAME', 'OBJECT', 'BUTTON', 'FORM', 'SELECT',
  'NAV', 'ASIDE', 'FOOTER',
]);

/** Elements that are blocks of one kind. */
const KIND_OF_TAG: Readonly<Record<string, RawBlock['kind']>> = {
  H1: 'heading', H2: 'heading', H3: 'heading', H4: 'heading', H5: 'heading', H6: 'heading',
  P: 'paragraph', PRE: 'paragraph', BLOCKQUOTE: 'paragraph', FIGCAPTION: 'paragraph', CAPTION: 'paragraph', DD: 'paragraph',
  LI: 'item', DT: 'item',
};

/** Block-level elements that only group other content: they end the text before them, and their loose text takes the enclosing kind. */
const CONTAINER_TAGS = new Set([
  'HTML', 'BODY', 'DIV', 'SECTION', 'ARTICLE', 'MAIN', 'HEADER', 'HGROUP', 'ADDRESS', 'CENTER', 'FIGURE', 'DETAILS',
  'SUMMARY', 'UL', 'OL', 'DL', 'TABLE', 'THEAD', 'TBODY', 'TFOOT', 'HR',
]);

const CELL_TAGS = new Set(['TD', 'TH']);

/** Where each metadata field may be found in a page's head, in order of preference. */
const META_TAGS: readonly { field: keyof DeclaredMeta; selector: string; attribute: string }[] = [
  { field: 'title', selector: 'meta[property="og:title"]', attribute: 'content' },
  { field: 'title', selector: 'meta[name="twitter:title"]', attribute: 'content' },
  { field: 'url', selector: 'link[rel="canonical"]', attribute: 'href' },
  { field: 'url', selector: 'meta[property="og:url"]', attribute: 'content' },
  { field: 'source', selector: 'meta[property="og:site_name"]', attribute: 'content' },
  { field: 'published', selector: 'meta[property="article:published_time"]', attribute: 'content' },
  { field: 'published', selector: 'meta[itemprop="datePublished"]', attribute: 'content' },
  { field: 'published', selector: 'meta[name="date"]', attribute: 'content' },
  { field: 'published', selector: 'meta[name="pubdate"]', attribute: 'content' },
  { field: 'published', selector: 'meta[name="publish-date"]', attribute: 'content' },
  { field: 'author', selector: 'meta[name="author"]', attribute: 'content' },
  { field: 'author', selector: 'meta[property="article:author"]', attribute: 'content' },
];

/** Reads an HTML page: its main content into blocks, its metadata into `meta`. */
export function readHtml(html: string): RawDocument {
  const nesting = measureNesting(html);
  if (nesting.maxDepth > MAX_HTML_NESTING_DEPTH) {
    throw new ReaderRefusal(`its HTML elements are nested more than ${MAX_HTML_NESTING_DEPTH} deep, past the limit for a readable page`);
  }
  if (nesting.elements > MAX_HTML_ELEMENTS) {
    throw new ReaderRefusal(`it has more than ${MAX_HTML_ELEMENTS.toLocaleString('en')} HTML elements, past the limit for a readable page`);
  }
  const page = parseDocument(html);
  // Read the head and the page's headings first: Readability rewrites the document it is given.
  const tagged = metaFromTags(page);
  const pageTitle = collapseWhitespace(page.querySelector('title')?.textContent ?? '');
  const pageHeadings = new Set(textsOf(page.querySelectorAll('h1, h2')));
  const tooDeep = nesting.maxDepth > MAX_READABILITY_NESTING_DEPTH || nesting.depthSum > MAX_READABILITY_DEPTH_SUM;
  const article = tooDeep ? null : mainContent(page);
  const problems = tooDeep
    ? ['its HTML is nested too deeply to find the main content quickly; the whole page was read (navigation, asides and footers left out)']
    : [];

  const content = article?.content ?? (tooDeep ? page : parseDocument(html)).body;
  const blocks = content ? new BlockCollector().collect(content) : [];
  const meta = mergeMeta(readabilityMeta(article), tagged);
  const title = withoutSiteName(meta.title ?? pageTitle, meta.source);
  if (title === '') return { blocks, meta, problems };
  return { blocks: withHeadline(blocks, title, pageHeadings), meta: { ...meta, title }, problems };
}

/** The callbacks and calls of htmlparser2's streaming parser that `measureNesting` uses. */
interface TagParser {
  write(chunk: string): void;
  end(): void;
}
type TagParserClass = new (
  handler: { onopentag(): void; onclosetag(): void },
  options: { lowerCaseAttributeNames: boolean; decodeEntities: boolean; xmlMode: boolean },
) => TagParser;

/** htmlparser2, the tokenizer and tree builder linkedom parses with, resolved through linkedom so that both agree. */
let tagParser: TagParserClass | undefined;
function tagParserClass(): TagParserClass {
  if (!tagParser) {
    const linkedomRequire = createRequire(createRequire(import.meta.url).resolve('linkedom'));
    ({ Parser: tagParser } = linkedomRequire('htmlparser2') as { Parser: TagParserClass });
  }
  return tagParser;
}

/** Thrown inside the parse to stop it as soon as the page passes a limit. */
const PAST_LIMIT = Symbol('past a limit');

/**
 * How many elements the page has, how deep they nest (an element at the top level at depth 1)
 * and the sum of their depths, measured by a streaming parse that builds no tree — the tree that
 * linkedom builds from the same events has the same shape. The parse stops once the depth passes
 * MAX_HTML_NESTING_DEPTH or the count MAX_HTML_ELEMENTS, so it never holds a deeper stack
 * (htmlparser2's open-element stack costs time in its depth for every tag: a 100,000-deep page
 * takes it minutes).
 */
export function measureNesting(html: string): { elements: number; maxDepth: number; depthSum: number } {
  let elements = 0;
  let depth = 0;
  let maxDepth = 0;
  let depthSum = 0;
  const handler = {
    onopentag(): void {
      elements++;
      depth++;
      depthSum += depth;
      maxDepth = Math.max(maxDepth, depth);
      if (depth > MAX_HTML_NESTING_DEPTH || elements > MAX_HTML_ELEMENTS) throw PAST_LIMIT;
    },
    onclosetag(): void {
      depth--;
    },
  };
  const parser = new (tagParserClass())(handler, { lowerCaseAttributeNames: false, decodeEntities: true, xmlMode: false });
  try {
    parser.write(html);
    parser.end();
  } catch (error) {
    if (error !== PAST_LIMIT) throw error;
  }
  return { elements, maxDepth, depthSum };
}

/** Puts the headline back on top when it is a heading of the page that Readability left out of the content. */
function withHeadline(blocks: RawBlock[], title: string, pageHeadings: ReadonlySet<string>): RawBlock[] {
  const kept = blocks.some((block) => block.kind === 'heading' && block.text === title);
  return pageHeadings.has(title) && !kept ? [{ kind: 'heading', text: title }, ...blocks] : blocks;
}

/** Parses a page; a fragment without an <html> root element is parsed as the body of one (linkedom needs the root). */
function parseDocument(html: string): DomDocument {
  const page: { document: DomDocument } = htmlLibraries().parseHTML(html);
  if (page.document.documentElement?.nodeName.toUpperCase() === 'HTML') return page.document;
  const wrapped: { document: DomDocument } = htmlLibraries().parseHTML(`<!doctype html><html><head></head><body>${html}</body></html>`);
  return wrapped.document;
}

type ReadabilityArticle = ReturnType<ReadabilityClass<DomNode>['parse']>;

/** Readability's reading of the page (its content as a DOM tree), or null when it finds no content. */
function mainContent(page: DomDocument): ReadabilityArticle {
  try {
    return new (htmlLibraries().Readability)<DomNode>(page, { serializer: (node: DomNode) => node }).parse();
  } catch {
    return null;
  }
}

/** Metadata Readability found (it reads JSON-LD, Open Graph and by-lines), without empty values. */
function readabilityMeta(article: ReadabilityArticle): DeclaredMeta {
  const meta: DeclaredMeta = {};
  const set = (field: keyof DeclaredMeta, value: string | null | undefined): void => {
    const text = collapseWhitespace(value ?? '');
    if (text !== '') meta[field] = text;
  };
  set('title', article?.title);
  set('source', article?.siteName);
  set('author', article?.byline?.replace(/^by\s+/i, ''));
  set('published', article?.publishedTime ? normalizeDate(article.publishedTime) : undefined);
  return meta;
}

function metaFromTags(document: DomDocument): DeclaredMeta {
  const meta: DeclaredMeta = {};
  for (const { field, selector, attribute } of META_TAGS) {
    const value = collapseWhitespace(document.querySelector(selector)?.getAttribute(attribute) ?? '');
    // article:author is often a profile URL, not a name.
    if (meta[field] !== undefined || value === '' || (field === 'author' && /^https?:/.test(value))) continue;
    meta[field] = field === 'published' ? normalizeDate(value) : value;
  }
  return meta;
}

/** "Big News | The Daily Planet" → "Big News", when the site is "The Daily Planet". */
function withoutSiteName(title: string, siteName: string | undefined): string {
  if (siteName === undefined || title === siteName || !title.endsWith(siteName)) return title;
  const rest = title.slice(0, title.length - siteName.length).trimEnd();
  const stripped = rest.replace(/\s*[|\-–—:·»]$/u, '').trimEnd();
  return stripped !== rest && stripped !== '' ? stripped : title;
}

function textsOf(elements: ArrayLike<DomElement>): string[] {
  return Array.from(elements, (element) => collapseWhitespace(inlineText(element)));
}

/** The text of a node's content, with line breaks read as spaces and skipped elements left out. */
function inlineText(node: DomNode): string {
  if (node.nodeType === TEXT_NODE) return node.textContent ?? '';
  if (node.nodeType !== ELEMENT_NODE) return '';
  const tag = node.nodeName.toUpperCase();
  if (SKIPPED_TAGS.has(tag)) return '';
  if (tag === 'BR') return ' ';
  return Array.from(node.childNodes, inlineText).join('');
}

/**
 * Walks a DOM tree in document order. Text accumulates until a block boundary, then becomes a
 * block of the kind of the element it was in; inline elements (links, emphasis) are read through.
 */
class BlockCollector {
  private readonly blocks: RawBlock[] = [];
  private pending: string[] = [];

  collect(root: DomNode): RawBlock[] {
    this.visitChildren(root, 'paragraph');
    this.flush('paragraph');
    return this.blocks;
  }

  private visitChildren(node: DomNode, kind: RawBlock['kind']): void {
    for (const child of Array.from(node.childNodes)) this.visit(child, kind);
  }

  private visit(node: DomNode, kind: RawBlock['kind']): void {
    const tag = node.nodeName.toUpperCase();
    if (node.nodeType !== ELEMENT_NODE || tag === 'BR' || SKIPPED_TAGS.has(tag)) {
      this.pending.push(inlineText(node));
      return;
    }
    if (tag === 'TR') {
      this.flush(kind);
      this.push('row', rowText(node));
      return;
    }
    const blockKind = KIND_OF_TAG[tag] ?? (CONTAINER_TAGS.has(tag) ? kind : undefined);
    if (blockKind === undefined) {
      this.visitChildren(node, kind);
      return;
    }
    this.flush(kind);
    this.visitChildren(node, blockKind);
    this.flush(blockKind);
  }

  private flush(kind: RawBlock['kind']): void {
    this.push(kind, this.pending.join(''));
    this.pending = [];
  }

  private push(kind: RawBlock['kind'], text: string): void {
    const collapsed = collapseWhitespace(text);
    if (collapsed !== '') this.blocks.push({ kind, text: collapsed });
  }
}

/** A table row's cells, joined by " | " (empty cells left out). */
function rowText(row: DomNode): string {
  return Array.from(row.childNodes)
    .filter((cell) => CELL_TAGS.has(cell.nodeName.toUpperCase()))
    .map((cell) => collapseWhitespace(inlineText(cell)))
    .filter((cell) => cell !== '')
    .join(' | ');
}
