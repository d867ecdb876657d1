/** Reading one file's bytes safely and decoding them as UTF-8 text. */
import { readFile, stat } from 'node:fs/promises';

/** The default largest file the corpus loader reads: 20 MB. */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Either the value, or why there is none (a sentence a person can act on). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: string };

const UTF16_BOMS: readonly (readonly [number, number])[] = [
  [0xff, 0xfe],
  [0xfe, 0xff],
];

/**
 * Reads a file's bytes, refusing files over `maxBytes` before reading them.
 * Problems (missing, unreadable, too large, not a regular file) are returned, never thrown.
 */
export async function readFileBytes(filePath: string, maxBytes: number = DEFAULT_MAX_FILE_BYTES): Promise<Outcome<Uint8Array>> {
  try {
    const info = await stat(filePath);
    if (!info.isFile()) return { ok: false, problem: 'it is not a regular file' };
    if (info.size > maxBytes) {
      return { ok: false, problem: `it is ${formatSize(info.size)}, over the ${formatSize(maxBytes)} size limit` };
    }
    return { ok: true, value: await readFile(filePath) };
  } catch (error) {
    return { ok: false, problem: `it cannot be read (${fsErrorCode(error)})` };
  }
}

/**
 * Decodes bytes as UTF-8 text: refuses binary data (NUL bytes) and invalid UTF-8,
 * strips a byte-order mark, and turns CRLF and CR line ends into LF.
 */
export function decodeText(bytes: Uint8Array): Outcome<string> {
  if (UTF16_BOMS.some(([a, b]) => bytes[0] === a && bytes[1] === b)) {
    return { ok: false, problem: 'it is UTF-16 text; save it as UTF-8' };
  }
  if (bytes.includes(0)) return { ok: false, problem: 'it looks like a binary file (it contains NUL bytes)' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, value: normalizeLineEnds(text) };
  } catch {
    return { ok: false, problem: 'it is not valid UTF-8 text; save it as UTF-8' };
  }
}

/** Reads and decodes a text file (see `readFileBytes` and `decodeText`), keeping the raw bytes for hashing. */
export async function readTextFile(
  filePath: string,
  maxBytes: number = DEFAULT_MAX_FILE_BYTES,
): Promise<Outcome<{ bytes: Uint8Array; text: string }>> {
  const read = await readFileBytes(filePath, maxBytes);
  if (!read.ok) return read;
  const decoded = decodeText(read.value);
  if (!decoded.ok) return decoded;
  return { ok: true, value: { bytes: read.value, text: decoded.value } };
}

function normalizeLineEnds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function formatSize(bytes: number): string {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'MB'] : bytes >= 1024 ? [bytes / 1024, 'KB'] : [bytes, 'bytes'];
  return `${value.toFixed(1).replace(/\.0$/, '')} ${unit}`;
}

/** The code of a file-system error ("ENOENT", "EACCES"…), or its message. */
export function fsErrorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}
