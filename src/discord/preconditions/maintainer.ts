/**
 * Maintainers only: members with Manage Server, or a user or role listed in MAINTAINER_USER_IDS /
 * MAINTAINER_ROLE_IDS. Never in DMs (there is no server to maintain there).
 */
import { PermissionFlagsBits } from 'discord.js';
import type { Actor, Precondition } from './types.js';
import type { DiscordConfig } from '../../core/config.js';

/** Whether an actor may run maintainer commands. */
export function isMaintainer(actor: Actor, config: Pick<DiscordConfig, 'maintainerRoleIds' | 'maintainerUserIds'>): boolean {
  if (actor.guildId === undefined) return false;
  if (actor.permissions?.has(PermissionFlagsBits.ManageGuild) === true) return true;
  if (config.maintainerUserIds.includes(actor.userId)) return true;
  return actor.roleIds.some((role) => config.maintainerRoleIds.includes(role));
}

export const maintainerOnly: Precondition = {
  name: 'maintainer',
  run(actor, ctx) {
    if (actor.guildId === undefined) return { ok: false, message: 'This command can only be used in a server.' };
    if (isMaintainer(actor, ctx.config)) return { ok: true };
    return { ok: false, message: 'Only members with **Manage Server** or a maintainer role can do that.' };
  },
};
