/**
 * AdaDelta: the lecture notes' whole-norm form and PyTorch's `torch.optim.Adadelta`.
 *
 * @module
 */

import type { LearningRate, Optimizer } from "../types.ts";
import { checkLearningRate } from "../types.ts";
import { chain } from "../transforms/chain.ts";
import { scaleByLearningRate } from "../transforms/scale.ts";
import { scaleByAdadelta, scaleByNormAdadelta } from "../transforms/adadelta.ts";
import { addDecayedWeights } from "../transforms/weight_decay.ts";
import { knownKeys, nonNegative, unitInterval } from "../_validate.ts";

/** Options of {@link notesAdadelta}. */
export interface NotesAdadeltaOptions {
  /**
   * η > 0 or a schedule (Zeiler's AdaDelta has no η: use 1).
   * @default {1}
   */
  lr?: LearningRate;
  /**
   * α in [0, 1): decay of both moving averages.
   * @default {0.9}
   */
  alpha?: number;
  /**
   * ε₁ > 0 under the root of the average of squared gradient norms.
   * @default {1e-6}
   */
  eps1?: number;
  /**
   * ε₂ > 0 under the root of the average of squared step norms.
   * @default {1e-6}
   */
  eps2?: number;
}

/**
 * AdaDelta as the notes write it, on whole-vector norms:
 *
 * $$w_{t+1} = w_t - \eta_t\,\frac{g_t}{\sqrt{\mathrm{EMA}(\lVert g_s\rVert^2, s\le t)+\varepsilon_1}}
 * \sqrt{\mathrm{EMA}(\lVert w_{s+1}-w_s\rVert^2, s\le t-1)+\varepsilon_2}.$$
 *
 * The ratio of the two roots carries the units of w per unit of ∇E, like the
 * inverse Hessian in Newton's step, so the update has the units of w.
 *
 * Reference: Zeiler, "ADADELTA: An Adaptive Learning Rate Method" (2012).
 *
 * @param options See {@link NotesAdadeltaOptions}.
 * @returns An optimizer.
 *
 * @example The first step has length √ε₂ · ‖g‖/√((1−α)‖g‖² + ε₁)
 * ```ts
 * import { notesAdadelta } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = notesAdadelta({ alpha: 0.9, eps1: 1e-6, eps2: 1e-4 });
 * const w = new Float64Array([0, 0]);
 * opt.step(w, new Float64Array([3, 4]), opt.init(w));
 * assert.ok(Math.abs(Math.hypot(w[0], w[1]) - 1e-2 * 5 / Math.sqrt(2.5 + 1e-6)) < 1e-15);
 * ```
 */
export function notesAdadelta(options: NotesAdadeltaOptions = {}): Optimizer {
  knownKeys("notesAdadelta", options, ["lr", "alpha", "eps1", "eps2"]);
  return chain(
    "notes adadelta",
    scaleByNormAdadelta({
      lr: checkLearningRate("lr", options.lr ?? 1),
      decay: unitInterval("alpha", options.alpha ?? 0.9),
      eps1: options.eps1 ?? 1e-6,
      eps2: options.eps2 ?? 1e-6,
    }),
  );
}

/** Options of {@link adadelta}, named as in `torch.optim.Adadelta`. */
export interface AdadeltaOptions {
  /**
   * η > 0 or a schedule, multiplying Zeiler's step.
   * @default {1}
   */
  lr?: LearningRate;
  /**
   * Decay ρ in [0, 1) of both averages.
   * @default {0.9}
   */
  rho?: number;
  /**
   * ε > 0 under both roots.
   * @default {1e-6}
   */
  eps?: number;
  /**
   * L2 penalty λ ≥ 0 added to the gradient.
   * @default {0}
   */
  weightDecay?: number;
}

/**
 * Adadelta exactly as `torch.optim.Adadelta` steps it:
 *
 * $$v_t = \rho v_{t-1} + (1-\rho) g_t^2,\quad
 * \Delta_t = \frac{\sqrt{D_{t-1}+\varepsilon}}{\sqrt{v_t+\varepsilon}} g_t,\quad
 * D_t = \rho D_{t-1} + (1-\rho)\Delta_t^2,\quad w_{t+1} = w_t - \eta_t\Delta_t.$$
 *
 * D records Δ before η, so η ≠ 1 scales the steps without feeding back into D.
 *
 * References: Zeiler (2012); PyTorch `torch/optim/adadelta.py`.
 *
 * @param options See {@link AdadeltaOptions}.
 * @returns An optimizer.
 *
 * @example
 * ```ts
 * import { adadelta } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = adadelta();
 * const w = new Float64Array([0]);
 * opt.step(w, new Float64Array([1]), opt.init(w));
 * assert.ok(Math.abs(-w[0] - Math.sqrt(1e-6) / Math.sqrt(0.1 + 1e-6)) < 1e-15);
 * ```
 */
export function adadelta(options: AdadeltaOptions = {}): Optimizer {
  knownKeys("adadelta", options, ["lr", "rho", "eps", "weightDecay"]);
  const lr = checkLearningRate("lr", options.lr ?? 1);
  const weightDecay = nonNegative("weightDecay", options.weightDecay ?? 0);
  const blocks = [];
  if (weightDecay > 0) blocks.push(addDecayedWeights(weightDecay));
  blocks.push(scaleByAdadelta({ rho: options.rho ?? 0.9, eps: options.eps ?? 1e-6 }));
  blocks.push(scaleByLearningRate(lr));
  return chain("adadelta", ...blocks);
}
