/**
 * Markdown pages as sites export them (a news page turned into Markdown by a converter, a static-site
 * post): the share rows, newsletter prompts, "Related:" links, "Read more" lists and cookie banners
 * the HTML reader leaves out with the page's chrome are left out here by the cleaning rules, which
 * read through inline markup; every sentence of the article stays, verbatim.
 */
import { describe, expect, it } from 'vitest';
import { cleanBlocks } from '../../src/corpus/clean.js';
import { loadCorpus } from '../../src/corpus/load.js';
import type { RawBlock } from '../../src/corpus/raw-document.js';
import { readMarkdown, withoutInlineMarkup } from '../../src/corpus/readers/markdown.js';
import type { Article } from '../../src/corpus/types.js';
import { blockTexts, expectBlocksCoverText, expectBlocksVerbatim } from './contract.js';
import { tempCorpus } from './temp-corpus.js';

async function loadOne(name: string, source: string): Promise<Article> {
  const dir = await tempCorpus({ [name]: source });
  const { articles, warnings } = await loadCorpus(dir);
  expect(warnings).toEqual([]);
  return articles[0]!;
}

/** A news page converted to Markdown (front matter, share buttons, inline links, a newsletter box, related links, a cookie banner). */
const NEWS_PAGE = `---
title: Harbour Authority Approves Night Ferries
source: Brindlemouth Post
published: 2025-08-07
---
# Harbour Authority Approves Night Ferries

**Share this article:** [Facebook](https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample.com%2Fferries) | [X](https://x.com/intent/tweet?url=https%3A%2F%2Fexample.com%2Fferries) | [LinkedIn](https://www.linkedin.com/shareArticle?url=https%3A%2F%2Fexample.com%2Fferries) | [Email](mailto:?subject=Ferries)

The [harbour authority](https://example.com/authority) voted on Tuesday to allow ferries to sail after dark, ending a ban that had stood since 1987.

*Subscribe to the Brindlemouth Post newsletter for the week's harbour news in your inbox.*

"We have waited a long time for this," said **Zebulon Quartz**, the harbour master, who counted forty ships in port that day.

Related: [Fishing fleet returns early after storm](https://example.com/fleet)

The first night crossing is planned for September, according to the authority's [published timetable][timetable].

**Read more:**

- [Bridge repairs delayed until spring](https://example.com/bridge)
- [New lighthouse keeper appointed](https://example.com/lighthouse)

Follow us on [X](https://x.com/post) and [Facebook](https://facebook.com/post)

We use cookies to improve your experience. By continuing to browse, you agree to our [Cookie Policy](https://example.com/cookies). [Accept](https://example.com/accept)

[timetable]: https://example.com/timetable "Timetable"
`;

const NEWS_SENTENCES = [
  'Harbour Authority Approves Night Ferries',
  'The [harbour authority](https://example.com/authority) voted on Tuesday to allow ferries to sail after dark, ending a ban that had stood since 1987.',
  '"We have waited a long time for this," said **Zebulon Quartz**, the harbour master, who counted forty ships in port that day.',
  "The first night crossing is planned for September, according to the authority's [published timetable][timetable].",
];

