/**
 * A shard process's side of the IPC channel to the shard manager (see messages.ts): answers the
 * manager's readiness and metrics questions, claims rebuilds and reports their outcome, and hears
 * about rebuilds in other shards.
 *
 * A process is a shard when discord.js's ShardingManager started it: SHARDING_MANAGER=true, SHARDS
 * (its id) and SHARD_COUNT in the environment, and an IPC channel. The discord.js Client reads the
 * same variables and identifies as that shard by itself.
 *
 * Until the bot is there to stop cleanly, losing the channel (the manager died) ends the process at
 * once; `onDisconnect` replaces that with a clean stop.
 */
import type { Readiness } from '../health-server.js';
import type { BotMetrics } from '../metrics.js';
import { isManagerMessage, type ManagerMessage, type RebuildOutcome, type ShardMessage } from './messages.js';

/** What a shard tells the manager when asked. */
export interface ShardState {
  readiness: () => Readiness;
  metrics: BotMetrics;
}

export interface RebuildListener {
  /** Another shard began a rebuild. */
  started(shard: number): void;
  /** Another shard's rebuild ended. */
  finished(shard: number, outcome: RebuildOutcome): void;
}

export class ShardLink {
  private state: ShardState | undefined;
  private nextId = 1;
  private readonly claims = new Map<number, (granted: boolean) => void>();
  private listener: RebuildListener | undefined;
  private disconnected: () => void = () => process.exit(1);

  private constructor(
    /** This shard's id. */
    readonly id: number,
    /** How many shards there are in all. */
    readonly count: number,
    private readonly send: (message: ShardMessage) => void,
  ) {
    process.on('message', (message: unknown) => {
      if (isManagerMessage(message)) void this.handle(message);
    });
    process.once('disconnect', () => this.disconnected());
  }

  /** The link when this process is a shard started by the manager, else undefined. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): ShardLink | undefined {
    const send = process.send?.bind(process);
    if (env.SHARDING_MANAGER !== 'true' || env.SHARDS === undefined || send === undefined) return undefined;
    const id = Number(env.SHARDS);
    const count = Number(env.SHARD_COUNT);
    if (!Number.isInteger(id) || !Number.isInteger(count) || id < 0 || id >= count) return undefined;
    return new ShardLink(id, count, (message) => {
      if (process.connected) send(message);
    });
  }

  /** What to answer the manager's questions with (until set: not ready, loading). */
  serve(state: ShardState): void {
    this.state = state;
  }

  /** Who hears about other shards' rebuilds. */
  listen(listener: RebuildListener): void {
    this.listener = listener;
  }

  /** What to do when the manager goes away (instead of exiting at once). */
  onDisconnect(handler: () => void): void {
    this.disconnected = handler;
  }

  /** Asks the manager for the rebuild; resolves false when another shard is rebuilding. */
  claimRebuild(): Promise<boolean> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.claims.set(id, resolve);
      this.send({ verbatim: 'claim-rebuild', id });
    });
  }

  /** Tells the manager (and through it the other shards) how this shard's rebuild ended. */
  rebuildDone(outcome: RebuildOutcome): void {
    this.send({ verbatim: 'rebuild-done', outcome });
  }

  private async handle(message: ManagerMessage): Promise<void> {
    switch (message.verbatim) {
      case 'request': {
        const state = this.state;
        if (message.query === 'readiness') {
          const result = state ? state.readiness() : { ready: false, reason: 'loading the model and the index' };
          this.send({ verbatim: 'response', id: message.id, result });
        } else {
          const result = state ? await state.metrics.registry.getMetricsAsJSON() : [];
          this.send({ verbatim: 'response', id: message.id, result });
        }
        return;
      }
      case 'claim-answer': {
        const resolve = this.claims.get(message.id);
        this.claims.delete(message.id);
        resolve?.(message.granted);
        return;
      }
      case 'rebuild-started':
        if (message.shard !== this.id) this.listener?.started(message.shard);
        return;
      case 'rebuild-finished':
        if (message.shard !== this.id) this.listener?.finished(message.shard, message.outcome);
        return;
    }
  }
}
