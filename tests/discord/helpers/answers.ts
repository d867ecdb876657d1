/** Hand-made Answer values and limit checks for the Discord rendering tests. */
import type { APIEmbed } from 'discord.js';
import type { Answer, Quote, SourceRef } from '../../../src/answer/types.js';

/** A source reference with sensible defaults. */
export function source(n: number, overrides: Partial<SourceRef> = {}): SourceRef {
  return { n, id: `00${n}_article`, title: `Article number ${n}`, path: `00${n}_article.txt`, ...overrides };
}

/** A quote citing source `n`. */
export function quote(text: string, n: number, overrides: Partial<Quote> = {}): Quote {
  return { text, source: n, articleId: `00${n}_article`, start: 0, end: text.length, score: 0.8, ...overrides };
}

/** An answered Answer. */
export function answered(question: string, quotes: Quote[], sources: SourceRef[], overrides: Partial<Answer> = {}): Answer {
  return {
    question,
    answered: true,
    quotes,
    sources,
    confidence: 0.8,
    timings: { totalMs: 42, embedMs: 20, searchMs: 10, selectMs: 12 },
    index: { generation: 'gen-000001', builtAt: '2025-01-01T00:00:00.000Z' },
    ...overrides,
  };
}

/** A "not in the corpus" refusal with the given nearest sources. */
export function refused(question: string, sources: SourceRef[]): Answer {
  return {
    question,
    answered: false,
    quotes: [],
    sources,
    refusal: { reason: 'not-in-corpus', message: 'The articles do not answer that. These are the nearest sources:' },
    confidence: 0.2,
    timings: { totalMs: 30, embedMs: 20, searchMs: 5, selectMs: 5 },
    index: { generation: 'gen-000001', builtAt: '2025-01-01T00:00:00.000Z' },
  };
}

/** Code points, as Discord counts. */
export function codePoints(text: string | undefined): number {
  return text === undefined ? 0 : [...text].length;
}

/** Every violation of Discord's embed limits in one embed (an empty list when it is within all of them). */
export function embedViolations(embed: APIEmbed): string[] {
  const out: string[] = [];
  const check = (what: string, value: string | undefined, max: number): void => {
    if (codePoints(value) > max) out.push(`${what}: ${codePoints(value)} > ${max}`);
  };
  check('title', embed.title, 256);
  check('description', embed.description, 4096);
  check('footer', embed.footer?.text, 2048);
  check('author', embed.author?.name, 256);
  const fields = embed.fields ?? [];
  if (fields.length > 25) out.push(`fields: ${fields.length} > 25`);
  fields.forEach((field, i) => {
    check(`fields[${i}].name`, field.name, 256);
    check(`fields[${i}].value`, field.value, 1024);
    if (field.name.length === 0 || field.value.length === 0) out.push(`fields[${i}] is empty`);
  });
  const total =
    codePoints(embed.title) +
    codePoints(embed.description) +
    codePoints(embed.footer?.text) +
    codePoints(embed.author?.name) +
    fields.reduce((n, f) => n + codePoints(f.name) + codePoints(f.value), 0);
  if (total > 6000) out.push(`total: ${total} > 6000`);
  return out;
}
