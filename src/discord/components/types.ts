/** A button handler: claims the custom ids it understands and handles their clicks. */
import type { ButtonInteraction } from 'discord.js';
import type { BotContext } from '../context.js';

export interface ButtonHandler {
  /** A name for the log. */
  readonly name: string;
  /** Whether this handler owns the custom id. */
  matches(customId: string): boolean;
  handle(interaction: ButtonInteraction, ctx: BotContext): Promise<void>;
}
