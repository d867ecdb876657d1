/**
 * `npm start` with SHARD_COUNT=N (2 or more) or `auto`: discord.js's ShardingManager starts one
 * process per shard — the same entry point, which sees it is a shard (shard-link.ts) and runs the bot
 * for the guilds of that shard. This process loads no model and no index. It:
 *
 * - checks the token and reaches Discord first (GET /gateway/bot: a bad token or an unreachable API
 *   is one line and its exit code, before any shard starts) and, for `auto`, takes Discord's
 *   recommended shard count from the same answer;
 * - starts the shards one after another, each once the one before is online and, past each
 *   `max_concurrency` of them, 5.5 s later (Discord's identify rate limit), with no time limit on a
 *   shard loading the model or building a missing index;
 * - ends everything with the shard's exit code when a shard cannot start (it has printed its own one
 *   line: a token Discord refuses at the gateway, intents…), or when an online shard exits with a code
 *   that would stop every shard alike (configuration, token, intents); restarts, after 5 s, a shard that
 *   exits otherwise after having been online (a crash) — and ends everything if that restart fails;
 * - coordinates `/reindex` (one rebuild for all shards; the others switch to the new generation);
 * - serves HEALTH_PORT for all shards (shard-health.ts);
 * - on SIGINT / SIGTERM, asks every shard to stop (SIGTERM: each finishes its answers in progress,
 *   up to 20 s) and exits 0 once they have.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShardingManager, type Shard } from 'discord.js';
import { loadBaseConfig, loadDiscordConfig, loadServiceConfig } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import { createLogger, registerSecret, type Logger } from '../../core/logger.js';
import { HealthServer, type Readiness } from '../health-server.js';
import { checkDiscord, DiscordStartupError, EXIT_CODES, type GatewayBotInfo } from '../startup-errors.js';
import { isShardMessage, type ManagerMessage, type ShardMessage, type ShardQuery } from './messages.js';
import { SHARD_QUERY_TIMEOUT_MS, ShardHealth, type MetricsJson } from './shard-health.js';

/** Discord's identify window, and a margin. */
const IDENTIFY_INTERVAL_MS = 5_500;
/** How long after a crash a shard is started again. */
const RESPAWN_DELAY_MS = 5_000;
/** How long stopping waits for the shards (each waits up to 20 s for its answers, then disconnects). */
const STOP_TIMEOUT_MS = 30_000;

/** Exit codes after which starting the shard again cannot help, and would fail for every shard alike. */
const PERMANENT_EXIT_CODES: ReadonlySet<number> = new Set([
  EXIT_CODES.config,
  EXIT_CODES.discordUnreachable,
  EXIT_CODES.invalidIntents,
  EXIT_CODES.disallowedIntents,
  EXIT_CODES.tokenRejected,
]);

/**
 * Runs the shards of `entry` (the bot's entry script, run again in each shard with this process's
 * Node options: tsx's loader under `npm run dev`, none for the compiled `npm start`). Resolves once
 * every shard is online (the process then stays up), or with the exit code when one could not start.
 */
export async function launchShardManager(entry: string, shardCount: number | 'auto'): Promise<number | undefined> {
  const discord = loadDiscordConfig();
  registerSecret(discord.token);
  const base = loadBaseConfig();
  const service = loadServiceConfig();
  const gateway = await checkDiscord(discord.token, discord.apiUrl);
  const total = shardCount === 'auto' ? recommended(gateway) : shardCount;
  const logger = createLogger({ level: base.logLevel, name: 'verbatim', format: service.logFormat }).child({ role: 'shard-manager' });

  const manager = new ShardingManager(entry, {
    totalShards: total,
    shardList: Array.from({ length: total }, (_, id) => id),
    mode: 'process',
    respawn: false,
    execArgv: process.execArgv,
    token: discord.token,
  });
  const supervisor = new ShardSupervisor(manager, logger, gateway?.maxConcurrency ?? 1);
  const health = await startHealth(service.healthPort, service.healthHost, supervisor, logger);

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn(`${signal} again: stopping the shards now`);
      supervisor.kill();
      process.exit(1);
    }
    signalled = true;
    logger.info(`${signal}: stopping the shards`);
    void supervisor.stop(EXIT_CODES.ok);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  logger.info({ shards: total, auto: shardCount === 'auto' }, `starting ${total} shard${total === 1 ? '' : 's'}`);
  const online = await supervisor.startAll();
  if (!online) {
    const code = await supervisor.stopped;
    await health?.close();
    return code;
  }
  logger.info({ shards: total }, 'every shard is online');
  void supervisor.stopped.then(async (code) => {
    await health?.close();
    process.exit(code);
  });
  return undefined;
}

