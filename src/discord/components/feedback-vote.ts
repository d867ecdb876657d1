/** The 👍/👎 buttons under an answer: record the vote once per person, acknowledge ephemerally. */
import { parseFeedbackId } from '../custom-ids.js';
import { answerFromEmbed } from '../feedback.js';
import { ephemeralNotice } from '../render/reply.js';
import type { ButtonHandler } from './types.js';

export const feedbackVote: ButtonHandler = {
  name: 'feedback-vote',
  matches: (customId) => parseFeedbackId(customId) !== undefined,
  async handle(interaction, ctx) {
    const parsed = parseFeedbackId(interaction.customId);
    if (!parsed) return;
    const outcome = await ctx.feedback.record(parsed.answerId, interaction.user.id, parsed.vote, () =>
      answerFromEmbed(interaction.message.embeds[0]?.toJSON()),
    );
    const emoji = parsed.vote === 'up' ? '👍' : '👎';
    if (outcome === 'duplicate') {
      await interaction.reply(ephemeralNotice('You have already voted on this answer — thanks, your first vote counts.'));
      return;
    }
    ctx.logger.info({ answerId: parsed.answerId, vote: parsed.vote }, 'feedback recorded');
    await interaction.reply(ephemeralNotice(`Thanks — your ${emoji} has been recorded.`));
  },
};
