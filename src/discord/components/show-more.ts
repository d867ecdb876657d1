/**
 * The "Show more" button under an answer: replies, visible only to the person who pressed it, with
 * the answer's further quotes (Answer.more), rendered like an answer. The answer is remembered in
 * memory with the votes (FeedbackStore.remember); after a restart it is not, and the press gets a
 * one-line "too old, ask again".
 */
import { parseShowMoreId } from '../custom-ids.js';
import { ephemeralNotice, moreQuotesPayload } from '../render/reply.js';
import type { ButtonHandler } from './types.js';

/** What a press on an answer the bot no longer remembers gets. */
export const TOO_OLD_FOR_MORE = 'This answer is too old to show more of (the bot has restarted since, or it is no longer remembered) — ask the question again.';

export const showMore: ButtonHandler = {
  name: 'show-more',
  matches: (customId) => parseShowMoreId(customId) !== undefined,
  async handle(interaction, ctx) {
    const answerId = parseShowMoreId(interaction.customId);
    if (answerId === undefined) return;
    const about = ctx.feedback.answerOf(answerId);
    if (about === undefined) {
      await interaction.reply(ephemeralNotice(TOO_OLD_FOR_MORE));
      return;
    }
    if (about.more === undefined || about.more.quotes.length === 0) {
      await interaction.reply(ephemeralNotice('There are no more quotes for this answer.'));
      return;
    }
    ctx.logger.info({ answerId, quotes: about.more.quotes.length }, 'more quotes shown');
    await interaction.reply(moreQuotesPayload(about.question, about.more));
  },
};
