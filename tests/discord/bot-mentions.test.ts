/**
 * End to end: @mentions. Reply mode answers with a reply to the message; thread mode starts a thread
 * from it and answers there, and answers follow-up mentions in that thread; a bare mention gets the help.
 */
import path from 'node:path';
import type { APIChannel } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../support/discord-standin.js';
import { embedViolations } from './helpers/answers.js';
import { expectVerbatimAnswer } from './helpers/embeds.js';
import { bodyOf, firstEmbed, freshUser, openTestLibrary, startBot, TestLibrary, WAIT_MS, type RunningBot, type TestCorpus } from './helpers/harness.js';

let corpus: TestCorpus;
let library: TestLibrary;
let replyBot: RunningBot;
let threadBot: RunningBot;

beforeAll(async () => {
  corpus = await openTestLibrary();
  library = new TestLibrary(corpus.library);
  replyBot = await startBot(library, path.join(corpus.root, 'feedback-reply.jsonl'));
  threadBot = await startBot(library, path.join(corpus.root, 'feedback-thread.jsonl'), { config: () => ({ mentionReplyMode: 'thread' }) });
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

describe('mention, reply mode', () => {
  it('shows typing, then replies in the channel with a verbatim answer that pings nobody', async () => {
    const { standin } = replyBot;
    const before = standin.requests.length;
    const message = standin.sendMessage({ content: 'How did Trump describe the talks Witkoff held with Putin?', mentionBot: true, author: freshUser(replyBot) });
    const reply = await waitForReplyTo(replyBot, message.id);
    expect(reply.path).toBe(`/channels/${message.channelId}/messages`);
    const typing = await standin.waitForRequest({ method: 'POST', path: `/channels/${message.channelId}/typing` }, { after: before });
    expect(typing.seq).toBeLessThan(reply.seq);
    const body = bodyOf(reply);
    expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    const embed = firstEmbed(body);
    await expectVerbatimAnswer(embed, library);
    expect(embed.description).toContain('unexpectedly productive');
    // The mention itself is not part of the question.
    expect(embed.title).toBe('How did Trump describe the talks Witkoff held with Putin?');
    expect(standin.violations).toEqual([]);
  });

  it('answers a bare mention with the help', async () => {
    const asks = library.askCalls;
    const message = replyBot.standin.sendMessage({ content: '', mentionBot: true, author: freshUser(replyBot) });
    const embed = firstEmbed(bodyOf(await waitForReplyTo(replyBot, message.id)));
    expect(embed.description).toContain('/ask');
    expect(embed.description).toContain('/sources');
    expect(embedViolations(embed)).toEqual([]);
    expect(library.askCalls).toBe(asks);
  });

  it('answers an out-of-corpus question with the refusal', async () => {
    const message = replyBot.standin.sendMessage({ content: 'Who painted the Mona Lisa?', mentionBot: true, author: freshUser(replyBot) });
    const embed = firstEmbed(bodyOf(await waitForReplyTo(replyBot, message.id)));
    expect(embed.title).toBe('Not in the corpus');
  });

  it('ignores messages that do not mention it', async () => {
    const { standin } = replyBot;
    const user = freshUser(replyBot);
    const ignored = standin.sendMessage({ content: 'Who was Mike Pompeo? @everyone', author: user });
    // Messages are handled in order: once the next (mentioning) one is answered, the first has been seen.
    const marker = standin.sendMessage({ content: '', mentionBot: true, author: user });
    await waitForReplyTo(replyBot, marker.id);
    const replies = standin.requests.filter(
      (r) => r.method === 'POST' && (r.body as { message_reference?: { message_id?: string } } | undefined)?.message_reference?.message_id === ignored.id,
    );
    expect(replies).toEqual([]);
  });
});

describe('mention, thread mode', () => {
  it('starts a thread from the message and answers in it; a mention in that thread is answered there', async () => {
    const { standin } = threadBot;
    const user = freshUser(threadBot);
    const message = standin.sendMessage({ content: 'Who was Mike Pompeo?', mentionBot: true, author: user });
    const created = await standin.waitForRequest({ method: 'POST', path: `/channels/${message.channelId}/messages/${message.id}/threads` }, WAIT_MS);
    expect(bodyOf(created).name).toBe('Who was Mike Pompeo?');
    const thread = created.response?.body as APIChannel;
    const answer = await standin.waitForRequest({ method: 'POST', path: `/channels/${thread.id}/messages` }, WAIT_MS);
    expect(bodyOf(answer).allowed_mentions).toMatchObject({ parse: [] });
    await expectVerbatimAnswer(firstEmbed(bodyOf(answer)), library);

    const other = freshUser(threadBot);
    const followUp = standin.sendMessage({ content: 'What could happen if the negotiations break down?', mentionBot: true, author: other, channelId: thread.id });
    const reply = await waitForReplyTo(threadBot, followUp.id);
    expect(reply.path).toBe(`/channels/${thread.id}/messages`);
    await expectVerbatimAnswer(firstEmbed(bodyOf(reply)), library);
    // No second thread was started for the follow-up.
    expect(standin.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/threads'))).toHaveLength(1);
    expect(standin.violations).toEqual([]);
  });
});
