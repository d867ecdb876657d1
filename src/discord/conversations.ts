/**
 * What the bot remembers of its conversations, for follow-ups: per answer message it sent (and per
 * thread it answers in), the questions of that conversation and the articles each answer cited. A
 * reply to one of those answers, or a message in such a thread, is read with them (see
 * src/answer/follow-up.ts).
 *
 * Memory only, bounded: the most recently used MAX_CONVERSATIONS keys are kept (least recently used
 * forgotten first), each with at most MAX_TURNS questions. Nothing is written to disk: after a restart
 * a follow-up to an earlier answer is answered as it stands.
 */
import type { EarlierTurn } from '../answer/follow-up.js';

/** How many answer messages and threads are remembered. */
export const MAX_CONVERSATIONS = 1000;

/** How many questions of one conversation are kept (the latest). */
export const MAX_TURNS = 5;

export class ConversationMemory {
  private readonly turns = new Map<string, readonly EarlierTurn[]>();

  constructor(private readonly maxConversations: number = MAX_CONVERSATIONS) {}

  /** Keys (messages and threads) remembered. */
  get size(): number {
    return this.turns.size;
  }

  /** The conversation up to the answer `key` (a message or thread id), oldest question first. */
  get(key: string): readonly EarlierTurn[] | undefined {
    const found = this.turns.get(key);
    if (found === undefined) return undefined;
    // Used again: it becomes the most recent.
    this.turns.delete(key);
    this.turns.set(key, found);
    return found;
  }

  has(key: string): boolean {
    return this.turns.has(key);
  }

  /** Remembers the conversation `turns` (oldest first) under each key, forgetting the least recently used beyond the bound. */
  remember(keys: readonly string[], turns: readonly EarlierTurn[]): void {
    const kept = turns.slice(-MAX_TURNS);
    for (const key of keys) {
      this.turns.delete(key);
      this.turns.set(key, kept);
    }
    while (this.turns.size > this.maxConversations) {
      const oldest = this.turns.keys().next().value;
      if (oldest === undefined) break;
      this.turns.delete(oldest);
    }
  }
}
