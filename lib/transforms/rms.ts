/**
 * Dividing by the root of a moving average of squares: the heart of RMSProp.
 *
 * Two versions live here side by side:
 * - {@link scaleByRms}, per coordinate (Hinton's lecture 6e, PyTorch, Adam);
 * - {@link scaleByNormRms}, one scalar for the whole vector, the squared norm
 *   ‖g‖² (the lecture notes' RMSProp).
 *
 * @module
 */

import type { GradientTransformation } from "../types.ts";
import { bool, knownKeys, nonNegative, positive, unitInterval } from "../_validate.ts";

/** Options of {@link scaleByRms}. */
export interface ScaleByRmsOptions {
  /** The decay α of the average of squares, in [0, 1). */
  decay: number;
  /** ε > 0, keeps the division finite. */
  eps: number;
  /**
   * `false`: u / (√v + ε) (PyTorch's RMSprop and Adam). `true`: u / √(v + ε)
   * (the lecture notes, TensorFlow/Keras). With `true` the up-scaling is capped
   * at 1/√ε; with `false` at 1/ε.
   * @default {false}
   */
  epsInside?: boolean;
  /**
   * Subtract the square of the moving average of u itself, so the divisor is an
   * estimate of the standard deviation (Graves 2013; PyTorch's `centered`).
   * @default {false}
   */
  centered?: boolean;
  /**
   * Divide the averages by 1 − α^(t+1) before use (bias correction, as in Adam).
   * @default {false}
   */
  debias?: boolean;
  /**
   * Starting value of the average of squares (PyTorch: 0; Optax: 0; TF1: 1).
   * @default {0}
   */
  initialValue?: number;
}

/** State of {@link scaleByRms}. */
export interface RmsState {
  /** The moving average of squared updates, per coordinate (not debiased). */
  nu: Float64Array;
  /** The moving average of the updates (only with `centered`). */
  mu: Float64Array | null;
  /** 1 / (1 − α^(t+1)) for the current step, or 1. */
  correction: number;
}

/**
 * Divides each coordinate by the root of a moving average of its squares:
 *
 * $$v_t = \alpha\,v_{t-1} + (1-\alpha)\,u_t^2,\qquad
 * u \leftarrow \frac{u_t}{\sqrt{v_t} + \varepsilon}\ \ \text{or}\ \ \frac{u_t}{\sqrt{v_t + \varepsilon}}.$$
 *
 * References: Tieleman & Hinton, "Lecture 6.5 — RMSProp", COURSERA: Neural
 * Networks for Machine Learning (2012); Graves, "Generating sequences with
 * recurrent neural networks" (2013) for the centered form.
 *
 * @param options See {@link ScaleByRmsOptions}.
 * @returns A per-coordinate transformation.
 *
 * @example Each coordinate is normalised on its own
 * ```ts
 * import { chain, scaleByRms } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = chain("rms", scaleByRms({ decay: 0.5, eps: 1e-12, debias: true }));
 * const w = new Float64Array([0, 0]);
 * opt.step(w, new Float64Array([100, -0.01]), opt.init(w));
 * assert.ok(Math.abs(w[0] + 1) < 1e-9 && Math.abs(w[1] - 1) < 1e-9);
 * ```
 */
export function scaleByRms(options: ScaleByRmsOptions): GradientTransformation<RmsState> {
  knownKeys("scaleByRms", options, [
    "decay",
    "eps",
    "epsInside",
    "centered",
    "debias",
    "initialValue",
  ]);
  const alpha = unitInterval("decay", options.decay);
  const eps = positive("eps", options.eps);
  const inside = bool("epsInside", options.epsInside ?? false);
  const centered = bool("centered", options.centered ?? false);
  const debias = bool("debias", options.debias ?? false);
  const initial = nonNegative("initialValue", options.initialValue ?? 0);
  return {
    name: "scaleByRms",
    init: (params) => ({
      nu: new Float64Array(params.length).fill(initial),
      mu: centered ? new Float64Array(params.length) : null,
      correction: 1,
    }),
    prepare(state, t) {
      state.correction = debias ? 1 / (1 - alpha ** (t + 1)) : 1;
    },
    update(u, lo, hi, state) {
      const nu = state.nu;
      const c = state.correction;
      const mu = state.mu;
      for (let k = 0, i = lo; i < hi; k++, i++) {
        const g = u[k];
        const v = alpha * nu[i] + (1 - alpha) * g * g;
        nu[i] = v;
        let s = v * c;
        if (mu !== null) {
          const m = alpha * mu[i] + (1 - alpha) * g;
          mu[i] = m;
          s -= m * c * (m * c);
        }
        u[k] = inside ? g / Math.sqrt(s + eps) : g / (Math.sqrt(s) + eps);
      }
    },
  };
}

/** Options of {@link scaleByNormRms}. */
export interface ScaleByNormRmsOptions {
  /** The decay α of the average of squared norms, in [0, 1). */
  decay: number;
  /** ε > 0 under the root: the up-scaling is at most 1/√ε. */
  eps: number;
  /**
   * Divide the average by 1 − α^(t+1) before use.
   * @default {false}
   */
  debias?: boolean;
}

/** State of {@link scaleByNormRms}. */
export interface NormRmsState {
  /** The moving average of ‖u‖², one number for the whole vector. */
  nu: number;
  /** The step index of the current step. */
  t: number;
}

/**
 * The lecture notes' RMSProp divisor: one moving average of the squared norm of
 * the whole update, shared by every coordinate:
 *
 * $$s_t = \alpha\,s_{t-1} + (1-\alpha)\,\lVert u_t\rVert^2,\qquad
 * u \leftarrow \frac{u_t}{\sqrt{s_t + \varepsilon}}.$$
 *
 * Unlike {@link scaleByRms} this keeps the direction of u and only changes its
 * length. It needs the whole vector at once (`wholeVector`).
 *
 * @param options See {@link ScaleByNormRmsOptions}.
 * @returns A whole-vector transformation.
 *
 * @example The first step has length 1/√(1 − α) when ε is tiny
 * ```ts
 * import { chain, scaleByNormRms } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = chain("norm-rms", scaleByNormRms({ decay: 0.75, eps: 1e-16 }));
 * const w = new Float64Array([0, 0]);
 * opt.step(w, new Float64Array([3, 4]), opt.init(w));
 * assert.ok(Math.abs(Math.hypot(w[0], w[1]) - 2) < 1e-9);
 * ```
 */
export function scaleByNormRms(
  options: ScaleByNormRmsOptions,
): GradientTransformation<NormRmsState> {
  knownKeys("scaleByNormRms", options, ["decay", "eps", "debias"]);
  const alpha = unitInterval("decay", options.decay);
  const eps = positive("eps", options.eps);
  const debias = bool("debias", options.debias ?? false);
  return {
    name: "scaleByNormRms",
    wholeVector: true,
    init: () => ({ nu: 0, t: 0 }),
    prepare(state, t) {
      state.t = t;
    },
    update(u, lo, hi, state) {
      const n = hi - lo;
      let sq = 0;
      for (let k = 0; k < n; k++) sq += u[k] * u[k];
      state.nu = alpha * state.nu + (1 - alpha) * sq;
      const s = debias ? state.nu / (1 - alpha ** (state.t + 1)) : state.nu;
      const factor = 1 / Math.sqrt(s + eps);
      for (let k = 0; k < n; k++) u[k] *= factor;
    },
  };
}
