/**
 * COOLDOWN_SECONDS between one person's questions. Passing the precondition starts the person's
 * cooldown; a question that is then not answered (the bot was busy) gives it back with `refund`.
 */
import { cooldownMessage } from '../render/notices.js';
import type { Precondition } from './types.js';

/** When each user may ask next. */
export class CooldownTracker {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly seconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the user's cooldown and returns 0, or returns the seconds left if it is running. */
  take(userId: string): number {
    const now = this.now();
    const until = this.until.get(userId);
    if (until !== undefined && until > now) return (until - now) / 1000;
    if (this.seconds > 0) this.until.set(userId, now + this.seconds * 1000);
    this.prune(now);
    return 0;
  }

  /** Cancels the user's running cooldown (their question was not answered). */
  refund(userId: string): void {
    this.until.delete(userId);
  }

  private prune(now: number): void {
    if (this.until.size < 10_000) return;
    for (const [user, until] of this.until) if (until <= now) this.until.delete(user);
  }
}

export const cooldown: Precondition = {
  name: 'cooldown',
  run(actor, ctx) {
    const left = ctx.cooldowns.take(actor.userId);
    return left > 0 ? { ok: false, message: cooldownMessage(left) } : { ok: true };
  },
};
