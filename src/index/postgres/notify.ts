/**
 * How readers learn that a new generation went live: the publishing transaction runs
 * `pg_notify(verbatim_generation, '{"schema":…,"generation":…}')`, and a watcher LISTENs on a
 * connection of its own; it also asks for the live generation every `pollMs` (default 5 s), so a
 * notification lost while its connection was down (or never delivered, as on PGlite, where every
 * connection is one session and a notification reaches the connection that ran the NOTIFY) is
 * caught up with; `pollMs` 0 turns the poll off (then only notifications, and the look taken each time the
 * LISTEN connection is made, tell). `onChange` is called once per generation that goes live, in order seen.
 */
import pg from 'pg';
import type { Names } from './database.js';

export const GENERATION_CHANNEL = 'verbatim_generation';
export const DEFAULT_POLL_MS = 5_000;
/** How long after losing its LISTEN connection the watcher connects again. */
export const RECONNECT_MS = 5_000;

/** The payload of a generation notification. */
export function notificationPayload(names: Names, generationId: string): string {
  return JSON.stringify({ schema: names.schema, generation: generationId });
}

export interface WatchOptions {
  url: string;
  names: Names;
  /** The live generation now (the poll's question). */
  live: () => Promise<string | undefined>;
  /** The generation the watcher starts from (not reported). */
  current: string;
  onChange: (generationId: string) => void;
  /** How often to ask for the live generation (ms; default DEFAULT_POLL_MS; 0 = never). */
  pollMs?: number;
  /** How long after losing (or failing to make) the LISTEN connection to try again (ms; default the poll interval, at most RECONNECT_MS). */
  reconnectMs?: number;
}

/** Watches for new live generations; returns the function that stops watching. */
export function watchGeneration(options: WatchOptions): () => void {
  const { names, onChange } = options;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  let last = options.current;
  let stopped = false;
  let client: pg.Client | undefined;
  const seen = (id: string | undefined): void => {
    if (stopped || id === undefined || id === last) return;
    last = id;
    onChange(id);
  };
  const poll = (): void => {
    options.live().then(seen, () => undefined);
  };
  const reconnectMs = options.reconnectMs ?? (pollMs > 0 ? Math.min(pollMs, RECONNECT_MS) : RECONNECT_MS);
  const listen = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.url });
    // Connect again once this connection is lost, or could not be made (once per connection).
    let retried = false;
    const retry = (): void => {
      if (retried || stopped) return;
      retried = true;
      setTimeout(() => void listen(), reconnectMs).unref();
    };
    next.on('notification', (message) => {
      if (message.channel !== GENERATION_CHANNEL || message.payload === undefined) return;
      try {
        const payload = JSON.parse(message.payload) as { schema?: unknown; generation?: unknown };
        if (payload.schema === names.schema && typeof payload.generation === 'string') seen(payload.generation);
      } catch {
        // Not ours.
      }
    });
    next.on('error', () => undefined);
    next.on('end', retry);
    try {
      await next.connect();
      if (stopped) {
        await next.end();
        return;
      }
      client = next;
      await next.query(`LISTEN ${GENERATION_CHANNEL}`);
    } catch {
      await next.end().catch(() => undefined);
      retry();
      return;
    }
    // A generation that went live while this connection was not listening.
    poll();
  };
  void listen();
  const timer = pollMs > 0 ? setInterval(poll, pollMs) : undefined;
  timer?.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    client?.end().catch(() => undefined);
  };
}
