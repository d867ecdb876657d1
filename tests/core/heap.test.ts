/**
 * limitHeapGrowth (src/core/heap.ts): the V8 flag it sets, and that V8 takes it in a running process
 * (a child that keeps ~95 MB live and churns garbage holds a much smaller heap with the limit).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from '../../src/core/heap.js';

describe('limitHeapGrowth', () => {
  it('sets --heap-growing-percent, leaves V8 alone at 0, and refuses a bad value', () => {
    const set: string[] = [];
    limitHeapGrowth(50, (flags) => set.push(flags));
    limitHeapGrowth(0, (flags) => set.push(flags));
    expect(set).toEqual(['--heap-growing-percent=50']);
    expect(() => limitHeapGrowth(-1, () => {})).toThrow(RangeError);
    expect(() => limitHeapGrowth(2.5, () => {})).toThrow('whole number of percent');
  });

  it('takes effect in a running process: the heap stays nearer what is live', () => {
    // ~95 MB kept live, then objects that survive a few rounds (promoted, then garbage): V8 alone lets the
    // heap grow to a multiple of the live size; with the limit it collects sooner.
    const child = (percent: number): number => {
      const script = `
        import { limitHeapGrowth } from './src/core/heap.ts';
        limitHeapGrowth(${percent});
        globalThis.live = Array.from({ length: 1000 }, (_, i) => Array.from({ length: 12_000 }, (_, j) => i + j));
        let recent = [];
        let most = 0;
        for (let round = 0; round < 600; round++) {
          recent.push(Array.from({ length: 20_000 }, (_, j) => ({ round, j })));
          if (recent.length > 4) recent.shift();
          most = Math.max(most, process.memoryUsage().heapTotal);
        }
        process.stdout.write(String(Math.round(most / 2 ** 20)));
      `;
      return Number(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }));
    };
    const unlimited = child(0);
    const limited = child(25);
    expect(limited).toBeLessThan(unlimited * 0.8);
  });
});
