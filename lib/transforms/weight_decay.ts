/**
 * Weight decay: adding λ·w to the update.
 *
 * @module
 */

import type { GradientTransformation } from "../types.ts";
import { nonNegative } from "../_validate.ts";

/**
 * Adds the decayed weights to the update: `u ← u + λ·w`.
 *
 * One block serves both kinds of weight decay; only its place in the chain differs:
 * - **coupled** (L2 regularization): first in the chain, so λw joins the gradient
 *   before any rescaling, exactly as ∇(E + ½λ‖w‖²) = ∇E + λw. PyTorch's
 *   `weight_decay` in SGD, RMSprop, Adam, Adagrad and Adadelta does this.
 * - **decoupled** (Loshchilov & Hutter, "Decoupled Weight Decay Regularization",
 *   ICLR 2019): after the adaptive rescaling and before the learning rate, so the
 *   step is η(û + λw). This is AdamW.
 *
 * @param weightDecay λ ≥ 0.
 * @returns A stateless transformation.
 *
 * @example Coupled decay with plain gradient descent shrinks w by (1 − ηλ)
 * ```ts
 * import { addDecayedWeights, chain, scaleByLearningRate } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = chain("gd+l2", addDecayedWeights(0.5), scaleByLearningRate(0.1));
 * const w = new Float64Array([2]);
 * opt.step(w, new Float64Array([0]), opt.init(w));
 * assert.ok(Math.abs(w[0] - 2 * (1 - 0.1 * 0.5)) < 1e-15);
 * ```
 */
export function addDecayedWeights(weightDecay: number): GradientTransformation<null> {
  const lambda = nonNegative("weightDecay", weightDecay);
  return {
    name: "addDecayedWeights",
    init: () => null,
    update(u, lo, hi, _state, params) {
      if (lambda === 0) return;
      for (let k = 0, i = lo; i < hi; k++, i++) u[k] += lambda * params[i];
    },
  };
}
