import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadBaseConfig, loadDiscordConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { createLogger, registerSecret } from '../../src/core/logger.js';

const TOKEN = 'MTAxNjY1.secret-token-value.abcdefghijklmnop';

describe('configuration', () => {
  it('uses the documented defaults', () => {
    const config = loadBaseConfig({}, '/srv/verbatim');
    expect(config).toEqual({
      corpusDir: '/srv/verbatim/corpus',
      indexDir: '/srv/verbatim/data/index',
      modelDir: undefined,
      modelCacheDir: '/srv/verbatim/data/models',
      modelHubUrl: 'https://huggingface.co',
      modelId: 'Xenova/all-MiniLM-L6-v2',
      quantized: true,
      logLevel: 'info',
      embedWorkers: 'auto',
      indexStore: 'file',
      databaseUrl: undefined,
      indexPollSeconds: 5,
    });
  });

  it('chooses the index store: postgres needs a postgres:// DATABASE_URL, never echoed', () => {
    const failure = (env: Record<string, string>) => {
      try {
        loadBaseConfig(env);
      } catch (e) {
        return e as ConfigError;
      }
      return undefined;
    };
    const url = 'postgres://verbatim:s3cret-pw@db.internal:5432/verbatim';
    expect(loadBaseConfig({ INDEX_STORE: 'postgres', DATABASE_URL: url })).toMatchObject({ indexStore: 'postgres', databaseUrl: url });
    expect(failure({ INDEX_STORE: 'postgres' })?.message).toContain('DATABASE_URL is required with INDEX_STORE=postgres');
    const wrongScheme = failure({ INDEX_STORE: 'postgres', DATABASE_URL: 'mysql://verbatim:s3cret-pw@db.internal/verbatim' });
    expect(wrongScheme?.message).toContain('DATABASE_URL must be a postgres:// URL (value hidden)');
    expect(wrongScheme?.message).not.toContain('s3cret-pw');
    expect(failure({ INDEX_STORE: 'sqlite' })?.message).toContain('INDEX_STORE');
  });

  it('names every bad variable with what is wrong and an example', () => {
    const error = (() => {
      try {
        loadDiscordConfig({ DISCORD_CLIENT_ID: 'abc', COOLDOWN_SECONDS: '-1', MENTION_REPLY_MODE: 'dm' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('DISCORD_TOKEN is missing');
    expect(message).toContain('DISCORD_CLIENT_ID must be a Discord id (17–20 digits) (got "abc") — for example DISCORD_CLIENT_ID=123456789012345678');
    expect(message).toContain('COOLDOWN_SECONDS must be at least 0');
    expect(message).toContain('MENTION_REPLY_MODE');
    expect((error as ConfigError).describe()).toContain('.env.example');
  });

  it('never echoes a secret value', () => {
    // A token is only "wrong" when blank, but it must not be printed even then.
    const error = (() => {
      try {
        loadDiscordConfig({ DISCORD_TOKEN: TOKEN, DISCORD_GUILD_ID: TOKEN });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.message).toContain('DISCORD_GUILD_ID');
    expect(loadDiscordConfig({ DISCORD_TOKEN: TOKEN }).token).toBe(TOKEN);
  });

  it('checks FEEDBACK_SALT without echoing it', () => {
    expect(loadDiscordConfig({ DISCORD_TOKEN: TOKEN }).feedbackSalt).toBeUndefined();
    expect(loadDiscordConfig({ DISCORD_TOKEN: TOKEN, FEEDBACK_SALT: 'long-enough-secret-salt' }).feedbackSalt).toBe('long-enough-secret-salt');
    const error = (() => {
      try {
        loadDiscordConfig({ DISCORD_TOKEN: TOKEN, FEEDBACK_SALT: 'short-salt' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain('FEEDBACK_SALT must be at least 16 characters');
    expect(error?.message).not.toContain('short-salt');
  });

  it('treats empty values in .env as unset', () => {
    const config = loadDiscordConfig({ DISCORD_TOKEN: TOKEN, DISCORD_GUILD_ID: '', MAINTAINER_ROLE_IDS: '' });
    expect(config.guildId).toBeUndefined();
    expect(config.maintainerRoleIds).toEqual([]);
  });
});

describe('logging', () => {
  it('masks a registered secret wherever it appears and redacts token fields', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    registerSecret(TOKEN);
    const logger = createLogger({ level: 'info' }, sink);
    logger.info({ token: TOKEN, config: { token: TOKEN } }, 'logging in');
    logger.error({ err: new Error(`401 for Bot ${TOKEN}`) }, `failed with ${TOKEN}`);
    const output = lines.join('');
    expect(output).toContain('logging in');
    expect(output).toContain('[redacted]');
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain('secret-token-value');
  });
});
