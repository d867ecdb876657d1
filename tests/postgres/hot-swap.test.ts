/**
 * Many readers of one PostgreSQL index: stores opened on the live generation are told when a new
 * one goes live (LISTEN/NOTIFY, and the poll that backs it up: on PGlite every connection is one
 * session, so there the poll is what tells them) and open it without a restart. Needs the model
 * (loadEmbeddings, through support/postgres-index.ts).
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { PostgresStore } from '../../src/index/postgres/postgres-store.js';
import { publishGeneration } from '../../src/index/postgres/publish.js';
import { postgresWorkspace, type PostgresWorkspace } from '../support/postgres-index.js';

let ws: PostgresWorkspace;

beforeAll(async () => {
  ws = await postgresWorkspace('hot_swap');
  await publishGeneration(ws.pool, ws.names, (await ws.build()).generationDir);
});

afterAll(async () => {
  await ws?.close();
});

it('tells every watching reader of a new live generation, which they then answer from', async () => {
  const readers = await Promise.all([0, 1].map(() => PostgresStore.open({ url: ws.url, schema: ws.names.schema, pollMs: 200 })));
  const seen: string[][] = [[], []];
  const stops = readers.map((reader, i) => reader.watch((id) => seen[i]!.push(id)));
  try {
    const first = readers[0]!.generation.id;
    expect(readers[1]!.generation.id).toBe(first);
    await ws.editArticle(0, 'The harbour authority in Gdansk confirmed the new schedule on Monday.');
    const published = await publishGeneration(ws.pool, ws.names, (await ws.build()).generationDir);
    expect(published.generation).not.toBe(first);
    await vi.waitFor(() => expect(seen).toEqual([[published.generation], [published.generation]]), { timeout: 15_000, interval: 100 });

    // Each reader opens the generation it was told of and finds the new sentence; the old store still answers meanwhile.
    for (const reader of readers) {
      const next = await PostgresStore.open({ url: ws.url, schema: ws.names.schema, generation: seen[0]![0]! });
      try {
        const result = await next.search({ text: 'Gdansk harbour authority schedule', depth: 3 });
        const top = result.passages.get(result.lexical[0]!.label)!;
        expect(top.chunk.text).toContain('Gdansk');
        const old = await reader.search({ text: 'Gdansk harbour authority schedule', depth: 3 });
        expect([...old.passages.values()].some((passage) => passage.chunk.text.includes('Gdansk'))).toBe(false);
      } finally {
        await next.close();
      }
    }
  } finally {
    stops.forEach((stop) => stop());
    await Promise.all(readers.map((reader) => reader.close()));
  }
});
