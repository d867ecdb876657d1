/** Markdown, HTML and sidecar metadata, read through the loader. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/core/hash.js';
import { loadArticle, loadCorpus } from '../../src/corpus/load.js';
import type { Article } from '../../src/corpus/types.js';
import { blockTexts, expectBlocksCoverText, expectBlocksVerbatim } from './contract.js';
import { GOOD_TEXT, tempCorpus } from './temp-corpus.js';

async function loadOne(files: Record<string, string>, id: string): Promise<{ article: Article; dir: string }> {
  const dir = await tempCorpus(files);
  const { articles } = await loadCorpus(dir);
  const article = articles.find((a) => a.id === id);
  if (!article) throw new Error(`article ${id} was not loaded`);
  return { article, dir };
}

const MARKDOWN = `---
title: "Envoy Meets Putin: What We Know"
url: https://example.com/envoy
source: Example News
published: 2025-08-07
author: Jane Doe
tags: [russia, usa]
---
# Envoy meets Putin

The envoy arrived in Moscow on Wednesday
and met the president for three hours.

- First, the talks were *productive*.
* Second, a summit is planned
  for next week.
1. Third, sanctions stay.

## What was said

| Name | Role |
|------|:----:|
| Steve Witkoff | Envoy |

> “This can be a historic meeting,” he wrote.

![a photo](photo.jpg)

---

\`\`\`
raw line one

raw line two
\`\`\`
`;

describe('Markdown', () => {
  it('reads front matter into the metadata', async () => {
    const { article } = await loadOne({ 'envoy.md': MARKDOWN }, 'envoy');
    expect(article).toMatchObject({
      id: 'envoy',
      path: 'envoy.md',
      title: 'Envoy Meets Putin: What We Know',
      url: 'https://example.com/envoy',
      source: 'Example News',
      published: '2025-08-07',
      author: 'Jane Doe',
    });
  });

  it('reads headings, paragraphs, items, table rows, quotes and code into blocks, markers stripped', async () => {
    const { article } = await loadOne({ 'envoy.md': MARKDOWN }, 'envoy');
    expect(blockTexts(article)).toEqual([
      { kind: 'heading', text: 'Envoy meets Putin' },
      { kind: 'paragraph', text: 'The envoy arrived in Moscow on Wednesday and met the president for three hours.' },
      { kind: 'item', text: 'First, the talks were *productive*.' },
      { kind: 'item', text: 'Second, a summit is planned for next week.' },
      { kind: 'item', text: 'Third, sanctions stay.' },
      { kind: 'heading', text: 'What was said' },
      { kind: 'row', text: 'Name | Role' },
      { kind: 'row', text: 'Steve Witkoff | Envoy' },
      { kind: 'paragraph', text: '“This can be a historic meeting,” he wrote.' },
      { kind: 'paragraph', text: 'raw line one\nraw line two' },
    ]);
    expectBlocksCoverText(article);
    expectBlocksVerbatim(article, MARKDOWN);
  });

  it('takes the title from the first heading when there is no front matter, and reads setext headings', async () => {
    const source = 'Talks Resume in Geneva Today\n============================\n\nDelegates met at noon.\n\nSecond part\n-----------\n\nMore talks.\n';
    const { article } = await loadOne({ 'geneva.md': source }, 'geneva');
    expect(article.title).toBe('Talks Resume in Geneva Today');
    expect(blockTexts(article).map((b) => b.kind)).toEqual(['heading', 'paragraph', 'heading', 'paragraph']);
    expectBlocksVerbatim(article, source);
  });

  it('reads a file that opens with a thematic break as body text, not front matter', async () => {
    const source = '---\nA line of prose between two rules.\n\n---\n\nMore prose after the rule.\n';
    const { article } = await loadOne({ 'rules.md': source }, 'rules');
    expect(blockTexts(article).map((b) => b.text)).toEqual(['A line of prose between two rules.', 'More prose after the rule.']);
  });

  it('warns about front matter that is not YAML and still loads the article', async () => {
    const dir = await tempCorpus({ 'bad.md': '---\ntitle: [unclosed\n---\n# A Headline With Words\n\nBody text.\n' });
    const { articles, warnings } = await loadCorpus(dir);
    expect(articles.map((a) => a.title)).toEqual(['A Headline With Words']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.path).toBe('bad.md');
    expect(warnings[0]?.message).toMatch(/front matter is not valid YAML/);
  });
});

const HTML = `<!doctype html>
<html lang="en">
<head>
  <title>Envoy Meets Putin in Moscow | The Daily Planet</title>
  <link rel="canonical" href="https://planet.example/world/envoy">
  <meta property="og:site_name" content="The Daily Planet">
  <meta property="article:published_time" content="2025-08-06T14:30:00Z">
  <meta name="author" content="Lois Lane">
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li><li><a href="/subscribe">Subscribe</a></li></ul></nav>
  <main>
    <article>
      <h1>Envoy Meets Putin in Moscow</h1>
      <p>The special envoy met the Russian president in the Kremlin on Wednesday, in talks that both sides later described as useful and constructive.</p>
      <h2>What was discussed</h2>
      <p>The two men discussed a ceasefire, sanctions and a possible summit.<br>No date was set for the summit, officials said after the meeting.</p>
      <ul><li>A ceasefire in Ukraine</li><li>Sanctions relief</li></ul>
      <table>
        <tr><th>Name</th><th>Role</th></tr>
        <tr><td>Steve Witkoff</td><td>Special envoy</td></tr>
      </table>
      <p>The Kremlin said further contacts were <em>likely</em> in the coming weeks.</p>
    </article>
  </main>
  <footer><p>Copyright 2025 The Daily Planet. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body>
</html>`;

describe('HTML', () => {
  it('reads the title, canonical URL, site name, date and author from the page', async () => {
    const { article } = await loadOne({ 'news/envoy.html': HTML }, 'envoy');
    expect(article).toMatchObject({
      path: 'news/envoy.html',
      title: 'Envoy Meets Putin in Moscow',
      url: 'https://planet.example/world/envoy',
      source: 'The Daily Planet',
      published: '2025-08-06T14:30:00Z',
      author: 'Lois Lane',
    });
  });

  it('keeps the article and leaves the navigation and footer behind', async () => {
    const { article } = await loadOne({ 'envoy.htm': HTML }, 'envoy');
    expect(blockTexts(article)).toEqual([
      { kind: 'heading', text: 'Envoy Meets Putin in Moscow' },
      {
        kind: 'paragraph',
        text: 'The special envoy met the Russian president in the Kremlin on Wednesday, in talks that both sides later described as useful and constructive.',
      },
      { kind: 'heading', text: 'What was discussed' },
      {
        kind: 'paragraph',
        text: 'The two men discussed a ceasefire, sanctions and a possible summit. No date was set for the summit, officials said after the meeting.',
      },
      { kind: 'item', text: 'A ceasefire in Ukraine' },
      { kind: 'item', text: 'Sanctions relief' },
      { kind: 'row', text: 'Name | Role' },
      { kind: 'row', text: 'Steve Witkoff | Special envoy' },
      { kind: 'paragraph', text: 'The Kremlin said further contacts were likely in the coming weeks.' },
    ]);
    expect(article.text).not.toContain('World news');
    expect(article.text).not.toContain('All rights reserved');
    expectBlocksCoverText(article);
  });

  it('reads a fragment without <html> or <title>, taking the title from its heading', async () => {
    const fragment = '<h2>A Fragment With A Headline</h2><p>Only a paragraph, <b>bold</b> in part.</p><ol><li>One point</li></ol>';
    const { article } = await loadOne({ 'fragment.html': fragment }, 'fragment');
    expect(article.title).toBe('A Fragment With A Headline');
    expect(blockTexts(article)).toEqual([
      { kind: 'heading', text: 'A Fragment With A Headline' },
      { kind: 'paragraph', text: 'Only a paragraph, bold in part.' },
      { kind: 'item', text: 'One point' },
    ]);
  });
});

describe('sidecar metadata', () => {
  const DATELINE_TEXT = 'Talks Planned For Next Week In Moscow\n\n(MENAFN) Officials said talks are planned.\n';

  it('fills the metadata from <name>.meta.json, winning over guesses, and is not an article itself', async () => {
    const sidecar = JSON.stringify({ title: 'The Real Title', source: 'Wire Service', url: 'https://wire.example/1', published: 'August 7, 2025', author: ['A. Writer', 'B. Writer'] });
    const dir = await tempCorpus({ 'talks.txt': DATELINE_TEXT, 'talks.meta.json': sidecar });
    const { articles, warnings } = await loadCorpus(dir);
    expect(warnings).toEqual([]);
    expect(articles).toHaveLength(1);
    expect(articles[0]).toMatchObject({
      id: 'talks',
      title: 'The Real Title',
      source: 'Wire Service',
      url: 'https://wire.example/1',
      published: '2025-08-07',
      author: 'A. Writer, B. Writer',
    });
    // The title from the sidecar is metadata only: the text keeps the file's own headline.
    expect(articles[0]?.text.startsWith('Talks Planned For Next Week In Moscow\n\n')).toBe(true);
  });

  it('reads <name>.meta.yaml, and wins over front matter', async () => {
    const dir = await tempCorpus({
      'piece.md': '---\ntitle: Front Matter Title\nauthor: Front Author\n---\nBody text of the piece.\n',
      'piece.meta.yaml': 'title: Sidecar Title\n',
    });
    const { articles } = await loadCorpus(dir);
    expect(articles[0]).toMatchObject({ title: 'Sidecar Title', author: 'Front Author' });
  });

  it('counts the sidecar bytes in the content hash', async () => {
    const dir = await tempCorpus({ 'talks.txt': DATELINE_TEXT, 'talks.meta.json': '{"source":"One"}' });
    const before = (await loadArticle(path.join(dir, 'talks.txt'))).article?.contentHash;
    await writeFile(path.join(dir, 'talks.meta.json'), '{"source":"Two"}');
    const after = (await loadArticle(path.join(dir, 'talks.txt'))).article?.contentHash;
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
    expect(before).not.toBe(sha256(await readFile(path.join(dir, 'talks.txt'))));
  });

  it('warns about a sidecar that cannot be parsed, or has no article, and loads the rest', async () => {
    const dir = await tempCorpus({
      'talks.txt': DATELINE_TEXT,
      'talks.meta.json': '{ not json',
      'lonely.meta.yaml': 'title: Nobody\n',
    });
    const { articles, warnings } = await loadCorpus(dir);
    expect(articles.map((a) => [a.id, a.source])).toEqual([['talks', 'MENAFN']]);
    expect(warnings.map((w) => w.path).sort()).toEqual(['lonely.meta.yaml', 'talks.txt']);
    expect(warnings.find((w) => w.path === 'talks.txt')?.message).toMatch(/metadata sidecar talks\.meta\.json cannot be parsed/);
    expect(warnings.find((w) => w.path === 'lonely.meta.yaml')?.message).toMatch(/no article file/);
  });
});

describe('loadArticle', () => {
  it('loads one file, with its path relative to the corpus directory', async () => {
    const dir = await tempCorpus({ 'sub/one.txt': GOOD_TEXT });
    const { article, warnings } = await loadArticle(path.join(dir, 'sub', 'one.txt'), { corpusDir: dir });
    expect(warnings).toEqual([]);
    expect(article).toMatchObject({ id: 'one', path: 'sub/one.txt', title: 'A Perfectly Ordinary Headline About Talks' });
  });
});
