/**
 * Builds (or incrementally updates) the persisted index of a corpus.
 *
 * Unchanged articles keep their sentences, chunks and vectors; changed and new ones are
 * re-chunked, and only text never embedded before is sent to the model (vectors are
 * looked up by the hash of the exact text embedded); deleted articles disappear. The result
 * is written as a new generation and published atomically (see layout.ts).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import { tagSentences } from '../chunking/answer-kinds.js';
import { chunkArticle } from '../chunking/chunk.js';
import { splitSentences } from '../chunking/sentences.js';
import { DEFAULT_CHUNKING, embeddingInput, type Chunk, type ChunkingOptions } from '../chunking/types.js';
import { loadCorpus } from '../corpus/load.js';
import type { Article, CorpusWarning } from '../corpus/types.js';
import { sha256 } from '../core/hash.js';
import type { LocalEmbeddings } from '../embedding/embedder.js';
import { acquireBuildLock } from './build-lock.js';
import { digestFile, type FileDigest } from './checksum.js';
import { DEFAULT_HNSW, HnswVectorStore, type HnswParams } from './hnsw-store.js';
import { createGeneration, currentGeneration, discardGeneration, publishGeneration, removeStaleGenerations, writeFailure } from './layout.js';
import { LEXICAL_FILE, LEXICAL_POSTINGS_FILE, LexicalIndex } from './lexical-index.js';
import { FORMAT_VERSION, modelMismatch, PIPELINE_VERSION, readManifest, writeManifest, type Manifest } from './manifest.js';
import { ARTICLES_FILE, DATA_FILES, IndexSnapshot, SENTENCE_VECTORS_FILE, type ChunkMetadata, type StoredArticle } from './snapshot.js';
import { writeVectors } from './vectors-file.js';
import { Vocabulary, VOCABULARY_FILE } from './vocabulary.js';

export type BuildProgress =
  | { phase: 'scan'; corpusDir: string }
  | { phase: 'plan'; toEmbed: number; reused: number }
  | { phase: 'embed'; done: number; total: number }
  | { phase: 'write'; dir: string };

export interface BuildOptions {
  corpusDir: string;
  indexDir: string;
  embeddings: LocalEmbeddings;
  /** Ignore the existing index and embed everything again. */
  full?: boolean;
  chunking?: ChunkingOptions;
  hnsw?: HnswParams;
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
  /** Texts sent to the model in this build. */
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
    options.onProgress?.({ phase: 'scan', corpusDir: options.corpusDir });
    const corpus = await loadCorpus(options.corpusDir);
    const chunking = options.chunking ?? DEFAULT_CHUNKING;
    const hnsw = options.hnsw ?? DEFAULT_HNSW;
    const { previous, fullReason } = await openPrevious(options, chunking);
    const plan = diff(corpus.articles, previous?.snapshot);

    const nothingChanged =
      previous !== undefined && plan.added.length + plan.changed.length + plan.removed.length === 0 && sameHnsw(previous.snapshot.manifest, hnsw);
    if (nothingChanged) {
      return summary(plan, previous.snapshot.manifest.counts, { chunks: 0, sentences: 0 }, corpus.warnings, false, previous.snapshot.dir, started);
    }

    const unchanged = new Set(plan.unchanged);
    const articles = corpus.articles.map((article) => prepareArticle(article, previous?.snapshot, unchanged, options.embeddings, chunking));
    const embedded = await embedAll(articles, previous?.cache ?? new Map(), options);

    options.signal?.throwIfAborted();
    dir = await createGeneration(options.indexDir);
    options.onProgress?.({ phase: 'write', dir });
    const counts = await writeGeneration(dir, articles, embedded, options, chunking, hnsw, started);
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
  if (manifest.chunking.maxTokens !== chunking.maxTokens || manifest.chunking.overlapSentences !== chunking.overlapSentences) {
    return { fullReason: 'the chunking settings changed' };
  }
  // Opening verifies every file against its checksum, and reading the vectors checks each one, so
  // nothing damaged is reused: a damaged index is rebuilt from the corpus, every text embedded again.
  try {
    const snapshot = await IndexSnapshot.openGeneration(dir, options.embeddings);
    return { previous: { snapshot, cache: vectorCache(snapshot) } };
  } catch (error) {
    return { fullReason: `the existing index is damaged (${(error as Error).message})` };
  }
}

