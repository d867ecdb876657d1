/**
 * Message payloads as the handlers send them. Every payload carries `allowedMentions` with nothing to
 * parse (the client default says the same; saying it on each message keeps it so even if the client
 * is built elsewhere), and text content is kept within Discord's 2000 characters.
 */
import { MessageFlags, type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type MessageMentionOptions } from 'discord.js';
import type { Answer } from '../../answer/types.js';
import { renderAnswer } from './answer.js';
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
  return embedPayload([renderAnswer(answer)], votable && feedbackRow ? [feedbackRow(answer)] : []);
}
