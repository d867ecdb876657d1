import { describe, expect, it } from 'vitest';
import { feedbackId, parseFeedbackId, parseSourcesPageId, sourcesPageId } from '../../src/discord/custom-ids.js';
import { mentionQuestion, threadName } from '../../src/discord/mention.js';
import { renderArticle } from '../../src/discord/render/article.js';
import { renderHelp } from '../../src/discord/render/help.js';
import { cutPoint, enforceEmbedLimits, truncate } from '../../src/discord/render/limits.js';
import { cooldownMessage, unknownArticleMessage } from '../../src/discord/render/notices.js';
import { changeLine, renderReindexSummary } from '../../src/discord/render/reindex.js';
import { ephemeralNotice, notice } from '../../src/discord/render/reply.js';
import { neutraliseMentions, safeLink, unescapeText, safeText } from '../../src/discord/render/sanitize.js';
import type { BuildSummary } from '../../src/index/build.js';
import { codePoints, embedViolations } from './helpers/answers.js';

describe('trimming', () => {
  const text = 'First sentence here. Second sentence is here too. Third one ends it.';

  it('cuts after a sentence end when one is in the second half', () => {
    expect(truncate(text, 60)).toBe('First sentence here. Second sentence is here too. …');
    expect(truncate(text, 200)).toBe(text);
  });

  it('cuts at a line break, then at a word, then anywhere', () => {
    expect(truncate('alpha beta gamma\ndelta epsilon zeta eta theta', 30)).toBe('alpha beta gamma…');
    expect(truncate('alpha beta gamma delta epsilon zeta eta theta', 30)).toBe('alpha beta gamma delta…');
    expect(truncate('x'.repeat(50), 10)).toBe(`${'x'.repeat(8)}…`);
    expect(cutPoint('short', 10)).toBe(5);
  });

  it('enforces every embed limit as a last line of defence', () => {
    const embed = enforceEmbedLimits({
      title: 't'.repeat(1000),
      description: 'd. '.repeat(3000),
      footer: { text: 'f'.repeat(5000) },
      author: { name: 'a'.repeat(1000) },
      fields: Array.from({ length: 40 }, () => ({ name: 'n'.repeat(500), value: 'v'.repeat(3000) })),
    });
    expect(embedViolations(embed)).toEqual([]);
  });
});

describe('sanitising', () => {
  it('neutralises every kind of mention', () => {
    expect(neutraliseMentions('@everyone @here @Everyone')).toBe('@\u200beveryone @\u200bhere @\u200bEveryone');
    expect(neutraliseMentions('<@1234567890123456> <@!1234567890123456> <@&1234567890123456> <#1234567890123456>')).toBe(
      '<\u200b@1234567890123456> <\u200b@!1234567890123456> <\u200b@&1234567890123456> <\u200b#1234567890123456>',
    );
    expect(neutraliseMentions('mail me at a@example.com')).toBe('mail me at a@example.com');
  });

  it('escapes markdown and can undo it', () => {
    const raw = '**bold** _x_ `c` # h\n- l\n1. n\n> q [t](https://x.y)';
    expect(unescapeText(safeText(raw))).toBe(raw);
  });

  it('wraps only http(s) links in <>', () => {
    expect(safeLink('https://example.com/a?b=c')).toBe('<https://example.com/a?b=c>');
    expect(safeLink('http://example.com')).toBe('<http://example.com>');
    expect(safeLink('javascript:alert(1)')).toBeUndefined();
    expect(safeLink('https://example.com/>@everyone')).toBeUndefined();
    expect(safeLink(undefined)).toBeUndefined();
  });

  it('keeps notices within the content limit and mention-free', () => {
    const long = notice(`@everyone ${'x'.repeat(3000)}`);
    expect(codePoints(long.content)).toBeLessThanOrEqual(2000);
    expect(long.content).not.toContain('@everyone');
    expect(long.allowedMentions).toEqual({ parse: [], repliedUser: false });
    expect(ephemeralNotice('hi').flags).toBe(64);
  });
});

describe('notices', () => {
  it('round the cooldown up to whole seconds', () => {
    expect(cooldownMessage(3.2)).toContain('4s');
    expect(cooldownMessage(0.1)).toContain('1s');
  });

  it('point an unknown article id to /sources', () => {
    const message = unknownArticleMessage('nope`x');
    expect(message).toContain('/sources');
    expect(message).not.toContain('nope`x');
  });
});

