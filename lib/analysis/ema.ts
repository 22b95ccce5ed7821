/**
 * The exponential moving average (EMA) of a time series, its weights and its
 * bias correction: the numbers behind momentum, RMSProp and Adam.
 *
 * With decay α in [0, 1) and the series g_0, g_1, …:
 *
 * $$\mathrm{EMA}_t = \alpha\,\mathrm{EMA}_{t-1} + (1-\alpha)\,g_t,\quad \mathrm{EMA}_{-1} = 0
 * \quad\Longrightarrow\quad \mathrm{EMA}_t = \sum_{s=0}^{t} \alpha^{t-s}(1-\alpha)\,g_s.$$
 *
 * @module
 */

import { bool, integer, knownKeys, show, unitInterval } from "../_validate.ts";
import { isVectorSeries, numberSeries, vectorSeries } from "./_series.ts";

/** Options of {@link emaSeries}. */
export interface EmaSeriesOptions {
  /** The decay α in [0, 1): the weight of the past. */
  alpha: number;
  /**
   * Divide EMA_t by the sum of its weights, 1 − α^(t+1), so that every entry is
   * a true weighted average (Adam's bias correction).
   * @default {false}
   */
  debias?: boolean;
}

/**
 * The EMA of every prefix of a series, by the recursion
 *
 * $$\mathrm{EMA}_t = \alpha\,\mathrm{EMA}_{t-1} + (1-\alpha)\,g_t,\qquad \mathrm{EMA}_{-1} = 0,$$
 *
 * optionally bias-corrected: EMA_t / (1 − α^(t+1)). Entry t of the result is
 * EMA_t, the average of g_0, …, g_t. For a series of vectors the average is
 * taken coordinate by coordinate.
 *
 * Reference: the lecture notes, section 5; Kingma & Ba, "Adam" (ICLR 2015),
 * section 3, for the bias correction.
 *
 * @param series The values g_0, …, g_{T−1}: finite numbers, or vectors of one length.
 * @param options See {@link EmaSeriesOptions}.
 * @returns EMA_0, …, EMA_{T−1}: a new Float64Array, or one per step for vectors.
 *
 * @example Without correction the EMA of a constant starts too low
 * ```ts
 * import { emaSeries } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const raw = emaSeries([1, 1, 1], { alpha: 0.5 });
 * assert.deepEqual([...raw], [0.5, 0.75, 0.875]);
 * const fixed = emaSeries([1, 1, 1], { alpha: 0.5, debias: true });
 * assert.deepEqual([...fixed], [1, 1, 1]);
 * ```
 */
export function emaSeries(series: ArrayLike<number>, options: EmaSeriesOptions): Float64Array;
/** {@link emaSeries} of a series of vectors: one average per coordinate. */
export function emaSeries(
  series: readonly ArrayLike<number>[],
  options: EmaSeriesOptions,
): Float64Array[];
export function emaSeries(
  series: ArrayLike<number> | readonly ArrayLike<number>[],
  options: EmaSeriesOptions,
): Float64Array | Float64Array[] {
  knownKeys("emaSeries", options, ["alpha", "debias"]);
  const alpha = unitInterval("alpha", options.alpha);
  const debias = bool("debias", options.debias ?? false);
  if (isVectorSeries(series)) {
    const gs = vectorSeries("series", series);
    const m = new Float64Array(gs[0].length);
    return gs.map((g, t) => {
      const c = debias ? 1 / (1 - alpha ** (t + 1)) : 1;
      const out = new Float64Array(m.length);
      for (let i = 0; i < m.length; i++) {
        m[i] = alpha * m[i] + (1 - alpha) * g[i];
        out[i] = m[i] * c;
      }
      return out;
    });
  }
  const g = numberSeries("series", series);
  const out = new Float64Array(g.length);
  let m = 0;
  for (let t = 0; t < g.length; t++) {
    m = alpha * m + (1 - alpha) * g[t];
    out[t] = debias ? m / (1 - alpha ** (t + 1)) : m;
  }
  return out;
}

/**
 * The weights of EMA_t on g_0, …, g_t:
 *
 * $$w_s = \alpha^{t-s}(1-\alpha),\qquad s = 0, \dots, t.$$
 *
 * The newest value g_t has the largest weight 1 − α; the weights halve every
 * ln 2 / ln(1/α) steps into the past.
 *
 * @param t The step index t ≥ 0 (an integer).
 * @param alpha The decay α in [0, 1).
 * @returns A new Float64Array of length t + 1; entry s is the weight of g_s.
 *
 * @example
 * ```ts
 * import { emaWeights } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...emaWeights(2, 0.5)], [0.125, 0.25, 0.5]);
 * ```
 */
export function emaWeights(t: number, alpha: number): Float64Array {
  const n = integer("t", t, 0);
  const a = unitInterval("alpha", alpha);
  const out = new Float64Array(n + 1);
  for (let s = 0; s <= n; s++) out[s] = a ** (n - s) * (1 - a);
  return out;
}

