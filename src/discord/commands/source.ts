/**
 * `/source id:<article>`: one article's metadata and opening lines (ephemeral), with autocomplete
 * over article ids and titles.
 */
import { MessageFlags, SlashCommandBuilder, type ApplicationCommandOptionChoiceData } from 'discord.js';
import type { ArticleSummary } from '../../answer/library.js';
import { guildAllowlist } from '../preconditions/guild-allowlist.js';
import { renderArticle } from '../render/article.js';
import { LIMITS, truncate } from '../render/limits.js';
import { unknownArticleMessage } from '../render/notices.js';
import { embedPayload, ephemeralNotice } from '../render/reply.js';
import type { SlashCommand } from './types.js';

export const source: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('source')
    .setDescription('Show one indexed article: its details and opening lines')
    .addStringOption((option) =>
      option.setName('id').setDescription('The article id (see /sources); type to search titles').setRequired(true).setAutocomplete(true),
    ),
  preconditions: [guildAllowlist],
  async execute(interaction, ctx) {
    const id = interaction.options.getString('id', true).trim();
    const article = await ctx.library.article(id);
    if (!article) {
      await interaction.reply(ephemeralNotice(unknownArticleMessage(id)));
      return;
    }
    await interaction.reply({ ...embedPayload([renderArticle(article)]), flags: MessageFlags.Ephemeral });
  },
  async autocomplete(interaction, ctx) {
    const focused = interaction.options.getFocused();
    await interaction.respond(articleChoices(ctx.library.articles(), focused));
  },
};

/**
 * Up to 25 choices for what was typed: ids that start with it first, then ids and titles that
 * contain it (case-insensitive); everything, in order, when nothing was typed. Names are
 * "Title (id)" within 100 characters; values are the ids.
 */
export function articleChoices(articles: readonly ArticleSummary[], typed: string): ApplicationCommandOptionChoiceData<string>[] {
  const query = typed.trim().toLowerCase();
  const scored: { article: ArticleSummary; rank: number }[] = [];
  for (const [i, article] of articles.entries()) {
    const id = article.id.toLowerCase();
    const title = article.title.toLowerCase();
    let rank: number;
    if (query.length === 0) rank = 0;
    else if (id.startsWith(query)) rank = 0;
    else if (title.startsWith(query)) rank = 1;
    else if (id.includes(query) || title.includes(query)) rank = 2;
    else continue;
    scored.push({ article, rank: rank * articles.length + i });
  }
  return scored
    .sort((a, b) => a.rank - b.rank)
    .filter(({ article }) => article.id.length <= LIMITS.choiceValue)
    .slice(0, LIMITS.choices)
    .map(({ article }) => ({ name: choiceName(article), value: article.id }));
}

function choiceName(article: ArticleSummary): string {
  const suffix = ` (${article.id})`;
  const title = article.title.replace(/\s+/g, ' ').trim();
  if (suffix.length >= LIMITS.choiceName) return truncate(article.id, LIMITS.choiceName);
  if (title.length === 0) return article.id;
  return `${truncate(title, LIMITS.choiceName - suffix.length)}${suffix}`;
}
