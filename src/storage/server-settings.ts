/**
 * Per-server settings as stored: what a server's maintainers have set with `/settings`. A setting left
 * unset (NULL) follows the global default from the environment (applied in src/discord/server-settings.ts).
 * Read fresh on every call (a primary-key lookup), so a change made by any process applies at once.
 */
import type { Database } from './database.js';

export type ReplyMode = 'reply' | 'thread';

/** What one server has set; absent fields follow the defaults. */
export interface StoredServerSettings {
  /** The channels it answers mentions in; empty: every channel. */
  mentionChannels: string[];
  replyMode?: ReplyMode;
  publicDefault?: boolean;
  cooldownSeconds?: number;
  /** When a setting was last changed, and by whom (a Discord user id). */
  updatedAt?: string;
  updatedBy?: string;
}

/** A change to one setting; `null` puts it back to the default. */
export type SettingChange =
  | { setting: 'replyMode'; value: ReplyMode | null }
  | { setting: 'publicDefault'; value: boolean | null }
  | { setting: 'cooldownSeconds'; value: number | null };

const COLUMNS = { replyMode: 'reply_mode', publicDefault: 'public_default', cooldownSeconds: 'cooldown_seconds' } as const;

interface SettingsRow {
  reply_mode: string | null;
  public_default: number | null;
  cooldown_seconds: number | null;
  updated_at: string;
  updated_by: string | null;
}

export class ServerSettingsStore {
  private readonly select;
  private readonly selectChannels;
  private readonly upserts;
  private readonly insertChannel;
  private readonly deleteChannel;
  private readonly deleteChannels;
  private readonly deleteSettings;
  private readonly touch;

  constructor(private readonly db: Database) {
    this.select = db.prepare<[string], SettingsRow>('SELECT reply_mode, public_default, cooldown_seconds, updated_at, updated_by FROM guild_settings WHERE guild_id = ?');
    this.selectChannels = db.prepare<[string], { channel_id: string }>('SELECT channel_id FROM guild_mention_channels WHERE guild_id = ? ORDER BY channel_id');
    const upsert = (column: string) =>
      db.prepare<[string, string | number | null, string, string]>(
        `INSERT INTO guild_settings (guild_id, ${column}, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (guild_id) DO UPDATE SET ${column} = excluded.${column}, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      );
    this.upserts = { replyMode: upsert(COLUMNS.replyMode), publicDefault: upsert(COLUMNS.publicDefault), cooldownSeconds: upsert(COLUMNS.cooldownSeconds) };
    this.touch = db.prepare<[string, string, string]>(
      `INSERT INTO guild_settings (guild_id, updated_at, updated_by) VALUES (?, ?, ?)
       ON CONFLICT (guild_id) DO UPDATE SET updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    this.insertChannel = db.prepare<[string, string]>('INSERT OR IGNORE INTO guild_mention_channels (guild_id, channel_id) VALUES (?, ?)');
    this.deleteChannel = db.prepare<[string, string]>('DELETE FROM guild_mention_channels WHERE guild_id = ? AND channel_id = ?');
    this.deleteChannels = db.prepare<[string]>('DELETE FROM guild_mention_channels WHERE guild_id = ?');
    this.deleteSettings = db.prepare<[string]>('DELETE FROM guild_settings WHERE guild_id = ?');
  }

  /** What the server has set (nothing set: no channels and no fields). */
  get(guildId: string): StoredServerSettings {
    const row = this.select.get(guildId);
    const settings: StoredServerSettings = { mentionChannels: this.selectChannels.all(guildId).map((r) => r.channel_id) };
    if (!row) return settings;
    if (row.reply_mode === 'reply' || row.reply_mode === 'thread') settings.replyMode = row.reply_mode;
    if (row.public_default !== null) settings.publicDefault = row.public_default === 1;
    if (row.cooldown_seconds !== null) settings.cooldownSeconds = row.cooldown_seconds;
    settings.updatedAt = row.updated_at;
    if (row.updated_by !== null) settings.updatedBy = row.updated_by;
    return settings;
  }

  /** Sets one setting (or puts it back to the default with `null`). */
  set(guildId: string, change: SettingChange, by: string): void {
    const value = change.setting === 'publicDefault' && change.value !== null ? (change.value ? 1 : 0) : change.value;
    this.upserts[change.setting].run(guildId, value as string | number | null, new Date().toISOString(), by);
  }

  /** Adds a channel to those the server answers mentions in; false when it was there already. */
  addMentionChannel(guildId: string, channelId: string, by: string): boolean {
    return this.db.transaction(() => {
      this.touch.run(guildId, new Date().toISOString(), by);
      return this.insertChannel.run(guildId, channelId).changes > 0;
    }).immediate();
  }

  /** Removes a channel from that list; false when it was not in it. */
  removeMentionChannel(guildId: string, channelId: string, by: string): boolean {
    return this.db.transaction(() => {
      this.touch.run(guildId, new Date().toISOString(), by);
      return this.deleteChannel.run(guildId, channelId).changes > 0;
    }).immediate();
  }

  /** Empties the list: mentions are answered in every channel again. */
  clearMentionChannels(guildId: string, by: string): void {
    this.db.transaction(() => {
      this.touch.run(guildId, new Date().toISOString(), by);
      this.deleteChannels.run(guildId);
    }).immediate();
  }

  /** Forgets everything the server has set: every setting follows the defaults again. */
  reset(guildId: string): void {
    this.db.transaction(() => {
      this.deleteChannels.run(guildId);
      this.deleteSettings.run(guildId);
    }).immediate();
  }
}
