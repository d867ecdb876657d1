/**
 * The cooldown precondition: passing it starts the person's COOLDOWN_SECONDS (see cooldowns.ts); a
 * question that is then not answered gives it back with `refund`.
 */
import { cooldownMessage } from '../render/notices.js';
import type { Precondition } from './types.js';

export { CooldownTracker } from '../cooldowns.js';

export const cooldown: Precondition = {
  name: 'cooldown',
  run(actor, ctx) {
    const left = ctx.cooldowns.take(actor.userId, ctx.settings.for(actor.guildId).cooldownSeconds);
    return left > 0 ? { ok: false, message: cooldownMessage(left) } : { ok: true };
  },
};
