/**
 * Follow-up questions read with the earlier question of the conversation (src/answer/follow-up.ts),
 * on the seed corpus's questions (../shared/eval/dev-questions.json asks the first of each pair).
 */
import { describe, expect, it } from 'vitest';
import { contentWords, keyWords, namesIn, resolveFollowUp, type EarlierTurn } from '../../src/answer/follow-up.js';

const DMITRIEV: EarlierTurn = { question: 'What did Kirill Dmitriev say about the meeting?', articleIds: ['004_dc90a5985b6e19d6', '000_ba3a1d287da7a63e'] };
const WITKOFF: EarlierTurn = { question: 'How did Trump describe the talks Witkoff held with Putin?', articleIds: ['004_dc90a5985b6e19d6'] };
const POMPEO: EarlierTurn = { question: 'Who was Mike Pompeo?', articleIds: ['002_bb33988446a060da'] };
const KREMLIN_WHEN: EarlierTurn = { question: 'When could the Putin-Trump meeting take place, according to the Kremlin?', articleIds: ['004_dc90a5985b6e19d6'] };

describe('names and content words', () => {
  it('finds the names a question mentions, not its question word', () => {
    expect(namesIn(DMITRIEV.question)).toEqual(['Kirill Dmitriev']);
    expect(namesIn(WITKOFF.question)).toEqual(['Trump', 'Witkoff', 'Putin']);
    expect(namesIn(KREMLIN_WHEN.question)).toEqual(['Putin Trump', 'Kremlin']);
    expect(namesIn('Who was Mike Pompeo?')).toEqual(['Mike Pompeo']);
    expect(namesIn('what did they say?')).toEqual([]);
  });

  it('takes the topic words of an earlier question, or its names when it has nothing else', () => {
    expect(keyWords(DMITRIEV.question)).toEqual(['meeting']);
    expect(keyWords(POMPEO.question)).toEqual(['Mike', 'Pompeo']);
  });

  it('keeps the words that say what a question is about', () => {
    expect(contentWords(DMITRIEV.question)).toEqual(['Kirill', 'Dmitriev', 'meeting']);
    expect(contentWords('And who is he?')).toEqual([]);
    expect(contentWords('what did the Kremlin say about that?')).toEqual(['Kremlin']);
  });
});

describe('resolveFollowUp', () => {
  it('replaces a personal pronoun with the person the earlier question named', () => {
    expect(resolveFollowUp('And who is he?', [DMITRIEV])).toEqual({
      search: 'Who is Kirill Dmitriev?',
      reading: 'pronoun',
      preferArticles: DMITRIEV.articleIds,
    });
    expect(resolveFollowUp('What did he say about the ceasefire?', [WITKOFF]).search).toBe('What did Trump say about the ceasefire?');
    expect(resolveFollowUp('What was his role?', [POMPEO]).search).toBe('What was Mike Pompeo’s role?');
    expect(resolveFollowUp('What did they agree on?', [WITKOFF]).search).toBe('What did Trump, Witkoff and Putin agree on?');
    // The name says who: nothing else is added.
    expect(resolveFollowUp('And who is he?', [WITKOFF]).search).toBe('Who is Trump?');
  });

  it('does not put back a name the follow-up already has', () => {
    // "him" is not Putin, who is named in the follow-up: the next name is.
    expect(resolveFollowUp('What did Putin tell him?', [WITKOFF]).search).toBe('What did Putin tell Trump?');
  });

  it('fills in a follow-up with too few words of its own from the earlier question', () => {
    const when = resolveFollowUp('when?', [DMITRIEV]);
    expect(when).toEqual({ search: 'When meeting?', reading: 'ellipsis', preferArticles: DMITRIEV.articleIds });
    expect(resolveFollowUp('Where?', [KREMLIN_WHEN]).search).toBe('Where meeting take place according?');
    // Only names: they are the topic.
    expect(resolveFollowUp('when?', [POMPEO]).search).toBe('When Mike Pompeo?');
    expect(resolveFollowUp('And why?', [{ question: 'What could happen if the negotiations break down?', articleIds: [] }]).search).toBe(
      'Why negotiations break?',
    );
  });

  it('puts the earlier topic in place of a "that" or "it" pointing back at it', () => {
    expect(resolveFollowUp('what did the Kremlin say about that?', [DMITRIEV]).search).toBe('what did the Kremlin say about meeting?');
    const it = resolveFollowUp('When will it happen?', [DMITRIEV]);
    expect(it.reading).toBe('ellipsis');
    expect(it.search).toBe('When will it happen meeting?');
  });

  it('answers a follow-up that names its own subject as it stands', () => {
    for (const question of ['What did Trump say about the Witkoff talks?', 'Who was Mike Pompeo?', 'How does Putin say he prefers to reach Russia’s goals?']) {
      expect(resolveFollowUp(question, [DMITRIEV])).toEqual({ search: question, reading: 'own-subject', preferArticles: [] });
    }
    // "that" as a conjunction is not a pointer.
    const claim = 'Did Trump say that the talks with Witkoff were productive?';
    expect(resolveFollowUp(claim, [DMITRIEV]).reading).toBe('own-subject');
  });

  it('reads the latest turn, through what it searched', () => {
    const followUp: EarlierTurn = { question: 'And who is he?', searched: 'Who is Kirill Dmitriev?', articleIds: ['004_dc90a5985b6e19d6'] };
    const next = resolveFollowUp('What did he say about it?', [DMITRIEV, followUp]);
    expect(next.search).toContain('Kirill Dmitriev');
    expect(next.preferArticles).toEqual(['004_dc90a5985b6e19d6']);
  });

  it('is the question as it stands without an earlier one', () => {
    expect(resolveFollowUp('And who is he?', [])).toEqual({ search: 'And who is he?', reading: 'first', preferArticles: [] });
  });

  it('leaves a pronoun alone when the earlier question named nobody', () => {
    const earlier: EarlierTurn = { question: 'What could happen if the negotiations break down?', articleIds: ['002_bb33988446a060da'] };
    const result = resolveFollowUp('What did he say?', [earlier]);
    // Nobody to put in for "he"; the earlier key words fill in instead.
    expect(result.search).toBe('What did he say negotiations break?');
    expect(result.reading).toBe('ellipsis');
  });
});
