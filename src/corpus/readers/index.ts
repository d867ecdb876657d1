/** The readers, by file extension. */
import type { RawDocument } from '../raw-document.js';
import { readHtml } from './html.js';
import { readMarkdown } from './markdown.js';
import { readTxt } from './txt.js';

/** Turns a file's decoded text into blocks and declared metadata. */
export type Reader = (text: string) => RawDocument;

const READERS: Readonly<Record<string, Reader>> = {
  '.txt': readTxt,
  '.md': readMarkdown,
  '.markdown': readMarkdown,
  '.html': readHtml,
  '.htm': readHtml,
};

/** File extensions the corpus loader reads (lowercase, with the dot). */
export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(READERS);

/** The reader for a file extension (any case, with the dot), or undefined when it is not supported. */
export function readerFor(extension: string): Reader | undefined {
  return READERS[extension.toLowerCase()];
}
