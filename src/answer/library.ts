/**
 * The corpus as the front ends see it: ask a question, list and show articles, rebuild the
 * index. Holds the live index store (file or PostgreSQL, by configuration) and its engine; a
 * rebuild runs beside them and swaps in a new pair when it is complete, so questions never wait for
 * it and never see half an index. A store replaced is closed once the questions it was answering
 * are done.
 */
import path from 'node:path';
import type { BaseConfig } from '../core/config.js';
import { IndexError } from '../core/errors.js';
import { LocalEmbeddings } from '../embedding/embedder.js';
// The build's code (corpus readers, chunking, the generation writer) is imported where a build runs, not at every start.
import type { BuildOptions, BuildSummary } from '../index/build.js';
import { previousGeneration } from '../index/layout.js';
import { openIndexStore } from '../index/open-store.js';
import type { IndexStore } from '../index/store.js';
import { isEnglishWord } from '../retrieval/english-words.js';
import { AnswerEngine, type AskOptions, type EngineOptions } from './engine.js';
import { articleSummary, type ArticleSummary } from './article-summary.js';
import type { Answer } from './types.js';

export type { ArticleSummary };

export interface LibraryOptions {
  config: Pick<BaseConfig, 'corpusDir' | 'indexDir' | 'modelDir' | 'modelId' | 'quantized'> & Partial<Pick<BaseConfig, 'indexStore' | 'databaseUrl' | 'indexPollSeconds' | 'embedWorkers' | 'indexVectors'>>;
  engine?: Partial<EngineOptions>;
  /**
   * Build the index first when none exists (otherwise opening fails with a hint). With the PostgreSQL store, only
   * one of the processes starting on an empty database builds and publishes (under the publish lock); the others
   * wait for its generation (`onWaitForIndex`).
   */
  buildIfMissing?: boolean;
  /** Told, with who builds it, when another process is building the missing PostgreSQL index and this one waits. */
  onWaitForIndex?: (builder: string) => void;
  /** Told each time another generation starts answering (a reload the store asked for, or a rebuild's). */
  onSwitch?: (generation: string) => void;
  onBuildProgress?: BuildOptions['onProgress'];
  /**
   * Called when the live index cannot be opened (damaged) and the previous generation, which
   * verifies, answers instead. Without it, a damaged live index fails the open.
   */
  onFallback?: (error: IndexError, previousDir: string) => void;
  /** Told when a reload the store asked for (IndexStore.watch) fails; the generation answering stays. */
  onReloadError?: (error: unknown) => void;
}

export interface RebuildOptions {
  /** Rebuild from scratch instead of incrementally. */
  full?: boolean;
  onProgress?: BuildOptions['onProgress'];
  /** Awaited once the new index is written and loaded, just before it replaces the live one. */
  beforeSwap?: (summary: BuildSummary) => Promise<void> | void;
}

export class Library {
  private engine: AnswerEngine;
  private rebuilding: Promise<BuildSummary> | undefined;
  /** Questions being answered, by the store answering them. */
  private readonly asking = new Map<IndexStore, number>();
  /** Stores replaced while they still had questions to finish: closed when the last one is done. */
  private readonly retiring = new Set<IndexStore>();
  private unwatch: (() => void) | undefined;

  private constructor(
    private readonly options: LibraryOptions,
    readonly embeddings: LocalEmbeddings,
    store: IndexStore,
  ) {
    this.engine = new AnswerEngine(store, embeddings, options.engine);
    this.watch(store);
  }

  /**
   * Loads the model and opens the live index, both at once (opening the index needs no model), building
   * the index first if asked and there is none.
   */
  static async open(options: LibraryOptions): Promise<Library> {
    const { config } = options;
    const loading = LocalEmbeddings.load({ modelId: config.modelId, modelDir: config.modelDir, quantized: config.quantized });
    const opening = openIndexStore(config);
    const [model, index] = await Promise.allSettled([loading, opening]);
    if (model.status === 'rejected') {
      if (index.status === 'fulfilled') await index.value.close();
      throw model.reason;
    }
    const embeddings = model.value;
    let store: IndexStore;
    if (index.status === 'fulfilled') store = index.value;
    else {
      const error: unknown = index.reason;
      const missing = error instanceof IndexError && /^No index has been (built|published)/.test(error.message);
      if (missing && options.buildIfMissing) {
        await buildMissing(options, embeddings);
        store = await openIndexStore(config);
      } else {
        store = await openPrevious(options, error);
      }
    }
    // Spelling correction's word list, read now rather than while someone waits for an answer.
    isEnglishWord('warm');
    return new Library(options, embeddings, store);
  }

