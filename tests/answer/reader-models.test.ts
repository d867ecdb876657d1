/**
 * The reader's fitted models on synthetic data drawn from known models (logistic regression,
 * conditional logit), the trigger row and the fitted reader's judgement, and the discourse and
 * vagueness cues that feed the features.
 */
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../src/answer/candidates.js';
import { isLeadIn, refersBack } from '../../src/answer/discourse.js';
import { isVague } from '../../src/answer/question.js';
import { fitConditionalLogit, softmax, type ChoiceGroup } from '../../src/answer/reader/conditional-logit.js';
import { FEATURES, type QuestionProfile } from '../../src/answer/reader/features.js';
import {
  DEFAULT_FIT,
  fitLogistic,
  linearScore,
  predictProbability,
  sigmoid,
  type LogisticModel,
} from '../../src/answer/reader/logistic-regression.js';
import { DEFAULT_READER_MODEL } from '../../src/answer/reader/reader-model.js';
import { FittedReader, TRIGGER_FEATURES, triggerRow, type ReaderModel } from '../../src/answer/reader/reader.js';
import type { StoredArticle } from '../../src/index/snapshot.js';
import { mulberry32 } from '../../src/cli/squad-sample.js';

/** A standard normal deviate (Box–Muller) from a seeded uniform source. */
function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const TRUE_BIAS = -0.5;
const TRUE_WEIGHTS = [2, -1, 0];

/** A TrainingSet with plain arrays. */
interface SyntheticSet {
  features: string[];
  rows: number[][];
  labels: number[];
}

/** Rows (x1 ~ N(0,1), x2 ~ U(0,3), x3 ~ N(5,2) noise) with labels drawn from sigmoid(TRUE_BIAS + TRUE_WEIGHTS·x). */
function syntheticSet(n: number, seed: number): SyntheticSet {
  const random = mulberry32(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [normal(random), 3 * random(), 5 + 2 * normal(random)];
    const z = TRUE_BIAS + row.reduce((sum, x, j) => sum + TRUE_WEIGHTS[j]! * x, 0);
    rows.push(row);
    labels.push(random() < sigmoid(z) ? 1 : 0);
  }
  return { features: ['x1', 'x2', 'x3'], rows, labels };
}

/** A model's weights and bias on the raw (unstandardised) features. */
function rawCoefficients(model: LogisticModel): { weights: number[]; bias: number } {
  const weights = model.weights.map((w, j) => w / model.scale[j]!);
  const bias = model.bias - weights.reduce((sum, w, j) => sum + w * model.mean[j]!, 0);
  return { weights, bias };
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const norm = (values: readonly number[]) => Math.sqrt(values.reduce((a, b) => a + b * b, 0));

describe('sigmoid, linearScore and predictProbability', () => {
  it('is the logistic function, symmetric about 0', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(sigmoid(-2)).toBeCloseTo(1 / (1 + Math.exp(2)), 12);
    for (const z of [0.1, 1, 3.5, 12]) expect(sigmoid(z) + sigmoid(-z)).toBeCloseTo(1, 12);
    expect(sigmoid(-40)).toBeCloseTo(Math.exp(-40), 25);
  });

  it('stays finite and in [0, 1] for large |z|', () => {
    for (const z of [750, 1000, 1e6, Number.MAX_VALUE]) {
      expect(sigmoid(z)).toBe(1);
      expect(sigmoid(-z)).toBe(0);
    }
    expect(sigmoid(-700)).toBeGreaterThan(0);
    expect(sigmoid(-700)).toBeLessThan(1e-300);
    expect(sigmoid(700)).toBe(1);
    expect(Number.isNaN(sigmoid(800))).toBe(false);
    expect(Number.isNaN(sigmoid(-800))).toBe(false);
  });

  it('scores a row on standardised features: bias + Σ w (x − mean) / scale', () => {
    const model: LogisticModel = { features: ['a', 'b'], mean: [1, 10], scale: [2, 5], weights: [3, -1], bias: 0.5 };
    // 0.5 + 3 (5 − 1) / 2 − (20 − 10) / 5 = 0.5 + 6 − 2
    expect(linearScore(model, [5, 20])).toBeCloseTo(4.5, 12);
    expect(linearScore(model, Float64Array.from([1, 10]))).toBeCloseTo(0.5, 12);
    expect(predictProbability(model, [5, 20])).toBeCloseTo(sigmoid(4.5), 12);
    expect(predictProbability({ ...model, bias: 1000 }, [1, 10])).toBe(1);
  });
});

