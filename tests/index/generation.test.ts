/**
 * The typed generation (src/index/generation/) on its own, without the model: what the writer
 * writes the reader gives back exactly — texts with accents, dashes and characters outside the BMP
 * (UTF-8 on disk, UTF-16 offsets in every span), sentences with their headings and kinds, blocks,
 * chunks — made one article at a time and the same object while held; tables that disagree with
 * each other are refused even when the checksums were made again over them; a text that UTF-8
 * cannot hold is refused at write time. Texts, postings and vectors are read from disk after the
 * open, not held: a text damaged on disk afterwards shows as a passage that is not intact.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chunk } from '../../src/chunking/types.js';
import { IndexError } from '../../src/core/errors.js';
import { digestFile } from '../../src/index/checksum.js';
import type { StoredArticle } from '../../src/index/generation/records.js';
import { checkFiles, closeGeneration, readGeneration } from '../../src/index/generation/reader.js';
import { CHUNK, CHUNKS_FILE, DATA_FILES, TEXTS_FILE } from '../../src/index/generation/schema.js';
import { writeGeneration, type GenerationContent, type GenerationSettings } from '../../src/index/generation/writer.js';
import { MANIFEST_FILE, writeManifest, type Manifest } from '../../src/index/manifest.js';
import { IndexSnapshot } from '../../src/index/snapshot.js';

const DIMENSIONS = 4;
const SETTINGS: GenerationSettings = {
  pipelineVersion: 2,
  sentenceVectors: 'separate',
  model: { id: 'test/model', quantized: true, dimensions: DIMENSIONS, maxTokens: 256 },
  chunking: { maxTokens: 256, overlapSentences: 1 },
  hnsw: { m: 8, efConstruction: 50, efSearch: 20, space: 'cosine' },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-generation-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An article of headed paragraphs; one sentence per paragraph line, a chunk per paragraph. */
function article(id: string, paragraphs: readonly string[], meta: Partial<StoredArticle> = {}): { article: StoredArticle; chunks: Chunk[] } {
  const heading = 'Über die Lage — 🙂';
  let text = `${heading}\n\n`;
  const blocks: StoredArticle['blocks'] = [{ kind: 'heading', start: 0, end: heading.length }];
  const sentences: StoredArticle['sentences'] = [];
  const chunks: Chunk[] = [];
  paragraphs.forEach((paragraph, ordinal) => {
    const start = text.length;
    text += paragraph;
    blocks.push({ kind: 'paragraph', start, end: text.length });
    sentences.push({ start, end: text.length, index: sentences.length, heading, kinds: ordinal % 3 });
    chunks.push({
      id: `${id}#${ordinal}`,
      articleId: id,
      ordinal,
      start,
      end: text.length,
      heading,
      text: paragraph,
      sentenceStart: ordinal,
      sentenceEnd: ordinal + 1,
      tokenCount: 10 + ordinal,
    });
    text += '\n\n';
  });
  text = text.trimEnd();
  return { article: { id, path: `${id}.md`, title: `Title ${id}`, contentHash: `hash-${id}`, text, blocks, sentences, ...meta }, chunks };
}

