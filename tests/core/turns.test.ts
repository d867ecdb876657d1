/**
 * Work in turns: the same result as doing it at once, with the event loop let in between turns
 * (an index build's embedding workers are fed from replies that only the event loop delivers).
 */
import { describe, expect, it } from 'vitest';
import { mapInTurns, Turns } from '../../src/core/turns.js';

/** Busy for `ms` milliseconds (work that does not let the event loop in). */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('turns', () => {
  it('maps in order, letting the event loop in between turns', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const out = await mapInTurns(
        Array.from({ length: 40 }, (_, i) => i),
        (n, i) => {
          spin(2);
          return n * 10 + i;
        },
        5,
      );
      expect(out).toEqual(Array.from({ length: 40 }, (_, i) => i * 11));
      // 80 ms of work in turns of ~5 ms: the timer ran between them.
      expect(ticks).toBeGreaterThan(3);
    } finally {
      clearInterval(timer);
    }
  });

  it('keeps the event loop out while a turn lasts', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const out = await mapInTurns([1, 2, 3], (n) => n + 1, 60_000);
      expect(out).toEqual([2, 3, 4]);
      expect(ticks).toBe(0);
      const turns = new Turns(60_000);
      expect(turns.over).toBe(false);
      await turns.pass();
      expect(new Turns(0).over).toBe(true);
    } finally {
      clearInterval(timer);
    }
  });
});
