/**
 * COOLDOWN_SECONDS between one person's questions (or the server's own cooldown, see /settings): when
 * each user may ask next. Taking a cooldown starts it; a question that is then not answered (the bot
 * was busy) gives it back with `refund`.
 */

/**
 * When each user may ask next. Entries are kept in the order they were taken, which is the order they
 * expire while every cooldown is as long: expired ones are dropped from the front as questions come in;
 * `prune()` (the bot calls it on an unref'd timer) looks at them all, as servers may set other lengths.
 */
export class CooldownTracker {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly seconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Users whose cooldown is remembered (running, or expired and not yet pruned). */
  get size(): number {
    return this.until.size;
  }

  /**
   * Starts the user's cooldown (`seconds` long: the server's, else the default) and returns 0, or
   * returns the seconds left if it is running.
   */
  take(userId: string, seconds: number = this.seconds): number {
    const now = this.now();
    const until = this.until.get(userId);
    if (until !== undefined && until > now) return (until - now) / 1000;
    // Deleted first so that the new entry goes to the end: the map stays in order of expiry.
    this.until.delete(userId);
    this.dropExpired(now);
    if (seconds > 0) this.until.set(userId, now + seconds * 1000);
    return 0;
  }

  /** Cancels the user's running cooldown (their question was not answered). */
  refund(userId: string): void {
    this.until.delete(userId);
  }

  /** Forgets the cooldowns that have run out. */
  prune(now: number = this.now()): void {
    for (const [user, until] of this.until) if (until <= now) this.until.delete(user);
  }

  /** Forgets the run-out cooldowns at the front (cheap: stops at the first still running). */
  private dropExpired(now: number): void {
    for (const [user, until] of this.until) {
      if (until > now) break;
      this.until.delete(user);
    }
  }

  /** Prunes every `intervalMs` on a timer that does not keep the process alive; returns its stopper. */
  pruneEvery(intervalMs: number): () => void {
    const timer = setInterval(() => this.prune(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