/** Discord's recommended shard count, for SHARD_COUNT=auto. */
function recommended(gateway: GatewayBotInfo | undefined): number {
  if (gateway === undefined) {
    throw new DiscordStartupError(
      'DISCORD_UNREACHABLE',
      'SHARD_COUNT=auto: Discord did not say how many shards to run (GET /gateway/bot did not answer with a shard count): try again, or set SHARD_COUNT to a number.',
      EXIT_CODES.discordUnreachable,
    );
  }
  return gateway.shards;
}

async function startHealth(port: number | undefined, host: string, supervisor: ShardSupervisor, logger: Logger): Promise<HealthServer | undefined> {
  if (port === undefined) return undefined;
  const shardHealth = new ShardHealth(supervisor);
  try {
    const health = await HealthServer.start({ port, host, readiness: () => shardHealth.readiness(), metrics: shardHealth, logger });
    logger.info({ url: health.url }, `health and metrics of every shard on ${health.url} (/healthz, /readyz, /metrics)`);
    return health;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ConfigError(`Cannot listen on ${host}:${port} for the health endpoints (${typeof code === 'string' ? code : String(error)}).`, {
      hint: 'Choose another HEALTH_PORT (or HEALTH_HOST), or leave HEALTH_PORT unset to run without them.',
      cause: error,
    });
  }
}

/** Starts, watches, restarts and stops the shards, and relays what they say to each other. */
class ShardSupervisor {
  readonly ids: readonly number[];
  /** Resolves with the exit code once stopping has finished. */
  readonly stopped: Promise<number>;
  private resolveStopped: (code: number) => void = () => undefined;
  private stopping = false;
  /** Shards online since they were (re)started. */
  private readonly online = new Set<number>();
  /** The shard rebuilding the index, if any. */
  private rebuilder: number | undefined;
  private nextRequest = 1;
  private readonly requests = new Map<string, (result: unknown) => void>();