describe('fitLogistic', () => {
  const set = syntheticSet(4000, 11);
  const model = fitLogistic(set, { ...DEFAULT_FIT, l2: 0.01 });

  it('recovers the sign and size of the weights of the model the labels were drawn from', () => {
    expect(model.features).toEqual(['x1', 'x2', 'x3']);
    const { weights, bias } = rawCoefficients(model);
    expect(weights[0]).toBeGreaterThan(1.6);
    expect(weights[0]).toBeLessThan(2.4);
    expect(weights[1]).toBeLessThan(-0.75);
    expect(weights[1]).toBeGreaterThan(-1.25);
    expect(Math.abs(weights[2]!)).toBeLessThan(0.08);
    expect(bias).toBeGreaterThan(TRUE_BIAS - 0.5);
    expect(bias).toBeLessThan(TRUE_BIAS + 0.5);
    // Standardisation: the means and standard deviations of the columns.
    expect(model.mean[0]).toBeCloseTo(0, 1);
    expect(model.mean[1]).toBeCloseTo(1.5, 1);
    expect(model.mean[2]).toBeCloseTo(5, 0);
    expect(model.scale[0]).toBeCloseTo(1, 1);
    expect(model.scale[1]).toBeCloseTo(Math.sqrt(0.75), 1);
    expect(model.scale[2]).toBeCloseTo(2, 0);
  });

  it('gives calibrated probabilities', () => {
    const predicted = set.rows.map((row) => predictProbability(model, row));
    // With an unpenalised bias, the mean prediction equals the observed rate at the optimum.
    expect(mean(predicted)).toBeCloseTo(mean(set.labels), 6);
    // And within bands of predicted probability, the observed rate is close to the predicted one.
    for (const [low, high] of [
      [0, 0.2],
      [0.2, 0.4],
      [0.4, 0.6],
      [0.6, 0.8],
      [0.8, 1],
    ] as const) {
      const band = predicted.map((p, i) => ({ p, y: set.labels[i]! })).filter(({ p }) => p >= low && p < high);
      expect(band.length).toBeGreaterThan(100);
      expect(Math.abs(mean(band.map((b) => b.p)) - mean(band.map((b) => b.y)))).toBeLessThan(0.05);
    }
    // The true model's probabilities, on fresh rows, are matched closely.
    const fresh = syntheticSet(500, 12);
    for (const row of fresh.rows.slice(0, 50)) {
      const truth = sigmoid(TRUE_BIAS + row.reduce((sum, x, j) => sum + TRUE_WEIGHTS[j]! * x, 0));
      expect(Math.abs(predictProbability(model, row) - truth)).toBeLessThan(0.08);
    }
  });

  it('is deterministic', () => {
    expect(fitLogistic(set, { ...DEFAULT_FIT, l2: 0.01 })).toEqual(model);
  });

  it('weighs rows: weighting the positives raises the bias by about the log of the weight', () => {
    const weights = set.labels.map((y) => (y === 1 ? 5 : 1));
    const weighted = fitLogistic({ ...set, weights }, { ...DEFAULT_FIT, l2: 0.01 });
    const shift = rawCoefficients(weighted).bias - rawCoefficients(model).bias;
    expect(shift).toBeGreaterThan(Math.log(5) - 0.3);
    expect(shift).toBeLessThan(Math.log(5) + 0.3);
    // The slopes are those of the same model.
    expect(rawCoefficients(weighted).weights[0]).toBeCloseTo(rawCoefficients(model).weights[0]!, 0);
    // Explicit weights of 1 are no weights.
    const ones = fitLogistic({ ...set, weights: set.labels.map(() => 1) }, { ...DEFAULT_FIT, l2: 0.01 });
    expect(ones.bias).toBeCloseTo(model.bias, 10);
    expect(ones.weights[0]).toBeCloseTo(model.weights[0]!, 10);
  });

  it('treats a row of weight 2 as that row twice (unpenalised fit)', () => {
    const small = syntheticSet(300, 5);
    const doubled = small.rows.map((_, i) => (i % 3 === 0 ? 2 : 1));
    const weighted = fitLogistic({ ...small, weights: doubled }, { ...DEFAULT_FIT, l2: 0 });
    const repeatedRows = small.rows.flatMap((row, i) => (i % 3 === 0 ? [row, row] : [row]));
    const repeatedLabels = small.labels.flatMap((y, i) => (i % 3 === 0 ? [y, y] : [y]));
    const repeated = fitLogistic({ features: small.features, rows: repeatedRows, labels: repeatedLabels }, { ...DEFAULT_FIT, l2: 0 });
    for (const row of small.rows.slice(0, 20)) expect(predictProbability(weighted, row)).toBeCloseTo(predictProbability(repeated, row), 8);
    // Weighted differently from plain, as it must be.
    const plain = fitLogistic(small, { ...DEFAULT_FIT, l2: 0 });
    expect(Math.abs(plain.bias - weighted.bias) + Math.abs(plain.weights[0]! - weighted.weights[0]!)).toBeGreaterThan(1e-3);
  });

  it('shrinks the weights, not the bias, under a larger L2 penalty', () => {
    const loose = fitLogistic(set, { ...DEFAULT_FIT, l2: 0.01 });
    const tight = fitLogistic(set, { ...DEFAULT_FIT, l2: 500 });
    const tighter = fitLogistic(set, { ...DEFAULT_FIT, l2: 1e7 });
    expect(norm(tight.weights)).toBeLessThan(0.8 * norm(loose.weights));
    expect(norm(tighter.weights)).toBeLessThan(1e-3);
    // Weights near 0: the bias alone gives the base rate.
    const rate = mean(set.labels);
    expect(tighter.bias).toBeCloseTo(Math.log(rate / (1 - rate)), 2);
  });

  it('gives a constant column a scale of 1 and no weight', () => {
    const rows = set.rows.slice(0, 500).map((row) => [row[0]!, 7]);
    const fitted = fitLogistic({ features: ['x1', 'constant'], rows, labels: set.labels.slice(0, 500) });
    expect(fitted.mean[1]).toBeCloseTo(7, 12);
    expect(fitted.scale[1]).toBe(1);
    expect(fitted.weights[1]).toBeCloseTo(0, 12);
    expect(fitted.weights.every(Number.isFinite) && Number.isFinite(fitted.bias)).toBe(true);
    expect(fitted.weights[0]).toBeGreaterThan(1);
    expect(predictProbability(fitted, [0.5, 7])).toBeCloseTo(predictProbability(fitted, [0.5, 9]), 12);
  });

  it('fits separable data to finite weights (the penalty keeps them bounded)', () => {
    const rows = [[-2], [-1], [1], [2]];
    const fitted = fitLogistic({ features: ['x'], rows, labels: [0, 0, 1, 1] });
    expect(Number.isFinite(fitted.weights[0]!)).toBe(true);
    expect(predictProbability(fitted, [2])).toBeGreaterThan(0.5);
    expect(predictProbability(fitted, [-2])).toBeLessThan(0.5);
  });

  it('rejects an empty, ragged, mislabelled or one-class set', () => {
    const features = ['a', 'b'];
    expect(() => fitLogistic({ features, rows: [], labels: [] })).toThrow(/no rows/);
    expect(() => fitLogistic({ features, rows: [[1, 2], [3]], labels: [0, 1] })).toThrow(/Row 1 has 1 features, expected 2/);
    expect(() => fitLogistic({ features, rows: [[1, 2], [3, 4]], labels: [0, 2] })).toThrow(/Label 1 is 2, expected 0 or 1/);
    expect(() => fitLogistic({ features, rows: [[1, 2], [3, 4]], labels: [0.5, 1] })).toThrow(/Label 0/);
    expect(() => fitLogistic({ features, rows: [[1, 2], [3, 4]], labels: [1, 1] })).toThrow(/one class/);
    expect(() => fitLogistic({ features, rows: [[1, 2], [3, 4]], labels: [0, 0] })).toThrow(/one class/);
    expect(() => fitLogistic({ features, rows: [[1, 2], [3, 4]], labels: [0] })).toThrow(/differ in length/);
    expect(() => fitLogistic({ features, rows: [[1, 2], [3, 4]], labels: [0, 1], weights: [1] })).toThrow(/differ in length/);
    for (const bad of [() => fitLogistic({ features, rows: [], labels: [] }), () => fitLogistic({ features, rows: [[1, 2]], labels: [1] })]) {
      expect(bad).toThrow(RangeError);
    }
  });
});

