/**
 * A conditional logit (McFadden's choice model; "listwise" learning to rank): within each group
 * (one question's candidates), the probability that candidate i is the answer is
 * softmax(w · x_i). Fitting maximises the probability of the answering candidates of every group
 * that has one, so the model learns what sets the answer apart from the other candidates of the
 * same question rather than what makes a sentence close to questions in general. Fitted by Newton
 * steps on standardised features with an L2 penalty and a backtracking line search; the result
 * is a LogisticModel whose bias is 0 (a constant cannot change a softmax).
 */
import { solve, standardisation, type FitOptions, type LogisticModel } from './logistic-regression.js';

export interface ChoiceGroup {
  /** One row per candidate. */
  rows: ArrayLike<number>[];
  /** 1 for the candidates that answer. Groups with none (or only answers) are skipped. */
  labels: ArrayLike<number>;
  /** The group's weight (default 1). */
  weight?: number;
}

/** Softmax of scores (in place into a new array). */
export function softmax(scores: ArrayLike<number>): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]!);
  const out = Float64Array.from({ length: scores.length }, (_, i) => Math.exp(scores[i]! - max));
  const sum = out.reduce((a, b) => a + b, 0);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

export function fitConditionalLogit(features: readonly string[], groups: readonly ChoiceGroup[], options: FitOptions): LogisticModel {
  const d = features.length;
  const usable = groups.filter((g) => {
    let positives = 0;
    for (let i = 0; i < g.labels.length; i++) positives += g.labels[i]!;
    return positives > 0 && positives < g.labels.length;
  });
  if (usable.length === 0) throw new RangeError('Cannot fit a ranking on no group with both answering and other candidates.');
  const { mean, scale } = standardisation(
    usable.flatMap((g) => g.rows),
    d,
  );
  const data = usable.map((g) => ({
    x: g.rows.map((row) => Float64Array.from({ length: d }, (_, j) => (row[j]! - mean[j]!) / scale[j]!)),
    y: g.labels,
    w: g.weight ?? 1,
  }));

  const loss = (beta: Float64Array): number => {
    let total = 0;
    for (const { x, y, w } of data) {
      const scores = x.map((row) => dotRow(beta, row));
      const max = Math.max(...scores);
      let all = 0;
      let answers = 0;
      scores.forEach((s, i) => {
        const e = Math.exp(s - max);
        all += e;
        if (y[i] === 1) answers += e;
      });
      total += w * (Math.log(all) - Math.log(answers));
    }
    let penalty = 0;
    for (let j = 0; j < d; j++) penalty += beta[j]! ** 2;
    return total + (options.l2 / 2) * penalty;
  };

  let beta = new Float64Array(d);
  let current = loss(beta);
  for (let iteration = 0; iteration < options.maxIterations; iteration++) {
    const gradient = new Float64Array(d);
    const hessian = Array.from({ length: d }, () => new Float64Array(d));
    for (const { x, y, w } of data) {
      const p = softmax(x.map((row) => dotRow(beta, row)));
      // q: the softmax restricted to the answering candidates.
      let answerMass = 0;
      for (let i = 0; i < p.length; i++) if (y[i] === 1) answerMass += p[i]!;
      const expected = new Float64Array(d);
      const expectedAnswer = new Float64Array(d);
      x.forEach((row, i) => {
        for (let j = 0; j < d; j++) {
          expected[j]! += p[i]! * row[j]!;
          if (y[i] === 1) expectedAnswer[j]! += (p[i]! / answerMass) * row[j]!;
        }
      });
      for (let j = 0; j < d; j++) gradient[j]! += w * (expected[j]! - expectedAnswer[j]!);
      // The covariance of x under p: a positive semi-definite curvature (exact with one answer).
      x.forEach((row, i) => {
        for (let j = 0; j < d; j++) {
          const a = w * p[i]! * (row[j]! - expected[j]!);
          for (let k = 0; k <= j; k++) hessian[j]![k]! += a * (row[k]! - expected[k]!);
        }
      });
    }
    for (let j = 0; j < d; j++) {
      gradient[j]! += options.l2 * beta[j]!;
      hessian[j]![j]! += options.l2;
      for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!;
    }
    const step = solve(hessian, gradient);
    let size = 1;
    let improved = false;
    for (let tries = 0; tries < 30 && !improved; tries++) {
      const next = beta.map((b, j) => b - size * step[j]!);
      const nextLoss = loss(next);
      if (nextLoss <= current) {
        beta = next;
        current = nextLoss;
        improved = true;
      } else size /= 2;
    }
    // No step lowers the loss any more: this is the optimum (up to rounding).
    if (!improved || Math.max(...step.map((s) => Math.abs(size * s))) < options.tolerance) break;
  }
  return { features: [...features], mean, scale, weights: Array.from(beta), bias: 0 };
}

function dotRow(beta: Float64Array, row: Float64Array): number {
  let z = 0;
  for (let j = 0; j < row.length; j++) z += beta[j]! * row[j]!;
  return z;
}
