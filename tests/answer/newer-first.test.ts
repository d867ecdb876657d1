/** Among equally good quotes, the newer article's first (select-quotes.ts: newerFirstAmongTies). */
import { describe, expect, it } from 'vitest';
import { newerFirstAmongTies, TIE_MARGIN } from '../../src/answer/select-quotes.js';

interface Q {
  id: string;
  score: number;
  published?: string;
}

const order = (quotes: Q[], margin?: number) => newerFirstAmongTies(quotes, (q) => q.score, (q) => q.published, margin).map((q) => q.id);

describe('newerFirstAmongTies', () => {
  it('puts the newer of two equally good quotes first', () => {
    expect(order([{ id: 'old', score: 0.5, published: '2024-01-01' }, { id: 'new', score: 0.495, published: '2025-06-30T10:00:00Z' }])).toEqual(['new', 'old']);
  });

  it('keeps a clearly better quote first, however old', () => {
    expect(order([{ id: 'old', score: 0.5, published: '2020-01-01' }, { id: 'new', score: 0.4, published: '2025-01-01' }])).toEqual(['old', 'new']);
  });

  it('uses a margin relative to the higher score: 2 % by default', () => {
    expect(TIE_MARGIN).toBe(0.02);
    const pair = (second: number): Q[] => [{ id: 'old', score: 1, published: '2024-01-01' }, { id: 'new', score: second, published: '2025-01-01' }];
    expect(order(pair(0.985))).toEqual(['new', 'old']);
    expect(order(pair(0.975))).toEqual(['old', 'new']);
    expect(order(pair(0.975), 0.05)).toEqual(['new', 'old']);
    // The same share at another scale.
    expect(order(pair(0.985).map((q) => ({ ...q, score: q.score / 1000 })))).toEqual(['new', 'old']);
  });

  it('leaves quotes without a date, or with one it cannot read, where they are', () => {
    const quotes: Q[] = [
      { id: 'a', score: 0.5, published: '2024-01-01' },
      { id: 'undated', score: 0.5 },
      { id: 'b', score: 0.5, published: '2025-01-01' },
      { id: 'bad', score: 0.5, published: 'last Tuesday' },
      { id: 'c', score: 0.5, published: '2026-01-01' },
    ];
    expect(order(quotes)).toEqual(['a', 'undated', 'b', 'bad', 'c']);
    expect(order([{ id: 'x', score: 1 }, { id: 'y', score: 1 }])).toEqual(['x', 'y']);
  });

  it('orders a run of tied dated quotes newest first, keeping the order of equal dates, and never passes a clearly better one', () => {
    const quotes: Q[] = [
      { id: 'best', score: 0.9, published: '2020-01-01' },
      { id: 'p', score: 0.5, published: '2023-01-01' },
      { id: 'q', score: 0.499, published: '2025-01-01' },
      { id: 'r', score: 0.498, published: '2024-01-01' },
      { id: 's', score: 0.497, published: '2025-01-01' },
    ];
    expect(order(quotes)).toEqual(['best', 'q', 's', 'r', 'p']);
  });

  it('is pure: the input is left as it was', () => {
    const quotes: Q[] = [{ id: 'old', score: 1, published: '2024-01-01' }, { id: 'new', score: 1, published: '2025-01-01' }];
    const copy = structuredClone(quotes);
    order(quotes);
    expect(quotes).toEqual(copy);
    expect(order([])).toEqual([]);
  });
});
