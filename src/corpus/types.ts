/** What the corpus stage hands to the rest of the pipeline. */

/** A half-open character range [start, end) into an article's cleaned `text`. */
export interface Span {
  start: number;
  end: number;
}

/** A structural block of the cleaned text, in document order. */
export interface Block extends Span {
  kind: 'heading' | 'paragraph' | 'item' | 'row';
}

/** What is known about an article besides its text. */
export interface ArticleMeta {
  /** Stable source id: the file name without its extension (e.g. `000_ba3a1d287da7a63e`). */
  id: string;
  /** Path of the source file relative to the corpus directory, with `/` separators. */
  path: string;
  /** The real headline (not a section label such as "The Middle East"). */
  title: string;
  /** The outlet, where the text or metadata names it (e.g. "NDTV", "MENAFN"). */
  source?: string;
  url?: string;
  /** Publication date as given (ISO 8601 where it can be parsed). */
  published?: string;
  author?: string;
  /** SHA-256 (hex) of the raw file bytes plus any sidecar metadata: changes whenever the article must be re-read. */
  contentHash: string;
}

export interface Article extends ArticleMeta {
  /**
   * The cleaned article text: boilerplate removed, blocks separated by a blank line ("\n\n").
   * Every character range of it that lies within one block is, with whitespace runs collapsed,
   * a substring of the source file's text with whitespace runs collapsed (for .txt and .md).
   */
  text: string;
  /** The blocks of `text`, in order, covering every non-blank character of it. */
  blocks: Block[];
}

/** A file that was passed over, or read with a problem, and why. */
export interface CorpusWarning {
  path: string;
  message: string;
}

export interface LoadedCorpus {
  /** Articles sorted by id. */
  articles: Article[];
  warnings: CorpusWarning[];
}
