/**
 * A build's first pass, and the embedding of what it found in the order embedding the whole
 * corpus at once would take it.
 *
 * The first pass splits and chunks every article (cheap beside embedding) and says how many
 * chunks there are, what is to be embedded and which new texts recur (`Survey`); for separate and
 * sentences-only vectors it also lists every text to embed once, with its word pieces, and keeps
 * each article's sentences and chunks (`SplitRecords`) for the second pass (build.ts), which
 * writes the articles. The texts are then embedded a slice at a time, their vectors written to a
 * scratch file and read back by row, while the sentences are tagged in turns on the build's thread.
 */
import { open } from 'node:fs/promises';
import { embeddingInput, type TokenCounter } from '../chunking/types.js';
import type { Article } from '../corpus/types.js';
import { IndexError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { Turns } from '../core/turns.js';
import type { IndexEmbedder } from '../embedding/embedder.js';
import {
  embedProgress,
  lateChunkPlans,
  lateSentenceKeys,
  textOf,
  type EmbedOptions,
  type EmbedProgressState,
  type PreparedArticle,
  type VectorCache,
} from './embed-articles.js';
import type { SentenceVectorKind } from './manifest.js';
import { SplitRecords } from './split-records.js';
import { VectorFileReader } from './vectors-file.js';

export interface Survey {
  /** Chunks in all (the new generation's HNSW graph is made for them). */
  chunks: number;
  /** As the 'plan' progress event says. */
  toEmbed: number;
  reused: number;
  /** Keys not in the previous generation that the build will look up more than once, by how many times. */
  later: Map<string, number>;
}

/**
 * The first pass of a late build: every article split and chunked (cheap beside embedding), its
 * chunks' passes and its texts' keys counted, nothing kept but counts. What it says is what
 * embedding the whole corpus at once would. (Separate and sentences-only builds survey in
 * collectInCorpusOrder.)
 */
export function surveyLate(articles: readonly Article[], prepare: (article: Article) => PreparedArticle, cache: VectorCache): Survey {
  const survey: Survey = { chunks: 0, toEmbed: 0, reused: 0, later: new Map() };
  const runs = new Set<string>();
  let texts = 0;
  for (const article of articles) {
    const prepared = prepare(article);
    survey.chunks += prepared.chunks.length;
    const plans = lateChunkPlans(prepared.article, prepared.chunks);
    texts += plans.length;
    for (const plan of plans) {
      if (!cache.has(plan.key) || plan.sentences.some((s) => !cache.has(s.key))) runs.add(sha256(`${plan.key}:${plan.sentences.map((s) => s.key).join(',')}`));
    }
    const keys = [...plans.map((plan) => plan.key), ...lateSentenceKeys(prepared.article, prepared.chunks, plans)];
    for (const key of keys) if (!cache.has(key)) survey.later.set(key, (survey.later.get(key) ?? 0) + 1);
  }
  survey.toEmbed = runs.size;
  survey.reused = texts - survey.toEmbed;
  // A key looked up once is never carried: only those that recur are kept (few, in a real corpus).
  for (const [key, uses] of survey.later) if (uses === 1) survey.later.delete(key);
  return survey;
}

/** Calls to the model take a multiple of this many texts: of the embedder's batch size (DEFAULT_BATCH_SIZE, 16; not imported, as that module loads onnxruntime). */
export const SLICE_MULTIPLE = 64;

/** Where a separate build keeps the vectors it made until their articles are written (in the new generation's directory; deleted before the manifest). */
export const EMBEDDED_SCRATCH_FILE = 'embedded.scratch';

export interface CorpusOrder {
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
export function collectInCorpusOrder(
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
export function countOf(order: CorpusOrder, key: string): number | undefined {
  const row = order.rows.get(key);
  return row === undefined ? undefined : order.counts[row];
}

/** An article as the first pass split it, its records unpacked for the second. */
export function unpacked(article: Article, records: SplitRecords): PreparedArticle {
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
export class TagInTurns {
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
export async function embedInCorpusOrder(
  order: CorpusOrder,
  file: string,
  options: EmbedOptions,
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
export interface EmbeddedVectors {
  vector(row: number): Float32Array;
  close(): void;
}
