/** The report of a `/reindex`: what changed and how big the index is now. */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { BuildSummary } from '../../index/build.js';
import { COLORS } from './answer.js';
import { enforceEmbedLimits, fitRendered, LIMITS, truncate } from './limits.js';
import { safeText } from './sanitize.js';

/** One line: "1 changed · 0 added · 0 removed · 4 unchanged". */
export function changeLine(summary: Pick<BuildSummary, 'added' | 'changed' | 'removed' | 'unchanged'>): string {
  return `${summary.changed.length} changed · ${summary.added.length} added · ${summary.removed.length} removed · ${summary.unchanged.length} unchanged`;
}

/** Renders a build summary as an embed within Discord's limits. */
export function renderReindexSummary(summary: BuildSummary): APIEmbed {
  const fields: APIEmbedField[] = [];
  const list = (name: string, ids: readonly string[]): void => {
    if (ids.length === 0) return;
    const shown = ids.map((id) => `\`${id.replace(/`/g, 'ˋ')}\``).join(', ');
    fields.push({ name: `${name} (${ids.length})`, value: truncate(shown, 900) });
  };
  list('Changed', summary.changed);
  list('Added', summary.added);
  list('Removed', summary.removed);
  const { counts } = summary;
  fields.push({
    name: 'Index',
    value: `${counts.articles} articles · ${counts.chunks} chunks · ${counts.sentences} sentences`,
  });
  fields.push({
    name: 'Embedded',
    value: `${summary.embedded.chunks} chunks · ${summary.embedded.sentences} sentences in ${(summary.ms / 1000).toFixed(1)} s`,
  });
  if (summary.warnings.length > 0) {
    const lines = summary.warnings.slice(0, 5).map((w) => `• ${fitRendered(`${w.path}: ${w.message}`, 180, safeText).text}`);
    if (summary.warnings.length > 5) lines.push(`…and ${summary.warnings.length - 5} more`);
    fields.push({ name: `Warnings (${summary.warnings.length})`, value: truncate(lines.join('\n'), LIMITS.fieldValue) });
  }
  const lead = summary.written ? 'The new index is live.' : 'Nothing changed; the index was kept as it is.';
  const why = summary.fullReason ? `\nRebuilt from scratch: ${fitRendered(summary.fullReason, 500, safeText).text}.` : '';
  return enforceEmbedLimits({
    title: summary.written ? 'Index rebuilt' : 'Index already up to date',
    description: `**${changeLine(summary)}**\n${lead}${why}`,
    color: summary.written ? COLORS.answer : COLORS.info,
    fields,
  });
}
