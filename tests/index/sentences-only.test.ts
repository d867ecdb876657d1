/**
 * Sentences-only vectors (#13; INDEX_VECTORS=sentences-only, `npm run index -- --vectors sentences-only`):
 * only the sentences go through the model, embedded as a separate build embeds them, and each
 * chunk's vector is the token-weighted mean of its sentences' vectors, normalised. Switching kinds
 * re-embeds only what the new kind needs; with no kind asked for, a rebuild keeps the index's. Real
 * model, seed corpus.
 */
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CommanderError } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Library } from '../../src/answer/library.js';
import { indexCommand } from '../../src/cli/index-command.js';
import { statusCommand, type IndexStatus } from '../../src/cli/status-command.js';
import { loadBaseConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import type { LocalEmbeddings, SpannedText } from '../../src/embedding/embedder.js';
import { buildIndex, type BuildOptions } from '../../src/index/build.js';
import { SENTENCE_VECTORS_FILE } from '../../src/index/generation/schema.js';
import { manifestSentenceVectors, type SentenceVectorKind } from '../../src/index/manifest.js';
import { IndexSnapshot } from '../../src/index/snapshot.js';
import { MODEL_DIR } from '../support/env.js';
import { loadEmbeddings, MODEL_OPTIONS, seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

const LEVADA = '002_bb33988446a060da';
/** Building with the real model on a loaded machine. */
const SLOW = 600_000;

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

let embeddings: LocalEmbeddings;
const workspaces: SeedWorkspace[] = [];

beforeAll(async () => {
  embeddings = await loadEmbeddings();
}, SLOW);

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all(workspaces.splice(0).map((w) => w.cleanup()));
});

async function workspace(): Promise<SeedWorkspace> {
  const w = await seedWorkspace();
  workspaces.push(w);
  return w;
}

/** Builds with the model calls recorded: the texts each embedMany and embedSpans call was given. */
async function build(w: SeedWorkspace, extra: Partial<BuildOptions> = {}) {
  const many: string[] = [];
  const spanned: SpannedText[] = [];
  const embedMany = embeddings.embedMany.bind(embeddings);
  const embedSpans = embeddings.embedSpans.bind(embeddings);
  vi.spyOn(embeddings, 'embedMany').mockImplementation((texts, onProgress) => (many.push(...texts), embedMany(texts, onProgress)));
  vi.spyOn(embeddings, 'embedSpans').mockImplementation((texts, onProgress) => (spanned.push(...texts), embedSpans(texts, onProgress)));
  try {
    const summary = await buildIndex({ corpusDir: w.corpusDir, indexDir: w.indexDir, embeddings, ...extra });
    return { summary, many, spanned };
  } finally {
    vi.restoreAllMocks();
  }
}

/** The sentences' texts of every article of the index, in order. */
function sentenceTexts(snapshot: IndexSnapshot): string[] {
  return [...snapshot.allArticles()].flatMap((article) => article.sentences.map((s) => article.text.slice(s.start, s.end)));
}

/** Each chunk's vector as the token-weighted mean of its sentences' vectors (weight: the word pieces of the sentence's part in the chunk), normalised; computed here on its own. */
function expectedChunkVectors(snapshot: IndexSnapshot): Float64Array[] {
  const out: Float64Array[] = [];
  const dims = snapshot.dimensions;
  for (const article of snapshot.allArticles()) {
    const vectors = snapshot.sentenceVectorsOf(article.id);
    for (const chunk of snapshot.chunksOf(article.id)) {
      const sum = new Float64Array(dims);
      for (let i = chunk.sentenceStart; i < chunk.sentenceEnd; i++) {
        const sentence = article.sentences[i]!;
        const part = article.text.slice(Math.max(sentence.start, chunk.start), Math.min(sentence.end, chunk.end));
        const weight = embeddings.countTokens(part) - 2; // without [CLS] and [SEP]
        for (let d = 0; d < dims; d++) sum[d]! += weight * vectors[i * dims + d]!;
      }
      const norm = Math.sqrt(dot(sum, sum));
      out.push(sum.map((x) => x / norm));
    }
  }
  return out;
}

