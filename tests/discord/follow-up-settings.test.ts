/** THREAD_FOLLOW_UPS: mentions only by default, `all` to answer every message in the bot's threads (and the MessageContent intent with it). */
import { GatewayIntentBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { loadDiscordConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { createClient } from '../../src/discord/client.js';

const TOKEN = { DISCORD_TOKEN: 'a-test-token' };

describe('THREAD_FOLLOW_UPS', () => {
  it('is mentions unless set to all', () => {
    expect(loadDiscordConfig(TOKEN).threadFollowUps).toBe('mentions');
    expect(loadDiscordConfig({ ...TOKEN, THREAD_FOLLOW_UPS: '' }).threadFollowUps).toBe('mentions');
    expect(loadDiscordConfig({ ...TOKEN, THREAD_FOLLOW_UPS: 'all' }).threadFollowUps).toBe('all');
  });

  it('rejects anything else, naming the variable', () => {
    expect(() => loadDiscordConfig({ ...TOKEN, THREAD_FOLLOW_UPS: 'everything' })).toThrow(ConfigError);
    expect(() => loadDiscordConfig({ ...TOKEN, THREAD_FOLLOW_UPS: 'everything' })).toThrow(/THREAD_FOLLOW_UPS/);
  });

  it('makes the client request the MessageContent intent only when all', async () => {
    const plain = createClient();
    const reading = createClient({ messageContent: true });
    try {
      expect(plain.options.intents.has(GatewayIntentBits.MessageContent)).toBe(false);
      expect(reading.options.intents.has(GatewayIntentBits.MessageContent)).toBe(true);
      expect(reading.options.intents.has(GatewayIntentBits.GuildMessages)).toBe(true);
    } finally {
      await plain.destroy();
      await reading.destroy();
    }
  });
});
