/** The discord.js client, configured once for the bot (and for anything else that needs one). */
import { Client, GatewayIntentBits, Options, type GuildMember, type User } from 'discord.js';
import { NO_MENTIONS } from './render/reply.js';

export interface CreateClientOptions {
  /** REST base URL (DISCORD_API_URL), e.g. a proxy or a local stand-in; Discord's own when unset. */
  apiUrl?: string | undefined;
  /** Request the privileged MessageContent intent (THREAD_FOLLOW_UPS=all); default false. */
  messageContent?: boolean;
}

/**
 * How many users and guild members the client keeps. Every asker (a mention's author, an
 * interaction's user and member) is cached by discord.js and, unlimited, stays for the life of the
 * process; the bot never looks anyone up from the cache, so a few recent ones are plenty. The bot's
 * own user and member are always kept (`guild.members.me` gives the bot's role for mentions).
 */
export const CACHE_LIMITS = {
  users: 200,
  /** Per guild. */
  members: 200,
  /** Per channel or thread: the bot never reads old messages from the cache. */
  messages: 25,
  /** Per thread. */
  threadMembers: 25,
} as const;

/**
 * Intents:
 * - `Guilds`: guilds, channels, threads and roles in the cache (threads the bot made, the bot's role).
 * - `GuildMessages`: MESSAGE_CREATE in guild channels and threads, for @mentions.
 * Not `MessageContent` by default: it is privileged (it must be switched on in the Developer Portal,
 * and verified bots must justify it), and the bot does not need it. Discord always delivers the content
 * of a message that mentions the bot (a reply that pings it counts), which is the only kind of message
 * it reads; slash commands carry their options with the interaction whatever the intents. Only with
 * THREAD_FOLLOW_UPS=all (`messageContent`), to read every message in the bot's own threads, is it requested.
 * Not `DirectMessages`: in DMs people use /ask, which needs no intent.
 *
 * Caches: users, members, messages and thread members are limited (see CACHE_LIMITS). Guilds,
 * channels and roles are not: discord.js does not support limiting them. Threads are not limited
 * either (a mention in a thread the client does not have cached is dropped by discord.js), but archived
 * threads are swept an hour after they were archived (discord.js's default: four hours).
 *
 * `allowedMentions` pings nobody by default (messages repeat it; text is also neutralised).
 * `failIfNotExists: false` lets a reply go out even if the question was deleted meanwhile.
 */
export function createClient(options: CreateClientOptions = {}): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, ...(options.messageContent ? [GatewayIntentBits.MessageContent] : [])],
    allowedMentions: NO_MENTIONS,
    failIfNotExists: false,
    rest: options.apiUrl ? { api: options.apiUrl } : {},
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: CACHE_LIMITS.messages,
      ThreadMemberManager: CACHE_LIMITS.threadMembers,
      UserManager: { maxSize: CACHE_LIMITS.users, keepOverLimit: (user: User) => user.id === user.client.user.id },
      GuildMemberManager: { maxSize: CACHE_LIMITS.members, keepOverLimit: (member: GuildMember) => member.id === member.client.user.id },
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      threads: { interval: 900, lifetime: 3600 },
    },
  });
}
