/**
 * `chain`: joins gradient transformations into an optimizer.
 *
 * @module
 */

import type { GradientTransformation, Optimizer, OptimizerState } from "../types.ts";
import { sameLength, show, vector } from "../_validate.ts";

/** What `chain` knows about each optimizer it made, by its block list. */
interface Chained {
  /** Its name and number, e.g. `"adam #3"` (see `OptimizerState.owner`). */
  readonly owner: string;
  /** Whether a block needs the whole vector at once (then the scratch holds every coordinate). */
  readonly whole: boolean;
  /**
   * Per block, the fields of its state that `init` made as one-entry-per-parameter buffers
   * (Float64Arrays of the parameters' length): recorded by the first `init`, checked by every
   * step. `null` until then.
   */
  buffers: (readonly string[])[] | null;
}
const chained = new WeakMap<readonly GradientTransformation[], Chained>();
let chains = 0;

/** What `chain` recorded about an optimizer's blocks, or a TypeError. */
function chainOf(transforms: readonly GradientTransformation[]): Chained {
  const made = chained.get(transforms);
  if (made === undefined) {
    throw new TypeError("`transforms` must be the `transforms` of an optimizer made by chain()");
  }
  return made;
}

/** The length of the scratch block `init` makes for `n` parameters. */
function scratchLength(whole: boolean, n: number): number {
  return whole ? n : Math.min(n, BLOCK_SIZE);
}

/** The fields of a block state that hold one entry per parameter (Float64Arrays of length `n`). */
function bufferFields(blockState: unknown, n: number): string[] {
  if (typeof blockState !== "object" || blockState === null) return [];
  return Object.keys(blockState).filter((key) => {
    const value = (blockState as Record<string, unknown>)[key];
    return value instanceof Float64Array && value.length === n;
  });
}

/**
 * Checks that every buffer `init` made in the blocks' states is still a Float64Array with one
 * entry per parameter (a state edited by hand could hold a shorter array, or none), before a
 * step touches anything.
 */
function checkBuffers(
  transforms: readonly GradientTransformation[],
  buffers: (readonly string[])[] | null,
  inner: unknown[],
  n: number,
): void {
  if (buffers === null) return;
  for (let j = 0; j < buffers.length; j++) {
    const fields = buffers[j];
    if (fields.length === 0) continue;
    const s = inner[j];
    if (typeof s !== "object" || s === null) {
      throw new TypeError(
        `\`state.inner[${j}]\` (the state of ${transforms[j].name}) must be the object init() ` +
          `made, with the buffers ${fields.join(", ")}, got ${show(s)}`,
      );
    }
    for (const key of fields) {
      const value = (s as Record<string, unknown>)[key];
      if (!(value instanceof Float64Array) || value.length !== n) {
        throw new TypeError(
          `\`state.inner[${j}].${key}\` (a buffer of ${transforms[j].name}) must be the ` +
            `Float64Array of length ${n} that init() made, got ${show(value)}`,
        );
      }
    }
  }
}

/** Checks that `state` is a state made by the `init` of the optimizer `owner` names. */
function checkOwner(owner: string, state: OptimizerState): void {
  if (!state || typeof state !== "object" || !Array.isArray(state.inner)) {
    throw new TypeError(`\`state\` must come from this optimizer's init(), got ${show(state)}`);
  }
  if (state.owner !== owner) {
    throw new TypeError(
      `\`state\` must come from the init() of this optimizer (${owner}), got a state made by ${
        typeof state.owner === "string" ? state.owner : "something else"
      }`,
    );
  }
}

