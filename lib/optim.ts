/**
 * The optimizers and their building blocks, without plotting, displays or
 * analysis: `import { adam } from "@better-gradients/lib/optim"` loads in a few
 * milliseconds.
 *
 * - the lecture notes' rules: {@link gradientDescent}, {@link notesMomentum},
 *   {@link notesWeightDecay}, {@link notesRmsprop}, {@link notesAdadelta},
 *   {@link notesAdam};
 * - PyTorch-compatible optimizers: {@link sgd}, {@link rmsprop},
 *   {@link adadelta}, {@link adam}, {@link adamw}, {@link adagrad};
 * - the gradient transformations they are chains of ({@link chain},
 *   {@link scaleByAdam}, {@link momentum}, …), and {@link fuse} for a fused
 *   kernel that steps exactly as its chain.
 *
 * @example
 * ```ts
 * import { adam } from "@better-gradients/lib/optim";
 * import assert from "node:assert/strict";
 *
 * const opt = adam({ lr: 0.1 });
 * const w = new Float64Array([1, -2]);
 * const state = opt.init(w);
 * for (let t = 0; t < 300; t++) opt.step(w, w.slice(), state);
 * assert.ok(Math.hypot(w[0], w[1]) < 1e-2);
 * ```
 *
 * @module
 */

export type {
  GradientTransformation,
  LearningRate,
  Optimizer,
  OptimizerState,
  Schedule,
} from "./types.ts";
export { chain, fuse, type FusedKernel, stateOf } from "./transforms/chain.ts";
export * from "./transforms/scale.ts";
export * from "./transforms/weight_decay.ts";
export * from "./transforms/momentum.ts";
export * from "./transforms/ema.ts";
export * from "./transforms/rms.ts";
export * from "./transforms/adadelta.ts";
export * from "./transforms/adam.ts";
export * from "./transforms/adagrad.ts";
export * from "./optimizers/sgd.ts";
export * from "./optimizers/rmsprop.ts";
export * from "./optimizers/adadelta.ts";
export * from "./optimizers/adam.ts";
export * from "./optimizers/adagrad.ts";
