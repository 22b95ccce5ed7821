/**
 * Linear regression on seeded synthetic data, with the mean squared error.
 *
 * @module
 */

import { bool, finite, integer, knownKeys, nonNegative, show } from "../_validate.ts";
import { createRng } from "../data/random.ts";
import type { DataProblem, Minimum } from "./problem.ts";
import {
  checkIndices,
  checkOut,
  checkPoint,
  checkVector,
  choleskySolve,
  domainAround,
  minimumOf,
} from "./_check.ts";

/** Options of {@link linearRegression}. */
export interface LinearRegressionOptions {
  /**
   * n, the number of samples (≥ 1).
   * @default {100}
   */
  samples?: number;
  /**
   * d, the number of input features (≥ 1).
   * @default {2}
   */
  features?: number;
  /**
   * Standard deviation of the Gaussian noise added to the targets (≥ 0).
   * @default {0.1}
   */
  noise?: number;
  /**
   * Seed of the data: the same seed gives the same data.
   * @default {0}
   */
  seed?: number;
  /**
   * Fit an intercept b as the last parameter: w = (w_1, …, w_d, b).
   * @default {true}
   */
  intercept?: boolean;
  /**
   * The true weights (length d).
   * @default {drawn from N(0, 1) with the seed}
   */
  trueWeights?: ArrayLike<number>;
  /**
   * The true intercept (only with `intercept`).
   * @default {drawn from N(0, 1) with the seed}
   */
  trueBias?: number;
}

/** A linear-regression problem: the {@link DataProblem} plus its data. */
export interface LinearRegressionProblem extends DataProblem {
  /** n, the number of samples. */
  readonly samples: number;
  /** d, the number of input features. */
  readonly features: number;
  /** Whether the last parameter is an intercept. */
  readonly intercept: boolean;
  /** The inputs, n × d, row-major: x_i = X[i·d .. i·d + d − 1]. Do not modify. */
  readonly X: Float64Array;
  /** The targets y_i. Do not modify. */
  readonly y: Float64Array;
  /** The parameters the data were generated with: (w_1, …, w_d[, b]). */
  readonly trueParams: readonly number[];
  /** The least-squares solution (when XᵀX is invertible) and its loss. */
  readonly minimum?: Minimum;
}

/**
 * Linear regression on synthetic data: inputs x_i ~ N(0, I_d), targets
 * y_i = w_trueᵀx_i + b_true + ξ_i with ξ_i ~ N(0, noise²), all drawn from one
 * seeded generator. The loss is the mean squared error,
 *
 * $$\hat E(w) = \frac1n \sum_{i=1}^n \big(w^\top x_i + b - y_i\big)^2,\qquad
 * \nabla_w \hat E = \frac2n \sum_{i=1}^n \big(w^\top x_i + b - y_i\big)\,(x_i, 1).$$
 *
 * Its Hessian (2/n) X̃ᵀX̃ is constant, so {@link maxStableLearningRate} of it is
 * the exact stability bound of gradient descent. The minimum is the
 * least-squares solution of the normal equations. Parameters start at zero.
 *
 * Reference: d2l.ai, section 3.3 ("Synthetic Regression Data"), for the setup.
 *
 * @param options See {@link LinearRegressionOptions}.
 * @returns The problem, with its data.
 *
 * @example The least-squares fit is close to the true parameters
 * ```ts
 * import { linearRegression } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const p = linearRegression({ samples: 200, features: 2, noise: 0.01, seed: 1 });
 * assert.equal(p.dim, 3);
 * const fit = p.minimum!.params;
 * p.trueParams.forEach((w, i) => assert.ok(Math.abs(fit[i] - w) < 0.01));
 * ```
 */
