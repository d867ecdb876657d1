/**
 * `npm run fit:reader`: fits the reader on labelled questions and writes it to
 * src/answer/reader/reader-model.ts. The questions are WikiQA dev (real questions, 170 of them with
 * no answer in their document) and the tuning half of the eval:squad sample (see
 * reader-examples.ts for how their candidates are labelled). It reports k-fold
 * cross-validation on WikiQA (each fold's model fitted on the other folds and all of SQuAD's
 * tuning half, its threshold calibrated on those), then fits on everything and calibrates the
 * refusal threshold (best WikiQA answer-triggering F1 with false refusals within their limits)
 * and the strength levels. The same command with the same data writes the same file.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { FEATURES } from '../answer/reader/features.js';
import type { LogisticModel } from '../answer/reader/logistic-regression.js';
import type { ReaderModel } from '../answer/reader/reader.js';
import { loadDotenv } from '../core/config.js';
import { InputError } from '../core/errors.js';
import { CANDIDATES_FILE, labelledQuestions } from './reader-examples.js';
import { crossValidate, DEFAULT_FIT_SETTINGS, fitReader, triggering, type FitSettings, type TriggeringScores } from './reader-fit.js';
import { SQUAD_DEFAULTS } from './squad-command.js';
import { DEFAULT_SEED } from './squad-sample.js';

export const MODEL_FILE = 'src/answer/reader/reader-model.ts';


interface FitFlags {
  wikiqa: string;
  squad: string;
  folds: string;
  l2: string;
  squadWeight: string;
  contrastWeight: string;
  write: boolean;
  reuse?: boolean;
}

export async function fitReaderCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('fit:reader')
    .description('Fit the reader on WikiQA dev and the SQuAD tuning half, report cross-validation, and write the model.')
    .option('--wikiqa <file>', 'the WikiQA TSV file', '../shared/eval/wikiqa/WikiQA-dev.tsv')
    .option('--squad <file>', 'the SQuAD v1.1 file', SQUAD_DEFAULTS.squad)
    .option('--folds <n>', 'cross-validation folds on WikiQA', '5')
    .option('--l2 <x>', 'L2 penalty', String(DEFAULT_FIT_SETTINGS.fit.l2))
    .option('--squad-weight <x>', "SQuAD's total weight relative to WikiQA's", String(DEFAULT_FIT_SETTINGS.datasetWeights.squad))
    .option('--contrast-weight <x>', 'weight of the answer-removed copies of answerable questions in fitting the trigger', String(DEFAULT_FIT_SETTINGS.contrastWeight))
    .option('--no-write', 'report only; do not write the model file')
    .option('--reuse', `reuse the labelled candidates of the last run (${CANDIDATES_FILE}) instead of asking the questions again`)
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<FitFlags>();
  const folds = wholeNumber('--folds', flags.folds, 2);
  const settings: FitSettings = {
    ...DEFAULT_FIT_SETTINGS,
    fit: { ...DEFAULT_FIT_SETTINGS.fit, l2: nonNegative('--l2', flags.l2) },
    datasetWeights: { ...DEFAULT_FIT_SETTINGS.datasetWeights, squad: nonNegative('--squad-weight', flags.squadWeight) },
    contrastWeight: nonNegative('--contrast-weight', flags.contrastWeight),
  };

  await loadDotenv();
  const questions = await labelledQuestions({ wikiqa: flags.wikiqa, squad: flags.squad, reuse: flags.reuse ?? false });
  const count = (name: string) => questions.filter((q) => q.dataset === name).length;
  process.stderr.write(`Labelled ${count('wikiqa')} WikiQA and ${count('squad')} SQuAD questions (${questions.reduce((n, q) => n + q.rows.length, 0)} candidates)\n`);

  const cv = crossValidate(questions, 'wikiqa', folds, DEFAULT_SEED, settings);
  const heldOut = triggering(cv.predictions, 0);
  process.stdout.write(`WikiQA dev, ${folds}-fold cross-validation (held-out folds):\n${formatScores(heldOut)}\n`);
  process.stdout.write(`  fold thresholds: ${cv.thresholds.map((t) => t.toFixed(3)).join(', ')}\n`);

  const squadCv = crossValidate(questions, 'squad', folds, DEFAULT_SEED, settings);
  const squadHeldOut = triggering(squadCv.predictions, 0);
  process.stdout.write(`SQuAD tuning half, ${folds}-fold cross-validation (held-out folds):\n${formatScores(squadHeldOut)}\n`);

  const reader = fitReader(questions, settings, {
    command: 'npm run fit:reader',
    data: { wikiqa: `${count('wikiqa')} questions of WikiQA dev`, squad: `${count('squad')} questions (tuning half of eval:squad's sample, seed ${DEFAULT_SEED})` },
    settings,
    crossValidation: { folds, wikiqa: roundAll(heldOut), squad: roundAll(squadHeldOut) },
  });
  process.stdout.write(`Fitted on all: refusal threshold ${reader.refusalThreshold}, strength levels ${JSON.stringify(reader.strength)}\n`);
  process.stdout.write(weightsTable(reader));
  if (flags.write) {
    await writeFile(path.resolve(MODEL_FILE), modelSource(reader));
    process.stdout.write(`Wrote ${MODEL_FILE}\n`);
  }
  return 0;
}

function formatScores(s: TriggeringScores): string {
  const pct = (x: number) => x.toFixed(3);
  return [
    `  p@1 ${pct(s.precisionAt1)} (ranking alone ${pct(s.rankingPrecisionAt1)}) of ${s.answerable} answerable`,
    `  answered ${s.answered} of ${s.questions}; false refusals ${pct(s.falseRefusals)}; unanswerable declined ${pct(s.declined)}`,
    `  answer triggering: precision ${pct(s.precision)}, recall ${pct(s.recall)}, F1 ${pct(s.f1)}`,
  ].join('\n');
}

function weightsTable(reader: ReaderModel): string {
  const table = (title: string, model: LogisticModel) =>
    `${title} weights (per standard deviation):\n` +
    model.features.map((name, j) => `  ${name.padEnd(20)} ${model.weights[j]!.toFixed(3).padStart(8)}\n`).join('') +
    `  ${'bias'.padEnd(20)} ${model.bias.toFixed(3).padStart(8)}\n`;
  return table('Ranker', reader.ranker) + table('Trigger', reader.trigger);
}

/** The TypeScript module the model is committed as. */
export function modelSource(reader: ReaderModel): string {
  const round = (m: LogisticModel): LogisticModel => ({ ...m, mean: m.mean.map(r6), scale: m.scale.map(r6), weights: m.weights.map(r6), bias: r6(m.bias) });
  const rounded: ReaderModel = { ...reader, ranker: round(reader.ranker), trigger: round(reader.trigger) };
  return [
    '/**',
    ' * The fitted reader, written by `npm run fit:reader` (src/cli/reader-fit-command.ts): do not edit by hand.',
    ` * Features: ${FEATURES.length} (src/answer/reader/features.ts). See \`provenance\` for the data and the cross-validation.`,
    ' */',
    "import type { ReaderModel } from './reader.js';",
    '',
    `export const DEFAULT_READER_MODEL: ReaderModel = ${JSON.stringify(rounded, null, 2)};`,
    '',
  ].join('\n');
}

function r6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function roundAll(scores: TriggeringScores): Record<string, number> {
  return Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]));
}

function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InputError(`${flag} must be a whole number of at least ${min} (got "${value}").`);
  return n;
}

function nonNegative(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InputError(`${flag} must be a number ≥ 0 (got "${value}").`);
  return n;
}
