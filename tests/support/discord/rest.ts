/**
 * The stand-in's REST routes (under /api/v10): gateway discovery, the bot's identity, channel messages,
 * typing, reactions, threads, interaction callbacks, interaction webhooks and command registration —
 * answering like Discord, including its 4xx errors and payload limits.
 */
import {
  ApplicationCommandType,
  ChannelType,
  GatewayIntentBits,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  PermissionFlagsBits,
  ThreadAutoArchiveDuration,
  type APIApplicationCommand,
  type APIMessage,
  type APIThreadChannel,
  type ThreadMemberFlags,
} from 'discord.js';
import { buildThread, isThread } from './fixtures.js';
import type { Gateway } from './gateway.js';
import type { RecordedRequest } from './http.js';
import type { StandinState } from './state.js';
import {
  checkAutocompleteChoices,
  checkCommands,
  checkMessagePayload,
  formErrorBody,
  isRecord,
  textLength,
  type DiscordErrorBody,
  type FormIssue,
} from './validate.js';

/** What a route answers. */
export interface RestResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Form issues behind a 400, recorded as a violation. */
  issues?: FormIssue[];
}

/** REST behaviour settings. */
export interface RestOptions {
  /** When set, bot-authenticated routes answer 401 to any other token. */
  token: string | undefined;
  /** Initial responses arriving this many ms or more after the dispatch answer 10062 Unknown interaction (null: never expire). */
  interactionAckDeadlineMs: number | null;
  /** Whether the bot's own messages are echoed as MESSAGE_CREATE / MESSAGE_UPDATE on the gateway, as Discord does. */
  echoOwnMessages: boolean;
  /** The ws:// URL GET /gateway and /gateway/bot return. */
  gatewayUrl: string;
  /** The shard count GET /gateway/bot recommends. */
  shards: number;
  /** `session_start_limit.max_concurrency` of GET /gateway/bot: identifies allowed per 5 s. */
  maxConcurrency: number;
}

function error(status: number, code: number, message: string): RestResult {
  const body: DiscordErrorBody = { message, code };
  return { status, body };
}

const notFound = (): RestResult => error(404, 0, '404: Not Found');
const unknownChannel = (): RestResult => error(404, 10003, 'Unknown Channel');
const unknownMessage = (): RestResult => error(404, 10008, 'Unknown Message');
const unknownWebhook = (): RestResult => error(404, 10015, 'Unknown Webhook');
const unknownInteraction = (): RestResult => error(404, 10062, 'Unknown interaction');
const missingPermissions = (): RestResult => error(403, 50013, 'Missing Permissions');
const missingAccess = (): RestResult => error(403, 50001, 'Missing Access');
const emptyMessage = (): RestResult => error(400, 50006, 'Cannot send an empty message');
const invalid = (issues: FormIssue[]): RestResult => ({ status: 400, body: formErrorBody(issues), issues });
const noContent = (): RestResult => ({ status: 204 });
const ok = (body: unknown): RestResult => ({ status: 200, body });

/** Routes requests to handlers. */
export class RestRoutes {
  constructor(
    private readonly state: StandinState,
    private readonly gateway: Gateway,
    private readonly options: RestOptions,
  ) {}

