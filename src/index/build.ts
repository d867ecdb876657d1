/**
 * Builds (or incrementally updates) the persisted index of a corpus.
 *
 * Unchanged articles keep their sentences, chunks and vectors; changed and new ones are
 * re-chunked, and only text never embedded before is sent to the model (vectors are
 * looked up by the hash of the exact text embedded); deleted articles disappear. The result
 * is written as a new generation and published atomically (see layout.ts).
 *
 * The build streams. A first pass splits and chunks every article (cheap beside embedding): how
 * many chunks, what is to be embedded, which new texts recur; for separate and sentences-only
 * vectors it keeps the sentence and chunk records for the second pass, as numbers
 * (split-records.ts). The texts are embedded in the order one call over the whole corpus would take
 * them, a slice at a time, each slice's vectors to a scratch file (late vectors: a batch of articles
 * at a time, in the second pass); meanwhile the sentences are tagged. The second pass appends the
 * articles to the new generation, a batch of about BATCH_TEXTS texts at a time
 * (generation/writer.ts: texts, tables and vectors go to disk as they come; the HNSW graph, the
 * lexical postings and the word counts grow in memory). Reused vectors are read by row from the
 * previous generation's files. What is written is byte for byte what embedding the whole corpus at
 * once and writing it in one go wrote (tests/index/streaming-build.test.ts).
 *
 * What goes through the model depends on the kind of vectors (SentenceVectorKind, the manifest's
 * `sentenceVectors`): every chunk and sentence (separate), the chunks with the sentences pooled from
 * their passes (late), or the sentences alone with each chunk's vector their token-weighted mean
 * (sentences-only, pooledChunkVector). A build not told which keeps the kind of the index it updates.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CHUNKING, embeddingInput, type ChunkingOptions, type TokenCounter } from '../chunking/types.js';
import { type ArticleFingerprint, type CorpusScan, loadCorpus, scanCorpus } from '../corpus/load.js';
import type { Article, CorpusWarning, LoadedCorpus } from '../corpus/types.js';
import { sha256 } from '../core/hash.js';
import type { IndexEmbedder } from '../embedding/embedder.js';
import { acquireBuildLock } from './build-lock.js';
import { GenerationWriter } from './generation/writer.js';
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
import { checkFiles, IndexSnapshot } from './snapshot.js';
import { collectInCorpusOrder, countOf, EMBEDDED_SCRATCH_FILE, embedInCorpusOrder, surveyLate, TagInTurns, unpacked, type EmbeddedVectors } from './corpus-order.js';
import { embedAll, lateSentenceKeys, prepareArticle, type PreparedArticle, type VectorCache } from './embed-articles.js';
import { CHUNK_VECTORS_FILE, SENTENCE_VECTORS_FILE } from './generation/schema.js';
import { VectorFileReader } from './vectors-file.js';

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
  /** LocalEmbeddings, or PooledEmbeddings (EMBED_WORKERS: child processes, for a large build); told the build's size first (`prepare`). */
  embeddings: IndexEmbedder;
  /** The corpus as already read (by checkUpToDate), instead of reading it again. */
  corpus?: LoadedCorpus;
  /** Ignore the existing index and embed everything again. */
  full?: boolean;
  chunking?: ChunkingOptions;
  hnsw?: HnswParams;
  /** How sentence and chunk vectors are made (see SentenceVectorKind); default: the kind the existing index has, else DEFAULT_SENTENCE_VECTORS. */
  sentenceVectors?: SentenceVectorKind;
  onProgress?: (event: BuildProgress) => void;
  /** Stops the build between steps; the published index is left as it was. */
  signal?: AbortSignal;
  /** About how many texts (chunks and sentences) are split, embedded and written together (default BATCH_TEXTS). */
  batchTexts?: number;
}

/**
 * The build streams: articles are split, embedded and appended to the new generation in batches of
 * about this many texts (chunks and sentences), so memory holds one batch, not the corpus's vectors.
 * Large enough that the model's length-sorted batches pad little.
 */
export const BATCH_TEXTS = 4096;

export interface BuildSummary {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  /** Why the build started from scratch, when it did. */
  fullReason?: string;
  /** The kind of vectors the index holds (SentenceVectorKind; buildIndex and checkUpToDate always say). */
  sentenceVectors?: SentenceVectorKind;
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
  /** Vectors by the hash of the text they embed, read by row from the previous generation's files when asked for. */
  cache: PreviousVectors;
}

