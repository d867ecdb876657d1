/** The discord.js client, configured once for the bot (and for anything else that needs one). */
import { Client, GatewayIntentBits } from 'discord.js';
import { NO_MENTIONS } from './render/reply.js';

export interface CreateClientOptions {
  /** REST base URL (DISCORD_API_URL), e.g. a proxy or a local stand-in; Discord's own when unset. */
  apiUrl?: string | undefined;
}

/**
 * Intents:
 * - `Guilds`: guilds, channels, threads and roles in the cache (threads the bot made, the bot's role).
 * - `GuildMessages`: MESSAGE_CREATE in guild channels and threads, for @mentions.
 * Not `MessageContent`: it is privileged (it must be switched on in the Developer Portal, and
 * verified bots must justify it), and the bot does not need it. Discord always delivers the content of
 * a message that mentions the bot, which is the only kind of message it reads; slash commands carry
 * their options with the interaction whatever the intents.
 * Not `DirectMessages`: in DMs people use /ask, which needs no intent.
 *
 * `allowedMentions` pings nobody by default (messages repeat it; text is also neutralised).
 * `failIfNotExists: false` lets a reply go out even if the question was deleted meanwhile.
 */
export function createClient(options: CreateClientOptions = {}): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    allowedMentions: NO_MENTIONS,
    failIfNotExists: false,
    rest: options.apiUrl ? { api: options.apiUrl } : {},
  });
}
