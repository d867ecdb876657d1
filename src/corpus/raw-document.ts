/** The intermediate form every reader produces, before cleaning and metadata. */
import type { Block } from './types.js';

/** One structural block of a source file: its kind and its words (markup markers stripped). */
export interface RawBlock {
  kind: Block['kind'];
  /** Source characters of the block, trimmed; lines of one block are joined by a space. */
  text: string;
}

/** Metadata a file states about itself (front matter, HTML meta tags) or a sidecar states about it. */
export interface DeclaredMeta {
  title?: string;
  url?: string;
  source?: string;
  published?: string;
  author?: string;
}

/** What a reader makes of one file. */
export interface RawDocument {
  blocks: RawBlock[];
  meta: DeclaredMeta;
  /** Non-fatal problems found while reading (e.g. front matter that is not valid YAML). */
  problems: string[];
}

/**
 * Thrown by a reader for a file it will not read at all (HTML nested too deep to read safely);
 * the message says why, as a phrase that follows "skipped: ".
 */
export class ReaderRefusal extends Error {
  override readonly name = 'ReaderRefusal';
}
