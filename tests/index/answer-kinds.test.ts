import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnswerKind, answerKinds, hasKind } from '../../src/chunking/answer-kinds.js';
import { IndexError } from '../../src/core/errors.js';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { buildIndex } from '../../src/index/build.js';
import { currentGeneration } from '../../src/index/layout.js';
import { MANIFEST_FILE, writeManifest, type Manifest } from '../../src/index/manifest.js';
import { digestFile } from '../../src/index/checksum.js';
import { SENTENCE, SENTENCES_FILE } from '../../src/index/generation/schema.js';
import { IndexSnapshot, type StoredArticle } from '../../src/index/snapshot.js';
import { loadEmbeddings, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

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

function build() {
  return buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings });
}

function sentenceKinds(article: StoredArticle, fragment: string): number | undefined {
  const sentence = article.sentences.find((s) => article.text.slice(s.start, s.end).includes(fragment));
  if (!sentence) throw new Error(`No sentence of ${article.id} contains "${fragment}".`);
  return sentence.kinds;
}

describe("the index keeps each sentence's answer kinds", () => {
  it('tags every sentence at build time, persists the kinds and loads them with the snapshot', async () => {
    workspace = await seedWorkspace();
    await build();
    const snapshot = await IndexSnapshot.open(workspace.indexDir);
    const dmitriev = snapshot.article(DMITRIEV)!;
    expect(sentenceKinds(dmitriev, 'as early as next week')).toBe(AnswerKind.DATE);
    const witkoff = sentenceKinds(dmitriev, 'Steve Witkoff met with Putin in Moscow')!;
    for (const kind of [AnswerKind.DATE, AnswerKind.NAME, AnswerKind.PERSON, AnswerKind.PLACE]) expect(hasKind(witkoff, kind)).toBe(true);
    expect(hasKind(sentenceKinds(snapshot.article(LEVADA)!, 'only 20% of Americans')!, AnswerKind.PERCENT)).toBe(true);

    // Every sentence has the kinds of its text, and the articles file holds them.
    let tagged = 0;
    for (const article of snapshot.allArticles()) {
      for (const sentence of article.sentences) {
        expect(sentence.kinds).toBe(answerKinds(article.text.slice(sentence.start, sentence.end)));
        if (sentence.kinds !== 0) tagged++;
      }
    }
    expect(tagged).toBeGreaterThan(50);
    const onDisk = new Int32Array(new Uint8Array(await readFile(path.join(snapshot.dir, SENTENCES_FILE))).buffer);
    const kindsOnDisk = Array.from({ length: onDisk.length / SENTENCE.width }, (_, row) => onDisk[row * SENTENCE.width + SENTENCE.kinds]);
    expect(kindsOnDisk).toEqual([...snapshot.allArticles()].flatMap((a) => a.sentences.map((s) => s.kinds)));
  });

  it('carries the kinds of unchanged articles through an incremental build and tags the changed one', async () => {
    workspace = await seedWorkspace();
    await build();
    const before = await IndexSnapshot.open(workspace.indexDir);
    const kindsBefore = new Map([...before.allArticles()].map((a) => [a.id, a.sentences.map((s) => s.kinds)]));

    await appendFile(path.join(workspace.corpusDir, `${DMITRIEV}.txt`), '\nThe 1995 bombing in Oklahoma City claimed 168 lives, officials recalled.\n');
    const edited = await build();
    expect(edited.changed).toEqual([DMITRIEV]);
    expect(edited.unchanged).toHaveLength(4);

    const after = await IndexSnapshot.open(workspace.indexDir);
    expect(after.dir).not.toBe(before.dir);
    for (const article of after.allArticles()) {
      if (article.id === DMITRIEV) continue;
      expect(article.sentences.map((s) => s.kinds)).toEqual(kindsBefore.get(article.id));
    }
    const dmitriev = after.article(DMITRIEV)!;
    const added = sentenceKinds(dmitriev, '168 lives')!;
    for (const kind of [AnswerKind.NUMBER, AnswerKind.QUANTITY, AnswerKind.DATE, AnswerKind.PLACE]) expect(hasKind(added, kind)).toBe(true);
    expect(sentenceKinds(dmitriev, 'as early as next week')).toBe(AnswerKind.DATE);
  });

  it('refuses a sentences table without the kinds column, and a build replaces it', async () => {
    workspace = await seedWorkspace();
    await build();
    const dir = (await currentGeneration(workspace.indexDir))!;
    const file = path.join(dir, SENTENCES_FILE);
    const table = new Int32Array(new Uint8Array(await readFile(file)).buffer);
    const rows = table.length / SENTENCE.width;
    // Every row without its kinds: three columns where there are four.
    const withoutKinds = new Int32Array(rows * (SENTENCE.width - 1));
    for (let row = 0; row < rows; row++) {
      const columns = Array.from(table.subarray(row * SENTENCE.width, (row + 1) * SENTENCE.width)).filter((_, c) => c !== SENTENCE.kinds);
      withoutKinds.set(columns, row * (SENTENCE.width - 1));
    }
    await writeFile(file, new Uint8Array(withoutKinds.buffer));
    // Keep the manifest's size and checksum of the file right, so that only the missing kinds are wrong.
    const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    manifest.files[SENTENCES_FILE] = await digestFile(file);
    await writeManifest(dir, manifest);

    const error = await IndexSnapshot.open(workspace.indexDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as IndexError).message).toBe(`The index in ${dir} is inconsistent: ${SENTENCES_FILE} holds ${rows * 3} values, ${rows * 4} expected (${rows} rows of 4).`);
    expect((error as IndexError).describe()).toContain('npm run index -- --full');
    const rebuilt = await build();
    expect(rebuilt.fullReason).toMatch(/damaged/);
    const snapshot = await IndexSnapshot.open(workspace.indexDir);
    expect([...snapshot.allArticles()].every((a) => a.sentences.every((s) => Number.isInteger(s.kinds)))).toBe(true);
  });
});
