/** `/sources [page]`: the indexed articles, ten per page, with ◀/▶ buttons (ephemeral). */
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { guildAllowlist } from '../preconditions/guild-allowlist.js';
import { embedPayload } from '../render/reply.js';
import { renderSourcesPage } from '../render/sources-page.js';
import type { SlashCommand } from './types.js';

export const sources: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('sources')
    .setDescription('List the indexed news articles')
    .addIntegerOption((option) => option.setName('page').setDescription('Which page of the list (10 per page)').setMinValue(1)),
  preconditions: [guildAllowlist],
  async execute(interaction, ctx) {
    const page = interaction.options.getInteger('page') ?? 1;
    const view = renderSourcesPage(ctx.library.articles(), page);
    await interaction.reply({ ...embedPayload(view.embeds, view.components), flags: MessageFlags.Ephemeral });
  },
};
