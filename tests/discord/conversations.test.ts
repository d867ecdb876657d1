/** The bot's memory of its conversations (src/discord/conversations.ts): bounded, least recently used forgotten first. */
import { describe, expect, it } from 'vitest';
import type { EarlierTurn } from '../../src/answer/follow-up.js';
import { ConversationMemory, MAX_TURNS } from '../../src/discord/conversations.js';

const turn = (question: string): EarlierTurn => ({ question, articleIds: ['004_dc90a5985b6e19d6'] });

describe('ConversationMemory', () => {
  it('remembers a conversation under each message and thread it was answered in', () => {
    const memory = new ConversationMemory(10);
    const turns = [turn('What did Kirill Dmitriev say about the meeting?')];
    memory.remember(['m1', 't1'], turns);
    expect(memory.get('m1')).toEqual(turns);
    expect(memory.get('t1')).toEqual(turns);
    expect(memory.get('m2')).toBeUndefined();
    // A later answer in the thread moves the thread on; the earlier answer keeps its own conversation.
    const longer = [...turns, turn('And who is he?')];
    memory.remember(['m2', 't1'], longer);
    expect(memory.get('t1')).toEqual(longer);
    expect(memory.get('m1')).toEqual(turns);
  });

  it('keeps at most the given number of conversations, forgetting the least recently used', () => {
    const memory = new ConversationMemory(3);
    memory.remember(['a'], [turn('a')]);
    memory.remember(['b'], [turn('b')]);
    memory.remember(['c'], [turn('c')]);
    expect(memory.get('a')).toBeDefined(); // a is now the most recently used
    memory.remember(['d'], [turn('d')]);
    expect(memory.size).toBe(3);
    expect(memory.has('b')).toBe(false);
    expect(['a', 'c', 'd'].every((key) => memory.has(key))).toBe(true);
  });

  it('keeps the latest MAX_TURNS questions of a conversation', () => {
    const memory = new ConversationMemory();
    const many = Array.from({ length: MAX_TURNS + 3 }, (_, i) => turn(`question ${i}`));
    memory.remember(['m'], many);
    expect(memory.get('m')).toEqual(many.slice(-MAX_TURNS));
  });
});
