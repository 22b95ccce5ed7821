/**
 * AdaDelta's unit-correcting ratio √(E[Δw²] + ε) / √(E[g²] + ε).
 *
 * Per coordinate ({@link scaleByAdadelta}: Zeiler, PyTorch) and on whole-vector
 * norms with the learning rate inside ({@link scaleByNormAdadelta}: the lecture notes).
 *
 * @module
 */

import type { GradientTransformation, LearningRate } from "../types.ts";
import { checkLearningRate, learningRateAt } from "../types.ts";
import { knownKeys, positive, unitInterval } from "../_validate.ts";

/** Options of {@link scaleByAdadelta}. */
export interface ScaleByAdadeltaOptions {
  /** The decay ρ of both moving averages, in [0, 1). */
  rho: number;
  /** ε > 0, added under both roots. */
  eps: number;
}

/** State of {@link scaleByAdadelta}. */
export interface AdadeltaState {
  /** Moving average of squared updates E[g²]. */
  nu: Float64Array;
  /** Moving average of squared steps E[Δw²] (steps before the learning rate). */
  delta: Float64Array;
}

/**
 * Zeiler's AdaDelta step, per coordinate, as PyTorch computes it:
 *
 * $$v_t = \rho v_{t-1} + (1-\rho)g_t^2,\quad
 * \Delta_t = \frac{\sqrt{D_{t-1}+\varepsilon}}{\sqrt{v_t+\varepsilon}}\,g_t,\quad
 * D_t = \rho D_{t-1} + (1-\rho)\Delta_t^2,\qquad u \leftarrow \Delta_t.$$
 *
 * D accumulates Δ before any learning rate, so with PyTorch's default lr = 1
 * the step is exactly Zeiler's.
 *
 * Reference: Zeiler, "ADADELTA: An Adaptive Learning Rate Method" (2012), Algorithm 1.
 *
 * @param options See {@link ScaleByAdadeltaOptions}.
 * @returns A per-coordinate transformation.
 *
 * @example The first step is √ε·g/√((1−ρ)g² + ε)
 * ```ts
 * import { chain, scaleByAdadelta } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = chain("adadelta", scaleByAdadelta({ rho: 0.9, eps: 1e-6 }));
 * const w = new Float64Array([0]);
 * opt.step(w, new Float64Array([2]), opt.init(w));
 * assert.ok(Math.abs(-w[0] - Math.sqrt(1e-6) * 2 / Math.sqrt(0.1 * 4 + 1e-6)) < 1e-15);
 * ```
 */
export function scaleByAdadelta(
  options: ScaleByAdadeltaOptions,
): GradientTransformation<AdadeltaState> {
  knownKeys("scaleByAdadelta", options, ["rho", "eps"]);
  const rho = unitInterval("rho", options.rho);
  const eps = positive("eps", options.eps);
  return {
    name: "scaleByAdadelta",
    init: (params) => ({
      nu: new Float64Array(params.length),
      delta: new Float64Array(params.length),
    }),
    update(u, lo, hi, state) {
      const { nu, delta } = state;
      for (let k = 0, i = lo; i < hi; k++, i++) {
        const g = u[k];
        const v = rho * nu[i] + (1 - rho) * g * g;
        nu[i] = v;
        const d = (Math.sqrt(delta[i] + eps) / Math.sqrt(v + eps)) * g;
        delta[i] = rho * delta[i] + (1 - rho) * d * d;
        u[k] = d;
      }
    },
  };
}

/** Options of {@link scaleByNormAdadelta}. */
export interface ScaleByNormAdadeltaOptions {
  /** η > 0 or a schedule: the notes keep a learning rate in front of the ratio. */
  lr: LearningRate;
  /** The decay α of both moving averages, in [0, 1). */
  decay: number;
  /** ε₁ > 0 under the root of the average of squared gradient norms. */
  eps1: number;
  /** ε₂ > 0 under the root of the average of squared step norms. */
  eps2: number;
}

/** State of {@link scaleByNormAdadelta}. */
export interface NormAdadeltaState {
  /** Moving average of ‖g‖². */
  nu: number;
  /** Moving average of ‖w_{s+1} − w_s‖² over the steps taken so far. */
  delta: number;
  /** η_t of the current step. */
  lr: number;
}

/**
 * The lecture notes' AdaDelta, on whole-vector norms, with η and two ε:
 *
 * $$w_{t+1} = w_t - \eta_t\,\frac{\sqrt{\mathrm{EMA}(\lVert w_{s+1}-w_s\rVert^2, s\le t-1)+\varepsilon_2}}
 * {\sqrt{\mathrm{EMA}(\lVert g_s\rVert^2, s\le t)+\varepsilon_1}}\,g_t.$$
 *
 * The EMA of steps records the actual step w_{t+1} − w_t, η included, so this
 * block must be last in its chain (it returns the full step).
 *
 * @param options See {@link ScaleByNormAdadeltaOptions}.
 * @returns A whole-vector transformation.
 *
 * @example
 * ```ts
 * import { chain, scaleByNormAdadelta } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = chain("notes-adadelta", scaleByNormAdadelta({ lr: 1, decay: 0.9, eps1: 1e-6, eps2: 1e-6 }));
 * const w = new Float64Array([0, 0]);
 * const state = opt.init(w);
 * opt.step(w, new Float64Array([3, 4]), state);
 * const expected = Math.sqrt(1e-6) / Math.sqrt(0.1 * 25 + 1e-6); // factor on g
 * assert.ok(Math.abs(-w[1] - 4 * expected) < 1e-15);
 * ```
 */
export function scaleByNormAdadelta(
  options: ScaleByNormAdadeltaOptions,
): GradientTransformation<NormAdadeltaState> {
  knownKeys("scaleByNormAdadelta", options, ["lr", "decay", "eps1", "eps2"]);
  const rate = checkLearningRate("lr", options.lr);
  const alpha = unitInterval("decay", options.decay);
  const eps1 = positive("eps1", options.eps1);
  const eps2 = positive("eps2", options.eps2);
  return {
    name: "scaleByNormAdadelta",
    wholeVector: true,
    init: () => ({ nu: 0, delta: 0, lr: learningRateAt(rate, 0) }),
    prepare(state, t) {
      state.lr = learningRateAt(rate, t);
    },
    learningRate: (state) => state.lr,
    update(u, lo, hi, state) {
      const n = hi - lo;
      let sq = 0;
      for (let k = 0; k < n; k++) sq += u[k] * u[k];
      state.nu = alpha * state.nu + (1 - alpha) * sq;
      const factor = (state.lr * Math.sqrt(state.delta + eps2)) / Math.sqrt(state.nu + eps1);
      for (let k = 0; k < n; k++) u[k] *= factor;
      state.delta = alpha * state.delta + (1 - alpha) * factor * factor * sq;
    },
  };
}