  /** Answers one request. */
  handle(req: RecordedRequest): RestResult {
    const parts = req.path.split('/').filter((p) => p !== '');
    const [root] = parts;
    const method = req.method;

    if (root === 'interactions') return this.interactionRoute(req, parts);
    if (root === 'webhooks') return this.webhookRoute(req, parts);
    if (method === 'GET' && parts.length === 1 && root === 'gateway') return ok({ url: this.options.gatewayUrl });

    // Everything else needs the bot token.
    if (req.auth.kind !== 'bot' || (this.options.token !== undefined && req.auth.token !== this.options.token)) {
      return error(401, 0, '401: Unauthorized');
    }
    const path = parts.join('/');
    if (method === 'GET' && path === 'gateway/bot') {
      return ok({
        url: this.options.gatewayUrl,
        shards: this.options.shards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: this.options.maxConcurrency },
      });
    }
    if (method === 'GET' && path === 'users/@me') return ok(this.state.bot);
    if (method === 'GET' && (path === 'applications/@me' || path === 'oauth2/applications/@me')) return ok(this.application());
    if (method === 'POST' && path === 'users/@me/channels') return this.createDM(req);
    if (method === 'GET' && root === 'users' && parts.length === 2) {
      const user = this.state.knownUsers.get(parts[1] ?? '');
      return user ? ok(user) : error(404, 10013, 'Unknown User');
    }
    if (root === 'channels') return this.channelRoute(req, parts);
    if (root === 'applications') return this.commandRoute(req, parts);
    return notFound();
  }

  private application(): Record<string, unknown> {
    return {
      id: this.state.applicationId,
      name: this.state.bot.username,
      icon: null,
      description: '',
      summary: '',
      type: null,
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: 'f'.repeat(64),
      flags: this.state.applicationFlags,
      owner: this.state.users.owner,
      team: null,
      bot: this.state.bot,
      integration_types_config: { '0': {} },
      approximate_guild_count: this.state.guilds.length,
    };
  }

  private createDM(req: RecordedRequest): RestResult {
    const recipient = isRecord(req.body) ? req.body.recipient_id : undefined;
    if (typeof recipient !== 'string') return invalid([{ path: ['recipient_id'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }]);
    const user = this.state.knownUsers.get(recipient);
    if (!user) return error(404, 10013, 'Unknown User');
    return ok(this.state.dmChannelFor(user));
  }

  // ---- channels -----------------------------------------------------------------------------------------

  private channelRoute(req: RecordedRequest, parts: string[]): RestResult {
    const [, channelId = '', sub, messageId, sub2, emoji, who] = parts;
    const channel = this.state.channels.get(channelId);
    if (!channel) return unknownChannel();
    const method = req.method;
    const guild = this.state.guildOfChannel(channelId);
    const perms = guild ? this.state.botPermissions(guild) : null;
    const lacks = (bit: bigint): boolean => perms !== null && (perms & bit) === 0n;
    if (lacks(PermissionFlagsBits.ViewChannel)) return missingAccess();

    if (parts.length === 2 && method === 'GET') return ok(channel);
    if (sub === 'typing' && parts.length === 3 && method === 'POST') {
      return lacks(PermissionFlagsBits.SendMessages) ? missingPermissions() : noContent();
    }
    if (sub === 'threads' && parts.length === 3 && method === 'POST') return this.startThread(req, channelId, null);
    if (sub !== 'messages') return notFound();

    if (parts.length === 3) {
      if (method === 'POST') {
        const needed = isThread(channel) ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
        if (lacks(needed)) return missingPermissions();
        return this.createChannelMessage(req, channelId);
      }
      if (method === 'GET') {
        return ok([...this.state.messages.values()].filter((m) => m.channel_id === channelId && !((m.flags ?? 0) & MessageFlags.Ephemeral)).reverse());
      }
      return notFound();
    }
    const message = this.state.messages.get(messageId ?? '');
    if (!message || message.channel_id !== channelId) return unknownMessage();
    if (parts.length === 4) {
      if (method === 'GET') return ok(message);
      if (method === 'PATCH') {
        if (message.author.id !== this.state.bot.id) return error(403, 50005, 'Cannot edit a message authored by another user');
        return this.editStoredMessage(req, message, []);
      }
      if (method === 'DELETE') {
        if (message.author.id !== this.state.bot.id && lacks(PermissionFlagsBits.ManageMessages)) return missingPermissions();
        this.state.messages.delete(message.id);
        return noContent();
      }
      return notFound();
    }
    if (sub2 === 'threads' && parts.length === 5 && method === 'POST') return this.startThread(req, channelId, message);
    if (sub2 === 'reactions' && parts.length === 7 && who === '@me' && (method === 'PUT' || method === 'DELETE')) {
      const decoded = emoji ?? '';
      const custom = /^[\w~-]+:\d{17,20}$/.test(decoded);
      const unicode = /\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u0023-\u0039]\u20e3/u.test(decoded) && !decoded.includes(':');
      if (!custom && !unicode) return error(400, 10014, 'Unknown Emoji');
      // Adding a reaction needs both Add Reactions and Read Message History.
      if (method === 'PUT' && (lacks(PermissionFlagsBits.AddReactions) || lacks(PermissionFlagsBits.ReadMessageHistory))) {
        return missingPermissions();
      }
      const list = this.state.reactions.get(message.id) ?? [];
      const next = method === 'PUT' ? [...new Set([...list, decoded])] : list.filter((e) => e !== decoded);
      this.state.reactions.set(message.id, next);
      return noContent();
    }
    return notFound();
  }

  private createChannelMessage(req: RecordedRequest, channelId: string): RestResult {
    const check = checkMessagePayload(req.body, req.files.length);
    if (check.issues.length > 0) return invalid(check.issues);
    if (check.empty) return emptyMessage();
    const body = isRecord(req.body) ? req.body : {};
    if (typeof body.flags === 'number' && (body.flags & MessageFlags.Ephemeral) !== 0) {
      return invalid([{ path: ['flags'], code: 'MESSAGE_FLAGS_INVALID', message: 'Ephemeral messages can only be sent as interaction responses' }]);
    }
    let referenced: APIMessage | null = null;
    if (isRecord(body.message_reference)) {
      const ref = body.message_reference;
      const target = typeof ref.message_id === 'string' ? this.state.messages.get(ref.message_id) : undefined;
      const targetChannel = typeof ref.channel_id === 'string' ? ref.channel_id : channelId;
      if (target && target.channel_id === targetChannel) referenced = target;
      else if (ref.fail_if_not_exists !== false) {
        return invalid([{ path: ['message_reference'], code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }]);
      }
    }
    const message = this.state.createBotMessage({ channelId, body, files: req.files, referenced });
    this.echo('MESSAGE_CREATE', message);
    return ok(message);
  }

  private editStoredMessage(req: RecordedRequest, message: APIMessage, extraIssuesBase: (string | number)[]): RestResult {
    const check = checkMessagePayload(req.body, req.files.length, extraIssuesBase);
    if (check.issues.length > 0) return invalid(check.issues);
    const body = isRecord(req.body) ? req.body : {};
    const before = structuredClone(message);
    const edited = this.state.editMessage(message, body, req.files);
    const after = checkMessagePayload(edited, edited.attachments.length);
    if (after.empty) {
      Object.assign(message, before);
      return emptyMessage();
    }
    this.echo('MESSAGE_UPDATE', edited);
    return ok(edited);
  }

  private startThread(req: RecordedRequest, channelId: string, message: APIMessage | null): RestResult {
    const parent = this.state.channels.get(channelId);
    const guild = this.state.guildOfChannel(channelId);
    if (!parent || !guild || (parent.type !== ChannelType.GuildText && parent.type !== ChannelType.GuildAnnouncement)) {
      return error(400, 50024, 'Cannot execute action on this channel type');
    }
    const body = isRecord(req.body) ? req.body : {};
    const issues: FormIssue[] = [];
    if (typeof body.name !== 'string' || textLength(body.name) < 1 || textLength(body.name) > 100) {
      issues.push({ path: ['name'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    }
    const duration = body.auto_archive_duration;
    if (duration !== undefined && ![60, 1440, 4320, 10080].includes(Number(duration))) {
      issues.push({ path: ['auto_archive_duration'], code: 'BASE_TYPE_CHOICES', message: 'Value must be one of {60, 1440, 4320, 10080}.' });
    }
    if (issues.length > 0) return invalid(issues);
    const perms = this.state.botPermissions(guild);
    const isPrivate = message === null && body.type === ChannelType.PrivateThread;
    const needed = isPrivate ? PermissionFlagsBits.CreatePrivateThreads : PermissionFlagsBits.CreatePublicThreads;
    if ((perms & needed) === 0n) return missingPermissions();
    if (message && this.state.threadsByMessage.has(message.id)) {
      return error(400, 160004, 'A thread has already been created for this message');
    }
    // A thread started from a message takes the message's id, as on Discord.
    const id = message ? message.id : this.state.ids.next();
    const thread: APIThreadChannel = buildThread(id, guild.id, channelId, String(body.name), this.state.bot.id, {
      private: isPrivate,
      autoArchiveDuration: (duration === undefined ? ThreadAutoArchiveDuration.OneDay : Number(duration)) as ThreadAutoArchiveDuration,
    });
    thread.member = { id: thread.id, user_id: this.state.bot.id, join_timestamp: new Date().toISOString(), flags: 0 as ThreadMemberFlags };
    this.state.channels.set(thread.id, thread);
    guild.threads.push(thread);
    if (message) {
      this.state.threadsByMessage.set(message.id, thread.id);
      message.thread = thread;
    }
    if (this.gateway.hasSessionFor(guild.id)) {
      this.gateway.dispatch('THREAD_CREATE', { ...thread, newly_created: true }, GatewayIntentBits.Guilds, guild.id);
    }
    return { status: 201, body: thread };
  }

  // ---- interactions -------------------------------------------------------------------------------------

  private interactionRoute(req: RecordedRequest, parts: string[]): RestResult {
    const [, id = '', token = '', callback] = parts;
    if (parts.length !== 4 || callback !== 'callback' || req.method !== 'POST') return notFound();
    const record = this.state.interactions.get(id);
    if (!record || record.token !== token) return unknownInteraction();
    const deadline = this.options.interactionAckDeadlineMs;
    if (record.responseType === null && deadline !== null && req.time - record.dispatchedAt >= deadline) {
      record.lateCallbacks++;
      return unknownInteraction();
    }
    if (record.responseType !== null) return error(400, 40060, 'Interaction has already been acknowledged.');
    const body = isRecord(req.body) ? req.body : {};
    const type = body.type;
    const data = isRecord(body.data) ? body.data : {};
    const isComponent = record.type === InteractionType.MessageComponent;
    const isAutocomplete = record.type === InteractionType.ApplicationCommandAutocomplete;
    const wrongType = (): RestResult =>
      invalid([{ path: ['type'], code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Interaction response type ${String(type)} is not valid for this interaction` }]);
    if (isAutocomplete && type !== InteractionResponseType.ApplicationCommandAutocompleteResult) return wrongType();

    let message: APIMessage | null = null;
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        const check = checkMessagePayload(body.data, req.files.length, ['data']);
        if (check.issues.length > 0) return invalid(check.issues);
        if (check.empty) return emptyMessage();
        message = this.state.createBotMessage({ channelId: record.channelId, body: data, files: req.files, interaction: record });
        this.echo('MESSAGE_CREATE', message);
        break;
      }
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        message = this.state.createBotMessage({
          channelId: record.channelId,
          body: { flags: typeof data.flags === 'number' ? data.flags & MessageFlags.Ephemeral : 0 },
          files: [],
          interaction: record,
          loading: true,
        });
        this.echo('MESSAGE_CREATE', message);
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage: {
        if (!isComponent && record.type !== InteractionType.ModalSubmit) return wrongType();
        message = record.componentMessageId ? (this.state.messages.get(record.componentMessageId) ?? null) : null;
        if (!message) return unknownMessage();
        if (type === InteractionResponseType.UpdateMessage) {
          const check = checkMessagePayload(body.data, req.files.length, ['data']);
          if (check.issues.length > 0) return invalid(check.issues);
          this.state.editMessage(message, data, req.files);
          this.echo('MESSAGE_UPDATE', message);
        }
        break;
      }
      case InteractionResponseType.ApplicationCommandAutocompleteResult: {
        if (!isAutocomplete) return wrongType();
        const issues = checkAutocompleteChoices(body.data);
        if (issues.length > 0) return invalid(issues);
        record.choices = Array.isArray(data.choices) ? (data.choices as unknown[]) : [];
        break;
      }
      case InteractionResponseType.Modal: {
        const issues: FormIssue[] = [];
        if (typeof data.custom_id !== 'string') issues.push({ path: ['data', 'custom_id'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        if (typeof data.title !== 'string' || textLength(data.title) > 45) issues.push({ path: ['data', 'title'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 45 in length.' });
        if (issues.length > 0) return invalid(issues);
        break;
      }
      default:
        return wrongType();
    }
    record.responseType = type;
    record.respondedAt = req.time;
    if (message) record.originalMessageId = message.id;

    if (req.query.with_response !== 'true') return noContent();
    return ok({
      interaction: {
        id: record.id,
        type: record.type,
        response_message_id: message?.id,
        response_message_loading: type === InteractionResponseType.DeferredChannelMessageWithSource,
        response_message_ephemeral: message ? ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0 : false,
      },
      resource: { type, ...(message ? { message } : {}) },
    });
  }

  private webhookRoute(req: RecordedRequest, parts: string[]): RestResult {
    const [, appId, token = '', sub, messageRef] = parts;
    if (appId !== this.state.applicationId) return unknownWebhook();
    const record = [...this.state.interactions.values()].find((r) => r.token === token);
    if (!record || record.responseType === null) return unknownWebhook();

    if (parts.length === 3) {
      if (req.method !== 'POST') return notFound();
      const check = checkMessagePayload(req.body, req.files.length);
      if (check.issues.length > 0) return invalid(check.issues);
      if (check.empty) return emptyMessage();
      const body = isRecord(req.body) ? req.body : {};
      const message = this.state.createBotMessage({ channelId: record.channelId, body, files: req.files, interaction: record, followup: true });
      record.followupIds.push(message.id);
      this.echo('MESSAGE_CREATE', message);
      return req.query.wait === 'false' ? noContent() : ok(message);
    }
    if (sub !== 'messages' || parts.length !== 5) return notFound();
    const messageId = messageRef === '@original' ? record.originalMessageId : messageRef;
    const owned = messageId !== null && (messageId === record.originalMessageId || record.followupIds.includes(messageId ?? ''));
    const message = owned ? this.state.messages.get(messageId ?? '') : undefined;
    if (!message) return unknownMessage();
    if (req.method === 'GET') return ok(message);
    if (req.method === 'PATCH') return this.editStoredMessage(req, message, []);
    if (req.method === 'DELETE') {
      this.state.messages.delete(message.id);
      return noContent();
    }
    return notFound();
  }

  // ---- commands -----------------------------------------------------------------------------------------

  private commandRoute(req: RecordedRequest, parts: string[]): RestResult {
    const [, appId, a, guildId, b] = parts;
    const guildScoped = a === 'guilds' && b === 'commands' && parts.length === 5;
    if (!guildScoped && !(a === 'commands' && parts.length === 3)) return notFound();
    if (appId !== this.state.applicationId) return missingAccess();
    if (guildScoped && !this.state.guilds.some((g) => g.id === guildId)) return missingAccess();
    const list = guildScoped ? (this.state.guildCommands.get(guildId ?? '') ?? []) : this.state.globalCommands;
    if (req.method === 'GET') return ok(list);
    if (req.method !== 'PUT') return notFound();
    const issues = checkCommands(req.body);
    if (issues.length > 0) return invalid(issues);
    const commands = (req.body as unknown[]).filter(isRecord).map((raw): APIApplicationCommand => {
      const type = typeof raw.type === 'number' ? raw.type : ApplicationCommandType.ChatInput;
      const existing = list.find((c) => c.name === raw.name && c.type === type);
      return {
        ...(raw as Partial<APIApplicationCommand>),
        id: existing?.id ?? this.state.ids.next(),
        application_id: this.state.applicationId,
        version: this.state.ids.next(),
        type,
        name: String(raw.name),
        description: typeof raw.description === 'string' ? raw.description : '',
        default_member_permissions: typeof raw.default_member_permissions === 'string' ? raw.default_member_permissions : null,
        nsfw: raw.nsfw === true,
        ...(guildScoped ? { guild_id: guildId } : {}),
      };
    });
    if (guildScoped) this.state.guildCommands.set(guildId ?? '', commands);
    else this.state.globalCommands.splice(0, this.state.globalCommands.length, ...commands);
    return ok(commands);
  }

  // ---- gateway echo -------------------------------------------------------------------------------------

  /** Echoes one of the bot's own messages on the gateway, as Discord does (not ephemeral ones). */
  private echo(t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: APIMessage): void {
    if (!this.options.echoOwnMessages || ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0) return;
    const guildId = this.state.guildOfChannel(message.channel_id)?.id ?? null;
    if (!this.gateway.hasSessionFor(guildId)) return;
    const intent = guildId !== null ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
    this.gateway.dispatch(t, this.state.gatewayMessage(message), intent, guildId);
  }
}
