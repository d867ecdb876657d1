/**
 * Binary logistic regression: fitted by Newton's method (iteratively reweighted least squares) on
 * standardised features with an L2 penalty and per-row weights, and applied as one dot product.
 * A few dozen features and tens of thousands of rows fit in well under a second, deterministically.
 *
 * (ml-logistic-regression was considered: it fits by fixed-step gradient descent without an
 * intercept, a penalty or row weights, and predicts class labels rather than probabilities.)
 */

/** A fitted model, as committed to the repository (plain JSON-able numbers). */
export interface LogisticModel {
  /** Feature names, in the order of `weights`. */
  features: string[];
  /** Standardisation: x' = (x - mean) / scale. */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

export interface FitOptions {
  /** L2 penalty on the (standardised) weights, not on the bias. */
  l2: number;
  /** Newton steps at most. */
  maxIterations: number;
  /** Stop when no weight moves more than this. */
  tolerance: number;
}

export const DEFAULT_FIT: FitOptions = { l2: 1, maxIterations: 50, tolerance: 1e-8 };

export interface TrainingSet {
  features: string[];
  /** One row per example, each `features.length` long. */
  rows: ArrayLike<number>[];
  /** 1 (positive) or 0. */
  labels: ArrayLike<number>;
  /** Per-row weights (default 1). */
  weights?: ArrayLike<number>;
}

/** The model's probability for one row of raw (unstandardised) features. */
export function predictProbability(model: LogisticModel, row: ArrayLike<number>): number {
  return sigmoid(linearScore(model, row));
}

/** The model's log-odds for one row. */
export function linearScore(model: LogisticModel, row: ArrayLike<number>): number {
  let z = model.bias;
  for (let j = 0; j < model.weights.length; j++) z += (model.weights[j]! * (row[j]! - model.mean[j]!)) / model.scale[j]!;
  return z;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Fits a model; throws when the set is empty, ragged, or holds only one class. */
export function fitLogistic(set: TrainingSet, options: FitOptions = DEFAULT_FIT): LogisticModel {
  const { rows, labels, features } = set;
  const n = rows.length;
  const d = features.length;
  if (n === 0) throw new RangeError('Cannot fit a model on no rows.');
  if (labels.length !== n || (set.weights && set.weights.length !== n)) throw new RangeError('Rows, labels and weights differ in length.');
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (rows[i]!.length !== d) throw new RangeError(`Row ${i} has ${rows[i]!.length} features, expected ${d}.`);
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`Label ${i} is ${labels[i]}, expected 0 or 1.`);
    positives += labels[i]!;
  }
  if (positives === 0 || positives === n) throw new RangeError('Cannot fit a model on rows of one class only.');

  const { mean, scale } = standardisation(rows, d);
  const x = rows.map((row) => Float64Array.from({ length: d + 1 }, (_, j) => (j === d ? 1 : (row[j]! - mean[j]!) / scale[j]!)));
  const beta = new Float64Array(d + 1);
  for (let iteration = 0; iteration < options.maxIterations; iteration++) {
    // Gradient and Hessian of the penalised negative log-likelihood.
    const gradient = new Float64Array(d + 1);
    const hessian = Array.from({ length: d + 1 }, () => new Float64Array(d + 1));
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      let z = 0;
      for (let j = 0; j <= d; j++) z += beta[j]! * xi[j]!;
      const p = sigmoid(z);
      const w = set.weights ? set.weights[i]! : 1;
      const residual = w * (p - labels[i]!);
      const curvature = w * Math.max(p * (1 - p), 1e-10);
      for (let j = 0; j <= d; j++) {
        gradient[j]! += residual * xi[j]!;
        const row = hessian[j]!;
        const scaled = curvature * xi[j]!;
        for (let k = 0; k <= j; k++) row[k]! += scaled * xi[k]!;
      }
    }
    for (let j = 0; j < d; j++) {
      gradient[j]! += options.l2 * beta[j]!;
      hessian[j]![j]! += options.l2;
    }
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!;
    const step = solve(hessian, gradient);
    let largest = 0;
    for (let j = 0; j <= d; j++) {
      beta[j]! -= step[j]!;
      largest = Math.max(largest, Math.abs(step[j]!));
    }
    if (largest < options.tolerance) break;
  }
  return { features: [...features], mean, scale, weights: Array.from(beta.subarray(0, d)), bias: beta[d]! };
}

/** Column means and standard deviations (1 for a constant column, so it standardises to 0). */
export function standardisation(rows: readonly ArrayLike<number>[], d: number): { mean: number[]; scale: number[] } {
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const row of rows) for (let j = 0; j < d; j++) mean[j]! += row[j]! / rows.length;
  for (const row of rows) for (let j = 0; j < d; j++) scale[j]! += (row[j]! - mean[j]!) ** 2 / rows.length;
  return { mean, scale: scale.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

/** Solves A x = b for a symmetric positive-definite A (Cholesky); A and b are left unchanged. */
export function solve(a: readonly Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) l[i]![i] = Math.sqrt(Math.max(sum, 1e-12));
      else l[i]![j] = sum / l[j]![j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
    y[i] = sum / l[i]![i]!;
  }
  const out = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * out[k]!;
    out[i] = sum / l[i]![i]!;
  }
  return out;
}