export function linearRegression(options: LinearRegressionOptions = {}): LinearRegressionProblem {
  knownKeys("linearRegression", options, [
    "samples",
    "features",
    "noise",
    "seed",
    "intercept",
    "trueWeights",
    "trueBias",
  ]);
  const n = integer("samples", options.samples ?? 100, 1);
  const d = integer("features", options.features ?? 2, 1);
  const noise = nonNegative("noise", options.noise ?? 0.1);
  const seed = integer("seed", options.seed ?? 0, 0);
  const intercept = bool("intercept", options.intercept ?? true);
  if (!intercept && options.trueBias !== undefined) {
    throw new TypeError("`trueBias` needs `intercept: true`");
  }
  const rng = createRng(seed);
  const wTrue = options.trueWeights === undefined
    ? Float64Array.from({ length: d }, () => rng.normal())
    : checkVector("trueWeights", options.trueWeights, d);
  const bTrue = !intercept
    ? 0
    : options.trueBias === undefined
    ? rng.normal()
    : finite("trueBias", options.trueBias);
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = bTrue;
    for (let j = 0; j < d; j++) {
      const x = rng.normal();
      X[i * d + j] = x;
      s += wTrue[j] * x;
    }
    y[i] = noise > 0 ? s + rng.normal(0, noise) : s;
  }
  // y_i² must be finite for the loss: refuse data whose targets overflow, naming what made them
  for (let i = 0; i < n; i++) {
    if (!(Math.abs(y[i]) <= 1e150)) {
      throw new RangeError(
        `\`noise\` (${show(noise)}), \`trueWeights\` and \`trueBias\` must keep every target ` +
          `|y_i| <= 1e150 so that the squared loss is finite, got y[${i}] = ${show(y[i])}`,
      );
    }
  }
  const dim = d + (intercept ? 1 : 0);
  const trueParams = Object.freeze(intercept ? [...wTrue, bTrue] : [...wTrue]);

  /** Residual of sample i: wᵀx_i + b − y_i. */
  const residual = (w: Float64Array, i: number): number => {
    let s = intercept ? w[d] - y[i] : -y[i];
    const o = i * d;
    for (let j = 0; j < d; j++) s += w[j] * X[o + j];
    return s;
  };
  const accumulate = (w: Float64Array, i: number, out: Float64Array, scale: number) => {
    const r = residual(w, i) * scale;
    const o = i * d;
    for (let j = 0; j < d; j++) out[j] += r * X[o + j];
    if (intercept) out[d] += r;
  };

  // Hessian (2/n) X̃ᵀX̃ and the least-squares solution of X̃ᵀX̃ w = X̃ᵀy.
  const gram = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  const rhs = new Float64Array(dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = X[i * d + j];
    if (intercept) row[d] = 1;
    for (let j = 0; j < dim; j++) {
      rhs[j] += row[j] * y[i];
      for (let k = 0; k < dim; k++) gram[j][k] += row[j] * row[k];
    }
  }
  const hess = gram.map((r) => r.map((x) => (2 * x) / n));
  const wLs = choleskySolve(gram, rhs);
  const start = new Float64Array(dim);

  const problem: LinearRegressionProblem = {
    name: `linear regression (n = ${n}, d = ${d})`,
    formula: intercept
      ? "\\hat E(w, b) = \\frac1n \\sum_{i=1}^n (w^\\top x_i + b - y_i)^2"
      : "\\hat E(w) = \\frac1n \\sum_{i=1}^n (w^\\top x_i - y_i)^2",
    dim,
    samples: n,
    features: d,
    intercept,
    X,
    y,
    trueParams,
    loss(w) {
      checkPoint(dim, w);
      let s = 0;
      for (let i = 0; i < n; i++) {
        const r = residual(w, i);
        s += r * r;
      }
      return s / n;
    },
    grad(w, out) {
      checkPoint(dim, w);
      checkOut(dim, out);
      out.fill(0);
      for (let i = 0; i < n; i++) accumulate(w, i, out, 2 / n);
      return out;
    },
    batchLoss(w, indices) {
      checkPoint(dim, w);
      const idx = checkIndices(n, indices);
      let s = 0;
      for (let k = 0; k < idx.length; k++) {
        const r = residual(w, idx[k]);
        s += r * r;
      }
      return s / idx.length;
    },
    batchGrad(w, indices, out) {
      checkPoint(dim, w);
      const idx = checkIndices(n, indices);
      checkOut(dim, out);
      out.fill(0);
      const scale = 2 / idx.length;
      for (let k = 0; k < idx.length; k++) accumulate(w, idx[k], out, scale);
      return out;
    },
    hessian(w) {
      checkPoint(dim, w);
      return hess.map((r) => r.slice());
    },
    startPoint: () => start.slice(),
  };
  let minimum: Minimum | undefined;
  if (wLs !== null) minimum = minimumOf(wLs, problem.loss(wLs));
  const domain = dim === 2
    ? domainAround(minimum ? [start, wLs!] : [start, trueParams])
    : undefined;
  return Object.assign(problem, { minimum, domain });
}