export async function buildIndex(options: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  options.signal?.throwIfAborted();
  let release: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  let previousVectors: PreviousVectors | undefined;
  try {
    release = await acquireBuildLock(options.indexDir);
    await removeStaleGenerations(options.indexDir);
    if (!options.corpus) options.onProgress?.({ phase: 'scan', corpusDir: options.corpusDir });
    const corpus = options.corpus ?? (await loadCorpus(options.corpusDir));
    const chunking = options.chunking ?? DEFAULT_CHUNKING;
    const hnsw = options.hnsw ?? DEFAULT_HNSW;
    const { previous, fullReason, kind } = await openPrevious(options, chunking);
    previousVectors = previous?.cache;
    const plan = diff(corpus.articles, previous?.snapshot.manifest, kind);

    const nothingChanged = previous !== undefined && !hasChanges(plan) && sameHnsw(previous.snapshot.manifest, hnsw);
    if (nothingChanged) {
      return summary(plan, kind, previous.snapshot.manifest.counts, { chunks: 0, sentences: 0 }, corpus.warnings, false, previous.snapshot.dir, started);
    }

    const unchanged = new Set(plan.unchanged);
    const prepare = (article: Article) => prepareArticle(article, previous?.snapshot, unchanged, options.embeddings, chunking);
    const prepareForSurvey = (article: Article, counter: TokenCounter) => prepareArticle(article, previous?.snapshot, unchanged, counter, chunking, false);
    const cache: VectorCache = previous?.cache ?? new Map<string, Float32Array>();
    // A first pass, without the model: how many chunks (the HNSW graph is made for them), what is to
    // be embedded, and which new vectors a later article will want again (kept until then).
    // Separate and sentences-only vectors: every text to embed, in the order embedding the whole corpus
    // at once would take them (see embedInCorpusOrder); late vectors: counts only, each batch embedded in its turn.
    const inOrder = kind === 'late' ? undefined : collectInCorpusOrder(corpus.articles, prepareForSurvey, cache, kind, options.embeddings);
    const survey = inOrder?.survey ?? surveyLate(corpus.articles, (article) => prepareForSurvey(article, options.embeddings), cache);
    options.onProgress?.({ phase: 'plan', toEmbed: survey.toEmbed, reused: survey.reused });
    // A large build may embed in worker processes (EMBED_WORKERS): they start now (or already did,
    // told during the first pass), and one that cannot load the model fails the build here.
    await inOrder?.starting;
    await options.embeddings.prepare?.(survey.toEmbed);

    options.signal?.throwIfAborted();
    dir = await createGeneration(options.indexDir);
    const writer = await GenerationWriter.open(
      dir,
      {
        pipelineVersion: PIPELINE_VERSION,
        sentenceVectors: kind,
        model: { id: options.embeddings.modelId, quantized: options.embeddings.quantized, dimensions: options.embeddings.dimensions, maxTokens: options.embeddings.maxTokens },
        chunking,
        hnsw: { ...hnsw, space: 'cosine' },
        warnings: corpus.warnings,
      },
      survey.chunks,
    );
    let counts: Manifest['counts'];
    const embeddedCounts = { chunks: 0, sentences: 0 };
    try {
      // Then article by article, in batches of about `batchTexts` texts: split, embed, append; no batch outlives its turn.
      const carried = new Map<string, Float32Array>();
      const progress = { done: 0, total: survey.toEmbed };
      const batchTexts = options.batchTexts ?? BATCH_TEXTS;
      let embeddedFile: EmbeddedVectors | undefined;
      if (inOrder) {
        // The articles split in the first pass get their sentences tagged meanwhile, on this thread, between the embedding's replies.
        const tagging = new TagInTurns(corpus.articles, inOrder.split);
        try {
          embeddedFile = await embedInCorpusOrder(inOrder, path.join(dir, EMBEDDED_SCRATCH_FILE), options, progress, batchTexts, () => tagging.start());
        } catch (error) {
          tagging.stop();
          await tagging.finish().catch(() => undefined);
          throw error;
        }
        await tagging.finish();
        embeddedCounts.chunks = inOrder.freshChunks;
        embeddedCounts.sentences = inOrder.texts.length - inOrder.freshChunks;
        inOrder.texts = [];
      }
      const rows = inOrder?.rows;
      const lookup: VectorCache = {
        has: (key) => rows?.has(key) || carried.has(key) || cache.has(key),
        get: (key) => {
          const row = rows?.get(key);
          return row !== undefined ? embeddedFile!.vector(row) : (carried.get(key) ?? cache.get(key));
        },
      };
      let batch: PreparedArticle[] = [];
      let texts = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        options.signal?.throwIfAborted();
        const embedded = await embedAll(batch, lookup, options, kind, progress, inOrder ? (key) => countOf(inOrder, key) : undefined);
        embeddedCounts.chunks += embedded.counts.chunks;
        embeddedCounts.sentences += embedded.counts.sentences;
        for (const [a, prepared] of batch.entries()) {
          await writer.append(prepared.article, prepared.chunks, embedded.chunkVectors[a]!, embedded.sentenceVectors[a]!);
          // A vector made (or carried) here that a later article wants again is kept until its last use.
          for (const key of embedded.keys[a]!) {
            const uses = survey.later.get(key);
            if (uses === undefined) continue;
            if (uses <= 1) {
              survey.later.delete(key);
              carried.delete(key);
            } else {
              survey.later.set(key, uses - 1);
              const vector = embedded.fresh.get(key) ?? carried.get(key);
              if (vector) carried.set(key, vector);
            }
          }
        }
        batch = [];
        texts = 0;
      };
      for (const [a, article] of corpus.articles.entries()) {
        // Split, chunked and tagged already (first pass), or taken from the previous generation now.
        const records = inOrder?.split[a];
        const prepared = records ? unpacked(article, records) : prepare(article);
        if (inOrder) inOrder.split[a] = undefined;
        batch.push(prepared);
        texts += (kind === 'sentences-only' ? 0 : prepared.chunks.length) + prepared.article.sentences.length;
        if (texts >= batchTexts) await flush();
      }
      await flush();
      embeddedFile?.close();
      if (embeddedFile) await rm(path.join(dir, EMBEDDED_SCRATCH_FILE), { force: true });
      options.signal?.throwIfAborted();
      options.onProgress?.({ phase: 'write', dir });
      ({ counts } = await writer.finish(started));
    } finally {
      await writer.close();
    }
    options.signal?.throwIfAborted();
    await publishGeneration(options.indexDir, dir);
    await removeStaleGenerations(options.indexDir);
    const result = summary(plan, kind, counts, embeddedCounts, corpus.warnings, true, dir, started);
    return fullReason === undefined ? result : { ...result, fullReason };
  } catch (error) {
    // Only this build's own generation, and never once published (discardGeneration checks).
    if (dir !== undefined) await discardGeneration(options.indexDir, dir).catch(() => false);
    throw writeFailure(error, options.indexDir);
  } finally {
    previousVectors?.close();
    await release?.();
  }
}

