/**
 * Builds (or incrementally updates) the persisted index of a corpus.
 *
 * Unchanged articles keep their sentences, chunks and vectors; changed and new ones are
 * re-chunked, and only text never embedded before is sent to the model (vectors are
 * looked up by the hash of the exact text embedded); deleted articles disappear. The result
 * is written as a new generation and published atomically (see layout.ts).
 */
import { tagSentences } from '../chunking/answer-kinds.js';
import { chunkArticle } from '../chunking/chunk.js';
import { splitSentences } from '../chunking/sentences.js';
import { DEFAULT_CHUNKING, embeddingInput, textOffsetInInput, type Chunk, type ChunkingOptions } from '../chunking/types.js';
import { loadCorpus } from '../corpus/load.js';
import type { Article, CorpusWarning, LoadedCorpus } from '../corpus/types.js';
import { sha256 } from '../core/hash.js';
import type { LocalEmbeddings } from '../embedding/embedder.js';
import { acquireBuildLock } from './build-lock.js';
import { writeGeneration } from './generation/writer.js';
import { DEFAULT_HNSW, type HnswParams } from './hnsw-store.js';
import { createGeneration, currentGeneration, discardGeneration, publishGeneration, removeStaleGenerations, writeFailure } from './layout.js';
import {
  manifestSentenceVectors,
  modelMismatch,
  PIPELINE_VERSION,
  readManifest,
  type Manifest,
  type SentenceVectorKind,
} from './manifest.js';
import { checkFiles, IndexSnapshot, type StoredArticle } from './snapshot.js';

/** How a build makes sentence vectors unless told (BuildOptions.sentenceVectors). */
export const DEFAULT_SENTENCE_VECTORS: SentenceVectorKind = 'separate';

export type BuildProgress =
  | { phase: 'scan'; corpusDir: string }
  | { phase: 'plan'; toEmbed: number; reused: number }
  | { phase: 'embed'; done: number; total: number }
  | { phase: 'write'; dir: string };

export interface BuildOptions {
  corpusDir: string;
  indexDir: string;
  embeddings: LocalEmbeddings;
  /** The corpus as already read (by checkUpToDate), instead of reading it again. */
  corpus?: LoadedCorpus;
  /** Ignore the existing index and embed everything again. */
  full?: boolean;
  chunking?: ChunkingOptions;
  hnsw?: HnswParams;
  /** How sentence vectors are made (default DEFAULT_SENTENCE_VECTORS); see SentenceVectorKind. */
  sentenceVectors?: SentenceVectorKind;
  onProgress?: (event: BuildProgress) => void;
  /** Stops the build between steps; the published index is left as it was. */
  signal?: AbortSignal;
}

export interface BuildSummary {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  /** Why the build started from scratch, when it did. */
  fullReason?: string;
  counts: Manifest['counts'];
  /** Texts sent to the model in this build (sentences: embedded on their own, not pooled from a chunk's pass). */
  embedded: { chunks: number; sentences: number };
  warnings: CorpusWarning[];
  /** false when nothing changed and the existing index was kept as it is. */
  written: boolean;
  generationDir: string;
  ms: number;
}

interface Previous {
  snapshot: IndexSnapshot;
  /** Vectors by the hash of the text they embed. */
  cache: Map<string, Float32Array>;
}

