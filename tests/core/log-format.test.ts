/**
 * Log formats: `auto` picks pretty on a terminal and JSON when piped or in production; both formats
 * mask registered secrets and redact token fields; the service settings (HEALTH_PORT, HEALTH_HOST,
 * LOG_FORMAT) are validated like the rest. No model needed.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadServiceConfig, MAX_SHARDS } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { createLogger, registerSecret, resolveLogFormat, type CreateLoggerOptions } from '../../src/core/logger.js';

const SECRET = 'MTAxNjY1.log-format-secret.qrstuvwxyz0123';
registerSecret(SECRET);

/** Logs through a logger of `format` into memory and returns what was written. */
async function written(options: CreateLoggerOptions, log: (logger: ReturnType<typeof createLogger>) => void): Promise<string> {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', name: 'verbatim', ...options }, sink);
  log(logger);
  logger.flush();
  await new Promise((resolve) => setImmediate(resolve));
  return chunks.join('');
}

describe('LOG_FORMAT=auto', () => {
  it('is pretty on a terminal, JSON when piped or in production', () => {
    expect(resolveLogFormat('auto', { isTTY: true, nodeEnv: undefined })).toBe('pretty');
    expect(resolveLogFormat('auto', { isTTY: true, nodeEnv: 'development' })).toBe('pretty');
    expect(resolveLogFormat('auto', { isTTY: false, nodeEnv: undefined })).toBe('json');
    expect(resolveLogFormat('auto', { isTTY: true, nodeEnv: 'production' })).toBe('json');
  });

  it('gives way to an explicit format', () => {
    expect(resolveLogFormat('pretty', { isTTY: false, nodeEnv: 'production' })).toBe('pretty');
    expect(resolveLogFormat('json', { isTTY: true, nodeEnv: undefined })).toBe('json');
  });
});

describe('formats', () => {
  it('json: one object per line, secrets masked', async () => {
    const out = await written({ format: 'json' }, (logger) => {
      logger.info({ guilds: 2, token: 'field-token-value' }, `ready with ${SECRET}`);
    });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, name: 'verbatim', guilds: 2, token: '[redacted]', msg: 'ready with [redacted]' });
    expect(out).not.toContain(SECRET);
  });

  it('pretty: a readable line with time, level, name and fields, secrets masked, no colour codes off a terminal', async () => {
    const out = await written({ format: 'pretty' }, (logger) => {
      logger.warn({ guild: '123', note: `has ${SECRET} inside`, token: 'field-token-value' }, `missing permissions ${SECRET}`);
    });
    expect(out).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] WARN \(verbatim\): missing permissions \[redacted\] /);
    expect(out).toContain('"guild":"123"');
    expect(out).toContain('"token":"[redacted]"');
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain('field-token-value');
    expect(out).not.toContain('\u001b[');
    expect(() => JSON.parse(out.trim()) as unknown).toThrow();
    expect(out).not.toMatch(/"pid"|"hostname"/);
  });

  it('pretty shows an error with its stack on lines of its own; json keeps it in the object', async () => {
    const error = new Error('the engine broke');
    const pretty = await written({ format: 'pretty' }, (logger) => logger.error({ err: error }, 'failed'));
    expect(pretty).toContain('ERROR (verbatim): failed');
    expect(pretty).toContain('the engine broke');
    expect(pretty).toContain('    at ');
    const json = JSON.parse((await written({ format: 'json' }, (logger) => logger.error({ err: error }, 'failed'))).trim()) as { err: { message: string } };
    expect(json.err.message).toBe('the engine broke');
  });

  it('with a destination and no format, writes JSON (what the tests capture)', async () => {
    const out = await written({}, (logger) => logger.info('hello'));
    expect(JSON.parse(out.trim())).toMatchObject({ msg: 'hello' });
    const auto = await written({ format: 'auto' }, (logger) => logger.info('hello'));
    expect(JSON.parse(auto.trim())).toMatchObject({ msg: 'hello' });
  });
});

describe('service settings', () => {
  it('defaults: no health listener, 127.0.0.1, auto', () => {
    const defaults = { healthPort: undefined, healthHost: '127.0.0.1', logFormat: 'auto', shardCount: 1, heapGrowthPercent: 50 };
    expect(loadServiceConfig({})).toEqual(defaults);
    expect(loadServiceConfig({ HEALTH_PORT: '', LOG_FORMAT: '', HEAP_GROWTH_PERCENT: '' })).toEqual(defaults);
  });

  it('reads a port (0 = any free one), a host and a format', () => {
    expect(loadServiceConfig({ HEALTH_PORT: '9464', HEALTH_HOST: '0.0.0.0', LOG_FORMAT: 'json' })).toEqual({
      healthPort: 9464,
      healthHost: '0.0.0.0',
      logFormat: 'json',
      shardCount: 1,
      heapGrowthPercent: 50,
    });
    expect(loadServiceConfig({ HEALTH_PORT: '0' }).healthPort).toBe(0);
  });

  it('names a bad value with an example', () => {
    const error = (() => {
      try {
        loadServiceConfig({ HEALTH_PORT: '70000', LOG_FORMAT: 'yaml' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain('HEALTH_PORT must be at most 65535 (got "70000") — for example HEALTH_PORT=9464');
    expect(error?.message).toContain('LOG_FORMAT');
  });
});

describe('HEAP_GROWTH_PERCENT', () => {
  it('is 50 by default, 0 for V8\'s own, and a whole number up to 300', () => {
    expect(loadServiceConfig({ HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(loadServiceConfig({ HEAP_GROWTH_PERCENT: '100' }).heapGrowthPercent).toBe(100);
    expect(() => loadServiceConfig({ HEAP_GROWTH_PERCENT: '1.5' })).toThrow('HEAP_GROWTH_PERCENT must be a whole number');
    expect(() => loadServiceConfig({ HEAP_GROWTH_PERCENT: '500' })).toThrow('HEAP_GROWTH_PERCENT must be at most 300 (got "500") — for example HEAP_GROWTH_PERCENT=50');
  });
});

describe('SHARD_COUNT', () => {
  it('is 1 by default, a whole number of shards, or auto', () => {
    expect(loadServiceConfig({}).shardCount).toBe(1);
    expect(loadServiceConfig({ SHARD_COUNT: '4' }).shardCount).toBe(4);
    expect(loadServiceConfig({ SHARD_COUNT: ' Auto ' }).shardCount).toBe('auto');
  });

  it('refuses 0, fractions, words and more than MAX_SHARDS, with an example', () => {
    for (const bad of ['0', '1.5', '-2', 'many', String(MAX_SHARDS + 1)]) {
      expect(() => loadServiceConfig({ SHARD_COUNT: bad }), bad).toThrow(`SHARD_COUNT must be auto or a whole number from 1 to ${MAX_SHARDS} (got "${bad}") — for example SHARD_COUNT=2 (or auto)`);
    }
  });
});
