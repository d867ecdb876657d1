/** GUILD_ALLOWLIST: when set, the bot works only in those guilds (and not in DMs). */
import type { Precondition } from './types.js';

export const guildAllowlist: Precondition = {
  name: 'guild-allowlist',
  run(actor, ctx) {
    const allowed = ctx.config.guildAllowlist;
    if (allowed.length === 0) return { ok: true };
    if (actor.guildId === undefined) return { ok: false, message: 'I only answer in the servers I’m enabled in, not in direct messages.' };
    if (allowed.includes(actor.guildId)) return { ok: true };
    return { ok: false, message: 'I’m not enabled in this server.' };
  },
};
