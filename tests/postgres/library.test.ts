/**
 * Two bot processes' Libraries on one PostgreSQL index: a /reindex in one (Library.rebuild: the
 * build, published into PostgreSQL) is picked up by the other without a restart, and both then
 * answer from the new generation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { Library } from '../../src/answer/library.js';
import { publishGeneration } from '../../src/index/postgres/publish.js';
import { postgresWorkspace, type PostgresWorkspace } from '../support/postgres-index.js';
import { MODEL_OPTIONS } from '../support/seed-index.js';

let ws: PostgresWorkspace;
let otherIndexDir: string;

beforeAll(async () => {
  ws = await postgresWorkspace('library');
  await publishGeneration(ws.pool, ws.names, (await ws.build()).generationDir);
  otherIndexDir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-other-'));
});

afterAll(async () => {
  await ws?.close();
  if (otherIndexDir) await rm(otherIndexDir, { recursive: true, force: true });
});

it('a rebuild in one Library is published and the other switches to it by itself', async () => {
  const databaseUrl = `${ws.url}&schema=${ws.names.schema}`;
  const config = (indexDir: string) => ({ ...MODEL_OPTIONS, corpusDir: ws.corpusDir, indexDir, indexStore: 'postgres' as const, databaseUrl });
  const [builder, reader] = await Promise.all([Library.open({ config: config(ws.indexDir) }), Library.open({ config: config(otherIndexDir) })]);
  try {
    const before = builder.store.generation.id;
    expect(reader.store.generation.id).toBe(before);
    expect(reader.store.kind).toBe('postgres');
    const question = 'Which harbour did the port authority of Klaipeda reopen?';
    expect((await reader.ask(question)).quotes.some((quote) => quote.text.includes('Klaipeda'))).toBe(false);

    await ws.editArticle(4, 'The port authority of Klaipeda reopened the northern harbour on Tuesday.');
    const summary = await builder.rebuild();
    expect(summary.changed).toHaveLength(1);
    const after = builder.store.generation.id;
    expect(after).not.toBe(before);
    // Told by NOTIFY on PostgreSQL; on PGlite by the watcher's poll (every 5 s).
    await vi.waitFor(() => expect(reader.store.generation.id).toBe(after), { timeout: 30_000, interval: 200 });
    const answer = await reader.ask(question);
    expect(answer.answered).toBe(true);
    expect(answer.quotes[0]!.text).toContain('Klaipeda');
    expect(answer.index?.generation ?? after).toBe(after);
  } finally {
    await Promise.all([builder.close(), reader.close()]);
  }
});
