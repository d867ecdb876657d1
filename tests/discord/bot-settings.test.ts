/**
 * End to end: `/settings` (maintainers) with the real discord.js client against the stand-in. Each
 * setting applies to the next question at once — the channels mentions are answered in, reply or
 * thread, public or private /ask answers, the cooldown — and survives a restart of the bot on the same
 * database; other servers keep the defaults; `reset` brings the defaults back. And the first start
 * over an older version's JSONL feedback file: imported into the database (the file kept as it was),
 * so a vote in it still counts.
 */
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MessageFlags, type APIChannel, type APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerbatimBot } from '../../src/discord/bot.js';
import { feedbackId } from '../../src/discord/custom-ids.js';
import type { InjectedInteraction, RecordedRequest } from '../support/discord-standin.js';
import {
  bodyOf,
  callbackData,
  firstEmbed,
  freshUser,
  openTestLibrary,
  startBot,
  TestLibrary,
  waitForCallback,
  waitForEdit,
  WAIT_MS,
  type RunningBot,
  type TestCorpus,
} from './helpers/harness.js';

let corpus: TestCorpus;
let library: TestLibrary;
let running: RunningBot;
let oldLog: string;

/** The key the older version hashed voters with (kept beside its file). */
const OLD_KEY = 'the-key-an-older-version-kept-beside-its-file';

beforeAll(async () => {
  corpus = await openTestLibrary();
  library = new TestLibrary(corpus.library);
  // An older version's feedback file (and its key) where the bot's FEEDBACK_FILE points.
  const feedbackFile = path.join(corpus.root, 'feedback.jsonl');
  oldLog = `${JSON.stringify({ time: '2026-11-01T00:00:00.000Z', answerId: 'OLDANSWER123', vote: 'up', user: 'TO-BE-SET', question: 'Who was Mike Pompeo?', sources: ['001_a'] })}\n`;
  await writeFile(`${feedbackFile}.salt`, `${OLD_KEY}\n`);
  // Two servers: the second keeps the defaults whatever the first sets.
  running = await startBot(library, feedbackFile, {
    standin: { guilds: [{}, {}] },
    // Written once the stand-in (and so the voter's id) exists, before the bot opens its database.
    config: (standin) => {
      oldLog = oldLog.replace('TO-BE-SET', createHmac('sha256', OLD_KEY).update(standin.users.tester.id).digest('hex'));
      writeFileSync(feedbackFile, oldLog, { flag: 'wx' });
      return {};
    },
  });
});


afterAll(async () => {
  await running?.close();
  await corpus?.cleanup();
});

type Options = Record<string, string | number | boolean>;

/** Runs `/settings` as the fixture moderator (Manage Server) unless `user` is given; returns its ephemeral reply. */
async function settings(
  subcommand: string,
  options: Options = {},
  where: { group?: string; user?: string; guildId?: string } = {},
): Promise<{ content: string; embed: APIEmbed | undefined; flags: unknown }> {
  const injected = running.standin.sendSlashCommand({
    name: 'settings',
    subcommand,
    ...(where.group === undefined ? {} : { subcommandGroup: where.group }),
    options,
    user: where.user ?? running.standin.users.moderator.id,
    ...(where.guildId === undefined ? {} : { guildId: where.guildId }),
  });
  const data = callbackData(await waitForCallback(running.standin, injected));
  const embeds = data.embeds as APIEmbed[] | undefined;
  return { content: String(data.content ?? ''), embed: embeds?.[0], flags: data.flags };
}

function field(embed: APIEmbed | undefined, name: string): string {
  const found = embed?.fields?.find((f) => f.name === name);
  expect(found, `field ${name}`).toBeDefined();
  return found!.value;
}

