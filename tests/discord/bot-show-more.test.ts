/**
 * End to end: "Show more" under an answer — the real discord.js client against the stand-in, a real
 * answer over the seed corpus. Pressed, it replies (only to the presser) with the next best quotes,
 * verbatim, none of them shown already, within Discord's limits; an answer with nothing more has no
 * such button; after a restart the press gets a clear "too old, ask again".
 */
import path from 'node:path';
import { MessageFlags, type APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerbatimBot } from '../../src/discord/bot.js';
import { TOO_OLD_FOR_MORE } from '../../src/discord/components/show-more.js';
import { parseFeedbackId, parseShowMoreId } from '../../src/discord/custom-ids.js';
import { MORE_QUOTES_LABEL } from '../../src/discord/render/answer.js';
import { SHOW_MORE_LABEL } from '../../src/discord/render/reply.js';
import { expectVerbatimAnswer, quotesOf, sourcesOf } from './helpers/embeds.js';
import { embedViolations } from './helpers/answers.js';
import { ask, bodyOf, callbackData, firstEmbed, freshUser, openTestLibrary, startBot, TestLibrary, waitForCallback, type RunningBot, type TestCorpus } from './helpers/harness.js';

let corpus: TestCorpus;
let running: RunningBot;
let library: TestLibrary;
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

interface Button {
  custom_id: string;
  label?: string;
}

const buttonsOf = (body: Record<string, unknown>): Button[] => ((body.components ?? []) as { components: Button[] }[]).flatMap((row) => row.components);

/** Presses a button on a message; the bot's reply (checked to be ephemeral). */
async function press(customId: string, messageId: string): Promise<Record<string, unknown>> {
  const injected = running.standin.sendButton({ customId, messageId, user: freshUser(running, 'presser') });
  const data = callbackData(await waitForCallback(running.standin, injected));
  expect(data.flags).toBe(MessageFlags.Ephemeral);
  return data;
}

/** A seed question with more good sentences than an answer shows. */
const QUESTION = 'How did Trump describe the talks Witkoff held with Putin?';

describe('Show more', () => {
  it('shows the next best quotes, verbatim and new, within the limits, only to the presser', async () => {
    const { injected, edit, embed } = await ask(running, QUESTION);
    const shown = quotesOf(embed);
    expect(shown).toHaveLength(3);
    const buttons = buttonsOf(bodyOf(edit));
    const more = buttons.find((b) => parseShowMoreId(b.custom_id) !== undefined);
    expect(more?.label).toBe(SHOW_MORE_LABEL);
    // The same answer id as the votes beside it.
    expect(parseShowMoreId(more!.custom_id)).toBe(parseFeedbackId(buttons[0]!.custom_id)?.answerId);

    const data = await press(more!.custom_id, running.standin.interaction(injected.id)!.originalMessageId!);
    const next: APIEmbed = firstEmbed(data);
    expect(embedViolations(next)).toEqual([]);
    await expectVerbatimAnswer(next, library);
    expect(next.title).toBe(embed.title);
    expect(next.description).toContain(`**${MORE_QUOTES_LABEL}**`);
    const added = quotesOf(next);
    expect(added.length).toBeGreaterThan(0);
    expect(added.length).toBeLessThanOrEqual(3);
    for (const quote of added) {
      for (const old of shown) {
        expect(old.text.includes(quote.text) || quote.text.includes(old.text)).toBe(false);
      }
    }
    // An article the answer cites keeps its [n] in the reply.
    const before = sourcesOf(embed);
    for (const source of sourcesOf(next)) {
      const same = before.find((s) => s.file === source.file);
      if (same) expect(source.n).toBe(same.n);
      else expect(source.n).toBeGreaterThan(before.length);
    }
    // No buttons on the extra quotes: they are not votable, and there is nothing more after them.
    expect(buttonsOf(data)).toEqual([]);

    // Pressed again, the same quotes.
    const again = firstEmbed(await press(more!.custom_id, running.standin.interaction(injected.id)!.originalMessageId!));
    expect(quotesOf(again)).toEqual(added);
  });

  it('is not offered when there is nothing more to show', async () => {
    const { edit, embed } = await ask(running, 'Who was Mike Pompeo?');
    expect(quotesOf(embed).length).toBeGreaterThan(0);
    const buttons = buttonsOf(bodyOf(edit));
    expect(buttons).toHaveLength(2); // 👍 and 👎 only
    expect(buttons.some((b) => parseShowMoreId(b.custom_id) !== undefined)).toBe(false);
  });

  it('after a restart, says the answer is too old and to ask again', async () => {
    const { injected, edit } = await ask(running, QUESTION);
    const more = buttonsOf(bodyOf(edit)).find((b) => parseShowMoreId(b.custom_id) !== undefined)!;
    await running.bot.stop(5_000);
    const bot = await VerbatimBot.create({ config: running.config, library, logger: running.logger });
    restarted = bot;
    await bot.start();
    running.bot = bot;

    const data = await press(more.custom_id, running.standin.interaction(injected.id)!.originalMessageId!);
    expect(data.content).toBe(TOO_OLD_FOR_MORE);
    expect(data.embeds ?? []).toEqual([]);
  });
});
