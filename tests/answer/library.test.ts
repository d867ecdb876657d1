import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/answer/library.js';
import { CorpusError, IndexError } from '../../src/core/errors.js';
import { buildIndex } from '../../src/index/build.js';
import { SENTENCE_VECTORS_FILE } from '../../src/index/snapshot.js';
import { MODEL_OPTIONS, seedLibrary, type SeedWorkspace } from '../support/seed-index.js';

let seed: SeedWorkspace & { library: Library };
beforeAll(async () => {
  seed = await seedLibrary();
});
afterAll(async () => {
  await seed?.cleanup();
});

describe('Library', () => {
  it('lists and shows articles with their metadata', async () => {
    const articles = seed.library.articles();
    expect(articles.map((a) => a.id)).toEqual([
      '000_ba3a1d287da7a63e',
      '001_d0fa2f8654ce3dfa',
      '002_bb33988446a060da',
      '003_e2b99da125ba86af',
      '004_dc90a5985b6e19d6',
    ]);
    expect(articles.every((a) => a.chunks > 0)).toBe(true);
    const one = (await seed.library.article('004_dc90a5985b6e19d6'))!;
    expect(one.title).toBe('Russian envoy says Trump-Putin meeting may be ground-breaking');
    expect(one.outlet).toBe('MENAFN');
    expect(one.text).toContain('Kirill Dmitriev');
    expect(await seed.library.article('nope')).toBeUndefined();
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

  it('verifies a new generation before answering from it: a damaged one is refused and the old one keeps answering', async () => {
    const embeddings = seed.library.embeddings;
    const serving = (await seed.library.ask('Who was Mike Pompeo?')).index.generation;
    expect(await seed.library.reload()).toBe(false); // already the live generation
    // A build beside the bot (npm run index), whose new generation is then damaged on disk.
    await appendFile(path.join(seed.corpusDir, '003_e2b99da125ba86af.txt'), '\nA closing line added so that the index changes.\n');
    const built = await buildIndex({ corpusDir: seed.corpusDir, indexDir: seed.indexDir, embeddings });
    const vectors = path.join(built.generationDir, SENTENCE_VECTORS_FILE);
    const bytes = await readFile(vectors);
    bytes.fill(0, bytes.length >> 1, (bytes.length >> 1) + 16);
    await writeFile(vectors, bytes);

    const error = await seed.library.reload().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as IndexError).message).toContain(vectors);
    expect((error as IndexError).message).toContain(`Still answering from the previous index (${serving})`);
    expect((error as IndexError).describe()).toContain('npm run index -- --full');
    const answer = await seed.library.ask('Who was Mike Pompeo?');
    expect(answer.answered).toBe(true);
    expect(answer.index.generation).toBe(serving);

    // A bot starting now: the live index is damaged, so it fails to open, or (when the caller
    // accepts it) answers from the previous generation, which verifies, and says so.
    const config = { ...MODEL_OPTIONS, corpusDir: seed.corpusDir, indexDir: seed.indexDir };
    await expect(Library.open({ config })).rejects.toThrow(/sentence-vectors\.f32/);
    const fallbacks: string[] = [];
    const restarted = await Library.open({ config, onFallback: (e, previousDir) => fallbacks.push(`${path.basename(previousDir)}: ${e.message}`) });
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toMatch(new RegExp(`^${serving}: .*sentence-vectors\\.f32`));
    expect((await restarted.ask('Who was Mike Pompeo?')).index.generation).toBe(serving);

    // The bot's own rebuild (incremental) finds the damage, rebuilds from scratch and swaps in a good index.
    const rebuilt = await seed.library.rebuild();
    expect(rebuilt.fullReason).toMatch(/damaged.*sentence-vectors\.f32/);
    expect(rebuilt.embedded.sentences).toBe(rebuilt.counts.sentences);
    const after = await seed.library.ask('Who was Mike Pompeo?');
    expect(after.index.generation).toBe(path.basename(rebuilt.generationDir));
    expect(after.answered).toBe(true);
  });
});