function vectorCache(snapshot: IndexSnapshot): Map<string, Float32Array> {
  const cache = new Map<string, Float32Array>();
  snapshot.chunks.forEach((chunk, label) => cache.set(sha256(embeddingInput(chunk)), snapshot.chunkVector(label)));
  const dimensions = snapshot.dimensions;
  for (const article of snapshot.articles) {
    const vectors = snapshot.sentenceVectorsOf(article.id);
    for (const sentence of article.sentences) {
      const vector = vectors.subarray(sentence.index * dimensions, (sentence.index + 1) * dimensions);
      cache.set(sha256(article.text.slice(sentence.start, sentence.end)), vector);
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

function diff(articles: readonly Article[], previous: IndexSnapshot | undefined): Plan {
  const plan: Plan = { added: [], changed: [], removed: [], unchanged: [] };
  const before = previous?.manifest.articles ?? {};
  const reread = previous !== undefined && previous.manifest.pipelineVersion !== PIPELINE_VERSION;
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

async function writeGeneration(
  dir: string,
  prepared: readonly PreparedArticle[],
  embedded: Embedded,
  options: BuildOptions,
  chunking: ChunkingOptions,
  hnsw: HnswParams,
  started: number,
): Promise<Manifest['counts']> {
  const dimensions = options.embeddings.dimensions;
  const store = new HnswVectorStore(options.embeddings, { dimensions, params: hnsw });
  const documents = prepared.flatMap(({ article, chunks }) => chunks.map((chunk) => chunkDocument(article, chunk)));
  await store.addVectors(embedded.chunkVectors, documents);
  await store.save(dir);

  const lexical = LexicalIndex.build(
    prepared.flatMap(({ article, chunks }) => chunks.map((chunk) => ({ title: article.title, heading: chunk.heading ?? '', text: chunk.text }))),
  );
  await lexical.save(path.join(dir, LEXICAL_FILE), path.join(dir, LEXICAL_POSTINGS_FILE));
  // Counted over the articles (each title once), not the chunks, which repeat titles and overlap.
  const vocabulary = Vocabulary.build(prepared.flatMap(({ article }) => [article.title, article.text]));
  await vocabulary.save(path.join(dir, VOCABULARY_FILE));
  await writeVectors(path.join(dir, SENTENCE_VECTORS_FILE), embedded.sentenceVectors, dimensions);
  await writeFile(path.join(dir, ARTICLES_FILE), JSON.stringify(prepared.map((p) => p.article)));

  const counts = {
    articles: prepared.length,
    chunks: documents.length,
    sentences: embedded.sentenceVectors.length,
  };
  // Each file's size and SHA-256, read back from disk: what a reader will verify before using it.
  const digests = await Promise.all(DATA_FILES.map((name) => digestFile(path.join(dir, name))));
  const files: Record<string, FileDigest> = Object.fromEntries(DATA_FILES.map((name, i) => [name, digests[i]!]));
  await writeManifest(dir, {
    formatVersion: FORMAT_VERSION,
    pipelineVersion: PIPELINE_VERSION,
    model: {
      id: options.embeddings.modelId,
      quantized: options.embeddings.quantized,
      dimensions,
      maxTokens: options.embeddings.maxTokens,
    },
    chunking,
    hnsw: { ...hnsw, space: 'cosine' },
    articles: Object.fromEntries(
      prepared.map(({ article, chunks }) => [
        article.id,
        { path: article.path, title: article.title, contentHash: article.contentHash, chunks: chunks.length, sentences: article.sentences.length },
      ]),
    ),
    counts,
    files,
    builtAt: new Date().toISOString(),
    buildMs: Math.round(performance.now() - started),
  });
  return counts;
}

function chunkDocument(article: StoredArticle, chunk: Chunk): Document {
  const { text, ...rest } = chunk;
  const metadata: ChunkMetadata = { ...rest, title: article.title, path: article.path };
  if (article.url !== undefined) metadata.url = article.url;
  return new Document({ pageContent: text, metadata, id: chunk.id });
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
