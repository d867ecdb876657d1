/** Promise-based waiting for something to show up in a growing log, with timeouts that never keep the process alive. */

interface Waiter<T> {
  predicate: (item: T) => boolean;
  resolve: (item: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** An append-only log that can be awaited: `waitFor` resolves with the first item (past or future) matching a predicate. */
export class WaitableLog<T> {
  /** Every item pushed so far, oldest first. */
  readonly items: T[] = [];
  private waiters = new Set<Waiter<T>>();
  private closedError: Error | null = null;

  constructor(private readonly describe: string) {}

  /** Appends an item and wakes the waiters it satisfies. */
  push(item: T): void {
    this.items.push(item);
    for (const waiter of [...this.waiters]) {
      let matches = false;
      try {
        matches = waiter.predicate(item);
      } catch (error) {
        this.settle(waiter);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (matches) {
        this.settle(waiter);
        waiter.resolve(item);
      }
    }
  }

  /**
   * Resolves with the first item matching `predicate`: an item already in the log at index `fromIndex` or
   * later, or else the next matching item pushed. Rejects after `timeoutMs` with a message naming `what`.
   */
  waitFor(predicate: (item: T) => boolean, timeoutMs: number, what: string, fromIndex = 0): Promise<T> {
    for (let i = fromIndex; i < this.items.length; i++) {
      const item = this.items[i] as T;
      if (predicate(item)) return Promise.resolve(item);
    }
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${this.describe}: ${what} (${this.items.length} seen)`));
      }, timeoutMs);
      timer.unref();
      const waiter: Waiter<T> = { predicate, resolve, reject, timer };
      this.waiters.add(waiter);
    });
  }

  /** Rejects every pending waiter (and every later `waitFor` that finds nothing in the log). */
  close(reason: string): void {
    this.closedError = new Error(`${this.describe}: ${reason}`);
    for (const waiter of [...this.waiters]) {
      this.settle(waiter);
      waiter.reject(this.closedError);
    }
  }

  private settle(waiter: Waiter<T>): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
  }
}
