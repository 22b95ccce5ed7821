/**
 * The lecture notes' momentum buffer as a function of the gradient series: the
 * recursion, its closed form, and its weights.
 *
 * $$m_0 = 0,\qquad m_{t+1} = \alpha\,m_t + \eta_t\,g_t
 * \quad\Longrightarrow\quad m_t = \sum_{s=0}^{t-1} \alpha^{t-1-s}\,\eta_s\,g_s,$$
 *
 * which for a constant η is the notes' m_t = η Σ α^(t−1−s) g_s.
 *
 * @module
 */

import type { LearningRate } from "../types.ts";
import { checkLearningRate, learningRateAt } from "../types.ts";
import { integer, knownKeys, show, unitInterval } from "../_validate.ts";
import { isVectorSeries, numberSeries, vectorSeries } from "./_series.ts";

/** Options of {@link momentumSeries} and {@link momentumClosedForm}. */
export interface MomentumSeriesOptions {
  /** α in [0, 1): the weight of the past. */
  alpha: number;
  /**
   * η > 0, or a schedule `(t) => η_t` evaluated at the 0-based step index.
   * @default {1}
   */
  lr?: LearningRate;
}

function readOptions(fn: string, options: MomentumSeriesOptions): [number, LearningRate] {
  knownKeys(fn, options, ["alpha", "lr"]);
  return [unitInterval("alpha", options.alpha), checkLearningRate("lr", options.lr ?? 1)];
}

/** `m` when finite; a RangeError naming `grads` when the buffer overflows the doubles. */
function overflow(m: number, t: number, at: string): number {
  if (!Number.isFinite(m)) {
    throw new RangeError(
      `\`grads\` (with \`lr\`) must keep the momentum buffer within the doubles: m_${t + 1}${at} ` +
        `overflows, got ${show(m)}`,
    );
  }
  return m;
}

/**
 * The momentum buffers m_1, …, m_T of a gradient series g_0, …, g_{T−1}, by
 * the notes' recursion
 *
 * $$m_0 = 0,\qquad m_{t+1} = \alpha\,m_t + \eta_t\,g_t.$$
 *
 * Entry t of the result is m_{t+1}, the step that momentum takes at step t
 * (w_{t+1} = w_t − m_{t+1}). Vectors are handled coordinate by coordinate.
 *
 * Reference: the lecture notes, section 4; Polyak, "Some methods of speeding up
 * the convergence of iteration methods" (1964).
 *
 * @param grads The series g_0, …, g_{T−1}: finite numbers, or vectors of one length.
 * @param options See {@link MomentumSeriesOptions}.
 * @returns m_1, …, m_T: a new Float64Array, or one per step for vectors.
 *
 * @example A constant gradient: the buffer grows towards η g / (1 − α)
 * ```ts
 * import { momentumSeries } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const m = momentumSeries([1, 1, 1], { alpha: 0.5, lr: 2 });
 * assert.deepEqual([...m], [2, 3, 3.5]);
 * const v = momentumSeries([[1, 0], [0, 1]], { alpha: 0.5 });
 * assert.deepEqual(v.map((x) => [...x]), [[1, 0], [0.5, 1]]);
 * ```
 */
export function momentumSeries(
  grads: ArrayLike<number>,
  options: MomentumSeriesOptions,
): Float64Array;
/** {@link momentumSeries} of a series of gradient vectors. */
export function momentumSeries(
  grads: readonly ArrayLike<number>[],
  options: MomentumSeriesOptions,
): Float64Array[];
export function momentumSeries(
  grads: ArrayLike<number> | readonly ArrayLike<number>[],
  options: MomentumSeriesOptions,
): Float64Array | Float64Array[] {
  const [alpha, lr] = readOptions("momentumSeries", options);
  if (isVectorSeries(grads)) {
    const gs = vectorSeries("grads", grads);
    const m = new Float64Array(gs[0].length);
    return gs.map((g, t) => {
      const eta = learningRateAt(lr, t);
      for (let i = 0; i < m.length; i++) m[i] = alpha * m[i] + eta * g[i];
      for (let i = 0; i < m.length; i++) overflow(m[i], t, `[${i}]`);
      return m.slice();
    });
  }
  const g = numberSeries("grads", grads);
  const out = new Float64Array(g.length);
  let m = 0;
  for (let t = 0; t < g.length; t++) {
    m = alpha * m + learningRateAt(lr, t) * g[t];
    out[t] = overflow(m, t, "");
  }
  return out;
}

