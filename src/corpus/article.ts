/** From a file's decoded text to an `Article`: read its structure, clean it, find its metadata. */
import { assembleText } from './assemble.js';
import { cleanBlocks } from './clean.js';
import { mergeMeta } from './meta-fields.js';
import { inferMetadata } from './metadata.js';
import { type DeclaredMeta, type RawDocument, ReaderRefusal } from './raw-document.js';
import { readerFor } from './readers/index.js';
import type { Article } from './types.js';

/** One source file, read and decoded. */
export interface ArticleSource {
  /** The file name without its extension. */
  id: string;
  /** The path relative to the corpus directory, with `/` separators. */
  path: string;
  /** The file's extension, with the dot (chooses the reader). */
  extension: string;
  /** The decoded text (see `decodeText`). */
  text: string;
  contentHash: string;
  /** Metadata from a sidecar file: it wins over what the file itself declares. */
  sidecarMeta?: DeclaredMeta;
}

/**
 * Builds an article from a source file's text. `article` is undefined when the file holds no
 * article text (empty, or nothing left after boilerplate removal); `problems` says why, and
 * reports anything else worth a warning (e.g. front matter that is not valid YAML).
 */
export function buildArticle(source: ArticleSource): { article: Article | undefined; problems: string[] } {
  const reader = readerFor(source.extension);
  if (reader === undefined) return { article: undefined, problems: [`skipped: ${source.extension} files are not supported`] };
  if (source.text.trim() === '') return { article: undefined, problems: ['skipped: the file is empty'] };
  let document: RawDocument;
  try {
    document = reader(source.text);
  } catch (error) {
    if (error instanceof ReaderRefusal) return { article: undefined, problems: [`skipped: ${error.message}`] };
    throw error;
  }
  const cleaned = cleanBlocks(document.blocks);
  const { text, blocks } = assembleText(cleaned.blocks);
  if (blocks.length === 0) {
    const reason = document.blocks.length === 0 ? 'no article text was found in it' : 'nothing is left after removing boilerplate';
    return { article: undefined, problems: [...document.problems, `skipped: ${reason}`] };
  }
  const meta = inferMetadata({
    id: source.id,
    blocks: cleaned.blocks,
    removed: cleaned.removed,
    declared: mergeMeta(source.sidecarMeta ?? {}, document.meta),
  });
  const article: Article = { id: source.id, path: source.path, ...meta, contentHash: source.contentHash, text, blocks };
  return { article, problems: document.problems };
}
