import { describe, expect, it } from 'vitest';
import { STRENGTH_LABELS, searchedQuestion, withoutListLead } from '../../src/answer/strength-labels.js';
import type { Answer, AnswerStrength, NearestPassage, Quote, SourceRef } from '../../src/answer/types.js';
import { ANSWER_SEPARATOR, renderAnswer, renderQuestionAndAnswer } from '../../src/cli/render-answer.js';

const source = (n: number, overrides: Partial<SourceRef> = {}): SourceRef => ({
  n,
  id: `00${n}_article`,
  title: `Article number ${n}`,
  path: `00${n}_article.txt`,
  ...overrides,
});

const quote = (text: string, n: number): Quote => ({ text, source: n, articleId: `00${n}_article`, start: 0, end: text.length, score: 0.8 });

const passage = (text: string, n: number): NearestPassage => ({ text, source: n, articleId: `00${n}_article`, start: 0, end: text.length });

const base = {
  confidence: 0.8,
  timings: { totalMs: 42, embedMs: 20, searchMs: 10, selectMs: 12 },
  index: { generation: 'gen-000001', builtAt: '2025-01-01T00:00:00.000Z' },
};

const answered = (overrides: Partial<Answer> = {}): Answer => ({
  question: 'What did the Kremlin say?',
  answered: true,
  quotes: [quote('The Kremlin said the meeting was useful.', 1), quote('The envoy met Putin in Moscow.', 2)],
  sources: [source(1, { outlet: 'NDTV', published: '2025-08-06', url: 'https://example.com/1' }), source(2)],
  ...base,
  ...overrides,
});

const NOT_IN_CORPUS = 'The articles do not answer that. These are the nearest sources:';
const TOO_VAGUE =
  'That question does not say what to look for. Ask about something specific in the articles: a person, a place, an event or a claim, for example "Who said what about whom, and when?" These are some of the articles:';

const refused = (overrides: Partial<Answer> = {}, refusal: Partial<NonNullable<Answer['refusal']>> = {}): Answer => ({
  question: 'Who painted the Mona Lisa?',
  answered: false,
  quotes: [],
  sources: [source(1), source(2)],
  refusal: { reason: 'not-in-corpus', message: NOT_IN_CORPUS, ...refusal },
  ...base,
  confidence: 0.2,
  timings: { totalMs: 30, embedMs: 20, searchMs: 5, selectMs: 5 },
  ...overrides,
});

describe('renderAnswer (terminal): an answer', () => {
  it('prints the quotes and sources as before when there is no strength or correction', () => {
    expect(renderAnswer(answered())).toBe(
      [
        '“The Kremlin said the meeting was useful.” [1]',
        '',
        '“The envoy met Putin in Moscow.” [2]',
        '',
        'Sources:',
        '[1] Article number 1 — 001_article.txt (NDTV, 2025-08-06) <https://example.com/1>',
        '[2] Article number 2 — 002_article.txt',
        '',
        '(42 ms)',
        '',
      ].join('\n'),
    );
  });

  it.each(['direct', 'likely', 'partial'] as AnswerStrength[])('puts the %s label on its own line above the quotes', (strength) => {
    const out = renderAnswer(answered({ strength }));
    expect(out.startsWith(`${STRENGTH_LABELS[strength]}\n\n“The Kremlin said`)).toBe(true);
  });

  it('labels the strengths in distinct, plain words', () => {
    expect(STRENGTH_LABELS).toEqual({
      direct: 'Direct answer',
      likely: 'Likely answer',
      partial: 'Partial — may not answer the question',
    });
  });

  it('says what was searched for when question words were corrected', () => {
    const out = renderAnswer(
      answered({
        question: 'What did Trum say about Putn?',
        strength: 'likely',
        corrections: [
          { from: 'trum', to: 'trump' },
          { from: 'putn', to: 'putin' },
        ],
      }),
    );
    expect(out.startsWith('Likely answer\nSearched for: What did Trump say about Putin? (spelling: trum → trump, putn → putin)\n\n“')).toBe(true);
    expect(out).toContain('Sources:\n[1] Article number 1');
  });
});

describe('renderAnswer (terminal): a refusal', () => {
  it('prints the message and then the nearest sources, as before, when there are no nearest passages', () => {
    expect(renderAnswer(refused())).toBe(
      [NOT_IN_CORPUS, '[1] Article number 1 — 001_article.txt', '[2] Article number 2 — 002_article.txt', '', '(30 ms)', ''].join('\n'),
    );
  });

  it('does not promise sources it does not list', () => {
    expect(renderAnswer(refused({ sources: [] }))).toBe(['The articles do not answer that.', '', '(30 ms)', ''].join('\n'));
  });

  it('shows the nearest passages under a heading saying they do not answer, indented, then the sources', () => {
    const out = renderAnswer(
      refused({}, { nearest: [passage('The Louvre reopened on Monday.', 2), passage('Crowds queued.\n\nThe museum said it was full.', 1)] }),
    );
    expect(out).toBe(
      [
        'The articles do not answer that.',
        '',
        'Closest passages (they do not answer your question):',
        '  “The Louvre reopened on Monday.” [2]',
        '  “Crowds queued.',
        '   The museum said it was full.” [1]',
        '',
        'Nearest sources:',
        '[1] Article number 1 — 001_article.txt',
        '[2] Article number 2 — 002_article.txt',
        '',
        '(30 ms)',
        '',
      ].join('\n'),
    );
    // Nothing reads as an answer: no quote starts a line, and there is no "Sources:" answer list.
    expect(out).not.toMatch(/^“/m);
    expect(out).not.toMatch(/^Sources:/m);
  });

  it('shows the spelling corrections in a refusal too', () => {
    const out = renderAnswer(refused({ question: 'Who is Zelensky?', corrections: [{ from: 'Zelensky', to: 'zelenskyy' }] }));
    expect(out).toContain('The articles do not answer that.\nSearched for: Who is Zelenskyy? (spelling: Zelensky → zelenskyy)\n\nNearest sources:\n[1]');
  });

  it('answers a too-vague question with its message and the articles under "The articles cover:"', () => {
    const out = renderAnswer(
      refused({ question: 'what happened?', sources: [source(1), source(2), source(3)] }, { reason: 'too-vague', message: TOO_VAGUE }),
    );
    expect(out).toBe(
      [
        'That question does not say what to look for. Ask about something specific in the articles: a person, a place, an event or a claim, for example "Who said what about whom, and when?"',
        '',
        'The articles cover:',
        '[1] Article number 1 — 001_article.txt',
        '[2] Article number 2 — 002_article.txt',
        '[3] Article number 3 — 003_article.txt',
        '',
        '(30 ms)',
        '',
      ].join('\n'),
    );
  });

  it('prints an empty-question refusal as its message alone', () => {
    const message = 'Ask a question about the articles, for example: "What did the Kremlin say about a meeting?"';
    expect(renderAnswer(refused({ question: '', sources: [] }, { reason: 'empty', message }))).toBe(`${message}\n\n(30 ms)\n`);
  });
});

