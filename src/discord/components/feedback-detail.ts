/**
 * The buttons offered after a 👎 (see render/feedback-choice.ts): record which quote was wrong, or that
 * the answer should have declined, as a line referring to the vote; acknowledge ephemerally.
 */
import { parseFeedbackDetailId } from '../custom-ids.js';
import { ephemeralNotice } from '../render/reply.js';
import type { ButtonHandler } from './types.js';

export const feedbackDetail: ButtonHandler = {
  name: 'feedback-detail',
  matches: (customId) => parseFeedbackDetailId(customId) !== undefined,
  async handle(interaction, ctx) {
    const parsed = parseFeedbackDetailId(interaction.customId);
    if (!parsed) return;
    const outcome = await ctx.feedback.recordDetail(parsed.answerId, interaction.user.id, parsed.detail);
    if (outcome === 'no-vote') {
      await interaction.reply(ephemeralNotice('Only your 👎 on that answer can say what was wrong, and this one is not known (any more).'));
      return;
    }
    if (outcome === 'duplicate') {
      await interaction.reply(ephemeralNotice('You have already said that — thanks.'));
      return;
    }
    ctx.logger.info({ answerId: parsed.answerId, ...parsed.detail }, 'feedback detail recorded');
    const what = parsed.detail.kind === 'wrong-quote' ? `quote ${parsed.detail.quote} was wrong` : 'the answer should have declined';
    await interaction.reply(ephemeralNotice(`Noted: ${what}. Thanks!`));
  },
};
