import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/cli/index-command.js';
import { forTerminal, oneLine, terminalSafeJson } from '../../src/cli/terminal-text.js';
import type { BuildSummary } from '../../src/index/build.js';

// eslint-disable-next-line no-control-regex -- control characters are what it is about
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

describe('forTerminal', () => {
  it('shows C0, DEL, C1, separators and bidi controls as escapes, and leaves other text alone', () => {
    expect(forTerminal('a\x1b[2Jb')).toBe('a\\x1b[2Jb');
    expect(forTerminal('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(forTerminal('\x00\x07\x7f\u0085\u009b')).toBe('\\x00\\x07\\x7f\\x85\\x9b');
    expect(forTerminal('\u202etxt.exe \u2066x\u2069 \u200f \u061c \u2028')).toBe('\\u202etxt.exe \\u2066x\\u2069 \\u200f \\u061c \\u2028');
    expect(forTerminal('Café — “quotes”, 日本語, emoji 🎉')).toBe('Café — “quotes”, 日本語, emoji 🎉');
  });

  it('oneLine turns whitespace runs, newlines included, into one space first', () => {
    expect(oneLine('  a\r\n\tb \u2028 c\x1b ')).toBe('a b c\\x1b');
  });
});

describe('terminalSafeJson', () => {
  it('escapes what JSON.stringify leaves raw, and parses back to the same value', () => {
    const value = { title: 'a\x1b[2J\u202e\u009b\u2028b\x7f', n: [1, 'x\ny'] };
    const json = terminalSafeJson(value);
    expect(json).not.toMatch(RAW);
    expect(JSON.parse(json)).toEqual(value);
    expect(json).toContain('\\u202e');
  });
});

describe('formatSummary (npm run index)', () => {
  it('escapes the paths and messages of corpus warnings and the index directory', () => {
    const summary = {
      warnings: [{ path: 'evil\n\u202etxt.md', message: 'could not read \x1b]0;pwned\x07 the title' }],
      fullReason: undefined,
      written: true,
      added: [],
      changed: [],
      removed: [],
      unchanged: [],
      counts: { articles: 0, chunks: 0, sentences: 0 },
      embedded: { chunks: 0, sentences: 0 },
      ms: 1,
    } as unknown as BuildSummary;
    const out = formatSummary(summary, '/tmp/idx\x1b[2J');
    expect(out).not.toMatch(RAW);
    expect(out.split('\n')[0]).toBe('warning: evil\\n\\u202etxt.md: could not read \\x1b]0;pwned\\x07 the title');
    expect(out).toContain('Index written to /tmp/idx\\x1b[2J');
  });
});
