/**
 * Sharding end to end: `npm start`'s entry point with SHARD_COUNT=2 against the Discord stand-in serving
 * two shards (one guild on each). The manager starts two shard processes (each a real discord.js client
 * that identifies as its shard and loads the model); each answers only its own guild's /ask and
 * mentions; a /reindex in one shard is the only build, and the other shard answers from the new
 * generation without a restart; votes from both shards all land in the one feedback store; the manager
 * serves /readyz and /metrics for both; SIGTERM stops everything with 0; and a rejected token ends the
 * whole thing once, with 78, before any shard starts. Needs the model (MODEL_DIR or ../shared/models).
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { InteractionResponseType, type APIActionRowComponent, type APIButtonComponent, type APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { ALREADY_RUNNING_MESSAGE } from '../../src/discord/commands/reindex.js';
import { parseFeedbackId } from '../../src/discord/custom-ids.js';
import { deployCommands } from '../../src/discord/deploy-commands.js';
import { FeedbackStore } from '../../src/discord/feedback.js';
import { EXIT_CODES } from '../../src/discord/startup-errors.js';
import { openDatabase } from '../../src/storage/database.js';
import { guildIdOnShard, startDiscordStandin, type DiscordStandin, type GuildFixture, type InjectedInteraction } from '../support/discord-standin.js';
import { MODEL_DIR } from '../support/env.js';
import { seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';
import { bodyOf, callbackData, firstEmbed, testDiscordConfig, TOKEN, waitForCallback, waitForEdit } from './helpers/harness.js';
import { spawnBot, within, type BotProcess } from './helpers/process.js';

const SALT = 'sharding-test-salt-0123456789';
/** Loading the model in two processes (and building the index in the first) on a busy 2-core machine. */
const START_MS = 150_000;
const ANSWER_MS = 30_000;

let workspace: SeedWorkspace;
let standin: DiscordStandin;
let bot: BotProcess;
let healthUrl: string;
let feedbackFile: string;
let databaseFile: string;
/** The guild on shard 0 and the one on shard 1. */
let guilds: [GuildFixture, GuildFixture];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: standin.apiUrl,
    CORPUS_DIR: workspace.corpusDir,
    INDEX_DIR: workspace.indexDir,
    MODEL_DIR,
    FEEDBACK_FILE: feedbackFile,
    DATABASE_FILE: databaseFile,
    FEEDBACK_SALT: SALT,
    COOLDOWN_SECONDS: '0',
    SHARD_COUNT: '2',
    LOG_FORMAT: 'json',
    ...extra,
  };
}

