/** Shared checks of the cleaned-text contract (see `Article` in src/corpus/types.ts). */
import { expect } from 'vitest';
import type { Article } from '../../src/corpus/types.js';

/** Collapses whitespace runs to one space and trims. */
export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The text of each block, with its kind. */
export function blockTexts(article: Article): { kind: string; text: string }[] {
  return article.blocks.map((block) => ({ kind: block.kind, text: article.text.slice(block.start, block.end) }));
}

/** The texts of the blocks of one kind. */
export function textsOfKind(article: Article, kind: string): string[] {
  return blockTexts(article)
    .filter((block) => block.kind === kind)
    .map((block) => block.text);
}

/** Blocks are in order, non-empty, trimmed, separated by exactly one blank line, and cover the whole text. */
export function expectBlocksCoverText(article: Article): void {
  expect(article.blocks.length).toBeGreaterThan(0);
  expect(article.blocks[0]?.start).toBe(0);
  expect(article.blocks.at(-1)?.end).toBe(article.text.length);
  article.blocks.forEach((block, i) => {
    const text = article.text.slice(block.start, block.end);
    expect(text.length).toBeGreaterThan(0);
    expect(text).toBe(text.trim());
    expect(text).not.toContain('\n\n');
    const next = article.blocks[i + 1];
    if (next) expect(article.text.slice(block.end, next.start)).toBe('\n\n');
  });
}

/** Every block, whitespace-collapsed, is a substring of the whitespace-collapsed source text. */
export function expectBlocksVerbatim(article: Article, source: string): void {
  const collapsedSource = collapse(source);
  for (const { text } of blockTexts(article)) expect(collapsedSource).toContain(collapse(text));
}
