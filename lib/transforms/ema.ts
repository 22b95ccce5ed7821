/**
 * The exponential moving average of the updates.
 *
 * @module
 */

import type { GradientTransformation } from "../types.ts";
import { bool, knownKeys, unitInterval } from "../_validate.ts";

/** Options of {@link ema}. */
export interface EmaOptions {
  /** The decay α in [0, 1): the weight of the past. */
  decay: number;
  /**
   * Divide by the sum of the weights, 1 − α^(t+1), so that the result is a true
   * weighted average (bias correction). The stored average is not divided.
   * @default {false}
   */
  debias?: boolean;
}

/** State of {@link ema}. */
export interface EmaState {
  /** The moving average, not bias-corrected. */
  mu: Float64Array;
  /** The factor 1 / (1 − α^(t+1)) of the current step (1 without `debias`). */
  correction: number;
}

/**
 * Replaces the update by its exponential moving average:
 *
 * $$m_t = \alpha\,m_{t-1} + (1-\alpha)\,u_t,\quad m_{-1} = 0,\qquad
 * u \leftarrow m_t \ \text{ or } \ \frac{m_t}{1-\alpha^{t+1}}\ \text{(debiased)}.$$
 *
 * The weights α^(t−s)(1 − α) of m_t sum to 1 − α^(t+1); dividing by that sum is
 * Adam's bias correction (Kingma & Ba, "Adam", ICLR 2015, section 3).
 *
 * @param options See {@link EmaOptions}.
 * @returns A transformation holding one average.
 *
 * @example A debiased EMA of a constant series is that constant from the first step
 * ```ts
 * import { chain, ema } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = chain("ema", ema({ decay: 0.9, debias: true }));
 * const w = new Float64Array([0]);
 * const state = opt.init(w);
 * opt.step(w, new Float64Array([3]), state);
 * assert.ok(Math.abs(w[0] + 3) < 1e-12);
 * ```
 */
export function ema(options: EmaOptions): GradientTransformation<EmaState> {
  knownKeys("ema", options, ["decay", "debias"]);
  const alpha = unitInterval("decay", options.decay);
  const debias = bool("debias", options.debias ?? false);
  return {
    name: "ema",
    init: (params) => ({ mu: new Float64Array(params.length), correction: 1 }),
    prepare(state, t) {
      state.correction = debias ? 1 / (1 - alpha ** (t + 1)) : 1;
    },
    update(u, lo, hi, state) {
      const mu = state.mu;
      const c = state.correction;
      for (let k = 0, i = lo; i < hi; k++, i++) {
        const m = alpha * mu[i] + (1 - alpha) * u[k];
        mu[i] = m;
        u[k] = m * c;
      }
    },
  };
}
