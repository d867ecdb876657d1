/** Reading a rendered answer back out of its embed, to check it against the corpus. */
import type { APIEmbed } from 'discord.js';
import { expect } from 'vitest';
import { unescapeText } from '../../../src/discord/render/sanitize.js';
import type { AnswerLibrary } from '../../../src/discord/context.js';
import { embedViolations } from './answers.js';

/** The quotes of an answer embed, unescaped, with the [n] each cites and the link its [n] opens, if any. */
export function quotesOf(embed: APIEmbed): { text: string; n: number; link?: string }[] {
  return (embed.description ?? '')
    .split('\n\n')
    .filter((block) => block.startsWith('> '))
    .map((block) => {
      const match = /^([\s\S]*) (?:\[(\d+)\]|\[\[(\d+)\]\]\(<([^>]+)>\))$/.exec(block);
      expect(match, `quote block without [n]: ${block}`).not.toBeNull();
      const text = match![1]!
        .split('\n')
        .map((line) => line.replace(/^> /, ''))
        .join('\n');
      const quote = { text: unescapeText(text).replace(/ …$/, ''), n: Number(match![2] ?? match![3]) };
      return match![4] === undefined ? quote : { ...quote, link: match![4] };
    });
}

/** The numbered sources of an answer embed: [n], title (as shown) and file. */
export function sourcesOf(embed: APIEmbed): { n: number; title: string; file: string }[] {
  return (embed.fields ?? []).map((field) => {
    const name = /^\[(\d+)\] (.*)$/.exec(field.name);
    const file = /^`([^`]+)`/.exec(field.value);
    expect(name, `source field name: ${field.name}`).not.toBeNull();
    expect(file, `source field value: ${field.value}`).not.toBeNull();
    return { n: Number(name![1]), title: name![2]!, file: file![1]! };
  });
}

const collapse = (text: string): string => text.replace(/\s+/gu, ' ').trim();

/**
 * Asserts that the embed is within Discord's limits, has at least one quote, and that every quote is
 * a verbatim substring (whitespace collapsed) of the article its [n] cites, read from the library.
 */
export async function expectVerbatimAnswer(embed: APIEmbed, library: AnswerLibrary): Promise<void> {
  expect(embedViolations(embed)).toEqual([]);
  const quotes = quotesOf(embed);
  const sources = sourcesOf(embed);
  expect(quotes.length).toBeGreaterThan(0);
  for (const quote of quotes) {
    const source = sources.find((s) => s.n === quote.n);
    expect(source, `[${quote.n}] is not among the sources`).toBeDefined();
    const summary = library.articles().find((a) => a.path === source!.file);
    expect(summary, `no article at ${source!.file}`).toBeDefined();
    const article = await library.article(summary!.id);
    expect(collapse(article!.text)).toContain(collapse(quote.text));
  }
}
