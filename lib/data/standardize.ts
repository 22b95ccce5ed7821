/**
 * Standardizing features: zero mean and unit variance per column.
 *
 * @module
 */

import { show } from "../_validate.ts";

/** Standardized data, row-major, with the statistics used. */
export interface Standardized {
  /** The standardized values, n × d, row-major: row i is `data[i·d .. i·d + d − 1]`. */
  data: Float64Array;
  /** n, the number of rows (samples). */
  samples: number;
  /** d, the number of columns (features). */
  features: number;
  /** μ_j, the mean of column j. */
  mean: Float64Array;
  /** σ_j, the (population) standard deviation of column j; 1 for a constant column. */
  std: Float64Array;
}

/**
 * Standardizes each column of a data matrix,
 *
 * $$z_{ij} = \frac{x_{ij} - \mu_j}{\sigma_j},\qquad
 * \mu_j = \frac1n \sum_i x_{ij},\qquad \sigma_j = \sqrt{\frac1n \sum_i (x_{ij} - \mu_j)^2},$$
 *
 * with the population standard deviation (as scikit-learn's `StandardScaler`).
 * A constant column gets σ_j = 1, so it becomes all zeros. Features on one
 * scale make the loss surface rounder, so a single learning rate suits every
 * coordinate.
 *
 * @param rows The data, one row per sample, all rows of one length ≥ 1.
 * @returns The standardized data and the statistics.
 *
 * @example
 * ```ts
 * import { standardize } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const s = standardize([[1, 5], [3, 5]]);
 * assert.deepEqual([...s.data], [-1, 0, 1, 0]);
 * assert.deepEqual([...s.mean], [2, 5]);
 * assert.deepEqual([...s.std], [1, 1]);
 * ```
 */
export function standardize(rows: ArrayLike<ArrayLike<number>>): Standardized {
  if (rows === null || typeof rows !== "object" || typeof rows.length !== "number") {
    throw new TypeError(`\`rows\` must be an array of rows, got ${show(rows)}`);
  }
  const n = rows.length;
  if (n === 0) throw new RangeError("`rows` must have length >= 1, got length 0");
  const first = rows[0];
  if (first === null || typeof first !== "object" || typeof first.length !== "number") {
    throw new TypeError(`\`rows[0]\` must be a row of numbers, got ${show(first)}`);
  }
  const d = first.length;
  if (d === 0) throw new RangeError("`rows[0]` must have length >= 1, got length 0");
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r === null || typeof r !== "object" || typeof r.length !== "number") {
      throw new TypeError(`\`rows[${i}]\` must be a row of numbers, got ${show(r)}`);
    }
    if (r.length !== d) {
      throw new RangeError(
        `\`rows[${i}]\` must have the same length as \`rows[0]\` (${d}), got length ${r.length}`,
      );
    }
    for (let j = 0; j < d; j++) {
      const x = r[j];
      if (typeof x !== "number" || !Number.isFinite(x)) {
        const E = typeof x === "number" ? RangeError : TypeError;
        throw new E(`\`rows[${i}][${j}]\` must be a finite number, got ${show(x)}`);
      }
      data[i * d + j] = x;
    }
  }
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += data[i * d + j];
    let m = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * d + j] - m) ** 2;
    let sd = Math.sqrt(v / n);
    if (Number.isFinite(m) && Number.isFinite(sd)) {
      std[j] = sd > 0 ? sd : 1;
      for (let i = 0; i < n; i++) data[i * d + j] = (data[i * d + j] - m) / std[j];
    } else {
      // entries near ±1.8e308: the sums overflow, so work on x / max|x| (the mean and
      // the standard deviation are then at most max|x| and representable)
      let c = 0;
      for (let i = 0; i < n; i++) c = Math.max(c, Math.abs(data[i * d + j]));
      let sc = 0;
      for (let i = 0; i < n; i++) sc += data[i * d + j] / c;
      const mc = sc / n;
      let vc = 0;
      for (let i = 0; i < n; i++) vc += (data[i * d + j] / c - mc) ** 2;
      const sdc = Math.sqrt(vc / n);
      m = mc * c;
      sd = sdc * c;
      std[j] = sd > 0 ? sd : 1;
      for (let i = 0; i < n; i++) {
        data[i * d + j] = sdc > 0 ? (data[i * d + j] / c - mc) / sdc : 0;
      }
    }
    mean[j] = m;
  }
  return { data, samples: n, features: d, mean, std };
}