/**
 * Everything a step does before touching a coordinate: checks its arguments
 * and everything of the state it relies on (its owner, its size, its count,
 * its blocks' buffers, that it can be written to and has not failed), then calls every block's
 * `prepare` with the step index. So a step that throws here has changed no
 * parameter, no buffer and no count. (Entries of `params` and `grads` are
 * checked inside the step's loop: see {@link rejectEntry}.)
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
  const { owner, whole, buffers } = chainOf(transforms);
  checkOwner(owner, state);
  sameLength("params", params, "grads", grads);
  const inner = state.inner;
  if (state.size !== params.length || inner.length !== transforms.length) {
    throw new RangeError(
      `\`state\` was made by init() for ${state.size} parameters and ${inner.length} ` +
        `blocks; this step has ${params.length} parameters and ${transforms.length} blocks`,
    );
  }
  if (state.failed !== undefined) {
    throw new RangeError(
      `\`state\` can no longer be used: ${state.failed}; make a fresh one with init()`,
    );
  }
  const t = state.count;
  if (!(Number.isInteger(t) && t >= 0)) {
    throw new RangeError(`\`state.count\` must be an integer >= 0, got ${show(t)}`);
  }
  if (!Object.isExtensible(state)) {
    throw new TypeError(
      "`state` must be writable (a step advances its count), got a frozen or sealed state",
    );
  }
  checkBuffers(transforms, buffers, inner, params.length);
  const scratch = state.scratch;
  if (
    !(scratch instanceof Float64Array) || scratch.length !== scratchLength(whole, params.length)
  ) {
    throw new TypeError(
      `\`state.scratch\` must be the Float64Array of length ${
        scratchLength(whole, params.length)
      } that init() made, got ${show(scratch)}`,
    );
  }
  // Every block that writes fields of its state (not only entries of its
  // buffers) writes them in `prepare`, before any coordinate is touched; so a
  // frozen block state is caught here, at no cost to a step that succeeds.
  for (let j = 0; j < transforms.length; j++) {
    try {
      transforms[j].prepare?.(inner[j], t);
    } catch (e) {
      const s = inner[j];
      if (typeof s === "object" && s !== null && Object.isFrozen(s)) {
        throw new TypeError(
          `\`state.inner[${j}]\` (the state of ${transforms[j].name}) must be writable, ` +
            "got a frozen object",
        );
      }
      throw e;
    }
  }
  return t;
}

/**
 * Stops a step at a non-finite entry of `grads` or `params`, saying exactly
 * what the step had already changed, and throws a `RangeError` naming the entry.
 *
 * Every step checks each entry of `grads` and `params` just before it uses
 * them (x − x ≠ 0 exactly when x is NaN or ±Infinity), inside its own loop. A
 * separate pass before the step would leave everything untouched on failure,
 * but it reads both vectors twice, and at 10⁶ parameters that costs 10–25 % of
 * a step (see `deno task bench`). The price of the one-pass check is paid
 * only when it fires:
 * - when the step had updated no coordinate yet (`updated` = 0: the bad entry
 *   is in the chain's first block, or in the only block of a whole-vector
 *   rule, or at coordinate 0 of a fused loop), params, the state's buffers and
 *   its count are as they were, and the state can still be used;
 * - otherwise coordinates 0 to `updated` − 1 of the parameters and of the
 *   state's buffers have been stepped and the others have not, so the state
 *   is marked `failed` and refuses further steps.
 *
 * `train` checks the gradient itself before stepping, so a training run
 * stops cleanly as "diverged" instead.
 *
 * @param state The state of the step being taken.
 * @param params The parameters.
 * @param grads The gradient.
 * @param i The index of the first coordinate whose gradient or parameter is not finite.
 * @param updated How many leading coordinates (0 to `i`) the step had already updated.
 * @returns Never: it always throws.
 */
export function rejectEntry(
  state: OptimizerState,
  params: Float64Array,
  grads: Float64Array,
  i: number,
  updated: number,
): never {
  const [name, value] = Number.isFinite(grads[i]) ? ["params", params[i]] : ["grads", grads[i]];
  const reason = `\`${name}[${i}]\` must be a finite number, got ${
    show(value)
  } at step ${state.count}`;
  if (updated === 0) {
    throw new RangeError(
      `${reason}; nothing was updated: params, the state's buffers and its count are as before`,
    );
  }
  const n = params.length;
  const done = updated === 1 ? "coordinate 0" : `coordinates 0 to ${updated - 1}`;
  const rest = updated === n - 1 ? `coordinate ${n - 1}` : `coordinates ${updated} to ${n - 1}`;
  state.failed = `${reason}, after ${done} had been updated (${rest} had not)`;
  throw new RangeError(
    `${reason}; ${done} of params and of the state had already been updated, ${rest} had ` +
      "not, so the state can no longer be used (make a fresh one with init())",
  );
}

