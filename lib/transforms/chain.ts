/**
 * `chain`: joins gradient transformations into an optimizer.
 *
 * @module
 */

import type { GradientTransformation, Optimizer, OptimizerState } from "../types.ts";
import { sameLength, show, vector } from "../_validate.ts";

/** Which optimizer each chain's block list belongs to, e.g. `"adam #3"` (see `OptimizerState.owner`). */
const owners = new WeakMap<readonly GradientTransformation[], string>();
let chains = 0;

/**
 * Everything a step does before touching a coordinate: checks its arguments
 * and its state, and calls every block's `prepare` with the step index.
 * (Gradient entries are checked inside the step's loop: see {@link rejectGradient}.)
 *
 * @param transforms The optimizer's blocks, in chain order.
 * @param params The parameters.
 * @param grads The gradient.
 * @param state The optimizer's state.
 * @returns The 0-based index t of the step about to be taken.
 */
export function beginStep(
  transforms: readonly GradientTransformation[],
  params: Float64Array,
  grads: Float64Array,
  state: OptimizerState,
): number {
  if (!(params instanceof Float64Array)) {
    throw new TypeError(`\`params\` must be a Float64Array, got ${show(params)}`);
  }
  if (!(grads instanceof Float64Array)) {
    throw new TypeError(`\`grads\` must be a Float64Array, got ${show(grads)}`);
  }
  if (!state || typeof state.count !== "number" || !Array.isArray(state.inner)) {
    throw new TypeError(`\`state\` must come from this optimizer's init(), got ${show(state)}`);
  }
  const owner = owners.get(transforms);
  if (owner === undefined) {
    throw new TypeError("`transforms` must be the `transforms` of an optimizer made by chain()");
  }
  if (state.owner !== owner) {
    throw new TypeError(
      `\`state\` must come from the init() of this optimizer (${owner}), got a state made by ${
        typeof state.owner === "string" ? state.owner : "something else"
      }`,
    );
  }
  sameLength("params", params, "grads", grads);
  if (state.size !== params.length || state.inner.length !== transforms.length) {
    throw new RangeError(
      `\`state\` was made by init() for ${state.size} parameters and ${state.inner.length} ` +
        `blocks; this step has ${params.length} parameters and ${transforms.length} blocks`,
    );
  }
  if (state.failed !== undefined) {
    throw new RangeError(
      `\`state\` can no longer be used: ${state.failed}; make a fresh one with init()`,
    );
  }
  const t = state.count;
  for (let j = 0; j < transforms.length; j++) transforms[j].prepare?.(state.inner[j], t);
  return t;
}

/**
 * Stops a step at a non-finite gradient entry: marks the state as failed and
 * throws a `RangeError` naming the entry.
 *
 * Every step checks each gradient entry just before it uses it (x − x ≠ 0
 * exactly when x is NaN or ±Infinity). A separate pass over the gradient
 * before the step would leave everything untouched on failure, but it reads
 * the gradient twice, and at 10⁶ parameters that costs 10–25 % of a step
 * (see `deno task bench`). So the price of the one-pass check is paid only
 * when it fires: the coordinates before `i` have been updated, the entry
 * itself and everything after it have not, and the state refuses further
 * steps. `train` checks the gradient itself before stepping, so a training run
 * stops cleanly as "diverged" instead.
 *
 * @param state The state of the step being taken.
 * @param grads The gradient.
 * @param i The index of the first non-finite entry.
 * @returns Never: it always throws.
 */
export function rejectGradient(state: OptimizerState, grads: Float64Array, i: number): never {
  const reason = `\`grads[${i}]\` must be a finite number, got ${
    show(grads[i])
  } at step ${state.count}`;
  state.failed = `${reason} (coordinates 0 to ${i - 1} were already updated)`;
  throw new RangeError(`${reason}; params and state were updated up to coordinate ${i - 1}`);
}

/**
 * A step written as one loop over the coordinates, for an optimizer whose
 * blocks are known. It reads and writes the same state as the chain, after
 * every block's `prepare` has run.
 */
export type FusedKernel = (
  params: Float64Array,
  grads: Float64Array,
  state: OptimizerState,
) => void;

/**
 * Replaces a chain's step by a fused kernel that computes the same thing in one
 * pass (PyTorch keeps a readable loop and tests its fast variants against it;
 * here the chain is the readable version). The state, its layout and the
 * checks stay those of the chain, so the two steps are interchangeable on one
 * state and can be tested against each other.
 *
 * @param optimizer A chain.
 * @param kernel The fused loop.
 * @returns The same optimizer with the fused step.
 *
 * @example A fused plain gradient step
 * ```ts
 * import { chain, fuse, type LearningRateState, scaleByLearningRate } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const gd = chain("gd", scaleByLearningRate(0.5));
 * const fast = fuse(gd, (w, g, state) => {
 *   const lr = (state.inner[0] as LearningRateState).lr;
 *   for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
 * });
 * const w = new Float64Array([1]);
 * fast.step(w, new Float64Array([1]), fast.init(w));
 * assert.equal(w[0], 0.5);
 * ```
 */
export function fuse(optimizer: Optimizer, kernel: FusedKernel): Optimizer {
  const list = (optimizer as Partial<Optimizer> | null)?.transforms;
  if (list === undefined || !owners.has(list)) {
    throw new TypeError(
      `\`optimizer\` must be an optimizer made by chain(), got ${show(optimizer)}`,
    );
  }
  if (typeof kernel !== "function") {
    throw new TypeError(
      `\`kernel\` must be a function (params, grads, state) => void, got ${show(kernel)}`,
    );
  }
  return {
    name: optimizer.name,
    transforms: list,
    init: optimizer.init,
    step(params: Float64Array, grads: Float64Array, state: OptimizerState): void {
      const t = beginStep(list, params, grads, state);
      kernel(params, grads, state);
      state.count = t + 1;
    },
  };
}

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
  const owner = `${name} #${++chains}`;
  owners.set(list, owner);

  return {
    name,
    transforms: list,
    init(params: Float64Array): OptimizerState {
      vector("params", params);
      const n = params.length;
      return {
        count: 0,
        size: n,
        owner,
        inner: list.map((tr) => tr.init(params)),
        scratch: new Float64Array(whole ? n : Math.min(n, BLOCK_SIZE)),
      };
    },
    step(params: Float64Array, grads: Float64Array, state: OptimizerState): void {
      const t = beginStep(list, params, grads, state);
      const n = params.length;
      const u = state.scratch;
      const block = u.length;
      for (let lo = 0; lo < n; lo += block) {
        const hi = lo + block < n ? lo + block : n;
        let i = lo;
        for (let k = 0; i < hi; i++, k++) {
          const g = grads[i];
          if (g - g !== 0) break; // a non-finite entry: stop before this block
          u[k] = g;
        }
        if (i < hi) rejectGradient(state, grads, i);
        for (let j = 0; j < count; j++) list[j].update(u, lo, hi, state.inner[j], params);
        for (let i = lo, k = 0; i < hi; i++, k++) params[i] -= u[k];
      }
      state.count = t + 1;
    },
  };
}
