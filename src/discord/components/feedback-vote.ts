/**
 * The 👍/👎 buttons under an answer: record the vote once per person, acknowledge ephemerally. After a
 * 👎 on an answer (not on a refusal), the acknowledgement offers to say which quote was wrong or that
 * the answer should have declined (handled by feedback-detail.ts); pressing 👎 again brings the choice back.
 */
import { parseFeedbackId } from '../custom-ids.js';
import { recoveredAnswer } from '../feedback.js';
import { quoteChoice } from '../render/feedback-choice.js';
import { ephemeralNotice } from '../render/reply.js';
import type { ButtonHandler } from './types.js';

export const feedbackVote: ButtonHandler = {
  name: 'feedback-vote',
  matches: (customId) => parseFeedbackId(customId) !== undefined,
  async handle(interaction, ctx) {
    const parsed = parseFeedbackId(interaction.customId);
    if (!parsed) return;
    const outcome = await ctx.feedback.record(parsed.answerId, interaction.user.id, parsed.vote, () =>
      recoveredAnswer(interaction.message.embeds[0]?.toJSON()),
    );
    const emoji = parsed.vote === 'up' ? '👍' : '👎';
    const about = ctx.feedback.answerOf(parsed.answerId);
    const choice = about !== undefined && about.answered !== false;
    if (outcome === 'duplicate') {
      const already = 'You have already voted on this answer — thanks, your first vote counts.';
      // A 👎 voter who dismissed the choice gets it again.
      if (choice && parsed.vote === 'down' && ctx.feedback.voteOf(parsed.answerId, interaction.user.id) === 'down') {
        await interaction.reply({ ...quoteChoice(parsed.answerId, about.quotes ?? []), content: `${already}\nIf you can, say which quote was wrong:` });
      } else await interaction.reply(ephemeralNotice(already));
      return;
    }
    ctx.logger.info({ answerId: parsed.answerId, vote: parsed.vote }, 'feedback recorded');
    if (parsed.vote === 'down' && choice) {
      await interaction.reply(quoteChoice(parsed.answerId, about.quotes ?? []));
      return;
    }
    await interaction.reply(ephemeralNotice(`Thanks — your ${emoji} has been recorded.`));
  },
};
