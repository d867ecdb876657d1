/**
 * The corpus as the front ends see it: ask a question, list and show articles, rebuild the
 * index. Holds the live snapshot and its engine; a rebuild runs beside them and swaps in a new
 * pair when it is complete, so questions never wait for it and never see half an index.
 */
import path from 'node:path';
import type { BaseConfig } from '../core/config.js';
import { IndexError } from '../core/errors.js';
import { LocalEmbeddings } from '../embedding/embedder.js';
import { buildIndex, type BuildOptions, type BuildSummary } from '../index/build.js';
import { buildIndexInChild } from '../index/build-in-child.js';
import { currentGeneration, previousGeneration } from '../index/layout.js';
import { IndexSnapshot } from '../index/snapshot.js';
import { isEnglishWord } from '../retrieval/english-words.js';
import { AnswerEngine, type AskOptions, type EngineOptions } from './engine.js';
import { articleSummary, type ArticleSummary } from './article-summary.js';
import type { Answer } from './types.js';

export type { ArticleSummary };

export interface LibraryOptions {
  config: Pick<BaseConfig, 'corpusDir' | 'indexDir' | 'modelDir' | 'modelId' | 'quantized'>;
  engine?: Partial<EngineOptions>;
  /** Build the index first when none exists (otherwise opening fails with a hint). */
  buildIfMissing?: boolean;
  onBuildProgress?: BuildOptions['onProgress'];
  /**
   * Called when the live index cannot be opened (damaged) and the previous generation, which
   * verifies, answers instead. Without it, a damaged live index fails the open.
   */
  onFallback?: (error: IndexError, previousDir: string) => void;
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

  private constructor(
    private readonly options: LibraryOptions,
    readonly embeddings: LocalEmbeddings,
    snapshot: IndexSnapshot,
  ) {
    this.engine = new AnswerEngine(snapshot, embeddings, options.engine);
  }

  /** Loads the model and the live index (building it first if asked and there is none). */
  static async open(options: LibraryOptions): Promise<Library> {
    const { config } = options;
    const embeddings = await LocalEmbeddings.load({ modelId: config.modelId, modelDir: config.modelDir, quantized: config.quantized });
    let snapshot: IndexSnapshot;
    try {
      snapshot = await IndexSnapshot.open(config.indexDir);
    } catch (error) {
      const missing = error instanceof IndexError && error.message.startsWith('No index has been built');
      if (missing && options.buildIfMissing) {
        await buildIndex(buildOptions(options, embeddings, false));
        snapshot = await IndexSnapshot.open(config.indexDir);
      } else {
        snapshot = await openPrevious(options, error);
      }
    }
    // Spelling correction's word list, read now rather than while someone waits for an answer.
    isEnglishWord('warm');
    return new Library(options, embeddings, snapshot);
  }

  get snapshot(): IndexSnapshot {
    return this.engine.snapshot;
  }

  ask(question: string, options?: AskOptions): Promise<Answer> {
    return this.engine.ask(question, {}, options);
  }

  articles(): ArticleSummary[] {
    return this.snapshot.articles.map((article) => articleSummary(article, this.snapshot));
  }

  article(id: string): (ArticleSummary & { text: string }) | undefined {
    const article = this.snapshot.article(id);
    return article && { ...articleSummary(article, this.snapshot), text: article.text };
  }

  /**
   * Switches to the index directory's live generation if it is not the one answering (a build run
   * beside the bot, say `npm run index`). Returns whether it switched. The new generation is
   * verified (every file against its checksum) before it replaces the old one; if it is damaged,
   * the old one keeps answering and the IndexError, naming the file, is thrown.
   */
  async reload(): Promise<boolean> {
    const dir = await currentGeneration(this.options.config.indexDir);
    if (dir === undefined || dir === this.snapshot.dir) return false;
    await this.swapTo(dir);
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
      const summary = await buildIndexInChild(
        {
          model: { modelId: config.modelId, modelDir: config.modelDir, quantized: config.quantized },
          build: { corpusDir: config.corpusDir, indexDir: config.indexDir, full: options.full ?? false },
        },
        options.onProgress,
      );
      if (summary.written) await this.swapTo(summary.generationDir, () => options.beforeSwap?.(summary));
      return summary;
    })();
    try {
      return await this.rebuilding;
    } finally {
      this.rebuilding = undefined;
    }
  }

  /**
   * Opens generation `dir` (verifying every file) and makes it the one that answers. If it cannot
   * be opened the one answering now stays, and the error says so.
   */
  private async swapTo(dir: string, beforeSwap?: () => Promise<void> | void): Promise<void> {
    let snapshot: IndexSnapshot;
    try {
      snapshot = await IndexSnapshot.openGeneration(dir);
    } catch (error) {
      if (!(error instanceof IndexError)) throw error;
      const serving = path.basename(this.snapshot.dir);
      throw new IndexError(`${error.message} Still answering from the previous index (${serving}).`, {
        cause: error,
        ...(error.hint === undefined ? {} : { hint: error.hint }),
        ...(error.path === undefined ? {} : { path: error.path }),
      });
    }
    await beforeSwap?.();
    this.engine = new AnswerEngine(snapshot, this.embeddings, this.options.engine);
  }
}

/**
 * The previous generation, when the live one is damaged and the previous one verifies: the bot keeps
 * answering (from the corpus as it was one build ago) instead of not starting. Rethrows `error` otherwise.
 */
async function openPrevious(options: LibraryOptions, error: unknown): Promise<IndexSnapshot> {
  if (!(error instanceof IndexError) || !options.onFallback) throw error;
  const previous = await previousGeneration(options.config.indexDir);
  if (previous === undefined) throw error;
  const snapshot = await IndexSnapshot.openGeneration(previous).catch(() => {
    throw error;
  });
  options.onFallback(error, previous);
  return snapshot;
}

function buildOptions(options: LibraryOptions, embeddings: LocalEmbeddings, full: boolean): BuildOptions {
  const built: BuildOptions = { corpusDir: options.config.corpusDir, indexDir: options.config.indexDir, embeddings, full };
  if (options.onBuildProgress) built.onProgress = options.onBuildProgress;
  return built;
}