describe('the shared wording helpers', () => {
  it('replaces corrected words only as whole words, keeping a capital', () => {
    expect(searchedQuestion('Did Trum meet trum? Trumpet trums', [{ from: 'trum', to: 'trump' }])).toBe('Did Trump meet trump? Trumpet trums');
    // Corrections are matched literally, never as patterns.
    expect(searchedQuestion('a $5 (x) deal', [{ from: '(x)', to: 'y' }])).toBe('a $5 y deal');
    expect(searchedQuestion('a b c', [{ from: '.', to: 'z' }])).toBe('a b c');
    expect(searchedQuestion('what about kyiv', [{ from: 'kyiv', to: '$& kiev' }])).toBe('what about $& kiev');
  });

  it('drops only a closing sentence that introduces a list', () => {
    expect(withoutListLead(NOT_IN_CORPUS)).toBe('The articles do not answer that.');
    expect(withoutListLead('Nothing matched. Try: names.')).toBe('Nothing matched. Try: names.');
    expect(withoutListLead('These are the nearest sources:')).toBe('These are the nearest sources:');
  });
});

describe('renderAnswer (terminal): untrusted text cannot drive the terminal', () => {
  // Clear screen, colours, a window title (OSC 0), the clipboard (OSC 52), a C1 CSI, a bidi override, CR and a newline.
  const EVIL = 'A\x1b[2J\x1b[31mred\x1b[0m\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\u009b2J\u202eevil.txt\r[1] forged\nline';
  /** Raw controls, other than the newlines that end the CLI's own lines. */
  // eslint-disable-next-line no-control-regex -- control characters are what it is about
  const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

  it('escapes control and bidi characters in quotes, titles, paths, outlets and URLs, and forges no lines', () => {
    const plain = renderAnswer(answered());
    const evil = renderAnswer(
      answered({
        quotes: [quote(`He said ${EVIL}`, 1)],
        sources: [source(1, { title: EVIL, path: `dir/${EVIL}.txt`, outlet: EVIL, url: `https://example.com/${EVIL}` })],
      }),
    );
    expect(evil).not.toMatch(RAW);
    expect(evil).toContain('\\x1b[2J');
    expect(evil).toContain('\\u202e');
    expect(evil).toContain('\\x9b');
    // As many lines as the same answer with one quote and one source of plain text.
    const plainOne = renderAnswer(answered({ quotes: [quote('q', 1)], sources: [source(1, { outlet: 'o', url: 'https://e.com' })] }));
    expect(evil.split('\n')).toHaveLength(plainOne.split('\n').length);
    expect(plain).not.toMatch(RAW);
    // A newline in a path is shown as \n; in a quote or title it is a space.
    expect(evil).toMatch(/— dir\/A\\x1b.*\\r\[1\] forged\\nline\.txt/);
    expect(evil).toMatch(/^“He said A\\x1b\[2J.* forged line” \[1\]$/m);
  });

  it('escapes them in nearest passages and the searched-for line of a refusal', () => {
    const out = renderAnswer(
      refused(
        { question: `Who is trum ${EVIL}?`, corrections: [{ from: 'trum', to: 'trump' }], sources: [source(1, { title: EVIL })] },
        { nearest: [passage(`First ${EVIL}\n\nSecond line`, 1)] },
      ),
    );
    expect(out).not.toMatch(RAW);
    expect(out).toContain('Searched for: Who is trump A\\x1b[2J');
  });
});

describe('renderQuestionAndAnswer (questions read from stdin with --text)', () => {
  it('puts each answer under its question, with a separator line between answers', () => {
    const first = renderQuestionAndAnswer(answered(), true);
    const second = renderQuestionAndAnswer(refused(), false);
    expect(first).toBe(`Q: What did the Kremlin say?\n\n${renderAnswer(answered())}`);
    expect(second).toBe(`${ANSWER_SEPARATOR}\nQ: Who painted the Mona Lisa?\n\n${renderAnswer(refused())}`);
    // The separator is a line of its own that no rendered answer line can be.
    expect((first + second).split('\n').filter((line) => line === ANSWER_SEPARATOR)).toHaveLength(1);
  });

  it('prints the question on one line, escaped', () => {
    const out = renderQuestionAndAnswer(answered({ question: 'Who\nforged\x1b[2J this?' }), true);
    expect(out.split('\n')[0]).toBe('Q: Who forged\\x1b[2J this?');
  });
});
