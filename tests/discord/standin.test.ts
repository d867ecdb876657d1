/**
 * Proves the Discord stand-in against the REAL discord.js client: login and guild caching, slash commands
 * with options and deferred replies, autocomplete, buttons, mentions, typing, replies, threads, payload
 * limits, resuming after a dropped connection, and retrying injected 429s / 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  PermissionFlagsBits,
  type ClientEvents,
  type Message,
} from 'discord.js';
import { startDiscordStandin, type DiscordStandin, type RecordedRequest } from '../support/discord-standin.js';

const TOKEN = 'test-token-standin.abc123';
const WAIT_MS = 5_000;

/** Resolves with the arguments of the next `event` that satisfies `predicate`; rejects after `timeoutMs`. */
function nextEvent<E extends keyof ClientEvents>(
  client: Client,
  event: E,
  predicate: (...args: ClientEvents[E]) => boolean = () => true,
  timeoutMs = WAIT_MS,
): Promise<ClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: ClientEvents[E]): void => {
      if (!predicate(...args)) return;
      cleanup();
      resolve(args);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for the client's ${String(event)} event`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off(event, listener);
    };
    client.on(event, listener);
  });
}

/** Logs a client in to a stand-in and waits until it is fully ready (guilds received). */
async function loginTo(standin: DiscordStandin, intents: GatewayIntentBits[], token = TOKEN): Promise<Client<true>> {
  const client = new Client({ intents, rest: { api: standin.apiUrl } });
  const ready = nextEvent(client, Events.ClientReady);
  await client.login(token);
  const [readyClient] = await ready;
  return readyClient;
}

function expectAPIError(error: unknown, status: number, code: number): DiscordAPIError {
  expect(error).toBeInstanceOf(DiscordAPIError);
  const apiError = error as DiscordAPIError;
  expect(apiError.status).toBe(status);
  expect(apiError.code).toBe(code);
  return apiError;
}