describe('Markdown pages lose the clutter their HTML pages lose', () => {
  it('drops share rows, newsletter prompts, related links, read-more lists, follow links, cookie banners and link definitions', async () => {
    const article = await loadOne('ferries.md', NEWS_PAGE);
    expect(blockTexts(article).map((block) => block.text)).toEqual(NEWS_SENTENCES);
    expect(article.text).not.toMatch(/facebook|subscribe|cookie|related|read more|lighthouse|timetable"/i);
    expect(article).toMatchObject({ title: 'Harbour Authority Approves Night Ferries', source: 'Brindlemouth Post' });
    expectBlocksCoverText(article);
    expectBlocksVerbatim(article, NEWS_PAGE);
  });

  it('keeps real sentences that name the same things: networks, newsletters, cookies, sharing, related events', async () => {
    const prose = [
      'Facebook and X removed the posts on Tuesday after the harbour authority complained.',
      'The post office will share this article of the harbour law with every household, the mayor said.',
      'We use cookies from the old bakery on the quay, the harbour master said, because the crews like them.',
      'Subscribers to the newsletter were the first to hear of the vote.',
      'Related events in the port of Kell were cancelled.',
      'Read more about the storm, the mayor urged, in the authority’s report.',
    ];
    const source = `# A Harbour Story With Many Words\n\n${prose.map((line) => `${line}\n`).join('\n')}`;
    const article = await loadOne('prose.md', source);
    expect(blockTexts(article).map((block) => block.text)).toEqual(['A Harbour Story With Many Words', ...prose]);
  });

  it('reads a static-site post: emphasis and inline code stay in the text as written; a list of links under "Share this:" goes', async () => {
    const source = [
      '# Ferry Timetables, Explained',
      '',
      'The new timetable uses `24-hour` times and lists _every_ crossing.',
      '',
      'Share this:',
      '',
      '* [Twitter](https://twitter.com/share)',
      '* [Facebook](https://facebook.com/share)',
      '',
      'The last crossing leaves at 23:40.',
      '',
    ].join('\n');
    const article = await loadOne('post.md', source);
    expect(blockTexts(article).map((block) => block.text)).toEqual([
      'Ferry Timetables, Explained',
      'The new timetable uses `24-hour` times and lists _every_ crossing.',
      'The last crossing leaves at 23:40.',
    ]);
  });

  it('keeps a line that only looks like a link definition inside a paragraph, and a bracketed note that is not one', () => {
    const { blocks } = readMarkdown('The vote passed\n[1]: https://example.com/vote\n\n[Editor’s note]: The article was updated on Friday.\n');
    expect(blocks).toEqual([
      { kind: 'paragraph', text: 'The vote passed [1]: https://example.com/vote' },
      { kind: 'paragraph', text: '[Editor’s note]: The article was updated on Friday.' },
    ]);
  });
});

describe('withoutInlineMarkup', () => {
  it('gives the words a reader sees: link text, no images, no emphasis or code markers, escapes resolved', () => {
    expect(withoutInlineMarkup('**Share:** [Facebook](https://f.com/?a=1) | ![icon](x.png) [X][x] <https://example.com/a>')).toBe(
      'Share: Facebook |   X https://example.com/a',
    );
    expect(withoutInlineMarkup('*Subscribe to the _Daily_ newsletter* \\[sic\\] `now`')).toBe('Subscribe to the Daily newsletter [sic] now');
  });

  it('leaves text longer than any boilerplate as it is', () => {
    const long = `**${'word '.repeat(500)}**`;
    expect(withoutInlineMarkup(long)).toBe(long);
  });
});

describe('cleanBlocks: the rules on markup-free words (all formats)', () => {
  const paragraph = (text: string): RawBlock => ({ kind: 'paragraph', text });
  const body = paragraph('Officials met on Tuesday. They agreed to talk again.');
  const after = paragraph('The talks resumed on Thursday in Geneva.');

  it.each([
    'Share this article: Facebook | X | LinkedIn | Email',
    'Facebook Twitter WhatsApp Email',
    'Follow us on X and Facebook',
    'This website uses cookies. By using it you consent to their use.',
    'We use cookies to improve your experience. See our Privacy Policy.',
    'Accept all cookies',
  ])('drops "%s"', (text) => {
    expect(cleanBlocks([body, paragraph(text), after]).blocks).toEqual([body, after]);
  });

  it.each(['Facebook', 'X', 'We use cookies in the recipe, and the judges agreed it showed.', 'Share this article with your friends, the minister urged citizens.'])(
    'keeps "%s"',
    (text) => {
      expect(cleanBlocks([body, paragraph(text), after]).blocks).toEqual([body, paragraph(text), after]);
    },
  );
});
