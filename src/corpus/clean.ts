/**
 * Boilerplate removal, the way a reader skips it: newsletter sign-ups, "Read also:" link
 * lists, tables of contents, comment prompts, by-lines with view counters, image-caption
 * teasers, a title printed twice, a section label above the headline.
 *
 * Rules work on whole blocks (never inside one), so every kept sentence stays verbatim. They
 * are general web boilerplate — the patterns below are data, not per-file fixes — and each
 * is conservative: when in doubt a block is kept. They judge a block by the words a reader sees:
 * Markdown's inline markup ("**Share:** [Facebook](…)") is looked through (withoutInlineMarkup),
 * so a Markdown page loses the same clutter as the HTML page it was made from.
 */
import { parseByline } from './byline.js';
import { withoutInlineMarkup } from './readers/markdown.js';
import type { RawBlock } from './raw-document.js';
import { collapseWhitespace, isShortPhrase, wordCount } from './text-shape.js';

/** The cleaning rules, by name. */
export type RuleName =
  | 'link-list'
  | 'boilerplate'
  | 'byline'
  | 'repeated-block'
  | 'teaser-carousel'
  | 'section-label';

/** A block a rule removed, and the rule's name. */
export interface Removal {
  rule: RuleName;
  block: RawBlock;
}

/** The cleaned blocks and what was removed from them. */
export interface CleanResult {
  blocks: RawBlock[];
  removed: Removal[];
}

/** Blocks longer than this are article prose, whatever they start with. */
const MAX_BOILERPLATE_WORDS = 30;

/** Share and follow buttons: the networks' names as they label them. */
const SOCIAL =
  '(?:facebook|x|twitter|linkedin|whatsapp|telegram|reddit|e-?mail|print|copy(?: link)?|pinterest|threads|bluesky|mastodon|instagram|youtube|tiktok|flipboard)';
/** Between two of them: a space, a separator, or "and" (on whitespace-collapsed text). */
const SOCIAL_SEPARATOR = '(?: ?[|·•,/] ?| and | )';

