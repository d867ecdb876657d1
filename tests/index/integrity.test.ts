/**
 * Damage that keeps a file's size (issue #12, item 4): flipped bytes mid-file in each index file,
 * a zeroed vector file, a flipped byte in the manifest's article list. Opening reports an IndexError
 * naming the file and the fix; an incremental build (no --full) does not call the index up to date,
 * reuses nothing of it, and writes a good generation. And what the checksums cannot see: a quote
 * that is not its article's text is never served, and damaged vectors never give a confidence
 * outside [0, 1].
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnswerEngine } from '../../src/answer/engine.js';
import type { Answer } from '../../src/answer/types.js';
import { IndexError } from '../../src/core/errors.js';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { buildIndex } from '../../src/index/build.js';
import { digestFile } from '../../src/index/checksum.js';
import {
  ARTICLES_FILE,
  BLOCKS_FILE,
  CATALOG_FILE,
  CHUNK_VECTORS_FILE,
  CHUNKS_FILE,
  DATA_FILES,
  HNSW_FILE,
  SENTENCE_VECTORS_FILE,
  SENTENCES_FILE,
  TEXTS_FILE,
} from '../../src/index/generation/schema.js';
import { currentGeneration } from '../../src/index/layout.js';
import { LEXICAL_FILE, LEXICAL_POSTINGS_FILE } from '../../src/index/lexical-index.js';
import { FORMAT_VERSION, MANIFEST_FILE, writeManifest, type Manifest } from '../../src/index/manifest.js';
import { IndexSnapshot } from '../../src/index/snapshot.js';
import { VOCABULARY_FILE } from '../../src/index/vocabulary.js';
import { loadEmbeddings, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';
import { FileIndexStore } from '../../src/index/file-store.js';

const QUESTION = 'What share of Russians view the U.S. positively, according to the Levada Center?';

let embeddings: LocalEmbeddings;
let template: SeedWorkspace;
let reference: Answer;
let workspace: { root: string; corpusDir: string; indexDir: string } | undefined;

beforeAll(async () => {
  embeddings = await loadEmbeddings();
  template = await seedWorkspace();
  await buildIndex({ corpusDir: template.corpusDir, indexDir: template.indexDir, embeddings });
  const snapshot = await IndexSnapshot.open(template.indexDir);
  reference = await new AnswerEngine(new FileIndexStore(snapshot), embeddings).ask(QUESTION);
  snapshot.close();
});
afterAll(async () => {
  await template?.cleanup();
});
afterEach(async () => {
  if (workspace) await rm(workspace.root, { recursive: true, force: true });
  workspace = undefined;
});

/** A fresh copy of the built seed workspace (corpus and index); returns its live generation's directory. */
async function copyWorkspace(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'verbatim-integrity-'));
  await cp(template.root, root, { recursive: true });
  workspace = { root, corpusDir: path.join(root, 'corpus'), indexDir: path.join(root, 'index') };
  return (await currentGeneration(workspace.indexDir))!;
}

/** Sixteen bytes in the middle of a binary file, inverted. */
async function flipBytes(file: string): Promise<void> {
  const bytes = await readFile(file);
  const mid = Math.floor(bytes.length / 2);
  for (let i = mid; i < mid + 16; i++) bytes[i] = bytes[i]! ^ 0xff;
  await writeFile(file, bytes);
}

/**
 * Sixteen letters from the middle of a text file on, each turned into the next letter of the alphabet:
 * the file stays valid JSON of the same size (valid-looking damage).
 */
async function flipLetters(file: string, from?: number): Promise<void> {
  const bytes = await readFile(file);
  let changed = 0;
  for (let i = from ?? Math.floor(bytes.length / 2); i < bytes.length && changed < 16; i++) {
    const c = bytes[i]!;
    if (c >= 0x61 && c <= 0x79) {
      bytes[i] = c + 1;
      changed++;
    }
  }
  expect(changed).toBe(16);
  await writeFile(file, bytes);
}

/** Sixteen digits from `from` on, each changed (9 to 8, others up by one): still valid JSON, same size. */
async function flipDigits(file: string, from: number): Promise<void> {
  const bytes = await readFile(file);
  let changed = 0;
  for (let i = from; i < bytes.length && changed < 16; i++) {
    const c = bytes[i]!;
    if (c >= 0x30 && c <= 0x39) {
      bytes[i] = c === 0x39 ? 0x38 : c + 1;
      changed++;
    }
  }
  expect(changed).toBe(16);
  await writeFile(file, bytes);
}

async function zero(file: string): Promise<void> {
  const bytes = await readFile(file);
  await writeFile(file, Buffer.alloc(bytes.length));
}

