/**
 * End to end: follow-up questions, with the real discord.js client against the stand-in over the
 * seed articles. A mention replying to one of the bot's answers, or in a thread the bot started, is
 * read with the earlier question of that conversation; one that names its own subject is answered as
 * it stands; THREAD_FOLLOW_UPS=all answers every message in the bot's threads (with the MessageContent
 * intent), and without it a message that does not mention the bot is left alone.
 */
import path from 'node:path';
import { GatewayIntentBits, type APIChannel, type APIEmbed, type APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../support/discord-standin.js';
import { expectVerbatimAnswer, quotesOf, sourcesOf } from './helpers/embeds.js';
import { TOO_VAGUE_TITLE } from '../../src/discord/render/answer.js';
import { ask, bodyOf, firstEmbed, freshUser, openTestLibrary, startBot, TestLibrary, until, WAIT_MS, type RunningBot, type TestCorpus } from './helpers/harness.js';

const DMITRIEV_FILE = '004_dc90a5985b6e19d6.txt';

let corpus: TestCorpus;
let library: TestLibrary;
let replyBot: RunningBot;
let threadBot: RunningBot;

beforeAll(async () => {
  corpus = await openTestLibrary();
  library = new TestLibrary(corpus.library);
  replyBot = await startBot(library, path.join(corpus.root, 'feedback-reply.jsonl'), { config: () => ({ cooldownSeconds: 0 }) });
  threadBot = await startBot(library, path.join(corpus.root, 'feedback-thread.jsonl'), {
    config: () => ({ mentionReplyMode: 'thread', cooldownSeconds: 0, threadFollowUps: 'all' }),
  });
});

afterAll(async () => {
  await replyBot?.close();
  await threadBot?.close();
  await corpus?.cleanup();
});

/** The bot's message that replies to message `id`. */
function waitForReplyTo(running: RunningBot, id: string): Promise<RecordedRequest> {
  return running.standin.waitForRequest(
    (r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && (r.body as { message_reference?: { message_id?: string } } | undefined)?.message_reference?.message_id === id,
    WAIT_MS,
  );
}

/**
 * The answer message the bot created with a request, once the bot has taken note of it (a person
 * replies seconds later; the test at once, so it waits for the bot to have remembered the answer).
 */
async function sent(running: RunningBot, request: RecordedRequest): Promise<APIMessage> {
  const message = request.response?.body as APIMessage | undefined;
  expect(message?.id).toBeDefined();
  await until(() => running.bot.context.conversations.has(message!.id), `the bot to remember answer ${message!.id}`);
  return message!;
}

/** Asserts a follow-up answer about Kirill Dmitriev from the Dmitriev article. */
async function expectDmitrievAnswer(embed: APIEmbed): Promise<void> {
  await expectVerbatimAnswer(embed, library);
  const sources = sourcesOf(embed);
  const quotes = quotesOf(embed);
  const fromArticle = quotes.filter((q) => sources.find((s) => s.n === q.n)?.file === DMITRIEV_FILE);
  expect(fromArticle.length, JSON.stringify(quotes)).toBeGreaterThan(0);
  // The quote says who he is: his name or his role.
  expect(fromArticle.some((q) => /Dmitriev|economic adviser/.test(q.text)), JSON.stringify(quotes)).toBe(true);
}

describe('follow-ups in reply chains', () => {
  it('answers "And who is he?" replying to an answer about Kirill Dmitriev from the same article', async () => {
    const { standin } = replyBot;
    const user = freshUser(replyBot);
    const first = standin.sendMessage({ content: 'What did Kirill Dmitriev say about the meeting?', mentionBot: true, author: user });
    const firstReply = await waitForReplyTo(replyBot, first.id);
    const firstEmbedShown = firstEmbed(bodyOf(firstReply));
    await expectVerbatimAnswer(firstEmbedShown, library);
    expect(sourcesOf(firstEmbedShown)[0]?.file).toBe(DMITRIEV_FILE);

    // A reply that pings the bot (no mention typed in the text) counts as a mention.
    const followUp = standin.sendMessage({ content: 'And who is he?', author: user, replyTo: (await sent(replyBot, firstReply)).id });
    expect(followUp.delivery).toBe('delivered');
    const embed = firstEmbed(bodyOf(await waitForReplyTo(replyBot, followUp.id)));
    await expectDmitrievAnswer(embed);
    // The title shows how the follow-up was read.
    expect(embed.title).toBe('Who is Kirill Dmitriev?');
    expect(standin.violations).toEqual([]);
  });

  it('goes on down the chain: a reply to the follow-up answer is read with it', async () => {
    const { standin } = replyBot;
    const user = freshUser(replyBot);
    const first = standin.sendMessage({ content: 'What did Kirill Dmitriev say about the meeting?', mentionBot: true, author: user });
    const firstReply = await waitForReplyTo(replyBot, first.id);
    const second = standin.sendMessage({ content: 'And who is he?', mentionBot: true, author: user, replyTo: (await sent(replyBot, firstReply)).id });
    const secondReply = await waitForReplyTo(replyBot, second.id);
    const third = standin.sendMessage({ content: 'What did he write on X?', mentionBot: true, author: user, replyTo: (await sent(replyBot, secondReply)).id });
    const embed = firstEmbed(bodyOf(await waitForReplyTo(replyBot, third.id)));
    expect(embed.title).toBe('What did Kirill Dmitriev write on X?');
    await expectVerbatimAnswer(embed, library);
    expect(sourcesOf(embed)[0]?.file).toBe(DMITRIEV_FILE);
  });

  it('fills in "what did the Kremlin say about that?" with the earlier topic, from the article of the earlier answer', async () => {
    const { standin } = replyBot;
    const user = freshUser(replyBot);
    const first = standin.sendMessage({ content: 'What did Kirill Dmitriev say about the meeting?', mentionBot: true, author: user });
    const firstReply = await waitForReplyTo(replyBot, first.id);
    const followUp = standin.sendMessage({ content: 'what did the Kremlin say about that?', mentionBot: true, author: user, replyTo: (await sent(replyBot, firstReply)).id });
    const embed = firstEmbed(bodyOf(await waitForReplyTo(replyBot, followUp.id)));
    expect(embed.title).toBe('what did the Kremlin say about meeting?');
    await expectVerbatimAnswer(embed, library);
    expect(sourcesOf(embed).map((s) => s.file)).toEqual([DMITRIEV_FILE]);
    expect(quotesOf(embed).some((q) => q.text.startsWith('The Kremlin confirmed on Thursday'))).toBe(true);
  });

  it('answers a follow-up that names its own subject as it stands', async () => {
    const { standin } = replyBot;
    const user = freshUser(replyBot);
    const first = standin.sendMessage({ content: 'What did Kirill Dmitriev say about the meeting?', mentionBot: true, author: user });
    const firstReply = await waitForReplyTo(replyBot, first.id);
    const question = 'What did Trump say about the Witkoff talks?';
    const followUp = standin.sendMessage({ content: question, mentionBot: true, author: user, replyTo: (await sent(replyBot, firstReply)).id });
    const embed = firstEmbed(bodyOf(await waitForReplyTo(replyBot, followUp.id)));
    expect(embed.title).toBe(question);
    await expectVerbatimAnswer(embed, library);
    expect(embed.description).toContain('unexpectedly productive');
  });

  it('follows up a public /ask answer; a private one is not remembered', async () => {
    const { standin } = replyBot;
    const user = freshUser(replyBot);
    const { edit } = await ask(replyBot, 'What did Kirill Dmitriev say about the meeting?', { user, public: true });
    const followUp = standin.sendMessage({ content: 'And who is he?', author: user, replyTo: (await sent(replyBot, edit)).id });
    const reply = await waitForReplyTo(replyBot, followUp.id);
    const embed = firstEmbed(bodyOf(reply));
    expect(embed.title).toBe('Who is Kirill Dmitriev?');
    await expectDmitrievAnswer(embed);

    await sent(replyBot, reply);
    const remembered = replyBot.bot.context.conversations.size;
    const secret = await ask(replyBot, 'What did Kirill Dmitriev say about the meeting?', { user: freshUser(replyBot), public: false });
    await expectVerbatimAnswer(secret.embed, library);
    expect(replyBot.bot.context.conversations.size).toBe(remembered);
  });

  it('answers a mention replying to a message that is not a remembered answer as it stands', async () => {
    const { standin } = replyBot;
    const user = freshUser(replyBot);
    const other = standin.sendMessage({ content: 'Kirill Dmitriev is in the news again', author: user });
    const followUp = standin.sendMessage({ content: 'And who is he?', mentionBot: true, author: user, replyTo: other.id });
    const embed = firstEmbed(bodyOf(await waitForReplyTo(replyBot, followUp.id)));
    // As it stands it names nothing: the bot asks for something specific.
    expect(embed.title).toBe(TOO_VAGUE_TITLE);
  });
});

describe('follow-ups in threads', () => {
  it('answers "And who is he?" in the thread the bot started for the first question', async () => {
    const { standin } = threadBot;
    const user = freshUser(threadBot);
    const first = standin.sendMessage({ content: 'What did Kirill Dmitriev say about the meeting?', mentionBot: true, author: user });
    const created = await standin.waitForRequest({ method: 'POST', path: `/channels/${first.channelId}/messages/${first.id}/threads` }, WAIT_MS);
    const thread = created.response?.body as APIChannel;
    const firstAnswer = await standin.waitForRequest({ method: 'POST', path: `/channels/${thread.id}/messages` }, WAIT_MS);
    expect(sourcesOf(firstEmbed(bodyOf(firstAnswer)))[0]?.file).toBe(DMITRIEV_FILE);
    await sent(threadBot, firstAnswer);

    const followUp = standin.sendMessage({ content: 'And who is he?', mentionBot: true, author: user, channelId: thread.id });
    const reply = await waitForReplyTo(threadBot, followUp.id);
    expect(reply.path).toBe(`/channels/${thread.id}/messages`);
    const embed = firstEmbed(bodyOf(reply));
    await expectDmitrievAnswer(embed);
    expect(embed.title).toBe('Who is Kirill Dmitriev?');
    // No second thread.
    expect(standin.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${first.channelId}/messages/${followUp.id}/threads`)).toEqual([]);

    // THREAD_FOLLOW_UPS=all: a message in the bot's thread that does not mention it is answered too.
    await sent(threadBot, reply);
    const unmentioned = standin.sendMessage({ content: 'What was his role?', author: user, channelId: thread.id });
    expect(unmentioned.delivery).toBe('delivered');
    const roleEmbed = firstEmbed(bodyOf(await waitForReplyTo(threadBot, unmentioned.id)));
    expect(roleEmbed.title).toBe('What was Kirill Dmitriev’s role?');
    await expectDmitrievAnswer(roleEmbed);
    expect(standin.violations).toEqual([]);
  });

  it('requests the MessageContent intent only with THREAD_FOLLOW_UPS=all', () => {
    expect(threadBot.bot.client.options.intents.has(GatewayIntentBits.MessageContent)).toBe(true);
    expect(replyBot.bot.client.options.intents.has(GatewayIntentBits.MessageContent)).toBe(false);
  });

  it('without THREAD_FOLLOW_UPS=all, leaves alone a message in its thread that does not mention it', async () => {
    // replyBot has the default: reply mode and mentions only; a thread started by the bot user is made directly.
    const { standin } = replyBot;
    const user = freshUser(replyBot);
    const thread = standin.createThread({ name: 'Bot thread', owner: standin.botUser.id });
    const ignored = standin.sendMessage({ content: 'What was his role?', author: user, channelId: thread.id });
    const marker = standin.sendMessage({ content: '', mentionBot: true, author: user, channelId: thread.id });
    await waitForReplyTo(replyBot, marker.id);
    expect(standin.requests.filter((r) => (r.body as { message_reference?: { message_id?: string } } | undefined)?.message_reference?.message_id === ignored.id)).toEqual([]);
  });
});
