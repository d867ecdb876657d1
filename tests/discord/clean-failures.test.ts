/**
 * Clean failures with the real discord.js client and the stand-in: gateway intents Discord refuses
 * (close codes 4014 and 4013) end `npm start` with one line and their own exit code, with a stack trace
 * only at LOG_LEVEL=debug; a gateway closed for good while online makes /readyz say so; guilds where the
 * bot lacks permissions get one warning each at READY; a 50013 Missing Permissions when answering a
 * mention is one warning line, not a stack. Needs the model (MODEL_DIR or ../shared/models).
 */
import path from 'node:path';
import { Client, GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { DiscordConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import { VerbatimBot } from '../../src/discord/bot.js';
import { EXIT_CODES, gatewayClosed, startupFailure } from '../../src/discord/startup-errors.js';
import { startDiscordStandin, type DiscordStandin } from '../support/discord-standin.js';
import { MODEL_DIR } from '../support/env.js';
import { freshUser, LogCapture, openTestLibrary, startBot, TestLibrary, testDiscordConfig, TOKEN, until, type TestCorpus } from './helpers/harness.js';
import { spawnBot, within } from './helpers/process.js';

let corpus: TestCorpus;
let library: TestLibrary;

beforeAll(async () => {
  corpus = await openTestLibrary();
  library = new TestLibrary(corpus.library);
});

afterAll(async () => {
  await corpus?.cleanup();
});

function discordConfig(standin: DiscordStandin, overrides: Partial<DiscordConfig> = {}): DiscordConfig {
  const feedbackFile = path.join(corpus.root, `feedback-${Math.random().toString(36).slice(2)}.jsonl`);
  return testDiscordConfig(standin, { cooldownSeconds: 0, feedbackFile, ...overrides });
}

/** Runs `npm start`'s entry point against a stand-in that refuses IDENTIFY with `code`; resolves with its exit and output. */
async function startRefused(code: number, logLevel: string): Promise<{ exit: number | null; output: string }> {
  const standin = await startDiscordStandin({ token: TOKEN });
  onTestFinished(() => standin.close());
  standin.refuseIdentify(code, code === 4014 ? 'Disallowed intent(s)' : 'Invalid intent(s)');
  const proc = spawnBot({
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: standin.apiUrl,
    CORPUS_DIR: corpus.corpusDir,
    INDEX_DIR: corpus.indexDir,
    MODEL_DIR,
    FEEDBACK_FILE: path.join(corpus.root, 'feedback-start.jsonl'),
    DATABASE_FILE: path.join(corpus.root, 'verbatim-start.db'),
    LOG_LEVEL: logLevel,
  });
  onTestFinished(() => proc.kill());
  const exit = await within(proc.exited, 60_000, 'the bot to exit');
  expect(standin.identifies.length).toBeGreaterThan(0);
  return { exit: exit.code, output: proc.output };
}

/** The lines that are not pino JSON (what runMain printed). */
function plainLines(output: string): string[] {
  return output.split('\n').filter((line) => line.trim().length > 0 && !line.startsWith('{'));
}

describe('intents Discord refuses', () => {
  it('4014 at login: one line naming what to switch on, exit 77, no stack trace', async () => {
    const { exit, output } = await startRefused(4014, 'info');
    expect(exit, output).toBe(EXIT_CODES.disallowedIntents);
    const lines = plainLines(output);
    expect(lines, output).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: Discord refused the bot's gateway intents \(close code 4014, disallowed intents\): switch on /);
    expect(lines[0]).toContain('Privileged Gateway Intents');
    expect(output).not.toContain('    at ');
    expect(output).not.toContain(TOKEN);
  });

  it('4013 at login: exit 70; LOG_LEVEL=debug adds the stack to the log', async () => {
    const { exit, output } = await startRefused(4013, 'debug');
    expect(exit, output).toBe(EXIT_CODES.invalidIntents);
    const lines = plainLines(output);
    expect(lines, output).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: Discord rejected the bot's gateway intents as invalid \(\d+\) \(close code 4013\)/);
    const debugLine = output.split('\n').find((line) => line.includes('"msg":"could not log in"'));
    expect(debugLine, output).toBeDefined();
    expect(debugLine).toContain('Used invalid intents');
    expect(debugLine).toContain('    at ');
  });

  it('maps what the real client throws, naming the privileged intents it asked for', async () => {
    const standin = await startDiscordStandin({ token: TOKEN, privilegedIntents: 0 });
    onTestFinished(() => standin.close());
    const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent, GatewayIntentBits.GuildMembers], rest: { api: standin.apiUrl } });
    const error = await client.login(TOKEN).then(
      () => undefined,
      (e: unknown) => e,
    );
    await client.destroy();
    const failure = startupFailure(error, standin.apiUrl, client.options.intents.bitfield);
    expect(failure?.exitCode).toBe(EXIT_CODES.disallowedIntents);
    expect(failure?.message).toContain('switch on Server Members Intent and Message Content Intent');
    // Message Content is what THREAD_FOLLOW_UPS=all asks for: the line says how to stop asking for it.
    expect(failure?.message).toContain('unset THREAD_FOLLOW_UPS=all');
  });

  it('gives each unrecoverable close code its meaning', () => {
    expect(gatewayClosed(4004).exitCode).toBe(EXIT_CODES.tokenRejected);
    expect(gatewayClosed(4014).exitCode).toBe(EXIT_CODES.disallowedIntents);
    expect(gatewayClosed(4013).exitCode).toBe(EXIT_CODES.invalidIntents);
    expect(gatewayClosed(4011).message).toContain('code 4011');
  });

  it('a gateway Discord closes for good while online: not ready, and launch is told the code', async () => {
    const standin = await startDiscordStandin({ token: TOKEN, heartbeatIntervalMs: 1_000 });
    onTestFinished(() => standin.close());
    const logs = new LogCapture();
    const closed: number[] = [];
    const bot = await VerbatimBot.create({
      config: discordConfig(standin),
      library,
      logger: createLogger({ level: 'debug' }, logs),
      onGatewayClosed: (code) => closed.push(code),
    });
    onTestFinished(() => bot.stop(5_000));
    await bot.start();
    expect(bot.readiness()).toEqual({ ready: true });
    await standin.dropConnection({ code: 4014 });
    await until(() => closed.length > 0, 'onGatewayClosed', 10_000);
    expect(closed).toEqual([4014]);
    expect(bot.readiness()).toEqual({ ready: false, reason: 'gateway closed by Discord (close code 4014: Disallowed intents); not reconnecting' });
  });
});