/** Writes the manifest again with the files' current checksums: damage the checksums cannot see. */
async function reseal(dir: string): Promise<void> {
  const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  for (const name of DATA_FILES) manifest.files[name] = await digestFile(path.join(dir, name));
  await writeManifest(dir, manifest);
}

const damages: [string, string, (file: string) => Promise<void>][] = [
  ['16 flipped bytes mid-file', SENTENCE_VECTORS_FILE, flipBytes],
  ['all zeros', SENTENCE_VECTORS_FILE, zero],
  ['16 flipped bytes mid-file', CHUNK_VECTORS_FILE, flipBytes],
  ['16 changed letters mid-file (still valid text)', TEXTS_FILE, (file) => flipLetters(file)],
  ['16 changed letters mid-file (still valid JSON)', CATALOG_FILE, (file) => flipLetters(file)],
  ['16 flipped bytes mid-file', ARTICLES_FILE, flipBytes],
  ['16 flipped bytes mid-file', BLOCKS_FILE, flipBytes],
  ['16 flipped bytes mid-file', SENTENCES_FILE, flipBytes],
  ['16 flipped bytes mid-file', CHUNKS_FILE, flipBytes],
  ['16 flipped bytes mid-file', HNSW_FILE, flipBytes],
  ['16 flipped bytes mid-file', LEXICAL_POSTINGS_FILE, flipBytes],
  ['16 changed letters mid-file (still valid JSON)', LEXICAL_FILE, (file) => flipLetters(file)],
  ['16 changed letters mid-file (still valid JSON)', VOCABULARY_FILE, (file) => flipLetters(file)],
  [
    '16 changed digits in the counts (still valid JSON, still sorted)',
    VOCABULARY_FILE,
    async (file) => {
      const text = await readFile(file, 'utf8');
      const counts = text.indexOf('"counts"');
      await flipDigits(file, counts + Math.floor((text.length - counts) / 2));
    },
  ],
  [
    'a title in its article list changed (still valid JSON)',
    MANIFEST_FILE,
    async (file) => flipLetters(file, (await readFile(file, 'utf8')).indexOf('"title": "') + 10),
  ],
];

describe('damage that keeps a file the same size', () => {
  it.each(damages)('%s in %s: opening names the file and the fix; a build without --full rebuilds it', async (_, name, damage) => {
    const dir = await copyWorkspace();
    const file = path.join(dir, name);
    const size = (await readFile(file)).length;
    await damage(file);
    expect((await readFile(file)).length).toBe(size);

    const error = await IndexSnapshot.open(workspace!.indexDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as IndexError).message).toContain(file);
    expect((error as IndexError).message).toMatch(/damaged/);
    expect((error as IndexError).describe()).toContain('npm run index -- --full');

    // `npm run index` (no --full): not "up to date", nothing of the damaged generation reused.
    const summary = await buildIndex({ corpusDir: workspace!.corpusDir, indexDir: workspace!.indexDir, embeddings });
    expect(summary.written).toBe(true);
    expect(summary.fullReason).toMatch(/damaged/);
    expect(summary.fullReason).toContain(name);
    expect(summary.embedded).toEqual({ chunks: summary.counts.chunks, sentences: summary.counts.sentences });
    expect(summary.generationDir).not.toBe(dir);

    // The new generation is good: it opens, and answers as the undamaged index did.
    const snapshot = await IndexSnapshot.open(workspace!.indexDir);
    const answer = await new AnswerEngine(new FileIndexStore(snapshot), embeddings).ask(QUESTION);
    expect(answer.answered).toBe(true);
    expect(answer.quotes.map((q) => q.text)).toEqual(reference.quotes.map((q) => q.text));
    expect(answer.confidence).toBe(reference.confidence);
    snapshot.close();
    // And the next build finds it up to date.
    expect((await buildIndex({ corpusDir: workspace!.corpusDir, indexDir: workspace!.indexDir, embeddings })).written).toBe(false);
  });

  it('refuses an index of the format before checksums, and a build rebuilds it', async () => {
    const dir = await copyWorkspace();
    const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
    const { checksum: _checksum, files, ...rest } = manifest as { checksum: string; files: Record<string, { bytes: number }> };
    const sizes = Object.fromEntries(Object.entries(files).map(([name, digest]) => [name, digest.bytes]));
    await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...rest, files: sizes, formatVersion: 4 }));
    await expect(IndexSnapshot.open(workspace!.indexDir)).rejects.toThrow(`format version 4; this version of Verbatim reads ${FORMAT_VERSION}`);
    const summary = await buildIndex({ corpusDir: workspace!.corpusDir, indexDir: workspace!.indexDir, embeddings });
    expect(summary.written).toBe(true);
    expect(summary.fullReason).toMatch(/format version 4/);
    expect((await IndexSnapshot.open(workspace!.indexDir)).manifest.formatVersion).toBe(FORMAT_VERSION);
  });
});

