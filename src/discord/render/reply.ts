/**
 * Message payloads as the handlers send them. Every payload carries `allowedMentions` with nothing to
 * parse (the client default says the same; saying it on each message keeps it so even if the client
 * is built elsewhere), and text content is kept within Discord's 2000 characters.
 */
import { ButtonStyle, ComponentType, MessageFlags, type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type MessageMentionOptions } from 'discord.js';
import type { Answer, MoreQuotes } from '../../answer/types.js';
import { parseFeedbackId, showMoreId } from '../custom-ids.js';
import { renderAnswer, renderMoreQuotes } from './answer.js';
import { LIMITS, truncate } from './limits.js';
import { neutraliseMentions } from './sanitize.js';

/** Mentions nobody: no @everyone/@here, users or roles are pinged, nor the replied-to author. */
export const NO_MENTIONS: MessageMentionOptions = { parse: [], repliedUser: false };

/** A message the bot sends: embeds and components, or short text. */
export interface ReplyPayload {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIButtonComponent>[];
  allowedMentions: MessageMentionOptions;
}

/** A short text notice (busy, cooldown, error), trimmed to the content limit and with mentions made inert. */
export function notice(text: string): ReplyPayload & { content: string } {
  return { content: truncate(neutraliseMentions(text), LIMITS.content), allowedMentions: NO_MENTIONS };
}

/** The same notice, visible only to the person (for interaction replies). */
export function ephemeralNotice(text: string): ReplyPayload & { content: string; flags: MessageFlags.Ephemeral } {
  return { ...notice(text), flags: MessageFlags.Ephemeral };
}

/** Embeds (and buttons) as a message payload. */
export function embedPayload(embeds: APIEmbed[], components: APIActionRowComponent<APIButtonComponent>[] = []): ReplyPayload {
  return { embeds, components, allowedMentions: NO_MENTIONS };
}

/**
 * An answer as a message payload; `feedbackRow` adds the 👍/👎 buttons (given for answers and for
 * "not in the corpus" refusals, where a 👎 says the corpus did have it).
 */
export function answerPayload(
  answer: Answer,
  feedbackRow: ((answer: Answer) => APIActionRowComponent<APIButtonComponent>) | undefined,
): ReplyPayload {
  const votable = answer.answered || answer.refusal?.reason === 'not-in-corpus';
  return embedPayload([renderAnswer(answer)], votable && feedbackRow ? [withShowMore(feedbackRow(answer), answer)] : []);
}

/** The label of the button that shows an answer's further quotes. */
export const SHOW_MORE_LABEL = 'Show more';

/**
 * The 👍/👎 row with a "Show more" button after them when the answer has further quotes (Answer.more);
 * the button carries the same answer id as the votes (the store remembers the answer, with them, under it).
 */
function withShowMore(row: APIActionRowComponent<APIButtonComponent>, answer: Answer): APIActionRowComponent<APIButtonComponent> {
  const first = row.components[0];
  const answerId = first !== undefined && 'custom_id' in first ? parseFeedbackId(first.custom_id)?.answerId : undefined;
  if (answerId === undefined || !answer.answered || (answer.more?.quotes.length ?? 0) === 0 || row.components.length >= 5) return row;
  const button: APIButtonComponent = { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: showMoreId(answerId), label: SHOW_MORE_LABEL };
  return { ...row, components: [...row.components, button] };
}

/** An answer's further quotes, visible only to the person who asked for them. */
export function moreQuotesPayload(question: string, more: MoreQuotes): ReplyPayload & { flags: MessageFlags.Ephemeral } {
  return { ...embedPayload([renderMoreQuotes(question, more)]), flags: MessageFlags.Ephemeral };
}
