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

export * from "./types.ts";
export * from "./transforms/chain.ts";
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
export * from "./schedules.ts";
export * from "./plateau.ts";
export * from "./analysis/ema.ts";
export * from "./analysis/momentum.ts";
export * from "./analysis/power_means.ts";
export * from "./analysis/stability.ts";
export * from "./analysis/units.ts";
export * from "./analysis/lr_range_test.ts";
export * from "./data/random.ts";
export * from "./data/minibatches.ts";
export * from "./data/standardize.ts";
export * from "./data/iris.ts";
export * from "./data/mnist.ts";
export * from "./problems/problem.ts";
export * from "./problems/quadratic.ts";
export * from "./problems/flat_then_steep.ts";
export * from "./problems/rosenbrock.ts";
export * from "./problems/linear_regression.ts";
export * from "./problems/softmax_regression.ts";
export * from "./network/mlp.ts";
export * from "./display/mime.ts";
export * from "./display/format.ts";
export * from "./display/table.ts";
export * from "./plot/figure.ts";
export * from "./plot/line.ts";
export * from "./plot/surface.ts";
export * from "./plot/bars.ts";
export * from "./plot/small_multiples.ts";
export * from "./plot/window.ts";
export * from "./display/math.ts";
export * from "./display/weights_table.ts";
export * from "./display/run.ts";
export * from "./train.ts";
export * from "./exercise.ts";
export * from "./plot/explorable.ts";
export * from "./plot/explorable_closed_form.ts";
export * from "./plot/explorable_grid.ts";
