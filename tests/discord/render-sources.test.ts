import { ButtonStyle, ComponentType, type APIButtonComponentWithCustomId } from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { ArticleSummary } from '../../src/answer/library.js';
import { articleChoices } from '../../src/discord/commands/source.js';
import { parseSourcesPageId } from '../../src/discord/custom-ids.js';
import { pageCount, pageInfo, renderSourcesPage, SOURCES_PER_PAGE } from '../../src/discord/render/sources-page.js';
import { embedViolations } from './helpers/answers.js';

function articles(n: number, overrides: (i: number) => Partial<ArticleSummary> = () => ({})): ArticleSummary[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${String(i).padStart(3, '0')}_article`,
    title: `Title ${i}`,
    path: `${String(i).padStart(3, '0')}_article.txt`,
    chunks: i + 1,
    ...overrides(i),
  }));
}

function buttons(view: ReturnType<typeof renderSourcesPage>): APIButtonComponentWithCustomId[] {
  const row = view.components[0];
  expect(row?.type).toBe(ComponentType.ActionRow);
  return (row?.components ?? []) as APIButtonComponentWithCustomId[];
}

describe('sources paging maths', () => {
  it('counts pages of ten, with at least one page', () => {
    expect(SOURCES_PER_PAGE).toBe(10);
    expect([0, 1, 9, 10, 11, 20, 21, 25].map((n) => pageCount(n))).toEqual([1, 1, 1, 1, 2, 2, 3, 3]);
  });

  it('clamps the requested page and gives the slice bounds', () => {
    expect(pageInfo(1, 25)).toEqual({ page: 1, pages: 3, start: 0, end: 10 });
    expect(pageInfo(3, 25)).toEqual({ page: 3, pages: 3, start: 20, end: 25 });
    expect(pageInfo(0, 25).page).toBe(1);
    expect(pageInfo(-5, 25).page).toBe(1);
    expect(pageInfo(99, 25)).toEqual({ page: 3, pages: 3, start: 20, end: 25 });
    expect(pageInfo(Number.NaN, 25).page).toBe(1);
    expect(pageInfo(2.7, 25).page).toBe(2);
    expect(pageInfo(1, 0)).toEqual({ page: 1, pages: 1, start: 0, end: 0 });
  });
});

describe('renderSourcesPage', () => {
  it('lists ten articles per page with id, title and chunk count, and says which page it is', () => {
    const view = renderSourcesPage(articles(25, (i) => (i === 0 ? { outlet: 'NDTV', published: '2025-08-06' } : {})), 1);
    const embed = view.embeds[0]!;
    const description = embed.description ?? '';
    expect(description.match(/^\*\*\d+\.\*\*/gm)).toHaveLength(10);
    expect(description).toContain('**1.** Title 0\n`000_article` · NDTV · 2025-08-06 · 1 chunk');
    expect(description).toContain('**10.** Title 9\n`009_article` · 10 chunks');
    expect(description).not.toContain('Title 10');
    expect(embed.footer?.text).toContain('Page 1 of 3');
    expect(embed.footer?.text).toContain('25 articles');
  });

  it('has ◀/▶ buttons whose ids encode the page they lead to, disabled at the ends', () => {
    const first = buttons(renderSourcesPage(articles(25), 1));
    expect(first.map((b) => [b.label, b.disabled, parseSourcesPageId(b.custom_id)])).toEqual([
      ['◀ Previous', true, 0],
      ['Next ▶', false, 2],
    ]);
    expect(first.every((b) => b.style === ButtonStyle.Secondary)).toBe(true);
    const middle = buttons(renderSourcesPage(articles(25), 2));
    expect(middle.map((b) => [b.disabled, parseSourcesPageId(b.custom_id)])).toEqual([
      [false, 1],
      [false, 3],
    ]);
    const last = renderSourcesPage(articles(25), 3);
    expect(buttons(last).map((b) => b.disabled)).toEqual([false, true]);
    expect(last.embeds[0]?.description?.match(/^\*\*\d+\.\*\*/gm)).toHaveLength(5);
    expect(last.embeds[0]?.description).toContain('**21.** Title 20');
    expect(new Set(buttons(last).map((b) => b.custom_id)).size).toBe(2);
  });

  it('shows the last page for a page past the end, and an explanation when nothing is indexed', () => {
    expect(renderSourcesPage(articles(12), 9).embeds[0]?.footer?.text).toContain('Page 2 of 2');
    const empty = renderSourcesPage([], 1);
    expect(empty.embeds[0]?.description).toContain('No articles are indexed');
    expect(buttons(empty).map((b) => b.disabled)).toEqual([true, true]);
  });

  it('escapes titles and stays within limits with absurd metadata', () => {
    const view = renderSourcesPage(
      articles(30, () => ({ title: `**@everyone** ${'long '.repeat(400)}`, outlet: '_'.repeat(500), published: '<@&123456789012345678>' })),
      2,
    );
    const embed = view.embeds[0]!;
    expect(embedViolations(embed)).toEqual([]);
    expect(embed.description).toContain('\\*\\*@\u200beveryone\\*\\*');
    expect(embed.description).not.toMatch(/<@&\d+>/);
  });
});

describe('/source autocomplete choices', () => {
  const list = articles(60, (i) => ({ title: i === 42 ? 'Kremlin expresses cautious optimism' : `Title ${i}` }));

  it('offers at most 25 choices, names within 100 characters, values the ids', () => {
    const all = articleChoices(articles(60, () => ({ title: 'x'.repeat(300) })), '');
    expect(all).toHaveLength(25);
    for (const choice of all) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(choice.name.length).toBeGreaterThan(0);
      expect(choice.name.endsWith(`(${choice.value})`)).toBe(true);
    }
  });

  it('matches id prefixes first, then ids and titles containing the text, case-insensitively', () => {
    expect(articleChoices(list, '04').map((c) => c.value)).toEqual(
      ['040_article', '041_article', '042_article', '043_article', '044_article', '045_article', '046_article', '047_article', '048_article', '049_article', '004_article'],
    );
    expect(articleChoices(list, 'KREMLIN')).toEqual([{ name: 'Kremlin expresses cautious optimism (042_article)', value: '042_article' }]);
    expect(articleChoices(list, 'no such thing')).toEqual([]);
  });
});
