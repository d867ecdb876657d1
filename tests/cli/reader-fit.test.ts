/**
 * Fitting the reader (src/cli/reader-fit.ts): answer-triggering scores, threshold calibration,
 * strength levels and folds on hand-made predictions; the fit, the predictions and the
 * cross-validation on a small synthetic set of labelled questions; and the model file's source.
 */
import { describe, expect, it } from 'vitest';
import { FEATURES } from '../../src/answer/reader/features.js';
import { sigmoid, type LogisticModel } from '../../src/answer/reader/logistic-regression.js';
import { FittedReader, TRIGGER_FEATURES, type ReaderModel } from '../../src/answer/reader/reader.js';
import { modelSource } from '../../src/cli/reader-fit-command.js';
import {
  calibrateThreshold,
  crossValidate,
  DEFAULT_FIT_SETTINGS,
  fitModels,
  fitReader,
  foldAssignment,
  precisionLevel,
  topPredictions,
  triggering,
  type FitSettings,
  type LabelledQuestion,
  type TopPrediction,
} from '../../src/cli/reader-fit.js';
import { mulberry32 } from '../../src/cli/squad-sample.js';

function prediction(probability: number, answerable: boolean, correct: boolean, dataset = 'wikiqa', answered?: boolean): TopPrediction {
  return { dataset, answerable, probability, correct, ...(answered !== undefined ? { answered } : {}) };
}

/** Four answerable questions (three ranked right) and two unanswerable ones. */
const SIX = [
  prediction(0.9, true, true),
  prediction(0.7, true, false),
  prediction(0.4, true, true),
  prediction(0.2, true, true),
  prediction(0.6, false, false),
  prediction(0.1, false, false),
];

describe('triggering', () => {
  it('scores the answers above a threshold', () => {
    const s = triggering(SIX, 0.5);
    // Answered: 0.9 (right), 0.7 (wrong), 0.6 (unanswerable).
    expect(s.questions).toBe(6);
    expect(s.answerable).toBe(4);
    expect(s.answered).toBe(3);
    expect(s.precision).toBeCloseTo(1 / 3, 12);
    expect(s.recall).toBeCloseTo(1 / 4, 12);
    expect(s.precisionAt1).toBeCloseTo(1 / 4, 12);
    expect(s.rankingPrecisionAt1).toBeCloseTo(3 / 4, 12);
    expect(s.falseRefusals).toBeCloseTo(2 / 4, 12);
    expect(s.declined).toBeCloseTo(1 / 2, 12);
    expect(s.f1).toBeCloseTo((2 * (1 / 3) * (1 / 4)) / (1 / 3 + 1 / 4), 12);
    expect(s.f1).toBeCloseTo(2 / 7, 12);
  });

  it('answers everything at threshold 0, and a probability equal to the threshold is answered', () => {
    expect(triggering(SIX, 0)).toEqual({
      questions: 6,
      answerable: 4,
      precisionAt1: 0.75,
      rankingPrecisionAt1: 0.75,
      answered: 6,
      falseRefusals: 0,
      declined: 0,
      precision: 0.5,
      recall: 0.75,
      f1: expect.closeTo(0.6, 12),
    });
    const atFour = triggering(SIX, 0.4);
    expect(atFour.answered).toBe(4);
    expect(atFour.recall).toBeCloseTo(2 / 4, 12);
    expect(atFour.precision).toBeCloseTo(2 / 4, 12);
    expect(atFour.falseRefusals).toBeCloseTo(1 / 4, 12);
    // Above every probability: nothing answered, every answerable question a false refusal.
    expect(triggering(SIX, 0.95)).toMatchObject({ answered: 0, precision: 0, recall: 0, f1: 0, falseRefusals: 1, declined: 1, rankingPrecisionAt1: 0.75 });
  });

  it('lets a prediction’s own `answered` override the threshold', () => {
    const overridden = SIX.map((p, i) => (i === 0 ? { ...p, answered: false } : i === 3 ? { ...p, answered: true } : p));
    const s = triggering(overridden, 0.5);
    // Answered: 0.7 (wrong), 0.2 (right, by its own decision), 0.6; 0.9 declined by its own decision.
    expect(s.answered).toBe(3);
    expect(s.precision).toBeCloseTo(1 / 3, 12);
    expect(s.recall).toBeCloseTo(1 / 4, 12);
    expect(s.falseRefusals).toBeCloseTo(2 / 4, 12);
    expect(triggering(overridden, 0).answered).toBe(5);
    expect(triggering(SIX.map((p) => ({ ...p, answered: true })), 1).answered).toBe(6);
  });

  it('gives zeros, not NaN, with nothing to score', () => {
    expect(triggering([], 0.5)).toEqual({
      questions: 0,
      answerable: 0,
      precisionAt1: 0,
      rankingPrecisionAt1: 0,
      answered: 0,
      falseRefusals: 0,
      declined: 0,
      precision: 0,
      recall: 0,
      f1: 0,
    });
    const onlyUnanswerable = triggering([prediction(0.3, false, false)], 0.5);
    expect(onlyUnanswerable.declined).toBe(1);
    expect(onlyUnanswerable.falseRefusals).toBe(0);
    expect(Object.values(onlyUnanswerable).every(Number.isFinite)).toBe(true);
  });
});