describe('softmax', () => {
  it('gives shares that sum to 1, in the order of the scores', () => {
    const shares = softmax([1, 2, 3]);
    expect(shares).toBeInstanceOf(Float64Array);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const total = e[0]! + e[1]! + e[2]!;
    expect(Array.from(shares)).toEqual(e.map((x) => expect.closeTo(x / total, 12)));
    expect(Array.from(softmax([4]))).toEqual([1]);
    expect(softmax([]).length).toBe(0);
  });

  it('is stable for large scores and unchanged by a shift', () => {
    const big = softmax([1000, 1000, 0]);
    expect(Array.from(big)).toEqual([0.5, 0.5, expect.closeTo(0, 12)]);
    const low = softmax([-1000, -1001]);
    expect(low[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(Array.from(softmax([801, 802, 803]))).toEqual(Array.from(softmax([1, 2, 3])).map((x) => expect.closeTo(x, 12)));
    expect(Array.from(big).every(Number.isFinite)).toBe(true);
  });
});

/** Groups of `size` candidates: feature 0 decides the answer (the best of x0 plus a little noise), feature 1 is noise. */
function choiceGroups(count: number, size: number, seed: number, flip = false): (ChoiceGroup & { answer: number })[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const rows = Array.from({ length: size }, () => [normal(random), normal(random)]);
    const noisy = rows.map((row) => (flip ? -1 : 1) * row[0]! + 0.3 * normal(random));
    const answer = noisy.indexOf(Math.max(...noisy));
    const labels = rows.map((_, i) => (i === answer ? 1 : 0));
    return { rows, labels, answer };
  });
}

