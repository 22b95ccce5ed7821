/**
 * Scaling by a constant and by the learning rate.
 *
 * @module
 */

import type { GradientTransformation, LearningRate } from "../types.ts";
import { checkLearningRate, learningRateAt } from "../types.ts";
import { finite } from "../_validate.ts";

/**
 * Multiplies every coordinate by a constant: `u ← c·u`.
 *
 * @param factor The constant `c` (any finite number).
 * @returns A stateless transformation.
 *
 * @example
 * ```ts
 * import { chain, scale } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = chain("half-step", scale(0.5));
 * const w = new Float64Array([1, 2]);
 * opt.step(w, new Float64Array([2, 2]), opt.init(w));
 * assert.deepEqual([...w], [0, 1]);
 * ```
 */
export function scale(factor: number): GradientTransformation<null> {
  const c = finite("factor", factor);
  return {
    name: "scale",
    init: () => null,
    update(u, lo, hi) {
      for (let k = 0, n = hi - lo; k < n; k++) u[k] *= c;
    },
  };
}

/** State of {@link scaleByLearningRate}: the learning rate of the current step. */
export interface LearningRateState {
  /** η_t of the step being taken (or last taken). */
  lr: number;
}

/**
 * Multiplies the update by the learning rate of the current step:
 * `u ← η_t·u`, where η_t is `lr` or `lr(t)` for a schedule.
 *
 * Where it stands in a chain is a modelling choice: placed *before* a momentum
 * buffer, η is inside the buffer (the lecture notes: m = αm + ηg); placed
 * *after*, η multiplies the buffer (PyTorch: v = μv + g, w −= ηv). The two agree
 * while η is constant and differ as soon as a schedule changes it.
 *
 * @param lr A number > 0 or a schedule `(t) => η_t`.
 * @returns A transformation whose state records η_t.
 *
 * @example A schedule is evaluated at the 0-based step index
 * ```ts
 * import { chain, scaleByLearningRate } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = chain("gd", scaleByLearningRate((t: number) => 1 / (t + 1)));
 * const w = new Float64Array([0]);
 * const state = opt.init(w);
 * opt.step(w, new Float64Array([1]), state); // η_0 = 1
 * opt.step(w, new Float64Array([1]), state); // η_1 = 1/2
 * assert.equal(w[0], -1.5);
 * ```
 */
export function scaleByLearningRate(lr: LearningRate): GradientTransformation<LearningRateState> {
  const rate = checkLearningRate("lr", lr);
  return {
    name: "scaleByLearningRate",
    init: () => ({ lr: learningRateAt(rate, 0) }),
    prepare(state, t) {
      state.lr = learningRateAt(rate, t);
    },
    learningRate: (state) => state.lr,
    update(u, lo, hi, state) {
      const eta = state.lr;
      for (let k = 0, n = hi - lo; k < n; k++) u[k] *= eta;
    },
  };
}