const SETTINGS: FitSettings = {
  ...DEFAULT_FIT_SETTINGS,
  calibrateOn: 'wikiqa',
  maxFalseRefusals: { wikiqa: 1, squad: 1 },
};

/**
 * Its F1 by threshold: 0 and 0.2 → 0.5; 0.3 → 4/7; 0.5 → 2/3; 0.6 and 0.8 → 0.8; 0.85 and 0.9 → 0.5
 * (0.6 and 0.85 are thresholds only when the SQuAD predictions below are in the set).
 */
const WIKIQA = [
  prediction(0.9, true, true),
  prediction(0.8, true, true),
  prediction(0.3, true, false),
  prediction(0.5, false, false),
  prediction(0.2, false, false),
];

/** F1 by threshold: 2/3 up to 0.6, 1 above it up to 0.85 (the answerable question answered, the unanswerable one declined). */
const SQUAD = [prediction(0.85, true, true, 'squad'), prediction(0.6, false, false, 'squad')];

describe('calibrateThreshold', () => {
  it('picks the threshold with the best F1 on the calibration set', () => {
    expect(calibrateThreshold(WIKIQA, SETTINGS)).toBe(0.8);
  });

  it('picks the lowest of equally good thresholds', () => {
    // With SQuAD's 0.6 as a candidate, 0.6 and 0.8 both give WikiQA an F1 of 0.8.
    expect(calibrateThreshold([...WIKIQA, ...SQUAD], SETTINGS)).toBe(0.6);
    // Every question answerable and ranked right: answering everything (0) is as good as any.
    expect(calibrateThreshold([prediction(0.3, true, true), prediction(0.7, true, true)], SETTINGS)).toBe(0);
    // No answer right anywhere: F1 is 0 at every threshold, and the lowest is taken.
    expect(calibrateThreshold([prediction(0.3, true, false), prediction(0.7, false, false)], SETTINGS)).toBe(0);
  });

  it('only considers 0 and the predictions’ own probabilities', () => {
    const threshold = calibrateThreshold(WIKIQA, SETTINGS);
    expect([0, ...WIKIQA.map((p) => p.probability)]).toContain(threshold);
    expect(calibrateThreshold([prediction(0.123, true, true), prediction(0.05, false, false)], SETTINGS)).toBe(0.123);
  });

  it('never lets a data set’s false refusals exceed its limit', () => {
    // WikiQA may refuse none of its three answerable questions but may refuse one: 0.8 refuses the 0.3 one (1/3).
    expect(calibrateThreshold(WIKIQA, { ...SETTINGS, maxFalseRefusals: { wikiqa: 0.34 } })).toBe(0.8);
    // At most 0.3: 0.5 already refuses the 0.3 one, so the best allowed is 0.3 (F1 4/7).
    expect(calibrateThreshold(WIKIQA, { ...SETTINGS, maxFalseRefusals: { wikiqa: 0.3 } })).toBe(0.3);
    // SQuAD may refuse none of its answerable questions (0.85 and 0.4): thresholds above 0.4 are out, and
    // of 0, 0.2, 0.3 and 0.4 WikiQA's F1 is best at 0.4 (2/3).
    const both = [...WIKIQA, prediction(0.85, true, true, 'squad'), prediction(0.4, true, true, 'squad')];
    const threshold = calibrateThreshold(both, { ...SETTINGS, maxFalseRefusals: { wikiqa: 1, squad: 0 } });
    expect(threshold).toBe(0.4);
    expect(triggering(both.filter((p) => p.dataset === 'squad'), threshold).falseRefusals).toBe(0);
    expect(calibrateThreshold(both, { ...SETTINGS, maxFalseRefusals: { wikiqa: 1, squad: 0.5 } })).toBe(0.8);
    // Without the limit the same set is calibrated higher.
    expect(calibrateThreshold(both, SETTINGS)).toBe(0.8);
    // A data set without a limit of its own may refuse anything.
    expect(calibrateThreshold(both, { ...SETTINGS, maxFalseRefusals: {} })).toBe(0.8);
  });

  it('maximises F1 on the calibrateOn data set only', () => {
    const both = [...WIKIQA, ...SQUAD];
    expect(calibrateThreshold(both, { ...SETTINGS, calibrateOn: 'wikiqa' })).toBe(0.6);
    // SQuAD's F1 is 1 from just above its unanswerable 0.6 up to 0.85; the lowest candidate there is 0.8.
    expect(calibrateThreshold(both, { ...SETTINGS, calibrateOn: 'squad' })).toBe(0.8);
    expect(calibrateThreshold(SQUAD, { ...SETTINGS, calibrateOn: 'squad' })).toBe(0.85);
    // A data set that is not there: every prediction counts (F1 0.857 at 0.8 over all seven).
    expect(calibrateThreshold(both, { ...SETTINGS, calibrateOn: 'nowhere' })).toBe(0.8);
  });
});

