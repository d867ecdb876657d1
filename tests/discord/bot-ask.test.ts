/**
 * End to end: /ask through the real discord.js client against the Discord stand-in, answered by a
 * real Library over the seed corpus (plus one article full of markdown and mentions).
 */
import path from 'node:path';
import { InteractionResponseType, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeedbackId } from '../../src/discord/custom-ids.js';
import type { FeedbackRecord } from '../../src/discord/feedback.js';
import { NOT_IN_CORPUS_TITLE } from '../../src/discord/render/answer.js';
import { BUSY_MESSAGE, ERROR_MESSAGE } from '../../src/discord/render/notices.js';
import { embedViolations } from './helpers/answers.js';
import { expectVerbatimAnswer, quotesOf, sourcesOf } from './helpers/embeds.js';
import {
  addArticle,
  ask,
  bodyOf,
  callbackData,
  firstEmbed,
  freshUser,
  openTestLibrary,
  startBot,
  TestLibrary,
  TOKEN,
  waitForCallback,
  waitForEdit,
  WAIT_MS,
  type RunningBot,
  type TestCorpus,
} from './helpers/harness.js';

const HOSTILE_ARTICLE = [
  'Lighthouse Notice',
  '',
  'The harbour council of Zanzibar said @everyone must read the **new** lighthouse _schedule_ before the ~~old~~ one expires, and <@&123456789012345678> confirmed it.',
  '',
  'The Zanzibar lighthouse keeper added that ships should follow the ||secret|| `signal` code every night.',
].join('\n');

const LIGHTHOUSE_URL = 'https://news.example.com/zanzibar/lighthouse?ref=rss';

let corpus: TestCorpus;
let running: RunningBot;
let library: TestLibrary;

beforeAll(async () => {
  corpus = await openTestLibrary(async (dir) => {
    await addArticle(dir, '900_lighthouse.txt', HOSTILE_ARTICLE);
    await addArticle(dir, '900_lighthouse.meta.json', JSON.stringify({ url: LIGHTHOUSE_URL }));
  });
  library = new TestLibrary(corpus.library);
  running = await startBot(library, path.join(corpus.root, 'feedback.jsonl'));
});

afterAll(async () => {
  await running?.close();
  await corpus?.cleanup();
});

describe('/ask', () => {
  it('defers at once (ephemeral) and edits in an answer whose quotes are verbatim from the cited articles', async () => {
    const { callback, edit, embed } = await ask(running, 'How did Trump describe the talks Witkoff held with Putin?');
    expect(bodyOf(callback).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(callbackData(callback).flags).toBe(MessageFlags.Ephemeral);
    expect(edit.response?.status).toBe(200);
    await expectVerbatimAnswer(embed, library);
    expect(embed.description).toMatch(/unexpectedly productive/);
    expect(sourcesOf(embed).map((s) => s.file)).toContain(library.articles().find((a) => a.id.startsWith('004'))?.path);
    expect(embed.footer?.text).toMatch(/answered in \d+ ms/);
    expect(running.standin.violations).toEqual([]);
  });

  it('answers in public with public:true', async () => {
    const { callback, embed } = await ask(running, 'Where do Russian and American interests collide in regional conflicts?', { public: true });
    expect(callbackData(callback).flags ?? 0).toBe(0);
    await expectVerbatimAnswer(embed, library);
  });

  it('refuses an out-of-corpus question with "Not in the corpus" and the nearest sources', async () => {
    const { embed } = await ask(running, 'Who painted the Mona Lisa?');
    expect(embed.title).toBe(NOT_IN_CORPUS_TITLE);
    expect(embed.description).toContain('Who painted the Mona Lisa?');
    expect(sourcesOf(embed).length).toBeGreaterThan(0);
    expect(embedViolations(embed)).toEqual([]);
  });

  it('sends no mentions and shows corpus markdown and @everyone as plain text', async () => {
    const { edit, embed } = await ask(running, 'What did the harbour council of Zanzibar say about the lighthouse schedule?');
    const body = bodyOf(edit);
    expect(body.allowed_mentions).toMatchObject({ parse: [] });
    expect(embed.description).toContain('\\*\\*new\\*\\*');
    expect(embed.description).toContain('\\_schedule\\_');
    expect(embed.description).toContain('\\~\\~old\\~\\~');
    expect(embed.description).toContain('@\u200beveryone');
    expect(JSON.stringify(body)).not.toMatch(/@everyone|<@&\d+>/);
    await expectVerbatimAnswer(embed, library);
  });

  it('links each quote of an article with a URL to that sentence in its page (a text fragment)', async () => {
    const { embed } = await ask(running, 'What did the Zanzibar lighthouse keeper say ships should follow?');
    await expectVerbatimAnswer(embed, library);
    const linked = quotesOf(embed).filter((quote) => quote.link !== undefined);
    expect(linked.length).toBeGreaterThan(0);
    for (const { text, link } of linked) {
      expect(link!.startsWith(`${LIGHTHOUSE_URL}#:~:text=`)).toBe(true);
      // text=[prefix-,]start[,end][,-suffix]: the start term begins the quote, the end term (if any) ends it.
      const terms = link!.slice(link!.indexOf(':~:text=') + 8).split(',').filter((term) => !term.endsWith('-') && !term.startsWith('-')).map(decodeURIComponent);
      const quoted = text.replace(/\s+/g, ' ');
      expect(quoted.startsWith(terms[0]!)).toBe(true);
      expect(quoted.endsWith(terms.at(-1)!)).toBe(true);
    }
    // Articles without a URL keep a plain [n].
    const { embed: seed } = await ask(running, 'How did Trump describe the talks Witkoff held with Putin?');
    expect(quotesOf(seed).every((quote) => quote.link === undefined)).toBe(true);
  });

  it('tells someone asking again too soon to slow down, ephemerally, without answering', async () => {
    const user = freshUser(running);
    await ask(running, 'Who was Mike Pompeo?', { user });
    const before = library.askCalls;
    const again = running.standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user });
    const callback = await waitForCallback(running.standin, again);
    expect(bodyOf(callback).type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(callbackData(callback).flags).toBe(MessageFlags.Ephemeral);
    expect(String(callbackData(callback).content)).toMatch(/Slow down.*again in \d+s/);
    expect(library.askCalls).toBe(before);
  });

  it('reports a failing handler to the user, logs it, and answers the next question', async () => {
    const user = freshUser(running);
    library.askFailures.push(new Error(`index exploded (token ${TOKEN})`));
    const failed = running.standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user });
    const edit = await waitForEdit(running.standin, failed);
    expect(bodyOf(edit).content).toBe(ERROR_MESSAGE);
    const logged = running.logs.lines.find((line) => line.msg === 'interaction handler failed');
    expect(logged).toBeDefined();
    expect(running.logs.raw.join('\n')).toContain('index exploded');
    expect(running.logs.raw.join('\n')).not.toContain(TOKEN);

    const { embed } = await ask(running, 'Who was Mike Pompeo?', { user });
    await expectVerbatimAnswer(embed, library);
  });
});

