/**
 * Writes SQuAD articles as a Verbatim corpus: one `.txt` per article (the title, a blank line,
 * the paragraphs separated by blank lines, each on one line) named by a safe slug of the title,
 * plus a `.meta.json` sidecar with the readable title and the Wikipedia URL. Files whose content
 * is already right are left alone, so the incremental index build finds nothing to redo.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SquadArticle } from './squad-dataset.js';

/** The title as people read it: "Sky_(United_Kingdom)" → "Sky (United Kingdom)". */
export function readableTitle(title: string): string {
  return title.replace(/_/gu, ' ').replace(/\s+/gu, ' ').trim();
}

/** A file-name-safe slug of a title: ASCII lower-case letters, digits and single dashes. */
export function articleSlug(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/gu, '-')
    .replace(/^-+|-+$/gu, '');
  return slug.length > 0 ? slug.slice(0, 80) : 'article';
}

/** One paragraph on one line (SQuAD contexts sometimes hold line breaks). */
function flattenParagraph(paragraph: string): string {
  return paragraph.replace(/\s+/gu, ' ').trim();
}

/** The `.txt` text of an article. */
export function articleFileText(article: SquadArticle): string {
  const paragraphs = article.paragraphs.map(flattenParagraph).filter((p) => p.length > 0);
  return [readableTitle(article.title), ...paragraphs].join('\n\n') + '\n';
}

export interface WrittenCorpus {
  /** The corpus article id (file name without extension) of each dataset article, by index. */
  ids: string[];
  /** Articles whose files were written (new or changed). */
  written: number;
  /** Articles whose files were already up to date. */
  unchanged: number;
}

/** Writes the articles into `dir` (created if needed); ids are unique slugs. */
export async function writeSquadCorpus(articles: readonly SquadArticle[], dir: string): Promise<WrittenCorpus> {
  await mkdir(dir, { recursive: true });
  const used = new Set<string>();
  const result: WrittenCorpus = { ids: [], written: 0, unchanged: 0 };
  for (const article of articles) {
    const base = articleSlug(article.title);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    result.ids.push(id);
    const title = readableTitle(article.title);
    const sidecar = JSON.stringify({ title, url: `https://en.wikipedia.org/wiki/${encodeURIComponent(article.title)}` }, null, 2) + '\n';
    const wroteText = await writeIfChanged(path.join(dir, `${id}.txt`), articleFileText(article));
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