/** Twenty predictions with probabilities 0.95, 0.90, … 0: the first ten right, the rest wrong. */
const TWENTY = Array.from({ length: 20 }, (_, i) => prediction((19 - i) / 20, true, i < 10));

describe('precisionLevel', () => {
  it('is the lowest probability at and above which answers reach the precision', () => {
    // Precision of the top k: 1 up to k = 10, then 10/11, 10/12 = 0.833, 10/13 = 0.769, … 10/16 = 0.625, 10/17 = 0.588.
    expect(precisionLevel(TWENTY, 0.8, 0)).toBe(0.4);
    expect(precisionLevel(TWENTY, 0.6, 0)).toBe(0.2);
    expect(precisionLevel(TWENTY, 1, 0)).toBe(0.5);
    expect(precisionLevel(TWENTY, 0.5, 0)).toBe(0);
  });

  it('looks only at or above the floor', () => {
    expect(precisionLevel(TWENTY, 0.6, 0.35)).toBe(0.35);
    expect(precisionLevel(TWENTY, 0.6, 0.3)).toBe(0.3);
    expect(precisionLevel(TWENTY, 0.8, 0.3)).toBe(0.4);
    expect(precisionLevel(TWENTY, 0.6, 0.96)).toBe(1);
  });

  it('needs at least ten answers, and is 1 where the precision is never reached', () => {
    expect(precisionLevel(TWENTY.slice(0, 9), 0.5, 0)).toBe(1);
    expect(precisionLevel(TWENTY.slice(0, 10), 0.5, 0)).toBe(0.5);
    expect(precisionLevel(TWENTY.map((p) => ({ ...p, correct: false })), 0.1, 0)).toBe(1);
    expect(precisionLevel([], 0.5, 0)).toBe(1);
    // Unanswerable questions answered count against the precision.
    const withUnanswerable = [...TWENTY.slice(0, 10), prediction(0.97, false, false), prediction(0.96, false, false), prediction(0.955, false, false)];
    // Three wrong answers above ten right ones: the precision of all thirteen is 10/13 = 0.769.
    expect(precisionLevel(TWENTY.slice(0, 10), 0.8, 0)).toBe(0.5);
    expect(precisionLevel(withUnanswerable, 0.8, 0)).toBe(1);
    expect(precisionLevel(withUnanswerable, 0.75, 0)).toBe(0.5);
    // Nine answers at or above 0.7.
    expect(precisionLevel(withUnanswerable, 0.75, 0.7)).toBe(1);
  });
});