const argmax = (scores: readonly number[]) => scores.indexOf(Math.max(...scores));

describe('fitConditionalLogit', () => {
  const train = choiceGroups(300, 5, 21);
  const model = fitConditionalLogit(['decides', 'noise'], train, DEFAULT_FIT);

  it('learns a positive weight for the deciding feature and a near-zero one for noise', () => {
    expect(model.features).toEqual(['decides', 'noise']);
    expect(model.bias).toBe(0);
    expect(model.weights[0]).toBeGreaterThan(2);
    expect(Math.abs(model.weights[1]!)).toBeLessThan(0.3);
    expect(Math.abs(model.weights[1]!)).toBeLessThan(model.weights[0]! / 8);
  });

  it('picks the answer of most held-out groups', () => {
    const test = choiceGroups(200, 5, 22);
    const right = test.filter((g) => argmax(g.rows.map((row) => linearScore(model, row))) === g.answer).length;
    // The answer is the best of x0 plus noise, so even the best rule (the largest x0) misses some.
    const oracle = test.filter((g) => argmax(g.rows.map((row) => row[0]!)) === g.answer).length;
    expect(right / test.length).toBeGreaterThan(0.75);
    expect(right).toBeGreaterThanOrEqual(oracle - 4);
  });

  it('skips groups with no answer or only answers', () => {
    // Extreme rows that would change the fit (and the standardisation) if they counted.
    const noAnswer: ChoiceGroup = { rows: [[50, -50], [60, 40]], labels: [0, 0] };
    const allAnswers: ChoiceGroup = { rows: [[-50, 30], [-60, 20]], labels: [1, 1] };
    const withSkipped = fitConditionalLogit(['decides', 'noise'], [noAnswer, ...train, allAnswers], DEFAULT_FIT);
    expect(withSkipped).toEqual(model);
  });

  it('throws when no group has both an answer and another candidate', () => {
    expect(() => fitConditionalLogit(['a'], [], DEFAULT_FIT)).toThrow(RangeError);
    expect(() =>
      fitConditionalLogit(['a'], [{ rows: [[1], [2]], labels: [0, 0] }, { rows: [[1]], labels: [1] }, { rows: [[3], [4]], labels: [1, 1] }], DEFAULT_FIT),
    ).toThrow(/no group with both/);
  });

  it('weighs groups: the heavier of two disagreeing sets of groups decides the sign', () => {
    const agree = choiceGroups(100, 4, 31);
    const disagree = choiceGroups(100, 4, 32, true);
    const fit = (agreeWeight: number, disagreeWeight: number) =>
      fitConditionalLogit(['decides', 'noise'], [...agree.map((g) => ({ ...g, weight: agreeWeight })), ...disagree.map((g) => ({ ...g, weight: disagreeWeight }))], DEFAULT_FIT);
    expect(fit(10, 1).weights[0]).toBeGreaterThan(0.5);
    expect(fit(1, 10).weights[0]).toBeLessThan(-0.5);
    // No weight is weight 1.
    const unweighted = fitConditionalLogit(['decides', 'noise'], [...agree, ...disagree], DEFAULT_FIT);
    expect(fit(1, 1).weights[0]).toBeCloseTo(unweighted.weights[0]!, 10);
  });

  it('matches a known optimum: two-candidate groups are a logistic regression on the difference', () => {
    // With two candidates, P(first) = sigmoid(w·(x1 − x2)): the conditional logit and a logistic
    // regression without intercept on differences share their optimum (same standardisation, l2 = 0).
    const random = mulberry32(41);
    const groups: ChoiceGroup[] = Array.from({ length: 400 }, () => {
      const rows = [[normal(random)], [normal(random)]];
      const firstWins = random() < sigmoid(1.5 * (rows[0]![0]! - rows[1]![0]!));
      return { rows, labels: firstWins ? [1, 0] : [0, 1] };
    });
    const fitted = fitConditionalLogit(['x'], groups, { ...DEFAULT_FIT, l2: 0 });
    const raw = fitted.weights[0]! / fitted.scale[0]!;
    expect(raw).toBeGreaterThan(1.1);
    expect(raw).toBeLessThan(1.9);
    // The gradient of the log-likelihood vanishes at the fitted weight.
    let gradient = 0;
    for (const g of groups) {
      const d = (g.rows[0]![0]! - g.rows[1]![0]!) / fitted.scale[0]!;
      gradient += d * (g.labels[0]! - sigmoid(fitted.weights[0]! * d));
    }
    expect(Math.abs(gradient)).toBeLessThan(1e-6);
  });
});

