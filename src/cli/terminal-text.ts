/**
 * Text from the corpus, file names, questions and error messages is printed to a terminal by the CLI.
 * A terminal acts on control characters: ESC starts sequences that clear the screen, colour text, set
 * the window title or (OSC 52) the clipboard; CR and newlines forge lines that look like the CLI's
 * own; bidi overrides (U+202E) reorder what is shown. Everything untrusted goes through
 * `forTerminal` (or `oneLine`) before it is printed, so that such characters are shown, escaped, and
 * never acted on.
 */

/**
 * C0 controls (tab and newline included), DEL, C1 controls, the line and paragraph separators, and the
 * bidi controls: marks (U+200E/200F, U+061C), embeddings and overrides (U+202A–202E) and isolates
 * (U+2066–2069).
 */
// eslint-disable-next-line no-control-regex -- control characters are what it is about
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** The escape shown for one unsafe character: `\x1b`, `\n`, `\u202e`. */
function escapeChar(char: string): string {
  switch (char) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
  }
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control and bidi character replaced by a visible escape (`\x1b`, `\n`, `\u202e`). */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * Prose on one line: runs of whitespace (newlines and tabs included) become one space, then anything
 * else unsafe is escaped. For quotes, titles and questions, whose line breaks carry no meaning.
 */
export function oneLine(text: string): string {
  return forTerminal(text.replace(/[\s\u0085]+/gu, ' ').trim());
}

/** Characters JSON.stringify leaves raw that a terminal may act on: DEL, C1, separators and bidi controls. */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/**
 * JSON.stringify(value), with the characters it leaves raw that a terminal may act on written as
 * `\uXXXX` escapes (C0 controls it escapes itself). They can only occur inside strings, where the
 * escape means the same character: the JSON parses to the same value.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(JSON_UNSAFE, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