export async function buildIndex(options: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  options.signal?.throwIfAborted();
  let release: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  try {
    release = await acquireBuildLock(options.indexDir);
    await removeStaleGenerations(options.indexDir);
    if (!options.corpus) options.onProgress?.({ phase: 'scan', corpusDir: options.corpusDir });
    const corpus = options.corpus ?? (await loadCorpus(options.corpusDir));
    const chunking = options.chunking ?? DEFAULT_CHUNKING;
    const hnsw = options.hnsw ?? DEFAULT_HNSW;
    const { previous, fullReason } = await openPrevious(options, chunking);
    const plan = diff(corpus.articles, previous?.snapshot.manifest, sentenceVectorKind(options));

    const nothingChanged = previous !== undefined && !hasChanges(plan) && sameHnsw(previous.snapshot.manifest, hnsw);
    if (nothingChanged) {
      return summary(plan, previous.snapshot.manifest.counts, { chunks: 0, sentences: 0 }, corpus.warnings, false, previous.snapshot.dir, started);
    }

    const unchanged = new Set(plan.unchanged);
    const articles = corpus.articles.map((article) => prepareArticle(article, previous?.snapshot, unchanged, options.embeddings, chunking));
    const embedded = await embedAll(articles, previous?.cache ?? new Map(), options);

    options.signal?.throwIfAborted();
    dir = await createGeneration(options.indexDir);
    options.onProgress?.({ phase: 'write', dir });
    const { counts } = await writeGeneration(
      dir,
      { articles, chunkVectors: embedded.chunkVectors, sentenceVectors: embedded.sentenceVectors },
      {
        pipelineVersion: PIPELINE_VERSION,
        sentenceVectors: sentenceVectorKind(options),
        model: { id: options.embeddings.modelId, quantized: options.embeddings.quantized, dimensions: options.embeddings.dimensions, maxTokens: options.embeddings.maxTokens },
        chunking,
        hnsw: { ...hnsw, space: 'cosine' },
      },
      started,
    );
    options.signal?.throwIfAborted();
    await publishGeneration(options.indexDir, dir);
    await removeStaleGenerations(options.indexDir);
    const result = summary(plan, counts, embedded.counts, corpus.warnings, true, dir, started);
    return fullReason === undefined ? result : { ...result, fullReason };
  } catch (error) {
    // Only this build's own generation, and never once published (discardGeneration checks).
    if (dir !== undefined) await discardGeneration(options.indexDir, dir).catch(() => false);
    throw writeFailure(error, options.indexDir);
  } finally {
    await release?.();
  }
}

/** What checkUpToDate needs: the build's settings, and the model by name only. */
export type UpToDateOptions = Pick<BuildOptions, 'corpusDir' | 'indexDir' | 'full' | 'chunking' | 'hnsw' | 'sentenceVectors' | 'onProgress'> & {
  model: { modelId: string; quantized: boolean };
};

/**
 * Whether a build would change nothing, found without the model: the live generation verifies
 * (every file against its checksum), was built by this model with these settings, and every
 * article is as it was indexed. `summary` is then what the build would have said; otherwise
 * `corpus` is the corpus as read, for the build to use (BuildOptions.corpus). Takes no lock: it
 * only reads, and CURRENT is replaced atomically.
 */
export async function checkUpToDate(options: UpToDateOptions): Promise<{ summary?: BuildSummary; corpus?: LoadedCorpus }> {
  const started = performance.now();
  if (options.full) return {};
  const dir = await currentGeneration(options.indexDir);
  const manifest = dir === undefined ? undefined : await readManifest(dir).catch(() => undefined);
  if (dir === undefined || manifest === undefined) return {};
  const model = { id: options.model.modelId, quantized: options.model.quantized };
  if (modelMismatch(manifest, model) || !sameChunking(manifest, options.chunking ?? DEFAULT_CHUNKING) || !sameHnsw(manifest, options.hnsw ?? DEFAULT_HNSW)) {
    return {};
  }
  options.onProgress?.({ phase: 'scan', corpusDir: options.corpusDir });
  const corpus = await loadCorpus(options.corpusDir);
  const plan = diff(corpus.articles, manifest, sentenceVectorKind(options));
  if (hasChanges(plan)) return { corpus };
  try {
    await checkFiles(dir, manifest);
  } catch {
    return { corpus }; // damaged: the build says so and repairs it
  }
  return { summary: summary(plan, manifest.counts, { chunks: 0, sentences: 0 }, corpus.warnings, false, dir, started) };
}

