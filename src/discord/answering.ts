/** What answering needs from the context, shared by `/ask` and @mentions. */
import type { APIActionRowComponent, APIButtonComponent } from 'discord.js';
import type { Answer } from '../answer/types.js';
import type { BotContext } from './context.js';
import { feedbackButtons } from './feedback.js';

/** Makes the 👍/👎 row for an answer, remembering the answer for the votes. */
export function feedbackRowFor(ctx: Pick<BotContext, 'feedback'>): (answer: Answer) => APIActionRowComponent<APIButtonComponent> {
  return (answer) => feedbackButtons(ctx.feedback.remember(answer));
}
