/**
 * Power means: one formula behind the arithmetic, geometric, harmonic and
 * quadratic means, and the reason RMSProp averages *squares*.
 *
 * For values x_1, …, x_N ≥ 0 and weights ω_i ≥ 0 summing to 1 (equal weights 1/N by default),
 *
 * $$M_p(x) = \Big(\sum_{i=1}^N \omega_i\,x_i^{\,p}\Big)^{1/p},\quad
 * M_0(x) = \prod_i x_i^{\omega_i},\quad M_{+\infty} = \max_i x_i,\quad M_{-\infty} = \min_i x_i.$$
 *
 * M_p grows with p: min ≤ H = M_{−1} ≤ G = M_0 ≤ A = M_1 ≤ Q = M_2 ≤ max, with
 * equality only when all values are equal. The larger p, the more a single
 * large value pulls the mean up.
 *
 * @module
 */

import { knownKeys, show } from "../_validate.ts";
import { numberSeries } from "./_series.ts";

/** Options of {@link powerMean} and the named means. */
export interface PowerMeanOptions {
  /**
   * Weights ω_i ≥ 0, one per value, not all zero; they are divided by their sum.
   * Equal weights by default. With the EMA weights of {@link emaWeights},
   * M_2 is the root of a bias-corrected EMA of squares, RMSProp's divisor.
   */
  weights?: ArrayLike<number>;
}

function checkValues(values: unknown, p: number): Float64Array {
  const x = numberSeries("values", values);
  const strict = p <= 0;
  for (let i = 0; i < x.length; i++) {
    if (strict ? !(x[i] > 0) : !(x[i] >= 0)) {
      throw new RangeError(
        `\`values[${i}]\` must be ${strict ? "> 0" : ">= 0"} for the power mean with p = ${
          show(p)
        }${strict ? " (p <= 0 needs positive values)" : ""}, got ${show(x[i])}`,
      );
    }
  }
  return x;
}

function checkWeights(weights: unknown, n: number): Float64Array {
  const w = numberSeries("weights", weights);
  if (w.length !== n) {
    throw new RangeError(
      `\`weights\` must have the same length as \`values\` (${n}), got length ${w.length}`,
    );
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (!(w[i] >= 0)) {
      throw new RangeError(`\`weights[${i}]\` must be a finite number >= 0, got ${show(w[i])}`);
    }
    sum += w[i];
  }
  if (!(sum > 0)) throw new RangeError(`\`weights\` must not all be 0, got a sum of ${sum}`);
  for (let i = 0; i < n; i++) w[i] /= sum;
  return w;
}

/**
 * The power mean M_p of non-negative numbers (positive ones for p ≤ 0):
 *
 * $$M_p(x) = \Big(\sum_i \omega_i\,x_i^{\,p}\Big)^{1/p}\ (p \ne 0),\qquad
 * M_0(x) = \exp\Big(\sum_i \omega_i \ln x_i\Big),\qquad M_{\pm\infty} = \max / \min.$$
 *
 * The values are scaled by their largest (p > 0) or smallest (p < 0) entry
 * before the powers are taken, so large |p| neither overflows nor underflows.
 * Only values with a positive weight count for the max and min.
 *
 * Reference: Hardy, Littlewood & Pólya, "Inequalities" (1934), chapter II.
 *
 * @param values x_1, …, x_N: finite, ≥ 0 (> 0 when p ≤ 0); at least one.
 * @param p The power: any number, or ±Infinity.
 * @param options See {@link PowerMeanOptions}.
 * @returns M_p(x).
 *
 * @example The means of 1 and 4
 * ```ts
 * import { powerMean } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(powerMean([1, 4], -1), 1.6); // harmonic
 * assert.equal(powerMean([1, 4], 0), 2); // geometric
 * assert.equal(powerMean([1, 4], 1), 2.5); // arithmetic
 * assert.equal(powerMean([1, 4], Infinity), 4);
 * assert.ok(powerMean([1, 4], 2) > 2.5); // quadratic: √8.5
 * ```
 */
