import { appendFile, mkdir, readFile, truncate, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CorpusError, IndexError } from '../../src/core/errors.js';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { buildIndex, type BuildProgress } from '../../src/index/build.js';
import { currentGeneration } from '../../src/index/layout.js';
import { FORMAT_VERSION, MANIFEST_FILE, writeManifest, type Manifest } from '../../src/index/manifest.js';
import { IndexSnapshot } from '../../src/index/snapshot.js';
import { VerbatimVectorStore } from '../../src/retrieval/langchain.js';
import { VOCABULARY_FILE } from '../../src/index/vocabulary.js';
import { loadEmbeddings, MODEL_OPTIONS, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';
import { LocalEmbeddings as Embeddings } from '../../src/embedding/embedder.js';

const LEVADA = '002_bb33988446a060da';
const DMITRIEV = '004_dc90a5985b6e19d6';

let embeddings: LocalEmbeddings;
let workspace: SeedWorkspace;

beforeAll(async () => {
  embeddings = await loadEmbeddings();
});

afterEach(async () => {
  await workspace?.cleanup();
});

async function build(extra: Partial<Parameters<typeof buildIndex>[0]> = {}) {
  return buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings, ...extra });
}

describe('building the index of the seed corpus', () => {
  it('builds, saves, loads and finds the Levada poll article first', async () => {
    workspace = await seedWorkspace();
    const events: BuildProgress['phase'][] = [];
    const summary = await build({ onProgress: (e) => events.push(e.phase) });
    expect(summary.added).toHaveLength(5);
    expect(summary.written).toBe(true);
    expect(summary.counts.articles).toBe(5);
    expect(summary.embedded.chunks).toBe(summary.counts.chunks);
    expect(events).toEqual(expect.arrayContaining(['scan', 'plan', 'embed', 'write']));

    const snapshot = await IndexSnapshot.open(workspace.indexDir);
    expect(snapshot.manifest.model).toMatchObject({ id: MODEL_OPTIONS.modelId, quantized: true, dimensions: 384 });
    expect(Object.keys(snapshot.manifest.articles)).toHaveLength(5);
    // Through the LangChain VectorStore interface (the adapter over the snapshot):
    const store = new VerbatimVectorStore(snapshot, embeddings);
    const [[best, score]] = (await store.similaritySearchWithScore('What share of Russians view the U.S. positively, according to the Levada Center?', 3)) as [
      [{ metadata: Record<string, unknown>; pageContent: string }, number],
    ];
    expect(best.metadata.articleId).toBe(LEVADA);
    expect(best.pageContent).toContain('Levada Center');
    expect(score).toBeGreaterThan(0.4);
    // The words of the indexed text, for spelling correction.
    expect(snapshot.manifest.files).toHaveProperty([VOCABULARY_FILE]);
    expect(snapshot.vocabulary.count('trump')).toBeGreaterThan(40);
    expect(snapshot.vocabulary.nearest('levda', 1)?.word).toBe('levada');
    // Every chunk is within the model's limit and its text is the article text at its offsets.
    for (const chunk of snapshot.allChunks()) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(256);
      expect(snapshot.article(chunk.articleId)!.text.slice(chunk.start, chunk.end)).toBe(chunk.text);
    }
  });

  it('is incremental: no change embeds nothing; an edit re-embeds only that article; a deletion removes it', async () => {
    workspace = await seedWorkspace();
    await build();

    const again = await build();
    expect(again.written).toBe(false);
    expect(again.embedded).toEqual({ chunks: 0, sentences: 0 });
    expect(again.unchanged).toHaveLength(5);

    const file = path.join(workspace.corpusDir, `${DMITRIEV}.txt`);
    await appendFile(file, '\nThe talks were later described as constructive by both delegations in Geneva.\n');
    const before = await IndexSnapshot.open(workspace.indexDir);
    const articleChunks = before.manifest.articles[DMITRIEV]!.chunks;
    const edited = await build();
    expect(edited.changed).toEqual([DMITRIEV]);
    expect(edited.unchanged).toHaveLength(4);
    expect(edited.embedded.chunks).toBeGreaterThan(0);
    expect(edited.embedded.chunks).toBeLessThanOrEqual(articleChunks + 1);
    expect(edited.embedded.sentences).toBe(1);
    const after = await IndexSnapshot.open(workspace.indexDir);
    expect([...after.allChunks()].some((c) => c.articleId === DMITRIEV && c.text.includes('delegations in Geneva'))).toBe(true);
    const [lexicalHit] = after.lexical.query('Geneva delegations', 1);
    expect(after.chunk(lexicalHit!.label).articleId).toBe(DMITRIEV);
    const hits = await new VerbatimVectorStore(after, embeddings).similaritySearch('delegations in Geneva described the talks as constructive', 5);
    expect(hits.map((h) => h.metadata.articleId)).toContain(DMITRIEV);

    await unlink(path.join(workspace.corpusDir, `${LEVADA}.txt`));
    const deleted = await build();
    expect(deleted.removed).toEqual([LEVADA]);
    expect(deleted.embedded).toEqual({ chunks: 0, sentences: 0 });
    const final = await IndexSnapshot.open(workspace.indexDir);
    expect(final.article(LEVADA)).toBeUndefined();
    expect([...final.allChunks()].some((c) => c.articleId === LEVADA)).toBe(false);
    expect(final.lexical.query('Levada Center survey', 5).every((hit) => final.chunk(hit.label).articleId !== LEVADA)).toBe(true);
  });

  it('rebuilds from scratch with --full, and when the model changes, saying why', async () => {
    workspace = await seedWorkspace();
    await build();
    const full = await build({ full: true });
    expect(full.fullReason).toMatch(/--full/);
    expect(full.embedded.chunks).toBe(full.counts.chunks);

    const fp32 = await Embeddings.load({ ...MODEL_OPTIONS, quantized: false });
    const other = await build({ embeddings: fp32 });
    expect(other.fullReason).toMatch(/int8 \(quantized\) model file, not fp32/);
    expect(other.embedded.chunks).toBe(other.counts.chunks);
    const snapshot = await IndexSnapshot.open(workspace.indexDir);
    expect(snapshot.manifest.model.quantized).toBe(false);
  });

  it('re-reads every article when the text pipeline changed, re-embedding only text it has not seen', async () => {
    workspace = await seedWorkspace();
    await build();
    const dir = (await currentGeneration(workspace.indexDir))!;
    const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    // Written with its checksum made again: an older pipeline's index, not a damaged one.
    await writeManifest(dir, { ...manifest, pipelineVersion: 0 });
    const summary = await build();
    expect(summary.changed).toHaveLength(5);
    expect(summary.written).toBe(true);
    expect(summary.embedded).toEqual({ chunks: 0, sentences: 0 });
  });

  it('keeps the previous index intact when a build is stopped midway, and the next run completes', async () => {
    workspace = await seedWorkspace();
    await build();
    const live = await currentGeneration(workspace.indexDir);
    await appendFile(path.join(workspace.corpusDir, `${DMITRIEV}.txt`), '\nA new closing paragraph about the envoy.\n');
    const controller = new AbortController();
    await expect(
      build({
        signal: controller.signal,
        onProgress: (e) => {
          if (e.phase === 'embed') controller.abort(new Error('killed mid-embedding'));
        },
      }),
    ).rejects.toThrow('killed mid-embedding');
    expect(await currentGeneration(workspace.indexDir)).toBe(live);
    await IndexSnapshot.open(workspace.indexDir);
    const next = await build();
    expect(next.changed).toEqual([DMITRIEV]);
    expect(await currentGeneration(workspace.indexDir)).not.toBe(live);
  });
});

