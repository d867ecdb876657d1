/**
 * Registers the slash commands with Discord: one bulk PUT of every command, to DISCORD_GUILD_ID when
 * set (visible at once in that server) or globally (may take up to an hour to appear everywhere).
 * The bulk PUT replaces whatever was registered before, so removed commands disappear too.
 */
import { REST, Routes, type RESTPutAPIApplicationCommandsResult } from 'discord.js';
import type { DiscordConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { commandPayloads } from './commands/index.js';

export interface DeployResult {
  scope: 'guild' | 'global';
  guildId: string | undefined;
  /** The names of the commands Discord now has, as it answered. */
  registered: string[];
}

/** Registers the commands; `print` is told what was registered. */
export async function deployCommands(
  config: Pick<DiscordConfig, 'token' | 'clientId' | 'guildId' | 'apiUrl'>,
  print: (line: string) => void = () => undefined,
): Promise<DeployResult> {
  if (!config.clientId) {
    throw new ConfigError('DISCORD_CLIENT_ID is missing: registering commands needs the application id.', {
      hint: 'Set DISCORD_CLIENT_ID to the Application ID from the Developer Portal (General Information tab), for example DISCORD_CLIENT_ID=123456789012345678.',
    });
  }
  const rest = new REST({ version: '10', ...(config.apiUrl ? { api: config.apiUrl } : {}) }).setToken(config.token);
  const body = commandPayloads();
  const route = config.guildId ? Routes.applicationGuildCommands(config.clientId, config.guildId) : Routes.applicationCommands(config.clientId);
  const scope = config.guildId ? 'guild' : 'global';
  print(`Registering ${body.length} commands ${config.guildId ? `in guild ${config.guildId}` : 'globally'}…`);
  const result = (await rest.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
  const registered = result.map((command) => command.name);
  for (const command of result) print(`  /${command.name} — ${command.description}`);
  print(
    config.guildId
      ? `Registered ${registered.length} commands in guild ${config.guildId}; they are available now.`
      : `Registered ${registered.length} global commands; Discord may take up to an hour to show them everywhere.`,
  );
  return { scope, guildId: config.guildId, registered };
}
