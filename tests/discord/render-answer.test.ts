import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import { STRENGTH_LABELS } from '../../src/answer/strength-labels.js';
import type { Answer, AnswerStrength, NearestPassage } from '../../src/answer/types.js';
import { NOT_IN_CORPUS_TITLE, renderAnswer, TOO_VAGUE_TITLE } from '../../src/discord/render/answer.js';
import { answerPayload } from '../../src/discord/render/reply.js';
import { answered, embedViolations, quote, refused, source } from './helpers/answers.js';

/** A nearest passage from source `n`. */
function passage(text: string, n: number): NearestPassage {
  return { text, source: n, articleId: `00${n}_article`, start: 0, end: text.length };
}

/** A "not in the corpus" refusal with nearest passages. */
function refusedWithNearest(question: string, sources: Answer['sources'], nearest: NearestPassage[], overrides: Partial<Answer> = {}): Answer {
  const base = refused(question, sources);
  return { ...base, refusal: { reason: 'not-in-corpus', message: base.refusal?.message ?? '', nearest }, ...overrides };
}

const TOO_VAGUE_MESSAGE =
  'That question does not say what to look for. Ask about something specific in the articles: a person, a place, an event or a claim, for example "Who said what about whom, and when?" These are some of the articles:';

function tooVague(question: string, sources: Answer['sources']): Answer {
  return { ...refused(question, sources), refusal: { reason: 'too-vague', message: TOO_VAGUE_MESSAGE } };
}

const KREMLIN = 'The Kremlin said the meeting was useful.';
const ENVOY = 'The envoy met Putin in Moscow on Wednesday.';

describe('renderAnswer: an answer', () => {
  const answer = answered(
    'What did the Kremlin say?',
    [quote(KREMLIN, 1), quote(ENVOY, 2), quote('Talks will continue next week.', 1)],
    [source(1, { url: 'https://example.com/kremlin', outlet: 'NDTV', published: '2025-08-06' }), source(2)],
  );
  const embed = renderAnswer(answer);

  it('puts the question in the title and each quote in a block quote followed by its [n]', () => {
    expect(embed.title).toBe('What did the Kremlin say?');
    expect(embed.description).toBe(
      [`> ${KREMLIN} [1]`, `> ${ENVOY} [2]`, '> Talks will continue next week. [1]'].join('\n\n'),
    );
  });

  it('lists the numbered sources with title, file, outlet, date and the link in <> (no preview)', () => {
    expect(embed.fields).toEqual([
      { name: '[1] Article number 1', value: '`001_article.txt` · NDTV · 2025-08-06\n<https://example.com/kremlin>' },
      { name: '[2] Article number 2', value: '`002_article.txt`' },
    ]);
  });

  it('shows the timing and the index generation in the footer', () => {
    expect(embed.footer?.text).toContain('42 ms');
    expect(embed.footer?.text).toContain('gen-000001');
    expect(embedViolations(embed)).toEqual([]);
  });

  it('quotes every line of a multi-line quote and puts [n] after the last', () => {
    const multi = renderAnswer(answered('q', [quote('First line.\nSecond line.', 1)], [source(1)]));
    expect(multi.description).toBe('> First line.\n> Second line. [1]');
  });

  it('leaves out links that are not http(s) or are malformed', () => {
    for (const url of ['javascript:alert(1)', 'not a url', 'ftp://example.com/x', 'https://exa mple.com/']) {
      const e = renderAnswer(answered('q', [quote('A.', 1)], [source(1, { url })]));
      expect(e.fields?.[0]?.value).toBe('`001_article.txt`');
    }
  });
});

