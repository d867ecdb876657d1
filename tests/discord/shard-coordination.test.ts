/**
 * The parts of sharding that need no Discord and no model: a shard's ShardedLibrary (claims the
 * rebuild, joins one running elsewhere, switches to another shard's new generation, passes failures
 * on) over a stand-in for the manager link, and the manager's aggregated /readyz and /metrics over
 * stand-in shards.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import type { AnswerLibrary } from '../../src/discord/context.js';
import { BotMetrics } from '../../src/discord/metrics.js';
import type { RebuildOutcome } from '../../src/discord/sharding/messages.js';
import { ShardHealth, type MetricsJson } from '../../src/discord/sharding/shard-health.js';
import type { RebuildListener } from '../../src/discord/sharding/shard-link.js';
import { ShardedLibrary, type RebuildCoordinator } from '../../src/discord/sharding/sharded-library.js';
import type { BuildSummary } from '../../src/index/build.js';

const logger = createLogger({ level: 'silent' });

function summary(written: boolean): BuildSummary {
  return {
    added: [],
    changed: written ? ['a'] : [],
    removed: [],
    unchanged: [],
    counts: { articles: 1, chunks: 1, sentences: 1 },
    embedded: { chunks: 0, sentences: 0 },
    warnings: [],
    written,
    generationDir: '/index/gen-new',
    ms: 1,
  } as BuildSummary;
}

function notUsed(): never {
  throw new Error('not used by these tests');
}

/** A library that counts rebuilds and reloads. */
class FakeLibrary implements AnswerLibrary {
  rebuilds = 0;
  reloads = 0;
  failNext: Error | undefined;
  readonly ask: AnswerLibrary['ask'] = notUsed;
  readonly articles: AnswerLibrary['articles'] = notUsed;
  readonly article: AnswerLibrary['article'] = notUsed;
  get isRebuilding(): boolean {
    return false;
  }
  async rebuild(): Promise<BuildSummary> {
    this.rebuilds++;
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    return summary(true);
  }
  async reload(): Promise<boolean> {
    this.reloads++;
    return true;
  }
}

/** The manager as one shard sees it: grants or refuses claims, records outcomes, relays others' rebuilds. */
class FakeLink implements RebuildCoordinator {
  grant = true;
  readonly done: RebuildOutcome[] = [];
  listener: RebuildListener | undefined;
  claimRebuild(): Promise<boolean> {
    return Promise.resolve(this.grant);
  }
  rebuildDone(outcome: RebuildOutcome): void {
    this.done.push(outcome);
  }
  listen(listener: RebuildListener): void {
    this.listener = listener;
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('ShardedLibrary', () => {
  it('rebuilds when the manager grants the claim, and reports the outcome', async () => {
    const library = new FakeLibrary();
    const link = new FakeLink();
    const sharded = new ShardedLibrary(library, link, logger);
    expect((await sharded.rebuild()).written).toBe(true);
    expect(library.rebuilds).toBe(1);
    expect(link.done).toEqual([{ ok: true, summary: summary(true) }]);
  });

  it('is rebuilding while another shard is, joins that rebuild, and switches to its generation', async () => {
    const library = new FakeLibrary();
    const link = new FakeLink();
    const sharded = new ShardedLibrary(library, link, logger);
    link.listener?.started(1);
    expect(sharded.isRebuilding).toBe(true);
    const joined = sharded.rebuild();
    link.listener?.finished(1, { ok: true, summary: summary(true) });
    expect((await joined).changed).toEqual(['a']);
    expect(library.rebuilds).toBe(0);
    expect(library.reloads).toBe(1);
    expect(sharded.isRebuilding).toBe(false);
    expect(link.done).toEqual([]);
  });

  it('joins when the claim is refused (another shard claimed first), and gets its failure', async () => {
    const library = new FakeLibrary();
    const link = new FakeLink();
    link.grant = false;
    const sharded = new ShardedLibrary(library, link, logger);
    const joined = sharded.rebuild();
    await settle();
    link.listener?.finished(0, { ok: false, message: 'The corpus directory is gone.' });
    await expect(joined).rejects.toThrow('The corpus directory is gone.');
    expect(library.rebuilds).toBe(0);
    expect(library.reloads).toBe(0);
  });

  it('does not reload when the other shard found nothing to change', async () => {
    const library = new FakeLibrary();
    const link = new FakeLink();
    new ShardedLibrary(library, link, logger);
    link.listener?.finished(1, { ok: true, summary: summary(false) });
    await settle();
    expect(library.reloads).toBe(0);
  });

  it('reports its own failure to the manager and throws it', async () => {
    const library = new FakeLibrary();
    library.failNext = new Error('disk full');
    const link = new FakeLink();
    const sharded = new ShardedLibrary(library, link, logger);
    await expect(sharded.rebuild()).rejects.toThrow('disk full');
    expect(link.done).toEqual([{ ok: false, message: 'disk full' }]);
  });
});

describe('ShardHealth (the manager’s /readyz and /metrics)', () => {
  async function shardMetrics(shard: string, answered: number): Promise<MetricsJson> {
    const metrics = new BotMetrics({ labels: { shard } });
    for (let i = 0; i < answered; i++) metrics.question('answered', 'slash', 0.01);
    return metrics.registry.getMetricsAsJSON();
  }

  it('is ready when every shard is, and otherwise names each shard that is not and why', async () => {
    const states = new Map([
      [0, { ready: true }],
      [1, { ready: false, reason: 'loading the model and the index' }],
    ]);
    const running = new Set([0, 1, 2]);
    const health = new ShardHealth({
      ids: [0, 1, 2],
      running: (id) => running.has(id),
      readiness: (id) => (states.has(id) ? Promise.resolve(states.get(id)!) : Promise.reject(new Error('no answer'))),
      metrics: () => Promise.resolve([]),
    });
    expect(await health.readiness()).toEqual({ ready: false, reason: 'shard 1: loading the model and the index; shard 2: not answering' });
    running.delete(2);
    expect((await health.readiness()).reason).toBe('shard 1: loading the model and the index; shard 2: not running');
    states.set(1, { ready: true });
    states.set(2, { ready: true });
    running.add(2);
    expect(await health.readiness()).toEqual({ ready: true });
  });

  it('serves every running shard’s metrics with its shard label, and the manager’s own', async () => {
    const json = new Map([
      [0, await shardMetrics('0', 2)],
      [1, await shardMetrics('1', 5)],
    ]);
    const health = new ShardHealth({
      ids: [0, 1],
      running: () => true,
      readiness: () => Promise.resolve({ ready: true }),
      metrics: (id) => Promise.resolve(json.get(id)!),
    });
    const text = await health.text();
    expect(text).toMatch(/^verbatim_questions_total\{outcome="answered",via="slash",shard="0"\} 2$/m);
    expect(text).toMatch(/^verbatim_questions_total\{outcome="answered",via="slash",shard="1"\} 5$/m);
    expect(text).toMatch(/^verbatim_answer_duration_seconds_count\{shard="1"\} 5$/m);
    expect(text).toMatch(/^process_resident_memory_bytes\{shard="manager"\} \d+/m);
    expect(text.match(/^# TYPE verbatim_questions_total counter$/gm)).toHaveLength(1);
    expect(health.contentType).toContain('text/plain');
  });
});