/** A short article of three sentences in one paragraph, enough to hang candidates on. */
function tinyArticle(): StoredArticle {
  const sentences = ['Officials met in Helsinki on Monday.', 'The talks lasted four hours.', 'No agreement was announced afterwards.'];
  const text = sentences.join(' ');
  let at = 0;
  return {
    id: '000_0123456789abcdef',
    path: '000_0123456789abcdef.txt',
    title: 'Officials meet in Helsinki',
    contentHash: 'a'.repeat(64),
    text,
    blocks: [{ kind: 'paragraph', start: 0, end: text.length }],
    sentences: sentences.map((s, index) => {
      const start = text.indexOf(s, at);
      at = start + s.length;
      return { start, end: at, index, kinds: 0 };
    }),
  };
}

function candidatesOf(article: StoredArticle): Candidate[] {
  return article.sentences.map((sentence, i) => ({
    article,
    sentence,
    text: article.text.slice(sentence.start, sentence.end),
    vector: Float32Array.from([1, 0]),
    similarity: 0.5 + 0.1 * i,
    passage: 0.6,
    rank: 0,
    neighbour: 0.4,
    articleTerms: new Set(['talk']),
  }));
}

const PROFILE: QuestionProfile = { terms: new Map([['talk', 0.5]]), type: 'other', definitional: false, wantedKinds: 0, names: [], text: 'How long did the talks last?' };

/** A feature row whose value at column j is 100 × candidate + j (so the trigger row's lookups can be read back). */
const labelledRow = (candidate: number) => Float64Array.from(FEATURES, (_, j) => 100 * candidate + j);

/** Where a trigger feature stands in the trigger's row (-1 if it is not one). */
const triggerIndex = (name: string) => (TRIGGER_FEATURES as readonly string[]).indexOf(name);

/** The trigger features that describe the ranking rather than one candidate. */
const RANKING_SIGNALS = ['topScore', 'topShare', 'margin'];

