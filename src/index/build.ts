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
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { tagSentences } from '../chunking/answer-kinds.js';
import { chunkArticle } from '../chunking/chunk.js';
import { splitSentences } from '../chunking/sentences.js';
import { DEFAULT_CHUNKING, embeddingInput, textOffsetInInput, type Chunk, type ChunkingOptions, type TokenCounter } from '../chunking/types.js';
import { type ArticleFingerprint, type CorpusScan, loadCorpus, scanCorpus } from '../corpus/load.js';
import type { Article, CorpusWarning, LoadedCorpus } from '../corpus/types.js';
import { IndexError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { Turns } from '../core/turns.js';
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
  REBUILD_HINT,
  type Manifest,
  type SentenceVectorKind,
} from './manifest.js';
import { checkFiles, IndexSnapshot, type StoredArticle } from './snapshot.js';
import { SplitRecords } from './split-records.js';
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

/** Vectors by the key they were made under (see vectorCache). */
interface VectorCache {
  has(key: string): boolean;
  get(key: string): Float32Array | undefined;
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
    const survey = inOrder?.survey ?? surveyArticles(corpus.articles, (article) => prepareForSurvey(article, options.embeddings), cache, kind);
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

interface Survey {
  /** Chunks in all (the new generation's HNSW graph is made for them). */
  chunks: number;
  /** As the 'plan' progress event says. */
  toEmbed: number;
  reused: number;
  /** Keys not in the previous generation that the build will look up more than once, by how many times. */
  later: Map<string, number>;
}

/**
 * The first pass: every article split and chunked (cheap beside embedding), its texts' keys
 * counted, nothing kept but counts. What it says is what embedding the whole corpus at once would.
 */
function surveyArticles(articles: readonly Article[], prepare: (article: Article) => PreparedArticle, cache: VectorCache, kind: SentenceVectorKind): Survey {
  const survey: Survey = { chunks: 0, toEmbed: 0, reused: 0, later: new Map() };
  const runs = new Set<string>();
  let texts = 0;
  for (const article of articles) {
    const prepared = prepare(article);
    survey.chunks += prepared.chunks.length;
    let keys: string[];
    if (kind === 'late') {
      const plans = lateChunkPlans(prepared.article, prepared.chunks);
      texts += plans.length;
      for (const plan of plans) {
        if (!cache.has(plan.key) || plan.sentences.some((s) => !cache.has(s.key))) runs.add(sha256(`${plan.key}:${plan.sentences.map((s) => s.key).join(',')}`));
      }
      keys = [...plans.map((plan) => plan.key), ...lateSentenceKeys(prepared.article, prepared.chunks, plans)];
    } else {
      keys = separateKeys(prepared);
      texts += keys.length;
    }
    for (const key of keys) if (!cache.has(key)) survey.later.set(key, (survey.later.get(key) ?? 0) + 1);
  }
  survey.toEmbed = kind === 'late' ? runs.size : survey.later.size;
  survey.reused = texts - survey.toEmbed;
  // A key looked up once is never carried: only those that recur are kept (few, in a real corpus).
  for (const [key, uses] of survey.later) if (uses === 1) survey.later.delete(key);
  return survey;
}

/** Calls to the model take a multiple of this many texts: of the embedder's batch size (DEFAULT_BATCH_SIZE, 16; not imported, as that module loads onnxruntime). */
export const SLICE_MULTIPLE = 64;

/** Where a separate build keeps the vectors it made until their articles are written (in the new generation's directory; deleted before the manifest). */
const EMBEDDED_SCRATCH_FILE = 'embedded.scratch';

interface CorpusOrder {
  survey: Survey;
  /** The texts to embed, each once: the chunks' (article order; none in a sentences-only build), then the sentences'. */
  texts: string[];
  /** Word pieces of each of `texts` ([CLS] and [SEP] included, before truncation), as the chunker counted them; kept after `texts` for the chunk vectors' weights (pooledChunkVector). */
  counts: Int32Array;
  /** Key → row of its vector in the scratch file (= index in `texts` and `counts`). */
  rows: Map<string, number>;
  /** How many of `texts` are chunks' (the first ones). */
  freshChunks: number;
  /**
   * The sentences and chunks of the articles this pass split, by position in the corpus
   * (undefined: taken from the previous generation, read again when written), their sentences not
   * yet tagged: the second pass uses them instead of splitting again.
   */
  split: (SplitRecords | undefined)[];
  /** The embedding workers' start, when this pass told the embedder of a large job (see collectInCorpusOrder). */
  starting: Promise<void> | undefined;
}

/** The first pass tells the embedder how many texts it has found so far at these counts (then every doubling): a pool starts while the pass goes on. */
const FIRST_NOTICE = 256;

/**
 * The first pass of a separate or sentences-only build: every article split and chunked, and each
 * text not in the previous generation listed once — the chunks' (separate only), then the
 * sentences'. A chunk whose embedding input is also a sentence's text is embedded once, as the
 * sentence: so the sentences go to the model in the same calls whether the chunks are embedded too
 * (separate) or not (sentences-only), and get the same vectors (see embedInCorpusOrder).
 *
 * The word pieces of each text, needed to sort them, are the ones the chunker counted (each article
 * is chunked with a counter that counts a text once). As the count of texts grows the embedder is
 * told (`prepare`), so that embedding workers load the model while the pass goes on.
 */
function collectInCorpusOrder(
  articles: readonly Article[],
  prepare: (article: Article, counter: TokenCounter) => PreparedArticle,
  cache: VectorCache,
  kind: SentenceVectorKind,
  embeddings: IndexEmbedder,
): CorpusOrder {
  const survey: Survey = { chunks: 0, toEmbed: 0, reused: 0, later: new Map() };
  const withChunks = kind === 'separate';
  const chunkTexts = new FoundTexts();
  const sentenceTexts = new FoundTexts();
  const split: (SplitRecords | undefined)[] = [];
  let starting: Promise<void> | undefined;
  let notice = FIRST_NOTICE;
  let total = 0;
  for (const article of articles) {
    const counter = new CountOnce(embeddings);
    const p = prepare(article, counter);
    split.push(p.fromPrevious ? undefined : SplitRecords.pack(p.article.sentences, p.chunks));
    survey.chunks += p.chunks.length;
    total += (withChunks ? p.chunks.length : 0) + p.article.sentences.length;
    if (withChunks) {
      for (const chunk of p.chunks) {
        const input = embeddingInput(chunk);
        const key = sha256(input);
        if (!cache.has(key) && !chunkTexts.has(key)) chunkTexts.add(key, input, counter.countTokens(input));
      }
    }
    for (const sentence of p.article.sentences) {
      const text = textOf(p.article, sentence);
      const key = sha256(text);
      if (!cache.has(key) && !sentenceTexts.has(key)) sentenceTexts.add(key, text, counter.countTokens(text));
    }
    const found = chunkTexts.size + sentenceTexts.size;
    if (found >= notice && embeddings.prepare) {
      notice = found * 2;
      // Awaited after the pass (buildIndex); until then a failure to start is held, not thrown.
      const told = embeddings.prepare(found);
      starting = starting ? Promise.all([starting, told]).then(() => undefined) : told;
      starting.catch(() => undefined);
    }
  }
  // The chunks' texts first (but those that are also a sentence's), then the sentences'.
  const texts: string[] = [];
  const counts: number[] = [];
  const rows = new Map<string, number>();
  const take = (key: string, text: string, count: number) => {
    rows.set(key, texts.push(text) - 1);
    counts.push(count);
  };
  chunkTexts.forEach((key, text, count) => {
    if (!sentenceTexts.has(key)) take(key, text, count);
  });
  const freshChunks = texts.length;
  sentenceTexts.forEach(take);
  survey.toEmbed = texts.length;
  survey.reused = total - texts.length;
  return { survey, texts, counts: Int32Array.from(counts), rows, freshChunks, split, starting };
}

/** Texts found to embed, each once by key, with their word pieces, in the order found. */
class FoundTexts {
  private readonly index = new Map<string, number>();
  private readonly texts: string[] = [];
  private readonly counts: number[] = [];

