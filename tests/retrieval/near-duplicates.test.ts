import { describe, expect, it } from 'vitest';
import { dropNearDuplicates } from '../../src/retrieval/near-duplicates.js';

/** A unit vector at `degrees` in the plane (dot of two = cos of the angle between them). */
function at(degrees: number): Float32Array {
  const r = (degrees * Math.PI) / 180;
  return new Float32Array([Math.cos(r), Math.sin(r)]);
}

const passage = (name: string, articleId: string, degrees: number) => ({ name, articleId, vector: at(degrees) });
// cos 10° ≈ 0.985 (near duplicates at 0.97); cos 20° ≈ 0.94 (not)
const THRESHOLD = 0.97;

describe('dropNearDuplicates', () => {
  it('keeps the best of near-duplicate passages and names the other articles they were in, best first, each once', () => {
    const kept = dropNearDuplicates(
      [
        passage('a1', 'A', 0),
        passage('b1', 'B', 3), // copy of a1 in B
        passage('x1', 'X', 60),
        passage('c1', 'C', -4), // copy of a1 in C
        passage('a2', 'A', 5), // A's own near-repeat: dropped, not "also in"
        passage('b2', 'B', 2), // B again: listed once
        passage('d1', 'D', 58), // copy of x1 in D
      ],
      THRESHOLD,
      10,
    );
    expect(kept.map((k) => [k.passage.name, k.alsoIn])).toEqual([
      ['a1', ['B', 'C']],
      ['x1', ['D']],
    ]);
  });

  it('keeps passages that are merely similar, and names nothing', () => {
    const kept = dropNearDuplicates([passage('a1', 'A', 0), passage('b1', 'B', 20), passage('c1', 'C', 40)], THRESHOLD, 10);
    expect(kept.map((k) => k.passage.name)).toEqual(['a1', 'b1', 'c1']);
    expect(kept.every((k) => k.alsoIn.length === 0)).toBe(true);
  });

  it('credits a dropped passage to the first (best) kept passage it duplicates', () => {
    // b1 is 8° from both a1 (at 0°) and c1 (at 16°, 16° from a1: both kept)
    const kept = dropNearDuplicates([passage('a1', 'A', 0), passage('c1', 'C', 16), passage('b1', 'B', 8)], THRESHOLD, 10);
    expect(kept.map((k) => [k.passage.name, k.alsoIn])).toEqual([
      ['a1', ['B']],
      ['c1', []],
    ]);
  });

  it('stops at k kept passages and reads no further', () => {
    let read = 0;
    function* ranked() {
      for (const p of [passage('a1', 'A', 0), passage('b1', 'B', 2), passage('x1', 'X', 90), passage('y1', 'Y', 180)]) {
        read++;
        yield p;
      }
    }
    const kept = dropNearDuplicates(ranked(), THRESHOLD, 2);
    expect(kept.map((k) => k.passage.name)).toEqual(['a1', 'x1']);
    expect(read).toBe(3);
    expect(dropNearDuplicates(ranked(), THRESHOLD, 0)).toEqual([]);
  });
});
