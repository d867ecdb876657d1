/** `/help`: what the bot does and how to use it (ephemeral). */
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { renderHelp } from '../render/help.js';
import { embedPayload } from '../render/reply.js';
import type { SlashCommand } from './types.js';

export const help: SlashCommand = {
  data: new SlashCommandBuilder().setName('help').setDescription('How to ask Verbatim about the news articles'),
  async execute(interaction, ctx) {
    const mention = interaction.client.user ? `<@${interaction.client.user.id}>` : undefined;
    const embed = renderHelp({ ...(mention ? { mention } : {}), articles: ctx.library.articles().length });
    await interaction.reply({ ...embedPayload([embed]), flags: MessageFlags.Ephemeral });
  },
};
