/**
 * The health and metrics listener with the real bot (real discord.js client) logged in to the stand-in:
 * /readyz is 503 with a reason until the bot is online and while it stops, 200 in between; /metrics
 * counts an answered and a declined question, a busy refusal and a gateway reconnect; only GET and
 * HEAD, and only the three paths. Needs the model (MODEL_DIR or ../shared/models).
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { InteractionResponseType } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { VerbatimBot } from '../../src/discord/bot.js';
import { deployCommands } from '../../src/discord/deploy-commands.js';
import { HealthServer } from '../../src/discord/health-server.js';
import { BotMetrics } from '../../src/discord/metrics.js';
import { BUSY_MESSAGE } from '../../src/discord/render/notices.js';
import { startDiscordStandin, type DiscordStandin } from '../support/discord-standin.js';
import { bodyOf, callbackData, Gate, LogCapture, openTestLibrary, TestLibrary, testDiscordConfig, TOKEN, until, waitForCallback, waitForEdit, type TestCorpus } from './helpers/harness.js';

let corpus: TestCorpus;
let library: TestLibrary;
let standin: DiscordStandin;
let bot: VerbatimBot;
let metrics: BotMetrics;
let health: HealthServer;
const logs = new LogCapture();

async function get(pathname: string, init: RequestInit = {}): Promise<{ status: number; body: string; type: string | null; allow: string | null }> {
  const response = await fetch(`${health.url}${pathname}`, init);
  return { status: response.status, body: await response.text(), type: response.headers.get('content-type'), allow: response.headers.get('allow') };
}

/** The value of one sample in a Prometheus text exposition (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

/**
 * Scrapes until `name{labels}` reads `value` (the bot counts a question just after Discord has answered
 * its reply, so a scrape right after the stand-in saw the reply may come a moment early); returns the text.
 */
async function scrapeUntil(name: string, labels: Record<string, string>, value: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await scrape();
    if (sample(text, name, labels) === value || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function scrape(): Promise<string> {
  const { status, body, type } = await get('/metrics');
  expect(status).toBe(200);
  expect(type).toContain('text/plain');
  return body;
}

function slashAsk(question: string): ReturnType<DiscordStandin['sendSlashCommand']> {
  return standin.sendSlashCommand({ name: 'ask', options: { question }, user: standin.createUser(`asker${Math.random().toString(36).slice(2, 8)}`) });
}

beforeAll(async () => {
  corpus = await openTestLibrary();
  library = new TestLibrary(corpus.library);
  standin = await startDiscordStandin({ token: TOKEN, heartbeatIntervalMs: 1_000 });
  const config = testDiscordConfig(standin, {
    cooldownSeconds: 0,
    maxConcurrentQuestions: 1,
    maxQueuedQuestions: 0,
    feedbackFile: path.join(corpus.root, 'feedback.jsonl'),
  });
  await deployCommands(config);
  metrics = new BotMetrics({ defaultMetrics: true });
  const logger = createLogger({ level: 'debug', name: 'verbatim-test' }, logs);
  const real = corpus.library;
  bot = await VerbatimBot.create({
    config,
    library,
    logger,
    metrics,
    indexInfo: () => ({ generation: real.store.generation.id, builtAt: real.store.generation.builtAt }),
  });
  health = await HealthServer.start({ port: 0, readiness: () => bot.readiness(), metrics, logger });
});

afterAll(async () => {
  await bot?.stop(5_000);
  await health?.close();
  await standin?.close();
  await corpus?.cleanup();
});

describe('health endpoints', () => {
  it('binds 127.0.0.1 on a free port when asked for port 0', () => {
    expect(health.host).toBe('127.0.0.1');
    expect(health.port).toBeGreaterThan(0);
    expect(health.url).toBe(`http://127.0.0.1:${health.port}`);
  });

  it('is alive but not ready before the bot is online, then ready', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const before = await get('/readyz');
    expect(before.status).toBe(503);
    expect(JSON.parse(before.body)).toEqual({ status: 'not ready', reason: 'starting' });
    expect(sample(await scrape(), 'verbatim_ready')).toBe(0);

    await bot.start();
    const after = await get('/readyz');
    expect(after.status, after.body).toBe(200);
    expect(JSON.parse(after.body)).toEqual({ status: 'ready' });
    const text = await scrape();
    expect(sample(text, 'verbatim_ready')).toBe(1);
    expect(sample(text, 'verbatim_gateway_connected')).toBe(1);
  });

  it('answers 404 to other paths and 405 to other methods; HEAD has no body', async () => {
    for (const bad of ['/', '/health', '/metrics/x', '/readyz/']) expect((await get(bad)).status, bad).toBe(404);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await get('/metrics', { method });
      expect(response.status, method).toBe(405);
      expect(response.allow).toBe('GET, HEAD');
    }
    const head = await get('/readyz', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get('/healthz?probe=1')).status).toBe(200);
  });
});

