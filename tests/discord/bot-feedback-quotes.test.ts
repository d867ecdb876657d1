/**
 * End to end: after a 👎 the voter says which quote was wrong (or that the answer should have
 * declined) — the real discord.js client against the stand-in, a real answer over the seed corpus —
 * and the feedback file gets a line referring to the vote, with enough of the answer (each quote's
 * article, offsets and text) to make an evaluation item; the file converts with --from-feedback.
 * Also after a restart, when the answer is read back from its message.
 */
import path from 'node:path';
import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedbackToEval } from '../../src/cli/feedback-to-eval.js';
import { VerbatimBot } from '../../src/discord/bot.js';
import { parseFeedbackDetailId, parseFeedbackId } from '../../src/discord/custom-ids.js';
import { isDetailLine, type FeedbackDetailRecord, type FeedbackLine, type FeedbackRecord } from '../../src/discord/feedback.js';
import { SHOULD_DECLINE_LABEL } from '../../src/discord/render/feedback-choice.js';
import type { InjectedInteraction } from '../support/discord-standin.js';
import { quotesOf } from './helpers/embeds.js';
import { ask, bodyOf, callbackData, freshUser, openTestLibrary, startBot, TestLibrary, waitForCallback, type RunningBot, type TestCorpus } from './helpers/harness.js';

let corpus: TestCorpus;
let running: RunningBot;
let library: TestLibrary;
/** The bot started again in the restart test (the harness's close() stops the first one). */
let restarted: VerbatimBot | undefined;

beforeAll(async () => {
  corpus = await openTestLibrary();
  library = new TestLibrary(corpus.library);
  running = await startBot(library, path.join(corpus.root, 'feedback.jsonl'));
});

afterAll(async () => {
  await restarted?.stop(5_000);
  await running?.close();
  await corpus?.cleanup();
});

type User = ReturnType<typeof freshUser>;
/** A button as the bot sends it. */
interface Button {
  custom_id: string;
  label?: string;
}
interface Reply {
  content: string;
  buttons: Button[][];
  /** The message the reply is (its buttons are clicked on it). */
  messageId: string;
}

/** Clicks a button on a message and returns the bot's ephemeral reply. */
async function click(customId: string, messageId: string, user: User): Promise<Reply> {
  const injected: InjectedInteraction = running.standin.sendButton({ customId, messageId, user });
  const callback = await waitForCallback(running.standin, injected);
  const data = callbackData(callback);
  expect(data.flags).toBe(MessageFlags.Ephemeral);
  const rows = (data.components ?? []) as { components: Button[] }[];
  return { content: String(data.content), buttons: rows.map((row) => row.components), messageId: running.standin.interaction(injected.id)!.originalMessageId! };
}

async function fileLines(): Promise<{ text: string; lines: FeedbackLine[] }> {
  const lines = [...running.bot.context.feedback.log.lines()];
  return { text: lines.map((line) => `${JSON.stringify(line)}\n`).join(''), lines };
}

const customIdOf = (button: Button | undefined): string => button!.custom_id;

