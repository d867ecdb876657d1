import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { embeddingInput } from '../../src/chunking/types.js';
import type { LocalEmbeddings, SpannedText } from '../../src/embedding/embedder.js';
import { buildIndex, type BuildOptions } from '../../src/index/build.js';
import { manifestSentenceVectors } from '../../src/index/manifest.js';
import { IndexSnapshot } from '../../src/index/snapshot.js';
import { loadEmbeddings, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

const LEVADA = '002_bb33988446a060da';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

let embeddings: LocalEmbeddings;
let workspace: SeedWorkspace;

beforeAll(async () => {
  embeddings = await loadEmbeddings();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await workspace?.cleanup();
});

/** Builds with the model calls recorded: the texts each embedMany and embedSpans call was given. */
async function build(extra: Partial<BuildOptions> = {}) {
  const many: string[][] = [];
  const spanned: SpannedText[][] = [];
  const embedMany = embeddings.embedMany.bind(embeddings);
  const embedSpans = embeddings.embedSpans.bind(embeddings);
  vi.spyOn(embeddings, 'embedMany').mockImplementation((texts, onProgress) => (many.push([...texts]), embedMany(texts, onProgress)));
  vi.spyOn(embeddings, 'embedSpans').mockImplementation((texts, onProgress) => (spanned.push([...texts]), embedSpans(texts, onProgress)));
  const summary = await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings, ...extra });
  vi.restoreAllMocks();
  return { summary, many: many.flat(), spanned: spanned.flat() };
}

describe('a late-chunked build (sentenceVectors: late)', () => {
  it('runs each chunk once, embeds no sentence on its own, and pools every sentence vector from a chunk', async () => {
    workspace = await seedWorkspace();
    const { summary, many, spanned } = await build({ sentenceVectors: 'late' });
    const snapshot = await IndexSnapshot.open(workspace.indexDir);
    expect(manifestSentenceVectors(snapshot.manifest)).toBe('late');
    expect(many).toEqual([]);
    expect(spanned.map((t) => t.text).sort()).toEqual([...snapshot.allChunks()].map((c) => embeddingInput(c)).sort());
    expect(summary.embedded).toEqual({ chunks: snapshot.chunkCount, sentences: 0 });
    // Every sentence is pooled exactly once, from one chunk.
    expect(spanned.reduce((n, t) => n + t.spans.length, 0)).toBe(snapshot.manifest.counts.sentences);
    for (const article of snapshot.allArticles()) {
      const vectors = snapshot.sentenceVectorsOf(article.id);
      for (const sentence of article.sentences) {
        const v = vectors.subarray(sentence.index * 384, (sentence.index + 1) * 384);
        expect(dot(v, v)).toBeCloseTo(1, 4);
      }
    }
    // The question still finds its sentence by the late vectors.
    const question = await embeddings.embedOne('What share of Russians view the U.S. positively, according to the Levada Center?');
    const levada = snapshot.article(LEVADA)!;
    const vectors = snapshot.sentenceVectorsOf(LEVADA);
    const best = levada.sentences.reduce((a, b) =>
      dot(question, vectors.subarray(a.index * 384, (a.index + 1) * 384)) >= dot(question, vectors.subarray(b.index * 384, (b.index + 1) * 384)) ? a : b,
    );
    expect(levada.text.slice(best.start, best.end)).toMatch(/Levada/);
  });

  it('reuses the vectors of unchanged chunks, reruns only a changed article, and switching kinds redoes the sentences', async () => {
    workspace = await seedWorkspace();
    const first = await build({ sentenceVectors: 'late' });
    const again = await build({ sentenceVectors: 'late' });
    expect(again.summary.written).toBe(false);
    expect(again.spanned).toEqual([]);

    const file = path.join(workspace.corpusDir, `${LEVADA}.txt`);
    await writeFile(file, (await readFile(file, 'utf8')) + '\n\nA closing paragraph was added to this article later.\n');
    const changed = await build({ sentenceVectors: 'late' });
    expect(changed.summary.changed).toEqual([LEVADA]);
    expect(changed.many).toEqual([]);
    expect(changed.spanned.length).toBeGreaterThan(0);
    expect(changed.spanned.length).toBeLessThan(first.spanned.length / 2);
    const late = await IndexSnapshot.open(workspace.indexDir);

    // To separate vectors: every sentence embedded on its own, no chunk run again.
    const separate = await build({ sentenceVectors: 'separate' });
    expect(separate.summary.embedded.chunks).toBe(0);
    expect(separate.spanned).toEqual([]);
    expect(separate.summary.embedded.sentences).toBeGreaterThan(0);
    const snapshot = await IndexSnapshot.open(workspace.indexDir);
    expect(manifestSentenceVectors(snapshot.manifest)).toBe('separate');
    expect(Array.from(snapshot.chunkVector(0))).toEqual(Array.from(late.chunkVector(0)));

    // And back: the chunks run again (each once) for their sentences.
    const back = await build({ sentenceVectors: 'late' });
    expect(back.many).toEqual([]);
    expect(back.spanned).toHaveLength(snapshot.chunkCount);
  });
});
