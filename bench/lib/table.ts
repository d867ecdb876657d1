/** Markdown tables. */

export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map((cell) => String(cell)));
  const align = header.map((_, i) => (cells.every((row) => /^[-+~≈]?[\d.,]+\s*(%|ms|s|MB|µs|×|chunks\/s|tok\/s)?$/.test(row[i] ?? '')) ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `|${align.join('|')}|`, ...cells.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function pct(value: number, digits = 0): string {
  return Number.isFinite(value) ? `${(100 * value).toFixed(digits)}%` : '–';
}
