import { describe, expect, it } from 'vitest';
import { alsoInLine } from '../../src/answer/strength-labels.js';
import type { AlsoInRef, SourceRef } from '../../src/answer/types.js';
import { formatSource } from '../../src/cli/render-answer.js';

const ref = (id: string, outlet?: string, title = `Title ${id}`): AlsoInRef => ({ id, title, path: `${id}.txt`, ...(outlet === undefined ? {} : { outlet }) });
const source: SourceRef = { n: 1, id: 'a', title: 'Kremlin hopeful', path: 'a.txt', outlet: 'Reuters' };

describe('"also in" (terminal)', () => {
  it('names outlets (a title where there is none, an outlet once), at most three, then counts the rest', () => {
    expect(alsoInLine(undefined)).toBeUndefined();
    expect(alsoInLine([])).toBeUndefined();
    expect(alsoInLine([ref('b', 'AP')])).toBe('also in AP');
    expect(alsoInLine([ref('b', 'AP'), ref('c', undefined, 'Talks  productive'), ref('d', 'AP'), ref('e', ' '), ref('f', 'BBC'), ref('g', 'NPR')])).toBe(
      'also in AP, Talks productive, Title e and 2 more',
    );
  });

  it('is an indented line under its source, on one line with controls escaped', () => {
    expect(formatSource(source)).toBe('[1] Kremlin hopeful — a.txt (Reuters)');
    expect(formatSource({ ...source, alsoIn: [ref('b', 'AP'), ref('c', 'Wire\u001b[2J\nDaily')] })).toBe(
      '[1] Kremlin hopeful — a.txt (Reuters)\n    also in AP, Wire\\x1b[2J Daily',
    );
  });
});
