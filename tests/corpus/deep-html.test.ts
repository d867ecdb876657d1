/** Deeply nested HTML costs a warning, never the build, and is read in time linear in its size (issue #12, item 1). */
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.js';
import { ReaderRefusal } from '../../src/corpus/raw-document.js';
import {
  MAX_HTML_ELEMENTS,
  MAX_HTML_NESTING_DEPTH,
  MAX_READABILITY_NESTING_DEPTH,
  measureNesting,
  readHtml,
} from '../../src/corpus/readers/html.js';
import { growthRatio } from '../support/growth.js';
import { GOOD_TEXT, tempCorpus } from './temp-corpus.js';

const SENTENCE = 'The minister said the talks went well on Monday, and that more would follow. ';

/** A page whose one paragraph sits inside `depth` nested divs, repeated `copies` times. */
function nestedPage(depth: number, copies = 1): string {
  const chain = `${'<div>'.repeat(depth)}<p>${SENTENCE}</p>${'</div>'.repeat(depth)}\n`;
  return `<html><head><title>Talks Went Well</title></head><body>${chain.repeat(copies)}</body></html>`;
}

describe('deeply nested HTML', () => {
  it('skips a page of 10,000 nested divs with a warning and loads the other files', async () => {
    const dir = await tempCorpus({ 'good.txt': GOOD_TEXT, 'deep.html': nestedPage(10_000) });
    const corpus = await loadCorpus(dir);
    expect(corpus.articles.map((a) => a.id)).toEqual(['good']);
    expect(corpus.warnings).toEqual([
      { path: 'deep.html', message: `skipped: its HTML elements are nested more than ${MAX_HTML_NESTING_DEPTH} deep, past the limit for a readable page` },
    ]);
  });

  it('measures nesting without building a tree, stopping past the limit', () => {
    expect(measureNesting('<html><body><div><p>a</p><p>b<br>c<img src=x></p></div></body></html>')).toEqual({
      elements: 7,
      maxDepth: 5,
      depthSum: 1 + 2 + 3 + 4 + 4 + 5 + 5,
    });
    // Unclosed paragraphs and list items close each other, as in the tree linkedom builds.
    expect(measureNesting(`<ul>${'<li>item'.repeat(1000)}</ul><div>${'<p>text'.repeat(1000)}</div>`).maxDepth).toBe(2);
    expect(measureNesting(nestedPage(100_000)).maxDepth).toBe(MAX_HTML_NESTING_DEPTH + 1);
  });

  it('reads a page deeper than main-content extraction allows whole, with a warning', () => {
    const page = readHtml(nestedPage(MAX_READABILITY_NESTING_DEPTH + 10, 3));
    expect(page.blocks.map((block) => block.text)).toEqual([SENTENCE.trim(), SENTENCE.trim(), SENTENCE.trim()]);
    expect(page.problems).toEqual([
      'its HTML is nested too deeply to find the main content quickly; the whole page was read (navigation, asides and footers left out)',
    ]);
  });

  it('refuses a page one level past the limit and reads one at the limit', () => {
    // <html>, <body> and <p> take three of the levels.
    expect(() => readHtml(nestedPage(MAX_HTML_NESTING_DEPTH - 2))).toThrow(ReaderRefusal);
    expect(readHtml(nestedPage(MAX_HTML_NESTING_DEPTH - 3)).blocks).toHaveLength(1);
  });

  it('refuses a page of too many elements before building it', () => {
    const rows = '<tr><td>a</td><td>b</td></tr>'.repeat(MAX_HTML_ELEMENTS / 3 + 1);
    expect(() => readHtml(`<table>${rows}</table>`)).toThrow(
      new ReaderRefusal(`it has more than ${MAX_HTML_ELEMENTS.toLocaleString('en')} HTML elements, past the limit for a readable page`),
    );
  });

  it('takes time linear in the nesting: 4,000 levels cost at most ~8 times 1,000 (quadratic: 16)', () => {
    const small = nestedPage(1000);
    const large = nestedPage(4000);
    const read = (html: string) => () => {
      try {
        readHtml(html);
      } catch (error) {
        if (!(error instanceof ReaderRefusal)) throw error;
      }
    };
    expect(growthRatio(read(small), read(large))).toBeLessThanOrEqual(8);
  });
});
