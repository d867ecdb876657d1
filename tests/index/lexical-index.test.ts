import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.js';
import { IndexError } from '../../src/core/errors.js';
import { holdsLabelIn, LexicalIndex, type LexicalDocument } from '../../src/index/lexical-index.js';
import { terms } from '../../src/index/terms.js';

const LEVADA = '002_bb33988446a060da';

/** The paragraphs of the seed articles, one document each, and the article each came from. */
let documents: LexicalDocument[];
let articleOf: string[];
let dir: string;

beforeAll(async () => {
  const corpus = await loadCorpus(path.resolve('corpus'));
  documents = [];
  articleOf = [];
  for (const article of corpus.articles) {
    for (const paragraph of article.text.split('\n\n')) {
      documents.push({ title: article.title, heading: '', text: paragraph });
      articleOf.push(article.id);
    }
  }
  dir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-lexical-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** BM25 written out plainly, as the reference the index must agree with. */
function referenceScores(docs: readonly LexicalDocument[], question: string): number[] {
  const boosted = docs.map((doc) => {
    const tf = new Map<string, number>();
    for (const [field, boost] of [['title', 1.5], ['heading', 1.2], ['text', 1]] as const) {
      for (const term of terms(doc[field])) tf.set(term, (tf.get(term) ?? 0) + boost);
    }
    return tf;
  });
  const lengths = boosted.map((tf) => [...tf.values()].reduce((a, b) => a + b, 0));
  const average = lengths.reduce((a, b) => a + b, 0) / docs.length;
  return boosted.map((tf, i) => {
    let score = 0;
    for (const term of new Set(terms(question))) {
      const f = tf.get(term);
      if (f === undefined) continue;
      const df = boosted.filter((other) => other.has(term)).length;
      const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
      score += (idf * f * 2.2) / (f + 1.2 * (1 - 0.75 + (0.75 * lengths[i]!) / average));
    }
    return score;
  });
}

describe('LexicalIndex', () => {
  it('ranks the seed paragraphs by BM25 over title, heading and text, as the plain formula does', () => {
    const index = LexicalIndex.build(documents);
    expect(index.documentCount).toBe(documents.length);
    for (const question of ['What did the Levada Center poll find?', 'Witkoff talks with Putin in Moscow', 'sanctions on Russian oil']) {
      const reference = referenceScores(documents, question);
      const expected = reference
        .map((score, label) => ({ label, score }))
        .filter((hit) => hit.score > 0)
        .sort((a, b) => b.score - a.score || a.label - b.label)
        .slice(0, 10);
      const hits = index.query(question, 10);
      expect(hits.map((h) => h.label)).toEqual(expected.map((h) => h.label));
      hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 4));
    }
    expect(articleOf[index.query('What did the Levada Center poll find?', 1)[0]!.label]).toBe(LEVADA);
  });

  it('returns at most k hits, none for a question with no indexed words, and rates unknown terms rarest', () => {
    const index = LexicalIndex.build(documents);
    expect(index.query('Putin', 3)).toHaveLength(3);
    expect(index.query('Putin', 0)).toEqual([]);
    expect(index.query('the of and', 5)).toEqual([]);
    expect(index.query('zyzzyva', 5)).toEqual([]);
    const [putin] = terms('Putin');
    expect(index.idf('zyzzyva')).toBeGreaterThan(index.idf(putin!));
    expect(index.idf(putin!)).toBeGreaterThan(0);
  });

  it('saves and loads to the same answers, and names a damaged file', async () => {
    const index = LexicalIndex.build(documents);
    const json = path.join(dir, 'lexical.json');
    const bin = path.join(dir, 'lexical.bin');
    await index.save(json, bin);
    const loaded = await LexicalIndex.load(json, bin);
    for (const question of ['Who was Mike Pompeo?', 'Geneva delegations', 'poll']) {
      expect(loaded.query(question, 8)).toEqual(index.query(question, 8));
    }
    const [term] = terms('Kremlin');
    expect(loaded.idf(term!)).toBe(index.idf(term!));

    const size = (await readFile(bin)).byteLength;
    await truncate(bin, size - 2);
    await expect(LexicalIndex.load(json, bin)).rejects.toThrow(IndexError);
    await expect(LexicalIndex.load(json, bin)).rejects.toThrow(`${bin} has ${size - 2} bytes; ${size} expected`);
    await writeFile(json, '{"documentCount": 3}');
    await expect(LexicalIndex.load(json, bin)).rejects.toThrow(`The lexical index ${json} is incomplete.`);
    await expect(LexicalIndex.load(path.join(dir, 'missing.json'), bin)).rejects.toThrow('is missing or damaged');
  });

  it('lists the documents holding a term, ascending, from memory and from disk, and says which of a run of labels holds one', async () => {
    const index = LexicalIndex.build(documents);
    const json = path.join(dir, 'labels.json');
    const bin = path.join(dir, 'labels.bin');
    await index.save(json, bin);
    const loaded = await LexicalIndex.load(json, bin);
    try {
      for (const word of ['Kremlin', 'Geneva', 'poll', 'the', 'zzqxv']) {
        const term = terms(word)[0] ?? word;
        const expected = documents.flatMap((doc, label) => (terms(`${doc.title} ${doc.heading} ${doc.text}`).includes(term) ? [label] : []));
        expect([...index.labelsWith(term)], word).toEqual(expected);
        expect([...loaded.labelsWith(term)], word).toEqual(expected);
      }
      // An article's paragraphs are consecutive labels: which articles mention the Kremlin?
      const kremlin = loaded.labelsWith(terms('Kremlin')[0]!);
      for (const id of new Set(articleOf)) {
        const first = articleOf.indexOf(id);
        const count = articleOf.lastIndexOf(id) - first + 1;
        const mentions = documents.slice(first, first + count).some((doc) => /Kremlin/i.test(doc.text) || /Kremlin/i.test(doc.title));
        expect(holdsLabelIn(kremlin, first, count), id).toBe(mentions);
      }
    } finally {
      loaded.close();
    }
    const labels = Uint32Array.from([2, 5, 9]);
    expect([[0, 2], [0, 3], [3, 2], [3, 3], [6, 3], [6, 4], [10, 5], [0, 0]].map(([first, count]) => holdsLabelIn(labels, first!, count!))).toEqual([false, true, false, true, false, true, false, false]);
    expect(holdsLabelIn(new Uint32Array(0), 0, 100)).toBe(false);
  });

  it('scores each question from zero: the same hits asked again, after other questions and after a filter that threw', () => {
    const index = LexicalIndex.build(documents);
    const question = 'What did the Levada Center poll find?';
    const first = index.query(question, 10);
    index.query('Witkoff talks with Putin in Moscow', 10);
    expect(() =>
      index.query('Putin poll', 10, () => {
        throw new Error('filter failed');
      }),
    ).toThrow('filter failed');
    expect(index.query(question, 10)).toEqual(first);
    const even = index.query(question, documents.length).filter((hit) => hit.label % 2 === 0);
    expect(index.query(question, 10, (label) => label % 2 === 0)).toEqual(even.slice(0, 10));
  });

  it('handles an empty corpus', () => {
    const index = LexicalIndex.build([]);
    expect(index.query('anything at all', 5)).toEqual([]);
    expect(index.idf('anyth')).toBeGreaterThan(0);
  });
});