describe('foldAssignment', () => {
  it('deals every question into exactly one of k balanced folds', () => {
    const folds = foldAssignment(23, 5, 7);
    expect(folds).toBeInstanceOf(Int32Array);
    expect(folds.length).toBe(23);
    const sizes = [0, 0, 0, 0, 0];
    for (const f of folds) {
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(5);
      sizes[f]!++;
    }
    expect(sizes).toEqual([5, 5, 5, 4, 4]);
    expect(Array.from(foldAssignment(10, 2, 3)).filter((f) => f === 0)).toHaveLength(5);
  });

  it('is deterministic for a seed and shuffled', () => {
    expect(foldAssignment(100, 5, 7)).toEqual(foldAssignment(100, 5, 7));
    expect(Array.from(foldAssignment(100, 5, 7))).not.toEqual(Array.from(foldAssignment(100, 5, 8)));
    const folds = foldAssignment(100, 5, 7);
    expect(Array.from(folds)).not.toEqual(Array.from({ length: 100 }, (_, i) => i % 5));
    expect(Array.from(folds.slice(0, 20))).not.toEqual([...folds.slice(0, 20)].sort((a, b) => a - b));
  });
});

const column = (name: (typeof FEATURES)[number]) => FEATURES.indexOf(name);

/**
 * A question of 6 candidates with noise in every feature. When answerable, one candidate (at a
 * random place) answers: its similarity and coverage are high, except in a hard question (one in
 * five), whose candidates are all the same row, so nothing tells the answer apart. An
 * unanswerable question's candidates all look alike.
 */
function syntheticQuestion(random: () => number, dataset: string, answerable: boolean, n: number): LabelledQuestion & { hard: boolean } {
  const answer = answerable ? Math.floor(random() * 6) : -1;
  const hard = answerable && random() < 0.2;
  const candidate = (answers: boolean) => {
    const row = Float64Array.from(FEATURES, () => random());
    row[column('similarity')] = answers ? 0.55 + 0.35 * random() : 0.2 + 0.35 * random();
    row[column('coverage')] = answers ? 0.5 + 0.5 * random() : 0.45 * random();
    row[column('typeWanted')] = 1; // a constant column
    return row;
  };
  const shared = candidate(false);
  const rows = Array.from({ length: 6 }, (_, i) => (hard ? Float64Array.from(shared) : candidate(i === answer)));
  return { dataset, question: `${dataset} question ${n}`, answerable, rows, labels: Uint8Array.from(rows, (_, i) => (i === answer ? 1 : 0)), hard };
}

function syntheticSet(seed: number, counts: Record<string, number>): (LabelledQuestion & { hard: boolean })[] {
  const random = mulberry32(seed);
  return Object.entries(counts).flatMap(([dataset, count]) => Array.from({ length: count }, (_, n) => syntheticQuestion(random, dataset, random() < 0.75, n)));
}

const FAST: FitSettings = { ...DEFAULT_FIT_SETTINGS, fit: { ...DEFAULT_FIT_SETTINGS.fit, maxIterations: 25 } };

describe('topPredictions', () => {
  /** A ranker that scores by similarity alone and a trigger that reads the best candidate's lead. */
  const hand = (features: readonly string[], weights: Record<string, number>, bias: number): LogisticModel => ({
    features: [...features],
    mean: features.map(() => 0),
    scale: features.map(() => 1),
    weights: features.map((f) => weights[f] ?? 0),
    bias,
  });
  const models = { ranker: hand(FEATURES, { similarity: 1 }, 0), trigger: hand(TRIGGER_FEATURES, { margin: 2 }, -1) };
  const row = (similarity: number) => {
    const r = new Float64Array(FEATURES.length);
    r[column('similarity')] = similarity;
    return r;
  };
  const question = (similarities: number[], answer: number, answerable = true): LabelledQuestion => ({
    dataset: 'squad',
    question: 'q',
    answerable,
    rows: similarities.map(row),
    labels: Uint8Array.from(similarities, (_, i) => (i === answer ? 1 : 0)),
  });

  it('is right only when the best-ranked candidate answers, with the trigger’s probability for it', () => {
    const [right, wrong, none] = topPredictions(models, [question([0.2, 0.9, 0.4], 1), question([0.2, 0.9, 0.4], 2), question([0.3, 0.1], -1, false)]);
    // The best leads by 0.9 − 0.4.
    expect(right).toEqual({ dataset: 'squad', answerable: true, probability: expect.closeTo(sigmoid(2 * 0.5 - 1), 12), correct: true });
    expect(wrong).toMatchObject({ answerable: true, correct: false });
    expect(wrong!.probability).toBeCloseTo(right!.probability, 12);
    expect(none).toEqual({ dataset: 'squad', answerable: false, probability: expect.closeTo(sigmoid(2 * 0.2 - 1), 12), correct: false });
  });
});

