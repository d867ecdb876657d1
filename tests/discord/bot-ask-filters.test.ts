/**
 * End to end: `/ask` narrowed with `since`, `outlet` and `article` (the seed corpus, with publication
 * dates added in sidecars): the search uses only the articles the filter leaves, the answer says so, a
 * filter that leaves nothing (or a bad date) is refused at once without using the cooldown, and
 * `outlet` / `article` suggest values as one types.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MessageFlags, type APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectVerbatimAnswer, sourcesOf } from './helpers/embeds.js';
import {
  bodyOf,
  callbackData,
  freshUser,
  openTestLibrary,
  startBot,
  TestLibrary,
  waitForCallback,
  type RunningBot,
  type TestCorpus,
} from './helpers/harness.js';

const KREMLIN = '000_ba3a1d287da7a63e';
const NDTV = '003_e2b99da125ba86af';
const MENAFN = '004_dc90a5985b6e19d6';

let corpus: TestCorpus;
let library: TestLibrary;
let running: RunningBot;

beforeAll(async () => {
  corpus = await openTestLibrary(async (dir) => {
    await writeFile(path.join(dir, `${KREMLIN}.meta.json`), JSON.stringify({ published: '2025-08-07' }));
    await writeFile(path.join(dir, `${NDTV}.meta.json`), JSON.stringify({ published: '2025-08-20' }));
    await writeFile(path.join(dir, `${MENAFN}.meta.json`), JSON.stringify({ published: '2025-09-02T10:00:00Z' }));
  });
  library = new TestLibrary(corpus.library);
  running = await startBot(library, path.join(corpus.root, 'feedback.jsonl'));
});

afterAll(async () => {
  await running?.close();
  await corpus?.cleanup();
});

/** Sends `/ask` with options and returns its first callback's data (a refusal, or the deferral). */
async function askRefused(options: Record<string, string>, user = freshUser(running)): Promise<Record<string, unknown>> {
  const injected = running.standin.sendSlashCommand({ name: 'ask', options: { question: 'What did the Kremlin say about the meeting?', ...options }, user });
  return callbackData(await waitForCallback(running.standin, injected));
}

describe('/ask since, outlet, article', () => {
  it('narrows by outlet, date and article; every source is one the filter left', async () => {
    const cases: { options: Record<string, string>; allowed: string[]; line: RegExp }[] = [
      { options: { outlet: 'ndtv' }, allowed: [NDTV], line: /^Searched only the 1 article, from ndtv\.$/ },
      { options: { since: '2025-08-15' }, allowed: [NDTV, MENAFN], line: /^Searched only the 2 articles, published since 2025-08-15\.$/ },
      { options: { article: KREMLIN }, allowed: [KREMLIN], line: new RegExp(`^Searched only the article \`${KREMLIN}\`\\.$`) },
    ];
    for (const { options, allowed, line } of cases) {
      const user = freshUser(running);
      const injected = running.standin.sendSlashCommand({ name: 'ask', options: { question: 'What did the Kremlin say about the meeting?', ...options }, user });
      const callback = await waitForCallback(running.standin, injected);
      expect(callbackData(callback).flags).toBe(MessageFlags.Ephemeral);
      const edit = await running.standin.waitForRequest({ method: 'PATCH', path: `/webhooks/${running.standin.applicationId}/${injected.token}/messages/@original` }, 30_000);
      expect(String(bodyOf(edit).content)).toMatch(line);
      expect([...(library.lastAskOptions?.articles ?? [])].sort()).toEqual([...allowed].sort());
      const embed = (bodyOf(edit).embeds as APIEmbed[])[0]!;
      for (const source of sourcesOf(embed)) expect(allowed, `${JSON.stringify(options)}: ${source.file}`).toContain(source.file.replace(/\.[^.]+$/, ''));
      if (embed.title !== 'Not in the corpus') expectVerbatimAnswer(embed, library);
    }
    expect(running.standin.violations).toEqual([]);
  });

  it('refuses at once a date it cannot read, an unknown outlet or article, or a filter that leaves nothing — and the asker may ask again at once', async () => {
    const asks = library.askCalls;
    const user = freshUser(running);
    const bad = await askRefused({ since: 'last week' }, user);
    expect(bad.flags).toBe(MessageFlags.Ephemeral);
    expect(bad.content).toBe('`since` must be a date like 2026-11-05 (or 2026-11, or 2026); “last week” is not one.');
    expect((await askRefused({ since: '2025-02-30' }, user)).content).toContain('“2025-02-30” is not one');
    expect((await askRefused({ outlet: 'The Daily Nothing' }, user)).content).toBe('No article is from “The Daily Nothing”. Outlets: MENAFN, NDTV.');
    expect((await askRefused({ article: '999_nope' }, user)).content).toContain('No such article: `999_nope`');
    expect((await askRefused({ since: '2026' }, user)).content).toBe(
      'No article matches (published since 2026-01-01), so there is nothing to search. The newest article is from 2025-09-02. Try an earlier `since`, or leave out `outlet` or `article`.',
    );
    expect((await askRefused({ outlet: 'MENAFN', article: NDTV }, user)).content).toContain('No article matches (the article `003_e2b99da125ba86af`, from MENAFN)');
    expect(library.askCalls).toBe(asks);
    // Nothing was asked, so no cooldown: the same person's next question is answered.
    const answered = await askRefused({ outlet: 'MENAFN' }, user);
    expect(answered.content).toBeUndefined();
    expect(running.standin.violations).toEqual([]);
  });

  it('suggests outlets and articles as one types', async () => {
    const suggest = async (focused: string, value: string): Promise<{ name: string; value: string }[]> => {
      const injected = running.standin.sendAutocomplete({ name: 'ask', options: { question: 'x', [focused]: value }, focused });
      const callback = await waitForCallback(running.standin, injected);
      return (callbackData(callback).choices ?? []) as { name: string; value: string }[];
    };
    expect(await suggest('outlet', '')).toEqual([
      { name: 'MENAFN', value: 'MENAFN' },
      { name: 'NDTV', value: 'NDTV' },
    ]);
    expect(await suggest('outlet', 'tv')).toEqual([{ name: 'NDTV', value: 'NDTV' }]);
    const articles = await suggest('article', 'beijing');
    expect(articles.map((c) => c.value)).toEqual([NDTV]);
    expect(articles[0]!.name).toMatch(/^Kremlin Indicates Potential .*… \(003_e2b99da125ba86af\)$/);
  });
});
