/**
 * **better-gradients**: optimizers and learning-rate schedules for teaching
 * "better ways to apply gradients", in two families side by side:
 *
 * - the lecture notes' rules, exactly as written: {@link gradientDescent},
 *   {@link notesMomentum}, {@link notesWeightDecay}, {@link notesRmsprop},
 *   {@link notesAdadelta}, {@link notesAdam};
 * - PyTorch-compatible optimizers that step exactly as `torch.optim` does:
 *   {@link sgd}, {@link rmsprop}, {@link adadelta}, {@link adam}, {@link adamw},
 *   {@link adagrad}.
 *
 * Both are short chains of gradient transformations ({@link chain}), which
 * are exported too so a lesson can assemble its own.
 *
 * Around them: learning-rate schedules (pure functions of the step index,
 * e.g. {@link stepDecay}), analysis tools for the lessons (EMA and momentum
 * weights, power means, the stability bound of gradient descent, unit analysis
 * with mathjs), problems with their gradients (quadratic forms, Rosenbrock,
 * seeded linear regression, softmax regression on iris), seeded data utilities
 * ({@link createRng}, {@link minibatches}), the training loop {@link train}, and
 * figures and rich displays for Jupyter ({@link lineChart}, {@link lossSurface},
 * {@link displayRun}).
 *
 * Each part can also be imported on its own: `@better-gradients/lib/optim`
 * (optimizers and transformations), `/schedules`, `/problems`, `/data`,
 * `/train`, `/analysis`, `/display` and `/plot`. Importing the root is fast
 * too: vega, vega-lite and mathjs are loaded at their first use.
 *
 * @example
 * ```ts
 * import { adam, stepDecay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * // minimise f(w) = ½‖w‖²: the gradient is w itself
 * const opt = adam({ lr: stepDecay({ lr: 0.1, gamma: 0.5, stepSize: 100 }) });
 * const w = new Float64Array([1, -2]);
 * const state = opt.init(w);
 * for (let t = 0; t < 500; t++) opt.step(w, w.slice(), state);
 * assert.ok(Math.hypot(w[0], w[1]) < 1e-3);
 * ```
 *
 * @module
 */

export * from "./optim.ts";
export * from "./schedules.ts";
export * from "./plateau.ts";
export * from "./analysis/mod.ts";
export * from "./data/mod.ts";
export * from "./problems/mod.ts";
export * from "./display/mod.ts";
export * from "./plot/mod.ts";
export * from "./network/mlp.ts";
export * from "./train.ts";
export * from "./exercise.ts";
