/**
 * The settings that apply in a server: what its maintainers set with `/settings` (stored in the
 * database, see src/storage/server-settings.ts), else the global defaults from the environment
 * (MENTION_REPLY_MODE, ASK_PUBLIC_DEFAULT, COOLDOWN_SECONDS; every channel). Read from the database for
 * each question, so a change applies at once, in every process that shares the database.
 */
import type { DiscordConfig } from '../core/config.js';
import type { ReplyMode, ServerSettingsStore, StoredServerSettings } from '../storage/server-settings.js';

/** The global defaults a server's own settings override. */
export type SettingDefaults = Pick<DiscordConfig, 'mentionReplyMode' | 'askPublicDefault' | 'cooldownSeconds'>;

/** The settings in force in one place (a server, or DMs). */
export interface EffectiveSettings {
  /** The channels mentions are answered in; empty: every channel. */
  mentionChannels: readonly string[];
  replyMode: ReplyMode;
  publicDefault: boolean;
  cooldownSeconds: number;
  /** Which of them the server has set itself (the others are the defaults). */
  own: { replyMode: boolean; publicDefault: boolean; cooldownSeconds: boolean };
  updatedAt?: string;
  updatedBy?: string;
}

export class ServerSettings {
  constructor(
    /** Where servers' own settings are kept (`/settings` changes them there). */
    readonly store: ServerSettingsStore,
    private readonly defaults: SettingDefaults,
  ) {}

  /** The settings in force in a server (the defaults in DMs). */
  for(guildId: string | undefined | null): EffectiveSettings {
    const stored: StoredServerSettings = guildId ? this.store.get(guildId) : { mentionChannels: [] };
    const settings: EffectiveSettings = {
      mentionChannels: stored.mentionChannels,
      replyMode: stored.replyMode ?? this.defaults.mentionReplyMode,
      publicDefault: stored.publicDefault ?? this.defaults.askPublicDefault,
      cooldownSeconds: stored.cooldownSeconds ?? this.defaults.cooldownSeconds,
      own: { replyMode: stored.replyMode !== undefined, publicDefault: stored.publicDefault !== undefined, cooldownSeconds: stored.cooldownSeconds !== undefined },
    };
    if (stored.updatedAt !== undefined) settings.updatedAt = stored.updatedAt;
    if (stored.updatedBy !== undefined) settings.updatedBy = stored.updatedBy;
    return settings;
  }
}

/** Whether mentions are answered in a channel (or in a thread under it) with these settings. */
export function answersMentionsIn(settings: EffectiveSettings, channelId: string, parentId: string | null | undefined): boolean {
  if (settings.mentionChannels.length === 0) return true;
  return settings.mentionChannels.includes(channelId) || (parentId !== null && parentId !== undefined && settings.mentionChannels.includes(parentId));
}