  constructor(
    private readonly manager: ShardingManager,
    private readonly logger: Logger,
    private readonly maxConcurrency: number,
  ) {
    this.ids = manager.shardList === 'auto' ? [] : [...manager.shardList];
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /** Starts the shards in order; true once all are online, false if one could not start (stopping has begun). */
  async startAll(): Promise<boolean> {
    for (const [n, id] of this.ids.entries()) {
      if (this.stopping) return false;
      const shard = this.manager.createShard(id);
      this.watch(shard);
      if (!(await this.spawn(shard))) return false;
      const more = n < this.ids.length - 1;
      if (more && (n + 1) % this.maxConcurrency === 0) await sleep(IDENTIFY_INTERVAL_MS);
    }
    return !this.stopping;
  }

  running(id: number): boolean {
    return this.manager.shards.get(id)?.process != null;
  }

  readiness(id: number): Promise<Readiness> {
    return this.query(id, 'readiness') as Promise<Readiness>;
  }

  metrics(id: number): Promise<MetricsJson> {
    return this.query(id, 'metrics') as Promise<MetricsJson>;
  }

  /** Asks every shard to stop (SIGTERM), waits for them (SIGKILL after STOP_TIMEOUT_MS), then resolves `stopped` with `code`. */
  async stop(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const children = [...this.manager.shards.values()].map((shard) => shard.process).filter((child): child is ChildProcess => child != null);
    for (const child of children) child.kill('SIGTERM');
    const timer = setTimeout(() => this.kill(), STOP_TIMEOUT_MS);
    await Promise.all(children.map(exited));
    clearTimeout(timer);
    this.resolveStopped(code);
  }

  /** Kills every shard process at once. */
  kill(): void {
    for (const shard of this.manager.shards.values()) shard.process?.kill('SIGKILL');
  }

  /** Starts a shard's process; resolves true once it is online, false if it exited first. */
  private spawn(shard: Shard): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (online: boolean): void => {
        shard.off('ready', onReady);
        shard.off('death', onDeath);
        resolve(online);
      };
      const onReady = (): void => done(true);
      const onDeath = (): void => done(false);
      shard.once('ready', onReady);
      shard.once('death', onDeath);
      // No time limit: a shard may take minutes to load a large index, or to build a missing one.
      shard.spawn(Infinity).catch((error: unknown) => {
        this.logger.error({ err: error, shard: shard.id }, `could not start shard ${shard.id}`);
        done(false);
        void this.stop(EXIT_CODES.failure);
      });
    });
  }

  private watch(shard: Shard): void {
    const id = shard.id;
    shard.on('ready', () => {
      if (!this.online.has(id)) this.logger.info({ shard: id }, `shard ${id} is online`);
      this.online.add(id);
    });
    shard.on('message', (message: unknown) => {
      if (isShardMessage(message)) this.onMessage(shard, message);
    });
    shard.on('death', (child) => {
      const code = 'exitCode' in child ? child.exitCode : null;
      const signal = 'signalCode' in child ? child.signalCode : null;
      const wasOnline = this.online.delete(id);
      this.rebuilderGone(id);
      if (this.stopping) return;
      if (!wasOnline || (code !== null && PERMANENT_EXIT_CODES.has(code))) {
        // The shard has said why on stderr (one line, as `npm start` does); every shard stops with its code.
        this.logger.debug({ shard: id, code, signal }, `shard ${id} exited (${code ?? signal})${wasOnline ? '' : ' before it was online'}: stopping every shard`);
        void this.stop(code !== null && code !== 0 ? code : EXIT_CODES.failure);
        return;
      }
      this.logger.warn({ shard: id, code, signal }, `shard ${id} exited (${code ?? signal}): starting it again in ${RESPAWN_DELAY_MS / 1000} s`);
      void sleep(RESPAWN_DELAY_MS).then(() => {
        if (!this.stopping) void this.spawn(shard);
      });
    });
  }

  private onMessage(shard: Shard, message: ShardMessage): void {
    switch (message.verbatim) {
      case 'response': {
        const key = `${shard.id}:${message.id}`;
        const resolve = this.requests.get(key);
        this.requests.delete(key);
        resolve?.(message.result);
        return;
      }
      case 'claim-rebuild': {
        const granted = this.rebuilder === undefined;
        if (granted) {
          this.rebuilder = shard.id;
          this.logger.info({ by: shard.id }, `shard ${shard.id} is rebuilding the index`);
          this.tellOthers(shard.id, { verbatim: 'rebuild-started', shard: shard.id });
        }
        this.tell(shard, { verbatim: 'claim-answer', id: message.id, granted, ...(granted || this.rebuilder === undefined ? {} : { holder: this.rebuilder }) });
        return;
      }
      case 'rebuild-done':
        if (this.rebuilder !== shard.id) return;
        this.rebuilder = undefined;
        this.logger.info({ by: shard.id, ok: message.outcome.ok }, `shard ${shard.id} finished rebuilding the index`);
        this.tellOthers(shard.id, { verbatim: 'rebuild-finished', shard: shard.id, outcome: message.outcome });
        return;
    }
  }

  /** The rebuilding shard exited: the others stop waiting for it. */
  private rebuilderGone(id: number): void {
    if (this.rebuilder !== id) return;
    this.rebuilder = undefined;
    this.tellOthers(id, { verbatim: 'rebuild-finished', shard: id, outcome: { ok: false, message: `Shard ${id} stopped while it was rebuilding the index.` } });
  }

  private query(id: number, query: ShardQuery): Promise<unknown> {
    const shard = this.manager.shards.get(id);
    if (!shard?.process) return Promise.reject(new Error(`shard ${id} is not running`));
    const requestId = this.nextRequest++;
    const key = `${id}:${requestId}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.requests.delete(key);
        reject(new Error(`shard ${id} did not answer`));
      }, SHARD_QUERY_TIMEOUT_MS);
      this.requests.set(key, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      this.tell(shard, { verbatim: 'request', id: requestId, query });
    });
  }

  private tell(shard: Shard, message: ManagerMessage): void {
    shard.send(message).catch(() => undefined);
  }

  private tellOthers(from: number, message: ManagerMessage): void {
    for (const shard of this.manager.shards.values()) if (shard.id !== from && shard.process) this.tell(shard, message);
  }
}

/** Resolves once a child process has exited. */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