describe('fitting on labelled questions', () => {
  const train = syntheticSet(101, { wikiqa: 60, squad: 40 });
  const test = syntheticSet(202, { wikiqa: 60 });
  const models = fitModels(train, FAST);

  it('fits a ranker on the candidate features and a trigger on the trigger features', () => {
    expect(models.ranker.features).toEqual([...FEATURES]);
    expect(models.trigger.features).toEqual([...TRIGGER_FEATURES]);
    expect(models.ranker.bias).toBe(0);
    expect(models.ranker.weights[column('similarity')]).toBeGreaterThan(0.5);
    expect(models.ranker.weights[column('coverage')]).toBeGreaterThan(0.5);
    expect(models.ranker.weights[column('typeWanted')]).toBeCloseTo(0, 10);
    const noise = models.ranker.weights.filter((_, j) => j !== column('similarity') && j !== column('coverage'));
    expect(Math.max(...noise.map(Math.abs))).toBeLessThan(Math.min(models.ranker.weights[column('similarity')]!, models.ranker.weights[column('coverage')]!));
    // The trigger trusts a best candidate close to the question.
    const trigger = (name: string) => models.trigger.weights[(TRIGGER_FEATURES as readonly string[]).indexOf(name)]!;
    expect(trigger('similarity') + trigger('coverage')).toBeGreaterThan(0);
  });

  it('ranks the answer first in most held-out questions and is more confident in answerable ones', () => {
    const top = topPredictions(models, test);
    expect(top).toHaveLength(test.length);
    const answerable = test.map((q, i) => ({ q, p: top[i]! })).filter(({ q }) => q.answerable);
    const unanswerable = test.map((q, i) => ({ q, p: top[i]! })).filter(({ q }) => !q.answerable);
    expect(answerable.length).toBeGreaterThan(30);
    expect(unanswerable.length).toBeGreaterThan(5);
    const easy = answerable.filter(({ q }) => !q.hard);
    expect(easy.length).toBeGreaterThan(25);
    expect(easy.filter(({ p }) => p.correct).length / easy.length).toBeGreaterThan(0.9);
    expect(answerable.filter(({ p }) => p.correct).length / answerable.length).toBeGreaterThan(0.7);
    expect(unanswerable.every(({ p }) => !p.correct)).toBe(true);
    top.forEach((p, i) => {
      expect(p.dataset).toBe('wikiqa');
      expect(p.answerable).toBe(test[i]!.answerable);
      expect(p.probability).toBeGreaterThanOrEqual(0);
      expect(p.probability).toBeLessThanOrEqual(1);
      expect(p.answered).toBeUndefined();
    });
    const meanOf = (list: { p: TopPrediction }[]) => list.reduce((sum, { p }) => sum + p.probability, 0) / list.length;
    expect(meanOf(answerable)).toBeGreaterThan(meanOf(unanswerable) + 0.2);
  });

  it('fits the trigger on whether the ranker’s best candidate answers, each question weighted by its data set', () => {
    // The trigger's bias is not penalised, so at its optimum the weighted mean of its probabilities
    // over the questions it was fitted on equals the weighted share of those whose best candidate is right.
    const settings: FitSettings = { ...FAST, datasetWeights: { wikiqa: 1, squad: 0.2 } };
    const fitted = fitModels(train, settings);
    const top = topPredictions(fitted, train);
    const counts = { wikiqa: train.filter((q) => q.dataset === 'wikiqa').length, squad: train.filter((q) => q.dataset === 'squad').length };
    const weight = (p: TopPrediction) => (p.dataset === 'wikiqa' ? 1 / counts.wikiqa : 0.2 / counts.squad);
    const weightedMean = (value: (p: TopPrediction) => number) => top.reduce((sum, p) => sum + weight(p) * value(p), 0) / top.reduce((sum, p) => sum + weight(p), 0);
    const rightShare = weightedMean((p) => (p.correct ? 1 : 0));
    expect(weightedMean((p) => p.probability)).toBeCloseTo(rightShare, 6);
    // Not the share of answerable questions: some of those the ranker gets wrong.
    expect(weightedMean((p) => (p.answerable ? 1 : 0))).toBeGreaterThan(rightShare + 0.01);
  });

  it('gives a question with no candidate no confidence and no right answer', () => {
    const empty: LabelledQuestion = { dataset: 'wikiqa', question: 'nothing', answerable: true, rows: [], labels: new Uint8Array(0) };
    expect(topPredictions(models, [empty])).toEqual([{ dataset: 'wikiqa', answerable: true, probability: 0, correct: false }]);
    // And fitting passes over it.
    expect(() => fitModels([...train, empty], FAST)).not.toThrow();
  });

  it('changes the trigger with contrast copies of answerable questions', () => {
    const contrasted = fitModels(train, { ...FAST, contrastWeight: 1 });
    expect(contrasted.ranker).toEqual(models.ranker);
    expect(contrasted.trigger.weights).not.toEqual(models.trigger.weights);
  });

  it('fits a reader: calibrated, with strength levels above the threshold, rounded, and usable', () => {
    const reader = fitReader(train, FAST, { note: 'synthetic' });
    expect(reader.provenance).toEqual({ note: 'synthetic' });
    expect(reader.refusalThreshold).toBeGreaterThanOrEqual(0);
    expect(reader.refusalThreshold).toBeLessThan(1);
    expect(reader.strength.likely).toBeGreaterThanOrEqual(reader.refusalThreshold);
    expect(reader.strength.direct).toBeGreaterThanOrEqual(reader.strength.likely);
    for (const x of [reader.refusalThreshold, reader.strength.likely, reader.strength.direct]) expect(Math.round(x * 1e4) / 1e4).toBe(x);
    // The threshold is the calibration of the reader's own predictions on the set, rounded.
    const predictions = topPredictions(reader, train);
    expect(reader.refusalThreshold).toBeCloseTo(calibrateThreshold(predictions, FAST), 4);
    // Within the false-refusal limits.
    for (const dataset of ['wikiqa', 'squad']) {
      const own = predictions.filter((p) => p.dataset === dataset);
      expect(triggering(own, calibrateThreshold(predictions, FAST)).falseRefusals).toBeLessThanOrEqual(FAST.maxFalseRefusals[dataset]!);
    }
    expect(reader.ranker).toEqual(models.ranker);
    expect(() => new FittedReader(reader)).not.toThrow();
  });

  it('cross-validates: one out-of-fold prediction per question of the target set, answered by its fold’s threshold', () => {
    const { predictions, thresholds } = crossValidate(train, 'wikiqa', 3, 7, FAST);
    const own = train.filter((q) => q.dataset === 'wikiqa');
    expect(predictions).toHaveLength(own.length);
    expect(thresholds).toHaveLength(3);
    const folds = foldAssignment(own.length, 3, 7);
    predictions.forEach((p, i) => {
      expect(p).toBeDefined();
      expect(p.dataset).toBe('wikiqa');
      expect(p.answerable).toBe(own[i]!.answerable);
      expect(p.answered).toBe(p.probability >= thresholds[folds[i]!]!);
    });
    const s = triggering(predictions, 0);
    expect(s.rankingPrecisionAt1).toBeGreaterThan(0.7);
    // Held out, not memorised: a fold's predictions come from a model not fitted on them.
    const folded = fitReader([...train.filter((q) => q.dataset !== 'wikiqa'), ...own.filter((_, i) => folds[i] !== 0)], FAST, {});
    const heldOut = own.map((q, i) => ({ q, i })).filter(({ i }) => folds[i] === 0);
    const direct = topPredictions(folded, heldOut.map(({ q }) => q));
    heldOut.forEach(({ i }, j) => expect(predictions[i]!.probability).toBeCloseTo(direct[j]!.probability, 12));
    expect(thresholds[0]).toBe(folded.refusalThreshold);
  });
});

