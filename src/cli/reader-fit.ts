/**
 * Fitting the reader: from labelled questions (each with its candidates' feature rows and which
 * candidates answer it), cross-validate, fit the ranker and the trigger, and calibrate the refusal
 * threshold and the strength levels. Pure functions; `reader-fit-command.ts` does the I/O.
 */
import { fitConditionalLogit } from '../answer/reader/conditional-logit.js';
import { FEATURES } from '../answer/reader/features.js';
import { DEFAULT_FIT, fitLogistic, linearScore, predictProbability, type FitOptions } from '../answer/reader/logistic-regression.js';
import { TRIGGER_FEATURES, triggerRow, type ReaderModel } from '../answer/reader/reader.js';
import { permutation } from './squad-sample.js';

/** The settings `npm run fit:reader` fits with (its flags change l2 and SQuAD's weight). */
export const DEFAULT_FIT_SETTINGS: FitSettings = {
  fit: { ...DEFAULT_FIT, l2: 1 },
  datasetWeights: { wikiqa: 1, squad: 0.5 },
  calibrateOn: 'wikiqa',
  maxFalseRefusals: { wikiqa: 0.1, squad: 0.02 },
  contrastWeight: 0,
  strengthPrecision: { direct: 0.8, likely: 0.6 },
};

/** One question as the fitting sees it. */
export interface LabelledQuestion {
  /** Which data set it comes from ("wikiqa", "squad"). */
  dataset: string;
  question: string;
  /** Whether the corpus answers it at all (some candidate may still miss the answer). */
  answerable: boolean;
  /** One feature row per candidate, in FEATURES order. */
  rows: Float64Array[];
  /** 1 when the candidate holds an answer. */
  labels: Uint8Array;
}

export interface FitSettings {
  fit: FitOptions;
  /** Total weight of each data set's questions relative to the others (default 1 each); each question weighs the same within its set. */
  datasetWeights: Record<string, number>;
  /** The refusal threshold is chosen to maximise answer-triggering F1 on this data set... */
  calibrateOn: string;
  /** ...keeping false refusals at most these shares of each data set's answerable questions. */
  maxFalseRefusals: Record<string, number>;
  /** Weight of each answerable question's contrast (the question without its answering candidates) in fitting the trigger; 0 for none. */
  contrastWeight: number;
  /** Precision (share of answered questions whose first quote answers) at which an answer is `direct` and `likely`. */
  strengthPrecision: { direct: number; likely: number };
}

/** What one question's best candidate was, under some model. */
export interface TopPrediction {
  dataset: string;
  answerable: boolean;
  /** The best candidate's probability (0 when there is none). */
  probability: number;
  /** Whether the best candidate answers the question. */
  correct: boolean;
  /** Whether the question was answered, when a threshold of its own decided it (cross-validation). */
  answered?: boolean;
}

export interface TriggeringScores {
  questions: number;
  answerable: number;
  /** Right first quotes / answerable questions, refusals counted as misses. */
  precisionAt1: number;
  /** The same with no refusals (the ranking alone). */
  rankingPrecisionAt1: number;
  answered: number;
  falseRefusals: number;
  /** Share of unanswerable questions declined. */
  declined: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Each question's weight: the same within a data set, each data set's total as asked (mean weight 1). */
function questionWeights(questions: readonly LabelledQuestion[], datasetWeights: Record<string, number>): number[] {
  const counts = new Map<string, number>();
  for (const q of questions) counts.set(q.dataset, (counts.get(q.dataset) ?? 0) + 1);
  const raw = questions.map((q) => (datasetWeights[q.dataset] ?? 1) / counts.get(q.dataset)!);
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => (w * questions.length) / total);
}

/** The two stages of a reader, fitted on a set of questions (the ranker first, then the trigger on the ranker's best candidates). */
export function fitModels(questions: readonly LabelledQuestion[], settings: FitSettings): Pick<ReaderModel, 'ranker' | 'trigger'> {
  const weights = questionWeights(questions, settings.datasetWeights);
  const ranker = fitConditionalLogit(
    FEATURES,
    questions.map((q, i) => ({ rows: q.rows, labels: q.labels, weight: weights[i]! })),
    settings.fit,
  );
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  const rowWeights: number[] = [];
  questions.forEach((q, i) => {
    const top = rankTop(ranker, q);
    if (!top) return;
    rows.push(top.row);
    labels.push(q.labels[top.best] === 1 ? 1 : 0);
    rowWeights.push(weights[i]!);
    // Its contrast: the same question with its answering sentences taken away — on topic, close in
    // words, and unanswered, the refusal the trigger is hardest pressed to learn from real data alone.
    if (settings.contrastWeight > 0 && q.labels.includes(1)) {
      const kept = q.rows.filter((_, j) => q.labels[j] !== 1);
      const without = rankTop(ranker, { ...q, rows: kept, labels: new Uint8Array(kept.length) });
      if (!without) return;
      rows.push(without.row);
      labels.push(0);
      rowWeights.push(weights[i]! * settings.contrastWeight);
    }
  });
  const trigger = fitLogistic({ features: [...TRIGGER_FEATURES], rows, labels, weights: rowWeights }, settings.fit);
  return { ranker, trigger };
}

/** The ranker's best candidate of a question and the trigger's row for it. */
function rankTop(ranker: ReaderModel['ranker'], q: LabelledQuestion): { best: number; row: Float64Array } | undefined {
  const scores = q.rows.map((row) => linearScore(ranker, row));
  const row = triggerRow(scores, q.rows);
  if (!row) return undefined;
  let best = 0;
  scores.forEach((s, i) => (s > scores[best]! ? (best = i) : undefined));
  return { best, row };
}

