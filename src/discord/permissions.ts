/**
 * Missing permissions, told as one warning line instead of a stack trace.
 *
 * At READY (and when the bot joins a guild) each guild where the bot's roles lack a permission it needs
 * for @mentions gets one warning naming them. Slash commands do not need them (their replies go through
 * the interaction), but answering a mention does: replying needs View Channels, Send Messages (in
 * Threads) and Read Message History, the answer's embed needs Embed Links, and
 * MENTION_REPLY_MODE=thread needs Create Public Threads. Channel overwrites can still take a permission
 * away in one channel: a 50013 "Missing Permissions" when answering there is also one warning line.
 */
import { DiscordAPIError, PermissionFlagsBits, type Guild } from 'discord.js';
import type { Logger } from '../core/logger.js';

/** What the bot needs in a guild to answer mentions, with the names Discord's settings show. */
const NEEDED: readonly [bigint, string][] = [
  [PermissionFlagsBits.ViewChannel, 'View Channels'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  [PermissionFlagsBits.ReadMessageHistory, 'Read Message History'],
];
const THREADS: [bigint, string] = [PermissionFlagsBits.CreatePublicThreads, 'Create Public Threads'];

/** Discord's error codes for a refusal on permissions: Missing Access, Missing Permissions, reply without Read Message History. */
const PERMISSION_CODES = new Map<number, string>([
  [50001, 'Missing Access'],
  [50013, 'Missing Permissions'],
  [160002, 'cannot reply without Read Message History'],
]);

/** The permissions the bot lacks in `guild` (guild-wide, from its roles); empty when it has them or its member is unknown. */
export function missingPermissions(guild: Guild, mentionReplyMode: 'reply' | 'thread'): string[] {
  const me = guild.members.me;
  if (!me) return [];
  const needed = mentionReplyMode === 'thread' ? [...NEEDED, THREADS] : NEEDED;
  return needed.filter(([bit]) => !me.permissions.has(bit)).map(([, name]) => name);
}

/** Logs one warning when the bot lacks permissions in `guild`; returns what is missing. */
export function warnMissingPermissions(guild: Guild, mentionReplyMode: 'reply' | 'thread', logger: Logger): string[] {
  const missing = missingPermissions(guild, mentionReplyMode);
  if (missing.length > 0) {
    logger.warn(
      { guild: guild.id, missing },
      `missing permissions in guild "${guild.name}" (${guild.id}): ${missing.join(', ')}; @mentions there cannot be answered — give the bot's role these permissions (Server Settings → Roles) or invite it again with the link in the README`,
    );
  }
  return missing;
}

/** "Missing Permissions (50013)" when `error` is Discord refusing on permissions, else undefined. */
export function permissionProblem(error: unknown): string | undefined {
  if (!(error instanceof DiscordAPIError)) return undefined;
  const code = typeof error.code === 'number' ? error.code : Number(error.code);
  const name = PERMISSION_CODES.get(code);
  return name === undefined ? undefined : `${name} (${code})`;
}
