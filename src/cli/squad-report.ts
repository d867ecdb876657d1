/**
 * The SQuAD report: Verbatim and the sentence baselines side by side, one row per measure, with
 * Verbatim's ratio to each baseline; or the same as JSON for tooling.
 */
import type { SquadScores } from './squad-metrics.js';

/** What was measured, on what. */
export interface SquadReport {
  dataset: { file: string; articles: number; paragraphs: number; questions: number };
  /** Sentences in the index (what every answerer quotes from). */
  sentences: number;
  sample: { size: number; seed: number; half: 'report' | 'tune'; questions: number };
  /** Share of the half's questions with a gold answer inside one indexed sentence of their article. */
  singleSentenceCeiling: number;
  /** Scores by answerer: "verbatim", then the baselines. */
  scores: Record<string, SquadScores>;
}

const ANSWERER_LABELS: Record<string, string> = { verbatim: 'Verbatim', bm25: 'BM25 top-3', dense: 'dense top-3', rrf: 'RRF top-3' };

const pct = (share: number) => `${(100 * share).toFixed(1)}%`;

const ROWS: [string, (s: SquadScores) => number, (v: number) => string][] = [
  ['answer in ≤3 quotes', (s) => s.inQuotes, pct],
  ['answer in first quote', (s) => s.inFirstQuote, pct],
  ['first source right', (s) => s.firstSource, pct],
  ['false refusals', (s) => s.falseRefusals, pct],
  ['latency p50 (ms)', (s) => s.latencyMs.p50, (v) => v.toFixed(1)],
  ['latency p95 (ms)', (s) => s.latencyMs.p95, (v) => v.toFixed(1)],
];

/** The report as a plain-text table. */
export function formatSquadReport(report: SquadReport): string {
  const names = Object.keys(report.scores);
  const baselines = names.filter((n) => n !== 'verbatim');
  const verbatim = report.scores.verbatim;
  const header = ['', ...names.map((n) => ANSWERER_LABELS[n] ?? n), ...(verbatim ? baselines.map((n) => `Verbatim ÷ ${ANSWERER_LABELS[n] ?? n}`) : [])];
  const body = ROWS.map(([label, get, show]) => [
    label,
    ...names.map((n) => show(get(report.scores[n]!))),
    ...(verbatim ? baselines.map((n) => ratio(get(verbatim), get(report.scores[n]!))) : []),
  ]);
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ');
  const { dataset, sample } = report;
  return [
    `SQuAD v1.1 dev: ${dataset.articles} articles, ${dataset.paragraphs} paragraphs, ${report.sentences} indexed sentences, ${dataset.questions} questions`,
    `Sample: ${sample.size} questions (seed ${sample.seed}); ${sample.half} half: ${sample.questions} questions`,
    `Gold answer inside one sentence of the article (ceiling for a one-sentence quote): ${pct(report.singleSentenceCeiling)}`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...body.map(line),
  ].join('\n') + '\n';
}

function ratio(value: number, base: number): string {
  return base === 0 ? '–' : `×${(value / base).toFixed(2)}`;
}
