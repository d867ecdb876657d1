/**
 * Long synchronous work cut into turns, so that the event loop runs in between: an index build
 * tokenizes and tags on the main thread while its embedding workers' replies must still be seen
 * (each reply sends the worker its next batch).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long one turn may run before it lets the event loop in. */
export const TURN_MS = 10;

/** A clock for one piece of work: check `over` between steps, and `pass()` through the event loop when it says so. */
export class Turns {
  private since = performance.now();

  constructor(private readonly turnMs: number = TURN_MS) {}

  /** Whether the current turn is over (then `pass()` lets the event loop in). */
  get over(): boolean {
    return performance.now() - this.since >= this.turnMs;
  }

  /** Lets the event loop in, and starts a new turn. */
  async pass(): Promise<void> {
    await nextTurn();
    this.since = performance.now();
  }
}

/** `items.map(fn)`, letting the event loop in every TURN_MS or so. */
export async function mapInTurns<T, R>(items: readonly T[], fn: (item: T, index: number) => R, turnMs: number = TURN_MS): Promise<R[]> {
  const turns = new Turns(turnMs);
  const out = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    out[i] = fn(items[i]!, i);
    if (turns.over) await turns.pass();
  }
  return out;
}