beforeAll(async () => {
  workspace = await seedWorkspace();
  feedbackFile = path.join(workspace.root, 'feedback.jsonl');
  databaseFile = path.join(workspace.root, 'verbatim.db');
  // maxConcurrency 2: both shards may identify in the same 5 s, so the manager does not wait between them.
  standin = await startDiscordStandin({
    token: TOKEN,
    shards: 2,
    maxConcurrency: 2,
    heartbeatIntervalMs: 1_000,
    guilds: [
      { id: guildIdOnShard(0, 2), name: 'On shard zero' },
      { id: guildIdOnShard(1, 2), name: 'On shard one' },
    ],
  });
  guilds = [standin.guilds[0]!, standin.guilds[1]!];
  await deployCommands({ ...testDiscordConfig(standin, { feedbackFile }), guildId: undefined });
  // No index yet: shard 0 builds it before it logs in; shard 1 starts once shard 0 is online, and opens it.
  bot = spawnBot(env({ HEALTH_PORT: '0' }));
  const line = await bot.waitForLine(/every shard is online/, START_MS);
  expect(line).toContain('"role":"shard-manager"');
  healthUrl = /every shard on (http:\/\/[^ "]+)/.exec(bot.output)?.[1] ?? '';
  expect(healthUrl).not.toBe('');
}, START_MS + 30_000);

afterAll(async () => {
  bot?.kill();
  await standin?.close();
  await workspace?.cleanup();
});

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

async function scrape(): Promise<string> {
  const response = await fetch(`${healthUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** Scrapes until `name{labels}` reads `value` (a shard counts a question just after its reply is sent). */
async function scrapeUntil(name: string, labels: Record<string, string>, value: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await scrape();
    if (sample(text, name, labels) === value || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function user(name: string): APIUser {
  return standin.createUser(`${name}${Math.random().toString(36).slice(2, 8)}`);
}

/** A public /ask in a guild; resolves with the interaction and the answer's embed. */
async function ask(guild: GuildFixture, question: string): Promise<{ injected: InjectedInteraction; description: string }> {
  const injected = standin.sendSlashCommand({ name: 'ask', options: { question, public: true }, guildId: guild.id, user: user('asker') });
  expect(bodyOf(await waitForCallback(standin, injected, ANSWER_MS)).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
  const embed = firstEmbed(bodyOf(await waitForEdit(standin, injected, ANSWER_MS)));
  return { injected, description: embed.description ?? '' };
}

/** The gateway sessions (by id) of each shard, from the READYs the stand-in sent. */
function sessionsOf(shard: number): Set<string> {
  return new Set(standin.gatewayEvents.flatMap((e) => (e.kind === 'ready' && e.shard[0] === shard ? [e.sessionId] : [])));
}

describe('two shards', () => {
  it('identifies each shard once, as [id, 2], and gives each only its guild', () => {
    expect(standin.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const readies = standin.gatewayEvents.filter((e) => e.kind === 'ready');
    expect(readies.map((e) => e.kind === 'ready' && e.shard[0]).sort()).toEqual([0, 1]);
    // Each session got the GUILD_CREATE of its own guild only.
    for (const shard of [0, 1]) {
      const creates = standin.gatewayEvents.filter((e) => e.kind === 'dispatch' && e.t === 'GUILD_CREATE' && sessionsOf(shard).has(e.sessionId));
      expect(creates, `shard ${shard}`).toHaveLength(1);
    }
    expect(standin.guildsOfShard([0, 2]).map((g) => g.id)).toEqual([guilds[0].id]);
  });

  it('is ready (every shard) on the manager’s /readyz', async () => {
    const response = await fetch(`${healthUrl}/readyz`);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
    expect((await fetch(`${healthUrl}/healthz`)).status).toBe(200);
  });

  it('answers /ask and mentions in each guild from that guild’s shard', async () => {
    const [zero, one] = await Promise.all([
      ask(guilds[0], 'When could the Putin-Trump meeting take place, according to the Kremlin?'),
      ask(guilds[1], 'When could the Putin-Trump meeting take place, according to the Kremlin?'),
    ]);
    for (const answer of [zero, one]) expect(answer.description).toContain('as early as next week');
    // Each interaction went to its own shard's session…
    for (const [shard, injected] of [zero.injected, one.injected].entries()) {
      const dispatch = standin.gatewayEvents.find((e) => e.kind === 'dispatch' && e.t === 'INTERACTION_CREATE' && sessionsOf(shard).has(e.sessionId));
      expect(dispatch, `shard ${shard} got an interaction`).toBeDefined();
      expect(standin.interaction(injected.id)?.responseType).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    }
    // …and each shard counted exactly one answered /ask.
    let text = await scrapeUntil('verbatim_questions_total', { shard: '1', outcome: 'answered', via: 'slash' }, 1);
    text = sample(text, 'verbatim_questions_total', { shard: '0', outcome: 'answered', via: 'slash' }) === 1 ? text : await scrapeUntil('verbatim_questions_total', { shard: '0', outcome: 'answered', via: 'slash' }, 1);
    expect(sample(text, 'verbatim_questions_total', { shard: '0', outcome: 'answered', via: 'slash' })).toBe(1);
    expect(sample(text, 'verbatim_questions_total', { shard: '1', outcome: 'answered', via: 'slash' })).toBe(1);

    // A mention in the guild of shard 1 is answered (by shard 1) in that guild's channel.
    const before = standin.requests.length;
    standin.sendMessage({ content: 'Who was Mike Pompeo?', mentionBot: true, guildId: guilds[1].id, author: user('mentioner') });
    const reply = await standin.waitForRequest({ method: 'POST', path: `/channels/${guilds[1].textChannelId}/messages` }, { after: before, timeoutMs: ANSWER_MS });
    expect(reply.response?.status).toBe(200);
    text = await scrapeUntil('verbatim_questions_total', { shard: '1', outcome: 'answered', via: 'mention' }, 1);
    expect(sample(text, 'verbatim_questions_total', { shard: '1', outcome: 'answered', via: 'mention' })).toBe(1);
    expect(sample(text, 'verbatim_questions_total', { shard: '0', outcome: 'answered', via: 'mention' })).toBe(0);
    // The manager's own process metrics, apart from the shards'.
    expect(sample(text, 'process_resident_memory_bytes', { shard: 'manager' })).toBeGreaterThan(0);
    expect(sample(text, 'process_resident_memory_bytes', { shard: '0' })).toBeGreaterThan(0);
  });

  it('records every vote from both shards in the one feedback store', async () => {
    const answers = await Promise.all([ask(guilds[0], 'Who was Mike Pompeo?'), ask(guilds[1], 'Who was Mike Pompeo?')]);
    const votes: { answerId: string; userId: string }[] = [];
    const clicks = answers.flatMap(({ injected }, shard) => {
      const messageId = standin.interaction(injected.id)?.originalMessageId ?? '';
      const rows = (standin.message(messageId)?.components ?? []) as APIActionRowComponent<APIButtonComponent>[];
      const up = rows.flatMap((row) => row.components).find((b) => 'custom_id' in b && parseFeedbackId(b.custom_id)?.vote === 'up');
      const customId = up && 'custom_id' in up ? up.custom_id : '';
      const answerId = parseFeedbackId(customId)?.answerId ?? '';
      expect(answerId, `shard ${shard}'s answer has a 👍 button`).not.toBe('');
      return Array.from({ length: 12 }, () => {
        const voter = user('voter');
        votes.push({ answerId, userId: voter.id });
        return standin.sendButton({ customId, messageId, guildId: guilds[shard as 0 | 1].id, user: voter });
      });
    });
    const callbacks = await Promise.all(clicks.map((click) => waitForCallback(standin, click, ANSWER_MS)));
    for (const callback of callbacks) expect(String(callbackData(callback).content)).toContain('has been recorded');

    const db = openDatabase(databaseFile);
    onTestFinished(() => {
      db.close();
    });
    const store = await FeedbackStore.open(db, createLogger({ level: 'silent' }), { salt: SALT });
    expect(store.size).toBe(votes.length);
    for (const vote of votes) expect(store.hasVoted(vote.answerId, vote.userId)).toBe(true);
  });

  it('/reindex in one shard is the only build, and the other shard answers from the new generation', async () => {
    /** The generation a shard answers from, as its verbatim_index_info says. */
    const generation = (text: string, shard: string): string | undefined => {
      const line = text.split('\n').find((l) => l.startsWith('verbatim_index_info{') && l.includes(`shard="${shard}"`) && l.endsWith(' 1'));
      return line === undefined ? undefined : /generation="([^"]+)"/.exec(line)?.[1];
    };
    const before = await scrape();
    const old = generation(before, '1');
    expect(old).toBeDefined();

    const article = path.join(workspace.corpusDir, (await import('node:fs')).readdirSync(workspace.corpusDir).find((f) => f.startsWith('004'))!);
    await appendFile(article, '\n\nThe Kremlin later said the summit venue would be announced by the envoy in Reykjavik on Friday.\n');
    const reindex = standin.sendSlashCommand({ name: 'reindex', guildId: guilds[0].id, user: standin.users.moderator });
    // Once shard 1 has heard of it (from the manager)…
    await bot.waitForLine(/^(?=.*"shard":1[,}])(?=.*"msg":"shard 0 is rebuilding the index")/, ANSWER_MS);
    // …a /reindex there is told one is running, and starts nothing.
    const second = standin.sendSlashCommand({ name: 'reindex', guildId: guilds[1].id, user: standin.users.moderator });
    expect(callbackData(await waitForCallback(standin, second, ANSWER_MS)).content).toBe(ALREADY_RUNNING_MESSAGE);

    const report = firstEmbed(bodyOf(await waitForEdit(standin, reindex, 90_000)));
    expect(report.title).toBe('Index rebuilt');
    expect(report.description).toContain('1 changed · 0 added · 0 removed · 4 unchanged');
    await bot.waitForLine(/"msg":"switched to the index shard 0 rebuilt"/, ANSWER_MS);

    const after = await ask(guilds[1], 'Where would the envoy announce the summit venue?');
    expect(after.description).toContain('Reykjavik');
    const text = await scrapeUntil('verbatim_index_rebuilds_total', { shard: '0', result: 'changed' }, 1);
    expect(generation(text, '1')).not.toBe(old);
    expect(generation(text, '1')).toBe(generation(text, '0'));
    expect(sample(text, 'verbatim_index_rebuilds_total', { shard: '1', result: 'changed' })).toBe(0);
    expect(bot.output.match(/"msg":"shard \d is rebuilding the index"/g)).toHaveLength(2); // the manager's line and shard 1's
    expect(standin.violations).toEqual([]);
  });

  it('stops every shard on SIGTERM and exits 0', async () => {
    bot.child.kill('SIGTERM');
    const exit = await within(bot.exited, 60_000, 'the manager to exit');
    expect(exit.code, bot.output).toBe(0);
    expect(bot.output.match(/"msg":"stopped"/g)).toHaveLength(2);
  });
});

