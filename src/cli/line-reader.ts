/**
 * Lines of a stream, each at most `maxBytes` long. A longer line is reported as `too-long` as soon as it
 * passes the limit, and the rest of it is skipped as it streams by — never buffered — so one enormous
 * line cannot take the memory (a 48 MB line used to take 1 GB through readline), nor an endless one
 * stall the reader. Lines end at `\n` (a `\r` before it is dropped); the last one may end without it.
 * Text is decoded as UTF-8 per line, so characters split across chunks survive.
 */

export type InputLine =
  | { kind: 'line'; number: number; text: string }
  /** The line `number` is longer than the limit; nothing more is reported for it. */
  | { kind: 'too-long'; number: number };

const NEWLINE = 0x0a;

export async function* boundedLines(input: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<InputLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Whether the rest of the current line is being skipped (it was reported too long). */
  let skipping = false;
  let number = 0;

  const reset = (): void => {
    pending = [];
    pendingBytes = 0;
  };

  for await (const piece of input) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    let start = 0;
    while (start <= chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      const part = chunk.subarray(start, end);
      if (!skipping && pendingBytes + part.length > maxBytes) {
        number++;
        skipping = true;
        reset();
        yield { kind: 'too-long', number };
      } else if (!skipping && part.length > 0) {
        // A copy, so that the chunk it came from is not kept alive with it.
        pending.push(newline === -1 ? Buffer.from(part) : part);
        pendingBytes += part.length;
      }
      if (newline === -1) break;
      if (skipping) skipping = false;
      else {
        number++;
        let text = Buffer.concat(pending).toString('utf8');
        if (text.endsWith('\r')) text = text.slice(0, -1);
        reset();
        yield { kind: 'line', number, text };
      }
      start = newline + 1;
    }
  }
  if (!skipping && pendingBytes > 0) {
    number++;
    let text = Buffer.concat(pending).toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    yield { kind: 'line', number, text };
  }
}
