/**
 * Building and dispatching what users do: slash commands, autocomplete, button clicks, messages, threads
 * and guild joins, with payloads shaped like Discord's (snowflake ids, members with permissions, intents
 * gating message content).
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonStyle,
  ChannelType,
  ComponentType,
  GatewayIntentBits,
  InteractionContextType,
  InteractionType,
  MessageType,
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOption,
  type APIInteraction,
  type APIMessage,
  type APIThreadChannel,
  type APIUser,
  type APIUserWithMember,
  type GatewayMessageCreateDispatchData,
  type Locale,
  type MessageFlags,
} from 'discord.js';
import { buildGuildFixture, buildThread, guildCreatePayload, memberPermissions, type GuildFixture, type GuildFixtureOptions } from './fixtures.js';
import type { Gateway } from './gateway.js';
import type { InteractionRecord, StandinState } from './state.js';

/** Who interacts, and where. */
export interface InteractionActor {
  /** The user: an object or a known id. Default: the fixture `tester`. */
  user?: APIUser | string;
  /** The guild (default: the first guild). Ignored with `dm`. */
  guildId?: string;
  /** The channel or thread (default: the guild's first text channel, or the DM channel with `dm`). */
  channelId?: string;
  /** Interact in the bot's DMs instead of a guild. */
  dm?: boolean;
  /** The member's permissions (decimal bitfield string or bigint); default: computed from its roles. */
  permissions?: string | bigint;
  /** The member's role ids; default: its roles in the fixture guild. */
  roles?: string[];
  /** `app_permissions` (the bot's permissions in the channel); default: from the bot's role. */
  appPermissions?: string | bigint;
  /** The user's locale (default `en-US`). */
  locale?: Locale;
}

/** An option value: strings are STRING (3), integers INTEGER (4) unless the registered command says NUMBER, other numbers NUMBER (10), booleans BOOLEAN (5). */
export type OptionValue = string | number | boolean;

/** A slash command to inject. */
export interface SlashCommandInput extends InteractionActor {
  /** Command name. */
  name: string;
  /** Options by name, or raw option objects. */
  options?: Record<string, OptionValue> | APIApplicationCommandInteractionDataOption[];
  /** Subcommand the options belong to. */
  subcommand?: string;
  /** Subcommand group the subcommand belongs to. */
  subcommandGroup?: string;
}

/** An autocomplete request to inject: a slash command being typed, with one option focused. */
export interface AutocompleteInput extends SlashCommandInput {
  /** The name of the option being typed; its value is sent as a string, as Discord does. */
  focused: string;
}

/** A button click to inject. */
export interface ButtonInput extends InteractionActor {
  customId: string;
  /** The message the button is on (must be known: e.g. the bot's reply). Default: a fresh bot message with this button, in the channel. */
  messageId?: string;
}

/** What an interaction injection returns. */
export interface InjectedInteraction {
  id: string;
  token: string;
  payload: APIInteraction;
  /** Live state: how the bot answered. */
  record: InteractionRecord;
  /** Whether the gateway delivered it now or queued it for a resume. */
  delivery: 'delivered' | 'queued' | 'filtered';
}

/** A user message to inject. */
export interface MessageInput {
  content: string;
  /** Author: an object or a known id. Default: the fixture `tester`. */
  author?: APIUser | string;
  /** Guild (default: the first guild). Ignored with `dm`. */
  guildId?: string;
  /** Channel or thread (default: the guild's first text channel). */
  channelId?: string;
  /** Send it in the author's DMs with the bot. */
  dm?: boolean;
  /** Prepend a mention of the bot (`<@botId> `) unless the content already mentions it. */
  mentionBot?: boolean;
  /** Make it a reply to this message id; replying to the bot pings it (puts it in `mentions`) unless `pingReplied` is false. */
  replyTo?: string;
  pingReplied?: boolean;
}

/** What a message injection returns. */
export interface InjectedMessage {
  id: string;
  channelId: string;
  guildId: string | null;
  payload: GatewayMessageCreateDispatchData;
  /** `filtered` when the bot's intents exclude it (no GuildMessages / DirectMessages). */
  delivery: 'delivered' | 'queued' | 'filtered';
}

