/**
 * `npm start`: reads the configuration (a missing DISCORD_TOKEN is a clear error before anything
 * loads), checks that Discord can be reached and accepts the token (before the model is loaded, so a
 * bad token or an unreachable API is reported at once), opens the Library — the model and the index are
 * loaded before the bot logs in — starts the bot, and stops it cleanly on SIGINT / SIGTERM.
 *
 * A rejected token or an unreachable Discord, at the check or at login, or gateway intents Discord
 * refuses, end the process with one line on stderr and its own exit code (see EXIT_CODES in
 * startup-errors.ts); so does a gateway Discord closes for good while the bot is online.
 *
 * With HEALTH_PORT set, the health and metrics listener starts before the model loads (so /healthz
 * answers while it loads, and /readyz says why it is not ready yet) and stops last.
 *
 * As one shard of several (`shard`, when the shard manager started this process): no health listener
 * (the manager serves HEALTH_PORT and asks the shards), logs and metrics carry the shard id, /reindex
 * is coordinated with the other shards (ShardedLibrary), SIGINT is left to the manager (which sends
 * SIGTERM to every shard), and losing the manager stops the bot cleanly.
 */
import { engineOptions } from '../answer/engine.js';
import { Library } from '../answer/library.js';
import { loadAnswerConfig, loadBaseConfig, loadDiscordConfig, loadDotenv, loadServiceConfig, type ServiceConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { limitHeapGrowth } from '../core/heap.js';
import { createLogger, registerSecret, type Logger } from '../core/logger.js';
import { VerbatimBot } from './bot.js';
import { HealthServer, type Readiness } from './health-server.js';
import { BotMetrics } from './metrics.js';
import { ShardedLibrary } from './sharding/sharded-library.js';
import type { ShardLink } from './sharding/shard-link.js';
import { checkDiscord, gatewayClosed, startupFailure } from './startup-errors.js';

/** How long stopping waits for answers in progress. */
const STOP_TIMEOUT_MS = 20_000;

export interface LaunchOptions {
  /** This process is that shard of several, started by the shard manager. */
  shard?: ShardLink | undefined;
}

/** Starts the bot; resolves once it is online (the process then stays up until a signal). */
export async function launchBot(options: LaunchOptions = {}): Promise<void> {
  const { shard } = options;
  await loadDotenv();
  const discord = loadDiscordConfig();
  registerSecret(discord.token);
  const base = loadBaseConfig();
  const answer = loadAnswerConfig();
  const service = loadServiceConfig();
  limitHeapGrowth(service.heapGrowthPercent);
  await checkDiscord(discord.token, discord.apiUrl);
  const root = createLogger({ level: base.logLevel, name: 'verbatim', format: service.logFormat });
  const logger = shard ? root.child({ shard: shard.id }) : root;

  const metrics = new BotMetrics({ defaultMetrics: true, ...(shard ? { labels: { shard: String(shard.id) } } : {}) });
  // What /readyz says: the phase until the bot exists, then the bot's own readiness.
  let readiness = (): Readiness => ({ ready: false, reason: 'loading the model and the index' });
  const health = shard ? undefined : await startHealth(service, () => readiness(), metrics, logger);
  shard?.serve({ readiness: () => readiness(), metrics });

  logger.info({ corpus: base.corpusDir, index: base.indexDir, model: base.modelId }, 'loading the model and the index');
  const started = performance.now();
  const library = await Library.open({
    config: base,
    engine: { ...engineOptions(answer), onDamage: (message) => logger.error(message) },
    buildIfMissing: true,
    onFallback: (error, previousDir) =>
      logger.error(
        { err: error, answeringFrom: previousDir },
        'the live index is damaged: answering from the previous one; a maintainer should run /reindex (or npm run index)',
      ),
    onBuildProgress: (event) => {
      if (event.phase === 'scan') logger.info('no index yet: building it from the corpus first');
    },
    onWaitForIndex: (builder) => logger.info({ builder }, `no index in PostgreSQL yet and ${builder} is building it: waiting for it to publish`),
    onSwitch: (generation) => logger.info({ generation }, `now answering from generation ${generation}`),
    onReloadError: (error) => logger.error({ err: error }, 'a new generation is live but could not be opened: still answering from the previous one'),
  });
  logger.info({ ms: Math.round(performance.now() - started), articles: library.articles().length }, 'model and index loaded');

  readiness = () => ({ ready: false, reason: 'starting the bot' });
  const onGatewayClosed = (code: number): void => {
    const failure = gatewayClosed(code, running.client.options.intents.bitfield);
    logger.error({ code }, failure.message);
    void running
      .stop(STOP_TIMEOUT_MS)
      .catch(() => undefined)
      .then(() => health?.close())
      .finally(() => process.exit(failure.exitCode));
  };
  const running = await VerbatimBot.create({
    config: discord,
    library: shard ? new ShardedLibrary(library, shard, logger) : library,
    logger,
    metrics,
    indexInfo: () => ({ generation: library.store.generation.id, builtAt: library.store.generation.builtAt }),
    onGatewayClosed,
  });
  readiness = () => running.readiness();
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A shard gets SIGTERM from the manager and often from whoever signalled the manager's process group
      // (systemd, `kill -- -pgid`): that is not a second request. The manager kills shards that take too long.
      if (shard) return;
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: stopping`);
    running
      .stop(STOP_TIMEOUT_MS)
      .then(() => health?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  if (shard) {
    // SIGINT is ignored (launch-mode.ts): the manager stops every shard with SIGTERM.
    shard.onDisconnect(() => {
      logger.warn('the shard manager is gone: stopping');
      onSignal('SIGTERM');
    });
  } else process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  try {
    await running.start();
  } catch (error) {
    const failure = startupFailure(error, discord.apiUrl, running.client.options.intents.bitfield);
    if (!failure) throw error;
    logger.debug({ err: error }, 'could not log in');
    await running.client.destroy().catch(() => undefined);
    await health?.close();
    throw failure;
  }
}

/** Starts the health and metrics listener when HEALTH_PORT is set; a port that cannot be bound is a configuration error. */
async function startHealth(
  service: ServiceConfig,
  readiness: () => Readiness,
  metrics: BotMetrics,
  logger: Logger,
): Promise<HealthServer | undefined> {
  if (service.healthPort === undefined) return undefined;
  try {
    const health = await HealthServer.start({ port: service.healthPort, host: service.healthHost, readiness, metrics, logger });
    logger.info({ url: health.url }, `health and metrics on ${health.url} (/healthz, /readyz, /metrics)`);
    return health;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ConfigError(
      `Cannot listen on ${service.healthHost}:${service.healthPort} for the health endpoints (${typeof code === 'string' ? code : String(error)}).`,
      { hint: 'Choose another HEALTH_PORT (or HEALTH_HOST), or leave HEALTH_PORT unset to run without them.', cause: error },
    );
  }
}