/**
 * One momentum buffer m_t from its closed form, summed directly (no recursion):
 *
 * $$m_t = \sum_{s=0}^{t-1} \alpha^{t-1-s}\,\eta_s\,g_s
 * \ \overset{\eta_s=\eta}{=}\ \eta \sum_{s=0}^{t-1} \alpha^{t-1-s} g_s.$$
 *
 * m_0 = 0. It equals entry t − 1 of {@link momentumSeries} (up to rounding).
 *
 * Reference: the lecture notes, section 4 ("general rule").
 *
 * @param grads The series g_0, …, g_{T−1}: finite numbers, or vectors of one length.
 * @param t The index t of the buffer, 0 ≤ t ≤ T (an integer).
 * @param options See {@link MomentumSeriesOptions}.
 * @returns m_t: a number, or a new Float64Array for vectors.
 *
 * @example
 * ```ts
 * import { momentumClosedForm } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * // m_3 = η (α² g_0 + α g_1 + g_2)
 * assert.equal(momentumClosedForm([4, 2, 1], 3, { alpha: 0.5, lr: 2 }), 2 * (1 + 1 + 1));
 * assert.equal(momentumClosedForm([4, 2, 1], 0, { alpha: 0.5 }), 0);
 * ```
 */
export function momentumClosedForm(
  grads: ArrayLike<number>,
  t: number,
  options: MomentumSeriesOptions,
): number;
/** {@link momentumClosedForm} of a series of gradient vectors. */
export function momentumClosedForm(
  grads: readonly ArrayLike<number>[],
  t: number,
  options: MomentumSeriesOptions,
): Float64Array;
export function momentumClosedForm(
  grads: ArrayLike<number> | readonly ArrayLike<number>[],
  t: number,
  options: MomentumSeriesOptions,
): number | Float64Array {
  const [alpha, lr] = readOptions("momentumClosedForm", options);
  const vectors = isVectorSeries(grads);
  const gs = vectors ? vectorSeries("grads", grads) : null;
  const g = vectors ? null : numberSeries("grads", grads);
  const n = gs ? gs.length : g!.length;
  const k = integer("t", t, 0);
  if (k > n) {
    throw new RangeError(
      `\`t\` must be an integer in [0, ${n}] (the series length), got ${show(k)}`,
    );
  }
  if (gs) {
    const m = new Float64Array(gs[0].length);
    for (let s = 0; s < k; s++) {
      const c = alpha ** (k - 1 - s) * learningRateAt(lr, s);
      for (let i = 0; i < m.length; i++) m[i] += c * gs[s][i];
    }
    m.forEach((x, i) => overflow(x, k - 1, `[${i}]`));
    return m;
  }
  let m = 0;
  for (let s = 0; s < k; s++) m += alpha ** (k - 1 - s) * learningRateAt(lr, s) * g![s];
  return overflow(m, k - 1, "");
}

/**
 * The weights of the gradients in m_t / η (constant η):
 *
 * $$w_s = \alpha^{t-1-s},\qquad s = 0, \dots, t-1.$$
 *
 * The newest gradient g_{t−1} has weight 1, the oldest g_0 weight α^(t−1).
 * Unlike the EMA's weights they do not carry the factor 1 − α.
 *
 * @param t The buffer index t ≥ 0 (an integer); m_0 has no weights.
 * @param alpha α in [0, 1).
 * @returns A new Float64Array of length t; entry s is the weight of g_s.
 *
 * @example
 * ```ts
 * import { momentumWeights } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...momentumWeights(3, 0.5)], [0.25, 0.5, 1]);
 * ```
 */
export function momentumWeights(t: number, alpha: number): Float64Array {
  const n = integer("t", t, 0);
  const a = unitInterval("alpha", alpha);
  const out = new Float64Array(n);
  for (let s = 0; s < n; s++) out[s] = a ** (n - 1 - s);
  return out;
}

/**
 * The sum of the momentum weights, a geometric sum:
 *
 * $$\sum_{s=0}^{t-1} \alpha^{t-1-s} = \sum_{s=0}^{t-1}\alpha^s = \frac{1-\alpha^t}{1-\alpha}.$$
 *
 * Dividing m_t by η times this sum gives a true weighted average of the
 * gradients; it tends to 1/(1 − α) (10 for α = 0.9), which is why a constant
 * gradient makes momentum steps up to 1/(1 − α) times longer.
 *
 * @param t The buffer index t ≥ 0 (an integer).
 * @param alpha α in [0, 1).
 * @returns (1 − α^t) / (1 − α).
 *
 * @example
 * ```ts
 * import { momentumWeightSum } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(momentumWeightSum(3, 0.5), 1.75);
 * assert.equal(momentumWeightSum(0, 0.9), 0);
 * ```
 */
export function momentumWeightSum(t: number, alpha: number): number {
  const n = integer("t", t, 0);
  const a = unitInterval("alpha", alpha);
  return (1 - a ** n) / (1 - a);
}
