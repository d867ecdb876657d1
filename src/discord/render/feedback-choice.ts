/**
 * What a 👎 voter is offered after the vote: a button for each quote of the answer ("this one was
 * wrong") and one saying the answer should have declined. Buttons (not a select menu) so that the choice
 * goes through the bot's button route; each label is within Discord's 80 characters, at most 5 buttons
 * a row and 5 rows (so at most MAX_QUOTE_CHOICES quotes, the last row for "should have declined").
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import { feedbackDetailId, MAX_QUOTE_CHOICES } from '../custom-ids.js';
import type { FeedbackQuote } from '../feedback.js';
import { fitRendered, LIMITS, truncate } from './limits.js';
import { ephemeralNotice, type ReplyPayload } from './reply.js';
import { safeText } from './sanitize.js';

/** Up to this many quotes get a row each with their first words on the button; more get numbered buttons, five a row. */
const WORDED_BUTTONS = 4;
/** At most this much of a quote is listed in the content when the buttons are only numbered (less when many must fit). */
const LISTED_WORDS = 90;
/** What a listed line has besides the quote's words: `20. “…” [20]`. */
const LISTED_OVERHEAD = 16;

export const SHOULD_DECLINE_LABEL = 'It should have declined';

/** The first words of a quote on one line, at most `max` characters, cut at a word with an ellipsis. */
export function firstWords(text: string, max: number): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}

/** The ephemeral reply to a 👎 on an answer with these quotes: thanks, and the choice of what was wrong. */
export function quoteChoice(answerId: string, quotes: readonly FeedbackQuote[]): ReplyPayload & { content: string } {
  const shown = quotes.slice(0, MAX_QUOTE_CHOICES);
  const worded = shown.length <= WORDED_BUTTONS;
  const buttons: APIButtonComponent[] = shown.map((quote, i) => {
    const label = worded ? firstWords(`${i + 1}. “${firstWords(quote.text, LIMITS.buttonLabel)}”`, LIMITS.buttonLabel) : `Quote ${i + 1}`;
    return { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: feedbackDetailId(answerId, { kind: 'wrong-quote', quote: i + 1 }), label };
  });
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  const perRow = worded ? 1 : 5;
  for (let i = 0; i < buttons.length; i += perRow) rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + perRow) });
  rows.push({
    type: ComponentType.ActionRow,
    components: [
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: feedbackDetailId(answerId, { kind: 'should-decline' }), label: SHOULD_DECLINE_LABEL },
    ],
  });
  const lines = ['Thanks — your 👎 has been recorded.', shown.length > 0 ? 'If you can, say which quote was wrong (it helps turn feedback into tests):' : 'If you can, say what was wrong:'];
  if (!worded) {
    const room = LIMITS.content - lines.join('\n').length;
    const each = Math.min(LISTED_WORDS, Math.floor(room / shown.length) - LISTED_OVERHEAD);
    shown.forEach((quote, i) => lines.push(`${i + 1}. “${fitRendered(firstWords(quote.text, LISTED_WORDS), each, safeText).text}” [${quote.source}]`));
  }
  return { ...ephemeralNotice(lines.join('\n')), components: rows };
}