function unit(seed: number): Float32Array {
  const v = Float32Array.from({ length: DIMENSIONS }, (_, i) => Math.sin(seed * 7 + i * 3) + 0.1);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function content(): GenerationContent {
  const articles = [
    article('a', ['Café société: the “quoted” part — 🚀 launched.', 'Second paragraph, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters.'], { url: 'https://example.com/a', published: '2026-01-02' }),
    article('b', ['Plain ASCII text only.'], { source: 'Outlet', author: 'Someone' }),
    article('c', []),
  ];
  const chunkCount = articles.reduce((n, a) => n + a.chunks.length, 0);
  const sentenceCount = articles.reduce((n, a) => n + a.article.sentences.length, 0);
  return {
    articles,
    chunkVectors: Array.from({ length: chunkCount }, (_, i) => unit(i + 1)),
    sentenceVectors: Array.from({ length: sentenceCount }, (_, i) => unit(100 + i)),
  };
}

describe('a generation written and read back', () => {
  it('gives back every article, sentence, block and chunk exactly, UTF-16 offsets over UTF-8 text', async () => {
    const written = content();
    const manifest = await writeGeneration(dir, written, SETTINGS, performance.now());
    expect(Object.keys(manifest.files).sort()).toEqual([...DATA_FILES].sort());
    expect(manifest.counts).toEqual({ articles: 3, chunks: 3, sentences: 3 });

    const snapshot = await IndexSnapshot.openGeneration(dir);
    expect(snapshot.articles.map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(snapshot.articles[0]).toEqual({ id: 'a', path: 'a.md', title: 'Title a', contentHash: 'hash-a', url: 'https://example.com/a', published: '2026-01-02' });
    for (const { article: expected, chunks } of written.articles) {
      const read = snapshot.article(expected.id)!;
      expect(read).toEqual(expected);
      expect(snapshot.chunksOf(expected.id)).toEqual(chunks);
      for (const sentence of read.sentences) expect(read.text.slice(sentence.start, sentence.end)).toBe(expected.text.slice(sentence.start, sentence.end));
      for (const chunk of snapshot.chunksOf(expected.id)) expect(snapshot.passageIntact(chunk)).toBe(true);
    }
    expect([...snapshot.allChunks()].map((c) => c.id)).toEqual(['a#0', 'a#1', 'b#0']);
    expect(snapshot.chunk(2)).toBe(snapshot.chunksOf('b')[0]);
    // The same object while held (quote selection compares articles by identity).
    expect(snapshot.article('a')).toBe(snapshot.article('a'));
    // Vectors by row: the chunk's as the HNSW index holds it, the sentence's as written.
    expect(Array.from(snapshot.chunkVector(1))).toEqual(Array.from(snapshot.hnsw.vector(1)));
    expect(Array.from(snapshot.sentenceVector('b', 0))).toEqual(Array.from(written.sentenceVectors[2]!));
    expect(snapshot.hnsw.searchLabels(written.chunkVectors[2]!, 1)[0]!.label).toBe(2);
    // A passage whose text is not the text it was built from is found.
    const changed = { ...snapshot.chunksOf('a')[0]!, text: snapshot.chunksOf('a')[0]!.text.replace('Café', 'Cafe') };
    expect(snapshot.passageIntact(changed)).toBe(false);
    snapshot.close();
  });

  it('refuses tables that disagree with each other, even under checksums made again', async () => {
    await writeGeneration(dir, content(), SETTINGS, performance.now());
    const file = path.join(dir, CHUNKS_FILE);
    const table = new Int32Array(new Uint8Array(await readFile(file)).buffer);
    table[CHUNK.width + CHUNK.article] = 2; // chunk 1 (of article a) said to be article c's
    await writeFile(file, new Uint8Array(table.buffer));
    const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    manifest.files[CHUNKS_FILE] = await digestFile(file);
    await writeManifest(dir, manifest);
    const error = await IndexSnapshot.openGeneration(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect((error as IndexError).message).toBe(`The index in ${dir} is inconsistent: ${CHUNKS_FILE} row 1 is damaged.`);
    expect((error as IndexError).describe()).toContain('npm run index -- --full');
  });

  it('verifies every file whether hashed on the main thread or in worker threads: a changed byte in any is named', async () => {
    await writeGeneration(dir, content(), SETTINGS, performance.now());
    for (const threads of [0, 1, 2]) {
      const generation = await readGeneration(dir, { digestThreads: threads });
      expect(generation.tables.catalog).toHaveLength(3);
      closeGeneration(generation);
      await checkFiles(dir, generation.manifest, { digestThreads: threads });
    }
    for (const name of DATA_FILES) {
      const file = path.join(dir, name);
      const bytes = await readFile(file);
      bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
      await writeFile(file, bytes);
      for (const threads of [0, 2]) {
        const error = await readGeneration(dir, { digestThreads: threads }).catch((e: unknown) => e);
        expect(error, `${name}, ${threads} threads`).toBeInstanceOf(IndexError);
        expect((error as IndexError).message).toBe(`The index file ${file} is damaged: its content does not match the checksum in the manifest.`);
        expect((error as IndexError).describe()).toContain('npm run index -- --full');
      }
      bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
      await writeFile(file, bytes);
    }
  });

  it('reads texts and postings from disk when asked, not at the open: a text changed afterwards is not intact, and a closed snapshot says so', async () => {
    await writeGeneration(dir, content(), SETTINGS, performance.now());
    const snapshot = await IndexSnapshot.openGeneration(dir);
    const texts = path.join(dir, TEXTS_FILE);
    const bytes = await readFile(texts);
    const at = bytes.indexOf('Plain ASCII');
    bytes.write('Plain ASCIX', at, 'utf8');
    await writeFile(texts, bytes);
    // Article b is made now, from the file as it is: its passage no longer matches its digest.
    const [chunk] = snapshot.chunksOf('b');
    expect(chunk!.text).toBe('Plain ASCIX text only.');
    expect(snapshot.passageIntact(chunk!)).toBe(false);
    expect(snapshot.lexical.query('plain text', 3).map((hit) => hit.label)).toEqual([2]);
    snapshot.close();
    expect(() => snapshot.article('a')).toThrow(`${texts} was closed.`);
    expect(() => snapshot.lexical.query('plain text', 3)).toThrow('lexical.bin was closed.');
  });

  it('refuses at write time a text UTF-8 cannot hold (a lone surrogate)', async () => {
    const bad = content();
    const first = bad.articles[1]!;
    const broken = { ...first, article: { ...first.article, text: `${first.article.text}\ud800` } };
    await expect(writeGeneration(dir, { ...bad, articles: [bad.articles[0]!, broken, bad.articles[2]!] }, SETTINGS, performance.now())).rejects.toThrow(
      'The text of article b is not well-formed Unicode',
    );
  });
});
