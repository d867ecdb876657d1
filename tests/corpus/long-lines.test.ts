/** Long lines and long files are read in time linear in their length (issue #12, item 2: a 19 MB file did not finish). */
import { describe, expect, it } from 'vitest';
import { buildArticle } from '../../src/corpus/article.js';
import { parseByline } from '../../src/corpus/byline.js';
import { growthRatio } from '../support/growth.js';

function read(extension: string, text: string): void {
  buildArticle({ id: 'x', path: `x${extension}`, extension, text, contentHash: 'x' });
}

describe('hostile lines', () => {
  it.each([
    ['a Markdown heading ending in a run of spaces', '.md', (n: number) => `# a${' '.repeat(n)}b\n\nSome text here.\n`],
    ['a Markdown table separator ending in a run of spaces', '.md', (n: number) => `|-${' '.repeat(n)}x\n\nSome text here.\n`],
    ['a Markdown list item before a line separator', '.md', (n: number) => `- ${' '.repeat(n)}\u2028x\n`],
    ['a Markdown thematic break', '.md', (n: number) => `${'- '.repeat(n / 2)}x\n\nSome text here.\n`],
    ['a text line of lowercase letters', '.txt', (n: number) => `Headline Here\n\n${'a'.repeat(n)}\n`],
  ])('reads %s of 4n characters in at most ~8 times the time of n (quadratic: 16)', (_, extension, make) => {
    const small = make(20_000);
    const large = make(80_000);
    expect(growthRatio(() => read(extension, small), () => read(extension, large), { floorMs: 10 })).toBeLessThanOrEqual(8);
  }, 60_000);

  it('reads a text file of 300,000 short lines (Math.max over them overflowed the stack)', () => {
    expect(() => read('.txt', 'Short Line Here\n'.repeat(300_000))).not.toThrow();
  }, 30_000);

  it('gives up on a by-line that cannot match in time that does not grow exponentially', () => {
    const parse = (n: number) => () => parseByline(`By ${'Xand'.repeat(n)}X!`);
    expect(growthRatio(parse(11), parse(44))).toBeLessThanOrEqual(8);
    expect(parseByline('By Jane Doe and John Roe')).toBe('Jane Doe and John Roe');
  });
});
