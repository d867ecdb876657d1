/**
 * What the stand-in knows: the bot, users, guilds, channels, messages, interactions and registered
 * commands, plus the builders that turn request bodies into message objects like Discord's.
 */
import { randomBytes } from 'node:crypto';
import {
  ApplicationFlags,
  ChannelType,
  InteractionType,
  MessageFlags,
  MessageType,
  type APIApplicationCommand,
  type APIAttachment,
  type APIChannel,
  type APIDMChannel,
  type APIEmbed,
  type APIGuildMember,
  type APIGuildMemberNoUser,
  type APIInteraction,
  type APIMessage,
  type APIMessageInteractionMetadata,
  type APIMessageTopLevelComponent,
  type APIUser,
  type APIUserWithMember,
  type GatewayMessageCreateDispatchData,
} from 'discord.js';
import {
  buildDMChannel,
  buildUser,
  isThread,
  memberPermissions,
  type FixtureUsers,
  type GuildFixture,
} from './fixtures.js';
import type { RecordedFile } from './http.js';
import { SnowflakeFactory } from './snowflake.js';
import { isRecord } from './validate.js';

/** An interaction the stand-in dispatched, and how the bot answered it. */
export interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  payload: APIInteraction;
  /** Unix ms of the dispatch. */
  dispatchedAt: number;
  guildId: string | null;
  channelId: string;
  /** Command name (application commands and autocomplete), else null. */
  commandName: string | null;
  /** For component interactions: the message the component is on. */
  componentMessageId: string | null;
  /** The initial response type (4, 5, 6, 7, 8, 9) once the bot answered, else null. */
  responseType: number | null;
  /** Unix ms of the initial response. */
  respondedAt: number | null;
  /** The message `@original` refers to, once there is one. */
  originalMessageId: string | null;
  /** Follow-up message ids, in order. */
  followupIds: string[];
  /** Autocomplete choices the bot answered with (type 8). */
  choices: unknown[] | null;
  /** Callback requests that arrived after the acknowledgement deadline. */
  lateCallbacks: number;
}

/** Ephemeral, loading, suppress-embeds, suppress-notifications and components-v2: flags a sender may set. */
const SETTABLE_FLAGS =
  MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2;

/** The stand-in's world. */
export class StandinState {
  readonly ids = new SnowflakeFactory();
  readonly applicationId: string;
  readonly bot: APIUser;
  readonly users: FixtureUsers;
  readonly knownUsers = new Map<string, APIUser>();
  readonly guilds: GuildFixture[] = [];
  readonly channels = new Map<string, APIChannel>();
  readonly messages = new Map<string, APIMessage>();
  readonly reactions = new Map<string, string[]>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly globalCommands: APIApplicationCommand[] = [];
  readonly guildCommands = new Map<string, APIApplicationCommand[]>();
  /** Thread id by the id of the message it was started from. */
  readonly threadsByMessage = new Map<string, string>();
  private readonly dmChannels = new Map<string, string>();
  /** The http:// base the stand-in listens on (for attachment URLs). */
  baseUrl = '';

  constructor(options: { applicationId?: string; botUserId?: string; botUsername?: string; privilegedIntents: number }) {
    this.applicationId = options.applicationId ?? this.ids.next();
    this.bot = { ...buildUser(options.botUserId ?? this.applicationId, options.botUsername ?? 'verbatim', true), verified: true };
    this.users = {
      owner: buildUser(this.ids.next(), 'owner'),
      moderator: buildUser(this.ids.next(), 'moderator'),
      tester: buildUser(this.ids.next(), 'tester'),
    };
    for (const user of [this.bot, this.users.owner, this.users.moderator, this.users.tester]) this.knownUsers.set(user.id, user);
    this.applicationFlags =
      ((options.privilegedIntents & (1 << 15)) !== 0 ? ApplicationFlags.GatewayMessageContent : ApplicationFlags.GatewayMessageContentLimited) |
      ((options.privilegedIntents & (1 << 1)) !== 0 ? ApplicationFlags.GatewayGuildMembers : ApplicationFlags.GatewayGuildMembersLimited);
  }