describe('Discord stand-in with the real discord.js client', () => {
  let standin: DiscordStandin;
  let client: Client<true>;

  beforeAll(async () => {
    standin = await startDiscordStandin({ token: TOKEN, heartbeatIntervalMs: 1_000 });
    client = await loginTo(standin, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent]);
  });

  afterAll(async () => {
    await client?.destroy();
    await standin?.close();
  });

  it('logs in: IDENTIFY carries the token and intents, and the client caches the guild', async () => {
    const identify = await standin.waitForIdentify();
    expect(identify.token).toBe(TOKEN);
    expect(identify.intents).toBe(client.options.intents.bitfield);
    const gatewayBot = await standin.waitForRequest({ method: 'GET', path: '/gateway/bot' });
    expect(gatewayBot.auth).toEqual({ kind: 'bot', token: TOKEN });

    expect(client.user.id).toBe(standin.botUser.id);
    expect(client.application.id).toBe(standin.applicationId);
    const guild = client.guilds.cache.get(standin.guild.id);
    expect(guild?.name).toBe(standin.guild.name);
    expect(guild?.channels.cache.get(standin.guild.textChannelId)?.isTextBased()).toBe(true);
    expect(guild?.channels.cache.get(standin.guild.threadId)?.isThread()).toBe(true);
    expect(guild?.roles.everyone.id).toBe(standin.guild.id);
    expect(guild?.members.me?.id).toBe(client.user.id);
    expect(guild?.members.me?.permissions.has(PermissionFlagsBits.SendMessages)).toBe(true);
  });

  it('delivers a slash command whose options read correctly, and records deferReply + editReply with embeds', async () => {
    const injected = standin.sendSlashCommand({
      name: 'ask',
      options: { question: 'Who won the election?', limit: 3, public: false },
      user: standin.users.moderator,
    });
    const [interaction] = await nextEvent(client, Events.InteractionCreate, (i) => i.id === injected.id);
    if (!interaction.isChatInputCommand()) throw new Error('expected a ChatInputCommandInteraction');
    expect(interaction.commandName).toBe('ask');
    expect(interaction.options.getString('question', true)).toBe('Who won the election?');
    expect(interaction.options.getInteger('limit')).toBe(3);
    expect(interaction.options.getBoolean('public')).toBe(false);
    expect(interaction.inCachedGuild()).toBe(true);
    expect(interaction.guildId).toBe(standin.guild.id);
    expect(interaction.channelId).toBe(standin.guild.textChannelId);
    expect(interaction.channel?.isTextBased()).toBe(true);
    expect(interaction.user.id).toBe(standin.users.moderator.id);
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);
    expect(interaction.appPermissions.has(PermissionFlagsBits.EmbedLinks)).toBe(true);

    await interaction.deferReply();
    const reply = await interaction.editReply({
      embeds: [new EmbedBuilder().setTitle('Answer').setDescription('“Quoted verbatim.”').addFields({ name: 'Source', value: 'Example Times' })],
    });

    const callback = await standin.waitForRequest({ method: 'POST', path: `/interactions/${injected.id}/${injected.token}/callback` });
    expect(callback.body).toEqual({ type: 5, data: { flags: 0 } });
    expect(callback.auth.kind).toBe('none');
    expect(callback.response?.status).toBe(204);
    const edit = await standin.waitForRequest({ method: 'PATCH', path: `/webhooks/${standin.applicationId}/${injected.token}/messages/@original` });
    expect(edit.response?.status).toBe(200);
    expect(edit.body).toMatchObject({ embeds: [{ title: 'Answer', fields: [{ name: 'Source', value: 'Example Times' }] }] });
    expect(reply.embeds[0]?.title).toBe('Answer');
    expect(reply.id).toBe(injected.record.originalMessageId);
    expect(injected.record.responseType).toBe(5);
    expect(standin.message(reply.id)?.flags).toBe(0);
  });

  it('delivers subcommands and autocomplete with the focused option, and records the choices', async () => {
    const slash = standin.sendSlashCommand({ name: 'corpus', subcommand: 'stats', options: { verbose: true } });
    const [command] = await nextEvent(client, Events.InteractionCreate, (i) => i.id === slash.id);
    if (!command.isChatInputCommand()) throw new Error('expected a ChatInputCommandInteraction');
    expect(command.options.getSubcommand()).toBe('stats');
    expect(command.options.getBoolean('verbose')).toBe(true);
    const response = await command.reply({ content: 'ok', flags: 'Ephemeral', withResponse: true });
    expect(response.interaction.id).toBe(slash.id);
    expect(response.interaction.responseMessageEphemeral).toBe(true);
    expect(response.resource?.message?.content).toBe('ok');
    expect(standin.message(slash.record.originalMessageId ?? '')?.flags).toBe(64);

    const auto = standin.sendAutocomplete({ name: 'ask', options: { question: 'elec', limit: 2 }, focused: 'question' });
    const [interaction] = await nextEvent(client, Events.InteractionCreate, (i) => i.id === auto.id);
    if (!interaction.isAutocomplete()) throw new Error('expected an AutocompleteInteraction');
    expect(interaction.options.getFocused()).toBe('elec');
    await interaction.respond([{ name: 'election results', value: 'election results' }]);
    expect(auto.record.responseType).toBe(8);
    expect(auto.record.choices).toEqual([{ name: 'election results', value: 'election results' }]);
  });

  it('delivers a button click on the bot’s reply, and update() edits that message', async () => {
    const slash = standin.sendSlashCommand({ name: 'ask', options: { question: 'q' } });
    const [command] = await nextEvent(client, Events.InteractionCreate, (i) => i.id === slash.id);
    if (!command.isChatInputCommand()) throw new Error('expected a ChatInputCommandInteraction');
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('more:1').setLabel('More').setStyle(ButtonStyle.Primary),
    );
    await command.reply({ content: 'First answer', components: [row] });
    const messageId = slash.record.originalMessageId;
    if (messageId === null) throw new Error('the reply made no message');

    const click = standin.sendButton({ customId: 'more:1', messageId });
    const [interaction] = await nextEvent(client, Events.InteractionCreate, (i) => i.id === click.id);
    if (!interaction.isButton()) throw new Error('expected a ButtonInteraction');
    expect(interaction.customId).toBe('more:1');
    expect(interaction.message.id).toBe(messageId);
    expect(interaction.message.author.id).toBe(client.user.id);
    expect(JSON.parse(JSON.stringify(interaction.component))).toMatchObject({ custom_id: 'more:1', label: 'More' });

    await interaction.update({ content: 'Second answer', components: [] });
    const callback = await standin.waitForRequest({ method: 'POST', path: `/interactions/${click.id}/${click.token}/callback` });
    expect(callback.body).toMatchObject({ type: 7, data: { content: 'Second answer', components: [] } });
    expect(standin.message(messageId)?.content).toBe('Second answer');
  });

  it('delivers a mention with mentions.users containing the bot; sendTyping, reply and startThread hit the recorded routes', async () => {
    const channelId = standin.guild.textChannelId;
    const injected = standin.sendMessage({ content: 'what did the mayor say?', mentionBot: true });
    const [message] = await nextEvent(client, Events.MessageCreate, (m) => m.id === injected.id);
    expect(message.author.id).toBe(standin.users.tester.id);
    expect(message.content).toBe(`<@${client.user.id}> what did the mayor say?`);
    expect(message.mentions.users.has(client.user.id)).toBe(true);
    expect(message.guildId).toBe(standin.guild.id);
    expect(message.channelId).toBe(channelId);
    expect(message.member?.id).toBe(standin.users.tester.id);

    await message.channel.sendTyping();
    const typing = await standin.waitForRequest({ method: 'POST', path: `/channels/${channelId}/typing` });
    expect(typing.response?.status).toBe(204);

    const reply = await message.reply({ content: 'The mayor said: “…”', allowedMentions: { repliedUser: false } });
    const post = await standin.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages` && r.response?.status === 200);
    expect(post.body).toMatchObject({ content: 'The mayor said: “…”', message_reference: { message_id: injected.id } });
    expect(reply.reference?.messageId).toBe(injected.id);

    await message.react('👍');
    const react = await standin.waitForRequest({ method: 'PUT', path: `/channels/${channelId}/messages/${injected.id}/reactions/:emoji/@me` });
    expect(react.response?.status).toBe(204);
    expect(standin.reactionsOn(injected.id)).toEqual(['👍']);

    const thread = await message.startThread({ name: 'Q&A' });
    expect(thread.id).toBe(injected.id);
    expect(standin.channel(thread.id)).toMatchObject({ name: 'Q&A', parent_id: channelId });
    const inThread = standin.sendMessage({ content: 'and the council?', channelId: thread.id });
    const [followUp] = await nextEvent(client, Events.MessageCreate, (m) => m.id === inThread.id);
    expect(followUp.channel.isThread()).toBe(true);
    expect(followUp.channelId).toBe(thread.id);
    expect(followUp.mentions.users.has(client.user.id)).toBe(false);

    const existingThread = standin.sendMessage({ content: 'hello from the existing thread', channelId: standin.guild.threadId, mentionBot: true });
    const [threadMessage] = await nextEvent(client, Events.MessageCreate, (m) => m.id === existingThread.id);
    expect(threadMessage.channel.isThread() && threadMessage.channel.parentId).toBe(channelId);
  });

  it('delivers a DM slash command without a member, and filters DM messages the intents exclude', async () => {
    const slash = standin.sendSlashCommand({ name: 'ask', options: { question: 'in private' }, dm: true });
    const [interaction] = await nextEvent(client, Events.InteractionCreate, (i) => i.id === slash.id);
    if (!interaction.isChatInputCommand()) throw new Error('expected a ChatInputCommandInteraction');
    expect(interaction.inGuild()).toBe(false);
    expect(interaction.member).toBeNull();
    expect(interaction.user.id).toBe(standin.users.tester.id);
    await interaction.reply('private answer');
    expect(standin.message(slash.record.originalMessageId ?? '')?.channel_id).toBe(slash.payload.channel?.id);

    // This client did not ask for DirectMessages, so Discord would not send it DMs.
    expect(standin.sendMessage({ content: 'hello', dm: true }).delivery).toBe('filtered');
  });

  it('records multipart uploads: payload_json as the body, and the files', async () => {
    const channel = client.channels.cache.get(standin.guild.textChannelId);
    if (!channel?.isSendable()) throw new Error('expected a sendable channel');
    const sent = await channel.send({ content: 'sources attached', files: [{ attachment: Buffer.from('hello, world'), name: 'sources.txt' }] });
    const request = await standin.waitForRequest((r) => r.method === 'POST' && r.files.length > 0);
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(request.body).toMatchObject({ content: 'sources attached', attachments: [{ id: '0' }] });
    expect(request.files).toMatchObject([{ field: 'files[0]', filename: 'sources.txt', size: 12 }]);
    expect(request.files[0]?.data.toString()).toBe('hello, world');
    expect(sent.attachments.first()?.name).toBe('sources.txt');
  });

  it('rejects payloads over Discord’s limits with a 400 DiscordAPIError (50035) and records the violation', async () => {
    const channel = client.channels.cache.get(standin.guild.textChannelId);
    if (!channel?.isSendable()) throw new Error('expected a sendable channel');
    const before = standin.violations.length;

    const tooLong = await channel.send({ embeds: [{ title: 'ok', description: 'x'.repeat(4097) }] }).catch((e: unknown) => e);
    const apiError = expectAPIError(tooLong, 400, 50035);
    expect(apiError.message).toContain('embeds[0].description[BASE_TYPE_MAX_LENGTH]');

    const tooBig = await channel
      .send({ embeds: [{ description: 'a'.repeat(4000) }, { description: 'b'.repeat(2001) }] })
      .catch((e: unknown) => e);
    expectAPIError(tooBig, 400, 50035);

    const tooManyFields = await channel
      .send({ embeds: [{ fields: Array.from({ length: 26 }, (_, i) => ({ name: `f${i}`, value: 'v' })) }] })
      .catch((e: unknown) => e);
    expectAPIError(tooManyFields, 400, 50035);

    const content = await channel.send({ content: 'y'.repeat(2001) }).catch((e: unknown) => e);
    expectAPIError(content, 400, 50035);

    const empty = await channel.send({ content: '   ' }).catch((e: unknown) => e);
    expectAPIError(empty, 400, 50006);

    const found = standin.violations.slice(before);
    expect(found.map((v) => v.code)).toEqual([50035, 50035, 50035, 50035, 50006]);
    expect(found[0]?.issues).toEqual([{ path: ['embeds', 0, 'description'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 4096 or fewer in length.' }]);
    expect(found[1]?.issues[0]?.code).toBe('MAX_EMBED_SIZE_EXCEEDED');
    expect(found[2]?.issues[0]?.path).toEqual(['embeds', 0, 'fields']);
    expect(found[3]?.issues[0]?.path).toEqual(['content']);
  });

  it('rejects an over-limit interaction reply with 50035 at data.embeds', async () => {
    const slash = standin.sendSlashCommand({ name: 'ask', options: { question: 'q' } });
    const [interaction] = await nextEvent(client, Events.InteractionCreate, (i) => i.id === slash.id);
    if (!interaction.isChatInputCommand()) throw new Error('expected a ChatInputCommandInteraction');
    const error = await interaction.reply({ embeds: [{ title: 't'.repeat(257) }] }).catch((e: unknown) => e);
    expectAPIError(error, 400, 50035);
    expect(standin.violations.at(-1)?.issues[0]?.path).toEqual(['data', 'embeds', 0, 'title']);
    expect(slash.record.responseType).toBeNull();
  });

  it('resumes after a dropped connection, replaying what was dispatched meanwhile', async () => {
    const identifiesBefore = standin.identifies.length;
    const resumedBefore = standin.gatewayEvents.filter((e) => e.kind === 'resumed').length;
    await standin.dropConnection({ code: 4000 });

    // Dispatched while the socket is down: kept and replayed on RESUME, as Discord does.
    const missed = standin.sendSlashCommand({ name: 'ask', options: { question: 'while down' } });
    expect(missed.delivery).toBe('queued');
    const [replayed] = await nextEvent(client, Events.InteractionCreate, (i) => i.id === missed.id);
    const resumed = await standin.waitForResume(resumedBefore + 1);
    expect(resumed.replayed).toBe(1);
    expect(standin.identifies.length).toBe(identifiesBefore);
    const connect = standin.gatewayEvents.filter((e) => e.kind === 'connect').at(-1);
    expect(connect?.kind === 'connect' && connect.path).toBe('/resume');
    await (replayed.isRepliable() ? replayed.reply('late but fine') : Promise.reject(new Error('not repliable')));

    const after = standin.sendSlashCommand({ name: 'ask', options: { question: 'after resume' } });
    expect(after.delivery).toBe('delivered');
    const [interaction] = await nextEvent(client, Events.InteractionCreate, (i) => i.id === after.id);
    expect(interaction.isChatInputCommand() && interaction.options.getString('question')).toBe('after resume');
  });

  it('resumes after an abrupt termination (1006) too', async () => {
    const resumedBefore = standin.gatewayEvents.filter((e) => e.kind === 'resumed').length;
    await standin.dropConnection({ terminate: true });
    await standin.waitForResume(resumedBefore + 1);
    const injected = standin.sendMessage({ content: 'still there?', mentionBot: true });
    const [message] = await nextEvent(client, Events.MessageCreate, (m) => m.id === injected.id);
    expect(message.mentions.users.has(client.user.id)).toBe(true);
  });

  it('resumes after discord.js detects a zombie connection (heartbeats not acknowledged)', async () => {
    const resumedBefore = standin.gatewayEvents.filter((e) => e.kind === 'resumed').length;
    standin.setHeartbeatAcks(false);
    try {
      const closed = await standin.waitForGatewayEvent((e) => e.kind === 'close' && e.by === 'client', 4_000, 'the client closing a zombie');
      expect(closed.kind === 'close' && closed.code).toBe(4200);
    } finally {
      standin.setHeartbeatAcks(true);
    }
    await standin.waitForResume(resumedBefore + 1);
  });

  it('lets discord.js retry an injected 429 on a reply and a 502 on a channel message', async () => {
    const rateLimit = standin.injectFault({
      match: { method: 'POST', path: '/interactions/:id/:token/callback' },
      status: 429,
      retryAfterSeconds: 0.05,
    });
    const slash = standin.sendSlashCommand({ name: 'ask', options: { question: 'q' } });
    const [interaction] = await nextEvent(client, Events.InteractionCreate, (i) => i.id === slash.id);
    if (!interaction.isChatInputCommand()) throw new Error('expected a ChatInputCommandInteraction');
    await interaction.reply('after a rate limit');
    expect(rateLimit.hits).toBe(1);
    expect(rateLimit.remaining).toBe(0);
    const callbacks = standin.requests.filter((r: RecordedRequest) => r.path === `/interactions/${slash.id}/${slash.token}/callback`);
    expect(callbacks.map((r) => [r.response?.status, r.fault])).toEqual([
      [429, 'rate-limit'],
      [204, null],
    ]);
    expect(callbacks[0]?.response?.headers['retry-after']).toBe('0.05');
    expect(standin.message(slash.record.originalMessageId ?? '')?.content).toBe('after a rate limit');

    const channel = client.channels.cache.get(standin.guild.textChannelId);
    if (!channel?.isSendable()) throw new Error('expected a sendable channel');
    const serverError = standin.injectFault({ match: { method: 'POST', path: `/channels/${channel.id}/messages` }, status: 502, times: 2 });
    const sent: Message = await channel.send('after two bad gateways');
    expect(serverError.hits).toBe(2);
    expect(standin.message(sent.id)?.content).toBe('after two bad gateways');
  });

  it('answers unknown routes with a recorded Discord-style 404', async () => {
    const error = await client.rest.get(`/guilds/${standin.guild.id}/audit-logs`).catch((e: unknown) => e);
    expectAPIError(error, 404, 0);
    expect(standin.violations.at(-1)).toMatchObject({ method: 'GET', path: `/guilds/${standin.guild.id}/audit-logs`, status: 404 });
  });

  it('echoes commands registered by bulk overwrite, with ids, and uses them for option types', async () => {
    const body = [
      {
        name: 'ask',
        description: 'Ask the corpus',
        options: [
          { type: 3, name: 'question', description: 'Your question', required: true, autocomplete: true },
          { type: 10, name: 'weight', description: 'A number option' },
        ],
      },
    ];
    const created = (await client.rest.put(`/applications/${standin.applicationId}/guilds/${standin.guild.id}/commands`, { body })) as { id: string; name: string }[];
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ name: 'ask', application_id: standin.applicationId, guild_id: standin.guild.id });
    expect(standin.commands(standin.guild.id)[0]?.id).toBe(created[0]?.id);

    const bad = await client.rest
      .put(`/applications/${standin.applicationId}/commands`, { body: [{ name: 'Bad Name', description: '' }] })
      .catch((e: unknown) => e);
    expectAPIError(bad, 400, 50035);

    const slash = standin.sendSlashCommand({ name: 'ask', options: { question: 'q', weight: 2 } });
    const [interaction] = await nextEvent(client, Events.InteractionCreate, (i) => i.id === slash.id);
    if (!interaction.isChatInputCommand()) throw new Error('expected a ChatInputCommandInteraction');
    expect(interaction.commandId).toBe(created[0]?.id);
    expect(interaction.options.getNumber('weight')).toBe(2);
  });
});

describe('Discord stand-in: intents, tokens and deadlines', () => {
  let standin: DiscordStandin;
  let client: Client<true> | undefined;

  beforeAll(async () => {
    // A deadline of 0 ms makes every acknowledgement late.
    standin = await startDiscordStandin({ token: TOKEN, interactionAckDeadlineMs: 0 });
  });

  afterAll(async () => {
    await client?.destroy();
    await standin?.close();
  });

  it('refuses a wrong token like Discord (401 → TokenInvalid)', async () => {
    const wrong = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: standin.apiUrl } });
    await expect(wrong.login('not-the-token')).rejects.toThrow(/invalid token/i);
    await wrong.destroy();
    expect(standin.violations.at(-1)).toMatchObject({ path: '/gateway/bot', status: 401 });
  });

  it('blanks message content without the MessageContent intent unless the bot is mentioned', async () => {
    client = await loginTo(standin, [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages]);
    const plain = standin.sendMessage({ content: 'not for the bot' });
    const [withoutMention] = await nextEvent(client, Events.MessageCreate, (m) => m.id === plain.id);
    expect(withoutMention.content).toBe('');
    const mention = standin.sendMessage({ content: 'for the bot', mentionBot: true });
    const [withMention] = await nextEvent(client, Events.MessageCreate, (m) => m.id === mention.id);
    expect(withMention.content).toBe(`<@${client.user.id}> for the bot`);
  });

  it('answers a late acknowledgement with 10062 Unknown interaction', async () => {
    if (!client) throw new Error('the previous test logs the client in');
    const slash = standin.sendSlashCommand({ name: 'ask', options: { question: 'slow' } });
    const [interaction] = await nextEvent(client, Events.InteractionCreate, (i) => i.id === slash.id);
    if (!interaction.isChatInputCommand()) throw new Error('expected a ChatInputCommandInteraction');
    const error = await interaction.deferReply().catch((e: unknown) => e);
    expectAPIError(error, 404, 10062);
    expect(slash.record.lateCallbacks).toBe(1);
  });
});