/** Whole blocks that are site furniture (matched against the block's whitespace-collapsed text). */
const BOILERPLATE_PATTERNS: readonly RegExp[] = [
  // Newsletter sign-ups ("LET’S KEEP IN TOUCH!", "We’d love to keep you updated…", "We don’t spam!…").
  /^let[’']?s (?:keep|stay) in touch\b/i,
  /^we[’']?d love to keep you (?:updated|posted|informed)\b/i,
  /^we don[’']?t spam\b/i,
  /^read our privacy policy\b/i,
  /^(?:sign up|subscribe)\b.*\bnewsletter\b/i,
  // Comment prompts and share buttons.
  /^(?:leave|post|add|write) a (?:comment|reply)\b/i,
  /^\d[\d,.]*\s*[km]? (?:comments?|responses?)$/i,
  /^share(?: this)?(?: (?:article|post|story|on \w+))?:?$/i,
  // A row of share or follow buttons ("Share this article: Facebook | X | LinkedIn", "Follow us on X").
  new RegExp(`^(?:share(?: this)?(?: (?:article|post|story|page))?|follow us(?: on)?) ?:? ?${SOCIAL}(?:${SOCIAL_SEPARATOR}${SOCIAL})*$`, 'i'),
  new RegExp(`^${SOCIAL}(?:${SOCIAL_SEPARATOR}${SOCIAL})+$`, 'i'),
  // Cookie banners ("We use cookies to improve your experience. By continuing you agree to our Cookie Policy.").
  /^(?:this (?:web)?site|our (?:web)?site|we) uses? cookies\b.*\b(?:accept|agree to|consent to|(?:cookie|privacy) polic)/i,
  /^(?:accept|allow|reject|decline)(?: all)? cookies$/i,
  /^cookie (?:policy|settings|preferences)$/i,
  // Counters, ads and page chrome.
  /^\d[\d,.]*\s*[km]? (?:views?|shares?)$/i,
  /^advertisement$/i,
  /^skip to (?:main )?content$/i,
  /^(?:©|copyright ©?\s*\d{4})/i,
];

/** Labels that introduce a list of links to other pages; the link titles listed under them go too. */
const LINK_LIST_LABELS: readonly RegExp[] = [
  /^(?:read also|also read|see also|read more|more to read|recommended(?: reading| for you)?)\s*:?$/i,
  /^related(?: (?:posts|articles|stories|reading|coverage|news))?\s*:?$/i,
  /^(?:more (?:stories|news|on this(?: story)?)|you (?:may|might) also like|most read|popular posts)\s*:?$/i,
  /^(?:table of contents|contents)\s*:?$/i,
  // A share or follow label above a list of its buttons.
  /^(?:share(?: this)?(?: (?:article|post|story|page))?|follow us(?: on)?)\s*:$/i,
];

/** The same labels followed by one link title in the same block ("Read also: Some Other Story"). */
const INLINE_LINK_LABEL = /^(?:read also|also read|see also|read more|related)\s*:\s*(.+)$/i;

/** Link labels of a teaser carousel: each follows an image caption ("In pictures Trump meets with Putin" / "Details"). */
const TEASER_LINK_LABELS: readonly RegExp[] = [/^(?:details|view details|see more|view gallery|see gallery)$/i];

/** A by-line has at most this many words. */
const MAX_BYLINE_WORDS = 12;

/** A section label above a headline has at most this many words; the headline at least this many. */
const MAX_SECTION_LABEL_WORDS = 4;
const MIN_HEADLINE_WORDS = 6;

interface CleaningRule {
  name: RuleName;
  /** Indices of the blocks to remove. */
  find(blocks: readonly RawBlock[]): Set<number>;
}

/** The rules, in the order they run (later rules see the earlier ones' output). */
const RULES: readonly CleaningRule[] = [
  { name: 'link-list', find: findLinkLists },
  { name: 'boilerplate', find: (blocks) => matchingBlocks(blocks, isBoilerplate) },
  { name: 'byline', find: (blocks) => matchingBlocks(blocks, (block) => isByline(block.text)) },
  { name: 'repeated-block', find: findRepeats },
  { name: 'teaser-carousel', find: findTeasers },
  { name: 'section-label', find: findSectionLabel },
];

/** Removes boilerplate blocks, reporting each removal with the rule that made it. */
export function cleanBlocks(blocks: readonly RawBlock[]): CleanResult {
  let kept = [...blocks];
  const removed: Removal[] = [];
  for (const rule of RULES) {
    const drop = rule.find(kept);
    kept.forEach((block, index) => {
      if (drop.has(index)) removed.push({ rule: rule.name, block });
    });
    kept = kept.filter((_, index) => !drop.has(index));
  }
  return { blocks: kept, removed };
}

/** Whether a block is a by-line ("by Jhon Lennon 42 views"). */
function isByline(text: string): boolean {
  return wordCount(text, MAX_BYLINE_WORDS) <= MAX_BYLINE_WORDS && parseByline(text) !== undefined;
}

function matchingBlocks(blocks: readonly RawBlock[], test: (block: RawBlock, index: number) => boolean): Set<number> {
  return new Set(blocks.flatMap((block, index) => (test(block, index) ? [index] : [])));
}

function isBoilerplate(block: RawBlock): boolean {
  return matchesShortBlock(block.text, BOILERPLATE_PATTERNS);
}

function matchesShortBlock(text: string, patterns: readonly RegExp[]): boolean {
  const seen = withoutInlineMarkup(text);
  if (wordCount(seen, MAX_BOILERPLATE_WORDS) > MAX_BOILERPLATE_WORDS) return false;
  const collapsed = collapseWhitespace(seen);
  return patterns.some((pattern) => pattern.test(collapsed));
}

/** A link title: a short phrase that does not end like a sentence (link lists are titles, not prose). */
function isLinkTitle(block: RawBlock): boolean {
  return isShortPhrase(withoutInlineMarkup(block.text));
}

/** A link-list label and the link-title items right under it; the first item that reads as prose ends the list. */
function findLinkLists(blocks: readonly RawBlock[]): Set<number> {
  const drop = new Set<number>();
  blocks.forEach((block, index) => {
    const inline = INLINE_LINK_LABEL.exec(collapseWhitespace(withoutInlineMarkup(block.text)))?.[1];
    if (inline !== undefined && isShortPhrase(inline)) drop.add(index);
    if (!matchesShortBlock(block.text, LINK_LIST_LABELS)) return;
    drop.add(index);
    for (let next = index + 1; next < blocks.length; next++) {
      const item = blocks[next];
      if (item?.kind !== 'item' || !isLinkTitle(item)) break;
      drop.add(next);
    }
  });
  return drop;
}

/** A block that repeats the one before it, word for word (a title printed twice, a doubled caption). */
function findRepeats(blocks: readonly RawBlock[]): Set<number> {
  const collapsed = blocks.map((block) => collapseWhitespace(block.text));
  return matchingBlocks(blocks, (_, index) => index > 0 && collapsed[index - 1] === collapsed[index]);
}

/**
 * Image-caption teasers: a caption followed by a link label such as "Details". Pairs are removed
 * when two or more come in a row, or when they run to the end of the page — a lone pair in the
 * middle of an article might be a heading and its first line.
 */
function findTeasers(blocks: readonly RawBlock[]): Set<number> {
  const drop = new Set<number>();
  let index = 0;
  while (index < blocks.length) {
    let end = index;
    while (isTeaserPair(blocks, end)) end += 2;
    const pairs = (end - index) / 2;
    if (pairs >= 2 || (pairs === 1 && end === blocks.length)) {
      for (let i = index; i < end; i++) drop.add(i);
    }
    index = Math.max(end, index + 1);
  }
  return drop;
}

function isTeaserPair(blocks: readonly RawBlock[], index: number): boolean {
  const caption = blocks[index];
  const label = blocks[index + 1];
  return (
    caption !== undefined &&
    label !== undefined &&
    caption.kind !== 'item' &&
    isLinkTitle(caption) &&
    !matchesShortBlock(caption.text, TEASER_LINK_LABELS) &&
    matchesShortBlock(label.text, TEASER_LINK_LABELS)
  );
}

/** A short heading ("The Middle East") right above a longer heading that opens the page: a section label, not the title. */
function findSectionLabel(blocks: readonly RawBlock[]): Set<number> {
  const [label, headline] = blocks;
  if (label?.kind !== 'heading' || headline?.kind !== 'heading') return new Set();
  const labelWords = wordCount(label.text);
  const headlineWords = wordCount(headline.text);
  const isLabel = labelWords <= MAX_SECTION_LABEL_WORDS && headlineWords >= Math.max(MIN_HEADLINE_WORDS, 2 * labelWords);
  return isLabel ? new Set([0]) : new Set();
}
