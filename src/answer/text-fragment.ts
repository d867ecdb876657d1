/**
 * Links that open an article's page at the quoted sentence: URL Fragment Text Directives
 * (https://wicg.github.io/scroll-to-text-fragment/), `#:~:text=[prefix-,]start[,end][,-suffix]`.
 * A browser that supports them (Chrome, Edge, Safari, Firefox 131+) scrolls to the first passage of
 * the page that matches and highlights it; one that does not simply opens the page.
 *
 * The directive is chosen so that, searched for the way the spec searches (case-insensitive,
 * whitespace runs as one space, whole words, the first match wins), it finds exactly the quote in
 * the article's cleaned text: the whole quote when it is short, else its first and last words; with
 * the words just before or after it when the quote's words also occur earlier. The page itself may
 * hold text the cleaner removed (menus, captions): a match there is the rare case where the link
 * lands on an earlier passage, never a broken page.
 */

/** The parts of a text directive (before percent-encoding). Only `start` is required. */
export interface TextDirective {
  prefix?: string;
  start: string;
  end?: string;
  suffix?: string;
}

/** Quotes of at most this many words are given whole; longer ones by their first and last words. */
const WHOLE_QUOTE_WORDS = 10;
/** How many first/last words are tried for a long quote, in order, until the directive is unambiguous. */
const EDGE_WORDS = [4, 6, 8] as const;
/** How many words of context (prefix, suffix) are tried, in order. */
const CONTEXT_WORDS = [0, 2, 4] as const;
/** How many candidate matches one search may try (see `findTextDirective`). */
const MAX_SEARCH_TRIES = 1000;
/** A link longer than this is not made (Discord and most chat clients show long links badly). */
export const MAX_LINK_LENGTH = 600;

/**
 * Percent-encodes one term. Beyond what `encodeURIComponent` escapes, `-` is escaped because the
 * directive syntax gives it a meaning (the spec requires it, as it does `&` and `,`), and `(` `)`
 * so that the link can stand in a Markdown link.
 */
