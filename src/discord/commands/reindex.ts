/**
 * `/reindex` (maintainers): re-reads the corpus and rebuilds the index incrementally, then reports
 * what was added, changed, removed and left unchanged. Questions keep being answered from the old
 * index meanwhile. While a rebuild runs, another `/reindex` is told so.
 */
import { InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { describeError } from '../../core/errors.js';
import { guildAllowlist } from '../preconditions/guild-allowlist.js';
import { maintainerOnly } from '../preconditions/maintainer.js';
import { LIMITS, truncate } from '../render/limits.js';
import { changeLine, renderReindexSummary } from '../render/reindex.js';
import { embedPayload, ephemeralNotice, notice } from '../render/reply.js';
import type { SlashCommand } from './types.js';

/** Told to a maintainer who runs /reindex while one is running. */
export const ALREADY_RUNNING_MESSAGE = 'A reindex is already running; questions are still being answered from the current index. Try again when it has finished.';

export const reindex: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('reindex')
    .setDescription('Re-read the corpus and update the index (Manage Server or maintainers)')
    .setContexts(InteractionContextType.Guild),
  preconditions: [guildAllowlist, maintainerOnly],
  async execute(interaction, ctx) {
    if (ctx.library.isRebuilding) {
      await interaction.reply(ephemeralNotice(ALREADY_RUNNING_MESSAGE));
      return;
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    ctx.logger.info({ user: interaction.user.id, guild: interaction.guildId }, 'reindex started');
    try {
      const summary = await ctx.library.rebuild();
      ctx.metrics.rebuild(summary.written ? 'changed' : 'unchanged');
      ctx.logger.info({ ...summary, warnings: summary.warnings.length }, `reindex finished: ${changeLine(summary)}`);
      await interaction.editReply(embedPayload([renderReindexSummary(summary)]));
    } catch (error) {
      ctx.metrics.rebuild('failed');
      ctx.logger.error({ err: error }, 'reindex failed');
      const message = truncate(`The reindex failed and the current index was kept: ${describeError(error)}`, LIMITS.content);
      await interaction.editReply(notice(message));
    }
  },
};
