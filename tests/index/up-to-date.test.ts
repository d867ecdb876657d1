/** An unchanged corpus is told without the model (checkUpToDate), and never when the index is damaged or stale. */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { buildIndex, checkUpToDate } from '../../src/index/build.js';
import { TEXTS_FILE } from '../../src/index/generation/schema.js';
import { loadEmbeddings, MODEL_OPTIONS, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

let workspace: SeedWorkspace;
let embeddings: LocalEmbeddings;
beforeAll(async () => {
  workspace = await seedWorkspace();
  embeddings = await loadEmbeddings();
});
afterAll(async () => {
  await workspace?.cleanup();
});

describe('checkUpToDate', () => {
  it('says up to date without the model only when a build would change nothing', async () => {
    const options = { corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, model: MODEL_OPTIONS };
    expect(await checkUpToDate(options)).toEqual({}); // no index yet
    const built = await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings });

    const unchanged = await checkUpToDate(options);
    expect(unchanged.summary).toMatchObject({ written: false, generationDir: built.generationDir, counts: built.counts, added: [], changed: [] });
    expect(unchanged.summary!.unchanged).toHaveLength(5);
    expect(await checkUpToDate({ ...options, full: true })).toEqual({});
    expect(await checkUpToDate({ ...options, model: { ...MODEL_OPTIONS, quantized: false } })).toEqual({});

    // An edited article: not up to date, and the corpus read is handed to the build, which uses it.
    const file = path.join(workspace.corpusDir, '001_d0fa2f8654ce3dfa.txt');
    await appendFile(file, '\nA closing line added so that the article changes.\n');
    const edited = await checkUpToDate(options);
    expect(edited.summary).toBeUndefined();
    expect(edited.corpus!.articles).toHaveLength(5);
    const rebuilt = await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings, corpus: edited.corpus! });
    expect(rebuilt.changed).toEqual(['001_d0fa2f8654ce3dfa']);

    // Damage the checksum sees: never "up to date"; the build finds it and repairs it.
    const articles = path.join(rebuilt.generationDir, TEXTS_FILE);
    const text = await readFile(articles, 'utf8');
    await writeFile(articles, text.replace('Kremlin', 'Kremlim'));
    const damaged = await checkUpToDate(options);
    expect(damaged.summary).toBeUndefined();
    const repaired = await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings, corpus: damaged.corpus! });
    expect(repaired.fullReason).toMatch(/damaged/);
    expect((await checkUpToDate(options)).summary?.written).toBe(false);
  });
});
