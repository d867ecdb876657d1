/**
 * The bot: a Library, a discord.js client and the handlers, wired together.
 *
 * `start()` warms the Library up (the model and index are loaded when the Library is opened; one
 * question is run so that the model's first, slower inference happens now and not on someone's
 * question), then logs in and waits for READY. `stop()` turns new questions away, waits (bounded) for
 * the answers and rebuild in progress, and closes the client.
 */
import { Events, GatewayCloseCodes, WebSocketShardEvents, type Client } from 'discord.js';
import type { DiscordConfig } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { registerSecret } from '../core/logger.js';
import { createClient } from './client.js';
import { commandMap, COMMANDS, type SlashCommand } from './commands/index.js';
import { BUTTON_HANDLERS } from './components/index.js';
import type { AnswerLibrary, BotContext } from './context.js';
import { interactionCreate } from './events/interaction-create.js';
import { messageCreate } from './events/message-create.js';
import { ready } from './events/ready.js';
import { bindEvent } from './events/types.js';
import { FeedbackStore } from './feedback.js';
import { openDatabase, type Database } from '../storage/database.js';
import { ServerSettingsStore } from '../storage/server-settings.js';
import { ServerSettings } from './server-settings.js';
import { warnMissingPermissions } from './permissions.js';
import type { Readiness } from './health-server.js';
import { BotMetrics, type IndexInfo } from './metrics.js';
import { ConversationMemory } from './conversations.js';
import { CooldownTracker } from './cooldowns.js';
import { QuestionQueue } from './question-queue.js';

/** The question used to warm the model up before login. */
const WARM_UP_QUESTION = 'What did the Kremlin say about the meeting?';

/** How often expired cooldowns are forgotten (they are also dropped as questions come in). */
const COOLDOWN_PRUNE_MS = 60_000;

export interface BotOptions {
  config: DiscordConfig;
  library: AnswerLibrary;
  logger: Logger;
  /** A client to use instead of `createClient({ apiUrl: config.apiUrl })`. */
  client?: Client;
  commands?: readonly SlashCommand[];
  /** Where outcomes, latency, reconnects… are counted; a private BotMetrics when omitted. */
  metrics?: BotMetrics;
  /** The index generation answering now, for the metrics (the real Library's snapshot). */
  indexInfo?: () => IndexInfo | undefined;
  /**
   * Called when Discord closes the gateway for good after the bot was online (e.g. 4014: a privileged
   * intent was switched off, 4004: the token was reset); discord.js does not reconnect after those.
   */
  onGatewayClosed?: (code: number) => void;
}

/** The gateway connection as the bot last saw it. */
type GatewayState =
  | { state: 'offline' }
  | { state: 'connected' }
  | { state: 'reconnecting'; code: number | undefined }
  | { state: 'closed'; code: number };

export class VerbatimBot {
  readonly client: Client;
  readonly context: BotContext;
  private readonly inFlight = new Set<Promise<unknown>>();
  private accepting = true;
  private started = false;
  private stopping: Promise<void> | undefined;
  private stopPruning: (() => void) | undefined;
  private gateway: GatewayState = { state: 'offline' };
  private online = false;
  /** The close code of the last gateway disconnection (for /readyz and the log). */
  private lastCloseCode: number | undefined;

  private constructor(
    private readonly options: BotOptions,
    private readonly db: Database,
    feedback: FeedbackStore,
  ) {
    const { config, logger } = options;
    registerSecret(config.token);
    registerSecret(config.feedbackSalt);
    this.client = options.client ?? createClient({ apiUrl: config.apiUrl, messageContent: config.threadFollowUps === 'all' });
    const metrics = options.metrics ?? new BotMetrics();
    this.context = {
      library: options.library,
      config,
      logger,
      queue: new QuestionQueue({ concurrency: config.maxConcurrentQuestions, maxQueued: config.maxQueuedQuestions }),
      cooldowns: new CooldownTracker(config.cooldownSeconds),
      conversations: new ConversationMemory(),
      feedback,
      settings: new ServerSettings(new ServerSettingsStore(db), config),
      commands: commandMap(options.commands ?? COMMANDS),
      buttons: BUTTON_HANDLERS,
      accepting: () => this.accepting,
      track: (work) => this.track(work),
      metrics,
    };
    metrics.observe({
      queue: () => ({ running: this.context.queue.active, waiting: this.context.queue.pending }),
      connected: () => this.gateway.state === 'connected',
      ready: () => this.readiness().ready,
      ...(options.indexInfo ? { index: options.indexInfo } : {}),
    });
  }