/** What checkUpToDate needs: the build's settings (sentenceVectors: as buildIndex takes it), and the model by name only. */
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
  const kind = sentenceVectorKind(options, manifest);
  // First from the files' bytes alone (no parsing or cleaning): an unchanged corpus is told in a
  // fraction of the time, and reports the warnings its build kept.
  const scan = await scanCorpus(options.corpusDir);
  const scanned = diff(scan.articles, manifest, kind);
  const unchanged = !hasChanges(scanned) && manifest.warnings !== undefined && sameWarnings(scan, manifest.warnings);
  if (unchanged && (await filesIntact(dir, manifest))) {
    return { summary: summary(scanned, kind, manifest.counts, { chunks: 0, sentences: 0 }, manifest.warnings!, false, dir, started) };
  }
  const corpus = await loadCorpus(options.corpusDir);
  const plan = diff(corpus.articles, manifest, kind);
  // Damaged files: the build says so and repairs them.
  if (unchanged || hasChanges(plan) || !(await filesIntact(dir, manifest))) return { corpus };
  return { summary: summary(plan, kind, manifest.counts, { chunks: 0, sentences: 0 }, corpus.warnings, false, dir, started) };
}

/** Whether every file of the generation matches the manifest's checksums. */
async function filesIntact(dir: string, manifest: Manifest): Promise<boolean> {
  return checkFiles(dir, manifest).then(
    () => true,
    () => false,
  );
}

/**
 * Whether reading the corpus now would warn exactly as when the generation was built, given that
 * every article's bytes are the same: the scan's warnings (about files) are the ones kept, and a
 * kept warning the scan cannot give (parsing or cleaning an article) is about an indexed article.
 */
function sameWarnings(scan: CorpusScan, kept: readonly CorpusWarning[]): boolean {
  const key = (warning: CorpusWarning): string => `${warning.path}\0${warning.message}`;
  const keptKeys = new Set(kept.map(key));
  const scanKeys = new Set(scan.warnings.map(key));
  const indexed = new Set(scan.articles.map((article) => article.path));
  return scan.warnings.every((warning) => keptKeys.has(key(warning))) && kept.every((warning) => scanKeys.has(key(warning)) || indexed.has(warning.path));
}

/**
 * The live generation to build on, if it can be, and the kind of vectors to build: the one asked
 * for, else the live generation's (when its manifest reads, even for a full rebuild), else DEFAULT_SENTENCE_VECTORS.
 */
