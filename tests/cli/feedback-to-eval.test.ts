/**
 * `--from-feedback`: the conversion of the bot's feedback file into evaluation items, on a file like
 * the bot writes (quotes as the engine gives them over the seed corpus, details after 👎, lines of
 * older versions, a damaged line).
 */
import { describe, expect, it } from 'vitest';
import { evalQuestionSchema } from '../../src/cli/eval-questions.js';
import { distinctivePhrase, documentFrequencies, feedbackToEval, formatConversionReport, formatEvalFile } from '../../src/cli/feedback-to-eval.js';
import type { FeedbackDetailRecord, FeedbackRecord } from '../../src/discord/feedback.js';

const TRUMP_Q = 'How did Trump describe the talks Witkoff held with Putin?';
const TRUMP_QUOTES = [
  {
    source: 1,
    articleId: '004_dc90a5985b6e19d6',
    start: 803,
    end: 1073,
    text: 'On Wednesday, US special envoy Steve Witkoff met with Putin in Moscow for discussions that Trump later characterized as unexpectedly productive. The meeting came just days before the deadline Trump set for Russia to agree to a ceasefire in Ukraine or face new sanctions.',
  },
  {
    source: 1,
    articleId: '004_dc90a5985b6e19d6',
    start: 281,
    end: 445,
    text: 'Kirill Dmitriev, a close economic adviser to Putin and a key figure in efforts to improve US-Russia relations, described the planned summit as potentially historic.',
  },
];
const BREAKDOWN_Q = 'What could happen if the negotiations break down?';
const BREAKDOWN_QUOTES = [
  { source: 1, articleId: '002_bb33988446a060da', start: 6088, end: 6187, text: 'On the flip side, if negotiations break down, it could lead to increased tension and even conflict.' },
  {
    source: 1,
    articleId: '002_bb33988446a060da',
    start: 5877,
    end: 6087,
    text: 'If Russia and the U.S. can find common ground, it could lead to increased stability in global markets. Investors love predictability, and when two major powers are getting along, it makes them feel more secure.',
  },
  { source: 1, articleId: '002_bb33988446a060da', start: 6188, end: 6247, text: 'That’s why the world pays so much attention to these talks.' },
];
const POMPEO_QUOTES = [{ source: 1, articleId: '002_bb33988446a060da', start: 3216, end: 3256, text: 'Mike PompeoFormer Secretary of StateU.S.' }];
const MONA_SOURCES = ['002_bb33988446a060da', '004_dc90a5985b6e19d6', '001_d0fa2f8654ce3dfa'];

let clock = 0;
function vote(answerId: string, user: string, v: 'up' | 'down', question: string, answer: Partial<FeedbackRecord> = {}): FeedbackRecord {
  clock++;
  return { time: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(), answerId, vote: v, user, question, sources: [], ...answer };
}
function detail(answerId: string, user: string, d: FeedbackDetailRecord['detail'], quote?: number): FeedbackDetailRecord {
  clock++;
  return { time: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(), answerId, user, detail: d, ...(quote !== undefined ? { quote } : {}) };
}
const trump = { answered: true, sources: ['004_dc90a5985b6e19d6'], quotes: TRUMP_QUOTES };
const breakdown = { answered: true, sources: ['002_bb33988446a060da'], quotes: BREAKDOWN_QUOTES };
const pompeo = { answered: true, sources: ['002_bb33988446a060da'], quotes: POMPEO_QUOTES };
const mona = { answered: false, sources: MONA_SOURCES, quotes: [] };

/** A feedback file as the bot would have written it over a few days. */
function realisticFile(): string {
  const lines: unknown[] = [
    // An older version's line: no answer kept.
    { time: '2025-12-01T10:00:00.000Z', answerId: 'old1', vote: 'up', user: 'u0', question: 'Who is Kirill Dmitriev?', sources: ['004_dc90a5985b6e19d6'] },
    // Three like the Trump answer (two on the same answer, one on another answer to the same question
    // written differently); one dislikes it without saying why.
    vote('a1', 'u1', 'up', TRUMP_Q, trump),
    vote('a1', 'u2', 'up', TRUMP_Q, trump),
    vote('a1', 'u1', 'down', TRUMP_Q, trump), // a second vote by u1 on a1: the first counts
    vote('a2', 'u3', 'up', `  how did trump describe the talks Witkoff held with Putin?`, trump),
    vote('a2', 'u4', 'down', TRUMP_Q, trump),
    // The breakdown answer: two say its second quote was wrong, one likes it.
    vote('b1', 'u1', 'down', BREAKDOWN_Q, breakdown),
    detail('b1', 'u1', 'wrong-quote', 2),
    detail('b1', 'u1', 'wrong-quote', 2),
    vote('b1', 'u2', 'down', BREAKDOWN_Q, breakdown),
    detail('b1', 'u2', 'wrong-quote', 2),
    vote('b1', 'u3', 'up', BREAKDOWN_Q, breakdown),
    // Pompeo: the corpus has only his name in a caption; "should have declined".
    vote('p1', 'u5', 'down', 'Who was Mike Pompeo?', pompeo),
    detail('p1', 'u5', 'should-decline'),
    // A correct refusal, liked.
    vote('m1', 'u1', 'up', 'Who painted the Mona Lisa?', mona),
    // A refusal disliked: the right article is not known.
    vote('r1', 'u2', 'down', 'What did Ushakov say about the venue?', { answered: false, sources: ['004_dc90a5985b6e19d6'], quotes: [] }),
    // A tie.
    vote('t1', 'u1', 'up', 'When could the meeting take place?', trump),
    vote('t1', 'u2', 'down', 'When could the meeting take place?', trump),
    // 👎 without a detail.
    vote('n1', 'u6', 'down', 'Who met Putin in Moscow?', trump),
    // A detail whose vote is not in the file, and a damaged line.
    detail('zz', 'u9', 'wrong-quote', 1),
  ];
  return `${lines.map((line) => JSON.stringify(line)).join('\n')}\n{"time": "2026-01-02T00:00:00.000Z", "answerId": "cut\n`;
}

