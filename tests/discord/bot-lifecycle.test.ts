/**
 * End to end: how the bot starts and stops. Commands are registered with one bulk PUT; the model is
 * warmed up before login; the gateway intents leave out the privileged MessageContent; READY is logged
 * with counts; stopping turns new questions away, finishes the ones in flight, and closes the client;
 * the entry points fail clearly without a token or an application id; the token never reaches the log.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GatewayIntentBits, InteractionResponseType, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/discord/commands/index.js';
import { deployCommands } from '../../src/discord/deploy-commands.js';
import { STOPPING_MESSAGE } from '../../src/discord/render/notices.js';
import { startDiscordStandin } from '../support/discord-standin.js';
import { PROJECT_ROOT } from '../support/env.js';
import { expectVerbatimAnswer } from './helpers/embeds.js';
import {
  bodyOf,
  callbackData,
  firstEmbed,
  freshUser,
  Gate,
  openTestLibrary,
  startBot,
  TestLibrary,
  TOKEN,
  until,
  waitForCallback,
  waitForEdit,
  type RunningBot,
  type TestCorpus,
} from './helpers/harness.js';

const run = promisify(execFile);

let corpus: TestCorpus;
let library: TestLibrary;
let running: RunningBot;

beforeAll(async () => {
  corpus = await openTestLibrary();
  library = new TestLibrary(corpus.library);
  running = await startBot(library, path.join(corpus.root, 'feedback.jsonl'));
});

afterAll(async () => {
  await running?.close();
  await corpus?.cleanup();
});

describe('starting', () => {
  it('registered every command with one bulk PUT to the guild', () => {
    const puts = running.standin.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]?.path).toBe(`/applications/${running.standin.applicationId}/guilds/${running.standin.guild.id}/commands`);
    expect(running.standin.commands(running.standin.guild.id).map((c) => c.name)).toEqual(['ask', 'sources', 'source', 'reindex', 'settings', 'help']);
    expect(running.standin.violations).toEqual([]);
  });

  it('registers globally without a guild id and prints what it registered', async () => {
    const standin = await startDiscordStandin({ token: TOKEN });
    try {
      const printed: string[] = [];
      const result = await deployCommands(
        { token: TOKEN, clientId: standin.applicationId, guildId: undefined, apiUrl: standin.apiUrl },
        (line) => printed.push(line),
      );
      expect(result).toEqual({ scope: 'global', guildId: undefined, registered: COMMANDS.map((c) => c.data.name) });
      expect(standin.commands().map((c) => c.name)).toEqual(['ask', 'sources', 'source', 'reindex', 'settings', 'help']);
      expect(printed.join('\n')).toContain('/reindex');
      expect(printed.join('\n')).toContain('global');
      expect(standin.violations).toEqual([]);
    } finally {
      await standin.close();
    }
  });

  it('warms the model up before logging in, without the privileged MessageContent intent', () => {
    const identify = running.standin.identifies[0]!;
    expect(identify.token).toBe(TOKEN);
    expect(identify.intents).toBe(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages);
    expect(identify.intents & GatewayIntentBits.MessageContent).toBe(0);
    expect(library.askTimes[0]).toBeLessThanOrEqual(identify.time);
  });

  it('logs READY with what it serves, and never logs the token', () => {
    const readyLine = running.logs.lines.find((line) => String(line.msg).startsWith('ready:'));
    expect(readyLine).toMatchObject({ articles: 5, guilds: 1, commands: 6 });
    expect(Number(readyLine?.chunks)).toBeGreaterThan(0);
    running.logger.info({ note: `the token is ${TOKEN}` }, `again: ${TOKEN}`);
    expect(running.logs.raw.join('\n')).not.toContain(TOKEN);
    expect(running.logs.raw.join('\n')).toContain('[redacted]');
  });
});

describe('entry points', () => {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

  async function runScript(script: string, env: Record<string, string>): Promise<{ code: number; stderr: string }> {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'verbatim-entry-'));
    try {
      await run(tsx, [path.join(PROJECT_ROOT, 'scripts', script)], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 });
      return { code: 0, stderr: '' };
    } catch (error) {
      const failure = error as { code?: number; stderr?: string };
      return { code: failure.code ?? -1, stderr: failure.stderr ?? '' };
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }

  it('npm start says clearly that DISCORD_TOKEN is missing', async () => {
    const { code, stderr } = await runScript('start.ts', {});
    expect(code, stderr).toBe(2);
    expect(stderr).toContain('DISCORD_TOKEN is missing');
    expect(stderr).not.toContain('    at ');
  });

  it('deploy-commands says clearly that DISCORD_CLIENT_ID is missing', async () => {
    const { code, stderr } = await runScript('deploy-commands.ts', { DISCORD_TOKEN: TOKEN });
    expect(code, stderr).toBe(2);
    expect(stderr).toContain('DISCORD_CLIENT_ID is missing');
    expect(stderr).not.toContain(TOKEN);
  });
});

describe('stopping', () => {
  it('turns new questions away, finishes the one in flight, then closes the client', async () => {
    const { standin, bot } = running;
    const gate = new Gate();
    library.askGate = gate;
    const inFlight = standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user: freshUser(running) });
    expect(bodyOf(await waitForCallback(standin, inFlight)).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    await until(() => bot.context.queue.active === 1, 'the question to be answered');
    const asksBefore = library.askCalls;

    let stopped = false;
    const stopping = bot.stop(10_000).then(() => (stopped = true));
    const late = standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user: freshUser(running) });
    const lateCallback = await waitForCallback(standin, late);
    expect(callbackData(lateCallback).flags).toBe(MessageFlags.Ephemeral);
    expect(callbackData(lateCallback).content).toBe(STOPPING_MESSAGE);
    expect(stopped).toBe(false);

    gate.open();
    library.askGate = undefined;
    const edit = await waitForEdit(standin, inFlight);
    await expectVerbatimAnswer(firstEmbed(bodyOf(edit)), library);
    await stopping;
    expect(library.askCalls).toBe(asksBefore);
    await standin.waitForGatewayEvent((e) => e.kind === 'close', 5_000, 'the client to close the gateway');
    expect(standin.violations).toEqual([]);
  });

  it('gives up waiting after the timeout', async () => {
    const other = await startBot(library, path.join(corpus.root, 'feedback-2.jsonl'));
    const gate = new Gate();
    library.askGate = gate;
    try {
      const stuck = other.standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user: freshUser(other) });
      await waitForCallback(other.standin, stuck);
      const started = Date.now();
      await other.bot.stop(300);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(other.logs.messages().some((m) => m.includes('gave up waiting'))).toBe(true);
    } finally {
      gate.open();
      library.askGate = undefined;
      await other.standin.close();
    }
  });
});
