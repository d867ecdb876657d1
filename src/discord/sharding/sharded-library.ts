/**
 * The Library as a shard's bot sees it: answering is the shard's own Library, rebuilding is shared.
 *
 * Every shard process has its own Library over the same index directory. A `/reindex` in one shard
 * claims the rebuild from the manager, so that only one build runs for all shards; the others report
 * `isRebuilding` meanwhile (so `/reindex` there says one is running), and a `/reindex` that races
 * in another shard joins the running one, as a second call does within one process. When it ends
 * the others switch to the new generation with `Library.reload()` — no restart, no second build.
 */
import type { Library } from '../../answer/library.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { BuildSummary } from '../../index/build.js';
import type { AnswerLibrary } from '../context.js';
import type { RebuildOutcome } from './messages.js';
import type { ShardLink } from './shard-link.js';

/** What the library needs of the link to the manager (ShardLink; a stand-in in tests). */
export type RebuildCoordinator = Pick<ShardLink, 'claimRebuild' | 'rebuildDone' | 'listen'>;

type ReloadingLibrary = AnswerLibrary & Pick<Library, 'reload'>;

interface Joiner {
  resolve: (summary: BuildSummary) => void;
  reject: (error: Error) => void;
}

export class ShardedLibrary implements AnswerLibrary {
  /** The shard rebuilding now, when it is another one. */
  private elsewhere: number | undefined;
  private own: Promise<BuildSummary> | undefined;
  private joiners: Joiner[] = [];

  constructor(
    private readonly library: ReloadingLibrary,
    private readonly link: RebuildCoordinator,
    private readonly logger: Logger,
  ) {
    link.listen({
      started: (shard) => {
        this.elsewhere = shard;
        logger.info({ by: shard }, `shard ${shard} is rebuilding the index`);
      },
      finished: (shard, outcome) => void this.finished(shard, outcome),
    });
  }

  ask(...args: Parameters<AnswerLibrary['ask']>): ReturnType<AnswerLibrary['ask']> {
    return this.library.ask(...args);
  }

  articles(): ReturnType<AnswerLibrary['articles']> {
    return this.library.articles();
  }

  article(id: string): ReturnType<AnswerLibrary['article']> {
    return this.library.article(id);
  }

  /** True while any shard rebuilds. */
  get isRebuilding(): boolean {
    return this.own !== undefined || this.elsewhere !== undefined || this.library.isRebuilding;
  }

  /** Rebuilds here if no shard is rebuilding, else waits for that rebuild and resolves with its summary. */
  async rebuild(options?: Parameters<AnswerLibrary['rebuild']>[0]): Promise<BuildSummary> {
    if (this.own) return this.own;
    if (this.elsewhere !== undefined || !(await this.link.claimRebuild())) return this.join();
    this.own = this.rebuildHere(options);
    try {
      return await this.own;
    } finally {
      this.own = undefined;
    }
  }

  private async rebuildHere(options: Parameters<AnswerLibrary['rebuild']>[0]): Promise<BuildSummary> {
    try {
      const summary = await this.library.rebuild(options);
      this.link.rebuildDone({ ok: true, summary });
      return summary;
    } catch (error) {
      this.link.rebuildDone({ ok: false, message: describeError(error) });
      throw error;
    }
  }

  private join(): Promise<BuildSummary> {
    return new Promise((resolve, reject) => this.joiners.push({ resolve, reject }));
  }

  /** Another shard's rebuild ended: switch to its generation, then tell whoever joined it. */
  private async finished(shard: number, outcome: RebuildOutcome): Promise<void> {
    if (outcome.ok && outcome.summary.written) {
      try {
        const switched = await this.library.reload();
        this.logger.info({ by: shard, switched }, `switched to the index shard ${shard} rebuilt`);
      } catch (error) {
        this.logger.error({ err: error, by: shard }, `could not switch to the index shard ${shard} rebuilt; still answering from the previous one`);
      }
    }
    if (this.elsewhere === shard) this.elsewhere = undefined;
    const joiners = this.joiners;
    this.joiners = [];
    for (const joiner of joiners) {
      if (outcome.ok) joiner.resolve(outcome.summary);
      else joiner.reject(new Error(outcome.message));
    }
  }
}
