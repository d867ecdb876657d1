/**
 * The Discord stand-in serving two shards, against the real discord.js client (one client per shard, as
 * the shard processes run it): GET /gateway/bot recommends the count, each IDENTIFY with `shard: [id, 2]`
 * gets only its guilds, interactions and messages of a guild reach only that guild's shard, DMs shard 0,
 * and an impossible shard is closed with 4010 like Discord.
 */
import { Client, Events, GatewayIntentBits, type Interaction, type Message } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guildIdOnShard, shardOf, startDiscordStandin, type DiscordStandin } from '../support/discord-standin.js';

const TOKEN = 'test-token-shards.abc123';
const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];

let standin: DiscordStandin;
const clients: Client<true>[] = [];
/** What each shard's client received, by shard id. */
const seen: { interactions: Interaction[]; messages: Message[] }[] = [
  { interactions: [], messages: [] },
  { interactions: [], messages: [] },
];

async function loginShard(id: number, count: number): Promise<Client<true>> {
  const client = new Client({ intents: INTENTS, shards: [id], shardCount: count, rest: { api: standin.apiUrl } });
  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(TOKEN);
  return ready;
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  standin = await startDiscordStandin({
    token: TOKEN,
    shards: 2,
    guilds: [{ id: guildIdOnShard(0, 2), name: 'Zero' }, { id: guildIdOnShard(1, 2), name: 'One' }, { id: guildIdOnShard(1, 2), name: 'One too' }],
  });
  for (const id of [0, 1]) {
    const client = await loginShard(id, 2);
    client.on(Events.InteractionCreate, (interaction) => seen[id]!.interactions.push(interaction));
    client.on(Events.MessageCreate, (message) => seen[id]!.messages.push(message));
    clients.push(client);
  }
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.destroy()));
  await standin?.close();
});

describe('two shards', () => {
  it('recommends 2 shards and places guilds by (guild_id >> 22) % 2', async () => {
    const response = await fetch(`${standin.apiUrl}/v10/gateway/bot`, { headers: { Authorization: `Bot ${TOKEN}` } });
    expect(((await response.json()) as { shards: number }).shards).toBe(2);
    const [zero, one, oneToo] = standin.guilds;
    expect([shardOf(zero!.id, 2), shardOf(one!.id, 2), shardOf(oneToo!.id, 2)]).toEqual([0, 1, 1]);
    expect(shardOf(zero!.id, 1)).toBe(0);
  });

  it('gives each shard only its guilds', () => {
    expect(standin.identifies.map((i) => i.shard)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([...clients[0]!.guilds.cache.keys()]).toEqual([standin.guilds[0]!.id]);
    expect([...clients[1]!.guilds.cache.keys()].sort()).toEqual([standin.guilds[1]!.id, standin.guilds[2]!.id].sort());
  });

  it('sends a guild’s interactions and messages to its shard only, and DMs to shard 0', async () => {
    const [zero, one] = standin.guilds;
    standin.sendSlashCommand({ name: 'ask', options: { question: 'zero?' }, guildId: zero!.id });
    standin.sendSlashCommand({ name: 'ask', options: { question: 'one?' }, guildId: one!.id });
    standin.sendSlashCommand({ name: 'help', dm: true });
    standin.sendMessage({ content: 'hello one', mentionBot: true, guildId: one!.id });
    await until(() => seen[0]!.interactions.length === 2 && seen[1]!.interactions.length === 1 && seen[1]!.messages.length === 1, 'the dispatches');
    expect(seen[0]!.interactions.map((i) => i.guildId)).toEqual([zero!.id, null]);
    expect(seen[1]!.interactions.map((i) => i.guildId)).toEqual([one!.id]);
    expect(seen[1]!.messages[0]?.content).toContain('hello one');
    expect(seen[0]!.messages).toHaveLength(0);
  });

  it('routes the bot’s own echoed messages to the guild’s shard', async () => {
    const one = standin.guilds[1]!;
    const channel = await clients[1]!.channels.fetch(one.textChannelId);
    if (!channel?.isSendable()) throw new Error('not a text channel');
    await channel.send('from shard one');
    await until(() => seen[1]!.messages.some((m) => m.content === 'from shard one'), 'the echo');
    expect(seen[0]!.messages).toHaveLength(0);
  });

  it('closes an IDENTIFY for a shard that cannot exist with 4010', async () => {
    // discord.js never sends one, so speak to the gateway directly.
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(`${standin.gatewayUrl}/?v=10&encoding=json`);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.once('message', () => ws.send(JSON.stringify({ op: 2, d: { token: TOKEN, intents: 1, properties: {}, shard: [2, 2] } })));
    expect(await closed).toBe(4010);
  });
});
