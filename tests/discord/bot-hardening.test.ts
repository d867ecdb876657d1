/**
 * End to end: GUILD_ALLOWLIST applies to every kind of interaction (autocomplete and buttons too, in
 * other guilds and in DMs), and the client's caches stay bounded however many people ask.
 */
import path from 'node:path';
import { InteractionResponseType, MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_LIMITS } from '../../src/discord/client.js';
import { sourcesPageId } from '../../src/discord/custom-ids.js';
import { bodyOf, callbackData, openTestLibrary, startBot, TestLibrary, until, waitForCallback, WAIT_MS, type RunningBot, type TestCorpus } from './helpers/harness.js';

let corpus: TestCorpus;
let library: TestLibrary;
let running: RunningBot;
let allowedGuild: string;
let otherGuild: string;

beforeAll(async () => {
  corpus = await openTestLibrary();
  library = new TestLibrary(corpus.library);
  running = await startBot(library, path.join(corpus.root, 'feedback.jsonl'), {
    standin: { guilds: [{ name: 'Allowed' }, { name: 'Elsewhere' }] },
    config: (standin) => ({ guildAllowlist: [standin.guilds[0]!.id], cooldownSeconds: 0 }),
  });
  allowedGuild = running.standin.guilds[0]!.id;
  otherGuild = running.standin.guilds[1]!.id;
});

afterAll(async () => {
  await running?.close();
  await corpus?.cleanup();
});

describe('GUILD_ALLOWLIST covers every interaction', () => {
  it('suggests article titles in an allowed guild', async () => {
    const typed = running.standin.sendAutocomplete({ name: 'source', options: { id: '' }, focused: 'id', guildId: allowedGuild });
    const callback = await waitForCallback(running.standin, typed);
    expect(bodyOf(callback).type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect((callbackData(callback).choices as unknown[]).length).toBeGreaterThan(0);
  });

  for (const where of ['another guild', 'a DM'] as const) {
    it(`suggests nothing in ${where}`, async () => {
      const actor = where === 'a DM' ? { dm: true } : { guildId: otherGuild };
      const typed = running.standin.sendAutocomplete({ name: 'source', options: { id: '' }, focused: 'id', ...actor });
      const callback = await waitForCallback(running.standin, typed);
      expect(bodyOf(callback).type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
      expect(callbackData(callback).choices).toEqual([]);
    });

    it(`refuses the /sources pager button in ${where}, showing no titles`, async () => {
      const actor = where === 'a DM' ? { dm: true } : { guildId: otherGuild };
      const click = running.standin.sendButton({ customId: sourcesPageId(2, 'next'), ...actor });
      const callback = await waitForCallback(running.standin, click);
      expect(bodyOf(callback).type).toBe(InteractionResponseType.ChannelMessageWithSource);
      expect(callbackData(callback).flags).toBe(MessageFlags.Ephemeral);
      expect(callbackData(callback).embeds ?? []).toEqual([]);
      expect(String(callbackData(callback).content)).toMatch(/not enabled in this server|not in direct messages/);
    });

    it(`refuses /help in ${where} too`, async () => {
      const actor = where === 'a DM' ? { dm: true } : { guildId: otherGuild };
      const command = running.standin.sendSlashCommand({ name: 'help', ...actor });
      const callback = await waitForCallback(running.standin, command);
      expect(callbackData(callback).flags).toBe(MessageFlags.Ephemeral);
      expect(String(callbackData(callback).content)).toMatch(/not enabled in this server|not in direct messages/);
    });
  }

  it('still pages in an allowed guild', async () => {
    const click = running.standin.sendButton({ customId: sourcesPageId(1, 'next'), guildId: allowedGuild });
    const callback = await waitForCallback(running.standin, click);
    expect(bodyOf(callback).type).toBe(InteractionResponseType.UpdateMessage);
    expect(running.standin.violations).toEqual([]);
  });
});

describe('caches', () => {
  it('keeps a bounded number of users and members after mentions from many different people, and its own', async () => {
    const { standin, bot } = running;
    const people = Math.max(CACHE_LIMITS.users, CACHE_LIMITS.members) + 60;
    const before = standin.requests.length;
    for (let i = 0; i < people; i++) {
      const author = standin.createUser(`asker${i}`);
      standin.sendMessage({ content: '', author, mentionBot: true, guildId: allowedGuild });
    }
    // A bare mention gets the help as a reply: wait for all of them.
    await until(
      () => standin.requests.slice(before).filter((r) => r.method === 'POST' && /\/channels\/\d+\/messages$/.test(r.path)).length >= people,
      'every mention to be answered',
      WAIT_MS,
    );
    const guild = bot.client.guilds.cache.get(allowedGuild)!;
    expect(bot.client.users.cache.size).toBeLessThanOrEqual(CACHE_LIMITS.users);
    expect(guild.members.cache.size).toBeLessThanOrEqual(CACHE_LIMITS.members);
    expect(bot.client.users.cache.has(bot.client.user!.id)).toBe(true);
    expect(guild.members.me).not.toBeNull();
    expect(standin.violations).toEqual([]);
  });
});