/**
 * The sum of the weights of EMA_t, a geometric sum:
 *
 * $$\sum_{s=0}^{t} \alpha^{t-s}(1-\alpha) = 1 - \alpha^{t+1}.$$
 *
 * It is below 1, so EMA_t is a weighted average only up to this factor; it
 * tends to 1 as t grows.
 *
 * @param t The step index t ≥ 0 (an integer).
 * @param alpha The decay α in [0, 1).
 * @returns 1 − α^(t+1).
 *
 * @example
 * ```ts
 * import { emaWeightSum } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(emaWeightSum(0, 0.9), 1 - 0.9);
 * assert.equal(emaWeightSum(2, 0.5), 0.875);
 * ```
 */
export function emaWeightSum(t: number, alpha: number): number {
  const n = integer("t", t, 0);
  const a = unitInterval("alpha", alpha);
  return 1 - a ** (n + 1);
}

/**
 * The bias-correction factor that turns EMA_t into a true weighted average:
 *
 * $$c_t = \frac{1}{1 - \alpha^{t+1}},\qquad \widehat{\mathrm{EMA}}_t = c_t\,\mathrm{EMA}_t.$$
 *
 * It is 1/(1 − α) at t = 0 and falls towards 1; with α = 0.999 (Adam's β₂) it
 * is still about 1.58 after 1000 steps.
 *
 * Reference: Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 3.
 *
 * @param t The step index t ≥ 0 (an integer).
 * @param alpha The decay α in [0, 1).
 * @returns 1 / (1 − α^(t+1)).
 *
 * @example
 * ```ts
 * import { emaBiasCorrection } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(emaBiasCorrection(0, 0.75), 4);
 * assert.equal(emaBiasCorrection(1, 0.5), 4 / 3);
 * ```
 */
export function emaBiasCorrection(t: number, alpha: number): number {
  return 1 / emaWeightSum(t, alpha);
}

/**
 * The effective window of an EMA: roughly how many recent values it averages,
 *
 * $$N_{\text{eff}} = \frac{1}{1-\alpha} = \sum_{k=0}^{\infty} \alpha^k,$$
 *
 * the number of equal weights 1 − α that add up to the total weight 1. With
 * α = 0.9 that is 10 steps, with α = 0.99 100. For the exact number of recent
 * terms that carry a given share of the weight use {@link emaTermsForShare}.
 *
 * @param alpha The decay α in [0, 1).
 * @returns 1 / (1 − α).
 *
 * @example
 * ```ts
 * import { emaEffectiveWindow } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(emaEffectiveWindow(0.75), 4);
 * assert.equal(emaEffectiveWindow(0), 1);
 * ```
 */
export function emaEffectiveWindow(alpha: number): number {
  return 1 / (1 - unitInterval("alpha", alpha));
}

/** Options of {@link emaTermsForShare}. */
export interface EmaTermsForShareOptions {
  /**
   * Count against the t + 1 weights of EMA_t instead of the infinite series:
   * the k newest of them then hold the share (1 − α^k) / (1 − α^(t+1)).
   * Without it the total weight is 1 (t → ∞).
   */
  t?: number;
}

/**
 * The exact number of most recent terms that hold at least a given share p of
 * an EMA's weight: the smallest k with
 *
 * $$\sum_{j=0}^{k-1} \alpha^{j}(1-\alpha) = 1 - \alpha^{k} \ \ge\ p
 * \quad\Longleftrightarrow\quad k = \Big\lceil \frac{\ln(1-p)}{\ln\alpha} \Big\rceil,$$
 *
 * or, with `t`, the smallest k ≤ t + 1 with (1 − α^k) ≥ p (1 − α^(t+1)).
 * For α = 0.9 the 10 newest terms (the {@link emaEffectiveWindow}) hold
 * 1 − 0.9¹⁰ ≈ 65% of the weight; 90% needs 22 terms.
 *
 * @param alpha The decay α in [0, 1).
 * @param share The share p in (0, 1).
 * @param options See {@link EmaTermsForShareOptions}.
 * @returns The count k ≥ 1.
 *
 * @example
 * ```ts
 * import { emaTermsForShare } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(emaTermsForShare(0.5, 0.75), 2); // 1/2 + 1/4
 * assert.equal(emaTermsForShare(0.9, 0.9), 22);
 * assert.equal(emaTermsForShare(0.9, 0.9, { t: 4 }), 5); // only 5 weights exist
 * ```
 */
export function emaTermsForShare(
  alpha: number,
  share: number,
  options: EmaTermsForShareOptions = {},
): number {
  knownKeys("emaTermsForShare", options, ["t"]);
  const a = unitInterval("alpha", alpha);
  if (typeof share !== "number") {
    throw new TypeError(`\`share\` must be a number in (0, 1), got ${show(share)}`);
  }
  if (!(share > 0 && share < 1)) {
    throw new RangeError(`\`share\` must be a number in (0, 1), got ${show(share)}`);
  }
  const limit = options.t === undefined ? Infinity : integer("t", options.t, 0) + 1;
  if (a === 0) return 1;
  const target = share * (limit === Infinity ? 1 : 1 - a ** limit);
  const held = (k: number) => 1 - a ** k;
  // The closed form, then exact checks against rounding in the logarithms.
  let k = Math.max(1, Math.ceil(Math.log1p(-target) / Math.log(a)));
  while (k > 1 && held(k - 1) >= target) k--;
  while (held(k) < target) k++;
  return Math.min(k, limit);
}