describe('damage the checksums cannot see (the manifest written again over it)', () => {
  it('never serves a quote that is not its article text: it is dropped and reported', async () => {
    const dir = await copyWorkspace();
    const [first] = reference.quotes;
    expect(first).toBeDefined();
    // Change one letter of the first quote in the stored article text, keeping offsets and length.
    const original = await IndexSnapshot.open(workspace!.indexDir);
    const text = original.article(first!.articleId)!.text;
    original.close();
    const file = path.join(dir, TEXTS_FILE);
    const texts = await readFile(file);
    const at = first!.start + first!.text.indexOf('Levada') + 1;
    expect(text[at]).toBe('e');
    const byte = texts.indexOf(Buffer.from(text)) + Buffer.byteLength(text.slice(0, at));
    expect(String.fromCharCode(texts[byte]!)).toBe('e');
    texts[byte] = 'a'.charCodeAt(0);
    await writeFile(file, texts);
    await reseal(dir);

    const snapshot = await IndexSnapshot.open(workspace!.indexDir);
    const damage: string[] = [];
    const answer = await new AnswerEngine(new FileIndexStore(snapshot), embeddings, { onDamage: (message) => damage.push(message) }).ask(QUESTION);
    const served = [...answer.quotes, ...(answer.refusal?.nearest ?? [])];
    expect(served.some((q) => q.articleId === first!.articleId && q.start <= at && at < q.end)).toBe(false);
    expect(served.every((q) => !q.text.includes('Lavada'))).toBe(true);
    expect(damage.length).toBeGreaterThan(0);
    expect(damage[0]).toContain(`article ${first!.articleId}`);
    expect(damage[0]).toMatch(/differs from the indexed passage/);
    snapshot.close();
  });

  it.each([
    ['16 flipped bytes', flipBytes],
    ['zeros', zero],
  ])('%s in the sentence vectors: an IndexError naming the file, never a confidence outside [0, 1]', async (_, damage) => {
    const dir = await copyWorkspace();
    const file = path.join(dir, SENTENCE_VECTORS_FILE);
    await damage(file);
    await reseal(dir);
    const snapshot = await IndexSnapshot.open(workspace!.indexDir);
    const engine = new AnswerEngine(new FileIndexStore(snapshot), embeddings, { onDamage: () => undefined });
    const questions = [QUESTION, 'Who was Mike Pompeo?', 'What did the Kremlin say about a meeting between Putin and Trump?'];
    let errors = 0;
    for (const question of questions) {
      const result = await engine.ask(question).catch((e: unknown) => e);
      if (result instanceof IndexError) {
        errors++;
        expect(result.message).toContain(file);
        expect(result.describe()).toContain('npm run index -- --full');
      } else {
        const answer = result as Answer;
        expect(answer.confidence).toBeGreaterThanOrEqual(0);
        expect(answer.confidence).toBeLessThanOrEqual(1);
        for (const quote of answer.quotes) expect(Number.isFinite(quote.score)).toBe(true);
      }
    }
    // Zeroed, every vector is damaged; flipped, at least the one the first question reads.
    expect(errors).toBeGreaterThan(0);
    snapshot.close();
  });

  it('a reader giving a score that is not a probability is damage, not an answer', async () => {
    await copyWorkspace();
    const snapshot = await IndexSnapshot.open(workspace!.indexDir);
    const damage: string[] = [];
    for (const confidence of [1.6e22, Number.NaN, -0.5]) {
      const engine = new AnswerEngine(new FileIndexStore(snapshot), embeddings, {
        onDamage: (message) => damage.push(message),
        reader: { judge: (_q, candidates) => ({ scores: Float64Array.from(candidates, () => 1 / candidates.length), confidence }) },
      });
      const error = await engine.ask(QUESTION).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IndexError);
      expect((error as IndexError).message).toContain(`the confidence came out as ${confidence}`);
    }
    expect(damage).toHaveLength(3);
    // Rounding just past 1 is clamped.
    const engine = new AnswerEngine(new FileIndexStore(snapshot), embeddings, {
      reader: { judge: (_q, candidates) => ({ scores: Float64Array.from(candidates, () => 1 / candidates.length), confidence: 1 + 1e-9 }) },
    });
    expect((await engine.ask(QUESTION)).confidence).toBe(1);
    snapshot.close();
  });
});