describe('renderArticle', () => {
  it('shows metadata and the opening lines, trimmed and escaped, within limits', () => {
    const text = Array.from({ length: 200 }, (_, i) => `Paragraph ${i} says **something** about @everyone.`).join('\n\n');
    const embed = renderArticle({
      id: '001_article',
      title: 'A *title*',
      path: '001_article.txt',
      chunks: 7,
      outlet: 'NDTV',
      published: '2025-08-06',
      url: 'https://example.com/article',
      text,
    });
    expect(embedViolations(embed)).toEqual([]);
    expect(embed.title).toBe('A \\*title\\*');
    expect(embed.url).toBe('https://example.com/article');
    expect(embed.description?.startsWith('Paragraph 0 says \\*\\*something\\*\\* about @\u200beveryone.')).toBe(true);
    expect(embed.description?.endsWith('…')).toBe(true);
    expect((embed.description ?? '').length).toBeLessThanOrEqual(1500);
    expect(embed.fields?.map((f) => f.name)).toEqual(['Id', 'File', 'Chunks', 'Outlet', 'Published', 'Link']);
    expect(embed.fields?.find((f) => f.name === 'Link')?.value).toBe('<https://example.com/article>');
  });

  it('leaves out a url that is not http(s)', () => {
    const embed = renderArticle({ id: 'a', title: 'A', path: 'a.txt', chunks: 1, url: 'file:///etc/passwd', text: 'Hello.' });
    expect(embed.url).toBeUndefined();
    expect(embed.fields?.some((f) => f.name === 'Link')).toBe(false);
  });
});

describe('renderHelp and renderReindexSummary', () => {
  it('help lists every command', () => {
    const embed = renderHelp({ mention: '<@1234567890123456>', articles: 5 });
    for (const command of ['/ask', '/sources', '/source', '/reindex', '/help', '<@1234567890123456>']) expect(embed.description).toContain(command);
    expect(embed.description).toContain('5 indexed news articles');
    expect(embed.description).toContain('follow-up');
    expect(embed.description).toContain('which quote was wrong');
    expect(embedViolations(embed)).toEqual([]);
  });

  it('reindex summary says what changed and how big the index is', () => {
    const summary: BuildSummary = {
      added: [],
      changed: ['001_article'],
      removed: [],
      unchanged: ['000_a', '002_b', '003_c', '004_d'],
      counts: { articles: 5, chunks: 60, sentences: 400 },
      embedded: { chunks: 12, sentences: 80 },
      warnings: Array.from({ length: 8 }, (_, i) => ({ path: `bad${i}.bin`, message: 'not a text file' })),
      written: true,
      generationDir: '/tmp/x',
      ms: 1234,
    };
    expect(changeLine(summary)).toBe('1 changed · 0 added · 0 removed · 4 unchanged');
    const embed = renderReindexSummary(summary);
    expect(embed.description).toContain('1 changed');
    expect(embed.fields?.find((f) => f.name === 'Changed (1)')?.value).toBe('`001_article`');
    expect(embed.fields?.find((f) => f.name === 'Index')?.value).toBe('5 articles · 60 chunks · 400 sentences');
    expect(embed.fields?.find((f) => f.name === 'Warnings (8)')?.value).toContain('…and 3 more');
    expect(embedViolations(embed)).toEqual([]);
    const huge = renderReindexSummary({ ...summary, changed: Array.from({ length: 5000 }, (_, i) => `article_${i}`) });
    expect(embedViolations(huge)).toEqual([]);
  });
});

describe('custom ids and mentions', () => {
  it('round-trip page and feedback ids within 100 characters', () => {
    expect(parseSourcesPageId(sourcesPageId(7, 'next'))).toBe(7);
    expect(parseSourcesPageId('feedback:up:x')).toBeUndefined();
    const id = feedbackId('down', 'AbC-_123');
    expect(id.length).toBeLessThanOrEqual(100);
    expect(parseFeedbackId(id)).toEqual({ vote: 'down', answerId: 'AbC-_123' });
    expect(parseFeedbackId('feedback:maybe:x')).toBeUndefined();
  });

  it('reads the question out of a mention', () => {
    const bot = '1234567890123456789';
    expect(mentionQuestion(`<@${bot}> What did the Kremlin say?`, bot)).toBe('What did the Kremlin say?');
    expect(mentionQuestion(`Hey <@!${bot}>,  what   happened?`, bot)).toBe('Hey , what happened?');
    expect(mentionQuestion(`<@&999999999999999999> who met?`, bot, ['999999999999999999'])).toBe('who met?');
    expect(mentionQuestion(`<@${bot}>`, bot)).toBe('');
    expect(mentionQuestion(`<@${bot}>   `, bot)).toBe('');
    expect(mentionQuestion('no mention here', bot)).toBeUndefined();
    expect(mentionQuestion('<@1111111111111111111> not me', bot)).toBeUndefined();
  });

  it('names threads within 1–100 characters', () => {
    expect(threadName('What happened?')).toBe('What happened?');
    expect(threadName('   ')).toBe('Question');
    const long = threadName('word '.repeat(100));
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long.endsWith('…')).toBe(true);
  });
});
