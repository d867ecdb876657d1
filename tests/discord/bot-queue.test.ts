import { describe, expect, it, vi } from 'vitest';
import { CooldownTracker } from '../../src/discord/preconditions/cooldown.js';
import { isMaintainer } from '../../src/discord/preconditions/maintainer.js';
import { QuestionQueue } from '../../src/discord/question-queue.js';
import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('QuestionQueue', () => {
  it('runs at most `concurrency` at once, queues up to `maxQueued`, and refuses beyond', async () => {
    const queue = new QuestionQueue({ concurrency: 2, maxQueued: 1 });
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const tickets = [queue.reserve(), queue.reserve(), queue.reserve()];
    expect(tickets.every((t) => t !== undefined)).toBe(true);
    expect(queue.reserve()).toBeUndefined();
    const runs = tickets.map((ticket, i) =>
      ticket!.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await gates[i]!.promise;
        running--;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(queue.active).toBe(2);
    expect(queue.pending).toBe(1);
    gates[0]!.resolve();
    await runs[0];
    // The freed slot went to the waiting question, so the queue has one place again.
    expect(queue.active).toBe(2);
    expect(queue.pending).toBe(0);
    const extra = queue.reserve();
    expect(extra).toBeDefined();
    expect(queue.reserve()).toBeUndefined();
    extra!.cancel();
    gates[1]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(peak).toBe(2);
    expect(queue.active + queue.pending).toBe(0);
    expect(queue.reserve()).toBeDefined();
  });

  it('frees the place of a cancelled reservation and of a task that throws', async () => {
    const queue = new QuestionQueue({ concurrency: 1, maxQueued: 0 });
    const ticket = queue.reserve()!;
    expect(queue.reserve()).toBeUndefined();
    ticket.cancel();
    const failing = queue.reserve()!;
    await expect(failing.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(queue.reserve()).toBeDefined();
  });

  it('stops taking questions when closed and reports when it is idle', async () => {
    const queue = new QuestionQueue({ concurrency: 1, maxQueued: 5 });
    const gate = deferred();
    const run = queue.reserve()!.run(() => gate.promise);
    queue.close();
    expect(queue.reserve()).toBeUndefined();
    expect(await queue.idle(20)).toBe(false);
    gate.resolve();
    await run;
    expect(await queue.idle(20)).toBe(true);
  });
});

describe('CooldownTracker', () => {
  it('makes a user wait between questions, per user, and can refund', () => {
    let now = 1_000_000;
    const cooldowns = new CooldownTracker(10, () => now);
    expect(cooldowns.take('a')).toBe(0);
    expect(cooldowns.take('b')).toBe(0);
    now += 4000;
    expect(cooldowns.take('a')).toBeCloseTo(6);
    cooldowns.refund('a');
    expect(cooldowns.take('a')).toBe(0);
    now += 10_001;
    expect(cooldowns.take('b')).toBe(0);
  });

  it('forgets expired cooldowns as questions come in, and on prune()', () => {
    let now = 1_000_000;
    const cooldowns = new CooldownTracker(10, () => now);
    for (let i = 0; i < 500; i++) {
      cooldowns.take(`user-${i}`);
      now += 100;
    }
    // 50 s of questions, one every 0.1 s: only the last 10 s are still cooling down.
    expect(cooldowns.size).toBeLessThanOrEqual(101);
    expect(cooldowns.take('user-499')).toBeGreaterThan(0);
    now += 60_000;
    cooldowns.prune();
    expect(cooldowns.size).toBe(0);
    expect(cooldowns.take('user-499')).toBe(0);
    expect(cooldowns.size).toBe(1);
  });

  it('prunes on a timer that does not keep the process alive', () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const cooldowns = new CooldownTracker(1, () => now);
      cooldowns.take('a');
      const stop = cooldowns.pruneEvery(1000);
      now = 5000;
      vi.advanceTimersByTime(1000);
      expect(cooldowns.size).toBe(0);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('never blocks with a zero cooldown', () => {
    const cooldowns = new CooldownTracker(0);
    expect(cooldowns.take('a')).toBe(0);
    expect(cooldowns.take('a')).toBe(0);
  });
});

describe('isMaintainer', () => {
  const config = { maintainerRoleIds: ['200000000000000000'], maintainerUserIds: ['300000000000000000'] };
  const actor = (over: Partial<Parameters<typeof isMaintainer>[0]> = {}) => ({
    userId: '100000000000000000',
    guildId: '400000000000000000',
    roleIds: [],
    permissions: new PermissionsBitField(PermissionFlagsBits.SendMessages),
    ...over,
  });

  it('accepts Manage Server, a maintainer user or a maintainer role; refuses others and DMs', () => {
    expect(isMaintainer(actor(), config)).toBe(false);
    expect(isMaintainer(actor({ permissions: new PermissionsBitField(PermissionFlagsBits.ManageGuild) }), config)).toBe(true);
    expect(isMaintainer(actor({ userId: '300000000000000000' }), config)).toBe(true);
    expect(isMaintainer(actor({ roleIds: ['200000000000000000'] }), config)).toBe(true);
    expect(isMaintainer(actor({ guildId: undefined, userId: '300000000000000000' }), config)).toBe(false);
  });
});