describe('bad input', () => {
  it('fails clearly on a missing or empty corpus directory, losing nothing', async () => {
    workspace = await seedWorkspace();
    await expect(build({ corpusDir: path.join(workspace.root, 'nope') })).rejects.toThrow(CorpusError);
    const empty = path.join(workspace.root, 'empty');
    await mkdir(empty);
    await expect(build({ corpusDir: empty })).rejects.toThrow(CorpusError);
    expect(await currentGeneration(workspace.indexDir)).toBeUndefined();
  });

  it('skips an unreadable or binary file with a warning naming it and indexes the rest', async () => {
    workspace = await seedWorkspace();
    await writeFile(path.join(workspace.corpusDir, 'broken.txt'), Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x00, 0x42]));
    await writeFile(path.join(workspace.corpusDir, 'blank.txt'), '   \n\n  ');
    const summary = await build();
    expect(summary.counts.articles).toBe(5);
    expect(summary.warnings.map((w) => w.path)).toEqual(expect.arrayContaining(['broken.txt', 'blank.txt']));
  });

  it('reports a missing index with the command that builds it', async () => {
    workspace = await seedWorkspace();
    const error = await IndexSnapshot.open(workspace.indexDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as IndexError).describe()).toMatch(/No index has been built[\s\S]*npm run index/);
  });

  it('names the damaged file and the fix, and a build repairs it', async () => {
    workspace = await seedWorkspace();
    await build();
    const dir = (await currentGeneration(workspace.indexDir))!;
    await truncate(path.join(dir, 'hnsw.bin'), 100);
    const error = await IndexSnapshot.open(workspace.indexDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as IndexError).message).toContain('hnsw.bin');
    expect((error as IndexError).describe()).toContain('npm run index -- --full');
    const repaired = await build();
    expect(repaired.fullReason).toMatch(/damaged/);
    await IndexSnapshot.open(workspace.indexDir);
  });

  it('refuses an index of another format version, and rebuilds it', async () => {
    workspace = await seedWorkspace();
    await build();
    const dir = (await currentGeneration(workspace.indexDir))!;
    const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, formatVersion: 999 }));
    await expect(IndexSnapshot.open(workspace.indexDir)).rejects.toThrow(/format version 999/);
    const rebuilt = await build();
    expect(rebuilt.fullReason).toBeDefined();
    await IndexSnapshot.open(workspace.indexDir);
  });

  it('rebuilds an index of the format before the vocabulary, and names a missing vocabulary file', async () => {
    workspace = await seedWorkspace();
    await build();
    let dir = (await currentGeneration(workspace.indexDir))!;
    const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as { files: Record<string, number> };
    const { [VOCABULARY_FILE]: _vocabulary, ...files } = manifest.files;
    await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, files, formatVersion: 2 }));
    await unlink(path.join(dir, VOCABULARY_FILE));
    await expect(IndexSnapshot.open(workspace.indexDir)).rejects.toThrow(`format version 2; this version of Verbatim reads ${FORMAT_VERSION}`);
    const rebuilt = await build();
    expect(rebuilt.fullReason).toMatch(/could not be read \(.*format version 2/);
    expect(rebuilt.embedded.chunks).toBe(rebuilt.counts.chunks);
    expect((await IndexSnapshot.open(workspace.indexDir)).vocabulary.has('kremlin')).toBe(true);

    dir = (await currentGeneration(workspace.indexDir))!;
    await unlink(path.join(dir, VOCABULARY_FILE));
    const error = await IndexSnapshot.open(workspace.indexDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as IndexError).message).toBe(`The index file ${path.join(dir, VOCABULARY_FILE)} is missing.`);
    expect((error as IndexError).describe()).toContain('npm run index -- --full');
  });

  it('corrupted article catalog or chunk table → clear error naming it', async () => {
    workspace = await seedWorkspace();
    await build();
    const dir = (await currentGeneration(workspace.indexDir))!;
    const file = path.join(dir, 'catalog.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, text.length - 10) + 'garbage!!!');
    await expect(IndexSnapshot.open(workspace.indexDir)).rejects.toThrow(/catalog\.json is damaged/);
    await writeFile(file, text);
    const chunks = path.join(dir, 'chunks.bin');
    const table = await readFile(chunks);
    table.fill(0xff, 8, 12);
    await writeFile(chunks, table);
    await expect(IndexSnapshot.open(workspace.indexDir)).rejects.toThrow(/chunks\.bin is damaged/);
  });
});
