/**
 * The WikiQA report: Verbatim and the sentence baselines side by side, one row per measure; or
 * the same as JSON for tooling.
 */
import type { WikiQAAlignment, WikiQAScores } from './wikiqa-metrics.js';

/** What was measured, on what. */
export interface WikiQAReport {
  dataset: { file: string; documents: number; sentences: number; questions: number; answerable: number; unanswerable: number };
  /** What the index holds (documents whose file the corpus reader skipped are missing). */
  index: { articles: number; sentences: number };
  alignment: WikiQAAlignment;
  /** Scores by answerer: "verbatim", then the baselines. */
  scores: Record<string, WikiQAScores>;
  /** Verbatim with refusals disabled, asked the answerable questions only (its p@1 is the "p@1 ranking"). */
  verbatimRanking: WikiQAScores;
  /** Which reader answered: the shipped one (fitted on these questions), or k-fold cross-validation. */
  reader: string;
}

const ANSWERER_LABELS: Record<string, string> = { verbatim: 'Verbatim', bm25: 'BM25 top-3', dense: 'dense top-3', rrf: 'RRF top-3' };

const pct = (share: number) => `${(100 * share).toFixed(1)}%`;
const ms = (value: number) => value.toFixed(1);

/** A row: its label and its cell for one answerer (by name). */
type Row = [string, (report: WikiQAReport, name: string) => string];

const scoreRow = (label: string, get: (s: WikiQAScores) => number, show: (v: number) => string = pct): Row => [
  label,
  (report, name) => show(get(report.scores[name]!)),
];

const ROWS: Row[] = [
  scoreRow('p@1 (answerable)', (s) => s.pAt1),
  // Baselines never refuse, so their p@1 is already a ranking figure.
  ['p@1 ranking (no refusals)', (report, name) => pct(name === 'verbatim' ? report.verbatimRanking.pAt1 : report.scores[name]!.pAt1)],
  scoreRow('hit@3 (answerable)', (s) => s.hitAt3),
  scoreRow('first source right', (s) => s.firstSource),
  scoreRow('declined (unanswerable)', (s) => s.declined),
  scoreRow('false refusals', (s) => s.falseRefusals),
  scoreRow('answer triggering precision', (s) => s.answerTriggering.precision),
  scoreRow('answer triggering recall', (s) => s.answerTriggering.recall),
  scoreRow('answer triggering F1', (s) => s.answerTriggering.f1),
  scoreRow('first quote, mean words', (s) => s.firstQuoteWords, ms),
  scoreRow('latency p50 (ms)', (s) => s.latencyMs.p50, ms),
  scoreRow('latency p95 (ms)', (s) => s.latencyMs.p95, ms),
];

/** The report as a plain-text table. */
export function formatWikiQAReport(report: WikiQAReport): string {
  const names = Object.keys(report.scores);
  const header = ['', ...names.map((n) => ANSWERER_LABELS[n] ?? n)];
  const body = ROWS.map(([label, cell]) => [label, ...names.map((n) => cell(report, n))]);
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ');
  const { dataset, index, alignment } = report;
  return [
    `WikiQA dev: ${dataset.documents} documents, ${dataset.sentences} sentences (indexed: ${index.articles} articles, ${index.sentences} sentences); ` +
      `${dataset.questions} questions, ${dataset.answerable} answerable, ${dataset.unanswerable} not`,
    `Reader: ${report.reader}`,
    `Gold sentences held by exactly one indexed sentence of their article: ${pct(alignment.heldByOne)} of ${alignment.goldSentences} ` +
      `(identical to one: ${pct(alignment.identical)}; held by none: ${pct(alignment.unheld)})`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...body.map(line),
  ].join('\n') + '\n';
}
