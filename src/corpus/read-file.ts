/**
 * Reading one file's bytes safely and decoding them as UTF-8 text.
 *
 * A file is read through one open descriptor, and what is read is what was checked: the path is
 * resolved (symbolic links included) once, the resolved path is opened without following a link
 * (O_NOFOLLOW) and without blocking (O_NONBLOCK, so a FIFO cannot hang the open), and the open
 * descriptor is checked — a regular file, one hard link, within the size limit — before its bytes
 * are read from that same descriptor. When the file must lie inside a directory (the corpus), the
 * resolved path is checked to be inside it, and after the open the path is resolved again and must
 * still lead to the very file that was opened (same device and inode). A file swapped for a
 * symbolic link between the directory listing and the read is therefore refused, not followed.
 *
 * Residual risk: Node has no openat2(RESOLVE_BENEATH), so someone who can rename the corpus's own
 * folders could swap a parent folder for a link and back between the open and the re-check; the
 * re-check narrows that window but cannot close it. Whoever can write the corpus folders can
 * already put any text in the corpus.
 */
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** The default largest file the corpus loader reads: 20 MB. */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

/** How the file is opened: read-only, never through a symbolic link, never waiting on a FIFO or device. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Bytes read per read call. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** Either the value, or why there is none (a sentence a person can act on). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Where a file may be read from. */
export interface ReadPlace {
  /** The file must resolve (symbolic links followed) to a path inside this directory (compared by real path). */
  insideDir?: string;
}

const UTF16_BOMS: readonly (readonly [number, number])[] = [
  [0xff, 0xfe],
  [0xfe, 0xff],
];

/**
 * Reads a file's bytes, refusing files over `maxBytes` before reading them. Refused, with the
 * reason: a file that is not a regular file, one with more than one hard link (a hard link may
 * be a second name of a file outside the corpus — such a file is never read; copy it instead),
 * one that resolves outside `place.insideDir`, and one that changes into another file or a
 * symbolic link while it is opened. Problems are returned, never thrown.
 */
export async function readFileBytes(
  filePath: string,
  maxBytes: number = DEFAULT_MAX_FILE_BYTES,
  place: ReadPlace = {},
): Promise<Outcome<Uint8Array>> {
  let resolved: string;
  try {
    resolved = await realpath(filePath);
  } catch (error) {
    return { ok: false, problem: `it cannot be read (${fsErrorCode(error)})` };
  }
  if (place.insideDir !== undefined && !isInside(await realpath(place.insideDir).catch(() => place.insideDir ?? ''), resolved)) {
    return { ok: false, problem: `it leads to ${resolved}, outside the corpus directory` };
  }
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(resolved, OPEN_FLAGS);
  } catch (error) {
    const code = fsErrorCode(error);
    // O_NOFOLLOW fails with ELOOP when the last part of the path is (now) a symbolic link.
    if (code === 'ELOOP') return { ok: false, problem: 'it changed into a symbolic link while it was being read' };
    return { ok: false, problem: `it cannot be read (${code})` };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { ok: false, problem: 'it is not a regular file' };
    if (info.nlink > 1) {
      return {
        ok: false,
        problem: `it has ${info.nlink} hard links (names); a hard-linked file may live outside the corpus directory, so it is not read — copy it instead`,
      };
    }
    if (info.size > maxBytes) return { ok: false, problem: tooLarge(info.size, maxBytes) };
    const now = await stat(await realpath(filePath)).catch(() => undefined);
    if (now === undefined || now.dev !== info.dev || now.ino !== info.ino) {
      return { ok: false, problem: 'it was replaced by another file while it was being read' };
    }
    return await readAll(handle, maxBytes);
  } catch (error) {
    return { ok: false, problem: `it cannot be read (${fsErrorCode(error)})` };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Reads an open file to its end, refusing it if it grows past `maxBytes` while being read. */
async function readAll(handle: Awaited<ReturnType<typeof open>>, maxBytes: number): Promise<Outcome<Uint8Array>> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, maxBytes + 1 - total));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) return { ok: false, problem: `it grew past the ${formatSize(maxBytes)} size limit while it was being read` };
  }
  return { ok: true, value: Buffer.concat(chunks, total) };
}

function tooLarge(size: number, maxBytes: number): string {
  return `it is ${formatSize(size)}, over the ${formatSize(maxBytes)} size limit`;
}

/** Whether `target` is `dir` itself or lies inside it (both absolute). */
export function isInside(dir: string, target: string): boolean {
  const relative = path.relative(dir, target);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
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
  place: ReadPlace = {},
): Promise<Outcome<{ bytes: Uint8Array; text: string }>> {
  const read = await readFileBytes(filePath, maxBytes, place);
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
