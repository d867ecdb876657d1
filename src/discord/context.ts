/** What every command, button and event handler of the bot is given. */
import type { Library } from '../answer/library.js';
import type { DiscordConfig } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { SlashCommand } from './commands/types.js';
import type { ButtonHandler } from './components/types.js';
import type { FeedbackStore } from './feedback.js';
import type { BotMetrics } from './metrics.js';
import type { CooldownTracker } from './preconditions/cooldown.js';
import type { QuestionQueue } from './question-queue.js';

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
>;

export interface BotContext {
  library: AnswerLibrary;
  config: BotSettings;
  logger: Logger;
  /** The global limit on questions answered at once. */
  queue: QuestionQueue;
  cooldowns: CooldownTracker;
  feedback: FeedbackStore;
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
