/**
 * The build streams: texts are embedded a slice at a time, each slice's vectors written to disk
 * before the next, and articles appended to the new generation one batch at a time, so memory holds
 * neither every vector nor every article's records. Proven from the outside: the embedder is called
 * once per slice, and before each call the vectors of the calls before it are on disk. And streaming
 * changes nothing that is written: a build in the smallest slices and batches writes the same bytes
 * as one in a single batch, with the same counts, fully and incrementally, and a text that two
 * articles share is embedded once.
 */
import { createHash } from 'node:crypto';
import { appendFile, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { DEFAULT_BATCH_SIZE } from '../../src/embedding/embedder.js';
import { buildIndex, type BuildOptions } from '../../src/index/build.js';
import { SLICE_MULTIPLE } from '../../src/index/corpus-order.js';
import { DATA_FILES } from '../../src/index/generation/schema.js';
import { loadEmbeddings, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

let real: LocalEmbeddings;
const workspaces: SeedWorkspace[] = [];

beforeAll(async () => {
  real = await loadEmbeddings();
});

afterEach(async () => {
  await Promise.all(workspaces.splice(0).map((w) => w.cleanup()));
});

async function workspace(): Promise<SeedWorkspace> {
  const w = await seedWorkspace();
  workspaces.push(w);
  return w;
}

/** The real tokenizer (so chunking is real), and a vector made from the hash of each text: fast and the same for the same text in any batch. */
function hashEmbeddings(onCall: (texts: readonly string[]) => Promise<void> = async () => {}): LocalEmbeddings & { texts: string[] } {
  const fake = Object.create(real) as LocalEmbeddings & { texts: string[] };
  fake.texts = [];
  fake.embedMany = async (texts, onProgress) => {
    await onCall(texts);
    fake.texts.push(...texts);
    const vectors = texts.map((text) => {
      const bytes = createHash('sha512').update(text).digest();
      const vector = Float32Array.from({ length: real.dimensions }, (_, i) => bytes[i % bytes.length]! - 127.5 + i / real.dimensions);
      const norm = Math.hypot(...vector);
      return vector.map((x) => x / norm);
    });
    onProgress?.({ done: texts.length, total: texts.length });
    return vectors;
  };
  return fake;
}

/** The bytes in the generation being written (not yet published), 0 if none. */
async function bytesInProgress(indexDir: string): Promise<number> {
  const names = await readdir(indexDir).catch(() => [] as string[]);
  let bytes = 0;
  for (const name of names.filter((n) => n.startsWith('gen-'))) {
    for (const file of await readdir(path.join(indexDir, name))) bytes += (await stat(path.join(indexDir, name, file))).size;
  }
  return bytes;
}

async function generationFiles(dir: string): Promise<Record<string, Buffer>> {
  return Object.fromEntries(await Promise.all(DATA_FILES.map(async (name) => [name, await readFile(path.join(dir, name))] as const)));
}

describe('the streaming build', () => {
  it('embeds in slices, each slice\'s vectors on disk before the one after the next is embedded (not the corpus\'s vectors in memory)', async () => {
    expect(SLICE_MULTIPLE % DEFAULT_BATCH_SIZE).toBe(0);
    const w = await workspace();
    const seen: { texts: number; bytes: number }[] = [];
    const embeddings = hashEmbeddings(async (texts) => {
      seen.push({ texts: texts.length, bytes: await bytesInProgress(w.indexDir) });
    });
    const summary = await buildIndex({ corpusDir: w.corpusDir, indexDir: w.indexDir, embeddings, batchTexts: 1 });
    expect(summary.counts.articles).toBe(5);
    // The chunks in slices, then the sentences in slices (no call mixes them).
    expect(seen.length).toBe(Math.ceil(summary.embedded.chunks / SLICE_MULTIPLE) + Math.ceil(summary.embedded.sentences / SLICE_MULTIPLE));
    for (const call of seen) expect(call.texts).toBeLessThanOrEqual(SLICE_MULTIPLE);
    expect(seen.reduce((n, call) => n + call.texts, 0)).toBe(summary.embedded.chunks + summary.embedded.sentences);
    // Before each call, the vectors of every call before it but the last (two are under way at
    // once: the next is tokenized while one runs) are in the new generation's directory.
    const vectorBytes = real.dimensions * 4;
    let written = 0;
    for (const [k, call] of seen.entries()) {
      expect(call.bytes).toBeGreaterThanOrEqual(written * vectorBytes);
      if (k > 0) written += seen[k - 1]!.texts;
    }
    expect(written).toBeGreaterThan(SLICE_MULTIPLE);
    // And what is published is the generation alone (the scratch file of vectors is gone).
    expect((await readdir(summary.generationDir)).sort()).toEqual([...DATA_FILES, 'manifest.json'].sort());
  });

  it('tells the embedder of a large job during the first pass (a pool starts while the corpus is still being split), then its size', async () => {
    const w = await workspace();
    // The chunker's word counts mark how far the first pass has got.
    let counted = 0;
    const told: { texts: number; counted: number }[] = [];
    const embeddings = Object.assign(hashEmbeddings(), {
      prepare: async (texts: number) => {
        told.push({ texts, counted });
      },
    });
    embeddings.countTokens = (text) => {
      counted++;
      return real.countTokens(text);
    };
    const summary = await buildIndex({ corpusDir: w.corpusDir, indexDir: w.indexDir, embeddings });
    const total = summary.embedded.chunks + summary.embedded.sentences;
    expect(told.at(-1)!.texts).toBe(total);
    expect(told[0]!.texts).toBeLessThan(total);
    expect(told[0]!.counted).toBeLessThan(told.at(-1)!.counted);
    expect(told.map((t) => t.texts)).toEqual([...told.map((t) => t.texts)].sort((a, b) => a - b));
  });

  it('writes the same bytes in batches of one article as in one batch, and embeds a text two batches share once', async () => {
    // A sentence in two articles: found once by a build that sees them together, and once by one that streams them.
    const shared = 'The streaming build embeds this very sentence only once, whichever article brings it first.';
    const one = await workspace();
    const many = await workspace();
    for (const w of [one, many]) {
      const names = (await readdir(w.corpusDir)).filter((n) => n.endsWith('.txt')).sort();
      for (const name of [names[0]!, names[names.length - 1]!]) await appendFile(path.join(w.corpusDir, name), `\n\n${shared}\n`);
    }
    const build = async (w: SeedWorkspace, extra: Partial<BuildOptions>) => {
      const embeddings = hashEmbeddings();
      const summary = await buildIndex({ corpusDir: w.corpusDir, indexDir: w.indexDir, embeddings, ...extra });
      return { summary, embeddings };
    };
    const whole = await build(one, { batchTexts: Number.MAX_SAFE_INTEGER });
    const streamed = await build(many, { batchTexts: 1 });
    expect(streamed.summary.embedded).toEqual(whole.summary.embedded);
    expect(streamed.summary.counts).toEqual(whole.summary.counts);
    expect(streamed.embeddings.texts.filter((t) => t === shared)).toHaveLength(1);
    expect(new Set(streamed.embeddings.texts).size).toBe(streamed.embeddings.texts.length);
    const a = await generationFiles(whole.summary.generationDir);
    const b = await generationFiles(streamed.summary.generationDir);
    for (const name of DATA_FILES) expect(b[name]!.equals(a[name]!), name).toBe(true);

    // Incremental: unchanged articles' vectors read back by row from the previous generation, the edited one embedded.
    for (const w of [one, many]) {
      const names = (await readdir(w.corpusDir)).filter((n) => n.endsWith('.txt')).sort();
      await appendFile(path.join(w.corpusDir, names[2]!), '\n\nA paragraph added to the middle article, and nowhere else.\n');
    }
    const wholeAgain = await build(one, { batchTexts: Number.MAX_SAFE_INTEGER });
    const streamedAgain = await build(many, { batchTexts: 1 });
    expect(streamedAgain.summary.changed).toHaveLength(1);
    expect(streamedAgain.summary.embedded).toEqual(wholeAgain.summary.embedded);
    expect(streamedAgain.summary.embedded.sentences).toBeLessThan(5);
    const c = await generationFiles(wholeAgain.summary.generationDir);
    const d = await generationFiles(streamedAgain.summary.generationDir);
    for (const name of DATA_FILES) expect(d[name]!.equals(c[name]!), name).toBe(true);
  });
});