/**
 * The state of one block of an optimizer, found by the block itself: returns
 * a function that picks that block's state out of any state the optimizer's
 * `init` made. Resolve it once, when the optimizer is built; it keeps working
 * whatever blocks the options put before or after it.
 *
 * @param optimizer An optimizer made by {@link chain} (or {@link fuse}).
 * @param block One of `optimizer.transforms`.
 * @returns `(state) => the block's state`; it throws a `TypeError` for a state
 *   another optimizer made.
 *
 * @example Reading a momentum buffer
 * ```ts
 * import { chain, momentum, scaleByLearningRate, stateOf } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const trace = momentum({ decay: 0.5 });
 * const opt = chain("heavy-ball", trace, scaleByLearningRate(0.1));
 * const buffer = stateOf(opt, trace);
 * const w = new Float64Array([1]);
 * const state = opt.init(w);
 * opt.step(w, new Float64Array([2]), state);
 * assert.deepEqual([...buffer(state).buf], [2]);
 * ```
 */
export function stateOf<S>(
  optimizer: Optimizer,
  block: GradientTransformation<S>,
): (state: OptimizerState) => S {
  const list = (optimizer as Partial<Optimizer> | null)?.transforms;
  if (list === undefined || !chained.has(list)) {
    throw new TypeError(
      `\`optimizer\` must be an optimizer made by chain(), got ${show(optimizer)}`,
    );
  }
  const { owner } = chainOf(list);
  if (!block || typeof block.init !== "function" || typeof block.update !== "function") {
    throw new TypeError(`\`block\` must be a GradientTransformation, got ${show(block)}`);
  }
  const j = list.indexOf(block as GradientTransformation);
  if (j < 0) {
    throw new RangeError(
      `\`block\` must be one of the blocks of ${owner} (${list.map((b) => b.name).join(", ")}), ` +
        `got ${typeof block.name === "string" ? block.name : show(block)}`,
    );
  }
  if (list.indexOf(block as GradientTransformation, j + 1) >= 0) {
    throw new RangeError(
      `\`block\` (${block.name}) appears more than once in ${owner}, so it has no single state`,
    );
  }
  return (state) => {
    if (state?.owner !== owner) checkOwner(owner, state);
    return state.inner[j] as S;
  };
}

/**
 * A step written as one loop over the coordinates, for an optimizer whose
 * blocks are known. It reads and writes the same state as the chain, after
 * every block's `prepare` has run, and finds its blocks' states with
 * {@link stateOf}. It checks each entry of `params` and `grads` before using
 * it and calls {@link rejectEntry} at the first non-finite one.
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
 * import { chain, fuse, scaleByLearningRate, stateOf } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const eta = scaleByLearningRate(0.5);
 * const gd = chain("gd", eta);
 * const rate = stateOf(gd, eta);
 * const fast = fuse(gd, (w, g, state) => {
 *   const lr = rate(state).lr;
 *   for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
 * });
 * const w = new Float64Array([1]);
 * fast.step(w, new Float64Array([1]), fast.init(w));
 * assert.equal(w[0], 0.5);
 * ```
 */
export function fuse(optimizer: Optimizer, kernel: FusedKernel): Optimizer {
  const list = (optimizer as Partial<Optimizer> | null)?.transforms;
  if (list === undefined || !chained.has(list)) {
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
    learningRate: optimizer.learningRate,
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
  const made: Chained = { owner, whole, buffers: null };
  chained.set(list, made);
  // The blocks that report a learning rate, found once, by what they are.
  const rated = list.flatMap((tr, j) => (typeof tr.learningRate === "function" ? [j] : []));

  return {
    name,
    transforms: list,
    init(params: Float64Array): OptimizerState {
      vector("params", params);
      const n = params.length;
      const inner = list.map((tr) => tr.init(params));
      // Each block's buffers, by name, once: a block's options fix which fields it keeps.
      made.buffers ??= inner.map((s) => bufferFields(s, n));
      return {
        count: 0,
        size: n,
        owner,
        inner,
        scratch: new Float64Array(scratchLength(whole, n)),
      };
    },
    learningRate(state: OptimizerState): number | undefined {
      checkOwner(owner, state);
      if (rated.length === 0) return undefined;
      let eta = 1;
      for (const j of rated) eta *= list[j].learningRate!(state.inner[j]);
      return eta;
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
          const w = params[i];
          if (g - g + (w - w) !== 0) break; // a non-finite entry: stop before this block
          u[k] = g;
        }
        if (i < hi) rejectEntry(state, params, grads, i, lo);
        for (let j = 0; j < count; j++) list[j].update(u, lo, hi, state.inner[j], params);
        for (let i = lo, k = 0; i < hi; i++, k++) params[i] -= u[k];
      }
      state.count = t + 1;
    },
  };
}
