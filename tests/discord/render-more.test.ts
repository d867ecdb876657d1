/** "Show more": the button beside the votes (only when there is more), the further quotes as an embed within Discord's limits, the ids. */
import { MessageFlags } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { parseFeedbackId, parseShowMoreId, showMoreId } from '../../src/discord/custom-ids.js';
import { feedbackButtons } from '../../src/discord/feedback.js';
import { MORE_QUOTES_LABEL, renderMoreQuotes } from '../../src/discord/render/answer.js';
import { answerPayload, moreQuotesPayload, SHOW_MORE_LABEL } from '../../src/discord/render/reply.js';
import { answered, embedViolations, quote, refused, source } from './helpers/answers.js';

const more = { quotes: [quote('A further sentence that answers.', 2), quote('And another one from the first article.', 1)], sources: [source(1), source(2)] };

describe('show-more ids', () => {
  it('round-trips an answer id and refuses anything else', () => {
    expect(parseShowMoreId(showMoreId('abc_DEF-123'))).toBe('abc_DEF-123');
    expect(parseShowMoreId('more:')).toBeUndefined();
    expect(parseShowMoreId('more:a b')).toBeUndefined();
    expect(parseShowMoreId('feedback:up:abc')).toBeUndefined();
    expect(parseFeedbackId(showMoreId('abc'))).toBeUndefined();
    expect(showMoreId('x'.repeat(64)).length).toBeLessThanOrEqual(100);
  });
});

describe('the Show more button', () => {
  const row = () => feedbackButtons('answer123');
  it('follows 👍/👎 with the same answer id when the answer has more', () => {
    const payload = answerPayload(answered('Q?', [quote('Shown.', 1)], [source(1)], { more }), row);
    const buttons = payload.components![0]!.components;
    expect(buttons).toHaveLength(3);
    const last = buttons[2]!;
    expect('custom_id' in last && last.custom_id).toBe(showMoreId('answer123'));
    expect('label' in last && last.label).toBe(SHOW_MORE_LABEL);
  });

  it('is absent without more, with an empty more, on refusals, and without a vote row', () => {
    expect(answerPayload(answered('Q?', [quote('Shown.', 1)], [source(1)]), row).components![0]!.components).toHaveLength(2);
    expect(answerPayload(answered('Q?', [quote('Shown.', 1)], [source(1)], { more: { quotes: [], sources: [] } }), row).components![0]!.components).toHaveLength(2);
    expect(answerPayload({ ...refused('Q?', [source(1)]), more }, row).components![0]!.components).toHaveLength(2);
    expect(answerPayload(answered('Q?', [quote('Shown.', 1)], [source(1)], { more }), undefined).components).toEqual([]);
  });
});

describe('renderMoreQuotes', () => {
  it('renders like an answer: the question, "More quotes", each quote with its [n], the sources', () => {
    const embed = renderMoreQuotes('What happened?', more);
    expect(embed.title).toBe('What happened?');
    expect(embed.description).toContain(`**${MORE_QUOTES_LABEL}**`);
    expect(embed.description).toContain('> A further sentence that answers. [2]');
    expect(embed.description).toContain('> And another one from the first article. [1]');
    expect(embed.fields?.map((f) => f.name)).toEqual(['[1] Article number 1', '[2] Article number 2']);
    expect(embed.footer?.text).toBe('Verbatim quotes · the next 2 best quotes');
    expect(embedViolations(embed)).toEqual([]);
  });

  it('stays within every limit with huge quotes, many sources and a long question', () => {
    const sources = Array.from({ length: 14 }, (_, i) => source(i + 1, { title: 'T'.repeat(400), url: `https://example.com/${'p'.repeat(300)}` }));
    const quotes = sources.map((s) => quote(`${'Word '.repeat(900)}end.`, s.n, { link: `https://example.com/#:~:text=${'x'.repeat(500)}` }));
    const embed = renderMoreQuotes('Why '.repeat(200), { quotes, sources });
    expect(embedViolations(embed)).toEqual([]);
    expect(embed.description).toContain('Trimmed');
    expect(embed.footer?.text).toContain('4 more sources not listed');
  });

  it('is sent ephemerally, with nobody mentioned', () => {
    const payload = moreQuotesPayload('Q?', more);
    expect(payload.flags).toBe(MessageFlags.Ephemeral);
    expect(payload.allowedMentions).toEqual({ parse: [], repliedUser: false });
    expect(payload.embeds).toHaveLength(1);
  });
});