describe('DEFAULT_FIT_SETTINGS', () => {
  it('is a sensible setting', () => {
    const s = DEFAULT_FIT_SETTINGS;
    expect(s.fit.l2).toBeGreaterThan(0);
    expect(s.fit.maxIterations).toBeGreaterThan(0);
    expect(s.fit.tolerance).toBeGreaterThan(0);
    expect(s.fit.tolerance).toBeLessThan(1e-3);
    expect(Object.keys(s.datasetWeights)).toContain(s.calibrateOn);
    expect(Object.keys(s.maxFalseRefusals).sort()).toEqual(Object.keys(s.datasetWeights).sort());
    for (const limit of Object.values(s.maxFalseRefusals)) {
      expect(limit).toBeGreaterThan(0);
      expect(limit).toBeLessThan(0.5);
    }
    for (const weight of Object.values(s.datasetWeights)) expect(weight).toBeGreaterThan(0);
    expect(s.contrastWeight).toBeGreaterThanOrEqual(0);
    expect(s.strengthPrecision.direct).toBeGreaterThan(s.strengthPrecision.likely);
    expect(s.strengthPrecision.likely).toBeGreaterThan(0);
    expect(s.strengthPrecision.direct).toBeLessThanOrEqual(1);
  });
});

describe('modelSource', () => {
  const precise = (seed: number, n: number) => {
    const random = mulberry32(seed);
    return Array.from({ length: n }, () => (random() - 0.3) * 3.123456789);
  };
  const reader: ReaderModel = {
    ranker: { features: [...FEATURES], mean: precise(1, FEATURES.length), scale: precise(2, FEATURES.length).map(Math.abs), weights: precise(3, FEATURES.length), bias: 0 },
    trigger: { features: [...TRIGGER_FEATURES], mean: precise(4, TRIGGER_FEATURES.length), scale: precise(5, TRIGGER_FEATURES.length).map(Math.abs), weights: precise(6, TRIGGER_FEATURES.length), bias: -1.23456789 },
    refusalThreshold: 0.4321,
    strength: { direct: 0.8765, likely: 0.6543 },
    provenance: { command: 'npm run fit:reader', crossValidation: { folds: 5, wikiqa: { f1: 0.7616 } } },
  };

  it('writes a module that exports DEFAULT_READER_MODEL with the model, numbers rounded to six places', () => {
    const source = modelSource(reader);
    expect(source).toContain('export const DEFAULT_READER_MODEL: ReaderModel = {');
    expect(source).toContain("import type { ReaderModel } from './reader.js';");
    expect(source).toContain(`Features: ${FEATURES.length}`);
    expect(source.startsWith('/**')).toBe(true);
    expect(source.endsWith('};\n')).toBe(true);
    const start = source.indexOf('= {') + 2;
    const parsed = JSON.parse(source.slice(start, source.lastIndexOf(';'))) as ReaderModel;
    const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
    const round = (m: ReaderModel['ranker']) => ({ features: m.features, mean: m.mean.map(r6), scale: m.scale.map(r6), weights: m.weights.map(r6), bias: r6(m.bias) });
    expect(parsed).toEqual({ ...reader, ranker: round(reader.ranker), trigger: round(reader.trigger) });
    expect(parsed.trigger.bias).toBe(-1.234568);
    expect(parsed.ranker.weights).not.toEqual(reader.ranker.weights);
    parsed.ranker.weights.forEach((w, j) => expect(Math.abs(w - reader.ranker.weights[j]!)).toBeLessThanOrEqual(5e-7));
    expect(() => new FittedReader(parsed)).not.toThrow();
  });

  it('writes the same source for the same model', () => {
    expect(modelSource(reader)).toBe(modelSource(structuredClone(reader)));
  });
});
