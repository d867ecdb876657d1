/**
 * The shard manager's /readyz and /metrics, made from its shards' own (asked over IPC at each
 * request, so they are never stale):
 *
 * - readiness: ready when every shard is; otherwise 503 naming each shard that is not and why
 *   ("shard 1: loading the model and the index"; "shard 0: not running").
 * - metrics: every shard's metrics, each series labelled `shard="<id>"`, and the manager's own
 *   process metrics labelled `shard="manager"`, in one exposition (prom-client's AggregatorRegistry,
 *   which keeps series apart when their labels differ). A shard that does not answer in time is left out.
 */
import { AggregatorRegistry, collectDefaultMetrics, Registry } from 'prom-client';
import type { MetricsText, Readiness } from '../health-server.js';

/** One registry's metrics as `getMetricsAsJSON()` gives them (and as they travel over IPC). */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** How long the manager waits for a shard's answer. */
export const SHARD_QUERY_TIMEOUT_MS = 2_000;

/** What the health endpoints need from the manager. */
export interface ShardQueries {
  /** Every shard id, in order. */
  readonly ids: readonly number[];
  /** Whether the shard's process is running. */
  running(id: number): boolean;
  readiness(id: number): Promise<Readiness>;
  metrics(id: number): Promise<MetricsJson>;
}

export class ShardHealth implements MetricsText {
  /** The manager's own process metrics. */
  private readonly own = new Registry();

  constructor(private readonly shards: ShardQueries) {
    this.own.setDefaultLabels({ shard: 'manager' });
    collectDefaultMetrics({ register: this.own });
  }

  async readiness(): Promise<Readiness> {
    const answers = await Promise.all(
      this.shards.ids.map(async (id): Promise<string | undefined> => {
        if (!this.shards.running(id)) return `shard ${id}: not running`;
        try {
          const readiness = await this.shards.readiness(id);
          return readiness.ready ? undefined : `shard ${id}: ${readiness.reason ?? 'not ready'}`;
        } catch {
          return `shard ${id}: not answering`;
        }
      }),
    );
    const reasons = answers.filter((reason): reason is string => reason !== undefined);
    return reasons.length === 0 ? { ready: true } : { ready: false, reason: reasons.join('; ') };
  }

  async text(): Promise<string> {
    const shards = await Promise.all(
      this.shards.ids.filter((id) => this.shards.running(id)).map((id) => this.shards.metrics(id).catch(() => undefined)),
    );
    const all = [await this.own.getMetricsAsJSON(), ...shards.filter((m): m is MetricsJson => m !== undefined)];
    return AggregatorRegistry.aggregate(all).metrics();
  }

  get contentType(): string {
    return this.own.contentType;
  }
}
