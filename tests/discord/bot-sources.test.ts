/** End to end: /sources with its ◀/▶ paging buttons, /source with autocomplete, and /help. */
import path from 'node:path';
import { InteractionResponseType, MessageFlags, type APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSourcesPageId } from '../../src/discord/custom-ids.js';
import { embedViolations } from './helpers/answers.js';
import { addArticle, bodyOf, callbackData, firstEmbed, openTestLibrary, startBot, TestLibrary, waitForCallback, type RunningBot, type TestCorpus } from './helpers/harness.js';

let corpus: TestCorpus;
let library: TestLibrary;
let running: RunningBot;

beforeAll(async () => {
  corpus = await openTestLibrary(async (dir) => {
    // 12 short extra articles: 17 in all, two pages.
    for (let i = 0; i < 12; i++) {
      await addArticle(dir, `5${String(i).padStart(2, '0')}_extra.txt`, `Harbour bulletin ${i}\n\nThe harbour of town ${i} reported ${i + 3} ships arriving on Monday.`);
    }
  });
  library = new TestLibrary(corpus.library);
  running = await startBot(library, path.join(corpus.root, 'feedback.jsonl'));
});

afterAll(async () => {
  await running?.close();
  await corpus?.cleanup();
});

type Button = { custom_id: string; label: string; disabled?: boolean };
function buttonsOf(data: Record<string, unknown>): Button[] {
  const rows = data.components as { components: Button[] }[];
  return rows[0]!.components;
}

describe('/sources', () => {
  it('lists ten articles per page and pages with the ◀/▶ buttons, updating the message', async () => {
    const { standin } = running;
    const command = standin.sendSlashCommand({ name: 'sources' });
    const first = await waitForCallback(standin, command);
    expect(bodyOf(first).type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(callbackData(first).flags).toBe(MessageFlags.Ephemeral);
    const page1 = firstEmbed(callbackData(first));
    expect(page1.footer?.text).toContain('Page 1 of 2');
    expect(page1.footer?.text).toContain('17 articles');
    expect(page1.description?.match(/^\*\*\d+\.\*\*/gm)).toHaveLength(10);
    const [prev, next] = buttonsOf(callbackData(first));
    expect(prev?.disabled).toBe(true);
    expect(parseSourcesPageId(next!.custom_id)).toBe(2);

    const messageId = standin.interaction(command.id)!.originalMessageId!;
    const click = standin.sendButton({ customId: next!.custom_id, messageId });
    const update = await waitForCallback(standin, click);
    expect(bodyOf(update).type).toBe(InteractionResponseType.UpdateMessage);
    const page2 = firstEmbed(callbackData(update));
    expect(page2.footer?.text).toContain('Page 2 of 2');
    expect(page2.description?.match(/^\*\*\d+\.\*\*/gm)).toHaveLength(7);
    expect(page2.description).toContain('**11.**');
    const [prev2, next2] = buttonsOf(callbackData(update));
    expect(next2?.disabled).toBe(true);
    expect(standin.message(messageId)?.embeds[0]?.footer?.text).toContain('Page 2 of 2');

    const back = standin.sendButton({ customId: prev2!.custom_id, messageId });
    expect(firstEmbed(callbackData(await waitForCallback(standin, back))).footer?.text).toContain('Page 1 of 2');
    expect(standin.violations).toEqual([]);
  });

  it('starts at the requested page (clamped)', async () => {
    const command = running.standin.sendSlashCommand({ name: 'sources', options: { page: 9 } });
    expect(firstEmbed(callbackData(await waitForCallback(running.standin, command))).footer?.text).toContain('Page 2 of 2');
  });
});

describe('/source', () => {
  it('shows a known article: metadata and opening lines, within limits', async () => {
    const article = library.articles().find((a) => a.id.startsWith('004'))!;
    const command = running.standin.sendSlashCommand({ name: 'source', options: { id: article.id } });
    const callback = await waitForCallback(running.standin, command);
    expect(callbackData(callback).flags).toBe(MessageFlags.Ephemeral);
    const embed: APIEmbed = firstEmbed(callbackData(callback));
    expect(embed.fields?.find((f) => f.name === 'Id')?.value).toBe(`\`${article.id}\``);
    expect(embed.fields?.find((f) => f.name === 'File')?.value).toBe(`\`${article.path}\``);
    const opening = (embed.description ?? '').replace(/\\(.)/g, '$1').replace(/ …$/, '').slice(0, 60);
    expect((await library.article(article.id))!.text.replace(/\s+/g, ' ')).toContain(opening.replace(/\s+/g, ' '));
    expect(embedViolations(embed)).toEqual([]);
  });

  it('says so, ephemerally, for an unknown id', async () => {
    const command = running.standin.sendSlashCommand({ name: 'source', options: { id: 'no-such-article' } });
    const callback = await waitForCallback(running.standin, command);
    expect(callbackData(callback).flags).toBe(MessageFlags.Ephemeral);
    expect(String(callbackData(callback).content)).toMatch(/No such article.*\/sources/);
  });

  it('autocompletes ids and titles: at most 25 choices, names within 100 characters', async () => {
    const typed = running.standin.sendAutocomplete({ name: 'source', options: { id: 'harbour bulletin 1' }, focused: 'id' });
    const callback = await waitForCallback(running.standin, typed);
    expect(bodyOf(callback).type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    const choices = callbackData(callback).choices as { name: string; value: string }[];
    expect(choices.map((c) => c.value)).toEqual(['501_extra', '510_extra', '511_extra']);

    const empty = running.standin.sendAutocomplete({ name: 'source', options: { id: '' }, focused: 'id' });
    const all = callbackData(await waitForCallback(running.standin, empty)).choices as { name: string; value: string }[];
    expect(all).toHaveLength(17);
    for (const choice of all) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(await library.article(choice.value)).toBeDefined();
    }
    expect(running.standin.violations).toEqual([]);
  });
});

describe('/help', () => {
  it('explains the commands, ephemerally', async () => {
    const command = running.standin.sendSlashCommand({ name: 'help' });
    const callback = await waitForCallback(running.standin, command);
    expect(callbackData(callback).flags).toBe(MessageFlags.Ephemeral);
    const embed = firstEmbed(callbackData(callback));
    for (const name of ['/ask', '/sources', '/source', '/reindex']) expect(embed.description).toContain(name);
    expect(embed.description).toContain('17 indexed news articles');
  });
});