async function openPrevious(
  options: BuildOptions,
  chunking: ChunkingOptions,
): Promise<{ previous?: Previous; fullReason?: string; kind: SentenceVectorKind }> {
  const dir = await currentGeneration(options.indexDir);
  let manifest: Manifest | undefined;
  let unreadable: unknown;
  if (dir !== undefined) {
    try {
      manifest = await readManifest(dir);
    } catch (error) {
      unreadable = error;
    }
  }
  const kind = sentenceVectorKind(options, manifest);
  if (options.full) return { fullReason: 'a full rebuild was asked for (--full)', kind };
  if (dir === undefined) return { kind };
  if (manifest === undefined) return { fullReason: `the existing index could not be read (${(unreadable as Error).message})`, kind };
  const mismatch = modelMismatch(manifest, { id: options.embeddings.modelId, quantized: options.embeddings.quantized });
  if (mismatch) return { fullReason: `the existing index cannot be reused: ${mismatch}`, kind };
  if (!sameChunking(manifest, chunking)) return { fullReason: 'the chunking settings changed', kind };
  // Opening verifies every file against its checksum, and reading the vectors checks each one, so
  // nothing damaged is reused: a damaged index is rebuilt from the corpus, every text embedded again.
  try {
    const snapshot = await IndexSnapshot.openGeneration(dir);
    return { previous: { snapshot, cache: await vectorCache(snapshot) }, kind };
  } catch (error) {
    return { fullReason: `the existing index is damaged (${(error as Error).message})`, kind };
  }
}

/** The previous generation's vectors, by key → row (chunk label ≥ 0, or −1 − sentence row), each read from its file when asked for. */
class PreviousVectors implements VectorCache {
  constructor(
    private readonly rows: Map<string, number>,
    private readonly chunks: VectorFileReader,
    private readonly sentences: VectorFileReader,
  ) {}

  has(key: string): boolean {
    return this.rows.has(key);
  }

  get(key: string): Float32Array | undefined {
    const row = this.rows.get(key);
    if (row === undefined) return undefined;
    return row >= 0 ? this.chunks.rows(row, row + 1) : this.sentences.rows(-1 - row, -row);
  }

  close(): void {
    this.chunks.close();
    this.sentences.close();
  }
}

/**
 * The snapshot's vectors by the key they were made under: a chunk's by the hash of its embedding
 * input (not a sentences-only index's: its chunk vectors are means of sentence vectors, made again
 * from them, never the model's vector of the chunk's text); a sentence's by the hash of its text
 * (separate, sentences-only) or of its place in the chunk it was pooled from (late). Only the keys
 * and rows are held; a vector is read from disk when it is reused.
 */
async function vectorCache(snapshot: IndexSnapshot): Promise<PreviousVectors> {
  const rows = new Map<string, number>();
  const kind = manifestSentenceVectors(snapshot.manifest);
  const late = kind === 'late';
  let label = 0;
  let sentenceRow = 0;
  for (const article of snapshot.allArticles()) {
    const chunks = snapshot.chunksOf(article.id);
    for (const chunk of chunks) {
      if (kind !== 'sentences-only') rows.set(sha256(embeddingInput(chunk)), label);
      label++;
    }
    const keys = late ? lateSentenceKeys(article, chunks) : undefined;
    for (const sentence of article.sentences) {
      rows.set(keys ? keys[sentence.index]! : sha256(article.text.slice(sentence.start, sentence.end)), -1 - (sentenceRow + sentence.index));
    }
    sentenceRow += article.sentences.length;
  }
  const { counts, model } = snapshot.manifest;
  const chunks = await VectorFileReader.open(path.join(snapshot.dir, CHUNK_VECTORS_FILE), counts.chunks, model.dimensions, { unit: true });
  const sentences = await VectorFileReader.open(path.join(snapshot.dir, SENTENCE_VECTORS_FILE), counts.sentences, model.dimensions, { unit: true }).catch((error: unknown) => {
    chunks.close();
    throw error;
  });
  return new PreviousVectors(rows, chunks, sentences);
}

interface Plan {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

function diff(articles: readonly ArticleFingerprint[], previous: Manifest | undefined, kind: SentenceVectorKind): Plan {
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

/** The kind asked for, else that of the index built before (`manifest`), else DEFAULT_SENTENCE_VECTORS. */
function sentenceVectorKind(options: Pick<BuildOptions, 'sentenceVectors'>, manifest: Manifest | undefined): SentenceVectorKind {
  return options.sentenceVectors ?? (manifest === undefined ? DEFAULT_SENTENCE_VECTORS : manifestSentenceVectors(manifest));
}

function summary(
  plan: Plan,
  sentenceVectors: SentenceVectorKind,
  counts: Manifest['counts'],
  embedded: BuildSummary['embedded'],
  warnings: CorpusWarning[],
  written: boolean,
  generationDir: string,
  started: number,
): BuildSummary {
  return { ...plan, sentenceVectors, counts, embedded, warnings, written, generationDir, ms: Math.round(performance.now() - started) };
}