/** The bot's message replying to message `id`. */
function waitForReplyTo(id: string, after = 0): Promise<RecordedRequest> {
  return running.standin.waitForRequest(
    (r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && (r.body as { message_reference?: { message_id?: string } } | undefined)?.message_reference?.message_id === id,
    { timeoutMs: WAIT_MS, after },
  );
}

/** Sends `/ask` and waits for its first callback (the deferral, or a refusal). */
async function askOnce(question: string, user: string, guildId?: string): Promise<{ injected: InjectedInteraction; callback: RecordedRequest }> {
  const injected = running.standin.sendSlashCommand({ name: 'ask', options: { question }, user, ...(guildId === undefined ? {} : { guildId }) });
  return { injected, callback: await waitForCallback(running.standin, injected) };
}

describe('the first start over an older version’s feedback file', () => {
  it('imports it into the database, says so once, keeps the file, and a vote in it still counts', async () => {
    const imported = running.logs.lines.filter((line) => String(line.msg).startsWith('imported the feedback file'));
    expect(imported).toHaveLength(1);
    expect(imported[0]).toMatchObject({ lines: 1, added: 1 });
    expect(await readFile(running.config.feedbackFile, 'utf8')).toBe(oldLog);
    const click = running.standin.sendButton({ customId: feedbackId('up', 'OLDANSWER123'), user: running.standin.users.tester });
    expect(String(callbackData(await waitForCallback(running.standin, click)).content)).toContain('already voted');
    expect([...running.bot.context.feedback.log.lines()]).toEqual([JSON.parse(oldLog)]);
  });
});

describe('/settings', () => {
  it('is for maintainers only, and shows the defaults until a server sets its own', async () => {
    const refused = await settings('show', {}, { user: freshUser(running).id });
    expect(refused.content).toContain('Manage Server');
    expect(refused.flags).toBe(MessageFlags.Ephemeral);

    const shown = await settings('show');
    expect(shown.flags).toBe(MessageFlags.Ephemeral);
    expect(field(shown.embed, 'Answers @mentions in')).toBe('every channel *(default)*');
    expect(field(shown.embed, 'Answers a mention with')).toBe('a reply *(default)*');
    expect(field(shown.embed, '/ask answers are')).toBe('private (only the asker sees them) *(default)*');
    expect(field(shown.embed, 'Cooldown between questions')).toBe('10 s *(default)*');
    expect(running.standin.violations).toEqual([]);
  });

  it('applies each change to the next question at once', async () => {
    const { standin } = running;
    const [general, random] = standin.guild.channels;

    // Mentions only in #random: a mention in #general is ignored, one in #random is answered.
    const added = await settings('add', { channel: random!.id }, { group: 'channels' });
    expect(added.embed?.description).toContain(`Mentions are now answered in <#${random!.id}>.`);
    expect(field(added.embed, 'Answers @mentions in')).toBe(`<#${random!.id}>`);
    const user = freshUser(running);
    const ignored = standin.sendMessage({ content: 'Who was Mike Pompeo?', mentionBot: true, author: user, channelId: general!.id });
    const answered = standin.sendMessage({ content: 'Who was Mike Pompeo?', mentionBot: true, author: freshUser(running), channelId: random!.id });
    await waitForReplyTo(answered.id);
    // Messages are handled in order: by now the first has been seen, and left alone.
    expect(standin.requests.filter((r) => (r.body as { message_reference?: { message_id?: string } } | undefined)?.message_reference?.message_id === ignored.id)).toEqual([]);
    expect(running.logs.messages()).toContain('mention ignored: not one of the channels this server answers in (/settings)');

    // Threads instead of replies.
    const threads = await settings('reply-mode', { mode: 'thread' });
    expect(field(threads.embed, 'Answers a mention with')).toBe('a new thread');
    const inThread = standin.sendMessage({ content: 'Who was Mike Pompeo?', mentionBot: true, author: freshUser(running), channelId: random!.id });
    const created = await standin.waitForRequest({ method: 'POST', path: `/channels/${random!.id}/messages/${inThread.id}/threads` }, WAIT_MS);
    const thread = created.response?.body as APIChannel;
    await standin.waitForRequest({ method: 'POST', path: `/channels/${thread.id}/messages` }, WAIT_MS);

    // Public /ask answers by default; `public:false` still makes one private.
    const visible = await settings('visibility', { answers: 'public' });
    expect(field(visible.embed, '/ask answers are')).toBe('public');
    const asker = freshUser(running).id;
    const publicAsk = await askOnce('Who was Mike Pompeo?', asker);
    expect(callbackData(publicAsk.callback).flags ?? 0).toBe(0);
    await waitForEdit(standin, publicAsk.injected);

    // A long cooldown: the same asker is told to wait an hour.
    const slow = await settings('cooldown', { seconds: 3600 });
    expect(field(slow.embed, 'Cooldown between questions')).toBe('3600 s');
    const other = freshUser(running).id;
    const first = await askOnce('Who was Mike Pompeo?', other);
    await waitForEdit(standin, first.injected);
    const second = await askOnce('Who was Mike Pompeo?', other);
    expect(String(callbackData(second.callback).content)).toMatch(/ask again in 3[56]\d\ds/);

    // The other server keeps every default.
    const elsewhere = await settings('show', {}, { guildId: standin.guilds[1]!.id });
    expect(field(elsewhere.embed, 'Answers @mentions in')).toBe('every channel *(default)*');
    expect(field(elsewhere.embed, 'Cooldown between questions')).toBe('10 s *(default)*');
    expect(standin.violations).toEqual([]);
  });

  it('keeps the settings across a restart of the bot on the same database', async () => {
    const { standin, config, logger } = running;
    await running.bot.stop(5_000);
    const restarted = await VerbatimBot.create({ config, library, logger });
    await restarted.start();
    running = { ...running, bot: restarted, close: async () => {
      await restarted.stop(5_000);
      await standin.close();
    } };

    const shown = await settings('show');
    const random = standin.guild.channels[1]!;
    expect(field(shown.embed, 'Answers @mentions in')).toBe(`<#${random.id}>`);
    expect(field(shown.embed, 'Answers a mention with')).toBe('a new thread');
    expect(field(shown.embed, '/ask answers are')).toBe('public');
    expect(field(shown.embed, 'Cooldown between questions')).toBe('3600 s');
    // And they apply: a mention in #random is answered in a new thread.
    const message = standin.sendMessage({ content: 'Who was Mike Pompeo?', mentionBot: true, author: freshUser(running), channelId: random.id });
    await standin.waitForRequest({ method: 'POST', path: `/channels/${random.id}/messages/${message.id}/threads` }, WAIT_MS);
  });

  it('puts single settings, the channel list, or everything back to the defaults', async () => {
    const random = running.standin.guild.channels[1]!;
    const removed = await settings('remove', { channel: random.id }, { group: 'channels' });
    expect(removed.embed?.description).toContain('No channel is listed now: mentions are answered in every channel.');
    expect(field(removed.embed, 'Answers @mentions in')).toBe('every channel *(default)*');
    const cooldown = await settings('cooldown');
    expect(field(cooldown.embed, 'Cooldown between questions')).toBe('10 s *(default)*');
    expect(field(cooldown.embed, 'Answers a mention with')).toBe('a new thread');

    const reset = await settings('reset');
    expect(reset.embed?.description).toContain('Every setting is back to the bot’s defaults.');
    expect(field(reset.embed, 'Answers a mention with')).toBe('a reply *(default)*');
    expect(field(reset.embed, '/ask answers are')).toBe('private (only the asker sees them) *(default)*');
    // A mention in #general is answered again, with a reply.
    const message = running.standin.sendMessage({ content: 'Who was Mike Pompeo?', mentionBot: true, author: freshUser(running) });
    expect(firstEmbed(bodyOf(await waitForReplyTo(message.id))).title).toBe('Who was Mike Pompeo?');
    expect(running.standin.violations).toEqual([]);
  });
});