export function encodeTerm(term: string): string {
  return encodeURIComponent(term).replace(/[-()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `text=[prefix-,]start[,end][,-suffix]`, each part percent-encoded. */
export function formatTextDirective(directive: TextDirective): string {
  const parts: string[] = [];
  if (directive.prefix !== undefined) parts.push(`${encodeTerm(directive.prefix)}-`);
  parts.push(encodeTerm(directive.start));
  if (directive.end !== undefined) parts.push(encodeTerm(directive.end));
  if (directive.suffix !== undefined) parts.push(`-${encodeTerm(directive.suffix)}`);
  return `text=${parts.join(',')}`;
}

/**
 * `url` with the directive as its fragment directive (`#:~:text=…`). An existing fragment is kept
 * before it (`#section:~:text=…`); an existing fragment directive is replaced.
 */
export function withTextDirective(url: string, directive: TextDirective): string {
  const hash = url.indexOf('#');
  const base = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : url.slice(hash + 1);
  const directiveAt = fragment.indexOf(':~:');
  const kept = directiveAt < 0 ? fragment : fragment.slice(0, directiveAt);
  return `${base}#${kept}:~:${formatTextDirective(directive)}`;
}

/**
 * The link to `url` (http or https) that opens at `text.slice(start, end)`, or undefined when no
 * directive finds exactly that passage in `text` (or the link would be too long).
 */
export function quoteLink(url: string, text: string, start: number, end: number): string | undefined {
  if (!isWebUrl(url)) return undefined;
  const directive = textDirectiveFor(text, start, end);
  if (directive === undefined) return undefined;
  const link = withTextDirective(url, directive);
  return link.length <= MAX_LINK_LENGTH ? link : undefined;
}

function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** The shortest directive tried that finds exactly `text.slice(start, end)` in `text`, if any. */
export function textDirectiveFor(text: string, start: number, end: number): TextDirective | undefined {
  // The first match wins, so what follows the quote's line cannot change which passage is found.
  const page = normalise(text.slice(0, lineEnd(text, end)));
  // The quote starts with a letter, not a space, so the two parts normalise apart as they do together.
  const from = normalise(text.slice(0, start)).length;
  const target = trimRange(page, from, from + normalise(text.slice(start, end)).length);
  if (target.end <= target.start) return undefined;

  const lines = text.slice(start, end).split('\n').map(words).filter((line) => line.length > 0);
  const first = lines[0] ?? [];
  const last = lines.at(-1) ?? [];
  const before = words(text.slice(text.lastIndexOf('\n', start - 1) + 1, start));
  const after = words(text.slice(end, lineEnd(text, end)));

  const cores: { start: string; end?: string }[] = [];
  if (lines.length === 1 && first.length <= WHOLE_QUOTE_WORDS) cores.push({ start: first.join(' ') });
  for (const n of EDGE_WORDS) {
    if (lines.length === 1 && 2 * n >= first.length) break;
    cores.push({ start: first.slice(0, n).join(' '), end: last.slice(-n).join(' ') });
  }
  for (const context of CONTEXT_WORDS) {
    for (const core of cores) {
      const directive: TextDirective = { ...core };
      if (context > 0 && before.length > 0) directive.prefix = before.slice(-context).join(' ');
      if (context > 0 && after.length > 0) directive.suffix = after.slice(0, context).join(' ');
      if (context > 0 && directive.prefix === undefined && directive.suffix === undefined) continue;
      const found = findTextDirective(page, directive);
      if (found !== undefined && found.start === target.start && found.end === target.end) return directive;
    }
  }
  return undefined;
}

/**
 * Where a browser would find the directive in `text` (already normalised: one space for each run of
 * whitespace, lower case), following the spec's search: the first `start` (after `prefix`, if given,
 * with only whitespace between), then the first `end` after it, then `suffix` right after; every
 * term on word boundaries. Undefined when nothing matches.
 */
export function findTextDirective(text: string, directive: TextDirective): { start: number; end: number } | undefined {
  // Common words can make the search try each start against many ends; past this many tries the
  // directive is taken as not finding the passage (the next, more specific one is tried instead).
  let tries = 0;
  const start = key(directive.start);
  const end = directive.end === undefined ? undefined : key(directive.end);
  const prefix = directive.prefix === undefined ? undefined : key(directive.prefix);
  const suffix = directive.suffix === undefined ? undefined : key(directive.suffix);
  let from = 0;
  for (;;) {
    if (++tries > MAX_SEARCH_TRIES) return undefined;
    let matchStart: number;
    if (prefix !== undefined) {
      const p = findWord(text, prefix, from);
      if (p < 0) return undefined;
      from = p + 1;
      matchStart = skipSpace(text, p + prefix.length);
      if (!matchesAt(text, start, matchStart)) continue;
    } else {
      matchStart = findWord(text, start, from);
      if (matchStart < 0) return undefined;
      from = matchStart + 1;
    }
    const startEnd = matchStart + start.length;
    if (end === undefined) {
      if (suffix === undefined || matchesAt(text, suffix, skipSpace(text, startEnd))) return { start: matchStart, end: startEnd };
      continue;
    }
    // Each later `end` is tried until the suffix follows one; with no `end` left, nothing matches.
    for (let e = findWord(text, end, startEnd); ; e = findWord(text, end, e + 1)) {
      if (e < 0 || ++tries > MAX_SEARCH_TRIES) return undefined;
      const rangeEnd = e + end.length;
      if (suffix === undefined || matchesAt(text, suffix, skipSpace(text, rangeEnd))) return { start: matchStart, end: rangeEnd };
    }
  }
}

/** A text as the spec's search sees it: whitespace runs as one space, letters in lower case. */
function normalise(text: string): string {
  const lower = text.toLowerCase();
  // A letter whose lower case is longer (İ) is kept as it is, so that offsets stay one to one.
  const cased = lower.length === text.length ? lower : Array.from(text, (c) => (c.toLowerCase().length === c.length ? c.toLowerCase() : c)).join('');
  return cased.replace(/\s+/g, ' ');
}

function key(term: string): string {
  return normalise(term.trim());
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((word) => word.length > 0);
}

function lineEnd(text: string, from: number): number {
  const at = text.indexOf('\n', from);
  return at < 0 ? text.length : at;
}

function trimRange(text: string, start: number, end: number): { start: number; end: number } {
  let s = start;
  let e = end;
  while (s < e && text[s] === ' ') s++;
  while (e > s && text[e - 1] === ' ') e--;
  return { start: s, end: e };
}

function skipSpace(text: string, at: number): number {
  return text[at] === ' ' ? at + 1 : at;
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

function isBoundary(text: string, at: number): boolean {
  if (at <= 0 || at >= text.length) return true;
  return !(WORD_CHAR.test(text[at - 1]!) && WORD_CHAR.test(text[at]!));
}

function matchesAt(text: string, term: string, at: number): boolean {
  return text.startsWith(term, at) && isBoundary(text, at) && isBoundary(text, at + term.length);
}

/** The first position at or after `from` where `term` stands on word boundaries, or -1. */
function findWord(text: string, term: string, from: number): number {
  if (term.length === 0) return -1;
  for (let at = text.indexOf(term, from); at >= 0; at = text.indexOf(term, at + 1)) {
    if (isBoundary(text, at) && isBoundary(text, at + term.length)) return at;
  }
  return -1;
}
