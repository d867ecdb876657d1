/** What `/ask` says about narrowing a question: the line above a narrowed answer, and why a filter was refused. */
import type { ArticleFilter, EmptyFilterReason } from '../../answer/article-filter.js';
import { truncate } from './limits.js';

/** Told when `since` is not a date. */
export function badSinceMessage(given: string): string {
  return `\`since\` must be a date like 2026-11-05 (or 2026-11, or 2026); “${truncate(given, 40)}” is not one.`;
}

/** The filter's conditions in words: "published since 2026-11-01", "from MENAFN". */
function conditions(filter: ArticleFilter): string[] {
  const parts: string[] = [];
  if (filter.since !== undefined) parts.push(`published since ${filter.since}`);
  if (filter.outlet !== undefined) parts.push(`from ${filter.outlet}`);
  return parts;
}

/** "Searched only the 2 articles published since 2026-11-01, from MENAFN." */
export function filterLine(filter: ArticleFilter, articles: number): string {
  const what = filter.articleId !== undefined ? `the article \`${filter.articleId.replace(/`/g, 'ˋ')}\`` : `the ${articles} article${articles === 1 ? '' : 's'}`;
  return truncate(`Searched only ${[what, ...conditions(filter)].join(', ')}.`, 300);
}

/** Why nothing was searched (one line with what to do instead). */
export function emptyFilterMessage(reason: EmptyFilterReason, filter: ArticleFilter): string {
  switch (reason.kind) {
    case 'unknown-article':
      return `No such article: \`${truncate(reason.articleId, 80).replace(/`/g, 'ˋ')}\`. Pick one from the list as you type, or see \`/sources\`.`;
    case 'unknown-outlet': {
      const known = reason.outlets.length === 0 ? 'No article names its outlet.' : `Outlets: ${truncate(reason.outlets.join(', '), 1200)}.`;
      return `No article is from “${truncate(reason.outlet, 80)}”. ${known}`;
    }
    case 'nothing-matches': {
      const asked = [...(filter.articleId !== undefined ? [`the article \`${filter.articleId.replace(/`/g, 'ˋ')}\``] : []), ...conditions(filter)].join(', ');
      const dates = filter.since === undefined ? '' : reason.dated === 0 ? ' No article has a publication date.' : ` The newest article is from ${reason.newest ?? '?'}.`;
      return `No article matches (${asked}), so there is nothing to search.${dates} Try an earlier \`since\`, or leave out \`outlet\` or \`article\`.`;
    }
  }
}
