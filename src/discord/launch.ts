/**
 * `npm start`: reads the configuration (a missing DISCORD_TOKEN is a clear error before anything
 * loads), opens the Library — the model and the index are loaded before the bot logs in — starts the
 * bot, and stops it cleanly on SIGINT / SIGTERM.
 */
import { engineOptions } from '../answer/engine.js';
import { Library } from '../answer/library.js';
import { loadAnswerConfig, loadBaseConfig, loadDiscordConfig, loadDotenv } from '../core/config.js';
import { createLogger, registerSecret } from '../core/logger.js';
import { VerbatimBot } from './bot.js';

/** How long stopping waits for answers in progress. */
const STOP_TIMEOUT_MS = 20_000;

/** Starts the bot; resolves once it is online (the process then stays up until a signal). */
export async function launchBot(): Promise<void> {
  await loadDotenv();
  const discord = loadDiscordConfig();
  registerSecret(discord.token);
  const base = loadBaseConfig();
  const answer = loadAnswerConfig();
  const logger = createLogger({ level: base.logLevel, name: 'verbatim' });

  logger.info({ corpus: base.corpusDir, index: base.indexDir, model: base.modelId }, 'loading the model and the index');
  const started = performance.now();
  const library = await Library.open({
    config: base,
    engine: engineOptions(answer),
    buildIfMissing: true,
    onBuildProgress: (event) => {
      if (event.phase === 'scan') logger.info('no index yet: building it from the corpus first');
    },
  });
  logger.info({ ms: Math.round(performance.now() - started), articles: library.articles().length }, 'model and index loaded');

  const bot = await VerbatimBot.create({ config: discord, library, logger });
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: stopping`);
    bot.stop(STOP_TIMEOUT_MS).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  await bot.start();
}
