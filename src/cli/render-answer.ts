/** An Answer as plain text for a terminal. */
import type { Answer, SourceRef } from '../answer/types.js';

export function renderAnswer(answer: Answer): string {
  const lines: string[] = [];
  if (answer.answered) {
    for (const quote of answer.quotes) lines.push(`“${quote.text}” [${quote.source}]`, '');
    lines.push('Sources:');
  } else {
    lines.push(answer.refusal?.message ?? 'The articles do not answer that.');
  }
  for (const source of answer.sources) lines.push(formatSource(source));
  lines.push('', `(${answer.timings.totalMs} ms)`);
  return lines.join('\n') + '\n';
}

export function formatSource(source: SourceRef): string {
  const details = [source.outlet, source.published].filter(Boolean).join(', ');
  return `[${source.n}] ${source.title} — ${source.path}${details ? ` (${details})` : ''}${source.url ? ` <${source.url}>` : ''}`;
}