describe('a sentences-only build (sentenceVectors: sentences-only)', () => {
  it('embeds each sentence once and nothing else, gives the sentence vectors of a separate build bit for bit, and makes each chunk the weighted mean of its sentences', async () => {
    const only = await workspace();
    const { summary, many, spanned } = await build(only, { sentenceVectors: 'sentences-only' });
    const snapshot = await IndexSnapshot.open(only.indexDir);
    expect(manifestSentenceVectors(snapshot.manifest)).toBe('sentences-only');
    expect(summary.sentenceVectors).toBe('sentences-only');

    // The model saw the sentences, each text once, and no chunk.
    const sentences = sentenceTexts(snapshot);
    expect(spanned).toEqual([]);
    expect([...many].sort()).toEqual([...new Set(sentences)].sort());
    expect(summary.embedded).toEqual({ chunks: 0, sentences: new Set(sentences).size });
    expect(summary.embedded.sentences).toBeGreaterThan(0.95 * snapshot.manifest.counts.sentences);

    // Each chunk's vector (as the HNSW graph holds it) is the weighted mean of its sentences'.
    const expected = expectedChunkVectors(snapshot);
    expect(expected).toHaveLength(snapshot.chunkCount);
    // The seed's chunks overlap (a sentence in two chunks), and some hold several sentences: the mean is not one vector.
    const chunks = [...snapshot.allArticles()].flatMap((a) => [...snapshot.chunksOf(a.id)]);
    expect(chunks.some((c, i) => i > 0 && chunks[i - 1]!.articleId === c.articleId && c.sentenceStart < chunks[i - 1]!.sentenceEnd)).toBe(true);
    expect(chunks.filter((c) => c.sentenceEnd - c.sentenceStart > 1).length).toBeGreaterThan(chunks.length / 2);
    expected.forEach((vector, label) => {
      const stored = snapshot.chunkVector(label);
      let largest = 0;
      for (let d = 0; d < vector.length; d++) largest = Math.max(largest, Math.abs(stored[d]! - vector[d]!));
      expect(largest, `chunk ${label}`).toBeLessThan(1e-6);
    });

    // A separate build of the same corpus: the same sentence vectors, byte for byte; other chunk vectors (the model's).
    const separateWorkspace = await workspace();
    const separate = await build(separateWorkspace, { sentenceVectors: 'separate' });
    expect(separate.summary.embedded.chunks).toBeGreaterThan(0);
    const a = await readFile(path.join(summary.generationDir, SENTENCE_VECTORS_FILE));
    const b = await readFile(path.join(separate.summary.generationDir, SENTENCE_VECTORS_FILE));
    expect(a.length).toBe(snapshot.manifest.counts.sentences * snapshot.dimensions * 4);
    expect(a.equals(b)).toBe(true);
    const other = await IndexSnapshot.open(separateWorkspace.indexDir);
    const differing = expected.filter((_, label) => dot(other.chunkVector(label), snapshot.chunkVector(label)) < 0.9999).length;
    expect(differing).toBeGreaterThan(snapshot.chunkCount / 2);

    // The question still finds its article by the chunk vectors alone.
    const question = await embeddings.embedOne('What share of Russians view the U.S. positively, according to the Levada Center?');
    let best = 0;
    chunks.forEach((_, label) => {
      if (dot(question, snapshot.chunkVector(label)) > dot(question, snapshot.chunkVector(best))) best = label;
    });
    expect(chunks[best]!.articleId).toBe(LEVADA);
    snapshot.close();
    other.close();
  }, SLOW);

  it('switching kinds re-embeds only what the new kind needs, and a build with no kind asked for keeps the index\'s', async () => {
    const w = await workspace();
    const separate = await build(w, { sentenceVectors: 'separate' });
    const chunks = separate.summary.counts.chunks;

    // To sentences-only: every sentence vector reused, nothing embedded, the chunks' made from them.
    const only = await build(w, { sentenceVectors: 'sentences-only' });
    expect(only.summary.changed).toHaveLength(only.summary.counts.articles);
    expect(only.many).toEqual([]);
    expect(only.summary.embedded).toEqual({ chunks: 0, sentences: 0 });
    const snapshot = await IndexSnapshot.open(w.indexDir);
    expect(manifestSentenceVectors(snapshot.manifest)).toBe('sentences-only');
    expect(dot(snapshot.chunkVector(0), expectedChunkVectors(snapshot)[0]!)).toBeCloseTo(1, 6);
    snapshot.close();

    // No kind asked for: sentences-only stays, an unchanged corpus is up to date; an edited article re-embeds its new sentences only.
    expect((await build(w)).summary.written).toBe(false);
    await appendFile(path.join(w.corpusDir, `${LEVADA}.txt`), '\n\nA closing paragraph was added to this article later.\n');
    const edited = await build(w);
    expect(edited.summary.sentenceVectors).toBe('sentences-only');
    expect(edited.summary.changed).toEqual([LEVADA]);
    expect(edited.many).toEqual(['A closing paragraph was added to this article later.']);

    // Back to separate: the chunks embedded again (a sentences-only index holds no model vector of a chunk), no sentence.
    const back = await build(w, { sentenceVectors: 'separate' });
    expect(back.summary.embedded.sentences).toBe(0);
    expect(back.summary.embedded.chunks).toBeGreaterThan(0.8 * chunks);
    expect(back.many).toHaveLength(back.summary.embedded.chunks);
  }, SLOW);
});

/** Runs a command in this process, its output captured (progress on stderr dropped). */
async function command(run: (argv: readonly string[]) => Promise<number>, argv: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await run(argv)).toBe(0);
    return out;
  } finally {
    vi.restoreAllMocks();
  }
}

async function liveKind(indexDir: string): Promise<SentenceVectorKind> {
  const snapshot = await IndexSnapshot.open(indexDir);
  try {
    return manifestSentenceVectors(snapshot.manifest);
  } finally {
    snapshot.close();
  }
}

