import { describe, expect, it } from 'vitest';
import { boundedLines, type InputLine } from '../../src/cli/line-reader.js';

async function collect(chunks: Iterable<Buffer | string> | AsyncIterable<Buffer | string>, max: number): Promise<InputLine[]> {
  const out: InputLine[] = [];
  for await (const line of boundedLines(chunks as AsyncIterable<Buffer | string>, max)) out.push(line);
  return out;
}

function* pieces(text: string, size: number): Generator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('boundedLines', () => {
  it('splits lines across chunks, keeping characters split between chunks, dropping CR, with a last line without newline', async () => {
    const lines = await collect(pieces('héllo wörld\r\n\nzweite — Zeile\nlast', 3), 100);
    expect(lines).toEqual([
      { kind: 'line', number: 1, text: 'héllo wörld' },
      { kind: 'line', number: 2, text: '' },
      { kind: 'line', number: 3, text: 'zweite — Zeile' },
      { kind: 'line', number: 4, text: 'last' },
    ]);
  });

  it('reports a line over the limit once and goes on with the next', async () => {
    const long = 'x'.repeat(4 * 1024 * 1024);
    const lines = await collect(pieces(`first\n${long}\nthird\n${'y'.repeat(11)}`, 64 * 1024), 10);
    expect(lines).toEqual([
      { kind: 'line', number: 1, text: 'first' },
      { kind: 'too-long', number: 2 },
      { kind: 'line', number: 3, text: 'third' },
      { kind: 'too-long', number: 4 },
    ]);
  });

  it('takes a line of exactly the limit', async () => {
    expect(await collect(['abcde\nabcdef\n'], 5)).toEqual([
      { kind: 'line', number: 1, text: 'abcde' },
      { kind: 'too-long', number: 2 },
    ]);
  });

  it('reports an endless line as soon as it passes the limit, without waiting for its end', async () => {
    let produced = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      for (;;) {
        produced += chunk.length;
        yield chunk;
      }
    }
    const reader = boundedLines(endless(), 1024 * 1024);
    const first = await reader.next();
    expect(first.value).toEqual({ kind: 'too-long', number: 1 });
    // It stopped reading right after the limit: nothing like the whole (endless) line was taken in.
    expect(produced).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
    await reader.return(undefined);
  });
});
