/**
 * publishIfMissing, what a bot runs when it starts on a PostgreSQL database with no index: of several
 * starting at once, only the one that takes the publish lock builds and publishes; the others wait and
 * open its generation; a builder that fails lets the next one build; a database that has an index builds
 * nothing. The builds here hand over the seed index built once (real model, support/postgres-index.ts),
 * held at a gate so the test decides when the build ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Names } from '../../src/index/postgres/database.js';
import { publishIfMissingOn, type PublishIfMissingOptions } from '../../src/index/postgres/publish-if-missing.js';
import type { LockHolder } from '../../src/index/postgres/lock.js';
import { freshSchema } from '../support/pglite-url.js';
import { postgresWorkspace, type PostgresWorkspace } from '../support/postgres-index.js';

let ws: PostgresWorkspace;
let generationDir: string;

beforeAll(async () => {
  ws = await postgresWorkspace('publish_if_missing');
  ({ generationDir } = await ws.build());
});

afterAll(async () => {
  await ws?.close();
});

/** A promise the test resolves when it lets a build end. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Resolves once `check` holds, looking every 20 ms (bounded: the test's own timeout). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function liveOf(names: Names): Promise<string | undefined> {
  const { rows } = await ws.pool.query<{ generation_id: string }>(`SELECT generation_id FROM ${names.t('live')}`);
  return rows[0]?.generation_id;
}

describe('two processes starting on an empty database', () => {
  it('only the one that takes the lock builds and publishes; the other waits, told who builds, and gets the same generation', async () => {
    const held = gate();
    let builds = 0;
    const waits: (LockHolder | undefined)[] = [];
    const options: PublishIfMissingOptions = {
      build: async () => {
        builds++;
        await held.opened;
        return generationDir;
      },
      onWait: (holder) => waits.push(holder),
      waitMs: 50,
    };
    const first = publishIfMissingOn(ws.pool, ws.names, options);
    await until(() => builds === 1);
    const second = publishIfMissingOn(ws.pool, ws.names, options);
    await until(() => waits.length === 1);
    expect(waits[0]?.pid).toBe(process.pid);
    held.open();
    const [a, b] = await Promise.all([first, second]);
    expect(builds).toBe(1);
    expect(a).toEqual({ built: true, generation: expect.stringMatching(/^gen-/) as string });
    expect(b).toEqual({ built: false, generation: a.generation });
    expect(waits).toHaveLength(1);
    expect(await liveOf(ws.names)).toBe(a.generation);
    const { rows } = await ws.pool.query(`SELECT 1 FROM ${ws.names.t('publish_lock')}`);
    expect(rows).toHaveLength(0);
  });

  it('builds nothing when an index is live', async () => {
    const result = await publishIfMissingOn(ws.pool, ws.names, {
      build: () => Promise.reject(new Error('must not build')),
      onWait: () => {
        throw new Error('must not wait');
      },
    });
    expect(result).toEqual({ built: false, generation: await liveOf(ws.names) });
  });

  it('when the builder fails, the lock is released and the waiting one builds instead', async () => {
    const names = new Names((await freshSchema('publish_if_missing_failed')).schema);
    const held = gate();
    let started = false;
    let waited = false;
    const failing = publishIfMissingOn(ws.pool, names, {
      build: async () => {
        started = true;
        await held.opened;
        throw new Error('the corpus could not be read');
      },
      waitMs: 50,
    });
    // Only once the failing build holds the lock does the second one start (it then waits).
    await until(() => started);
    const next = publishIfMissingOn(ws.pool, names, { build: () => Promise.resolve(generationDir), onWait: () => (waited = true), waitMs: 50 });
    await until(() => waited);
    held.open();
    await expect(failing).rejects.toThrow('the corpus could not be read');
    const published = await next;
    expect(published).toEqual({ built: true, generation: expect.stringMatching(/^gen-/) as string });
    expect(await liveOf(names)).toBe(published.generation);
  });
});