describe('metrics', () => {
  it('starts every outcome at 0 and shows the live index and the default process metrics', async () => {
    const text = await scrape();
    for (const outcome of ['answered', 'declined', 'busy', 'error']) expect(sample(text, 'verbatim_questions_total', { outcome, via: 'slash' }), outcome).toBe(0);
    const generation = corpus.library.store.generation.id;
    expect(sample(text, 'verbatim_index_info', { generation })).toBe(1);
    expect(sample(text, 'verbatim_index_built_timestamp_seconds')).toBe(Date.parse(corpus.library.store.generation.builtAt) / 1000);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE verbatim_answer_duration_seconds histogram');
  });

  it('counts an answered and a declined question, with their latency', async () => {
    const answered = slashAsk('When could the Putin-Trump meeting take place, according to the Kremlin?');
    await waitForEdit(standin, answered);
    const declined = slashAsk('What happened?');
    await waitForEdit(standin, declined);
    await scrapeUntil('verbatim_questions_total', { outcome: 'answered', via: 'slash' }, 1);
    const text = await scrapeUntil('verbatim_questions_total', { outcome: 'declined', via: 'slash' }, 1);
    expect(sample(text, 'verbatim_questions_total', { outcome: 'answered', via: 'slash' })).toBe(1);
    expect(sample(text, 'verbatim_questions_total', { outcome: 'declined', via: 'slash' })).toBe(1);
    expect(sample(text, 'verbatim_answer_duration_seconds_count')).toBe(2);
    expect(sample(text, 'verbatim_answer_duration_seconds_sum')).toBeGreaterThan(0);
  });

  it('counts a busy refusal and shows the queue while a question runs', async () => {
    library.askGate = new Gate();
    const calls = library.askCalls;
    const held = slashAsk('Who was Mike Pompeo?');
    expect(bodyOf(await waitForCallback(standin, held)).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    await until(() => library.askCalls > calls, 'the held question to reach the library');
    const running = await scrape();
    expect(sample(running, 'verbatim_queue_questions', { state: 'running' })).toBe(1);

    const busy = slashAsk('Who was Mike Pompeo?');
    expect(callbackData(await waitForCallback(standin, busy)).content).toBe(BUSY_MESSAGE);
    library.askGate.open();
    library.askGate = undefined;
    await waitForEdit(standin, held);
    const text = await scrapeUntil('verbatim_questions_total', { outcome: 'answered', via: 'slash' }, 2);
    expect(sample(text, 'verbatim_questions_total', { outcome: 'busy', via: 'slash' })).toBe(1);
    expect(sample(text, 'verbatim_questions_total', { outcome: 'answered', via: 'slash' })).toBe(2);
    expect(sample(text, 'verbatim_queue_questions', { state: 'running' })).toBe(0);
    expect(sample(text, 'verbatim_queue_questions', { state: 'waiting' })).toBe(0);
  });

  it('counts an error when answering fails', async () => {
    library.askFailures.push(new Error('the engine broke'));
    const failing = slashAsk('Who was Mike Pompeo?');
    await waitForEdit(standin, failing);
    expect(sample(await scrapeUntil('verbatim_questions_total', { outcome: 'error', via: 'slash' }, 1), 'verbatim_questions_total', { outcome: 'error', via: 'slash' })).toBe(1);
  });

  it('counts a gateway reconnect and is ready again once resumed', async () => {
    const resumes = standin.gatewayEvents.filter((e) => e.kind === 'resumed').length;
    await standin.dropConnection();
    await standin.waitForResume(resumes + 1, 15_000);
    await until(() => bot.readiness().ready, 'the bot to be ready again', 15_000);
    const text = await scrape();
    expect(sample(text, 'verbatim_gateway_reconnects_total')).toBe(1);
    expect((await get('/readyz')).status).toBe(200);
    expect(logs.messages()).toContain('gateway disconnected; reconnecting');
  });
});

describe('more metrics', () => {
  it('counts an answered @mention', async () => {
    const before = standin.requests.length;
    standin.sendMessage({ content: 'Who was Mike Pompeo?', mentionBot: true, author: standin.createUser('mentioner') });
    await standin.waitForRequest({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, { after: before, timeoutMs: 30_000 });
    const text = await scrapeUntil('verbatim_questions_total', { outcome: 'answered', via: 'mention' }, 1);
    expect(sample(text, 'verbatim_questions_total', { outcome: 'answered', via: 'mention' })).toBe(1);
  });

  it('counts rebuilds by result, and shows the new generation once swapped in', async () => {
    const generation = corpus.library.store.generation.id;
    const unchanged = standin.sendSlashCommand({ name: 'reindex', user: standin.users.moderator });
    await waitForEdit(standin, unchanged, 60_000);
    let text = await scrapeUntil('verbatim_index_rebuilds_total', { result: 'unchanged' }, 1);
    expect(sample(text, 'verbatim_index_rebuilds_total', { result: 'unchanged' })).toBe(1);
    expect(sample(text, 'verbatim_index_info', { generation })).toBe(1);

    const edited = corpus.library.articles()[0]!;
    await appendFile(path.join(corpus.corpusDir, edited.path), '\n\nThe envoy said the venue would be announced in Reykjavik on Friday.\n');
    const changed = standin.sendSlashCommand({ name: 'reindex', user: standin.users.moderator });
    await waitForEdit(standin, changed, 60_000);
    text = await scrapeUntil('verbatim_index_rebuilds_total', { result: 'changed' }, 1);
    expect(sample(text, 'verbatim_index_rebuilds_total', { result: 'changed' })).toBe(1);
    const live = corpus.library.store.generation.id;
    expect(live).not.toBe(generation);
    expect(sample(text, 'verbatim_index_info', { generation: live })).toBe(1);
    expect(sample(text, 'verbatim_index_info', { generation })).toBeUndefined();
  });

  it('is ready again after Discord invalidates the session and the bot identifies anew', async () => {
    const identifies = standin.identifies.length;
    standin.invalidateSession(false);
    await standin.waitForIdentify(identifies + 1, 20_000);
    await until(() => bot.readiness().ready, 'the bot to be ready again', 20_000);
    expect((await get('/readyz')).status).toBe(200);
  });
});

describe('stopping', () => {
  it('is not ready while stopping, and stays alive until the listener closes', async () => {
    const stopping = bot.stop(5_000);
    const during = await get('/readyz');
    expect(during.status).toBe(503);
    expect(JSON.parse(during.body)).toEqual({ status: 'not ready', reason: 'stopping' });
    expect((await get('/healthz')).status).toBe(200);
    await stopping;
    expect((await get('/readyz')).status).toBe(503);
  });
});