  get size(): number {
    return this.texts.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  add(key: string, text: string, count: number): void {
    this.index.set(key, this.texts.push(text) - 1);
    this.counts.push(count);
  }

  forEach(f: (key: string, text: string, count: number) => void): void {
    for (const [key, i] of this.index) f(key, this.texts[i]!, this.counts[i]!);
  }
}

/** Word pieces of the text keyed `key`, if the first pass counted it (a text it listed to embed). */
function countOf(order: CorpusOrder, key: string): number | undefined {
  const row = order.rows.get(key);
  return row === undefined ? undefined : order.counts[row];
}

/** An article as the first pass split it, its records unpacked for the second. */
function unpacked(article: Article, records: SplitRecords): PreparedArticle {
  const { sentences, chunks } = records.unpack(article);
  return { article: { ...article, sentences }, chunks };
}

/** A TokenCounter that counts each text once: the chunker counts an article's sentences, and the build wants the same counts after it. */
class CountOnce implements TokenCounter {
  private readonly counted = new Map<string, number>();

  constructor(private readonly counter: TokenCounter) {}

  countTokens(text: string): number {
    let count = this.counted.get(text);
    if (count === undefined) {
      count = this.counter.countTokens(text);
      this.counted.set(text, count);
    }
    return count;
  }
}

/**
 * Tags the sentences of the articles the first pass split (answer kinds, tagSentences), a turn at
 * a time: meant to run while the model embeds, in the time this thread would otherwise wait.
 */
class TagInTurns {
  private stopped = false;
  private done: Promise<void> | undefined;

