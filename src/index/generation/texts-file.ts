/**
 * texts.bin, the articles' cleaned texts (UTF-8, one after another), read by byte range from disk
 * when an article is made (records.ts) rather than held in memory: at 100k chunks they are ~90 MB.
 * The file is verified against its checksum when the generation opens; a quote's passage is checked
 * again against its digest in chunks.bin before it is shown (snapshot.passageIntact).
 */
import { FileReader } from '../file-reader.js';

export class TextsFile {
  private constructor(private readonly reader: FileReader) {}

  static async open(file: string): Promise<TextsFile> {
    return new TextsFile(await FileReader.open(file));
  }

  /** The file's size in bytes. */
  get bytes(): number {
    return this.reader.bytes;
  }

  /** The text of bytes `start` to `end` (exclusive). */
  text(start: number, end: number): string {
    if (!(start >= 0 && start <= end && end <= this.bytes)) throw new RangeError(`Bytes ${start}–${end} are outside ${this.reader.file} (${this.bytes} bytes).`);
    return this.reader.read(start, end - start).toString('utf8');
  }

  close(): void {
    this.reader.close();
  }
}
