/** One numbered source as an embed field: `[n] Title`, then the file, outlet and date, and the link. */
import type { APIEmbedField } from 'discord.js';
import type { SourceRef } from '../../answer/types.js';
import { fitRendered, LIMITS, truncate } from './limits.js';
import { safeCode, safeLink, safeText } from './sanitize.js';

/** How long a source's title may be in its field name. */
const TITLE_MAX = 200;
/** How long a link may be before it is left out (a field value holds 1024 characters). */
const LINK_MAX = 600;

/** The field for a source. Always within the field limits. */
export function sourceField(source: SourceRef): APIEmbedField {
  const prefix = `[${source.n}] `;
  const title = fitRendered(source.title.trim() || source.id, Math.min(TITLE_MAX, LIMITS.fieldName - prefix.length), safeText).text;
  const details = [source.outlet, source.published]
    .filter((part): part is string => part !== undefined && part.trim().length > 0)
    .map((part) => fitRendered(part.trim(), 120, safeText).text);
  const first = truncate([safeCode(truncate(source.path, 200)), ...details].join(' · '), LIMITS.fieldValue);
  const link = safeLink(source.url, LINK_MAX);
  const value = link !== undefined && first.length + 1 + link.length <= LIMITS.fieldValue ? `${first}\n${link}` : first;
  return { name: `${prefix}${title}`, value };
}