describe('triggerRow', () => {
  it('reads the best-scored candidate: its lead over the second (and score and share, where used) and its own features, in TRIGGER_FEATURES order', () => {
    const scores = [1, 3, 2.5];
    const features = [labelledRow(0), labelledRow(1), labelledRow(2)];
    const row = triggerRow(scores, features)!;
    expect(row).toBeInstanceOf(Float64Array);
    expect(row.length).toBe(TRIGGER_FEATURES.length);
    expect(row[triggerIndex('margin')]).toBeCloseTo(0.5, 12);
    if (triggerIndex('topScore') >= 0) expect(row[triggerIndex('topScore')]).toBe(3);
    if (triggerIndex('topShare') >= 0) expect(row[triggerIndex('topShare')]).toBeCloseTo(softmax(scores)[1]!, 12);
    const own = TRIGGER_FEATURES.filter((name) => !RANKING_SIGNALS.includes(name));
    expect(own.length).toBeGreaterThan(0);
    for (const name of own) {
      expect((FEATURES as readonly string[]).includes(name), name).toBe(true);
      expect(row[triggerIndex(name)], name).toBe(100 + (FEATURES as readonly string[]).indexOf(name));
    }
  });

  it('takes the first of tied best scores (margin 0), caps the margin at 10, and gives 10 for a lone candidate', () => {
    const margin = triggerIndex('margin');
    const similarity = triggerIndex('similarity');
    const tied = triggerRow([2, 2, 1], [labelledRow(0), labelledRow(1), labelledRow(2)])!;
    expect(tied[margin]).toBe(0);
    expect(tied[similarity]).toBe(FEATURES.indexOf('similarity'));
    expect(triggerRow([1, 2, 2], [labelledRow(0), labelledRow(1), labelledRow(2)])![similarity]).toBe(100 + FEATURES.indexOf('similarity'));
    expect(triggerRow([25, 1], [labelledRow(0), labelledRow(1)])![margin]).toBe(10);
    expect(triggerRow([1, 25], [labelledRow(0), labelledRow(1)])![similarity]).toBe(100 + FEATURES.indexOf('similarity'));
    expect(triggerRow([3, 1], [labelledRow(0), labelledRow(1)])![margin]).toBe(2);
    expect(triggerRow([-5, -2], [labelledRow(0), labelledRow(1)])![margin]).toBe(3);
    const alone = triggerRow([-4], [labelledRow(0)])!;
    expect(alone[margin]).toBe(10);
    if (triggerIndex('topScore') >= 0) expect(alone[triggerIndex('topScore')]).toBe(-4);
    if (triggerIndex('topShare') >= 0) expect(alone[triggerIndex('topShare')]).toBe(1);
  });

  it('is undefined with no candidate', () => {
    expect(triggerRow([], [])).toBeUndefined();
  });
});

/** A logistic model over `features` with the given weights by name (mean 0, scale 1). */
function handModel(features: readonly string[], weights: Record<string, number>, bias = 0): LogisticModel {
  return {
    features: [...features],
    mean: features.map(() => 0),
    scale: features.map(() => 1),
    weights: features.map((name) => weights[name] ?? 0),
    bias,
  };
}

function handReader(overrides: Partial<ReaderModel> = {}): ReaderModel {
  return {
    ranker: handModel(FEATURES, { similarity: 10 }),
    trigger: handModel(TRIGGER_FEATURES, { margin: 1.5 }, -2),
    refusalThreshold: 0.3,
    strength: { direct: 0.8, likely: 0.5 },
    provenance: { note: 'by hand' },
    ...overrides,
  };
}

