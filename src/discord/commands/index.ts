/** The registry of slash commands. */
import { ask } from './ask.js';
import { help } from './help.js';
import { reindex } from './reindex.js';
import { settings } from './settings.js';
import { source } from './source.js';
import { sources } from './sources.js';
import type { SlashCommand } from './types.js';

export type { SlashCommand } from './types.js';

/** Every command the bot has, in the order they are registered. */
export const COMMANDS: readonly SlashCommand[] = [ask, sources, source, reindex, settings, help];

/** The commands by name. */
export function commandMap(commands: readonly SlashCommand[] = COMMANDS): ReadonlyMap<string, SlashCommand> {
  return new Map(commands.map((command) => [command.data.name, command]));
}

/** The JSON bodies to register with Discord. */
export function commandPayloads(commands: readonly SlashCommand[] = COMMANDS): ReturnType<SlashCommand['data']['toJSON']>[] {
  return commands.map((command) => command.data.toJSON());
}
