/** `/source id:<article>`: an article's metadata and its opening lines. */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { ArticleSummary } from '../../answer/library.js';
import { COLORS } from './answer.js';
import { enforceEmbedLimits, fitRendered, LIMITS, truncate } from './limits.js';
import { safeCode, safeLink, safeText, safeUrl } from './sanitize.js';

/** How much of the article's opening is shown. */
export const OPENING_MAX = 1500;

/** Renders an article's metadata and opening lines as one embed within Discord's limits. */
export function renderArticle(article: ArticleSummary & { text: string }): APIEmbed {
  const fields: APIEmbedField[] = [
    { name: 'Id', value: safeCode(truncate(article.id, 200)), inline: true },
    { name: 'File', value: safeCode(truncate(article.path, 300)), inline: true },
    { name: 'Chunks', value: String(article.chunks), inline: true },
  ];
  const optional: [string, string | undefined][] = [
    ['Outlet', article.outlet],
    ['Published', article.published],
    ['Author', article.author],
  ];
  for (const [name, value] of optional) {
    if (value !== undefined && value.trim().length > 0) {
      fields.push({ name, value: fitRendered(value.trim(), 300, safeText).text, inline: true });
    }
  }
  const link = safeLink(article.url, 900);
  if (link !== undefined) fields.push({ name: 'Link', value: link, inline: false });

  const opening = openingLines(article.text, OPENING_MAX);
  const embed: APIEmbed = {
    title: fitRendered(article.title.trim() || article.id, LIMITS.embedTitle, safeText).text,
    description: opening.length > 0 ? opening : '*This article has no text.*',
    color: COLORS.info,
    fields,
    footer: { text: 'Opening lines shown · ask about it with /ask' },
  };
  const url = safeUrl(article.url);
  if (url !== undefined) embed.url = url;
  return enforceEmbedLimits(embed);
}

/** The first paragraphs of a text, each escaped, cut at a sentence or line boundary within `max`. */
export function openingLines(text: string, max: number): string {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter((p) => p.length > 0);
  return fitRendered(paragraphs.join('\n\n'), max, safeText).text;
}