describe('renderAnswer: links to the exact sentence', () => {
  const link = 'https://example.com/kremlin#:~:text=The%20Kremlin%20said%20the%20meeting%20was%20useful.';

  it('makes each [n] a link that opens the page at the quote, with no preview', () => {
    const embed = renderAnswer(answered('q', [quote(KREMLIN, 1, { link }), quote(ENVOY, 2)], [source(1, { url: 'https://example.com/kremlin' }), source(2)]));
    expect(embed.description).toBe([`> ${KREMLIN} [[1]](<${link}>)`, `> ${ENVOY} [2]`].join('\n\n'));
    expect(embedViolations(embed)).toEqual([]);
  });

  it('links the nearest passages of a refusal the same way', () => {
    const nearest = [{ ...passage(KREMLIN, 1), link }];
    const embed = renderAnswer(refusedWithNearest('q', [source(1, { url: 'https://example.com/kremlin' })], nearest));
    expect(embed.description).toContain(`> ${KREMLIN} [[1]](<${link}>)`);
  });

  it('shows a plain [n] for a link that is not http(s), has spaces or angle brackets, or is too long', () => {
    for (const bad of ['javascript:alert(1)', 'https://example.com/a b', 'https://example.com/<x>', `https://example.com/${'x'.repeat(700)}`]) {
      const embed = renderAnswer(answered('q', [quote(KREMLIN, 1, { link: bad })], [source(1)]));
      expect(embed.description).toBe(`> ${KREMLIN} [1]`);
    }
  });

  it('keeps the link on a quote cut to fit, after the ellipsis', () => {
    const long = Array.from({ length: 400 }, (_, i) => `Sentence ${i} goes on about the summit.`).join(' ');
    const embed = renderAnswer(answered('q', [quote(long, 1, { link })], [source(1)]));
    expect(embedViolations(embed)).toEqual([]);
    expect(embed.description).toMatch(/… \[\[1\]\]\(<https:\/\/example\.com\/kremlin#:~:text=[^>]+>\)\n\n\*Trimmed/);
  });
});

describe('renderAnswer: untrusted text is inert', () => {
  it('escapes markdown in quotes, titles and the echoed question', () => {
    const text = '**Bold** claim with _italics_, __underline__, ~~strike~~, ||spoiler||, `code` and [a link](https://evil.example).';
    const embed = renderAnswer(
      answered('Is **this** _bold_?', [quote(text, 1), quote('# Not a heading\n- not a list\n> not a quote\n-# not subtext', 1)], [source(1, { title: '*Star* ~~title~~' })]),
    );
    expect(embed.title).toBe('Is \\*\\*this\\*\\* \\_bold\\_?');
    const description = embed.description ?? '';
    expect(description).toContain('\\*\\*Bold\\*\\*');
    expect(description).toContain('\\_italics\\_');
    expect(description).toContain('\\_\\_underline\\_\\_');
    expect(description).toContain('\\~\\~strike\\~\\~');
    expect(description).toContain('\\|\\|spoiler\\|\\|');
    expect(description).toContain('\\`code\\`');
    expect(description).toContain('\\[a link](https://evil.example)');
    expect(description).toContain('> \\# Not a heading');
    expect(description).toContain('> \\- not a list');
    expect(description).toContain('> \\> not a quote');
    expect(description).toContain('> \\-# not subtext');
    expect(embed.fields?.[0]?.name).toBe('[1] \\*Star\\* \\~\\~title\\~\\~');
  });

  it('neutralises @everyone, @here, user and role mentions', () => {
    const text = 'Hello @everyone and @here, ping <@123456789012345678>, <@!123456789012345678> and <@&223456789012345678>.';
    const embed = renderAnswer(answered(`${text}?`, [quote(text, 1)], [source(1, { title: '@everyone read this', outlet: '<@&223456789012345678>' })]));
    const all = JSON.stringify(embed);
    expect(all).not.toMatch(/@everyone|@here/);
    expect(all).not.toMatch(/<@!?\d+>|<@&\d+>/);
    expect(embed.description).toContain('@\u200beveryone');
    expect(embed.description).toContain('<\u200b@123456789012345678>');
    expect(embed.description).toContain('<\u200b@&223456789012345678>');
  });
});

describe('renderAnswer: a refusal', () => {
  it('is a "Not in the corpus" embed echoing the question, with the nearest sources', () => {
    const embed = renderAnswer(refused('Who painted the Mona Lisa?', [source(1), source(2, { url: 'https://example.com/2' })]));
    expect(embed.title).toBe(NOT_IN_CORPUS_TITLE);
    expect(embed.description).toContain('**You asked:** Who painted the Mona Lisa?');
    expect(embed.description).toContain('nearest sources');
    expect(embed.fields?.map((f) => f.name)).toEqual(['[1] Article number 1', '[2] Article number 2']);
    expect(embed.fields?.[1]?.value).toContain('<https://example.com/2>');
    expect(embed.footer?.text).toContain('30 ms');
    expect(embedViolations(embed)).toEqual([]);
  });

  it('does not promise nearest sources when there are none', () => {
    const embed = renderAnswer(refused('Who painted the Mona Lisa?', []));
    expect(embed.description).not.toContain('nearest sources');
    expect(embed.fields).toBeUndefined();
  });

  it('renders an empty question as a prompt to ask', () => {
    const embed = renderAnswer({
      ...refused('', []),
      refusal: { reason: 'empty', message: 'Ask a question about the articles, for example: "What did the Kremlin say about a meeting?"' },
    });
    expect(embed.title).not.toBe(NOT_IN_CORPUS_TITLE);
    expect(embed.description).toContain('Ask a question');
    expect(embedViolations(embed)).toEqual([]);
  });
});

describe('renderAnswer: strength and spelling', () => {
  const quotes = [quote(KREMLIN, 1), quote(ENVOY, 2)];
  const sources = [source(1), source(2)];

  it.each(['direct', 'likely', 'partial'] as AnswerStrength[])('puts the %s label in bold on the first line, above the quotes', (strength) => {
    const embed = renderAnswer(answered('What did the Kremlin say?', quotes, sources, { strength }));
    expect(embed.description).toBe([`**${STRENGTH_LABELS[strength]}**`, `> ${KREMLIN} [1]`, `> ${ENVOY} [2]`].join('\n\n'));
    expect(embedViolations(embed)).toEqual([]);
  });

  it('says the partial answer may not answer the question', () => {
    const embed = renderAnswer(answered('q', quotes, sources, { strength: 'partial' }));
    expect(embed.description?.split('\n')[0]).toBe('**Partial — may not answer the question**');
  });

  it('notes what was searched for when question words were corrected, escaped', () => {
    const embed = renderAnswer(
      answered('What did Trum say about **Putn**?', quotes, sources, {
        strength: 'likely',
        corrections: [
          { from: 'trum', to: 'trump' },
          { from: 'putn', to: 'putin' },
        ],
      }),
    );
    expect(embed.description).toBe(
      [
        '**Likely answer**\n*Searched for: What did Trump say about \\*\\*Putin\\*\\*? (spelling: trum → trump, putn → putin)*',
        `> ${KREMLIN} [1]`,
        `> ${ENVOY} [2]`,
      ].join('\n\n'),
    );
  });

  it('escapes and neutralises the words of a correction', () => {
    const embed = renderAnswer(answered('q @everyone', quotes, sources, { corrections: [{ from: '@everyone', to: '*x*' }] }));
    expect(embed.description).toContain('\\*x\\*');
    expect(embed.description).not.toMatch(/@everyone/);
  });

  it('keeps an answer with a label and a very long correction within every limit, the label first', () => {
    const long = `Sentence of a long quote about the summit and the talks. `.repeat(400);
    const manySources = Array.from({ length: 12 }, (_, i) => source(i + 1, { title: `T ${'word '.repeat(60)}`, url: `https://example.com/${'y'.repeat(500)}` }));
    const embed = renderAnswer(
      answered(`Wat ${'wrd '.repeat(3000)}?`, [quote(long, 1), quote(long, 2)], manySources, {
        strength: 'direct',
        corrections: Array.from({ length: 200 }, (_, i) => ({ from: `wrd${i}`, to: `word${i}` })),
      }),
    );
    expect(embedViolations(embed)).toEqual([]);
    const description = embed.description ?? '';
    expect(description.startsWith('**Direct answer**\n*Searched for: Wat ')).toBe(true);
    expect(description).toMatch(/\n\n> Sentence of a long quote/);
    expect(description).toMatch(/Trimmed to fit Discord’s limits\.\*$/);
    // With one short source the description limit binds: the label and note count towards it too.
    const one = renderAnswer(answered('Wat?', [quote(long, 1)], [source(1)], { strength: 'partial', corrections: [{ from: 'wat', to: 'what' }] }));
    expect(embedViolations(one)).toEqual([]);
    expect(one.description?.startsWith('**Partial — may not answer the question**\n*Searched for: What? (spelling: wat → what)*\n\n> ')).toBe(true);
    expect(one.description).toMatch(/\. … \[1\]\n\n\*Trimmed to fit Discord’s limits\.\*$/);
  });
});

describe('renderAnswer: a refusal with the nearest passages', () => {
  const sources = [source(1), source(2)];
  const nearest = [passage('The Louvre reopened on Monday.', 2), passage('Crowds queued outside.\n\nThe museum said it was full.', 1)];
  const embed = renderAnswer(refusedWithNearest('Who painted the Mona Lisa?', sources, nearest));
  const description = embed.description ?? '';

  it('shows them as block quotes with their [n], under a heading saying they do not answer the question', () => {
    expect(embed.title).toBe(NOT_IN_CORPUS_TITLE);
    expect(description).toBe(
      [
        '**You asked:** Who painted the Mona Lisa?',
        'The articles do not answer that.',
        '**Closest passages (they do not answer your question):**\n> The Louvre reopened on Monday. [2]',
        '> Crowds queued outside.\n> The museum said it was full. [1]',
        '**Nearest sources:**',
      ].join('\n\n'),
    );
    expect(embed.fields?.map((f) => f.name)).toEqual(['[1] Article number 1', '[2] Article number 2']);
    expect(embedViolations(embed)).toEqual([]);
  });

  it('puts the heading before every passage, and no strength label', () => {
    const heading = description.indexOf('do not answer your question');
    expect(heading).toBeGreaterThan(0);
    expect(description.indexOf('\n> ')).toBeGreaterThan(heading);
    for (const label of Object.values(STRENGTH_LABELS)) expect(description).not.toContain(label);
  });

  it('escapes the passages', () => {
    const e = renderAnswer(refusedWithNearest('q', sources, [passage('**Bold** @here <@123456789012345678>\n> not a quote', 1)]));
    expect(e.description).toContain('> \\*\\*Bold\\*\\* @\u200bhere <\u200b@123456789012345678>\n> \\> not a quote [1]');
  });

  it('shows the spelling corrections in the refusal', () => {
    const e = renderAnswer(refusedWithNearest('Who is Zelensky?', sources, nearest, { corrections: [{ from: 'Zelensky', to: 'zelenskyy' }] }));
    expect(e.description).toContain('The articles do not answer that.\n*Searched for: Who is Zelenskyy? (spelling: Zelensky → zelenskyy)*\n\n**Closest passages');
  });

  it('cuts a very long passage like a quote, keeping the embed within every limit', () => {
    const long = Array.from({ length: 600 }, (_, i) => `Passage sentence ${i} about the museum and its visitors goes on. `).join('');
    const manySources = Array.from({ length: 15 }, (_, i) =>
      source(i + 1, { title: `A long title ${'word '.repeat(100)}`, outlet: 'O'.repeat(500), url: `https://example.com/${'z'.repeat(580)}` }),
    );
    const e = renderAnswer(
      refusedWithNearest(`Who ${'painted '.repeat(500)}?`, manySources, [passage(long, 1), passage(long, 2), passage(long, 3)], {
        corrections: [{ from: 'paintd', to: 'painted' }],
      }),
    );
    expect(embedViolations(e)).toEqual([]);
    const d = e.description ?? '';
    expect(d).toContain('**Closest passages (they do not answer your question):**\n> Passage sentence 0 ');
    expect(d).toMatch(/\. … \[1\]\n\n\*Trimmed to fit Discord’s limits\.\*\n\n\*\*Nearest sources:\*\*$/);
    expect(d).not.toContain('[2]');
    expect(e.fields?.length ?? 0).toBeGreaterThan(0);
    expect(e.footer?.text).toMatch(/more sources not listed/);
  });
});

describe('renderAnswer: a too-vague question', () => {
  const sources = [source(1), source(2), source(3)];
  const embed = renderAnswer(tooVague('what happened?', sources));

  it('asks for something specific and lists the articles under "The articles cover:"', () => {
    expect(embed.title).toBe(TOO_VAGUE_TITLE);
    expect(embed.title).toBe('Ask about something specific');
    expect(embed.description).toBe(
      [
        '**You asked:** what happened?',
        'That question does not say what to look for. Ask about something specific in the articles: a person, a place, an event or a claim, for example "Who said what about whom, and when?"',
        '**The articles cover:**',
      ].join('\n\n'),
    );
    expect(embed.fields?.map((f) => f.name)).toEqual(['[1] Article number 1', '[2] Article number 2', '[3] Article number 3']);
    expect(embedViolations(embed)).toEqual([]);
  });

  it('gets no feedback buttons (there is no answer to vote on)', () => {
    const row = (): APIActionRowComponent<APIButtonComponent> => ({ type: ComponentType.ActionRow, components: [] });
    expect(answerPayload(tooVague('what happened?', sources), row).components).toEqual([]);
    expect(answerPayload(refusedWithNearest('q', sources, [passage('A.', 1)]), row).components).toHaveLength(1);
  });
});

describe('renderAnswer: Discord limits always hold', () => {
  const sentence = (i: number): string => `Sentence number ${i} of a very long quoted passage goes on and on about the summit. `;
  const longText = (n: number): string => Array.from({ length: n }, (_, i) => sentence(i)).join('');

  it('trims an answer far over every limit to within all of them', () => {
    const sources = Array.from({ length: 40 }, (_, i) =>
      source(i + 1, {
        title: `A very long title ${'word '.repeat(300)}`,
        path: `${'dir/'.repeat(100)}${i}.txt`,
        url: `https://example.com/${'x'.repeat(3000)}`,
        outlet: 'O'.repeat(2000),
        published: 'P'.repeat(2000),
      }),
    );
    const quotes = Array.from({ length: 8 }, (_, i) => quote(longText(80), (i % 40) + 1));
    const answer = answered(`Q ${'why '.repeat(2000)}?`, quotes, sources, {
      index: { generation: 'g'.repeat(5000), builtAt: 'now' },
    });
    const embed = renderAnswer(answer);
    expect(embedViolations(embed)).toEqual([]);
    expect([...(embed.title ?? '')].length).toBeLessThanOrEqual(256);
    expect([...(embed.description ?? '')].length).toBeLessThanOrEqual(4096);
    expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
    for (const field of embed.fields ?? []) {
      expect([...field.name].length).toBeLessThanOrEqual(256);
      expect([...field.value].length).toBeLessThanOrEqual(1024);
    }
    expect([...(embed.footer?.text ?? '')].length).toBeLessThanOrEqual(2048);
    expect(embed.title?.endsWith('…')).toBe(true);
    // The first quote is shown (cut at a sentence boundary, ellipsis inside the quote), and the cut is noted.
    const description = embed.description ?? '';
    expect(description.startsWith('> Sentence number 0 ')).toBe(true);
    expect(description).toMatch(/\. … \[1\]\n\n\*Trimmed to fit Discord’s limits\.\*$/);
    expect(embed.footer?.text).toMatch(/more sources not listed/);
  });

  it('keeps whole quotes and drops the ones that do not fit, saying so', () => {
    const quotes = [quote(longText(20), 1), quote(longText(20), 2), quote(longText(60), 3)];
    const embed = renderAnswer(answered('q', quotes, [source(1), source(2), source(3)]));
    const description = embed.description ?? '';
    expect(embedViolations(embed)).toEqual([]);
    expect(description).toContain(' [1]\n\n> ');
    expect(description).toContain(' [2]');
    expect(description).toContain('Trimmed to fit');
  });

  it('stays within limits when escaping makes the text longer, without splitting an escape', () => {
    const stars = '*_~|`'.repeat(2000);
    const embed = renderAnswer(answered(stars, [quote(stars, 1)], [source(1, { title: stars })]));
    expect(embedViolations(embed)).toEqual([]);
    expect(embed.description).not.toMatch(/(^|[^\\])(\\\\)*\\ …/);
  });

  it('never splits a surrogate pair', () => {
    const emoji = '🙂'.repeat(5000);
    const embed = renderAnswer(answered(emoji, [quote(emoji, 1)], [source(1, { title: emoji })]));
    expect(embedViolations(embed)).toEqual([]);
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    expect(JSON.stringify(embed.title)).not.toMatch(lone);
    expect(embed.description).not.toMatch(lone);
    expect(embed.fields?.[0]?.name).not.toMatch(lone);
  });

  it('holds for arbitrary answers (property)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 3000 });
    const ref = fc.record({
      title: text,
      path: fc.string({ maxLength: 400 }),
      url: fc.option(fc.webUrl(), { nil: undefined }),
      outlet: fc.option(text, { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), fc.array(text, { maxLength: 10 }), fc.array(ref, { minLength: 1, maxLength: 30 }), (question, texts, refs) => {
        const sources = refs.map((r, i) => source(i + 1, { title: r.title, path: r.path, ...(r.url ? { url: r.url } : {}), ...(r.outlet ? { outlet: r.outlet } : {}) }));
        const quotes = texts.map((t, i) => quote(t, (i % sources.length) + 1, refs[i]?.url ? { link: `${refs[i]?.url}#:~:text=${encodeURIComponent(t.slice(0, 40))}` } : {}));
        expect(embedViolations(renderAnswer(answered(question, quotes, sources)))).toEqual([]);
        expect(embedViolations(renderAnswer(refused(question, sources)))).toEqual([]);
        const corrections = texts.slice(0, 3).map((t) => ({ from: t, to: question.slice(0, 50) }));
        const strength = (['direct', 'likely', 'partial'] as const)[texts.length % 3];
        expect(embedViolations(renderAnswer(answered(question, quotes, sources, { strength, corrections })))).toEqual([]);
        const nearest = texts.map((t, i) => passage(t, (i % sources.length) + 1));
        expect(embedViolations(renderAnswer(refusedWithNearest(question, sources, nearest, { corrections })))).toEqual([]);
        expect(embedViolations(renderAnswer({ ...tooVague(question, sources), corrections }))).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
