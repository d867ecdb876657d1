/**
 * Writes WikiQA documents as a Verbatim corpus: one `.txt` per document (the title, a blank line,
 * then its sentences joined by single spaces as one paragraph, tokenized as the dataset has them)
 * named by a safe slug of the title, plus a `.meta.json` sidecar with the title and the Wikipedia
 * URL. Files whose content is already right are left alone, so the incremental index build finds
 * nothing to redo.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { articleSlug, type WrittenCorpus } from './squad-corpus.js';
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
export async function writeWikiQACorpus(documents: readonly WikiQADocument[], dir: string): Promise<WrittenCorpus> {
  await mkdir(dir, { recursive: true });
  const used = new Set<string>();
  const result: WrittenCorpus = { ids: [], written: 0, unchanged: 0 };
  for (const document of documents) {
    const base = articleSlug(document.title);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    result.ids.push(id);
    const sidecar = JSON.stringify({ title: oneLine(document.title), url: wikipediaUrl(document.title) }, null, 2) + '\n';
    const wroteText = await writeIfChanged(path.join(dir, `${id}.txt`), documentFileText(document));
    const wroteMeta = await writeIfChanged(path.join(dir, `${id}.meta.json`), sidecar);
    if (wroteText || wroteMeta) result.written++;
    else result.unchanged++;
  }
  return result;
}

async function writeIfChanged(file: string, text: string): Promise<boolean> {
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === text) return false;
  await writeFile(file, text);
  return true;
}
