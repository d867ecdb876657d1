/**
 * A slash command module, as in the discord.js guide: `data` (a SlashCommandBuilder) describes it to
 * Discord, `execute` runs it. Preconditions run first; `autocomplete` answers option suggestions.
 */
import type { AutocompleteInteraction, ChatInputCommandInteraction, RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { BotContext } from '../context.js';
import type { Precondition } from '../preconditions/types.js';

export interface SlashCommand {
  data: { readonly name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  /** Checked in order before `execute`; a refusal is shown ephemerally and logged. */
  preconditions?: readonly Precondition[];
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}
