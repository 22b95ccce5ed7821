/**
 * Adagrad's accumulator: divide by the root of the sum of all past squares.
 *
 * @module
 */

import type { GradientTransformation } from "../types.ts";
import { knownKeys, nonNegative, positive } from "../_validate.ts";

/** Options of {@link scaleByAdagrad}. */
export interface ScaleByAdagradOptions {
  /** ε > 0, added outside the root (PyTorch). */
  eps: number;
  /**
   * Starting value of the accumulator.
   * @default {0}
   */
  initialAccumulatorValue?: number;
}

/** State of {@link scaleByAdagrad}. */
export interface AdagradState {
  /** Sum of squared updates so far, per coordinate. */
  sum: Float64Array;
}

/**
 * Adagrad's scaling: an ever-growing sum of squares instead of a moving average,
 *
 * $$s_t = s_{t-1} + g_t^2,\qquad u \leftarrow \frac{g_t}{\sqrt{s_t} + \varepsilon}.$$
 *
 * Reference: Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online
 * Learning and Stochastic Optimization", JMLR 12 (2011).
 *
 * @param options See {@link ScaleByAdagradOptions}.
 * @returns A per-coordinate transformation.
 *
 * @example Steps shrink like 1/√t for a constant gradient
 * ```ts
 * import { chain, scaleByAdagrad } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = chain("adagrad-direction", scaleByAdagrad({ eps: 1e-12 }));
 * const w = new Float64Array([0]);
 * const state = opt.init(w);
 * for (let t = 0; t < 4; t++) opt.step(w, new Float64Array([5]), state);
 * assert.ok(Math.abs(-w[0] - (1 + 1 / Math.SQRT2 + 1 / Math.sqrt(3) + 0.5)) < 1e-9);
 * ```
 */
export function scaleByAdagrad(
  options: ScaleByAdagradOptions,
): GradientTransformation<AdagradState> {
  knownKeys("scaleByAdagrad", options, ["eps", "initialAccumulatorValue"]);
  const eps = positive("eps", options.eps);
  const initial = nonNegative("initialAccumulatorValue", options.initialAccumulatorValue ?? 0);
  return {
    name: "scaleByAdagrad",
    init: (params) => ({ sum: new Float64Array(params.length).fill(initial) }),
    update(u, lo, hi, state) {
      const sum = state.sum;
      for (let k = 0, i = lo; i < hi; k++, i++) {
        const g = u[k];
        const s = sum[i] + g * g;
        sum[i] = s;
        u[k] = g / (Math.sqrt(s) + eps);
      }
    },
  };
}
