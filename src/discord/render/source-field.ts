/** One numbered source as an embed field: `[n] Title`, then the file, outlet and date, and the link. */
import type { APIEmbedField } from 'discord.js';
import { alsoInLine } from '../../answer/strength-labels.js';
import type { SourceRef } from '../../answer/types.js';
import { fitRendered, LIMITS, truncate } from './limits.js';
import { safeCode, safeLink, safeText } from './sanitize.js';

/** How long a source's title may be in its field name. */
const TITLE_MAX = 200;
/** How long a link may be before it is left out (a field value holds 1024 characters). */
const LINK_MAX = 600;
/** How long the "also in …" line may be (cut at a word with an ellipsis beyond). */
const ALSO_IN_MAX = 200;

/** The field for a source. Always within the field limits. */
export function sourceField(source: SourceRef): APIEmbedField {
  const prefix = `[${source.n}] `;
  const title = fitRendered(source.title.trim() || source.id, Math.min(TITLE_MAX, LIMITS.fieldName - prefix.length), safeText).text;
  const details = [source.outlet, source.published]
    .filter((part): part is string => part !== undefined && part.trim().length > 0)
    .map((part) => fitRendered(part.trim(), 120, safeText).text);
  const first = truncate([safeCode(truncate(source.path, 200)), ...details].join(' · '), LIMITS.fieldValue);
  const link = safeLink(source.url, LINK_MAX);
  let value = link !== undefined && first.length + 1 + link.length <= LIMITS.fieldValue ? `${first}\n${link}` : first;
  // Where else the story ran, in italics, on a line of its own when it fits.
  const alsoIn = alsoInLine(source.alsoIn);
  if (alsoIn !== undefined) {
    const line = `*${fitRendered(alsoIn, ALSO_IN_MAX - 2, safeText).text}*`;
    if (value.length + 1 + line.length <= LIMITS.fieldValue) value = `${value}\n${line}`;
  }
  return { name: `${prefix}${title}`, value };
}