async function openPrevious(
  options: BuildOptions,
  chunking: ChunkingOptions,
): Promise<{ previous?: Previous; fullReason?: string }> {
  if (options.full) return { fullReason: 'a full rebuild was asked for (--full)' };
  const dir = await currentGeneration(options.indexDir);
  if (dir === undefined) return {};
  let manifest: Manifest;
  try {
    manifest = await readManifest(dir);
  } catch (error) {
    return { fullReason: `the existing index could not be read (${(error as Error).message})` };
  }
  const mismatch = modelMismatch(manifest, { id: options.embeddings.modelId, quantized: options.embeddings.quantized });
  if (mismatch) return { fullReason: `the existing index cannot be reused: ${mismatch}` };
  if (!sameChunking(manifest, chunking)) return { fullReason: 'the chunking settings changed' };
  // Opening verifies every file against its checksum, and reading the vectors checks each one, so
  // nothing damaged is reused: a damaged index is rebuilt from the corpus, every text embedded again.
  try {
    const snapshot = await IndexSnapshot.openGeneration(dir);
    return { previous: { snapshot, cache: vectorCache(snapshot) } };
  } catch (error) {
    return { fullReason: `the existing index is damaged (${(error as Error).message})` };
  }
}

/**
 * The snapshot's vectors by the key they were made under: a chunk's by the hash of its embedding
 * input; a sentence's by the hash of its text (separate) or of its place in the chunk it was pooled from (late).
 */
function vectorCache(snapshot: IndexSnapshot): Map<string, Float32Array> {
  const cache = new Map<string, Float32Array>();
  const dimensions = snapshot.dimensions;
  const row = (matrix: Float32Array, i: number) => matrix.subarray(i * dimensions, (i + 1) * dimensions);
  const late = manifestSentenceVectors(snapshot.manifest) === 'late';
  for (const article of snapshot.allArticles()) {
    const chunks = snapshot.chunksOf(article.id);
    const chunkVectors = snapshot.chunkVectorsOf(article.id);
    chunks.forEach((chunk, i) => cache.set(sha256(embeddingInput(chunk)), row(chunkVectors, i)));
    const vectors = snapshot.sentenceVectorsOf(article.id);
    const keys = late ? lateSentenceKeys(article, chunks) : undefined;
    for (const sentence of article.sentences) {
      cache.set(keys ? keys[sentence.index]! : sha256(article.text.slice(sentence.start, sentence.end)), row(vectors, sentence.index));
    }
  }
  return cache;
}

