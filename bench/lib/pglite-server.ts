/**
 * A PostgreSQL server for the tests and benchmarks: PGlite (PostgreSQL compiled to WebAssembly) with
 * the pgvector extension, served over the PostgreSQL wire protocol by pglite-socket on 127.0.0.1 at a
 * port the system picks, so the tests use the same `pg` client code as production.
 *
 * Run as a process of its own (`tsx bench/lib/pglite-server.ts STATE_DIR`): it writes
 * STATE_DIR/url once it listens and STATE_DIR/pid, and stops on SIGTERM, when STATE_DIR/stop appears,
 * or when the process named by PGLITE_WATCH_PID (the test run) is gone. Starting takes 13–18 s on a
 * 2-core machine, so one server serves a whole test run (see pglite-url.ts).
 *
 * What pglite-socket gives: PGlite is one PostgreSQL session. The socket server accepts up to
 * `maxConnections` clients and multiplexes their messages onto that one session through a queue;
 * while a client is inside an explicit transaction (BEGIN … COMMIT) only that client's messages are
 * run. Consequences (see the notes in src/index/postgres/): session state (SET, LISTEN, advisory
 * locks, prepared statement names) is shared by every client, and a notification goes out with the
 * output of the statement that sent it, to the client that ran it, not to the one that listens.
 * (In bench/lib, not tests/support: the benchmarks use it too, and the image compiles bench/ without tests/.)
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** How many clients may be connected at once (pools of a few test files and their LISTEN clients). */
export const PGLITE_MAX_CONNECTIONS = 64;

export interface RunningPglite {
  url: string;
  stop(): Promise<void>;
}

/** Starts PGlite with pgvector and serves it on 127.0.0.1 (port 0: the system picks one). */
export async function startPglite(): Promise<RunningPglite> {
  const db = await PGlite.create({ extensions: { vector } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: PGLITE_MAX_CONNECTIONS });
  await server.start();
  const conn = server.getServerConn();
  return {
    url: `postgresql://postgres:postgres@${conn}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

async function main(stateDir: string): Promise<void> {
  const running = await startPglite();
  await writeFile(path.join(stateDir, 'pid'), String(process.pid));
  await writeFile(path.join(stateDir, 'url.tmp'), running.url);
  const { rename } = await import('node:fs/promises');
  await rename(path.join(stateDir, 'url.tmp'), path.join(stateDir, 'url'));
  const watched = Number(process.env.PGLITE_WATCH_PID);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    await running.stop().catch(() => undefined);
    process.exit(0);
  };
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const timer = setInterval(() => {
    if (existsSync(path.join(stateDir, 'stop')) || (Number.isInteger(watched) && watched > 0 && !alive(watched))) void stop();
  }, 500);
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const stateDir = process.argv[2];
  if (stateDir === undefined) {
    process.stderr.write('usage: tsx bench/lib/pglite-server.ts STATE_DIR\n');
    process.exit(2);
  }
  main(stateDir).catch((error: unknown) => {
    process.stderr.write(`pglite-server: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
