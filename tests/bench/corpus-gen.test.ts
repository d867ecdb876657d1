import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildPool, editArticles, generateCorpus, paragraphsOfText, renderArticle, type SentencePool } from '../../bench/lib/corpus-gen.js';
import { Rng } from '../../bench/lib/prng.js';
import { splitPlainSentences } from '../../bench/lib/squad.js';

const SOURCE = [
  ...paragraphsOfText(
    'Harbours',
    'The harbour opened in 1887 after seven years of construction. Its breakwater shelters more than forty berths. Ferries leave every hour for the islands.\n\n' +
      'Fishermen still land their catch at the northern quay every morning. The market hall beside it dates from the same period. Tourists arrive mostly in summer.',
  ),
  ...paragraphsOfText(
    'Volcanoes',
    'The volcano last erupted violently in 1902, destroying the nearby town. Scientists monitor its gases continuously from a station on the slope. Small tremors are recorded almost daily.\n\n' +
      'Its crater lake changes colour with the acidity of the water. Hikers need a permit to climb above the tree line. The summit offers views across three provinces.',
  ),
];

function pool(): SentencePool {
  return buildPool(SOURCE);
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the benchmark corpus generator', () => {
  it('is deterministic: the same seed gives the same files, byte for byte', () => {
    const a = generateCorpus(pool(), { articles: 30, seed: 42 }).map(renderArticle);
    const b = generateCorpus(pool(), { articles: 30, seed: 42 }).map(renderArticle);
    expect(digest(a.join('\0'))).toBe(digest(b.join('\0')));
    const c = generateCorpus(pool(), { articles: 30, seed: 43 }).map(renderArticle);
    expect(digest(c.join('\0'))).not.toBe(digest(a.join('\0')));
  });

  it('a shorter corpus is a prefix of a longer one with the same seed', () => {
    const short = generateCorpus(pool(), { articles: 5, seed: 9 }).map(renderArticle);
    const long = generateCorpus(pool(), { articles: 12, seed: 9 }).map(renderArticle);
    expect(long.slice(0, 5)).toEqual(short);
  });

  it('writes Markdown articles with front matter, numbered ids and sentences traced to the pool', () => {
    const p = pool();
    const articles = generateCorpus(p, { articles: 8, seed: 1, paragraphs: [2, 3] });
    expect(articles.map((a) => a.id)).toEqual(['gen_00000', 'gen_00001', 'gen_00002', 'gen_00003', 'gen_00004', 'gen_00005', 'gen_00006', 'gen_00007']);
    for (const article of articles) {
      const text = renderArticle(article);
      expect(text.startsWith('---\ntitle: ')).toBe(true);
      expect(text).toContain(`url: "https://bench.example/${article.id}"`);
      expect(article.paragraphs.length).toBeGreaterThanOrEqual(2);
      expect(article.paragraphs.length).toBeLessThanOrEqual(3);
      for (const s of article.paragraphs.flatMap((x) => x.sentences)) {
        expect(p.sentences[s.pool]).toBeDefined();
        expect(text).toContain(s.text);
        // Same number of words as its source sentence: words are swapped, not added.
        expect(s.text.split(' ')).toHaveLength(p.sentences[s.pool]!.split(' ').length);
      }
    }
  });

  it('swaps words so that sentences are (almost always) new text', () => {
    const p = pool();
    const sentences = generateCorpus(p, { articles: 40, seed: 3 }).flatMap((a) => a.paragraphs.flatMap((x) => x.sentences));
    const unchanged = sentences.filter((s) => s.text === p.sentences[s.pool]).length;
    expect(unchanged / sentences.length).toBeLessThan(0.1);
  });

  it('edits the asked share of articles (at least one), deterministically, without touching the input', () => {
    const p = pool();
    const articles = generateCorpus(p, { articles: 200, seed: 5 });
    const before = articles.map(renderArticle);
    const edit = editArticles(p, articles, 0.01, 77);
    expect(edit.edited).toHaveLength(2);
    expect(editArticles(p, articles, 0.01, 77).edited).toEqual(edit.edited);
    expect(articles.map(renderArticle)).toEqual(before);
    const changed = edit.articles.map(renderArticle).filter((text, i) => text !== before[i]);
    expect(changed.length).toBeLessThanOrEqual(2);
    expect(editArticles(p, articles.slice(0, 3), 0.01, 1).edited).toHaveLength(1);
  });

  it('builds the pool with topics, paragraphs and per-topic words', () => {
    const p = pool();
    expect(p.topics).toEqual(['Harbours', 'Volcanoes']);
    expect(p.paragraphs).toHaveLength(4);
    expect(p.sentences).toHaveLength(12);
    expect(p.topicOf.slice(0, 6).every((t) => t === 0)).toBe(true);
    expect(p.wordsOfTopic[1]).toContain('volcano');
  });
});

describe('helpers', () => {
  it('splits plain sentences at end punctuation before a capital or digit', () => {
    expect(splitPlainSentences('It rained. Then it stopped! "Why?" she asked. 1902 was a bad year.')).toEqual([
      'It rained.',
      'Then it stopped!',
      '"Why?" she asked.',
      '1902 was a bad year.',
    ]);
  });

  it('the seeded generator repeats itself and stays in range', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    const xs = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const ints = Array.from({ length: 200 }, () => a.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    expect(a.shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
