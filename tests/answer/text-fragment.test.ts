/**
 * Links to the exact sentence (URL Fragment Text Directives): the encoding against the spec's
 * examples, the spec's search as the browser runs it, and on the seed articles a directive for every
 * sentence that finds that sentence and no earlier one.
 */
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/chunking/sentences.js';
import { loadCorpus } from '../../src/corpus/load.js';
import {
  encodeTerm,
  findTextDirective,
  formatTextDirective,
  quoteLink,
  textDirectiveFor,
  withTextDirective,
  MAX_LINK_LENGTH,
} from '../../src/answer/text-fragment.js';
import { SEED_CORPUS_DIR } from '../support/env.js';

describe('the text directive syntax', () => {
  it('writes the spec examples: start only, start and end, with context', () => {
    // https://wicg.github.io/scroll-to-text-fragment/#syntax
    expect(formatTextDirective({ start: 'an example text fragment' })).toBe('text=an%20example%20text%20fragment');
    expect(formatTextDirective({ start: 'an example', end: 'text fragment' })).toBe('text=an%20example,text%20fragment');
    expect(formatTextDirective({ prefix: 'this is', start: 'an example', suffix: 'that shows' })).toBe('text=this%20is-,an%20example,-that%20shows');
    expect(formatTextDirective({ prefix: 'this', start: 'domain', end: 'domain', suffix: 'in' })).toBe('text=this-,domain,domain,-in');
  });

  it('percent-encodes the characters the syntax uses (- & ,) and UTF-8, and the parentheses of Markdown links', () => {
    expect(encodeTerm('Putin-Trump talks, & more')).toBe('Putin%2DTrump%20talks%2C%20%26%20more');
    expect(encodeTerm('“cautious optimism” (Kremlin)')).toBe('%E2%80%9Ccautious%20optimism%E2%80%9D%20%28Kremlin%29');
    expect(decodeURIComponent(encodeTerm('a-b,c&d (e) ü'))).toBe('a-b,c&d (e) ü');
  });

  it('puts the directive after the fragment, keeping an element fragment and replacing an old directive', () => {
    const d = { start: 'an example' };
    expect(withTextDirective('https://example.com/a', d)).toBe('https://example.com/a#:~:text=an%20example');
    expect(withTextDirective('https://example.com/a?x=1#top', d)).toBe('https://example.com/a?x=1#top:~:text=an%20example');
    expect(withTextDirective('https://example.com/a#top:~:text=old', d)).toBe('https://example.com/a#top:~:text=an%20example');
  });
});

describe('the search a browser runs', () => {
  const page = 'ban on an example. this is an example text fragment that shows. an example again, the text fragment ends.';

  it('finds whole words only, the first match, case and spacing aside', () => {
    expect(findTextDirective(page, { start: 'an example' })).toEqual({ start: 7, end: 17 });
    expect(findTextDirective(page, { start: 'AN   Example' })).toEqual({ start: 7, end: 17 });
    expect(findTextDirective(page, { start: 'amp' })).toBeUndefined();
    expect(findTextDirective(page, { start: 'xample' })).toBeUndefined();
  });

  it('uses the prefix and suffix as context, not as part of the match', () => {
    const found = findTextDirective(page, { prefix: 'this is', start: 'an example' });
    expect(found && page.slice(found.start, found.end)).toBe('an example');
    expect(found?.start).toBe(page.indexOf('this is') + 'this is '.length);
    const withSuffix = findTextDirective(page, { start: 'an example', suffix: 'again' });
    expect(withSuffix?.start).toBe(page.indexOf('an example again'));
  });

  it('ends at the first end after the start, or at a later one that the suffix follows', () => {
    const first = findTextDirective(page, { prefix: 'this is', start: 'an example', end: 'text fragment' });
    expect(first && page.slice(first.start, first.end)).toBe('an example text fragment');
    const later = findTextDirective(page, { prefix: 'this is', start: 'an example', end: 'text fragment', suffix: 'ends' });
    expect(later && page.slice(later.start, later.end)).toBe('an example text fragment that shows. an example again, the text fragment');
    expect(findTextDirective(page, { start: 'an example', end: 'missing words' })).toBeUndefined();
  });
});

describe('a directive for a quote', () => {
  it('is the whole sentence when it is short, first and last words when long', () => {
    const text = 'Short one here.\n\nThe meeting could take place as early as next week, though exact timing remains unconfirmed by either side.';
    expect(textDirectiveFor(text, 0, 15)).toEqual({ start: 'Short one here.' });
    const start = text.indexOf('The meeting');
    expect(textDirectiveFor(text, start, text.length)).toEqual({ start: 'The meeting could take', end: 'unconfirmed by either side.' });
  });

  it('adds context when the words of the quote occur earlier in the article', () => {
    const text = 'Officials said talks went well.\n\nIn Moscow, officials said talks went well.';
    const start = text.lastIndexOf('officials');
    const directive = textDirectiveFor(text, start, text.length);
    expect(directive?.prefix).toBe('In Moscow,');
    const found = findTextDirective(text.toLowerCase().replace(/\s+/g, ' '), directive!);
    expect(found?.start).toBe(text.replace(/\s+/g, ' ').lastIndexOf('officials'));
  });

  it('gives no link when no directive can single the passage out, or the link would be too long', () => {
    const text = 'Yes.\n\nYes.';
    expect(quoteLink('https://example.com/a', text, 6, 10)).toBeUndefined();
    expect(quoteLink('https://example.com/a', text, 0, 4)).toBe('https://example.com/a#:~:text=Yes.');
    expect(quoteLink(`https://example.com/${'a'.repeat(MAX_LINK_LENGTH)}`, text, 0, 4)).toBeUndefined();
  });

  it('finds every sentence of the seed articles exactly, and no earlier passage', async () => {
    const { articles } = await loadCorpus(SEED_CORPUS_DIR);
    expect(articles.length).toBe(5);
    let sentences = 0;
    let linked = 0;
    for (const article of articles) {
      const normal = normalised(article.text);
      for (const sentence of splitSentences(article)) {
        sentences++;
        const directive = textDirectiveFor(article.text, sentence.start, sentence.end);
        if (directive === undefined) continue;
        linked++;
        const found = findTextDirective(normal.text, directive);
        expect(found, `${article.id} ${sentence.start}`).toEqual(normal.range(sentence.start, sentence.end));
      }
    }
    // Only a sentence repeated word for word with the same surroundings cannot be singled out.
    expect(linked / sentences).toBeGreaterThan(0.95);
  });
});

/** The article text as the browser searches it, and where a range of the original lies in it. */
function normalised(text: string): { text: string; range: (start: number, end: number) => { start: number; end: number } } {
  const at = (offset: number): number => text.slice(0, offset).replace(/\s+/g, ' ').length;
  return {
    text: text.replace(/\s+/g, ' ').toLowerCase(),
    range: (start, end) => ({ start: at(start), end: at(end) }),
  };
}
