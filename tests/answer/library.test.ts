import { appendFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../src/answer/library.js';
import { CorpusError } from '../../src/core/errors.js';
import { seedLibrary, type SeedWorkspace } from '../support/seed-index.js';

let seed: SeedWorkspace & { library: Library };
beforeAll(async () => {
  seed = await seedLibrary();
});
afterAll(async () => {
  await seed?.cleanup();
});

describe('Library', () => {
  it('lists and shows articles with their metadata', () => {
    const articles = seed.library.articles();
    expect(articles.map((a) => a.id)).toEqual([
      '000_ba3a1d287da7a63e',
      '001_d0fa2f8654ce3dfa',
      '002_bb33988446a060da',
      '003_e2b99da125ba86af',
      '004_dc90a5985b6e19d6',
    ]);
    expect(articles.every((a) => a.chunks > 0)).toBe(true);
    const one = seed.library.article('004_dc90a5985b6e19d6')!;
    expect(one.title).toBe('Russian envoy says Trump-Putin meeting may be ground-breaking');
    expect(one.outlet).toBe('MENAFN');
    expect(one.text).toContain('Kirill Dmitriev');
    expect(seed.library.article('nope')).toBeUndefined();
  });

  it('rebuilds while answering, then answers from the new index', async () => {
    const before = await seed.library.ask('Who was Mike Pompeo?');
    await appendFile(
      path.join(seed.corpusDir, '004_dc90a5985b6e19d6.txt'),
      '\nThe summit venue was later announced as the Alaskan city of Anchorage, officials said.\n',
    );
    const rebuilding = seed.library.rebuild();
    const joined = seed.library.rebuild();
    expect(seed.library.isRebuilding).toBe(true);
    const during = await Promise.all(Array.from({ length: 10 }, () => seed.library.ask('Who was Mike Pompeo?')));
    const [summary, same] = await Promise.all([rebuilding, joined]);
    expect(same).toBe(summary);
    expect(summary.changed).toEqual(['004_dc90a5985b6e19d6']);
    for (const answer of during) expect(answer.answered).toBe(true);
    const after = await seed.library.ask('Which city was announced as the summit venue?');
    expect(after.index.generation).not.toBe(before.index.generation);
    expect(after.quotes[0]?.text).toContain('Anchorage');
    expect(seed.library.isRebuilding).toBe(false);
  });

  it('keeps the index it has when a rebuild fails, and reports why', async () => {
    const generation = (await seed.library.ask('Who was Mike Pompeo?')).index.generation;
    const moved = `${seed.corpusDir}-moved`;
    await rename(seed.corpusDir, moved);
    try {
      await expect(seed.library.rebuild()).rejects.toThrow(CorpusError);
    } finally {
      await rename(moved, seed.corpusDir);
    }
    const answer = await seed.library.ask('Who was Mike Pompeo?');
    expect(answer.answered).toBe(true);
    expect(answer.index.generation).toBe(generation);
    await writeFile(path.join(seed.corpusDir, 'notes.bin.txt'), Buffer.from([0, 1, 2, 0, 255]));
    const summary = await seed.library.rebuild();
    expect(summary.warnings.map((w) => w.path)).toContain('notes.bin.txt');
  });
});