describe('FittedReader', () => {
  it('rejects a model fitted on other features, asking for a refit', () => {
    const renamed = handModel(
      FEATURES.map((name) => (name === 'coverage' ? 'overlap' : name)),
      {},
    );
    expect(() => new FittedReader(handReader({ ranker: renamed }))).toThrow(/ranker.*overlap.*refit it with npm run fit:reader/);
    const shorter = handModel(FEATURES.slice(0, -1), {});
    expect(() => new FittedReader(handReader({ ranker: shorter }))).toThrow(/npm run fit:reader/);
    const reordered = handModel([...TRIGGER_FEATURES].reverse(), {});
    expect(() => new FittedReader(handReader({ trigger: reordered }))).toThrow(/trigger.*npm run fit:reader/);
    expect(() => new FittedReader(handReader())).not.toThrow();
    expect(() => new FittedReader(DEFAULT_READER_MODEL)).not.toThrow();
  });

  it('scores candidates by a softmax of the ranker and takes the trigger probability of the best as the confidence', () => {
    const reader = new FittedReader(handReader());
    const candidates = candidatesOf(tinyArticle());
    const features = candidates.map((c, i) => {
      const row = new Float64Array(FEATURES.length);
      row[FEATURES.indexOf('similarity')] = [0.1, 0.3, 0.2][i]!;
      row[FEATURES.indexOf('coverage')] = 5; // no weight in the ranker
      return row;
    });
    const { scores, confidence } = reader.judge(PROFILE, candidates, features);
    expect(scores.length).toBe(3);
    expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const expected = softmax([1, 3, 2]);
    Array.from(scores).forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 12));
    expect(scores[1]).toBeGreaterThan(scores[2]!);
    expect(scores[2]).toBeGreaterThan(scores[0]!);
    // The best candidate leads the second by 3 − 2 = 1.
    expect(confidence).toBeCloseTo(sigmoid(1.5 * 1 - 2), 12);
    // The same as the trigger model applied to the trigger row by hand.
    expect(confidence).toBeCloseTo(predictProbability(reader.model.trigger, triggerRow([1, 3, 2], features)!), 12);
  });

  it('reads the trigger features of the best candidate, wherever it stands', () => {
    const trigger = handModel(TRIGGER_FEATURES, { coverage: 1 });
    const reader = new FittedReader(handReader({ trigger }));
    const candidates = candidatesOf(tinyArticle());
    const features = [0.2, 0.9, 0.1].map((similarity, i) => {
      const row = new Float64Array(FEATURES.length);
      row[FEATURES.indexOf('similarity')] = similarity;
      row[FEATURES.indexOf('coverage')] = [-3, 2, 7][i]!;
      return row;
    });
    expect(reader.judge(PROFILE, candidates, features).confidence).toBeCloseTo(sigmoid(2), 12);
  });

  it('is not confident with no candidate', () => {
    const judgement = new FittedReader(handReader()).judge(PROFILE, [], []);
    expect(judgement.scores.length).toBe(0);
    expect(judgement.confidence).toBe(0);
  });
});

describe('discourse cues', () => {
  it('knows a lead-in', () => {
    for (const s of [
      'The ministry listed its demands:',
      'Lavrov set out the conditions as follows:  ',
      'There were several reasons for the delay.',
      'Analysts point to three main factors behind the sell-off.',
      'The plan is built on the following principles.',
      'Officials described a number of measures to curb inflation.',
      'The reform changes the law in two key areas.',
      'Here are five ways to cut the bill.',
      'THE TERMS, AS FOLLOWS, WERE AGREED.',
    ]) {
      expect(isLeadIn(s), s).toBe(true);
    }
  });

  it('does not take an ordinary sentence for a lead-in', () => {
    for (const s of [
      'Talks resumed in Helsinki on Monday.',
      'The reasons remain unclear.',
      'The meeting began at 10:30 local time.',
      'Three people were injured in the blast.',
      'He gave no reason for the decision.',
      'The following day, he resigned.',
      'In many ways the summit was a success.',
    ]) {
      expect(isLeadIn(s), s).toBe(false);
    }
  });

  it('knows a sentence that refers back', () => {
    for (const s of [
      'He said the talks would resume next week.',
      'She declined to comment.',
      'These measures take effect in May.',
      'This was the first such meeting since 2019.',
      'Their proposal was rejected.',
      'Such steps are rare.',
      'The latter was not invited.',
      '"They will not return," she said.',
      '“It was a mistake,” he added.',
      '(Its budget was cut.)',
    ]) {
      expect(refersBack(s), s).toBe(true);
    }
  });

  it('does not take a sentence that opens with a name or a new subject as referring back', () => {
    for (const s of [
      'Kirill Dmitriev said the talks would resume.',
      'The talks lasted four hours.',
      'Helsinki hosted the summit.',
      'Herman Gref attended the forum.',
      'Thesis defences were postponed.',
      'Officials said he would attend.',
      'Theirs is a complicated history.',
    ]) {
      expect(refersBack(s), s).toBe(false);
    }
  });
});

describe('isVague', () => {
  it('knows a question that asks about nothing in particular', () => {
    for (const q of ['what happened?', 'tell me more', 'Any news?', "What's new?", 'hello', 'Hey, what is going on today?', 'Please give me an update']) {
      expect(isVague(q), q).toBe(true);
    }
  });

  it('knows a question about something', () => {
    for (const q of ['What happened in Helsinki?', 'Who is Kirill Dmitriev?', '2014?', 'Tell me more about the sanctions', 'What is new on tariffs?']) {
      expect(isVague(q), q).toBe(false);
    }
  });
});