describe('start-up failures with SHARD_COUNT=2', () => {
  it('a rejected token: one line, exit 78, once, and no shard started', async () => {
    const strict = await startDiscordStandin({ token: TOKEN, shards: 2 });
    onTestFinished(() => strict.close());
    const proc = spawnBot({ ...env(), DISCORD_TOKEN: 'not-the-token', DISCORD_API_URL: strict.apiUrl });
    onTestFinished(() => proc.kill());
    const exit = await within(proc.exited, 30_000, 'the manager to exit');
    expect(exit.code, proc.output).toBe(EXIT_CODES.tokenRejected);
    const plain = proc.output.split('\n').filter((line) => line.trim().length > 0 && !line.startsWith('{'));
    expect(plain, proc.output).toEqual([expect.stringMatching(/^error: DISCORD_TOKEN was rejected by Discord \(401 Unauthorized\)/)]);
    expect(strict.identifies).toHaveLength(0);
    expect(strict.requests.filter((r) => r.path === '/gateway/bot')).toHaveLength(1);
    expect(proc.output).not.toContain('not-the-token');
  });

  it('intents refused at the gateway: the first shard’s one line and its exit 77, and the second never starts', async () => {
    const refusing = await startDiscordStandin({ token: TOKEN, shards: 2, maxConcurrency: 2 });
    onTestFinished(() => refusing.close());
    refusing.refuseIdentify(4014, 'Disallowed intent(s)');
    const proc = spawnBot({ ...env(), DISCORD_API_URL: refusing.apiUrl });
    onTestFinished(() => proc.kill());
    const exit = await within(proc.exited, 60_000, 'the manager to exit');
    expect(exit.code, proc.output).toBe(EXIT_CODES.disallowedIntents);
    const plain = proc.output.split('\n').filter((line) => line.trim().length > 0 && !line.startsWith('{'));
    expect(plain, proc.output).toEqual([expect.stringMatching(/^error: Discord refused the bot's gateway intents \(close code 4014/)]);
    expect(refusing.identifies.map((i) => i.shard)).toEqual([[0, 2]]);
  });
});
