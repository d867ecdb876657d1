/**
 * Builders for the Discord objects the stand-in serves: users, roles, guild members, channels, threads and
 * guilds, shaped like the real API (v10) so discord.js caches them as it would Discord's.
 */
import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  PermissionFlagsBits,
  ThreadAutoArchiveDuration,
  type APIChannel,
  type APIDMChannel,
  type APIGuildMember,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  type GuildMemberFlags,
  type RoleFlags,
  type GatewayGuildCreateDispatchData,
  type GuildHubType,
} from 'discord.js';
import type { SnowflakeFactory } from './snowflake.js';

/** Every permission bit Discord defines, OR-ed together (what Administrator grants). */
export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** What @everyone may do in the stand-in's guilds: read, write, react, use app commands, start threads. */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.CreateInstantInvite;

/** What the bot's managed role grants on top of @everyone. */
export const DEFAULT_BOT_PERMISSIONS: bigint =
  DEFAULT_EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageThreads | PermissionFlagsBits.ManageMessages;

/** What the fixture "Moderator" role grants on top of @everyone. */
export const MODERATOR_PERMISSIONS: bigint =
  PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ManageMessages | PermissionFlagsBits.ManageThreads;

/** A user object as the API returns it. */
export function buildUser(id: string, username: string, bot = false): APIUser {
  return {
    id,
    username,
    discriminator: '0',
    global_name: bot ? null : username.charAt(0).toUpperCase() + username.slice(1),
    avatar: null,
    bot,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

/** A role object. */
export function buildRole(
  id: string,
  name: string,
  permissions: bigint,
  position: number,
  managedBotId?: string,
): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: managedBotId !== undefined,
    mentionable: false,
    flags: 0 as RoleFlags,
    ...(managedBotId !== undefined ? { tags: { bot_id: managedBotId } } : {}),
  };
}

