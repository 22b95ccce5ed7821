/**
 * The shape of an optimization problem: a loss E(w) with its gradient, and for
 * problems on data the loss and gradient of a minibatch.
 *
 * @module
 */

import { show } from "../_validate.ts";

/** A box to plot a problem in: x-range, and y-range for 2-D problems. */
export interface Domain {
  /** [min, max] of the first coordinate. */
  readonly x: readonly [number, number];
  /** [min, max] of the second coordinate (2-D problems only). */
  readonly y?: readonly [number, number];
}

/** A known minimizer of a problem and the loss there. */
export interface Minimum {
  /** w* (a frozen array). */
  readonly params: readonly number[];
  /** E(w*). */
  readonly loss: number;
}

/**
 * A loss to minimize over w ∈ ℝ^dim.
 *
 * `loss` and `grad` check their arguments (a Float64Array of length `dim` with
 * finite entries; `out` of length `dim`) and throw a RangeError/TypeError
 * otherwise. `grad` writes into `out` and allocates nothing.
 */
export interface Problem {
  /** A short name for displays, e.g. `"Rosenbrock"`. */
  readonly name: string;
  /** The loss as a LaTeX formula. */
  readonly formula: string;
  /** The number of parameters. */
  readonly dim: number;
  /** E(w). */
  loss(w: Float64Array): number;
  /** ∇E(w), written into `out` (length `dim`); returns `out`. */
  grad(w: Float64Array, out: Float64Array): Float64Array;
  /** The Hessian ∇²E(w) as rows, where it has a closed form. */
  hessian?(w: Float64Array): number[][];
  /** A fresh copy of the suggested start point w_0. */
  startPoint(): Float64Array;
  /** Where to plot it (1-D and 2-D problems). */
  readonly domain?: Domain;
  /** The minimizer, where it is known. */
  readonly minimum?: Minimum;
}

/**
 * A problem on n samples whose loss is the mean of per-sample losses,
 *
 * $$\hat E(w) = \frac1n \sum_{i=1}^{n} L_i(w),\qquad
 * \hat E_B(w) = \frac1{|B|} \sum_{i \in B} L_i(w),$$
 *
 * so that the loss of a minibatch B (given by 0-based sample indices) is an
 * estimate of the full loss. (The notes' minibatch update writes the sum over
 * the batch; the mean only rescales η by 1/k.)
 */
export interface DataProblem extends Problem {
  /** n, the number of samples. */
  readonly samples: number;
  /** Ê_B(w), the mean loss over the samples `indices`. */
  batchLoss(w: Float64Array, indices: ArrayLike<number>): number;
  /** ∇Ê_B(w), written into `out`; returns `out`. */
  batchGrad(w: Float64Array, indices: ArrayLike<number>, out: Float64Array): Float64Array;
}

/**
 * Whether a problem is a {@link DataProblem}: it has `samples`, `batchLoss`
 * and `batchGrad`, so it can be trained with minibatches.
 *
 * @param problem Any problem.
 * @returns `true` for a problem on data.
 *
 * @example
 * ```ts
 * import { isDataProblem, linearRegression, rosenbrock } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isDataProblem(linearRegression({ samples: 20, features: 2 })), true);
 * assert.equal(isDataProblem(rosenbrock()), false);
 * ```
 */
export function isDataProblem(problem: Problem): problem is DataProblem {
  if (problem === null || typeof problem !== "object") {
    throw new TypeError(`\`problem\` must be a problem object, got ${show(problem)}`);
  }
  const p = problem as Partial<DataProblem>;
  return typeof p.samples === "number" && typeof p.batchLoss === "function" &&
    typeof p.batchGrad === "function";
}