  constructor(
    private readonly articles: readonly Article[],
    private readonly split: readonly (SplitRecords | undefined)[],
  ) {}

  /** Starts tagging (once): when the model has enough before it not to be kept waiting while this thread tags. */
  start(): void {
    if (this.done) return;
    this.done = this.run();
    // Awaited in finish(); until then a failure is held, not thrown.
    this.done.catch(() => undefined);
  }

  /** Tags what is left (starting now if not yet started) and waits until every article is tagged, or, after `stop`, until the current one is. */
  async finish(): Promise<void> {
    this.start();
    await this.done;
  }

  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<void> {
    const turns = new Turns();
    await turns.pass();
    for (const [a, records] of this.split.entries()) {
      if (!records) continue;
      const { text } = this.articles[a]!;
      for (let i = 0; i < records.sentenceCount; i++) {
        if (this.stopped) return;
        records.tag(i, text);
        if (turns.over) await turns.pass();
      }
    }
  }
}

/** Slices of texts given to the embedder at once: the next one is tokenized and queued while one runs. */
const SLICES_IN_FLIGHT = 2;

/** The first slice's texts (a multiple of SLICE_MULTIPLE). */
const FIRST_SLICE = 4 * SLICE_MULTIPLE;

/**
 * Embeds the texts as one call for the chunks and one for the sentences would, and writes their
 * vectors to `file` (in the order embedded; the result reads a text's by its row). The model's
 * vectors depend on the batch a text is run in (int8 activations are quantised per batch; padding),
 * so each group's texts go in the order embedMany would run them — sorted by length, in its batches
 * (DEFAULT_BATCH_SIZE, 16) — but in calls of about `sliceTexts` at a time (a multiple of
 * SLICE_MULTIPLE, so of any batch size dividing it; the first ones smaller), whose vectors go to
 * disk as each call ends. SLICES_IN_FLIGHT calls are under way at once, so that an embedder working
 * elsewhere (the pool) is never left waiting for the next. No batch mixes chunks and sentences: a
 * sentence's vector does not depend on the chunks, so separate and sentences-only builds give the
 * same sentence vectors.
 */
async function embedInCorpusOrder(
  order: CorpusOrder,
  file: string,
  options: BuildOptions,
  progress: EmbedProgressState,
  sliceTexts: number,
  /** Called (once) when the model is at work on a whole slice: this thread is free for something else until the next call is due. */
  whenBusy: () => void = () => undefined,
): Promise<EmbeddedVectors> {
  const { embeddings } = options;
  const dimensions = embeddings.dimensions;
  const lengths = order.counts.map((count) => Math.min(count, embeddings.maxTokens));
  const byLength = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => from + i).sort((a, b) => lengths[a]! - lengths[b]!);
  const slice = Math.max(1, Math.ceil(sliceTexts / SLICE_MULTIPLE)) * SLICE_MULTIPLE;
  // The first calls are smaller, so that the model starts sooner: FIRST_SLICE texts, doubling up to `slice`.
  let next = Math.min(FIRST_SLICE, slice);
  // The file holds the vectors in the order they are embedded (one write per call); `position` finds a row's.
  const position = new Int32Array(order.texts.length);
  const handle = await open(file, 'w');
  const writeSlice = async (first: number, vectors: readonly Float32Array[]) => {
    const bytes = new Uint8Array(vectors.length * dimensions * 4);
    const floats = new Float32Array(bytes.buffer);
    vectors.forEach((vector, k) => floats.set(vector, k * dimensions));
    const { bytesWritten } = await handle.write(bytes, 0, bytes.length, first * dimensions * 4);
    if (bytesWritten !== bytes.length) throw new IndexError(`${file}: ${bytesWritten} of ${bytes.length} bytes written.`, { path: file });
  };
  const inFlight: Promise<void>[] = [];
  let sent = 0;
  try {
    for (const sorted of [byLength(0, order.freshChunks), byLength(order.freshChunks, order.texts.length)]) {
      for (let i = 0; i < sorted.length; ) {
        options.signal?.throwIfAborted();
        const rows = sorted.slice(i, i + next);
        const first = sent;
        rows.forEach((row, k) => (position[row] = first + k));
        sent += rows.length;
        i += next;
        next = Math.min(next * 2, slice);
        const onProgress = embedProgress(options, progress);
        const call = embeddings.embedMany(
          rows.map((row) => order.texts[row]!),
          rows.length < slice
            ? onProgress
            : (event) => {
                whenBusy();
                onProgress(event);
              },
        );
        const written = call.then((vectors) => writeSlice(first, vectors));
        // Awaited in turn below; until then a failure is held, not thrown.
        written.catch(() => undefined);
        inFlight.push(written);
        if (inFlight.length >= SLICES_IN_FLIGHT) await inFlight.shift();
      }
    }
    while (inFlight.length > 0) await inFlight.shift();
  } finally {
    await Promise.allSettled(inFlight);
    await handle.close();
  }
  const reader = await VectorFileReader.open(file, order.texts.length, dimensions);
  return { vector: (row) => reader.rows(position[row]!, position[row]! + 1), close: () => reader.close() };
}

/** The vectors a build embedded, by row of CorpusOrder.texts, read back from the scratch file. */
interface EmbeddedVectors {
  vector(row: number): Float32Array;
  close(): void;
}

/** The keys of an article's chunks' and sentences' vectors when embedded separately: the hashes of their texts. */
function separateKeys(p: PreparedArticle): string[] {
  return [...p.chunks.map((c) => sha256(embeddingInput(c))), ...p.article.sentences.map((s) => sha256(p.article.text.slice(s.start, s.end)))];
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

interface PreparedArticle {
  article: StoredArticle;
  chunks: Chunk[];
  /** Taken as it was from the previous generation (an unchanged article): sentences tagged, nothing split. */
  fromPrevious?: true;
}

function prepareArticle(
  article: Article,
  previous: IndexSnapshot | undefined,
  unchanged: ReadonlySet<string>,
  counter: TokenCounter,
  chunking: ChunkingOptions,
  tag = true,
): PreparedArticle {
  const stored = previous?.article(article.id);
  if (stored && unchanged.has(article.id)) {
    return { article: stored, chunks: [...previous!.chunksOf(article.id)], fromPrevious: true };
  }
  // The one place the index's sentences are made: split, then tagged with their answer kinds (not
  // in the first pass, which needs only their spans). Tagging does not depend on what was tagged
  // before (src/chunking/tagger.ts), so an article gets the same kinds in a full or incremental build.
  const split = splitSentences(article);
  const sentences = tag ? tagSentences(article.text, split) : split;
  return { article: { ...article, sentences }, chunks: chunkArticle(article, sentences, counter, chunking) };
}

interface Embedded {
  /** Per article of the batch: its chunks' vectors, its sentences' vectors, and every key looked up (chunks', then sentences'). */
  chunkVectors: Float32Array[][];
  sentenceVectors: Float32Array[][];
  keys: string[][];
  /** The vectors made in this batch, by key. */
  fresh: Map<string, Float32Array>;
  counts: { chunks: number; sentences: number };
}

interface EmbedProgressState {
  done: number;
  total: number;
}

/** Vectors for every chunk and sentence of a batch of articles, from the cache where the same text was embedded before. */
async function embedAll(
  articles: readonly PreparedArticle[],
  cache: VectorCache,
  options: BuildOptions,
  kind: SentenceVectorKind,
  progress: EmbedProgressState,
  /** Word pieces of a text by its key, where already counted. */
  counted?: (key: string) => number | undefined,
): Promise<Embedded> {
  if (kind === 'late') return embedLate(articles, cache, options, progress);
  if (kind === 'sentences-only') return embedSentencesOnly(articles, cache, options, progress, counted);
  return embedSeparately(articles, cache, options, progress);
}

/** The progress callback of one embedding call, as a part of the build's whole. */
function embedProgress(options: BuildOptions, progress: EmbedProgressState): (p: { done: number }) => void {
  // What this call adds to the whole (calls may overlap: see embedInCorpusOrder).
  let counted = 0;
  return ({ done }) => {
    options.signal?.throwIfAborted();
    progress.done += done - counted;
    counted = done;
    options.onProgress?.({ phase: 'embed', done: progress.done, total: progress.total });
  };
}

/** Chunks and sentences embedded as texts of their own. */
async function embedSeparately(articles: readonly PreparedArticle[], cache: VectorCache, options: BuildOptions, progress: EmbedProgressState): Promise<Embedded> {
  const keys = articles.map(separateKeys);
  const missing = new Map<string, string>();
  const chunkKeys = new Set<string>();
  articles.forEach((p, a) => {
    const chunkCount = p.chunks.length;
    keys[a]!.forEach((hash, i) => {
      if (cache.has(hash) || missing.has(hash)) return;
      missing.set(hash, i < chunkCount ? embeddingInput(p.chunks[i]!) : textOf(p.article, p.article.sentences[i - chunkCount]!));
    });
    for (const hash of keys[a]!.slice(0, chunkCount)) chunkKeys.add(hash);
  });
  const texts = [...missing.values()];
  const vectors = texts.length > 0 ? await options.embeddings.embedMany(texts, embedProgress(options, progress)) : [];
  const fresh = new Map([...missing.keys()].map((hash, i) => [hash, vectors[i]!]));
  const lookup = (hash: string) => fresh.get(hash) ?? cache.get(hash)!;
  const missingChunks = [...chunkKeys].filter((h) => fresh.has(h)).length;
  return {
    chunkVectors: articles.map((p, a) => keys[a]!.slice(0, p.chunks.length).map(lookup)),
    sentenceVectors: articles.map((p, a) => keys[a]!.slice(p.chunks.length).map(lookup)),
    keys,
    fresh,
    counts: { chunks: missingChunks, sentences: missing.size - missingChunks },
  };
}

/**
 * Sentences only: each sentence's vector as a separate build makes it (keyed by its text's hash),
 * and each chunk's made from them (pooledChunkVector); no chunk text goes through the model.
 */
async function embedSentencesOnly(
  articles: readonly PreparedArticle[],
  cache: VectorCache,
  options: BuildOptions,
  progress: EmbedProgressState,
  counted: (key: string) => number | undefined = () => undefined,
): Promise<Embedded> {
  const keys = articles.map((p) => p.article.sentences.map((sentence) => sha256(textOf(p.article, sentence))));
  const missing = new Map<string, string>();
  articles.forEach((p, a) => {
    keys[a]!.forEach((key, i) => {
      if (!cache.has(key) && !missing.has(key)) missing.set(key, textOf(p.article, p.article.sentences[i]!));
    });
  });
  const texts = [...missing.values()];
  const vectors = texts.length > 0 ? await options.embeddings.embedMany(texts, embedProgress(options, progress)) : [];
  const fresh = new Map([...missing.keys()].map((key, i) => [key, vectors[i]!]));
  const sentenceVectors = keys.map((article) => article.map((key) => fresh.get(key) ?? cache.get(key)!));
  const { embeddings } = options;
  // A whole sentence's word pieces: as counted to sort the texts to embed, else counted now, once per sentence.
  const piecesOf = (a: number) => {
    const known = new Map<number, number>();
    return (sentence: number, text: string): number => {
      let count = known.get(sentence) ?? counted(keys[a]![sentence]!);
      if (count === undefined) count = embeddings.countTokens(text);
      known.set(sentence, count);
      return count;
    };
  };
  return {
    chunkVectors: articles.map((p, a) => {
      const pieces = piecesOf(a);
      return p.chunks.map((chunk) => pooledChunkVector(p.article, chunk, sentenceVectors[a]!, embeddings, pieces));
    }),
    sentenceVectors,
    keys,
    fresh,
    counts: { chunks: 0, sentences: missing.size },
  };
}

/**
 * A sentences-only chunk vector: the mean of the vectors of the sentences the chunk holds (rows
 * sentenceStart to sentenceEnd of the article's sentences, an overlapped one included as in its
 * text), each weighted by its word pieces in the chunk (for a sentence too long for one chunk, the
 * pieces of the part this chunk holds), normalised to unit length. The chunk's heading is not in it.
 */
export function pooledChunkVector(
  article: Pick<StoredArticle, 'id' | 'text' | 'sentences'>,
  chunk: Pick<Chunk, 'start' | 'end' | 'sentenceStart' | 'sentenceEnd' | 'ordinal'>,
  sentenceVectors: readonly Float32Array[],
  embeddings: Pick<IndexEmbedder, 'countTokens' | 'dimensions'>,
  /** The word pieces ([CLS] and [SEP] included) of whole sentence `sentence` (`text`), when already counted. */
  wholeSentence: (sentence: number, text: string) => number = (_, text) => embeddings.countTokens(text),
): Float32Array {
  const specials = embeddings.countTokens('');
  const sum = new Float64Array(embeddings.dimensions);
  for (let i = chunk.sentenceStart; i < chunk.sentenceEnd; i++) {
    const sentence = article.sentences[i];
    const vector = sentenceVectors[i];
    if (sentence === undefined || vector === undefined) continue;
    const whole = sentence.start >= chunk.start && sentence.end <= chunk.end;
    const part = article.text.slice(Math.max(sentence.start, chunk.start), Math.min(sentence.end, chunk.end));
    const weight = Math.max(1, (whole ? wholeSentence(i, part) : embeddings.countTokens(part)) - specials);
    for (let d = 0; d < sum.length; d++) sum[d]! += weight * vector[d]!;
  }
  let norm = 0;
  for (const x of sum) norm += x * x;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) {
    throw new IndexError(`Chunk ${chunk.ordinal} of article ${article.id} holds no sentence to make its vector from (sentences ${chunk.sentenceStart}–${chunk.sentenceEnd}).`, {
      hint: REBUILD_HINT,
    });
  }
  return Float32Array.from(sum, (x) => x / norm);
}

function textOf(article: Pick<StoredArticle, 'text'>, span: { start: number; end: number }): string {
  return article.text.slice(span.start, span.end);
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
async function embedLate(articles: readonly PreparedArticle[], cache: VectorCache, options: BuildOptions, progress: EmbedProgressState): Promise<Embedded> {
  const plans = articles.map((p) => lateChunkPlans(p.article, p.chunks));
  const fresh = new Map<string, Float32Array>();
  const toRun = new Map<string, ChunkPlan>();
  for (const plan of plans.flat()) {
    if (!cache.has(plan.key) || plan.sentences.some((s) => !cache.has(s.key))) toRun.set(`${plan.key}:${plan.sentences.map((s) => s.key).join(',')}`, plan);
  }
  const runs = [...toRun.values()];
  const vectors = runs.length > 0 ? await options.embeddings.embedSpans(runs.map((plan) => ({ text: plan.input, spans: plan.sentences.map((s) => s.span) })), embedProgress(options, progress)) : [];
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
    chunkVectors: plans.map((article) => article.map((plan) => lookup(plan.key))),
    sentenceVectors: sentenceKeys.map((keys) => keys.map(lookup)),
    keys: plans.map((article, a) => [...article.map((plan) => plan.key), ...sentenceKeys[a]!]),
    fresh,
    counts: { chunks: runs.length, sentences: alone.size },
  };
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
