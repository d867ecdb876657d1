/**
 * An article's metadata: what the file or its sidecar declares, and otherwise conservative
 * guesses from the cleaned text — the headline, the outlet where the text names it, the
 * author of a by-line. No guess is better than a wrong one.
 */
import { parseByline } from './byline.js';
import type { Removal } from './clean.js';
import type { DeclaredMeta, RawBlock } from './raw-document.js';
import { wordCount } from './text-shape.js';
import type { ArticleMeta } from './types.js';

/** The headline is looked for among this many blocks at the top, and has at least this many words. */
const TITLE_SEARCH_BLOCKS = 3;
const MIN_TITLE_WORDS = 3;

/** The outlet is looked for in this many paragraphs at the top (where datelines and attributions are). */
const OUTLET_SEARCH_PARAGRAPHS = 3;

/** A wire-style dateline opening a paragraph: "(MENAFN) The…", "MOSCOW (Reuters) - The…". */
const DATELINE = /^(?:\p{Lu}[\p{Lu}\s.,'’-]*\s)?\((\p{Lu}[\p{L}\d&.'’ -]{1,30})\)\s*[-–—:]?\s*\S/u;

/** An outlet abbreviation attributed with a report: "NDTV reports that…", "BBC reported…". */
const ACRONYM_REPORTS = /\b(\p{Lu}[\p{Lu}\d&]{1,7})\s+(?:reports|reported|has reported|is reporting)\b/u;

/** Parenthesized tags that open paragraphs without naming an outlet. */
const NOT_OUTLET_TAGS = new Set(['UPDATE', 'UPDATED', 'FILE', 'PHOTO', 'PHOTOS', 'VIDEO', 'LIVE', 'EXCLUSIVE', 'OPINION', 'ANALYSIS', 'WATCH', 'AUDIO', 'LISTEN', 'SPONSORED', 'AD', 'AP PHOTO']);

/** Abbreviations of bodies that issue reports but are not news outlets. */
const NOT_OUTLET_ACRONYMS = new Set([
  'UN', 'EU', 'US', 'USA', 'UK', 'NATO', 'FBI', 'CIA', 'NSA', 'KGB', 'FSB', 'GRU', 'IAEA', 'WHO', 'IMF', 'WTO',
  'OPEC', 'OSCE', 'ASEAN', 'BRICS', 'NASA', 'UNICEF', 'UNHCR', 'ICC', 'ICJ', 'CDC', 'FDA', 'DOJ', 'DOD', 'SEC',
  'CSIS', 'SIPRI', 'OECD', 'ECB', 'GDP',
]);

/** Everything the pipeline knows about an article besides its text, hash and location. */
export type InferredMeta = Omit<ArticleMeta, 'id' | 'path' | 'contentHash'>;

/**
 * Combines declared metadata with guesses from the cleaned blocks: declared values always win;
 * the title falls back to the article id when no headline can be found.
 */
export function inferMetadata(input: {
  id: string;
  blocks: readonly RawBlock[];
  removed: readonly Removal[];
  declared: DeclaredMeta;
}): InferredMeta {
  const { declared } = input;
  const meta: InferredMeta = { title: declared.title ?? guessTitle(input.blocks) ?? input.id };
  const source = declared.source ?? guessOutlet(input.blocks);
  const author = declared.author ?? bylineAuthor(input.removed);
  if (source !== undefined) meta.source = source;
  if (author !== undefined) meta.author = author;
  if (declared.url !== undefined) meta.url = declared.url;
  if (declared.published !== undefined) meta.published = declared.published;
  return meta;
}

/** The headline: the first heading of several words near the top (a lead paragraph may come before it). */
export function guessTitle(blocks: readonly RawBlock[]): string | undefined {
  return blocks
    .slice(0, TITLE_SEARCH_BLOCKS)
    .find((block) => block.kind === 'heading' && wordCount(block.text) >= MIN_TITLE_WORDS)?.text;
}

/** The outlet named by a dateline or a "<ABBREVIATION> reports" attribution in the first paragraphs. */
export function guessOutlet(blocks: readonly RawBlock[]): string | undefined {
  const paragraphs = blocks.filter((block) => block.kind === 'paragraph').slice(0, OUTLET_SEARCH_PARAGRAPHS);
  for (const { text } of paragraphs) {
    const dateline = DATELINE.exec(text)?.[1]?.trim();
    if (dateline !== undefined && wordCount(dateline) <= 3 && !NOT_OUTLET_TAGS.has(dateline.toUpperCase())) return dateline;
    const reporter = ACRONYM_REPORTS.exec(text)?.[1];
    if (reporter !== undefined && !NOT_OUTLET_ACRONYMS.has(reporter)) return reporter;
  }
  return undefined;
}

function bylineAuthor(removed: readonly Removal[]): string | undefined {
  for (const { rule, block } of removed) {
    const author = rule === 'byline' ? parseByline(block.text) : undefined;
    if (author !== undefined) return author;
  }
  return undefined;
}
