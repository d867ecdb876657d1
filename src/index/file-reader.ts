/**
 * A file of a generation kept open and read by offset (pread), for what is too large to hold in
 * memory and is read a little at a time: vector rows, article texts, lexical postings. The
 * operating system's page cache keeps the hot parts; the process holds only what it reads.
 *
 * The file stays open until `close()` or until the reader is garbage-collected, so a generation
 * replaced while a question still reads it keeps working (an unlinked file stays readable on an
 * open descriptor).
 */
import { closeSync, fstatSync, open, readSync } from 'node:fs';
import { IndexError } from '../core/errors.js';

/** Closes the file of a reader that was dropped without `close()`. */
const openFiles = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

export class FileReader {
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly fd: number,
    /** The file's size in bytes when it was opened. */
    readonly bytes: number,
  ) {
    openFiles.register(this, fd, this);
  }

  /** Opens `file` for reading; an IndexError naming it if it is missing or unreadable. */
  static async open(file: string): Promise<FileReader> {
    let fd: number | undefined;
    try {
      fd = await new Promise<number>((resolve, reject) => open(file, 'r', (error, opened) => (error ? reject(error) : resolve(opened))));
      return new FileReader(file, fd, fstatSync(fd).size);
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      throw new IndexError(`${file} is missing or unreadable.`, { path: file, cause: error });
    }
  }

  /** Fills `into` with the file's bytes from `position` on; an IndexError if the file ends first or was closed. */
  readInto(into: Uint8Array, position: number): void {
    if (this.closed) throw new IndexError(`${this.file} was closed.`, { path: this.file });
    let done = 0;
    while (done < into.byteLength) {
      const read = readSync(this.fd, into, done, into.byteLength - done, position + done);
      if (read === 0) throw new IndexError(`${this.file} ended early (damaged?).`, { path: this.file });
      done += read;
    }
  }

  /** `length` bytes from `position` on (a buffer to decode and drop: small ones share Node's buffer pool). */
  read(position: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    this.readInto(out, position);
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    openFiles.unregister(this);
    closeSync(this.fd);
  }
}