export function powerMean(
  values: ArrayLike<number>,
  p: number,
  options: PowerMeanOptions = {},
): number {
  if (typeof p !== "number") {
    throw new TypeError(`\`p\` must be a number or ±Infinity, got ${show(p)}`);
  }
  if (Number.isNaN(p)) throw new RangeError(`\`p\` must be a number or ±Infinity, got NaN`);
  knownKeys("powerMean", options, ["weights"]);
  const x = checkValues(values, p);
  const n = x.length;
  let w: Float64Array;
  if (options.weights === undefined) w = new Float64Array(n).fill(1 / n);
  else w = checkWeights(options.weights, n);

  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    if (w[i] === 0) continue;
    if (x[i] > max) max = x[i];
    if (x[i] < min) min = x[i];
  }
  if (p === Infinity) return max;
  if (p === -Infinity) return min;
  if (p === 0) {
    let s = 0;
    for (let i = 0; i < n; i++) if (w[i] > 0) s += w[i] * Math.log(x[i]);
    return Math.exp(s);
  }
  const ref = p > 0 ? max : min;
  if (ref === 0) return 0; // p > 0 and every weighted value is 0
  let m: number;
  if (Math.abs(p) >= 1e-2) {
    let s = 0;
    for (let i = 0; i < n; i++) if (w[i] > 0) s += w[i] * (x[i] / ref) ** p;
    m = ref * s ** (1 / p);
  } else {
    // Near p = 0 the sum is 1 + O(p) and its 1/p-th power loses every digit;
    // log1p/expm1 keep them: ln M_p = ln ref + log1p(Σ ω (e^{p ln(x/ref)} − 1)) / p.
    let s = 0;
    for (let i = 0; i < n; i++) if (w[i] > 0) s += w[i] * Math.expm1(p * Math.log(x[i] / ref));
    m = ref * Math.exp(Math.log1p(s) / p);
  }
  // Keep the result inside [min, max] against rounding.
  return m < min ? min : m > max ? max : m;
}

/**
 * The arithmetic mean A = M_1 = Σ ω_i x_i of non-negative numbers.
 *
 * @param values x_1, …, x_N ≥ 0; at least one.
 * @param options See {@link PowerMeanOptions}.
 * @returns M_1(x).
 *
 * @example
 * ```ts
 * import { arithmeticMean } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * assert.equal(arithmeticMean([1, 2, 6]), 3);
 * ```
 */
export function arithmeticMean(values: ArrayLike<number>, options: PowerMeanOptions = {}): number {
  return powerMean(values, 1, options);
}

/**
 * The geometric mean G = M_0 = Π x_i^ω_i of positive numbers.
 *
 * @param values x_1, …, x_N > 0; at least one.
 * @param options See {@link PowerMeanOptions}.
 * @returns M_0(x).
 *
 * @example
 * ```ts
 * import { geometricMean } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(geometricMean([1, 2, 4]) - 2) < 1e-15);
 * ```
 */
export function geometricMean(values: ArrayLike<number>, options: PowerMeanOptions = {}): number {
  return powerMean(values, 0, options);
}

/**
 * The harmonic mean H = M_{−1} = 1 / Σ (ω_i / x_i) of positive numbers.
 *
 * @param values x_1, …, x_N > 0; at least one.
 * @param options See {@link PowerMeanOptions}.
 * @returns M_{−1}(x).
 *
 * @example
 * ```ts
 * import { harmonicMean } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * assert.equal(harmonicMean([1, 4]), 1.6);
 * ```
 */
export function harmonicMean(values: ArrayLike<number>, options: PowerMeanOptions = {}): number {
  return powerMean(values, -1, options);
}

/**
 * The quadratic mean (root mean square) Q = M_2 = √(Σ ω_i x_i²) of non-negative
 * numbers. Applied to gradient norms it is the RMS in RMSProp: squaring lets a
 * few large gradients raise the divisor quickly.
 *
 * @param values x_1, …, x_N ≥ 0; at least one.
 * @param options See {@link PowerMeanOptions}.
 * @returns M_2(x).
 *
 * @example
 * ```ts
 * import { quadraticMean } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * assert.equal(quadraticMean([1, 7]), 5); // √((1 + 49) / 2)
 * ```
 */
export function quadraticMean(values: ArrayLike<number>, options: PowerMeanOptions = {}): number {
  return powerMean(values, 2, options);
}