/** Each question's best candidate, and the confidence in it, under fitted models. */
export function topPredictions(models: Pick<ReaderModel, 'ranker' | 'trigger'>, questions: readonly LabelledQuestion[]): TopPrediction[] {
  return questions.map((q) => {
    const top = rankTop(models.ranker, q);
    return {
      dataset: q.dataset,
      answerable: q.answerable,
      probability: top ? predictProbability(models.trigger, top.row) : 0,
      correct: top !== undefined && q.labels[top.best] === 1,
    };
  });
}

/** Answer-triggering scores of predictions when questions below `threshold` are declined. */
export function triggering(predictions: readonly TopPrediction[], threshold: number): TriggeringScores {
  const isAnswered = (p: TopPrediction) => p.answered ?? p.probability >= threshold;
  const answerable = predictions.filter((p) => p.answerable);
  const unanswerable = predictions.filter((p) => !p.answerable);
  const answered = predictions.filter(isAnswered);
  const right = answered.filter((p) => p.correct).length;
  const precision = answered.length === 0 ? 0 : right / answered.length;
  const recall = answerable.length === 0 ? 0 : right / answerable.length;
  return {
    questions: predictions.length,
    answerable: answerable.length,
    precisionAt1: recall,
    rankingPrecisionAt1: answerable.length === 0 ? 0 : answerable.filter((p) => p.correct).length / answerable.length,
    answered: answered.length,
    falseRefusals: answerable.length === 0 ? 0 : answerable.filter((p) => !isAnswered(p)).length / answerable.length,
    declined: unanswerable.length === 0 ? 0 : unanswerable.filter((p) => !isAnswered(p)).length / unanswerable.length,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

/**
 * The refusal threshold: the one that maximises answer-triggering F1 on `calibrateOn`'s questions
 * while every data set's false refusals stay within its limit (the lowest such, on a tie).
 */
export function calibrateThreshold(predictions: readonly TopPrediction[], settings: FitSettings): number {
  const byDataset = groupBy(predictions, (p) => p.dataset);
  const target = byDataset.get(settings.calibrateOn) ?? [...predictions];
  const candidates = [0, ...new Set(predictions.map((p) => p.probability))].sort((a, b) => a - b);
  let best = { threshold: 0, f1: -1 };
  for (const threshold of candidates) {
    const within = [...byDataset].every(([name, list]) => triggering(list, threshold).falseRefusals <= (settings.maxFalseRefusals[name] ?? 1));
    if (!within) break; // false refusals only grow with the threshold
    const f1 = triggering(target, threshold).f1;
    if (f1 > best.f1) best = { threshold, f1 };
  }
  return best.threshold;
}

/**
 * The lowest probability such that the questions answered at or above it reach `precision`
 * (counting ties whole, and only once at least ten are answered), but never below `floor`; 1 when
 * no level reaches it.
 */
export function precisionLevel(predictions: readonly TopPrediction[], precision: number, floor: number): number {
  const sorted = [...predictions].filter((p) => p.probability >= floor).sort((a, b) => b.probability - a.probability);
  let right = 0;
  let level = Number.POSITIVE_INFINITY;
  sorted.forEach((p, i) => {
    if (p.correct) right++;
    const endOfTie = i + 1 === sorted.length || sorted[i + 1]!.probability < p.probability;
    if (endOfTie && i >= 9 && right / (i + 1) >= precision) level = p.probability;
  });
  return Number.isFinite(level) ? Math.max(level, floor) : 1;
}

/** The fold (0 … folds − 1) of each of `n` questions: a seeded shuffle dealt round-robin. */
export function foldAssignment(n: number, folds: number, seed: number): Int32Array {
  const fold = new Int32Array(n);
  permutation(n, seed).forEach((question, position) => (fold[question] = position % folds));
  return fold;
}

/**
 * Out-of-fold predictions for `target`'s questions: k folds by question, each fold's reader fitted
 * and calibrated on the other folds plus every other data set.
 */
export function crossValidate(questions: readonly LabelledQuestion[], target: string, folds: number, seed: number, settings: FitSettings) {
  const own = questions.filter((q) => q.dataset === target);
  const rest = questions.filter((q) => q.dataset !== target);
  const foldOf = foldAssignment(own.length, folds, seed);
  const predictions: TopPrediction[] = new Array<TopPrediction>(own.length);
  const thresholds: number[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const reader = fitReader([...rest, ...own.filter((_, i) => foldOf[i] !== fold)], settings, {});
    thresholds.push(reader.refusalThreshold);
    const held = own.map((q, i) => ({ q, i })).filter(({ i }) => foldOf[i] === fold);
    const top = topPredictions(reader, held.map(({ q }) => q));
    held.forEach(({ i }, j) => (predictions[i] = { ...top[j]!, answered: top[j]!.probability >= reader.refusalThreshold }));
  }
  return { predictions, thresholds };
}

/** Fits on everything, calibrates, and returns the reader to commit. */
export function fitReader(questions: readonly LabelledQuestion[], settings: FitSettings, provenance: Record<string, unknown>): ReaderModel {
  const models = fitModels(questions, settings);
  const predictions = topPredictions(models, questions);
  const refusalThreshold = calibrateThreshold(predictions, settings);
  // The strength levels are read on the real questions (SQuAD's, written with the text in view, are easier).
  const real = predictions.filter((p) => p.dataset === settings.calibrateOn);
  const likely = precisionLevel(real, settings.strengthPrecision.likely, refusalThreshold);
  const direct = precisionLevel(real, settings.strengthPrecision.direct, likely);
  return { ...models, refusalThreshold: round(refusalThreshold), strength: { direct: round(direct), likely: round(likely) }, provenance };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item)) ?? [];
    list.push(item);
    groups.set(key(item), list);
  }
  return groups;
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
