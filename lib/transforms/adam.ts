/**
 * Adam's scaling: a bias-corrected average of updates divided by the root of a
 * bias-corrected average of their squares.
 *
 * @module
 */

import type { GradientTransformation } from "../types.ts";
import { bool, knownKeys, positive, unitInterval } from "../_validate.ts";

/** Options of {@link scaleByAdam}. */
export interface ScaleByAdamOptions {
  /** β₁ in [0, 1): decay of the first moment. */
  b1: number;
  /** β₂ in [0, 1): decay of the second moment. */
  b2: number;
  /** ε > 0. */
  eps: number;
  /**
   * `false`: m̂ / (√v̂ + ε) (Kingma & Ba, PyTorch). `true`: m̂ / √(v̂ + ε).
   * @default {false}
   */
  epsInside?: boolean;
  /**
   * Divide by the running maximum of v instead of v (Reddi et al., "On the
   * Convergence of Adam and Beyond", ICLR 2018), as PyTorch's `amsgrad`.
   * @default {false}
   */
  amsgrad?: boolean;
}

/** State of {@link scaleByAdam}. */
export interface AdamState {
  /** First moment m (not bias-corrected). */
  mu: Float64Array;
  /** Second moment v (not bias-corrected). */
  nu: Float64Array;
  /** Running maximum of v (only with `amsgrad`). */
  nuMax: Float64Array | null;
  /** 1 − β₁^(t+1) of the current step. */
  bc1: number;
  /** √(1 − β₂^(t+1)) of the current step. */
  bc2Sqrt: number;
}

/**
 * Adam's per-coordinate scaling, in the order PyTorch computes it:
 *
 * $$m_t = \beta_1 m_{t-1} + (1-\beta_1)g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2)g_t^2,$$
 * $$u \leftarrow \frac{m_t/(1-\beta_1^{t+1})}{\sqrt{v_t}/\sqrt{1-\beta_2^{t+1}} + \varepsilon}$$
 *
 * with t the 0-based step index (the paper's 1-based t is t + 1 here).
 *
 * Reference: Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, Algorithm 1.
 *
 * @param options See {@link ScaleByAdamOptions}.
 * @returns A per-coordinate transformation.
 *
 * @example The first Adam step has length ≈ 1 in every coordinate
 * ```ts
 * import { chain, scaleByAdam } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = chain("adam-direction", scaleByAdam({ b1: 0.9, b2: 0.999, eps: 1e-12 }));
 * const w = new Float64Array([0, 0]);
 * opt.step(w, new Float64Array([1e3, -1e-3]), opt.init(w));
 * assert.ok(Math.abs(w[0] + 1) < 1e-6 && Math.abs(w[1] - 1) < 1e-6);
 * ```
 */
export function scaleByAdam(options: ScaleByAdamOptions): GradientTransformation<AdamState> {
  knownKeys("scaleByAdam", options, ["b1", "b2", "eps", "epsInside", "amsgrad"]);
  const b1 = unitInterval("b1", options.b1);
  const b2 = unitInterval("b2", options.b2);
  const eps = positive("eps", options.eps);
  const inside = bool("epsInside", options.epsInside ?? false);
  const amsgrad = bool("amsgrad", options.amsgrad ?? false);
  return {
    name: "scaleByAdam",
    init: (params) => ({
      mu: new Float64Array(params.length),
      nu: new Float64Array(params.length),
      nuMax: amsgrad ? new Float64Array(params.length) : null,
      bc1: 1,
      bc2Sqrt: 1,
    }),
    prepare(state, t) {
      state.bc1 = 1 - b1 ** (t + 1);
      state.bc2Sqrt = Math.sqrt(1 - b2 ** (t + 1));
    },
    update(u, lo, hi, state) {
      const { mu, nu, nuMax, bc1, bc2Sqrt } = state;
      for (let k = 0, i = lo; i < hi; k++, i++) {
        const g = u[k];
        const m = b1 * mu[i] + (1 - b1) * g;
        let v = b2 * nu[i] + (1 - b2) * g * g;
        mu[i] = m;
        nu[i] = v;
        if (nuMax !== null) {
          if (nuMax[i] > v) v = nuMax[i];
          else nuMax[i] = v;
        }
        const denom = inside
          ? Math.sqrt(v / (bc2Sqrt * bc2Sqrt) + eps)
          : Math.sqrt(v) / bc2Sqrt + eps;
        u[k] = m / (denom * bc1); // one division less than m / bc1 / denom
      }
    },
  };
}
