/**
 * Writes WikiQA documents as a Verbatim corpus: one `.txt` per document (the title, a blank line,
 * then its sentences joined by single spaces as one paragraph, tokenized as the dataset has them)
 * (corpus-files.ts), plus a `.meta.json` sidecar with the title and the Wikipedia URL.
 */
import { writeCorpusFiles, type WrittenCorpus } from './corpus-files.js';
import type { WikiQADocument } from './wikiqa-dataset.js';

const oneLine = (text: string) => text.replace(/\s+/gu, ' ').trim();

/** The `.txt` text of a document. */
export function documentFileText(document: WikiQADocument): string {
  const paragraph = document.sentences.map(oneLine).filter((s) => s.length > 0).join(' ');
  return `${oneLine(document.title)}\n\n${paragraph}\n`;
}

/** The English Wikipedia URL of a title: "Tissue (biology)" → …/wiki/Tissue_(biology). */
export function wikipediaUrl(title: string): string {
  return `https://en.wikipedia.org/wiki/${encodeURIComponent(oneLine(title).replace(/ /gu, '_'))}`;
}

/** Writes the documents into `dir` (created if needed); ids are unique slugs of the titles, in document order. */
export function writeWikiQACorpus(documents: readonly WikiQADocument[], dir: string): Promise<WrittenCorpus> {
  return writeCorpusFiles(
    documents.map((document) => ({
      title: document.title,
      text: documentFileText(document),
      meta: { title: oneLine(document.title), url: wikipediaUrl(document.title) },
    })),
    dir,
  );
}
