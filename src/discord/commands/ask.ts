/**
 * `/ask question:<text> [public:<bool>]`: defers at once (ephemerally unless public, or
 * ASK_PUBLIC_DEFAULT), then edits the deferred reply with the answer. Busy and cooldown refusals are
 * immediate ephemeral replies, so nobody waits on a question that will not be answered.
 */
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { feedbackRowFor } from '../answering.js';
import { secondsSince } from '../metrics.js';
import { cooldown } from '../preconditions/cooldown.js';
import { guildAllowlist } from '../preconditions/guild-allowlist.js';
import { BUSY_MESSAGE, STOPPING_MESSAGE } from '../render/notices.js';
import { answerPayload, ephemeralNotice } from '../render/reply.js';
import type { SlashCommand } from './types.js';

/** The longest question the command accepts (Discord enforces it in the client). */
export const MAX_QUESTION_LENGTH = 500;

export const ask: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Ask a question about the news articles; the answer quotes them verbatim')
    .addStringOption((option) =>
      option.setName('question').setDescription('Your question').setRequired(true).setMinLength(1).setMaxLength(MAX_QUESTION_LENGTH),
    )
    .addBooleanOption((option) =>
      option.setName('public').setDescription('Show the answer to everyone in the channel (default: only you)'),
    ),
  preconditions: [guildAllowlist, cooldown],
  async execute(interaction, ctx) {
    const arrived = performance.now();
    const question = interaction.options.getString('question', true);
    const isPublic = interaction.options.getBoolean('public') ?? ctx.config.askPublicDefault;
    const userId = interaction.user.id;
    const ticket = ctx.accepting() ? ctx.queue.reserve() : undefined;
    if (!ticket) {
      ctx.cooldowns.refund(userId);
      ctx.logger.info({ user: userId, active: ctx.queue.active, pending: ctx.queue.pending }, 'question turned away: busy');
      ctx.metrics.question('busy', 'slash');
      await interaction.reply(ephemeralNotice(ctx.accepting() ? BUSY_MESSAGE : STOPPING_MESSAGE));
      return;
    }
    try {
      await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });
    } catch (error) {
      ticket.cancel();
      ctx.cooldowns.refund(userId);
      ctx.metrics.question('error', 'slash');
      throw error;
    }
    let answer;
    try {
      answer = await ticket.run(() => ctx.library.ask(question));
      await interaction.editReply(answerPayload(answer, feedbackRowFor(ctx)));
    } catch (error) {
      // No answer reached the user (discord.js has already retried the edit): they may ask again at once.
      ctx.cooldowns.refund(userId);
      ctx.metrics.question('error', 'slash');
      throw error;
    }
    ctx.metrics.question(answer.answered ? 'answered' : 'declined', 'slash', secondsSince(arrived));
    ctx.logger.info(
      { user: userId, answered: answer.answered, quotes: answer.quotes.length, ms: answer.timings.totalMs, public: isPublic },
      'answered /ask',
    );
  },
};
