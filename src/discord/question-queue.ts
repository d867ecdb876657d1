/**
 * A global limit on questions being answered at once, with a bounded first-come-first-served queue.
 *
 * A question first `reserve()`s a place, synchronously, the moment it arrives: a running slot if one
 * is free, else a place in the queue. When all `concurrency` slots and `maxQueued` queue places are
 * taken the reservation is refused at once, and the asker is told the bot is busy (rather than being
 * left waiting for an answer that may take minutes). Reserving before replying lets the busy message
 * be sent straight away, ephemerally, instead of after a deferral.
 */

/** A place held in the queue: run the work with `run`, or give the place back with `cancel`. */
export interface QueueTicket {
  /** Waits for a running slot, runs `task` in it, and frees the slot when it settles. At most once. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Gives the place back without running anything (no-op once `run` was called). */
  cancel(): void;
}

export interface QuestionQueueOptions {
  /** Questions answered at the same time (at least 1). */
  concurrency: number;
  /** Questions that may wait for a slot beyond those (0: none wait). */
  maxQueued: number;
}

export class QuestionQueue {
  private running = 0;
  /** Reserved places not yet running (waiting for a slot, or not yet handed a task). */
  private reserved = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly idleWaiters = new Set<() => void>();
  private closed = false;
  private readonly concurrency: number;
  private readonly maxQueued: number;

  constructor(options: QuestionQueueOptions) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency));
    this.maxQueued = Math.max(0, Math.floor(options.maxQueued));
  }

  /** Questions being answered now. */
  get active(): number {
    return this.running;
  }

  /** Places reserved but not running. */
  get pending(): number {
    return this.reserved;
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Reserves a place, or returns undefined when the queue is full or closed. */
  reserve(): QueueTicket | undefined {
    if (this.closed) return undefined;
    if (this.running + this.reserved >= this.concurrency + this.maxQueued) return undefined;
    this.reserved++;
    let state: 'reserved' | 'running' | 'done' = 'reserved';
    return {
      run: async <T>(task: () => Promise<T>): Promise<T> => {
        if (state !== 'reserved') throw new Error('A queue ticket runs at most once');
        state = 'running';
        await this.acquire();
        try {
          return await task();
        } finally {
          state = 'done';
          this.release();
        }
      },
      cancel: () => {
        if (state !== 'reserved') return;
        state = 'done';
        this.reserved--;
        this.notifyIdle();
      },
    };
  }

  /** Refuses new reservations from now on (those already made still run). */
  close(): void {
    this.closed = true;
  }

  /** Resolves true when nothing is running or reserved, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.running + this.reserved === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(value);
      };
      const onIdle = (): void => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      this.idleWaiters.add(onIdle);
    });
  }

  private acquire(): Promise<void> {
    if (this.running < this.concurrency && this.waiting.length === 0) {
      this.reserved--;
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.reserved--;
        this.running++;
        resolve();
      });
    });
  }

  private release(): void {
    this.running--;
    const next = this.waiting.shift();
    if (next) next();
    else this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.running + this.reserved !== 0) return;
    for (const waiter of [...this.idleWaiters]) waiter();
  }
}
