import { describe, expect, it } from 'vitest';
import { formatArticle, formatSources, openingLines } from '../../src/cli/sources-command.js';
import { formatStatus, type IndexStatus } from '../../src/cli/status-command.js';
import { FORMAT_VERSION } from '../../src/index/manifest.js';

describe('openingLines', () => {
  it('keeps whole paragraphs while they fit, then cuts the next at a sentence end, marked with …', () => {
    const text = 'First paragraph here.\n\nSecond one. It has two sentences and more words after them.';
    expect(openingLines(text, 1000)).toBe('First paragraph here.\n\nSecond one. It has two sentences and more words after them.');
    expect(openingLines(text, 40)).toBe('First paragraph here.\n\nSecond one.…');
    expect(openingLines(text, 21)).toBe('First paragraph here.');
    // A paragraph with no sentence end that fits is left out after others; cut at a word when it is the first.
    expect(openingLines('Short one.\n\nA long paragraph without any end', 30)).toBe('Short one.');
    expect(openingLines('A long paragraph without any end', 20)).toBe('A long paragraph…');
    expect(openingLines('One\nline\x1b[2J broken.', 100)).toBe('One line\\x1b[2J broken.');
  });
});

describe('formatSources and formatArticle (no index needed)', () => {
  const article = { id: 'a\x1b[2J', title: 'Title\nsecond line', path: 'a.md', chunks: 1, outlet: 'Post', published: '2025-08-09', url: 'https://example.com/a' };

  it('lists articles numbered, on one line each field, with control characters escaped', () => {
    expect(formatSources([article])).toBe(
      '1. Title second line\n   a\\x1b[2J · a.md · 1 chunk\n   Post · 2025-08-09 · https://example.com/a\n\n1 article · npm run sources -- ID shows one\n',
    );
    expect(formatSources([])).toBe('No articles are indexed yet. Add files to the corpus and run: npm run index\n');
  });

  it('shows one article: title, details, opening lines, and how much more there is', () => {
    const out = formatArticle({ ...article, opening: 'The opening.', characters: 100 });
    expect(out).toBe(
      [
        'Title second line',
        '',
        '  id:        a\\x1b[2J',
        '  file:      a.md',
        '  chunks:    1',
        '  outlet:    Post',
        '  published: 2025-08-09',
        '  link:      https://example.com/a',
        '',
        'The opening.',
        '',
        '(the opening lines of 100 characters; ask about the article with npm run ask)',
        '',
      ].join('\n'),
    );
  });
});

describe('formatStatus (no index needed)', () => {
  const generation = (name: string) => ({
    generation: name,
    dir: `/idx/${name}`,
    builtAt: '2026-01-01T00:00:00.000Z',
    buildMs: 1500,
    formatVersion: FORMAT_VERSION,
    model: { id: 'Xenova/all-MiniLM-L6-v2', quantized: true, dimensions: 384 },
    vectors: 'sentences-only' as const,
    counts: { articles: 5, chunks: 38, sentences: 256 },
  });
  const status: IndexStatus = {
    indexDir: '/idx',
    live: generation('gen-2'),
    previous: generation('gen-1'),
    configuredModel: { id: 'Xenova/all-MiniLM-L6-v2', quantized: false, dir: null },
    corpus: { dir: '/corpus', upToDate: false, articles: 6, added: ['x'], changed: [], removed: [], reason: '1 added, 0 changed, 0 removed since it was built', warnings: 0 },
  };

  it('says which generation is live, its model, kind of vectors and counts, how the corpus stands, the previous one, and a configured model that differs', () => {
    expect(formatStatus(status)).toBe(
      [
        'index:     /idx',
        `live:      gen-2, built 2026-01-01T00:00:00.000Z in 1.5 s, format ${FORMAT_VERSION}`,
        'model:     Xenova/all-MiniLM-L6-v2 (int8, quantized), 384 dimensions',
        'vectors:   sentences-only (chunk vectors: means of the sentence vectors)',
        'counts:    5 articles, 38 chunks, 256 sentences',
        'corpus:    /corpus (6 articles)',
        '           not up to date: 1 added, 0 changed, 0 removed since it was built — npm run index updates it',
        'previous:  gen-1, built 2026-01-01T00:00:00.000Z (5 articles); the rollback point',
        'configured model: Xenova/all-MiniLM-L6-v2 (fp32)',
        '',
      ].join('\n'),
    );
  });
});
