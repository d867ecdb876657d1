/**
 * Preconditions (in the manner of Sapphire's): small checks a command declares and that run, in
 * order, before it. Each looks at who is acting and where, and either lets the command run or gives
 * the message to show (ephemerally) instead. They work on an `Actor`, so that slash commands and
 * @mentions share them.
 */
import type { BaseInteraction, Message } from 'discord.js';
import type { Actor, BotContext, Precondition } from '../context.js';

export type { Actor, Precondition, PreconditionResult } from '../context.js';

/** Runs preconditions in order; the first refusal wins. */
export function runPreconditions(
  preconditions: readonly Precondition[],
  actor: Actor,
  ctx: BotContext,
): { ok: true } | { ok: false; message: string; precondition: string } {
  for (const precondition of preconditions) {
    const result = precondition.run(actor, ctx);
    if (!result.ok) return { ok: false, message: result.message, precondition: precondition.name };
  }
  return { ok: true };
}

/** The actor of an interaction of any kind (slash command, autocomplete, button). */
export function actorOfInteraction(interaction: Pick<BaseInteraction, 'user' | 'guildId' | 'member' | 'memberPermissions'>): Actor {
  const member = interaction.member;
  let roleIds: readonly string[] = [];
  if (member) roleIds = Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return {
    userId: interaction.user.id,
    guildId: interaction.guildId ?? undefined,
    roleIds,
    permissions: interaction.memberPermissions ?? undefined,
  };
}

/** The actor of a message (permissions are not needed for questions and are left out). */
export function actorOfMessage(message: Message): Actor {
  return {
    userId: message.author.id,
    guildId: message.guildId ?? undefined,
    roleIds: message.member ? [...message.member.roles.cache.keys()] : [],
    permissions: undefined,
  };
}
