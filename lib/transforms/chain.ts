/**
 * `chain`: joins gradient transformations into an optimizer.
 *
 * @module
 */

import type { GradientTransformation, Optimizer, OptimizerState } from "../types.ts";
import { sameLength, show, vector } from "../_validate.ts";

/**
 * How many coordinates the chain processes at a time. A block of updates stays
 * in the processor's cache while every transformation works on it, so a chain
 * of small passes costs about as much memory traffic as one fused loop.
 */
export const BLOCK_SIZE = 2048;

/**
 * Joins transformations into an {@link Optimizer}. The first transformation
 * receives the gradient, each next one the previous one's output, and the step
 * subtracts the last output from the parameters:
 *
 * $$u \leftarrow g_t,\quad u \leftarrow T_k(u)\ \text{for each block } T_k,\quad w_{t+1} = w_t - u.$$
 *
 * Reference: Optax's `chain` (Babuschkin et al., "The DeepMind JAX Ecosystem", 2020).
 *
 * @param name The optimizer's name, shown in displays and errors.
 * @param transforms The building blocks, in the order they apply.
 * @returns An optimizer whose `step` updates parameters in place.
 *
 * @example Gradient descent with momentum, learning rate outside the buffer
 * ```ts
 * import { chain, momentum, scaleByLearningRate } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = chain("heavy-ball", momentum({ decay: 0.9 }), scaleByLearningRate(0.1));
 * const w = new Float64Array([1]);
 * const state = opt.init(w);
 * opt.step(w, new Float64Array([1]), state); // buffer 1,   w = 1 - 0.1
 * opt.step(w, new Float64Array([1]), state); // buffer 1.9, w = 0.9 - 0.19
 * assert.ok(Math.abs(w[0] - 0.71) < 1e-12);
 * assert.equal(state.count, 2);
 * ```
 */
export function chain(name: string, ...transforms: GradientTransformation[]): Optimizer {
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError(`\`name\` must be a non-empty string, got ${show(name)}`);
  }
  transforms.forEach((tr, i) => {
    if (!tr || typeof tr.init !== "function" || typeof tr.update !== "function") {
      throw new TypeError(`\`transforms[${i}]\` must be a GradientTransformation, got ${show(tr)}`);
    }
  });
  const whole = transforms.some((tr) => tr.wholeVector === true);
  const list = [...transforms];
  const count = list.length;

  return {
    name,
    transforms: list,
    init(params: Float64Array): OptimizerState {
      vector("params", params);
      const n = params.length;
      return {
        count: 0,
        size: n,
        inner: list.map((tr) => tr.init(params)),
        scratch: new Float64Array(whole ? n : Math.min(n, BLOCK_SIZE)),
      };
    },
    step(params: Float64Array, grads: Float64Array, state: OptimizerState): void {
      if (!(params instanceof Float64Array)) {
        throw new TypeError(`\`params\` must be a Float64Array, got ${show(params)}`);
      }
      if (!(grads instanceof Float64Array)) {
        throw new TypeError(`\`grads\` must be a Float64Array, got ${show(grads)}`);
      }
      if (!state || typeof state.count !== "number" || !Array.isArray(state.inner)) {
        throw new TypeError(`\`state\` must come from this optimizer's init(), got ${show(state)}`);
      }
      sameLength("params", params, "grads", grads);
      if (state.size !== params.length || state.inner.length !== count) {
        throw new RangeError(
          `\`state\` was made by init() for ${state.size} parameters and ${state.inner.length} ` +
            `blocks; this step has ${params.length} parameters and ${count} blocks`,
        );
      }
      const n = params.length;
      // Reject a non-finite gradient before anything changes, so a failed step leaves
      // params and state as they were. (x - x is NaN exactly when x is NaN or ±Infinity.)
      let probe = 0;
      for (let i = 0; i < n; i++) probe += grads[i] - grads[i];
      if (probe !== 0) {
        let i = 0;
        while (Number.isFinite(grads[i])) i++;
        throw new RangeError(
          `\`grads[${i}]\` must be a finite number, got ${show(grads[i])} at step ${state.count}`,
        );
      }
      const t = state.count;
      for (let j = 0; j < count; j++) list[j].prepare?.(state.inner[j], t);
      const u = state.scratch;
      const block = u.length;
      for (let lo = 0; lo < n; lo += block) {
        const hi = lo + block < n ? lo + block : n;
        for (let i = lo, k = 0; i < hi; i++, k++) u[k] = grads[i];
        for (let j = 0; j < count; j++) list[j].update(u, lo, hi, state.inner[j], params);
        for (let i = lo, k = 0; i < hi; i++, k++) params[i] -= u[k];
      }
      state.count = t + 1;
    },
  };
}