describe('feedbackToEval', () => {
  const conversion = feedbackToEval(realisticFile());

  it('keeps what the votes say, each question once, sorted by question', () => {
    expect(conversion.items.map((i) => i.q)).toEqual(['How did Trump describe the talks Witkoff held with Putin?', 'What could happen if the negotiations break down?', 'Who painted the Mona Lisa?', 'Who was Mike Pompeo?']);
    const [trumpItem, breakdownItem, monaItem, pompeoItem] = conversion.items;
    // 3 up against 1 down (u1's second vote on a1 does not count): the cited article, with a few
    // words of the first quote — not the whole sentence, and not just the question's own words.
    expect(trumpItem).toMatchObject({ source: '004_dc90a5985b6e19d6', note: 'from feedback: 3 up, 1 down' });
    expect(trumpItem!.expect).toHaveLength(1);
    const phrase = trumpItem!.expect![0]!;
    expect(TRUMP_QUOTES[0]!.text).toContain(phrase);
    expect(phrase.split(' ').length).toBeLessThanOrEqual(5);
    expect(phrase).toContain('unexpectedly productive');
    // 2 down naming quote 2 against 1 up: that quote's words must not be quoted again; no source.
    expect(breakdownItem!.source).toBeUndefined();
    expect(breakdownItem!.wrongPhrases).toHaveLength(1);
    expect(BREAKDOWN_QUOTES[1]!.text).toContain(breakdownItem!.wrongPhrases![0]);
    expect(BREAKDOWN_QUOTES[0]!.text).not.toContain(breakdownItem!.wrongPhrases![0]);
    expect(breakdownItem!.note).toContain('2 named wrong quotes (from 002_bb33988446a060da)');
    expect(monaItem).toMatchObject({ source: null, expect: [] });
    expect(pompeoItem).toMatchObject({ source: null, expect: [] });
    expect(pompeoItem!.note).toContain('should have declined');
    for (const item of conversion.items) expect(evalQuestionSchema.safeParse(item).success).toBe(true);
  });

  it('lists what it left out and why; counts the lines it could not use', () => {
    expect(conversion.leftOut).toEqual([
      { q: 'What did Ushakov say about the venue?', why: expect.stringContaining('👎 on a refusal') as string },
      { q: 'When could the meeting take place?', why: 'tie (1 up, 1 down)' },
      { q: 'Who is Kirill Dmitriev?', why: expect.stringContaining('before the bot kept its answers') as string },
      { q: 'Who met Putin in Moscow?', why: expect.stringContaining('without saying what was wrong') as string },
    ]);
    // The damaged last line and the detail without its vote.
    expect(conversion.skippedLines).toBe(2);
    const report = formatConversionReport(conversion);
    expect(report).toContain('kept 4 question(s): 1 with a source, 2 to decline, 1 with wrong quotes only');
    expect(report).toContain('When could the meeting take place? — tie (1 up, 1 down)');
  });

  it('gives the same file whatever the order of the lines', () => {
    const lines = realisticFile().trim().split('\n');
    const reversed = feedbackToEval([...lines].reverse().join('\n'));
    // Votes keep their own times, so "latest vote per voter" does not depend on the order either.
    expect(formatEvalFile(reversed.items)).toBe(formatEvalFile(conversion.items));
  });

  it('writes one item a line, as JSON that reads back', () => {
    const text = formatEvalFile(conversion.items);
    expect(text.split('\n')).toHaveLength(conversion.items.length + 3);
    expect(JSON.parse(text)).toEqual(conversion.items);
    expect(formatEvalFile([])).toBe('[]\n');
  });

  it('counts each voter once per question: their latest vote', () => {
    const text = [vote('x1', 'u1', 'down', 'Q?', trump), detail('x1', 'u1', 'should-decline'), vote('x2', 'u1', 'up', 'Q?', trump)].map((l) => JSON.stringify(l)).join('\n');
    expect(feedbackToEval(text).items).toEqual([expect.objectContaining({ q: 'Q?', source: '004_dc90a5985b6e19d6', note: 'from feedback: 1 up, 0 down' })]);
  });
});

describe('distinctivePhrase', () => {
  const none = documentFrequencies([]);
  it('takes a few words unbroken by punctuation, preferring words the question does not have', () => {
    expect(distinctivePhrase('Mike PompeoFormer Secretary of StateU.S.', 'Who was Mike Pompeo?', none, 3)).toBe('PompeoFormer Secretary of StateU.S');
    expect(distinctivePhrase('Yes.', 'q', none, 3)).toBe('Yes');
    expect(distinctivePhrase('It is.', 'q', none, 3)).toBe('');
    const phrase = distinctivePhrase(BREAKDOWN_QUOTES[0]!.text, BREAKDOWN_Q, none, 3);
    expect(phrase).toBe('increased tension and even conflict');
  });
});
