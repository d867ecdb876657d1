/** EMBED_WORKERS: auto, 0 or a number of embedding worker processes; anything else is a ConfigError that says what to write. */
import { describe, expect, it } from 'vitest';
import { loadBaseConfig, MAX_EMBED_WORKERS } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { cpuQuota, resolveEmbedWorkers, usableCores } from '../../src/embedding/embedding-pool.js';

function failure(value: string): ConfigError | undefined {
  try {
    loadBaseConfig({ EMBED_WORKERS: value });
  } catch (error) {
    return error as ConfigError;
  }
  return undefined;
}

describe('EMBED_WORKERS', () => {
  it('is auto by default, and takes auto, 0 or a whole number (any case, spaces trimmed; empty means unset)', () => {
    expect(loadBaseConfig({}).embedWorkers).toBe('auto');
    expect(loadBaseConfig({ EMBED_WORKERS: '' }).embedWorkers).toBe('auto');
    expect(loadBaseConfig({ EMBED_WORKERS: ' AUTO ' }).embedWorkers).toBe('auto');
    expect(loadBaseConfig({ EMBED_WORKERS: '0' }).embedWorkers).toBe(0);
    expect(loadBaseConfig({ EMBED_WORKERS: '3' }).embedWorkers).toBe(3);
    expect(loadBaseConfig({ EMBED_WORKERS: String(MAX_EMBED_WORKERS) }).embedWorkers).toBe(MAX_EMBED_WORKERS);
  });

  it('rejects anything else, naming the variable, the value and an example', () => {
    for (const value of ['-1', 'two', '1.5', String(MAX_EMBED_WORKERS + 1), 'yes']) {
      const error = failure(value);
      expect(error, value).toBeInstanceOf(ConfigError);
      expect(error!.message).toContain(`EMBED_WORKERS must be auto, 0 (embed in the indexing process) or a whole number of worker processes up to ${MAX_EMBED_WORKERS}`);
      expect(error!.message).toContain(`(got ${JSON.stringify(value)})`);
      expect(error!.message).toContain('for example EMBED_WORKERS=auto');
    }
  });

  it('auto is one worker per core the process may use when there are 2 or more, else none (embed in the process)', () => {
    expect(resolveEmbedWorkers('auto', 1)).toBe(0);
    expect(resolveEmbedWorkers('auto', 2)).toBe(2);
    expect(resolveEmbedWorkers('auto', 6)).toBe(6);
    expect(resolveEmbedWorkers(0, 8)).toBe(0);
    expect(resolveEmbedWorkers(3, 1)).toBe(3);
  });

  it('auto counts no more cores than a cgroup CPU quota allows', () => {
    const files = (entries: Record<string, string>) => (file: string) => {
      const text = entries[file];
      if (text === undefined) throw new Error(`ENOENT ${file}`);
      return text;
    };
    expect(cpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' }))).toBeUndefined();
    expect(cpuQuota(files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' }))).toBe(1);
    expect(cpuQuota(files({ '/sys/fs/cgroup/cpu.max': '400000 100000\n' }))).toBe(4);
    expect(cpuQuota(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' }))).toBeUndefined();
    expect(cpuQuota(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '200000\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' }))).toBe(2);
    expect(cpuQuota(files({}))).toBeUndefined();
    expect(usableCores(8, undefined)).toBe(8);
    expect(usableCores(8, 1)).toBe(1);
    expect(usableCores(2, 4)).toBe(2);
    expect(resolveEmbedWorkers('auto', usableCores(8, 1))).toBe(0);
  });
});