describe('Discord hiccups', () => {
  it('still delivers the answer when Discord rate-limits and then fails the edit once each', async () => {
    const { standin } = running;
    const user = freshUser(running);
    const injected = standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user });
    const path = `/webhooks/${standin.applicationId}/${injected.token}/messages/@original`;
    const limited = standin.injectFault({ match: { method: 'PATCH', path }, status: 429, retryAfterSeconds: 0.05 });
    const failed = standin.injectFault({ match: { method: 'PATCH', path }, status: 502 });
    await waitForCallback(standin, injected);
    const delivered = await standin.waitForRequest((r) => r.method === 'PATCH' && r.path === path && r.response?.status === 200, WAIT_MS);
    expect(limited.hits).toBe(1);
    expect(failed.hits).toBe(1);
    await expectVerbatimAnswer(firstEmbed(bodyOf(delivered)), library);
  });
});

describe('feedback buttons', () => {
  it('record one vote per user per answer in the JSONL file and acknowledge ephemerally', async () => {
    const { injected, edit } = await ask(running, 'What could happen if the negotiations break down?');
    const components = bodyOf(edit).components as { components: { custom_id: string }[] }[];
    const [up, down] = components[0]!.components.map((c) => c.custom_id);
    expect(parseFeedbackId(up!)?.vote).toBe('up');
    expect(parseFeedbackId(down!)?.vote).toBe('down');
    const messageId = running.standin.interaction(injected.id)!.originalMessageId!;
    const voter = freshUser(running, 'voter');
    const other = freshUser(running, 'other');

    const press = async (customId: string, user: typeof voter): Promise<string> => {
      const click = running.standin.sendButton({ customId, messageId, user });
      const callback = await waitForCallback(running.standin, click);
      expect(callbackData(callback).flags).toBe(MessageFlags.Ephemeral);
      return String(callbackData(callback).content);
    };
    expect(await press(up!, voter)).toContain('recorded');
    expect(await press(down!, voter)).toContain('already voted');
    expect(await press(down!, other)).toContain('recorded');

    const records = [...running.bot.context.feedback.log.lines()] as FeedbackRecord[];
    const mine = records.filter((r) => r.answerId === parseFeedbackId(up!)?.answerId);
    expect(mine.map((r) => r.vote)).toEqual(['up', 'down']);
    expect(mine[0]).toMatchObject({ question: 'What could happen if the negotiations break down?' });
    expect(mine[0]!.sources.length).toBeGreaterThan(0);
    expect(mine[0]!.user).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(records)).not.toContain(voter.id);
  });
});

describe('load', () => {
  it('gives each of 50 simultaneous askers an answer or a clear busy message, losing none', async () => {
    const users = Array.from({ length: 50 }, (_, i) => running.standin.createUser(`crowd${i}`));
    const questions = ['Who was Mike Pompeo?', 'What could arms control treaties between the two countries aim for?', 'Since when has the relationship between Russia and the U.S. been rocky?'];
    const injected = users.map((user, i) => running.standin.sendSlashCommand({ name: 'ask', options: { question: questions[i % 3]! }, user }));
    const outcomes = await Promise.all(
      injected.map(async (one) => {
        const callback = await waitForCallback(running.standin, one, WAIT_MS);
        if (bodyOf(callback).type === InteractionResponseType.ChannelMessageWithSource) {
          expect(callbackData(callback).flags).toBe(MessageFlags.Ephemeral);
          return String(callbackData(callback).content) === BUSY_MESSAGE ? 'busy' : 'other';
        }
        const edit = await waitForEdit(running.standin, one, 60_000);
        return bodyOf(edit).embeds ? 'answered' : 'other';
      }),
    );
    const count = (kind: string): number => outcomes.filter((o) => o === kind).length;
    expect(count('other')).toBe(0);
    expect(count('answered') + count('busy')).toBe(50);
    // At least the running slots and the queue were used.
    expect(count('answered')).toBeGreaterThanOrEqual(running.config.maxConcurrentQuestions + running.config.maxQueuedQuestions);
    for (const one of injected) expect(running.standin.interaction(one.id)?.lateCallbacks).toBe(0);
    expect(running.standin.violations).toEqual([]);
  }, 120_000);
});