interface Plan {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

function diff(articles: readonly Article[], previous: Manifest | undefined, kind: SentenceVectorKind): Plan {
  const plan: Plan = { added: [], changed: [], removed: [], unchanged: [] };
  const before = previous?.articles ?? {};
  // Another pipeline, or sentence vectors of the other kind: every article is redone (vectors still reused where they can be).
  const reread =
    previous !== undefined && (previous.pipelineVersion !== PIPELINE_VERSION || manifestSentenceVectors(previous) !== kind);
  const now = new Set(articles.map((a) => a.id));
  for (const article of articles) {
    const old = before[article.id];
    if (!old) plan.added.push(article.id);
    else if (reread || old.contentHash !== article.contentHash || old.path !== article.path) plan.changed.push(article.id);
    else plan.unchanged.push(article.id);
  }
  plan.removed = Object.keys(before).filter((id) => !now.has(id));
  return plan;
}

function hasChanges(plan: Plan): boolean {
  return plan.added.length + plan.changed.length + plan.removed.length > 0;
}

function sameChunking(manifest: Manifest, chunking: ChunkingOptions): boolean {
  return manifest.chunking.maxTokens === chunking.maxTokens && manifest.chunking.overlapSentences === chunking.overlapSentences;
}

function sameHnsw(manifest: Manifest, hnsw: HnswParams): boolean {
  return manifest.hnsw.m === hnsw.m && manifest.hnsw.efConstruction === hnsw.efConstruction && manifest.hnsw.efSearch === hnsw.efSearch;
}

interface PreparedArticle {
  article: StoredArticle;
  chunks: Chunk[];
}

function prepareArticle(
  article: Article,
  previous: IndexSnapshot | undefined,
  unchanged: ReadonlySet<string>,
  counter: LocalEmbeddings,
  chunking: ChunkingOptions,
): PreparedArticle {
  const stored = previous?.article(article.id);
  if (stored && unchanged.has(article.id)) {
    return { article: stored, chunks: [...previous!.chunksOf(article.id)] };
  }
  // The one place the index's sentences are made: split, then tagged with their answer kinds.
  const sentences = tagSentences(article.text, splitSentences(article));
  return { article: { ...article, sentences }, chunks: chunkArticle(article, sentences, counter, chunking) };
}

interface Embedded {
  chunkVectors: Float32Array[];
  sentenceVectors: Float32Array[];
  counts: { chunks: number; sentences: number };
}

/** Vectors for every chunk and sentence, from the cache where the same text was embedded before. */
async function embedAll(articles: readonly PreparedArticle[], cache: Map<string, Float32Array>, options: BuildOptions): Promise<Embedded> {
  return sentenceVectorKind(options) === 'late' ? embedLate(articles, cache, options) : embedSeparately(articles, cache, options);
}

/** Chunks and sentences embedded as texts of their own. */
async function embedSeparately(articles: readonly PreparedArticle[], cache: Map<string, Float32Array>, options: BuildOptions): Promise<Embedded> {
  const chunkTexts = articles.flatMap((p) => p.chunks.map((c) => embeddingInput(c)));
  const sentenceTexts = articles.flatMap((p) => p.article.sentences.map((s) => p.article.text.slice(s.start, s.end)));
  const all = [...chunkTexts, ...sentenceTexts];
  const hashes = all.map((text) => sha256(text));
  const missing = new Map<string, string>();
  hashes.forEach((hash, i) => {
    if (!cache.has(hash)) missing.set(hash, all[i]!);
  });
  options.onProgress?.({ phase: 'plan', toEmbed: missing.size, reused: all.length - missing.size });
  const texts = [...missing.values()];
  const vectors = await options.embeddings.embedMany(texts, ({ done, total }) => {
    options.signal?.throwIfAborted();
    options.onProgress?.({ phase: 'embed', done, total });
  });
  const fresh = new Map([...missing.keys()].map((hash, i) => [hash, vectors[i]!]));
  const lookup = (hash: string) => cache.get(hash) ?? fresh.get(hash)!;
  const missingChunks = new Set(hashes.slice(0, chunkTexts.length).filter((h) => fresh.has(h))).size;
  return {
    chunkVectors: hashes.slice(0, chunkTexts.length).map(lookup),
    sentenceVectors: hashes.slice(chunkTexts.length).map(lookup),
    counts: { chunks: missingChunks, sentences: missing.size - missingChunks },
  };
}

/** Where a chunk's sentence lies in the chunk's embedding input, and the key its late vector is cached under. */
interface SentenceInChunk {
  sentence: number;
  span: readonly [number, number];
  key: string;
}

interface ChunkPlan {
  input: string;
  key: string;
  /** The sentences whose vectors are pooled from this chunk's pass. */
  sentences: SentenceInChunk[];
}

/**
 * Which chunk each sentence's vector is pooled from: the first chunk that holds it whole (an
 * overlapped sentence is taken with the sentences before it), else the first that holds its
 * start (a sentence too long for one chunk: its first part, as a separate embedding truncates it).
 */
function lateChunkPlans(article: Pick<StoredArticle, 'text' | 'sentences'>, chunks: readonly Chunk[]): ChunkPlan[] {
  const plans = chunks.map((chunk) => ({ input: embeddingInput(chunk), key: sha256(embeddingInput(chunk)), sentences: [] as SentenceInChunk[] }));
  const place = (chunkIndex: number, index: number) => {
    const chunk = chunks[chunkIndex]!;
    const sentence = article.sentences[index]!;
    const offset = textOffsetInInput(chunk) - chunk.start;
    const span = [Math.max(sentence.start, chunk.start) + offset, Math.min(sentence.end, chunk.end) + offset] as const;
    const plan = plans[chunkIndex]!;
    plan.sentences.push({ sentence: index, span, key: sha256(`late\n${plan.key}\n${span[0]}-${span[1]}`) });
  };
  const placed = new Set<number>();
  for (const whole of [true, false]) {
    chunks.forEach((chunk, c) => {
      for (let index = chunk.sentenceStart; index < chunk.sentenceEnd; index++) {
        const sentence = article.sentences[index];
        if (!sentence || placed.has(index)) continue;
        const inside = whole ? sentence.start >= chunk.start && sentence.end <= chunk.end : sentence.start >= chunk.start && sentence.start < chunk.end;
        if (!inside) continue;
        placed.add(index);
        place(c, index);
      }
    });
  }
  return plans;
}

/** The cache key of each sentence's late vector, by sentence index (a sentence no chunk holds keys its own text). */
function lateSentenceKeys(article: Pick<StoredArticle, 'text' | 'sentences'>, chunks: readonly Chunk[], plans = lateChunkPlans(article, chunks)): string[] {
  const keys = article.sentences.map((s) => sha256(article.text.slice(s.start, s.end)));
  for (const plan of plans) for (const s of plan.sentences) keys[s.sentence] = s.key;
  return keys;
}

/**
 * One forward pass per chunk ("late chunking"): the chunk's vector, and each of its sentences'
 * pooled from that pass's token outputs (lateChunkPlans says which chunk a sentence comes from).
 * A chunk is run again only if its own vector or one of its sentences' is not in the cache; a
 * sentence with no token in its chunk's window, or in no chunk, is embedded on its own.
 */
async function embedLate(articles: readonly PreparedArticle[], cache: Map<string, Float32Array>, options: BuildOptions): Promise<Embedded> {
  const plans = articles.map((p) => lateChunkPlans(p.article, p.chunks));
  const fresh = new Map<string, Float32Array>();
  const toRun = new Map<string, ChunkPlan>();
  for (const plan of plans.flat()) {
    if (!cache.has(plan.key) || plan.sentences.some((s) => !cache.has(s.key))) toRun.set(`${plan.key}:${plan.sentences.map((s) => s.key).join(',')}`, plan);
  }
  const runs = [...toRun.values()];
  // In texts run through the model, as embedSeparately counts: here chunks, each with its sentences.
  options.onProgress?.({ phase: 'plan', toEmbed: runs.length, reused: plans.flat().length - runs.length });
  const vectors = await options.embeddings.embedSpans(
    runs.map((plan) => ({ text: plan.input, spans: plan.sentences.map((s) => s.span) })),
    ({ done, total: all }) => {
      options.signal?.throwIfAborted();
      options.onProgress?.({ phase: 'embed', done, total: all });
    },
  );
  const alone = new Map<string, string>();
  runs.forEach((plan, i) => {
    const result = vectors[i]!;
    fresh.set(plan.key, result.vector);
    plan.sentences.forEach((s, k) => {
      const vector = result.spans[k];
      if (vector) fresh.set(s.key, vector);
      else alone.set(s.key, plan.input.slice(s.span[0], s.span[1]));
    });
  });
  // Sentences no chunk holds keep their text's hash as key (lateSentenceKeys).
  const sentenceKeys = articles.map((p, a) => {
    const keys = lateSentenceKeys(p.article, p.chunks, plans[a]);
    p.article.sentences.forEach((s, i) => {
      const key = keys[i]!;
      if (!cache.has(key) && !fresh.has(key) && !alone.has(key)) alone.set(key, p.article.text.slice(s.start, s.end));
    });
    return keys;
  });
  const separate = alone.size > 0 ? await options.embeddings.embedMany([...alone.values()]) : [];
  [...alone.keys()].forEach((key, i) => fresh.set(key, separate[i]!));
  const lookup = (key: string) => fresh.get(key) ?? cache.get(key)!;
  return {
    chunkVectors: plans.flatMap((article) => article.map((plan) => lookup(plan.key))),
    sentenceVectors: sentenceKeys.flatMap((keys) => keys.map(lookup)),
    counts: { chunks: runs.length, sentences: alone.size },
  };
}

function sentenceVectorKind(options: Pick<BuildOptions, 'sentenceVectors'>): SentenceVectorKind {
  return options.sentenceVectors ?? DEFAULT_SENTENCE_VECTORS;
}

function summary(
  plan: Plan,
  counts: Manifest['counts'],
  embedded: BuildSummary['embedded'],
  warnings: CorpusWarning[],
  written: boolean,
  generationDir: string,
  started: number,
): BuildSummary {
  return { ...plan, counts, embedded, warnings, written, generationDir, ms: Math.round(performance.now() - started) };
}