/** A guild member object (with its user), as in GUILD_CREATE. */
export function buildMember(user: APIUser, roles: string[], joinedAt: string): APIGuildMember {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

/** A guild text channel. */
export function buildTextChannel(id: string, guildId: string, name: string, position: number): APITextChannel {
  return {
    id,
    type: ChannelType.GuildText,
    guild_id: guildId,
    name,
    position,
    permission_overwrites: [],
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: null,
    last_pin_timestamp: null,
    rate_limit_per_user: 0,
    default_auto_archive_duration: ThreadAutoArchiveDuration.OneDay,
    default_thread_rate_limit_per_user: 0,
  };
}

/** A public (or private) thread under a text channel. */
export function buildThread(
  id: string,
  guildId: string,
  parentId: string,
  name: string,
  ownerId: string,
  options: { private?: boolean; autoArchiveDuration?: ThreadAutoArchiveDuration } = {},
): APIThreadChannel {
  const now = new Date().toISOString();
  return {
    id,
    type: options.private ? ChannelType.PrivateThread : ChannelType.PublicThread,
    guild_id: guildId,
    parent_id: parentId,
    name,
    owner_id: ownerId,
    last_message_id: null,
    last_pin_timestamp: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    applied_tags: [],
    thread_metadata: {
      archived: false,
      auto_archive_duration: options.autoArchiveDuration ?? ThreadAutoArchiveDuration.OneDay,
      archive_timestamp: now,
      locked: false,
      create_timestamp: now,
    },
  };
}

/** A DM channel between the bot and a user. */
export function buildDMChannel(id: string, recipient: APIUser): APIDMChannel {
  return { id, type: ChannelType.DM, name: null, recipients: [recipient], last_message_id: null };
}

/** Whether a channel is a thread (public, private or announcement). */
export function isThread(channel: APIChannel): channel is APIThreadChannel {
  return (
    channel.type === ChannelType.PublicThread ||
    channel.type === ChannelType.PrivateThread ||
    channel.type === ChannelType.AnnouncementThread
  );
}

/** Options for one guild of the stand-in. Everything has a default. */
export interface GuildFixtureOptions {
  /** Guild id; a fresh snowflake by default. */
  id?: string;
  /** Guild name; "Verbatim Test Guild" by default. */
  name?: string;
  /** Names of the text channels, in order; the first is `textChannelId`. Default `['general', 'random']`. */
  textChannels?: string[];
  /** Name of the public thread made under the first text channel; default "existing-thread". */
  threadName?: string;
  /** Permissions of @everyone; default {@link DEFAULT_EVERYONE_PERMISSIONS}. */
  everyonePermissions?: bigint;
  /** Permissions of the bot's managed role; default {@link DEFAULT_BOT_PERMISSIONS}. */
  botPermissions?: bigint;
  /** Whether the guild is in an outage: READY lists it and no GUILD_CREATE follows. */
  unavailable?: boolean;
}

/** A guild the stand-in serves, with handy ids for tests. */
export interface GuildFixture {
  id: string;
  name: string;
  /** The guild owner (the fixture "owner" user). */
  ownerId: string;
  /** The @everyone role (its id is the guild id). */
  everyoneRoleId: string;
  /** The bot's managed role. */
  botRoleId: string;
  /** A "Moderator" role with Manage Server / Manage Messages / Manage Threads. */
  moderatorRoleId: string;
  /** The first text channel ("general"). */
  textChannelId: string;
  /** The public thread under the first text channel. */
  threadId: string;
  /** Whether the guild is unavailable (outage). */
  unavailable: boolean;
  /** When the bot joined (ISO 8601). */
  joinedAt: string;
  roles: APIRole[];
  /** Guild channels (text channels), not threads. */
  channels: APITextChannel[];
  /** Active threads. */
  threads: APIThreadChannel[];
  /** Members, the bot included. */
  members: APIGuildMember[];
}

/** The users every stand-in knows besides the bot. */
export interface FixtureUsers {
  /** Owns every fixture guild. */
  owner: APIUser;
  /** A member with the Moderator role. */
  moderator: APIUser;
  /** A plain member with only @everyone: the default author of injected interactions and messages. */
  tester: APIUser;
}

/** Builds a guild with roles, text channels, a thread and members (the bot and the fixture users). */
export function buildGuildFixture(
  ids: SnowflakeFactory,
  bot: APIUser,
  users: FixtureUsers,
  options: GuildFixtureOptions = {},
): GuildFixture {
  const id = options.id ?? ids.next();
  const joinedAt = new Date().toISOString();
  const botRoleId = ids.next();
  const moderatorRoleId = ids.next();
  const roles = [
    buildRole(id, '@everyone', options.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS, 0),
    buildRole(moderatorRoleId, 'Moderator', MODERATOR_PERMISSIONS, 1),
    buildRole(botRoleId, bot.username, options.botPermissions ?? DEFAULT_BOT_PERMISSIONS, 2, bot.id),
  ];
  const channels = (options.textChannels ?? ['general', 'random']).map((name, position) =>
    buildTextChannel(ids.next(), id, name, position),
  );
  const first = channels[0];
  if (!first) throw new Error('A fixture guild needs at least one text channel');
  const thread = buildThread(ids.next(), id, first.id, options.threadName ?? 'existing-thread', users.tester.id);
  const members = [
    buildMember(bot, [botRoleId], joinedAt),
    buildMember(users.owner, [], joinedAt),
    buildMember(users.moderator, [moderatorRoleId], joinedAt),
    buildMember(users.tester, [], joinedAt),
  ];
  return {
    id,
    name: options.name ?? 'Verbatim Test Guild',
    ownerId: users.owner.id,
    everyoneRoleId: id,
    botRoleId,
    moderatorRoleId,
    textChannelId: first.id,
    threadId: thread.id,
    unavailable: options.unavailable ?? false,
    joinedAt,
    roles,
    channels,
    threads: [thread],
    members,
  };
}

/** The permissions a member has from its roles (owner and Administrator get everything); no channel overwrites. */
export function memberPermissions(guild: GuildFixture, userId: string, roleIds: readonly string[]): bigint {
  if (userId === guild.ownerId) return ALL_PERMISSIONS;
  let permissions = 0n;
  for (const role of guild.roles) {
    if (role.id === guild.everyoneRoleId || roleIds.includes(role.id)) permissions |= BigInt(role.permissions);
  }
  return (permissions & PermissionFlagsBits.Administrator) !== 0n ? ALL_PERMISSIONS : permissions;
}

/** The GUILD_CREATE payload of a fixture guild (or its unavailable stub). */
export function guildCreatePayload(guild: GuildFixture): GatewayGuildCreateDispatchData {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    region: 'deprecated',
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: guild.roles,
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: guild.textChannelId,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    max_presences: null,
    max_members: 500_000,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: 'en-US' as GatewayGuildCreateDispatchData['preferred_locale'],
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null as GuildHubType | null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    member_count: guild.members.length,
    voice_states: [],
    members: guild.members,
    channels: guild.channels,
    threads: guild.threads,
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