  /** The application's flags as READY and GET /applications/@me report them. */
  readonly applicationFlags: ApplicationFlags;

  /** Registers a guild and its channels, threads and members. */
  addGuild(guild: GuildFixture): void {
    this.guilds.push(guild);
    for (const channel of guild.channels) this.channels.set(channel.id, channel);
    for (const thread of guild.threads) this.channels.set(thread.id, thread);
    for (const member of guild.members) this.knownUsers.set(member.user.id, member.user);
  }

  /** A guild by id, or throws. */
  guild(id: string): GuildFixture {
    const guild = this.guilds.find((g) => g.id === id);
    if (!guild) throw new Error(`Unknown guild ${id}`);
    return guild;
  }

  /** The guild a channel (or thread) belongs to, or null for DMs and unknown channels. */
  guildOfChannel(channelId: string): GuildFixture | null {
    const channel = this.channels.get(channelId);
    if (!channel || !('guild_id' in channel) || typeof channel.guild_id !== 'string') return null;
    const guildId = channel.guild_id;
    return this.guilds.find((g) => g.id === guildId) ?? null;
  }

  /** A user by id (must be known), or the user given. Unknown ids get a fresh user object. */
  resolveUser(user: APIUser | string | undefined): APIUser {
    if (user === undefined) return this.users.tester;
    if (typeof user !== 'string') {
      this.knownUsers.set(user.id, user);
      return user;
    }
    const known = this.knownUsers.get(user);
    if (known) return known;
    const created = buildUser(user, `user${user.slice(-4)}`);
    this.knownUsers.set(user, created);
    return created;
  }

  /** A new user the stand-in knows (optionally made a member of every fixture guild). */
  createUser(username: string, options: { joinGuilds?: boolean; roles?: string[] } = {}): APIUser {
    const user = buildUser(this.ids.next(), username);
    this.knownUsers.set(user.id, user);
    if (options.joinGuilds ?? true) {
      for (const guild of this.guilds) {
        guild.members.push({
          user,
          nick: null,
          avatar: null,
          banner: null,
          roles: options.roles ?? [],
          joined_at: new Date().toISOString(),
          premium_since: null,
          deaf: false,
          mute: false,
          flags: 0 as APIGuildMember['flags'],
          pending: false,
          communication_disabled_until: null,
        });
      }
    }
    return user;
  }

  /** The member object of a user in a guild, if a member. */
  member(guild: GuildFixture, userId: string): APIGuildMember | undefined {
    return guild.members.find((m) => m.user.id === userId);
  }

  /** A member without its user, as MESSAGE_CREATE and mentions carry it. */
  memberNoUser(guild: GuildFixture, userId: string): APIGuildMemberNoUser | undefined {
    const member = this.member(guild, userId);
    if (!member) return undefined;
    const { user: _user, ...rest } = member;
    return { ...rest, joined_at: member.joined_at ?? new Date().toISOString() };
  }

  /** The bot's permissions in a guild (from its roles; no channel overwrites). */
  botPermissions(guild: GuildFixture): bigint {
    return memberPermissions(guild, this.bot.id, this.member(guild, this.bot.id)?.roles ?? []);
  }

  /** The DM channel between the bot and a user (made on first use). */
  dmChannelFor(user: APIUser): APIDMChannel {
    const existing = this.dmChannels.get(user.id);
    const channel = existing ? this.channels.get(existing) : undefined;
    if (channel && channel.type === ChannelType.DM) return channel;
    const created = buildDMChannel(this.ids.next(), user);
    this.channels.set(created.id, created);
    this.dmChannels.set(user.id, created.id);
    return created;
  }

  /** Users (`<@id>`/`<@!id>`), roles (`<@&id>`) and @everyone/@here mentioned in content. */
  parseMentions(content: string, guild: GuildFixture | null): { users: APIUserWithMember[]; roles: string[]; everyone: boolean } {
    const users: APIUserWithMember[] = [];
    for (const match of content.matchAll(/<@!?(\d{17,20})>/g)) {
      const id = match[1] ?? '';
      const user = this.knownUsers.get(id);
      if (!user || users.some((u) => u.id === id)) continue;
      const member = guild ? this.memberNoUser(guild, id) : undefined;
      users.push(member ? { ...user, member } : { ...user });
    }
    const roles = [...content.matchAll(/<@&(\d{17,20})>/g)]
      .map((m) => m[1] ?? '')
      .filter((id) => guild?.roles.some((r) => r.id === id));
    return { users, roles: [...new Set(roles)], everyone: /@(everyone|here)\b/.test(content) };
  }