describe('missing permissions', () => {
  it('warns once per guild lacking what mentions need, naming the permissions', async () => {
    const bare = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory;
    const running = await startBot(library, path.join(corpus.root, 'feedback-perms.jsonl'), {
      standin: { guilds: [{}, { name: 'Locked Guild', everyonePermissions: bare, botPermissions: bare }] },
      config: () => ({ mentionReplyMode: 'thread' }),
    });
    onTestFinished(() => running.close());
    await until(() => running.logs.messages().some((m) => m.startsWith('ready:')), 'the ready line');
    const warnings = running.logs.lines.filter((line) => String(line.msg).startsWith('missing permissions'));
    expect(warnings, running.logs.raw.join('\n')).toHaveLength(1);
    const locked = running.standin.guilds[1]!;
    expect(warnings[0]).toMatchObject({ level: 40, guild: locked.id, missing: ['Send Messages', 'Send Messages in Threads', 'Embed Links', 'Create Public Threads'] });
    expect(String(warnings[0]!.msg)).toContain('"Locked Guild"');
  });

  it('a 50013 when answering a mention is one warning line, not a stack', async () => {
    const running = await startBot(library, path.join(corpus.root, 'feedback-50013.jsonl'));
    onTestFinished(() => running.close());
    const { standin } = running;
    const fault = standin.injectFault({ match: { method: 'POST', path: /^\/channels\/\d+\/messages$/ }, status: 403, code: 50013, times: 5 });
    const message = standin.sendMessage({ content: 'Who was Mike Pompeo?', mentionBot: true, author: freshUser(running) });
    await until(() => running.logs.messages().some((m) => m.startsWith('cannot answer a mention')), 'the warning');
    const warning = running.logs.lines.find((line) => String(line.msg).startsWith('cannot answer a mention'))!;
    expect(warning).toMatchObject({ level: 40, channel: message.channelId });
    expect(String(warning.msg)).toContain('Missing Permissions (50013)');
    expect(warning.err).toBeUndefined();
    // Nothing at error level, and it did not try to send an error notice into the channel it cannot write in.
    expect(running.logs.lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
    expect(fault.hits).toBe(1);
    expect(String(running.logs.raw.filter((line) => !line.includes('"level":20')).join('\n'))).not.toContain('    at ');
    const text = await running.bot.context.metrics.text();
    expect(text).toMatch(/verbatim_questions_total\{outcome="error",via="mention"\} 1/);
  });
});
