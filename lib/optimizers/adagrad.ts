/**
 * Adagrad as PyTorch's `torch.optim.Adagrad`.
 *
 * @module
 */

import type { LearningRate, Optimizer } from "../types.ts";
import { checkLearningRate, learningRateAt } from "../types.ts";
import { chain } from "../transforms/chain.ts";
import { scaleByLearningRate } from "../transforms/scale.ts";
import { scaleByAdagrad } from "../transforms/adagrad.ts";
import { addDecayedWeights } from "../transforms/weight_decay.ts";
import { knownKeys, nonNegative } from "../_validate.ts";

/** Options of {@link adagrad}, named as in `torch.optim.Adagrad`. */
export interface AdagradOptions {
  /**
   * η > 0 or a schedule.
   * @default {1e-2}
   */
  lr?: LearningRate;
  /**
   * Decay of the learning rate: step t uses η_t / (1 + t·lrDecay).
   * @default {0}
   */
  lrDecay?: number;
  /**
   * L2 penalty λ ≥ 0 added to the gradient.
   * @default {0}
   */
  weightDecay?: number;
  /**
   * Starting value of the sum of squares.
   * @default {0}
   */
  initialAccumulatorValue?: number;
  /**
   * ε > 0, outside the root.
   * @default {1e-10}
   */
  eps?: number;
}

/**
 * Adagrad exactly as `torch.optim.Adagrad` steps it (t counted from 0):
 *
 * $$g \leftarrow g_t + \lambda w_t,\quad s_t = s_{t-1} + g^2,\quad
 * w_{t+1} = w_t - \frac{\eta_t}{1 + t\,\delta}\,\frac{g}{\sqrt{s_t} + \varepsilon}.$$
 *
 * References: Duchi, Hazan & Singer, JMLR 12 (2011); PyTorch `torch/optim/adagrad.py`.
 *
 * @param options See {@link AdagradOptions}.
 * @returns An optimizer: `chain([addDecayedWeights,] scaleByAdagrad, scaleByLearningRate)`.
 *
 * @example
 * ```ts
 * import { adagrad } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = adagrad({ lr: 0.5 });
 * const w = new Float64Array([0]);
 * opt.step(w, new Float64Array([-3]), opt.init(w));
 * assert.ok(Math.abs(w[0] - 0.5) < 1e-10);
 * ```
 */
export function adagrad(options: AdagradOptions = {}): Optimizer {
  knownKeys("adagrad", options, [
    "lr",
    "lrDecay",
    "weightDecay",
    "initialAccumulatorValue",
    "eps",
  ]);
  const base = checkLearningRate("lr", options.lr ?? 1e-2);
  const lrDecay = nonNegative("lrDecay", options.lrDecay ?? 0);
  const weightDecay = nonNegative("weightDecay", options.weightDecay ?? 0);
  const lr = lrDecay === 0 ? base : (t: number) => learningRateAt(base, t) / (1 + t * lrDecay);
  const blocks = [];
  if (weightDecay > 0) blocks.push(addDecayedWeights(weightDecay));
  blocks.push(scaleByAdagrad({
    eps: options.eps ?? 1e-10,
    initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
  }));
  blocks.push(scaleByLearningRate(lr));
  return chain("adagrad", ...blocks);
}
