/**
 * What every command, button, precondition and event handler of the bot is given, and the shapes of
 * those handlers. The shared types live here, in one module that imports nothing from the handler
 * modules (`commands/types.ts`, `components/types.ts` and `preconditions/types.ts` re-export them),
 * so that there is no import circle between the context and the handlers it holds.
 */
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  PermissionsBitField,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Library } from '../answer/library.js';
import type { DiscordConfig } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { ConversationMemory } from './conversations.js';
import type { CooldownTracker } from './cooldowns.js';
import type { FeedbackStore } from './feedback.js';
import type { BotMetrics } from './metrics.js';
import type { QuestionQueue } from './question-queue.js';
import type { ServerSettings } from './server-settings.js';

/** The parts of the Library the Discord layer uses (so that tests can wrap or stand in for it). */
export type AnswerLibrary = Pick<Library, 'ask' | 'articles' | 'article' | 'rebuild' | 'isRebuilding'>;

/** The Discord settings the handlers read. */
export type BotSettings = Pick<
  DiscordConfig,
  | 'askPublicDefault'
  | 'mentionReplyMode'
  | 'maintainerRoleIds'
  | 'maintainerUserIds'
  | 'guildAllowlist'
  | 'cooldownSeconds'
  | 'threadFollowUps'
>;

export interface BotContext {
  library: AnswerLibrary;
  config: BotSettings;
  logger: Logger;
  /** The global limit on questions answered at once. */
  queue: QuestionQueue;
  cooldowns: CooldownTracker;
  /** The earlier questions of the bot's conversations, for follow-ups (memory only, bounded). */
  conversations: ConversationMemory;
  feedback: FeedbackStore;
  /** The settings in force in each server: its own (`/settings`), else the defaults in `config`. */
  settings: ServerSettings;
  /** The slash commands by name. */
  commands: ReadonlyMap<string, SlashCommand>;
  /** The button handlers, tried in order. */
  buttons: readonly ButtonHandler[];
  /** False once the bot has begun to stop: new questions are turned away. */
  accepting(): boolean;
  /** Keeps track of a handler's work so that `stop()` can wait for it. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Where handlers count questions by outcome, answer latency and rebuilds. */
  metrics: BotMetrics;
}

/** Who is acting, and where (for preconditions, shared by slash commands and @mentions). */
export interface Actor {
  userId: string;
  /** Undefined in DMs. */
  guildId: string | undefined;
  /** The member's role ids in the guild (empty in DMs). */
  roleIds: readonly string[];
  /** The member's guild permissions, when known (interactions always carry them in guilds). */
  permissions: Readonly<PermissionsBitField> | undefined;
}

export type PreconditionResult = { ok: true } | { ok: false; message: string };

/** A small check that runs before a command (see preconditions/types.ts). */
export interface Precondition {
  /** A name for the log. */
  readonly name: string;
  run(actor: Actor, ctx: BotContext): PreconditionResult;
}

/**
 * A slash command module, as in the discord.js guide: `data` (a SlashCommandBuilder) describes it to
 * Discord, `execute` runs it. Preconditions run first; `autocomplete` answers option suggestions.
 */
export interface SlashCommand {
  data: { readonly name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  /** Checked in order before `execute`; a refusal is shown ephemerally and logged. */
  preconditions?: readonly Precondition[];
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}

/** A button handler: claims the custom ids it understands and handles their clicks. */
export interface ButtonHandler {
  /** A name for the log. */
  readonly name: string;
  /** Whether this handler owns the custom id. */
  matches(customId: string): boolean;
  handle(interaction: ButtonInteraction, ctx: BotContext): Promise<void>;
}
