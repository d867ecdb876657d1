/**
 * `/sources`: the indexed articles, ten to a page, with ◀/▶ buttons whose custom ids carry the page
 * they lead to.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { ArticleSummary } from '../../answer/library.js';
import { sourcesPageId } from '../custom-ids.js';
import { COLORS } from './answer.js';
import { enforceEmbedLimits, fitRendered, LIMITS, truncate } from './limits.js';
import { safeCode, safeText } from './sanitize.js';

/** Articles per page. */
export const SOURCES_PER_PAGE = 10;

/** How many characters one article's entry may take (10 entries stay well inside 4096). */
const ENTRY_MAX = 390;

/** Where a page is in the list. */
export interface PageInfo {
  /** 1-based, clamped to [1, pages]. */
  page: number;
  pages: number;
  /** Index of the first item on the page (0-based) and one past the last. */
  start: number;
  end: number;
}

/** The number of pages for `total` items (at least 1, so that an empty list still has a page). */
export function pageCount(total: number, perPage: number = SOURCES_PER_PAGE): number {
  return Math.max(1, Math.ceil(Math.max(0, total) / perPage));
}

/** The page `requested` (clamped to the pages that exist) of `total` items. */
export function pageInfo(requested: number, total: number, perPage: number = SOURCES_PER_PAGE): PageInfo {
  const pages = pageCount(total, perPage);
  const page = Number.isFinite(requested) ? Math.min(pages, Math.max(1, Math.trunc(requested))) : 1;
  const start = (page - 1) * perPage;
  return { page, pages, start, end: Math.min(total, start + perPage) };
}

/** A page of the sources list as a message: one embed and a row with the ◀/▶ buttons. */
export interface SourcesPageMessage {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
}

/** Renders page `requested` of the articles. */
export function renderSourcesPage(articles: readonly ArticleSummary[], requested: number): SourcesPageMessage {
  const info = pageInfo(requested, articles.length);
  const entries = articles.slice(info.start, info.end).map((article, i) => sourceEntry(article, info.start + i + 1));
  const description =
    entries.length > 0
      ? entries.join('\n\n')
      : 'No articles are indexed yet. A maintainer can add files to the corpus and run `/reindex`.';
  const embed: APIEmbed = {
    title: 'Indexed articles',
    description: truncate(description, LIMITS.embedDescription),
    color: COLORS.info,
    footer: {
      text: `Page ${info.page} of ${info.pages} · ${articles.length} article${articles.length === 1 ? '' : 's'} · /source id:<id> shows one`,
    },
  };
  return { embeds: [enforceEmbedLimits(embed)], components: [pageButtons(info)] };
}

function sourceEntry(article: ArticleSummary, position: number): string {
  const title = fitRendered(article.title.trim() || article.id, 160, safeText).text;
  const details = [article.outlet, article.published]
    .filter((part): part is string => part !== undefined && part.trim().length > 0)
    .map((part) => fitRendered(part.trim(), 60, safeText).text);
  details.push(`${article.chunks} chunk${article.chunks === 1 ? '' : 's'}`);
  const entry = `**${position}.** ${title}\n${safeCode(truncate(article.id, 100))} · ${details.join(' · ')}`;
  return truncate(entry, ENTRY_MAX);
}

function pageButtons(info: PageInfo): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        custom_id: sourcesPageId(info.page - 1, 'prev'),
        label: '◀ Previous',
        disabled: info.page <= 1,
      },
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        custom_id: sourcesPageId(info.page + 1, 'next'),
        label: 'Next ▶',
        disabled: info.page >= info.pages,
      },
    ],
  };
}