  /** A new interaction token, shaped like Discord's (long, URL-safe). */
  interactionToken(id: string): string {
    return `${Buffer.from(`interaction:${id}:`).toString('base64url')}${randomBytes(48).toString('base64url')}`;
  }

  /** The registered command with this name for a guild (guild commands first, then global), if any. */
  findCommand(name: string, guildId: string | null): APIApplicationCommand | undefined {
    const guildCommands = guildId ? (this.guildCommands.get(guildId) ?? []) : [];
    return guildCommands.find((c) => c.name === name) ?? this.globalCommands.find((c) => c.name === name);
  }

  /** Attachment objects for uploaded files, matched to the body's `attachments` entries where given. */
  buildAttachments(channelId: string, body: Record<string, unknown>, files: RecordedFile[]): APIAttachment[] {
    const described = Array.isArray(body.attachments) ? (body.attachments as unknown[]) : [];
    return files.map((file, index) => {
      const meta = described.find((a) => isRecord(a) && String(a.id) === String(index));
      const id = this.ids.next();
      const filename = isRecord(meta) && typeof meta.filename === 'string' ? meta.filename : file.filename;
      const url = `${this.baseUrl}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
      return {
        id,
        filename,
        size: file.size,
        url,
        proxy_url: url,
        ...(file.contentType ? { content_type: file.contentType } : {}),
        ...(isRecord(meta) && typeof meta.description === 'string' ? { description: meta.description } : {}),
      };
    });
  }

  /** The interaction metadata Discord puts on messages made by an interaction response. */
  interactionMetadata(record: InteractionRecord, followup: boolean): APIMessageInteractionMetadata {
    const payload = record.payload;
    const user = payload.member?.user ?? payload.user ?? this.users.tester;
    const owners = payload.authorizing_integration_owners;
    if (record.type === InteractionType.MessageComponent) {
      return {
        id: record.id,
        type: InteractionType.MessageComponent,
        user,
        authorizing_integration_owners: owners,
        interacted_message_id: record.componentMessageId ?? '',
        ...(followup && record.originalMessageId ? { original_response_message_id: record.originalMessageId } : {}),
      };
    }
    return {
      id: record.id,
      type: InteractionType.ApplicationCommand,
      user,
      authorizing_integration_owners: owners,
      ...(followup && record.originalMessageId ? { original_response_message_id: record.originalMessageId } : {}),
    };
  }

  /**
   * A message the bot sends (channel message, interaction response or follow-up), built from a request body
   * the way Discord builds it: embeds typed `rich`, attachments for uploaded files, mentions parsed from content.
   */
  createBotMessage(input: {
    channelId: string;
    body: Record<string, unknown>;
    files: RecordedFile[];
    interaction?: InteractionRecord;
    followup?: boolean;
    referenced?: APIMessage | null;
    loading?: boolean;
  }): APIMessage {
    const { channelId, body, files, interaction } = input;
    const guild = this.guildOfChannel(channelId);
    const content = typeof body.content === 'string' ? body.content : '';
    const mentions = this.parseMentions(content, guild);
    const flags =
      ((typeof body.flags === 'number' ? body.flags : 0) & SETTABLE_FLAGS) | (input.loading ? MessageFlags.Loading : 0);
    let type = MessageType.Default;
    if (input.referenced) type = MessageType.Reply;
    if (interaction && interaction.type !== InteractionType.MessageComponent) type = MessageType.ChatInputCommand;
    const message: APIMessage = {
      id: this.ids.next(),
      channel_id: channelId,
      author: this.bot,
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: body.tts === true,
      mention_everyone: mentions.everyone,
      mentions: mentions.users,
      mention_roles: mentions.roles,
      attachments: this.buildAttachments(channelId, body, files),
      embeds: Array.isArray(body.embeds) ? (body.embeds as unknown[]).map((e) => ({ type: 'rich', ...(isRecord(e) ? e : {}) }) as APIEmbed) : [],
      components: Array.isArray(body.components) ? (body.components as APIMessageTopLevelComponent[]) : [],
      pinned: false,
      type,
      flags,
      ...(typeof body.nonce === 'string' || typeof body.nonce === 'number' ? { nonce: body.nonce } : {}),
    };
    if (input.referenced) {
      message.message_reference = {
        type: 0,
        message_id: input.referenced.id,
        channel_id: input.referenced.channel_id,
        ...(guild ? { guild_id: guild.id } : {}),
      };
      message.referenced_message = input.referenced;
    }
    if (interaction) {
      message.webhook_id = this.applicationId;
      message.application_id = this.applicationId;
      message.interaction_metadata = this.interactionMetadata(interaction, input.followup ?? false);
      const user = interaction.payload.member?.user ?? interaction.payload.user ?? this.users.tester;
      if (interaction.commandName !== null) {
        message.interaction = { id: interaction.id, type: interaction.type, name: interaction.commandName, user };
      }
    }
    this.messages.set(message.id, message);
    const channel = this.channels.get(channelId);
    if (channel && 'last_message_id' in channel && !(flags & MessageFlags.Ephemeral)) channel.last_message_id = message.id;
    if (channel && isThread(channel) && !(flags & MessageFlags.Ephemeral)) {
      channel.message_count = (channel.message_count ?? 0) + 1;
      channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
    }
    return message;
  }

  /** Applies an edit body to a message (content, embeds, components, attachments, flags) in place. */
  editMessage(message: APIMessage, body: Record<string, unknown>, files: RecordedFile[]): APIMessage {
    const guild = this.guildOfChannel(message.channel_id);
    const wasLoading = ((message.flags ?? 0) & MessageFlags.Loading) !== 0;
    if (typeof body.content === 'string' || body.content === null) {
      message.content = body.content ?? '';
      const mentions = this.parseMentions(message.content, guild);
      message.mentions = mentions.users;
      message.mention_roles = mentions.roles;
      message.mention_everyone = mentions.everyone;
    }
    if (Array.isArray(body.embeds) || body.embeds === null) {
      message.embeds = (body.embeds ?? []).map((e: unknown) => ({ type: 'rich', ...(isRecord(e) ? e : {}) }) as APIEmbed);
    }
    if (Array.isArray(body.components) || body.components === null) {
      message.components = (body.components ?? []) as APIMessageTopLevelComponent[];
    }
    if (Array.isArray(body.attachments)) {
      const keep = new Set((body.attachments as unknown[]).filter(isRecord).map((a) => String(a.id)));
      message.attachments = message.attachments.filter((a) => keep.has(a.id));
    }
    if (files.length > 0) message.attachments = [...message.attachments, ...this.buildAttachments(message.channel_id, body, files)];
    let flags = message.flags ?? 0;
    if (typeof body.flags === 'number') {
      flags = (flags & ~MessageFlags.SuppressEmbeds) | (body.flags & MessageFlags.SuppressEmbeds);
    }
    message.flags = flags & ~MessageFlags.Loading;
    message.edited_timestamp = wasLoading ? null : new Date().toISOString();
    return message;
  }

  /** A stored message as the gateway carries it in MESSAGE_CREATE / MESSAGE_UPDATE (guild id, member, mentions with members). */
  gatewayMessage(message: APIMessage): GatewayMessageCreateDispatchData {
    const guild = this.guildOfChannel(message.channel_id);
    const member = guild ? this.memberNoUser(guild, message.author.id) : undefined;
    const mentions: APIUserWithMember[] = message.mentions.map((user) => {
      const m = guild ? this.memberNoUser(guild, user.id) : undefined;
      return m ? { ...user, member: m } : user;
    });
    return {
      ...message,
      mentions,
      ...(guild ? { guild_id: guild.id } : {}),
      ...(member && !message.webhook_id ? { member } : {}),
    };
  }
}
