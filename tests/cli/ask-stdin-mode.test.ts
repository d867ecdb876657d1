import { describe, expect, it } from 'vitest';
import { stdinMode } from '../../src/cli/ask-command.js';

describe('ask with no question: how stdin is read', () => {
  it('writes JSONL from a pipe or file unless --text is given, as the README says', () => {
    expect(stdinMode({}, false)).toBe('jsonl');
    expect(stdinMode({ json: true }, false)).toBe('jsonl');
    expect(stdinMode({ text: true }, false)).toBe('text');
  });

  it('opens the interactive prompt on a terminal, unless --json asks for JSONL', () => {
    expect(stdinMode({}, true)).toBe('prompt');
    expect(stdinMode({ text: true }, true)).toBe('prompt');
    expect(stdinMode({ json: true }, true)).toBe('jsonl');
  });
});
