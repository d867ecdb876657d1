/**
 * What every interaction handler does with an error it did not expect: the details go to the log,
 * the person gets a short message, and the bot carries on.
 */
import type { RepliableInteraction } from 'discord.js';
import type { Logger } from '../core/logger.js';
import { permissionProblem } from './permissions.js';
import { ERROR_MESSAGE } from './render/notices.js';
import { ephemeralNotice, notice } from './render/reply.js';

/** Logs `error` with what was being handled, and tells the person something went wrong. */
export async function reportInteractionError(
  interaction: RepliableInteraction,
  error: unknown,
  logger: Logger,
  what: Record<string, unknown>,
): Promise<void> {
  const problem = permissionProblem(error);
  if (problem !== undefined) {
    logger.warn({ ...what, user: interaction.user.id, guild: interaction.guildId, channel: interaction.channelId }, `interaction refused by Discord: ${problem}`);
    logger.debug({ err: error }, 'interaction refused');
  } else {
    logger.error({ err: error, ...what, user: interaction.user.id, guild: interaction.guildId }, 'interaction handler failed');
  }
  try {
    if (interaction.deferred && !interaction.replied) await interaction.editReply(notice(ERROR_MESSAGE));
    else if (interaction.replied) await interaction.followUp(ephemeralNotice(ERROR_MESSAGE));
    else await interaction.reply(ephemeralNotice(ERROR_MESSAGE));
  } catch (replyError) {
    logger.warn({ err: replyError }, 'could not tell the user that handling failed');
  }
}
