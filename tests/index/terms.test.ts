/**
 * Index terms (src/index/terms.ts): lower-cased, possessives and stop words dropped, Porter-stemmed,
 * numbers kept; the stems a process has worked out are remembered (up to a bound) and must be the
 * stems worked out afresh.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stemmer } from 'stemmer';
import { describe, expect, it } from 'vitest';
import { terms, toTerm } from '../../src/index/terms.js';

/** Terms worked out plainly, with regular expressions and no memo: what terms() must give. */
function fresh(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu)) {
    const word = match[0].replace(/['’]s$/u, '').replace(/['’]s$/u, '');
    if (word.length === 0 || toTerm(word) === null) continue;
    out.push(/^\p{N}+$/u.test(word) ? word : stemmer(word));
  }
  return out;
}

describe('terms', () => {
  it('stems, drops stop words and possessives, keeps numbers', () => {
    expect(terms("Russia's talks were discussed in 2025 by the Kremlin’s envoy")).toEqual(['russia', 'talk', 'discuss', '2025', 'kremlin', 'envoi']);
    expect(toTerm('Russia’s')).toBe('russia');
    expect(toTerm('The')).toBeNull();
  });

  it('gives the same terms remembered as worked out afresh, on a seed article read twice and past the memo bound', async () => {
    const text = await readFile(path.resolve('corpus', '002_bb33988446a060da.txt'), 'utf8');
    const first = terms(text);
    expect(first).toEqual(fresh(text));
    expect(terms(text)).toEqual(first);
    // More distinct words than the memo keeps: it starts again and stays right.
    const many = Array.from({ length: 60_000 }, (_, i) => `walking${i.toString(36).replace(/\d/gu, (d) => 'abcdefghij'[Number(d)]!)}s`).join(' ');
    expect(terms(many)).toEqual(fresh(many));
    expect(terms(text)).toEqual(first);
  });
});
