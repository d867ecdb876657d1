/**
 * `npm start`: reads the configuration (a missing DISCORD_TOKEN is a clear error before anything
 * loads), checks that Discord can be reached and accepts the token (before the model is loaded, so a
 * bad token or an unreachable API is reported at once), opens the Library — the model and the index are
 * loaded before the bot logs in — starts the bot, and stops it cleanly on SIGINT / SIGTERM.
 *
 * A rejected token or an unreachable Discord, at the check or at login, ends the process with one line
 * on stderr and its own exit code (see EXIT_CODES in startup-errors.ts).
 */
import { engineOptions } from '../answer/engine.js';
import { Library } from '../answer/library.js';
import { loadAnswerConfig, loadBaseConfig, loadDiscordConfig, loadDotenv } from '../core/config.js';
import { createLogger, registerSecret } from '../core/logger.js';
import { VerbatimBot } from './bot.js';
import { checkDiscord, startupFailure } from './startup-errors.js';

/** How long stopping waits for answers in progress. */
const STOP_TIMEOUT_MS = 20_000;

/** Starts the bot; resolves once it is online (the process then stays up until a signal). */
export async function launchBot(): Promise<void> {
  await loadDotenv();
  const discord = loadDiscordConfig();
  registerSecret(discord.token);
  const base = loadBaseConfig();
  const answer = loadAnswerConfig();
  await checkDiscord(discord.token, discord.apiUrl);
  const logger = createLogger({ level: base.logLevel, name: 'verbatim' });

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

  try {
    await bot.start();
  } catch (error) {
    const failure = startupFailure(error, discord.apiUrl);
    if (!failure) throw error;
    logger.debug({ err: error }, 'could not log in');
    await bot.client.destroy().catch(() => undefined);
    throw failure;
  }
}
