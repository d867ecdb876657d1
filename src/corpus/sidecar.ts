/**
 * Sidecar metadata: `<name>.meta.json`, `<name>.meta.yaml` or `<name>.meta.yml` next to an
 * article file `<name>.<ext>`, with the keys title, url, source, published (or date), author.
 */
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { metaFromRecord } from './meta-fields.js';
import type { DeclaredMeta } from './raw-document.js';
import { type ReadPlace, readTextFile } from './read-file.js';
import { parseYaml } from './yaml.js';

/** Sidecar file name endings, in the order they are looked for. */
export const SIDECAR_SUFFIXES = ['.meta.json', '.meta.yaml', '.meta.yml'] as const;

/** A sidecar that was found next to an article. */
export interface Sidecar {
  /** File name of the sidecar. */
  name: string;
  /** Its raw bytes (part of the article's content hash). */
  bytes: Uint8Array;
  meta: DeclaredMeta;
}

/** Whether a file name is a sidecar's (and so not an article). */
export function isSidecarName(fileName: string): boolean {
  return SIDECAR_SUFFIXES.some((suffix) => fileName.endsWith(suffix));
}

/** The article stem a sidecar file name belongs to (`a.meta.json` → `a`). */
export function sidecarStem(fileName: string): string {
  const suffix = SIDECAR_SUFFIXES.find((s) => fileName.endsWith(s)) ?? '';
  return fileName.slice(0, fileName.length - suffix.length);
}

/**
 * Finds and reads the sidecar of an article file. Returns no sidecar when there is none; a
 * sidecar that cannot be used is reported in `problems` (its bytes still count in the hash
 * when they could be read, so fixing it makes the article be read again).
 */
export async function readSidecar(
  articlePath: string,
  maxBytes: number,
  place: ReadPlace = {},
): Promise<{ sidecar: Sidecar | undefined; problems: string[] }> {
  const found = await findSidecars(articlePath);
  const [first, ...others] = found;
  if (first === undefined) return { sidecar: undefined, problems: [] };
  const problems = others.map((other) => `metadata sidecar ${other} was ignored: ${first} is used`);
  const read = await readTextFile(path.join(path.dirname(articlePath), first), maxBytes, place);
  if (!read.ok) return { sidecar: undefined, problems: [...problems, `metadata sidecar ${first} was ignored: ${read.problem}`] };
  const parsed = parseSidecar(first, read.value.text);
  return {
    sidecar: { name: first, bytes: read.value.bytes, meta: parsed.meta },
    problems: [...problems, ...parsed.problems],
  };
}

/** Sidecar file names that exist next to the article as regular files (symbolic links are not followed). */
async function findSidecars(articlePath: string): Promise<string[]> {
  const stem = path.basename(articlePath, path.extname(articlePath));
  const names = SIDECAR_SUFFIXES.map((suffix) => stem + suffix);
  const present = await Promise.all(names.map((name) => isRegularFile(path.join(path.dirname(articlePath), name))));
  return names.filter((_, i) => present[i]);
}

async function isRegularFile(filePath: string): Promise<boolean> {
  try {
    return (await lstat(filePath)).isFile();
  } catch {
    return false;
  }
}

function parseSidecar(name: string, text: string): { meta: DeclaredMeta; problems: string[] } {
  const where = `metadata sidecar ${name}`;
  try {
    const record: unknown = name.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    return metaFromRecord(record, where);
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return { meta: {}, problems: [`${where} cannot be parsed (${reason}); it was ignored`] };
  }
}
