/**
 * Narrowing a question to some of the articles: published on or after a date (`since`), from an
 * outlet, or one article — turned into the set of article ids the search may use, from the catalog
 * (each article's metadata: `published`, `outlet`). Pure: the front ends say what went wrong.
 */
import type { ArticleSummary } from './article-summary.js';

export interface ArticleFilter {
  /** The first day to include, `YYYY-MM-DD` (see parseSince). */
  since?: string;
  /** The outlet, as the articles name it (compared without regard to case or spacing). */
  outlet?: string;
  /** One article's id. */
  articleId?: string;
}

/** Why a filter leaves nothing to search. */
export type EmptyFilterReason =
  | { kind: 'unknown-article'; articleId: string }
  | { kind: 'unknown-outlet'; outlet: string; outlets: string[] }
  | { kind: 'nothing-matches'; dated: number; newest: string | undefined };

export type FilterResult = { ok: true; articleIds: string[] } | { ok: false; reason: EmptyFilterReason };

/**
 * The first day a `since` value names: `2026-11-05`, `2026-11` (the 1st) or `2026` (1 January);
 * undefined when it is not such a date (or not a real day).
 */
export function parseSince(text: string): string | undefined {
  const match = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(text.trim());
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = match[2] === undefined ? 1 : Number(match[2]);
  const day = match[3] === undefined ? 1 : Number(match[3]);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

/** The day an article was published (`YYYY-MM-DD`), when its date can be read. */
export function publishedDay(article: Pick<ArticleSummary, 'published'>): string | undefined {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(article.published ?? '')?.[0];
  return day;
}

/** An outlet name as compared: case and spacing ignored. */
export function outletKey(outlet: string): string {
  return outlet.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The outlets the articles name, each once (as first written), sorted. */
export function outletsOf(articles: readonly ArticleSummary[]): string[] {
  const byKey = new Map<string, string>();
  for (const article of articles) {
    if (article.outlet === undefined) continue;
    const key = outletKey(article.outlet);
    if (key.length > 0 && !byKey.has(key)) byKey.set(key, article.outlet.replace(/\s+/g, ' ').trim());
  }
  return [...byKey.values()].sort((a, b) => a.localeCompare(b));
}

/** Whether a filter narrows anything. */
export function isNarrowing(filter: ArticleFilter): boolean {
  return filter.since !== undefined || filter.outlet !== undefined || filter.articleId !== undefined;
}

/** The ids of the articles a filter leaves (in catalog order), or why it leaves none. */
export function filterArticles(articles: readonly ArticleSummary[], filter: ArticleFilter): FilterResult {
  let left = [...articles];
  if (filter.articleId !== undefined) {
    left = left.filter((article) => article.id === filter.articleId);
    if (left.length === 0) return { ok: false, reason: { kind: 'unknown-article', articleId: filter.articleId } };
  }
  if (filter.outlet !== undefined) {
    const wanted = outletKey(filter.outlet);
    if (!articles.some((article) => article.outlet !== undefined && outletKey(article.outlet) === wanted)) {
      return { ok: false, reason: { kind: 'unknown-outlet', outlet: filter.outlet, outlets: outletsOf(articles) } };
    }
    left = left.filter((article) => article.outlet !== undefined && outletKey(article.outlet) === wanted);
  }
  if (filter.since !== undefined) {
    const since = filter.since;
    left = left.filter((article) => (publishedDay(article) ?? '') >= since);
  }
  if (left.length === 0) {
    const days = articles.map(publishedDay).filter((day): day is string => day !== undefined).sort();
    return { ok: false, reason: { kind: 'nothing-matches', dated: days.length, newest: days.at(-1) } };
  }
  return { ok: true, articleIds: left.map((article) => article.id) };
}