  /** The index store answering now. */
  get store(): IndexStore {
    return this.engine.store;
  }

  async ask(question: string, options?: AskOptions): Promise<Answer> {
    const { engine } = this;
    const { store } = engine;
    this.asking.set(store, (this.asking.get(store) ?? 0) + 1);
    try {
      return await engine.ask(question, {}, options);
    } finally {
      const left = this.asking.get(store)! - 1;
      if (left > 0) this.asking.set(store, left);
      else {
        this.asking.delete(store);
        if (this.retiring.delete(store)) await store.close();
      }
    }
  }

  articles(): ArticleSummary[] {
    const { store } = this;
    return store.articles.map((article) => articleSummary(article, store.chunkCount(article.id)));
  }

  /** An article with its text, or undefined when the index holds no article with that id. */
  async article(id: string): Promise<(ArticleSummary & { text: string }) | undefined> {
    const { store } = this;
    const [view] = await store.articleViews([{ id, sentences: [] }]);
    return view && { ...articleSummary(view.article, store.chunkCount(id)), text: view.article.text };
  }

  /**
   * Switches to the store's live generation if it is not the one answering (a build run beside the
   * bot, say `npm run index`). Returns whether it switched. The new generation is verified (the file
   * index: every file against its checksum) before it replaces the old one; if it cannot be opened,
   * the old one keeps answering and the IndexError is thrown.
   */
  async reload(): Promise<boolean> {
    const live = await this.store.liveGeneration();
    if (live === undefined || live === this.store.generation.id) return false;
    await this.swapTo(live);
    return true;
  }

  /** True while a rebuild runs. */
  get isRebuilding(): boolean {
    return this.rebuilding !== undefined;
  }

  /**
   * Runs the (incremental) build in a child process and swaps the new index in. Questions keep
   * being answered from the old index meanwhile, without waiting for the model. A second call
   * while one runs joins the running one.
   */
  async rebuild(options: RebuildOptions = {}): Promise<BuildSummary> {
    if (this.rebuilding) return this.rebuilding;
    this.rebuilding = (async () => {
      const { config } = this.options;
      // With the PostgreSQL store the build is published there (its lock taken before the build), and every reader switches to it.
      const publisher = config.indexStore === 'postgres' && config.databaseUrl !== undefined ? await openPublisher(config.databaseUrl) : undefined;
      try {
        const { buildIndexInChild } = await import('../index/build-in-child.js');
        const summary = await buildIndexInChild(
          {
            model: { modelId: config.modelId, modelDir: config.modelDir, quantized: config.quantized },
            build: {
              corpusDir: config.corpusDir,
              indexDir: config.indexDir,
              full: options.full ?? false,
              // INDEX_VECTORS, else the kind the live index has (buildIndex's default).
              ...(config.indexVectors === undefined ? {} : { sentenceVectors: config.indexVectors }),
            },
            // A large rebuild embeds in the child's own worker processes (EMBED_WORKERS; none when not configured).
            embedding: { workers: config.embedWorkers ?? 0 },
          },
          options.onProgress,
        );
        let generation = summary.written ? path.basename(summary.generationDir) : undefined;
        if (publisher !== undefined) generation = (await publisher.publish(summary.generationDir)).generation;
        if (generation !== undefined && generation !== this.store.generation.id) await this.swapTo(generation, () => options.beforeSwap?.(summary));
        return summary;
      } finally {
        await publisher?.close();
      }
    })();
    try {
      return await this.rebuilding;
    } finally {
      this.rebuilding = undefined;
    }
  }

