import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/core/lru-cache.js';

describe('LruCache', () => {
  it('makes a value once, keeps the most recently used, and drops the least recently used', () => {
    const made: string[] = [];
    const cache = new LruCache<string, string>(2);
    const make = (key: string) => {
      made.push(key);
      return key.toUpperCase();
    };
    expect(cache.getOrAdd('a', make)).toBe('A');
    expect(cache.getOrAdd('b', make)).toBe('B');
    expect(cache.getOrAdd('a', make)).toBe('A'); // kept; now the most recent
    expect(cache.getOrAdd('c', make)).toBe('C'); // drops b, the least recent
    expect(cache.size).toBe(2);
    expect(cache.getOrAdd('a', make)).toBe('A');
    expect(cache.getOrAdd('b', make)).toBe('B'); // made again
    expect(made).toEqual(['a', 'b', 'c', 'b']);
  });
});
