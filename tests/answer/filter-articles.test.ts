/** Narrowing a question to some articles: reading `since`, and the ids a filter leaves (or why none). */
import { describe, expect, it } from 'vitest';
import { filterArticles, outletsOf, parseSince, publishedDay } from '../../src/answer/article-filter.js';
import type { ArticleSummary } from '../../src/answer/article-summary.js';

const article = (id: string, extra: Partial<ArticleSummary> = {}): ArticleSummary => ({ id, title: id, path: `${id}.txt`, chunks: 1, ...extra });
const ARTICLES = [
  article('a', { outlet: 'Reuters', published: '2025-08-07' }),
  article('b', { outlet: 'reuters ', published: '2025-09-02T10:00:00Z' }),
  article('c', { outlet: 'NDTV', published: 'sometime in August' }),
  article('d'),
];

describe('parseSince', () => {
  it('reads a day, a month or a year as its first day, and nothing else', () => {
    expect(parseSince('2026-11-05')).toBe('2026-11-05');
    expect(parseSince(' 2026-11 ')).toBe('2026-11-01');
    expect(parseSince('2026-1-5')).toBe('2026-01-05');
    expect(parseSince('2026')).toBe('2026-01-01');
    for (const bad of ['2025-02-30', '2025-13', 'last week', '05/11/2026', '', '20261105']) expect(parseSince(bad), bad).toBeUndefined();
  });
});

describe('filterArticles', () => {
  it('keeps the articles published on or after the day, from the outlet (case and spacing ignored), or the one article', () => {
    expect(filterArticles(ARTICLES, { since: '2025-08-07' })).toEqual({ ok: true, articleIds: ['a', 'b'] });
    expect(filterArticles(ARTICLES, { since: '2025-08-08' })).toEqual({ ok: true, articleIds: ['b'] });
    expect(filterArticles(ARTICLES, { outlet: 'REUTERS' })).toEqual({ ok: true, articleIds: ['a', 'b'] });
    expect(filterArticles(ARTICLES, { outlet: 'reuters', since: '2025-09-01' })).toEqual({ ok: true, articleIds: ['b'] });
    expect(filterArticles(ARTICLES, { articleId: 'd' })).toEqual({ ok: true, articleIds: ['d'] });
  });

  it('says why it leaves nothing', () => {
    expect(filterArticles(ARTICLES, { articleId: 'zz' })).toEqual({ ok: false, reason: { kind: 'unknown-article', articleId: 'zz' } });
    expect(filterArticles(ARTICLES, { outlet: 'AP' })).toEqual({ ok: false, reason: { kind: 'unknown-outlet', outlet: 'AP', outlets: ['NDTV', 'Reuters'] } });
    // Undated articles (and dates that cannot be read) are not "since" anything.
    expect(filterArticles(ARTICLES, { since: '2026-01-01' })).toEqual({ ok: false, reason: { kind: 'nothing-matches', dated: 2, newest: '2025-09-02' } });
    expect(filterArticles(ARTICLES, { articleId: 'd', since: '2020' })).toMatchObject({ ok: false, reason: { kind: 'nothing-matches' } });
  });

  it('lists each outlet once, and reads the day of a full timestamp', () => {
    expect(outletsOf(ARTICLES)).toEqual(['NDTV', 'Reuters']);
    expect(publishedDay({ published: '2025-09-02T10:00:00Z' })).toBe('2025-09-02');
    expect(publishedDay({ published: 'sometime' })).toBeUndefined();
  });
});
