import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { distance } from 'fastest-levenshtein';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexError } from '../../src/core/errors.js';
import { loadCorpus } from '../../src/corpus/load.js';
import { words } from '../../src/index/terms.js';
import { Vocabulary, type NearestWord } from '../../src/index/vocabulary.js';
import { SEED_CORPUS_DIR } from '../support/env.js';

let dir: string;
let seedTexts: string[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-vocabulary-'));
  const corpus = await loadCorpus(SEED_CORPUS_DIR);
  seedTexts = corpus.articles.flatMap((a) => [a.title, a.text]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** `nearest` written out plainly: every word sharing one of the first two characters, measured. */
function referenceNearest(entries: ReadonlyMap<string, number>, query: string, maxDistance: number): NearestWord | undefined {
  const q = query.toLowerCase();
  const known = entries.get(q);
  if (known !== undefined) return { word: q, distance: 0, count: known };
  const heads = new Set([q[0], q[1]].filter((c) => c !== undefined));
  let best: NearestWord | undefined;
  for (const [word, count] of entries) {
    if (!heads.has(word[0]!) && !heads.has(word[1]!)) continue;
    const d = distance(q, word);
    if (d > maxDistance) continue;
    if (!best || d < best.distance || (d === best.distance && (count > best.count || (count === best.count && word < best.word)))) {
      best = { word, distance: d, count };
    }
  }
  return best;
}

describe('Vocabulary', () => {
  it('counts the lower-cased words of texts as words() yields them, stop words and numbers included', () => {
    const vocabulary = Vocabulary.build(['Russia’s talks in 2025', 'The talks, the TALKS.']);
    expect(vocabulary.size).toBe(5); // russia, talks, in, 2025, the
    expect(vocabulary.count('talks')).toBe(3);
    expect(vocabulary.count('TALKS')).toBe(3);
    expect(vocabulary.count('the')).toBe(2);
    expect(vocabulary.count('russia')).toBe(1); // the possessive dropped, as words() drops it
    expect(vocabulary.has('russia’s')).toBe(false);
    expect(vocabulary.has('2025')).toBe(true);
    expect(vocabulary.has('Talks')).toBe(true);
    expect(vocabulary.has('talk')).toBe(false); // not stemmed
    expect(vocabulary.count('nowhere')).toBe(0);
  });

  it('holds every word of the seed corpus with its count', () => {
    const vocabulary = Vocabulary.build(seedTexts);
    const counts = new Map<string, number>();
    for (const text of seedTexts) for (const word of words(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
    expect(vocabulary.size).toBe(counts.size);
    for (const [word, count] of counts) expect(vocabulary.count(word)).toBe(count);
    expect(vocabulary.count('september')).toBe(3);
    expect(vocabulary.count('trump')).toBeGreaterThan(40);
    expect(vocabulary.has('trum')).toBe(false);
  });

  it('finds the nearest known word within the distance, nearest first, then the most frequent, then alphabetically', () => {
    const vocabulary = Vocabulary.fromCounts([
      ['trump', 50],
      ['trumps', 1],
      ['cart', 5],
      ['card', 5],
      ['care', 9],
      ['kremlin', 3],
    ]);
    expect(vocabulary.nearest('Trump', 2)).toEqual({ word: 'trump', distance: 0, count: 50 });
    expect(vocabulary.nearest('trum', 1)).toEqual({ word: 'trump', distance: 1, count: 50 });
    expect(vocabulary.nearest('kreml', 1)).toBeUndefined(); // 2 edits from kremlin
    expect(vocabulary.nearest('kreml', 2)).toEqual({ word: 'kremlin', distance: 2, count: 3 });
    expect(vocabulary.nearest('trum', 0)).toBeUndefined();
    expect(vocabulary.nearest('carx', 1)!.word).toBe('care'); // three at distance 1: the most frequent
    const even = Vocabulary.fromCounts([['cart', 5], ['card', 5], ['carts', 9]]);
    expect(even.nearest('carx', 2)!.word).toBe('card'); // distance first, then alphabetically
    const reordered = Vocabulary.fromCounts([['carts', 9], ['cart', 5], ['card', 5]]);
    expect(reordered.nearest('carx', 2)).toEqual(even.nearest('carx', 2));
    expect(vocabulary.nearest('', 2)).toBeUndefined();
  });

  it('reaches misspellings of the first letter through the second, but not both', () => {
    const vocabulary = Vocabulary.fromCounts([['trump', 1]]);
    for (const typo of ['xrump', 'rtump', 'rump', 'ttrump', 'trnmp']) expect(vocabulary.nearest(typo, 2)?.word, typo).toBe('trump');
    expect(vocabulary.nearest('xyump', 2)).toBeUndefined(); // both of the first two letters wrong
  });

  it('agrees with measuring every candidate (random vocabularies)', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'é'), minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(fc.array(fc.tuple(word, fc.integer({ min: 1, max: 4 })), { maxLength: 60 }), word, fc.integer({ min: 0, max: 3 }), (entries, query, max) => {
        const merged = new Map<string, number>();
        for (const [w, c] of entries) merged.set(w, (merged.get(w) ?? 0) + c);
        expect(Vocabulary.fromCounts(entries).nearest(query, max)).toEqual(referenceNearest(merged, query, max));
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('is empty for no text', () => {
    const vocabulary = Vocabulary.build([]);
    expect(vocabulary.size).toBe(0);
    expect(vocabulary.has('putin')).toBe(false);
    expect(vocabulary.nearest('putin', 2)).toBeUndefined();
  });

  it('saves and loads to the same vocabulary, and names a damaged file', async () => {
    const vocabulary = Vocabulary.build(seedTexts);
    const file = path.join(dir, 'vocabulary.json');
    await vocabulary.save(file);
    const loaded = await Vocabulary.load(file);
    expect(loaded.size).toBe(vocabulary.size);
    for (const word of ['kremlin', 'levada', 'witkoff', 'the', 'nowhere']) expect(loaded.count(word)).toBe(vocabulary.count(word));
    for (const typo of ['kremlim', 'levda', 'septembr']) expect(loaded.nearest(typo, 2)).toEqual(vocabulary.nearest(typo, 2));

    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, -5));
    await expect(Vocabulary.load(file)).rejects.toThrow(IndexError);
    await expect(Vocabulary.load(file)).rejects.toThrow(`The vocabulary ${file} is missing or damaged.`);
    await writeFile(file, JSON.stringify({ words: ['a', 'b'], counts: [1] }));
    await expect(Vocabulary.load(file)).rejects.toThrow(`The vocabulary ${file} is incomplete.`);
    await writeFile(file, JSON.stringify({ words: ['b', 'a'], counts: [1, 1] }));
    await expect(Vocabulary.load(file)).rejects.toThrow(`The vocabulary ${file} is damaged (entry 1).`);
    await writeFile(file, JSON.stringify({ words: ['a', 'b'], counts: [1, -1] }));
    await expect(Vocabulary.load(file)).rejects.toThrow('is damaged (entry 1)');
    await expect(Vocabulary.load(path.join(dir, 'none.json'))).rejects.toThrow('is missing or damaged');
  });
});
