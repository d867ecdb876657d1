/**
 * The poll behind LISTEN/NOTIFY (INDEX_POLL_SECONDS): a bot whose notification connection is down (or that
 * never gets notifications: a read replica, PGlite) still learns of a new live generation, by asking for it
 * every INDEX_POLL_SECONDS; 0 turns the poll off. And with the poll off, a watcher whose LISTEN connection could
 * not be made, or dropped, connects again and looks once, so what went live meanwhile is not missed. The live
 * generation is a function of the test's; the LISTEN connection is refused, or relayed to the test run's PGlite.
 */
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadBaseConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { openIndexStore } from '../../src/index/open-store.js';
import { Names } from '../../src/index/postgres/database.js';
import { watchGeneration } from '../../src/index/postgres/notify.js';
import { pgliteUrl } from '../support/pglite-url.js';

const opened = vi.hoisted(() => [] as unknown[]);
vi.mock('../../src/index/postgres/postgres-store.js', () => ({
  PostgresStore: {
    open: (options: unknown) => {
      opened.push(options);
      return Promise.resolve({ kind: 'postgres' });
    },
  },
}));

/** Nothing listens on port 1: the watcher's LISTEN connection is refused, as when the database connection is down. */
const UNREACHABLE = 'postgresql://verbatim@127.0.0.1:1/verbatim';

afterEach(() => {
  vi.useRealTimers();
});

describe('INDEX_POLL_SECONDS', () => {
  it('is 5 s by default, 0 turns it off, and a negative or non-numeric value is refused naming it', () => {
    expect(loadBaseConfig({}).indexPollSeconds).toBe(5);
    expect(loadBaseConfig({ INDEX_POLL_SECONDS: '0' }).indexPollSeconds).toBe(0);
    expect(loadBaseConfig({ INDEX_POLL_SECONDS: '0.5' }).indexPollSeconds).toBe(0.5);
    for (const value of ['-1', 'often']) {
      expect(() => loadBaseConfig({ INDEX_POLL_SECONDS: value })).toThrow(ConfigError);
      expect(() => loadBaseConfig({ INDEX_POLL_SECONDS: value })).toThrow(/INDEX_POLL_SECONDS must be/);
    }
  });

  it('reaches the PostgreSQL store opened from the configuration, in ms', async () => {
    const config = { indexDir: '/nowhere', indexStore: 'postgres' as const, databaseUrl: UNREACHABLE };
    await openIndexStore({ ...config, indexPollSeconds: 0.25 });
    await openIndexStore({ ...config, indexPollSeconds: 0 });
    await openIndexStore(config);
    expect(opened).toEqual([
      { url: UNREACHABLE, pollMs: 250 },
      { url: UNREACHABLE, pollMs: 0 },
      { url: UNREACHABLE },
    ]);
  });
});

describe('a watcher whose notification connection is down', () => {
  it('still catches up with a new live generation, by its poll', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let live = 'gen-1';
    const asked = vi.fn(() => Promise.resolve(live));
    const seen: string[] = [];
    const stop = watchGeneration({ url: UNREACHABLE, names: new Names('verbatim'), live: asked, current: 'gen-1', onChange: (id) => seen.push(id), pollMs: 1_000 });
    try {
      await vi.advanceTimersByTimeAsync(1_000);
      expect(asked).toHaveBeenCalledTimes(1);
      expect(seen).toEqual([]);
      live = 'gen-2';
      await vi.advanceTimersByTimeAsync(1_000);
      expect(seen).toEqual(['gen-2']);
      await vi.advanceTimersByTimeAsync(3_000);
      expect(seen).toEqual(['gen-2']);
    } finally {
      stop();
    }
  });

  it('with the poll off (0), never asks', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const asked = vi.fn(() => Promise.resolve('gen-2'));
    const seen: string[] = [];
    const stop = watchGeneration({ url: UNREACHABLE, names: new Names('verbatim'), live: asked, current: 'gen-1', onChange: (id) => seen.push(id), pollMs: 0 });
    try {
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(asked).not.toHaveBeenCalled();
      expect(seen).toEqual([]);
    } finally {
      stop();
    }
  });
});

/**
 * A TCP relay to the test run's PostgreSQL server that refuses connections (accepts and closes them) until
 * `forward` is set, and can drop every connection it relays: the database going away and coming back.
 */
async function relay(target: string): Promise<{ url: string; attempts: () => number; forward: boolean; dropAll: () => void; close: () => Promise<void> }> {
  const upstream = new URL(target);
  const sockets = new Set<net.Socket>();
  let attempts = 0;
  const state = {
    forward: false,
    attempts: () => attempts,
    url: '',
    dropAll: () => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = net.createServer((socket) => {
    attempts++;
    socket.on('error', () => undefined);
    if (!state.forward) {
      socket.destroy();
      return;
    }
    const remote = net.connect(Number(upstream.port), upstream.hostname);
    remote.on('error', () => socket.destroy());
    socket.on('close', () => remote.destroy());
    remote.on('close', () => socket.destroy());
    sockets.add(socket).add(remote);
    socket.pipe(remote).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relayed = new URL(target);
  relayed.port = String((server.address() as net.AddressInfo).port);
  state.url = relayed.toString();
  return state;
}

describe('a watcher whose notification connection comes and goes (poll off)', () => {
  it('connects again when the database comes back or drops the connection, and catches up with what went live meanwhile', async () => {
    const database = await relay(await pgliteUrl());
    let live = 'gen-1';
    const seen: string[] = [];
    const stop = watchGeneration({
      url: database.url,
      names: new Names('verbatim'),
      live: () => Promise.resolve(live),
      current: 'gen-1',
      onChange: (id) => seen.push(id),
      pollMs: 0,
      reconnectMs: 100,
    });
    try {
      // The database cannot be reached at first; a generation goes live meanwhile.
      await vi.waitFor(() => expect(database.attempts()).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
      live = 'gen-2';
      database.forward = true;
      await vi.waitFor(() => expect(seen).toEqual(['gen-2']), { timeout: 20_000, interval: 50 });
      // The connection drops, and another generation goes live before it is back.
      live = 'gen-3';
      database.dropAll();
      await vi.waitFor(() => expect(seen).toEqual(['gen-2', 'gen-3']), { timeout: 20_000, interval: 50 });
    } finally {
      stop();
      database.dropAll();
      await database.close();
    }
  });
});
