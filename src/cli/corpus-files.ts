/**
 * Writes an evaluation data set's articles as a Verbatim corpus: one `.txt` per article named by a
 * unique, file-name-safe slug of its title, and a `.meta.json` sidecar. Files whose content is
 * already right are left alone, so the incremental index build finds nothing to redo.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One article to write: its title (for the file name), the `.txt` text and the sidecar's fields. */
export interface CorpusFile {
  title: string;
  text: string;
  meta: Record<string, string>;
}

export interface WrittenCorpus {
  /** The corpus article id (file name without extension) of each dataset article, by index. */
  ids: string[];
  /** Articles whose files were written (new or changed). */
  written: number;
  /** Articles whose files were already up to date. */
  unchanged: number;
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

/** Writes the files into `dir` (created if needed); ids are unique slugs, in the order given. */
export async function writeCorpusFiles(files: readonly CorpusFile[], dir: string): Promise<WrittenCorpus> {
  await mkdir(dir, { recursive: true });
  const used = new Set<string>();
  const result: WrittenCorpus = { ids: [], written: 0, unchanged: 0 };
  for (const file of files) {
    const base = articleSlug(file.title);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    result.ids.push(id);
    const wroteText = await writeIfChanged(path.join(dir, `${id}.txt`), file.text);
    const wroteMeta = await writeIfChanged(path.join(dir, `${id}.meta.json`), JSON.stringify(file.meta, null, 2) + '\n');
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