  /** Stops watching for new generations and closes the store (once the questions being answered are done). */
  async close(): Promise<void> {
    this.unwatch?.();
    this.unwatch = undefined;
    await this.retire(this.store);
  }

  /**
   * Opens generation `generation` (verifying it) and makes it the one that answers. If it cannot be
   * opened the one answering now stays, and the error says so.
   */
  private async swapTo(generation: string, beforeSwap?: () => Promise<void> | void): Promise<void> {
    let store: IndexStore;
    try {
      store = await openIndexStore(this.options.config, { generation });
    } catch (error) {
      if (!(error instanceof IndexError)) throw error;
      const serving = this.store.generation.id;
      throw new IndexError(`${error.message} Still answering from the previous index (${serving}).`, {
        cause: error,
        ...(error.hint === undefined ? {} : { hint: error.hint }),
        ...(error.path === undefined ? {} : { path: error.path }),
      });
    }
    try {
      await beforeSwap?.();
    } catch (error) {
      await store.close();
      throw error;
    }
    const old = this.store;
    this.unwatch?.();
    this.engine = new AnswerEngine(store, this.embeddings, this.options.engine);
    this.watch(store);
    this.options.onSwitch?.(store.generation.id);
    await this.retire(old);
  }

  /** Closes a store now if no question is using it, or when the last one is done. */
  private async retire(store: IndexStore): Promise<void> {
    if (this.asking.has(store)) this.retiring.add(store);
    else await store.close();
  }

  /** Reloads whenever the store says a new generation is live (stores that can tell: IndexStore.watch). */
  private watch(store: IndexStore): void {
    this.unwatch = store.watch?.(() => {
      this.reload().catch((error: unknown) => this.options.onReloadError?.(error));
    });
  }
}

/**
 * Builds the missing index: the file index; with the PostgreSQL store, the file index built and published
 * by the one process that takes the publish lock, while the others wait for it (publish-if-missing.ts).
 */
async function buildMissing(options: LibraryOptions, embeddings: LocalEmbeddings): Promise<void> {
  const { config } = options;
  const { buildIndex } = await import('../index/build.js');
  if (config.indexStore !== 'postgres' || config.databaseUrl === undefined) {
    await buildIndex(buildOptions(options, embeddings, false));
    return;
  }
  const { describeHolder, publishIfMissing } = await import('../index/postgres/publish-if-missing.js');
  await publishIfMissing(config.databaseUrl, {
    build: async () => (await buildIndex(buildOptions(options, embeddings, false))).generationDir,
    onWait: (holder) => options.onWaitForIndex?.(describeHolder(holder)),
  });
}

/** The PostgreSQL publisher (loaded only for INDEX_STORE=postgres, so a file-store bot never loads the client). */
async function openPublisher(databaseUrl: string): Promise<{ publish(dir: string): Promise<{ generation: string }>; close(): Promise<void> }> {
  const { PostgresPublisher } = await import('../index/postgres/publisher.js');
  return PostgresPublisher.open(databaseUrl);
}

/**
 * The previous generation, when the live one is damaged and the previous one verifies: the bot keeps
 * answering (from the corpus as it was one build ago) instead of not starting. Rethrows `error` otherwise.
 * (The file index keeps its previous generation; other stores answer from the live one or fail.)
 */
async function openPrevious(options: LibraryOptions, error: unknown): Promise<IndexStore> {
  const { config } = options;
  if (!(error instanceof IndexError) || !options.onFallback || (config.indexStore ?? 'file') !== 'file') throw error;
  const previous = await previousGeneration(config.indexDir);
  if (previous === undefined) throw error;
  const store = await openIndexStore(config, { generation: path.basename(previous) }).catch(() => {
    throw error;
  });
  options.onFallback(error, previous);
  return store;
}

function buildOptions(options: LibraryOptions, embeddings: LocalEmbeddings, full: boolean): BuildOptions {
  const built: BuildOptions = { corpusDir: options.config.corpusDir, indexDir: options.config.indexDir, embeddings, full };
  if (options.config.indexVectors !== undefined) built.sentenceVectors = options.config.indexVectors;
  if (options.onBuildProgress) built.onProgress = options.onBuildProgress;
  return built;
}
