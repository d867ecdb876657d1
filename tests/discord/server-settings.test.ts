/** A server's settings over the defaults, and cooldowns of different lengths (servers may set their own). */
import { afterEach, describe, expect, it } from 'vitest';
import { CooldownTracker } from '../../src/discord/cooldowns.js';
import { answersMentionsIn, ServerSettings } from '../../src/discord/server-settings.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { ServerSettingsStore } from '../../src/storage/server-settings.js';

const GUILD = '100000000000000001';
const DEFAULTS = { mentionReplyMode: 'reply', askPublicDefault: false, cooldownSeconds: 10 } as const;
let db: Database | undefined;
afterEach(() => db?.close());

describe('ServerSettings', () => {
  it('gives a server its own values where it set them and the defaults elsewhere (and in DMs)', () => {
    db = openDatabase(':memory:');
    const store = new ServerSettingsStore(db);
    const settings = new ServerSettings(store, DEFAULTS);
    expect(settings.for(GUILD)).toMatchObject({ mentionChannels: [], replyMode: 'reply', publicDefault: false, cooldownSeconds: 10, own: { replyMode: false, publicDefault: false, cooldownSeconds: false } });
    store.set(GUILD, { setting: 'cooldownSeconds', value: 0 }, 'u');
    store.set(GUILD, { setting: 'publicDefault', value: false }, 'u');
    store.addMentionChannel(GUILD, '200000000000000002', 'u');
    expect(settings.for(GUILD)).toMatchObject({ mentionChannels: ['200000000000000002'], replyMode: 'reply', publicDefault: false, cooldownSeconds: 0, own: { replyMode: false, publicDefault: true, cooldownSeconds: true }, updatedBy: 'u' });
    expect(settings.for(undefined)).toMatchObject({ cooldownSeconds: 10, mentionChannels: [] });
    expect(settings.for('100000000000000009')).toMatchObject({ cooldownSeconds: 10 });
    store.set(GUILD, { setting: 'cooldownSeconds', value: null }, 'u');
    expect(settings.for(GUILD).cooldownSeconds).toBe(10);
  });

  it('answers mentions in a listed channel or a thread under one; in every channel when none is listed', () => {
    const base = { replyMode: 'reply', publicDefault: false, cooldownSeconds: 10, own: { replyMode: false, publicDefault: false, cooldownSeconds: false } } as const;
    expect(answersMentionsIn({ ...base, mentionChannels: [] }, 'c1', undefined)).toBe(true);
    expect(answersMentionsIn({ ...base, mentionChannels: ['c1'] }, 'c1', undefined)).toBe(true);
    expect(answersMentionsIn({ ...base, mentionChannels: ['c1'] }, 'thread', 'c1')).toBe(true);
    expect(answersMentionsIn({ ...base, mentionChannels: ['c1'] }, 'c2', null)).toBe(false);
  });
});

describe('CooldownTracker with cooldowns of different lengths', () => {
  it('times each from its own length, and prune forgets every one that ran out', () => {
    let now = 0;
    const cooldowns = new CooldownTracker(10, () => now);
    expect(cooldowns.take('long', 100)).toBe(0);
    expect(cooldowns.take('short', 1)).toBe(0);
    expect(cooldowns.take('none', 0)).toBe(0);
    now = 2_000;
    expect(cooldowns.take('long', 100)).toBeCloseTo(98);
    // The short one ran out behind a longer one that still runs: prune finds it all the same.
    cooldowns.prune();
    expect(cooldowns.size).toBe(1);
    expect(cooldowns.take('short', 1)).toBe(0);
    expect(cooldowns.take('none', 0)).toBe(0);
  });
});
