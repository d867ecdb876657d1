/**
 * A bad token or an unreachable Discord at startup: one line on stderr, no stack trace, no token, and
 * a distinct exit code — from `npm start` (checked before the model loads) and from the real
 * discord.js client's login (mapped by `startupFailure`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDiscord, EXIT_CODES, startupFailure } from '../../src/discord/startup-errors.js';
import { startDiscordStandin, type DiscordStandin } from '../support/discord-standin.js';
import { PROJECT_ROOT } from '../support/env.js';
import { TOKEN } from './helpers/harness.js';

const run = promisify(execFile);
const WRONG_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.wrong-token.this-is-not-the-right-secret';

let standin: DiscordStandin;
let closedPortUrl: string;

/** A URL on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/api`;
}

beforeAll(async () => {
  standin = await startDiscordStandin({ token: TOKEN });
  closedPortUrl = await closedPort();
});

afterAll(async () => {
  await standin?.close();
});

async function start(env: Record<string, string>): Promise<{ code: number; stderr: string; stdout: string }> {
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'verbatim-start-'));
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  try {
    // A corpus and model that do not exist: the check must come before they are needed.
    await run(tsx, [path.join(PROJECT_ROOT, 'scripts', 'start.ts')], {
      cwd,
      env: { PATH: process.env.PATH ?? '', CORPUS_DIR: 'no-corpus', INDEX_DIR: 'no-index', MODEL_DIR: 'no-model', ...env },
      timeout: 60_000,
    });
    return { code: 0, stderr: '', stdout: '' };
  } catch (error) {
    const failure = error as { code?: number; stderr?: string; stdout?: string };
    return { code: failure.code ?? -1, stderr: failure.stderr ?? '', stdout: failure.stdout ?? '' };
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

function expectOneCleanLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.trim().length > 0);
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toContain('    at ');
  expect(stderr).not.toContain('unexpected error');
  expect(stderr).not.toContain(WRONG_TOKEN);
  expect(stderr).not.toContain(TOKEN);
  return lines[0]!;
}

describe('npm start', () => {
  it('says in one line that the token was rejected, and exits 78', async () => {
    const { code, stderr } = await start({ DISCORD_TOKEN: WRONG_TOKEN, DISCORD_API_URL: standin.apiUrl });
    expect(code, stderr).toBe(EXIT_CODES.tokenRejected);
    expect(expectOneCleanLine(stderr)).toMatch(/^error: DISCORD_TOKEN was rejected by Discord/);
    expect(standin.requests.some((r) => r.path === '/gateway/bot' && r.response?.status === 401)).toBe(true);
  });

  it('says in one line that Discord cannot be reached, naming the URL, and exits 69', async () => {
    const { code, stderr } = await start({ DISCORD_TOKEN: WRONG_TOKEN, DISCORD_API_URL: closedPortUrl });
    expect(code, stderr).toBe(EXIT_CODES.discordUnreachable);
    const line = expectOneCleanLine(stderr);
    expect(line).toMatch(/^error: Cannot reach Discord at /);
    expect(line).toContain(closedPortUrl);
    expect(line).toContain('ECONNREFUSED');
  });

  it('refuses an API URL with credentials as configuration, without printing them', async () => {
    const withCredentials = closedPortUrl.replace('http://', 'http://user:hunter2@');
    const { code, stderr } = await start({ DISCORD_TOKEN: WRONG_TOKEN, DISCORD_API_URL: withCredentials });
    expect(code, stderr).toBe(EXIT_CODES.config);
    expect(expectOneCleanLine(stderr)).not.toContain('hunter2');
  });
});

describe('checkDiscord', () => {
  it('passes with the right token, and says what Discord recommends for sharding', async () => {
    await expect(checkDiscord(TOKEN, standin.apiUrl)).resolves.toEqual({ shards: 1, maxConcurrency: 1 });
  });
});

describe('startupFailure maps what the real client throws at login', () => {
  async function loginError(apiUrl: string, token: string): Promise<unknown> {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl, retries: 0 } });
    try {
      await client.login(token);
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await client.destroy();
    }
  }

  it('a rejected token', async () => {
    const error = await loginError(standin.apiUrl, WRONG_TOKEN);
    expect(error).toBeDefined();
    const failure = startupFailure(error, standin.apiUrl);
    expect(failure?.exitCode).toBe(EXIT_CODES.tokenRejected);
    expect(failure?.message).not.toContain(WRONG_TOKEN);
  });

  it('a closed port', async () => {
    const error = await loginError(closedPortUrl, WRONG_TOKEN);
    expect(error).toBeDefined();
    const failure = startupFailure(error, closedPortUrl);
    expect(failure?.exitCode).toBe(EXIT_CODES.discordUnreachable);
    expect(failure?.message).toContain(closedPortUrl);
  });

  it('leaves other errors alone', () => {
    expect(startupFailure(new Error('something else'), undefined)).toBeUndefined();
  });
});
