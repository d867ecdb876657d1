/**
 * End to end: /reindex. Maintainers (Manage Server, or a configured maintainer) rebuild the index and
 * get a summary; questions are answered meanwhile; everyone else, DMs and guilds outside the
 * allowlist are refused ephemerally and nothing is rebuilt.
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { InteractionResponseType, MessageFlags, type APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ALREADY_RUNNING_MESSAGE } from '../../src/discord/commands/reindex.js';
import { embedViolations } from './helpers/answers.js';
import { expectVerbatimAnswer } from './helpers/embeds.js';
import {
  ask,
  bodyOf,
  callbackData,
  firstEmbed,
  freshUser,
  Gate,
  openTestLibrary,
  startBot,
  TestLibrary,
  until,
  waitForCallback,
  waitForEdit,
  type RunningBot,
  type TestCorpus,
} from './helpers/harness.js';

let corpus: TestCorpus;
let library: TestLibrary;
let running: RunningBot;
let maintainer: APIUser;

beforeAll(async () => {
  corpus = await openTestLibrary();
  library = new TestLibrary(corpus.library);
  running = await startBot(library, path.join(corpus.root, 'feedback.jsonl'), {
    config: (standin) => {
      maintainer = standin.createUser('maintainer');
      return { maintainerUserIds: [maintainer.id], guildAllowlist: [standin.guild.id] };
    },
  });
});

afterAll(async () => {
  await running?.close();
  await corpus?.cleanup();
});

async function refusal(input: Parameters<RunningBot['standin']['sendSlashCommand']>[0]): Promise<string> {
  const command = running.standin.sendSlashCommand(input);
  const callback = await waitForCallback(running.standin, command);
  expect(bodyOf(callback).type).toBe(InteractionResponseType.ChannelMessageWithSource);
  expect(callbackData(callback).flags).toBe(MessageFlags.Ephemeral);
  return String(callbackData(callback).content);
}

describe('/reindex refused', () => {
  it('refuses a member without Manage Server, ephemerally, logs it, and rebuilds nothing', async () => {
    const message = await refusal({ name: 'reindex', user: running.standin.users.tester });
    expect(message).toContain('Manage Server');
    expect(library.rebuildCalls).toBe(0);
    const logged = running.logs.lines.find((line) => line.msg === 'command refused' && line.command === 'reindex');
    expect(logged).toMatchObject({ precondition: 'maintainer', user: running.standin.users.tester.id });
  });

  it('refuses in DMs and in guilds outside GUILD_ALLOWLIST', async () => {
    expect(await refusal({ name: 'reindex', user: maintainer, dm: true })).toMatch(/direct messages|server/);
    const outside = running.standin.addGuild({ name: 'Elsewhere' });
    expect(await refusal({ name: 'reindex', user: running.standin.users.owner, guildId: outside.id })).toContain('not enabled in this server');
    expect(await refusal({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user: freshUser(running), guildId: outside.id })).toContain(
      'not enabled in this server',
    );
    expect(library.rebuildCalls).toBe(0);
  });
});

describe('/reindex by maintainers', () => {
  it('rebuilds after a corpus edit, reports 1 changed, and keeps answering meanwhile', async () => {
    const { standin } = running;
    const edited = library.articles().find((a) => a.id.startsWith('004'))!;
    await appendFile(
      path.join(corpus.corpusDir, edited.path),
      '\n\nThe Kremlin later said the summit venue would be announced by the envoy in Reykjavik on Friday.\n',
    );
    const gate = new Gate();
    library.rebuildGate = gate;
    onTestFinished(() => gate.open());
    const command = standin.sendSlashCommand({ name: 'reindex', user: standin.users.moderator });
    const deferred = await waitForCallback(standin, command);
    expect(bodyOf(deferred).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(callbackData(deferred).flags).toBe(MessageFlags.Ephemeral);
    await until(() => library.rebuildCalls === 1, 'the rebuild to start');
    expect(library.isRebuilding).toBe(true);

    // A question during the rebuild is answered.
    const during = await ask(running, 'How did Trump describe the talks Witkoff held with Putin?');
    await expectVerbatimAnswer(during.embed, library);
    expect(library.isRebuilding).toBe(true);

    // A second /reindex is told one is running.
    expect(await refusal({ name: 'reindex', user: maintainer })).toBe(ALREADY_RUNNING_MESSAGE);

    gate.open();
    library.rebuildGate = undefined;
    const report = firstEmbed(bodyOf(await waitForEdit(standin, command, 60_000)));
    expect(report.title).toBe('Index rebuilt');
    expect(report.description).toContain('1 changed · 0 added · 0 removed · 4 unchanged');
    expect(report.fields?.find((f) => f.name === 'Changed (1)')?.value).toBe(`\`${edited.id}\``);
    expect(report.fields?.find((f) => f.name === 'Index')?.value).toMatch(/^5 articles · \d+ chunks · \d+ sentences$/);
    expect(embedViolations(report)).toEqual([]);
    expect(library.rebuildCalls).toBe(1);

    // The new index is live.
    const after = await ask(running, 'Where would the envoy announce the summit venue?');
    expect(after.embed.description).toContain('Reykjavik');
    await expectVerbatimAnswer(after.embed, library);
    expect(standin.violations).toEqual([]);
  });

  it('lets a configured maintainer user reindex; with nothing changed it says so', async () => {
    const command = running.standin.sendSlashCommand({ name: 'reindex', user: maintainer });
    const report = firstEmbed(bodyOf(await waitForEdit(running.standin, command, 60_000)));
    expect(report.title).toBe('Index already up to date');
    expect(report.description).toContain('0 changed · 0 added · 0 removed · 5 unchanged');
  });
});
