/** Turning a metadata record (YAML front matter, a JSON or YAML sidecar, meta tags) into `DeclaredMeta`. */
import type { DeclaredMeta } from './raw-document.js';
import { collapseWhitespace } from './text-shape.js';

/** The keys a record may use, and the field each fills (`date` is the common spelling of `published`). */
const FIELD_FOR_KEY: Readonly<Record<string, keyof DeclaredMeta>> = {
  title: 'title',
  url: 'url',
  source: 'source',
  published: 'published',
  date: 'published',
  author: 'author',
};

/** An ISO 8601 date or date-time, kept as written. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Reads the known keys of a parsed record. Unknown keys are ignored; known keys with a value
 * that is not text (or a list of names, for `author`) are reported in `problems`.
 * `where` names the record in those messages (e.g. "front matter").
 */
export function metaFromRecord(record: unknown, where: string): { meta: DeclaredMeta; problems: string[] } {
  const meta: DeclaredMeta = {};
  const problems: string[] = [];
  if (record === null || record === undefined) return { meta, problems };
  if (typeof record !== 'object' || Array.isArray(record)) {
    return { meta, problems: [`${where} is not a set of key: value pairs; it was ignored`] };
  }
  for (const [key, value] of Object.entries(record)) {
    const field = FIELD_FOR_KEY[key.toLowerCase()];
    if (field === undefined || meta[field] !== undefined) continue;
    const text = fieldText(value);
    if (text === undefined) problems.push(`${where}: "${key}" should be text; it was ignored`);
    else if (text !== '') meta[field] = field === 'published' ? normalizeDate(text) : text;
  }
  return { meta, problems };
}

/**
 * A publication date as ISO 8601 where it can be parsed: ISO input is kept as written, a date
 * without a time becomes `YYYY-MM-DD`, a date-time becomes UTC; anything else is kept as given.
 */
export function normalizeDate(value: string): string {
  const given = value.trim();
  if (ISO_DATE.test(given)) return given;
  const parsed = new Date(given);
  if (Number.isNaN(parsed.getTime())) return given;
  if (/\d:\d/.test(given)) return parsed.toISOString();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${parsed.getFullYear()}-${pad(parsed.getMonth() + 1)}-${pad(parsed.getDate())}`;
}

/** Fills the fields `base` lacks from `fallback`: values in `base` win. */
export function mergeMeta(base: DeclaredMeta, fallback: DeclaredMeta): DeclaredMeta {
  return { ...fallback, ...definedFields(base) };
}

function definedFields(meta: DeclaredMeta): DeclaredMeta {
  return Object.fromEntries(Object.entries(meta).filter(([, value]) => value !== undefined));
}

function fieldText(value: unknown): string | undefined {
  if (typeof value === 'string') return collapseWhitespace(value);
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value.map(collapseWhitespace).filter((item) => item !== '').join(', ');
  }
  return undefined;
}