/** Builds and dispatches injected events for a stand-in. */
export class Injector {
  private readonly commandIds = new Map<string, string>();

  constructor(
    private readonly state: StandinState,
    private readonly gateway: Gateway,
  ) {}

  private get guild(): GuildFixture {
    const guild = this.state.guilds[0];
    if (!guild) throw new Error('The stand-in has no guild');
    return guild;
  }

  /** Injects a slash command (INTERACTION_CREATE, type 2). */
  sendSlashCommand(input: SlashCommandInput): InjectedInteraction {
    return this.injectCommand(input, InteractionType.ApplicationCommand, null);
  }

  /** Injects an autocomplete request (INTERACTION_CREATE, type 4) with `input.focused` focused. */
  sendAutocomplete(input: AutocompleteInput): InjectedInteraction {
    return this.injectCommand(input, InteractionType.ApplicationCommandAutocomplete, input.focused);
  }

  /** Injects a button click (INTERACTION_CREATE, type 3) on a message. */
  sendButton(input: ButtonInput): InjectedInteraction {
    const where = this.where(input);
    let message: APIMessage | undefined;
    if (input.messageId !== undefined) {
      message = this.state.messages.get(input.messageId);
      if (!message) throw new Error(`sendButton: unknown message ${input.messageId}`);
    } else {
      message = this.state.createBotMessage({
        channelId: where.channelId,
        body: {
          content: 'Buttons',
          components: [
            { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: input.customId, label: input.customId.slice(0, 80) }] },
          ],
        },
        files: [],
      });
    }
    const base = this.interactionBase(input, where, InteractionType.MessageComponent);
    const payload = {
      ...base,
      type: InteractionType.MessageComponent,
      data: { custom_id: input.customId, component_type: ComponentType.Button },
      message,
    } as APIInteraction;
    return this.deliverInteraction(payload, where, null, message.id);
  }

  /** Injects a user message (MESSAGE_CREATE), gated by the bot's intents like Discord (content needs MessageContent unless the bot is mentioned or it is a DM). */
  sendMessage(input: MessageInput): InjectedMessage {
    const author = this.state.resolveUser(input.author);
    let channelId: string;
    let guild: GuildFixture | null = null;
    if (input.dm) {
      channelId = this.state.dmChannelFor(author).id;
    } else {
      guild = input.guildId ? this.state.guild(input.guildId) : this.guild;
      channelId = input.channelId ?? guild.textChannelId;
      const channelGuild = this.state.guildOfChannel(channelId);
      if (!channelGuild) throw new Error(`sendMessage: unknown guild channel ${channelId}`);
      guild = channelGuild;
    }
    let content = input.content;
    const botMention = `<@${this.state.bot.id}>`;
    if (input.mentionBot && !content.includes(botMention) && !content.includes(`<@!${this.state.bot.id}>`)) {
      content = `${botMention} ${content}`;
    }
    const referenced = input.replyTo !== undefined ? this.state.messages.get(input.replyTo) : undefined;
    if (input.replyTo !== undefined && !referenced) throw new Error(`sendMessage: unknown message ${input.replyTo}`);
    const parsed = this.state.parseMentions(content, guild);
    const mentions: APIUserWithMember[] = [...parsed.users];
    if (referenced && (input.pingReplied ?? true) && !mentions.some((u) => u.id === referenced.author.id)) {
      const member = guild ? this.state.memberNoUser(guild, referenced.author.id) : undefined;
      mentions.push(member ? { ...referenced.author, member } : referenced.author);
    }
    const channel = this.state.channels.get(channelId);
    const stored: APIMessage = {
      id: this.state.ids.next(),
      channel_id: channelId,
      author,
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: parsed.everyone,
      mentions,
      mention_roles: parsed.roles,
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: referenced ? MessageType.Reply : MessageType.Default,
      flags: 0 as MessageFlags,
      ...(referenced
        ? {
            message_reference: { type: 0, message_id: referenced.id, channel_id: referenced.channel_id, ...(guild ? { guild_id: guild.id } : {}) },
            referenced_message: referenced,
          }
        : {}),
    };
    this.state.messages.set(stored.id, stored);
    if (channel && 'last_message_id' in channel) channel.last_message_id = stored.id;
    const payload = this.state.gatewayMessage(stored);
    if (channel && (channel.type === ChannelType.GuildText || channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread || channel.type === ChannelType.DM)) {
      payload.channel_type = channel.type;
    }
    const intents = this.gateway.intentsFor(guild?.id ?? null);
    const mentionsBot = mentions.some((u) => u.id === this.state.bot.id);
    if ((intents & GatewayIntentBits.MessageContent) === 0 && guild !== null && !mentionsBot && author.id !== this.state.bot.id) {
      // Without the MessageContent intent Discord blanks these fields.
      payload.content = '';
      payload.embeds = [];
      payload.attachments = [];
      payload.components = [];
    }
    const delivery = this.gateway.dispatch(
      'MESSAGE_CREATE',
      payload,
      guild ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages,
      guild?.id ?? null,
    );
    return { id: stored.id, channelId, guildId: guild?.id ?? null, payload, delivery };
  }

  /** Creates a thread under a text channel and dispatches THREAD_CREATE (as when a user starts one). */
  createThread(input: { name: string; parentId?: string; owner?: APIUser | string }): APIThreadChannel {
    const parentId = input.parentId ?? this.guild.textChannelId;
    const guild = this.state.guildOfChannel(parentId);
    if (!guild) throw new Error(`createThread: unknown guild channel ${parentId}`);
    const owner = this.state.resolveUser(input.owner);
    const thread = buildThread(this.state.ids.next(), guild.id, parentId, input.name, owner.id);
    this.state.channels.set(thread.id, thread);
    guild.threads.push(thread);
    this.gateway.dispatch('THREAD_CREATE', { ...thread, newly_created: true }, GatewayIntentBits.Guilds, guild.id);
    return thread;
  }

  /** Adds a guild the bot has just joined and dispatches its GUILD_CREATE. */
  addGuild(options: GuildFixtureOptions = {}): GuildFixture {
    const guild = buildGuildFixture(this.state.ids, this.state.bot, this.state.users, options);
    this.state.addGuild(guild);
    if (this.gateway.hasSessionFor(guild.id) && !guild.unavailable) {
      this.gateway.dispatch('GUILD_CREATE', guildCreatePayload(guild), GatewayIntentBits.Guilds, guild.id);
    }
    return guild;
  }

  private where(actor: InteractionActor): { guild: GuildFixture | null; channelId: string; user: APIUser } {
    const user = this.state.resolveUser(actor.user);
    if (actor.dm) return { guild: null, channelId: actor.channelId ?? this.state.dmChannelFor(user).id, user };
    const guild = actor.guildId ? this.state.guild(actor.guildId) : actor.channelId ? (this.state.guildOfChannel(actor.channelId) ?? this.guild) : this.guild;
    const channelId = actor.channelId ?? guild.textChannelId;
    if (!this.state.channels.has(channelId)) throw new Error(`Unknown channel ${channelId}`);
    return { guild, channelId, user };
  }

  private interactionBase(
    actor: InteractionActor,
    where: { guild: GuildFixture | null; channelId: string; user: APIUser },
    type: InteractionType,
  ): Record<string, unknown> {
    const id = this.state.ids.next();
    const channel = this.state.channels.get(where.channelId);
    const { guild, user } = where;
    const locale = actor.locale ?? ('en-US' as Locale);
    const base: Record<string, unknown> = {
      id,
      application_id: this.state.applicationId,
      type,
      token: this.state.interactionToken(id),
      version: 1,
      channel_id: where.channelId,
      channel,
      locale,
      entitlements: [],
      attachment_size_limit: 10 * 1024 * 1024,
    };
    if (guild) {
      const fixtureMember = this.state.member(guild, user.id);
      const roles = actor.roles ?? fixtureMember?.roles ?? [];
      const permissions = actor.permissions ?? memberPermissions(guild, user.id, roles);
      base.guild_id = guild.id;
      base.guild = { id: guild.id, locale: 'en-US', features: [] };
      base.guild_locale = 'en-US';
      base.member = {
        ...(fixtureMember ?? {
          nick: null,
          avatar: null,
          banner: null,
          joined_at: new Date().toISOString(),
          premium_since: null,
          deaf: false,
          mute: false,
          flags: 0,
          pending: false,
          communication_disabled_until: null,
        }),
        user,
        roles,
        permissions: permissions.toString(),
      };
      base.app_permissions = (actor.appPermissions ?? this.state.botPermissions(guild)).toString();
      base.authorizing_integration_owners = { '0': guild.id };
      base.context = InteractionContextType.Guild;
    } else {
      base.user = user;
      base.app_permissions = (actor.appPermissions ?? 0n).toString();
      base.authorizing_integration_owners = { '0': '0' };
      base.context = InteractionContextType.BotDM;
    }
    return base;
  }

  private injectCommand(input: SlashCommandInput, type: InteractionType, focused: string | null): InjectedInteraction {
    const where = this.where(input);
    const registered = this.state.findCommand(input.name, where.guild?.id ?? null);
    let commandId = registered?.id ?? this.commandIds.get(input.name);
    if (!commandId) {
      commandId = this.state.ids.next();
      this.commandIds.set(input.name, commandId);
    }
    let definitions: readonly APIApplicationCommandOption[] = registered?.options ?? [];
    const descend = (name: string | undefined): void => {
      if (name === undefined) return;
      const found = definitions.find((o) => o.name === name);
      definitions = found && 'options' in found && Array.isArray(found.options) ? found.options : [];
    };
    descend(input.subcommandGroup);
    descend(input.subcommand);
    let options: APIApplicationCommandInteractionDataOption[] = Array.isArray(input.options)
      ? input.options
      : Object.entries(input.options ?? {}).map(([name, value]) =>
          buildOption(name, value, definitions.find((d) => d.name === name)?.type, name === focused),
        );
    if (input.subcommand !== undefined) {
      options = [{ type: ApplicationCommandOptionType.Subcommand, name: input.subcommand, options } as APIApplicationCommandInteractionDataOption];
    }
    if (input.subcommandGroup !== undefined) {
      options = [{ type: ApplicationCommandOptionType.SubcommandGroup, name: input.subcommandGroup, options } as APIApplicationCommandInteractionDataOption];
    }
    const payload = {
      ...this.interactionBase(input, where, type),
      type,
      data: {
        id: commandId,
        name: input.name,
        type: ApplicationCommandType.ChatInput,
        options,
        ...(registered?.guild_id ? { guild_id: registered.guild_id } : {}),
      },
    } as APIInteraction;
    return this.deliverInteraction(payload, where, input.name, null);
  }

  private deliverInteraction(
    payload: APIInteraction,
    where: { guild: GuildFixture | null; channelId: string },
    commandName: string | null,
    componentMessageId: string | null,
  ): InjectedInteraction {
    const record: InteractionRecord = {
      id: payload.id,
      token: payload.token,
      type: payload.type,
      payload,
      dispatchedAt: Date.now(),
      guildId: where.guild?.id ?? null,
      channelId: where.channelId,
      commandName,
      componentMessageId,
      responseType: null,
      respondedAt: null,
      originalMessageId: null,
      followupIds: [],
      choices: null,
      lateCallbacks: 0,
    };
    this.state.interactions.set(record.id, record);
    const delivery = this.gateway.dispatch('INTERACTION_CREATE', payload, 0, where.guild?.id ?? null);
    return { id: record.id, token: record.token, payload, record, delivery };
  }
}

/** Builds one interaction option from a plain value, using the registered option type when known. */
function buildOption(
  name: string,
  value: OptionValue,
  registeredType: ApplicationCommandOptionType | undefined,
  focused: boolean,
): APIApplicationCommandInteractionDataOption {
  let type: ApplicationCommandOptionType;
  if (registeredType !== undefined) type = registeredType;
  else if (typeof value === 'boolean') type = ApplicationCommandOptionType.Boolean;
  else if (typeof value === 'number') type = Number.isInteger(value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
  else type = ApplicationCommandOptionType.String;
  // While typing (autocomplete) Discord sends the focused value as the raw string.
  const sent = focused ? String(value) : value;
  return { name, type, value: sent, ...(focused ? { focused: true } : {}) } as APIApplicationCommandInteractionDataOption;
}