describe('👎 then which quote was wrong', () => {
  it('offers each quote and "should have declined"; the choice is a line referring to the vote; the vote keeps the answer', async () => {
    const question = 'What could happen if the negotiations break down?';
    const { injected, edit, embed } = await ask(running, question);
    const shown = quotesOf(embed);
    expect(shown.length).toBeGreaterThanOrEqual(2);
    const answerMessage = running.standin.interaction(injected.id)!.originalMessageId!;
    const [, down] = (bodyOf(edit).components as { components: { custom_id: string }[] }[])[0]!.components.map((c) => c.custom_id);
    const voter = freshUser(running, 'voter');

    const before = (await fileLines()).text.length;
    const thanks = await click(down!, answerMessage, voter);
    expect(thanks.content).toContain('your 👎 has been recorded');
    // A row per quote, its first words on the button (within Discord's 80), then "should have declined".
    expect(thanks.buttons).toHaveLength(shown.length + 1);
    thanks.buttons.slice(0, -1).forEach((row, i) => {
      expect(row).toHaveLength(1);
      const label = row[0]!.label!;
      expect(label.length).toBeLessThanOrEqual(80);
      expect(label.startsWith(`${i + 1}. “`)).toBe(true);
      expect(shown[i]!.text.replace(/\s+/g, ' ').startsWith(label.slice(4, 20))).toBe(true);
      expect(parseFeedbackDetailId(customIdOf(row[0]))).toEqual({ answerId: parseFeedbackId(down!)!.answerId, detail: { kind: 'wrong-quote', quote: i + 1 } });
    });
    expect(thanks.buttons.at(-1)![0]!.label).toBe(SHOULD_DECLINE_LABEL);
    for (const row of thanks.buttons) for (const button of row) expect(customIdOf(button).length).toBeLessThanOrEqual(100);

    // Dismissed? 👎 again brings the choice back (the vote is not written twice).
    const back = await click(down!, answerMessage, voter);
    expect(back.content).toContain('already voted');
    expect(back.buttons.map((row) => row.map(customIdOf))).toEqual(thanks.buttons.map((row) => row.map(customIdOf)));

    // Quote [1] was wrong: recorded once; the same again is acknowledged, not written.
    const first = customIdOf(thanks.buttons[0]![0]);
    expect((await click(first, thanks.messageId, voter)).content).toBe('Noted: quote 1 was wrong. Thanks!');
    expect((await click(first, thanks.messageId, voter)).content).toContain('already said that');
    // Someone who did not vote 👎 on the answer cannot add to a vote.
    expect((await click(first, thanks.messageId, freshUser(running, 'other'))).content).toContain('Only your 👎');
    expect(running.standin.violations).toEqual([]);

    const { text, lines } = await fileLines();
    // Appended, never rewritten.
    expect(text.length).toBeGreaterThan(before);
    const answerId = parseFeedbackId(down!)!.answerId;
    const mine = lines.filter((line) => line.answerId === answerId);
    expect(mine).toHaveLength(2);
    const vote = mine[0] as FeedbackRecord;
    expect(vote).toMatchObject({ vote: 'down', question, answered: true });
    expect(vote.quotes).toHaveLength(shown.length);
    for (const [i, quote] of vote.quotes!.entries()) {
      // Each quote as the article has it: its text is exactly the article's text between its offsets.
      expect((await library.article(quote.articleId))!.text.slice(quote.start, quote.end)).toBe(quote.text);
      expect(quote.text.replace(/\s+/g, ' ')).toBe(shown[i]!.text.replace(/\s+/g, ' '));
      expect(vote.sources[quote.source - 1]).toBe(quote.articleId);
    }
    const choice = mine[1]!;
    expect(isDetailLine(choice)).toBe(true);
    expect(choice).toMatchObject({ answerId, user: vote.user, detail: 'wrong-quote', quote: 1 } satisfies Partial<FeedbackDetailRecord>);
    expect((choice as Partial<FeedbackRecord>).vote).toBeUndefined();
    expect(JSON.stringify(lines)).not.toContain(voter.id);

    // The file turns into an item saying that quote must not be quoted again.
    const item = feedbackToEval(text).items.find((i) => i.q === question);
    expect(item?.source).toBeUndefined();
    expect(item?.wrongPhrases).toHaveLength(1);
    expect(vote.quotes![0]!.text).toContain(item!.wrongPhrases![0]);
  });

  it('"should have declined" is recorded; a 👎 on a refusal offers nothing more', async () => {
    const { injected, edit } = await ask(running, 'Who was Mike Pompeo?');
    const [, down] = (bodyOf(edit).components as { components: { custom_id: string }[] }[])[0]!.components.map((c) => c.custom_id);
    const voter = freshUser(running, 'voter');
    const thanks = await click(down!, running.standin.interaction(injected.id)!.originalMessageId!, voter);
    expect((await click(customIdOf(thanks.buttons.at(-1)![0]), thanks.messageId, voter)).content).toBe('Noted: the answer should have declined. Thanks!');

    const refusal = await ask(running, 'Who painted the Mona Lisa?');
    const [, refusalDown] = (bodyOf(refusal.edit).components as { components: { custom_id: string }[] }[])[0]!.components.map((c) => c.custom_id);
    const reply = await click(refusalDown!, running.standin.interaction(refusal.injected.id)!.originalMessageId!, voter);
    expect(reply.content).toBe('Thanks — your 👎 has been recorded.');
    expect(reply.buttons).toEqual([]);

    const { text, lines } = await fileLines();
    const answerId = parseFeedbackId(down!)!.answerId;
    expect(lines.filter((l) => l.answerId === answerId && isDetailLine(l))).toEqual([expect.objectContaining({ detail: 'should-decline' })]);
    expect(lines.find((l) => l.answerId === parseFeedbackId(refusalDown!)!.answerId)).toMatchObject({ answered: false, quotes: [] });
    const items = feedbackToEval(text).items;
    expect(items.find((i) => i.q === 'Who was Mike Pompeo?')).toMatchObject({ source: null });
  });

  it('after a restart, reads the quotes back from the answer message and still offers them', async () => {
    const { injected, edit, embed } = await ask(running, 'How did Trump describe the talks Witkoff held with Putin?');
    const answerMessage = running.standin.interaction(injected.id)!.originalMessageId!;
    const [, down] = (bodyOf(edit).components as { components: { custom_id: string }[] }[])[0]!.components.map((c) => c.custom_id);
    // A new bot process over the same feedback file: the answer is not in its memory.
    await running.bot.stop(5_000);
    const bot = await VerbatimBot.create({ config: running.config, library, logger: running.logger });
    restarted = bot;
    await bot.start();
    running.bot = bot;

    const voter = freshUser(running, 'voter');
    const thanks = await click(down!, answerMessage, voter);
    expect(thanks.buttons).toHaveLength(quotesOf(embed).length + 1);
    expect((await click(customIdOf(thanks.buttons[1]![0]), thanks.messageId, voter)).content).toBe('Noted: quote 2 was wrong. Thanks!');
    const { lines } = await fileLines();
    const mine = lines.filter((l) => l.answerId === parseFeedbackId(down!)!.answerId);
    expect(mine[0]).toMatchObject({ vote: 'down', recovered: true, answered: true });
    const quotes = (mine[0] as FeedbackRecord).quotes!;
    expect(quotes.map((q) => q.text.replace(/\s+/g, ' '))).toEqual(quotesOf(embed).map((q) => q.text.replace(/\s+/g, ' ')));
    expect(quotes[0]!.articleId).toMatch(/^004_/);
    expect(mine[1]).toMatchObject({ detail: 'wrong-quote', quote: 2 });
  });
});
