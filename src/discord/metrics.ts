/**
 * The bot's Prometheus metrics, in a Registry of its own (never prom-client's global one, so that
 * several bots in one process — tests — do not share counters).
 *
 * | metric | type | labels |
 * |---|---|---|
 * | `verbatim_questions_total` | counter | `outcome`: answered, declined, busy, error; `via`: slash, mention |
 * | `verbatim_answer_duration_seconds` | histogram | — (arrival to answer sent, queue wait included) |
 * | `verbatim_queue_questions` | gauge | `state`: running, waiting |
 * | `verbatim_index_info` | gauge (always 1) | `generation` |
 * | `verbatim_index_built_timestamp_seconds` | gauge | — |
 * | `verbatim_index_rebuilds_total` | counter | `result`: changed, unchanged, failed |
 * | `verbatim_gateway_reconnects_total` | counter | — |
 * | `verbatim_gateway_connected` | gauge (0/1) | — |
 * | `verbatim_ready` | gauge (0/1) | — |
 *
 * plus prom-client's default process metrics (`process_*`, `nodejs_*`) when asked for.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How a question ended: an answer, a refusal (not in the corpus, too vague…), turned away (queue full or stopping), or a failure. */
export type QuestionOutcome = 'answered' | 'declined' | 'busy' | 'error';
/** Where a question came from. */
export type QuestionVia = 'slash' | 'mention';
/** How a rebuild ended: a new generation swapped in, nothing to change, or a failure. */
export type RebuildResult = 'changed' | 'unchanged' | 'failed';

export const QUESTION_OUTCOMES: readonly QuestionOutcome[] = ['answered', 'declined', 'busy', 'error'];

/** The generation answering now and when it was built (ISO 8601). */
export interface IndexInfo {
  generation: string;
  builtAt: string;
}

/** What the gauges read when scraped. */
export interface MetricSources {
  queue?: () => { running: number; waiting: number };
  index?: () => IndexInfo | undefined;
  connected?: () => boolean;
  ready?: () => boolean;
}

export interface BotMetricsOptions {
  /** Also collect prom-client's default process metrics (CPU, memory, event loop, GC…). */
  defaultMetrics?: boolean;
  /** Labels on every metric, e.g. `{ shard: '1' }` in a shard process. */
  labels?: Record<string, string>;
}

/** Answer latency buckets, in seconds: an answer takes tens of ms alone, seconds behind a queue. */
const LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class BotMetrics {
  readonly registry = new Registry();
  private sources: MetricSources = {};
  private readonly questions: Counter<'outcome' | 'via'>;
  private readonly latency: Histogram;
  private readonly rebuilds: Counter<'result'>;
  private readonly reconnects: Counter;

  constructor(options: BotMetricsOptions = {}) {
    const registers = [this.registry];
    this.questions = new Counter({
      name: 'verbatim_questions_total',
      help: 'Questions by outcome: answered, declined (not in the corpus, too vague…), busy (turned away: queue full or stopping), error.',
      labelNames: ['outcome', 'via'] as const,
      registers,
    });
    // Every outcome shows from the start (at 0), so rate() and alerts work before the first of each.
    for (const outcome of QUESTION_OUTCOMES) for (const via of ['slash', 'mention'] as const) this.questions.inc({ outcome, via }, 0);
    this.latency = new Histogram({
      name: 'verbatim_answer_duration_seconds',
      help: 'Time from a question arriving to its answer (or refusal) being sent, queue wait included.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const sources = (): MetricSources => this.sources;
    new Gauge({
      name: 'verbatim_queue_questions',
      help: 'Questions being answered (running) and waiting for a slot (waiting).',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const queue = sources().queue?.() ?? { running: 0, waiting: 0 };
        this.set({ state: 'running' }, queue.running);
        this.set({ state: 'waiting' }, queue.waiting);
      },
    });
    new Gauge({
      name: 'verbatim_index_info',
      help: 'The index generation answering now (value always 1).',
      labelNames: ['generation'] as const,
      registers,
      collect() {
        this.reset();
        const index = sources().index?.();
        if (index) this.set({ generation: index.generation }, 1);
      },
    });
    new Gauge({
      name: 'verbatim_index_built_timestamp_seconds',
      help: 'When the index generation answering now was built (Unix time).',
      registers,
      collect() {
        this.reset();
        const built = Date.parse(sources().index?.()?.builtAt ?? '');
        if (Number.isFinite(built)) this.set(built / 1000);
      },
    });
    this.rebuilds = new Counter({
      name: 'verbatim_index_rebuilds_total',
      help: 'Index rebuilds (/reindex) by result: changed (a new generation swapped in), unchanged, failed.',
      labelNames: ['result'] as const,
      registers,
    });
    for (const result of ['changed', 'unchanged', 'failed'] as const) this.rebuilds.inc({ result }, 0);
    this.reconnects = new Counter({
      name: 'verbatim_gateway_reconnects_total',
      help: 'Times the Discord gateway connection was lost and the client set out to reconnect.',
      registers,
    });
    new Gauge({
      name: 'verbatim_gateway_connected',
      help: '1 while the Discord gateway connection is up.',
      registers,
      collect() {
        this.set(sources().connected?.() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'verbatim_ready',
      help: '1 while /readyz answers 200 (model and index loaded, gateway connected, not stopping).',
      registers,
      collect() {
        this.set(sources().ready?.() ? 1 : 0);
      },
    });
    if (options.labels) this.registry.setDefaultLabels(options.labels);
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Sets (or adds to) what the gauges read. */
  observe(sources: MetricSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** Counts a question's outcome and, for answers and refusals that were sent, how long it took. */
  question(outcome: QuestionOutcome, via: QuestionVia, seconds?: number): void {
    this.questions.inc({ outcome, via });
    if (seconds !== undefined && (outcome === 'answered' || outcome === 'declined')) this.latency.observe(seconds);
  }

  rebuild(result: RebuildResult): void {
    this.rebuilds.inc({ result });
  }

  reconnect(): void {
    this.reconnects.inc();
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Seconds since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