describe('INDEX_VECTORS and npm run index -- --vectors', () => {
  it('rejects a kind it does not know, naming the variable and the kinds', () => {
    expect(loadBaseConfig({}).indexVectors).toBeUndefined();
    expect(loadBaseConfig({ INDEX_VECTORS: ' Sentences-Only ' }).indexVectors).toBe('sentences-only');
    expect(loadBaseConfig({ INDEX_VECTORS: 'late' }).indexVectors).toBe('late');
    expect(() => loadBaseConfig({ INDEX_VECTORS: 'sentences' })).toThrow(ConfigError);
    expect(() => loadBaseConfig({ INDEX_VECTORS: 'sentences' })).toThrow(/INDEX_VECTORS must be one of separate, late, sentences-only \(got "sentences"\)/);
  });

  it('builds the kind the setting or the flag asks for, keeps the index\'s kind otherwise (no model needed when up to date), and status shows it', async () => {
    const w = await workspace();
    const dirs = ['--corpus', w.corpusDir, '--out', w.indexDir];
    const statusArgs = ['--corpus', w.corpusDir, '--index', w.indexDir];
    vi.stubEnv('MODEL_DIR', MODEL_DIR);
    vi.stubEnv('INDEX_VECTORS', '');
    // A new index, nothing asked: separate.
    expect(await command(indexCommand, dirs)).toContain('  vectors:  separate\n');
    expect(await liveKind(w.indexDir)).toBe('separate');

    // INDEX_VECTORS=sentences-only: the sentences' vectors reused, nothing embedded.
    vi.stubEnv('INDEX_VECTORS', 'sentences-only');
    let out = await command(indexCommand, dirs);
    expect(out).toContain('  embedded: 0 chunks, 0 sentences\n  vectors:  sentences-only\n');
    expect(await liveKind(w.indexDir)).toBe('sentences-only');

    // Unset again, and no model to be found: the index keeps its kind and is up to date without the model.
    vi.stubEnv('INDEX_VECTORS', '');
    vi.stubEnv('MODEL_DIR', '/nowhere/models');
    out = await command(indexCommand, dirs);
    expect(out).toContain('is up to date; nothing to do.');
    expect(out).toContain('  vectors:  sentences-only\n');
    const status = JSON.parse(await command(statusCommand, ['--json', ...statusArgs])) as IndexStatus;
    expect(status.live.vectors).toBe('sentences-only');
    expect(status.corpus.upToDate).toBe(true);
    expect(await command(statusCommand, statusArgs)).toContain('\nvectors:   sentences-only (chunk vectors: means of the sentence vectors)\n');
    // Asked for another kind, status says the next build changes it.
    vi.stubEnv('INDEX_VECTORS', 'separate');
    const pending = JSON.parse(await command(statusCommand, ['--json', ...statusArgs])) as IndexStatus;
    expect(pending.corpus.upToDate).toBe(false);
    expect(pending.corpus.reason).toMatch(/separate vectors \(INDEX_VECTORS\), the index holds sentences-only/);

    // --vectors overrides INDEX_VECTORS: back to separate embeds the chunks only.
    vi.stubEnv('MODEL_DIR', MODEL_DIR);
    vi.stubEnv('INDEX_VECTORS', 'sentences-only');
    out = await command(indexCommand, [...dirs, '--vectors', 'separate']);
    expect(out).toMatch(/ {2}embedded: [1-9]\d* chunks, 0 sentences\n {2}vectors: {2}separate\n/);
    expect(await liveKind(w.indexDir)).toBe('separate');
    await expect(indexCommand([...dirs, '--vectors', 'sentence'])).rejects.toThrow(CommanderError);
  }, SLOW);

  it('the rebuild a bot runs (/reindex, in a child process) honours INDEX_VECTORS, and keeps the index\'s kind without it', async () => {
    const w = await workspace();
    const config = { ...MODEL_OPTIONS, corpusDir: w.corpusDir, indexDir: w.indexDir };
    const first = await Library.open({ config: { ...config, indexVectors: 'sentences-only' }, buildIfMissing: true });
    try {
      expect(await liveKind(w.indexDir)).toBe('sentences-only');
      await appendFile(path.join(w.corpusDir, `${LEVADA}.txt`), '\n\nA closing paragraph was added to this article later.\n');
      const summary = await first.rebuild();
      expect(summary.sentenceVectors).toBe('sentences-only');
      expect(summary.embedded).toEqual({ chunks: 0, sentences: 1 });
    } finally {
      await first.close();
    }
    const second = await Library.open({ config });
    try {
      const summary = await second.rebuild({ full: true });
      expect(summary.fullReason).toMatch(/--full/);
      expect(summary.sentenceVectors).toBe('sentences-only');
      expect(summary.embedded.chunks).toBe(0);
      expect(await liveKind(w.indexDir)).toBe('sentences-only');
    } finally {
      await second.close();
    }
  }, SLOW);
});