  /** Whether the bot can answer now (for /readyz): online, the gateway connected, not stopping. */
  readiness(): Readiness {
    if (this.stopping) return { ready: false, reason: 'stopping' };
    const gateway = this.gateway;
    if (gateway.state === 'connected' && this.online) return { ready: true };
    if (!this.started) return { ready: false, reason: 'starting' };
    switch (gateway.state) {
      case 'reconnecting':
        return { ready: false, reason: `gateway disconnected${gateway.code === undefined ? '' : ` (close code ${gateway.code})`}; reconnecting` };
      case 'closed':
        return { ready: false, reason: `gateway closed by Discord (close code ${gateway.code}${closeCodeName(gateway.code)}); not reconnecting` };
      default:
        return { ready: false, reason: 'warming up the model and logging in to Discord' };
    }
  }

  /**
   * Makes a bot: opens (and migrates) the database, importing an older version's feedback file into it
   * the first time; call `start()` to bring it online.
   */
  static async create(options: BotOptions): Promise<VerbatimBot> {
    const { config, logger } = options;
    const db = openDatabase(config.databaseFile);
    try {
      const feedback = await FeedbackStore.open(db, logger, { salt: config.feedbackSalt, legacyFile: config.feedbackFile });
      return new VerbatimBot(options, db, feedback);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Warms the model up, logs in, and resolves once the client is ready. */
  async start(): Promise<void> {
    if (this.started) throw new Error('The bot has already been started');
    this.started = true;
    const { logger } = this.context;
    const warmStart = performance.now();
    await this.options.library.ask(WARM_UP_QUESTION);
    logger.debug({ ms: Math.round(performance.now() - warmStart) }, 'model warmed up');

    const client = this.client;
    client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
    client.on(Events.Warn, (message) => logger.warn({ message }, 'discord client warning'));
    client.on(Events.ShardDisconnect, (event, shard) => {
      // discord.js emits this only for close codes it does not reconnect after.
      this.gateway = { state: 'closed', code: event.code };
      // While logging in, the login fails with it (and launch.ts says what it means).
      if (this.stopping || !this.online) return;
      logger.warn({ code: event.code, shard }, `gateway closed by Discord (close code ${event.code}${closeCodeName(event.code)}); not reconnecting`);
      this.options.onGatewayClosed?.(event.code);
    });
    client.on(Events.ShardReconnecting, (shard) => {
      if (this.stopping || this.gateway.state === 'closed') return;
      const code = this.lastCloseCode;
      this.gateway = { state: 'reconnecting', code };
      this.context.metrics.reconnect();
      logger.warn({ shard, code }, 'gateway disconnected; reconnecting');
    });
    client.on(Events.ShardResume, (shard, replayed) => {
      this.gateway = { state: 'connected' };
      logger.info({ shard, replayed }, 'gateway resumed');
    });
    client.on(Events.ShardReady, () => {
      this.gateway = { state: 'connected' };
    });
    // A guild joined while online (GuildCreate is not emitted for those at READY).
    client.on(Events.GuildCreate, (guild) => {
      warnMissingPermissions(guild, this.context.settings.for(guild.id).replyMode, logger);
    });
    bindEvent(client, ready, this.context);
    bindEvent(client, interactionCreate, this.context);
    bindEvent(client, messageCreate, this.context);
    this.stopPruning = this.context.cooldowns.pruneEvery(COOLDOWN_PRUNE_MS);

    const isReady = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    logger.info('logging in to Discord');
    await client.login(this.options.config.token);
    await isReady;
    this.gateway = { state: 'connected' };
    this.online = true;
    for (const shard of client.ws.shards.values()) {
      shard.on(WebSocketShardEvents.Close, (event) => {
        this.lastCloseCode = event.code;
      });
    }
  }

  /**
   * Stops taking questions, waits up to `timeoutMs` for answers (and a rebuild) in progress, writes
   * out pending feedback, and closes the client. Safe to call more than once.
   */
  stop(timeoutMs = 30_000): Promise<void> {
    this.stopping ??= this.shutdown(timeoutMs);
    return this.stopping;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    const { logger, queue, feedback } = this.context;
    this.accepting = false;
    queue.close();
    logger.info({ inFlight: this.inFlight.size, active: queue.active, pending: queue.pending }, 'stopping: finishing answers in progress');
    const finished = await this.settled(timeoutMs);
    if (!finished) logger.warn({ inFlight: this.inFlight.size }, `stopping: gave up waiting after ${timeoutMs} ms`);
    this.stopPruning?.();
    await feedback.flush();
    await this.client.destroy();
    this.db.close();
    logger.info('stopped');
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const forget = (): void => {
      this.inFlight.delete(work);
    };
    work.then(forget, forget);
    return work;
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  private async settled(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
      });
      await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
      clearTimeout(timer);
    }
    return true;
  }
}

/** ": Disallowed intents" and the like, for a close code Discord defines (empty otherwise). */
export function closeCodeName(code: number): string {
  const name = (GatewayCloseCodes as Record<number, string | undefined>)[code];
  return name === undefined ? '' : `: ${name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().replace(/^./, (c) => c.toUpperCase())}`;
}
