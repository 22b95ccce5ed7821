/**
 * RMSProp: the lecture notes' whole-gradient form and PyTorch's `torch.optim.RMSprop`.
 *
 * @module
 */

import type { GradientTransformation, LearningRate, Optimizer } from "../types.ts";
import { checkLearningRate } from "../types.ts";
import { chain, fuse, type FusedKernel, rejectEntry, stateOf } from "../transforms/chain.ts";
import { type LearningRateState, scaleByLearningRate } from "../transforms/scale.ts";
import { type RmsState, scaleByNormRms, scaleByRms } from "../transforms/rms.ts";
import { momentum as momentumBlock, type MomentumState } from "../transforms/momentum.ts";
import { addDecayedWeights } from "../transforms/weight_decay.ts";
import { bool, knownKeys, nonNegative, unitInterval } from "../_validate.ts";

/** Options of {@link notesRmsprop}. */
export interface NotesRmspropOptions {
  /** η > 0 or a schedule. */
  lr: LearningRate;
  /**
   * α in [0, 1): decay of the average of squared norms.
   * @default {0.9}
   */
  alpha?: number;
  /**
   * ε > 0 inside the root.
   * @default {1e-8}
   */
  eps?: number;
}

/**
 * RMSProp as the lecture notes write it, with one divisor for the whole gradient:
 *
 * $$s_t = \alpha s_{t-1} + (1-\alpha)\lVert g_t\rVert^2,\qquad
 * w_{t+1} = w_t - \eta_t\,\frac{g_t}{\sqrt{s_t + \varepsilon}}.$$
 *
 * Hinton's RMSProp and PyTorch's ({@link rmsprop}) keep one average per
 * coordinate and put ε outside the root.
 *
 * @param options See {@link NotesRmspropOptions}.
 * @returns An optimizer.
 *
 * @example The direction of the gradient is kept
 * ```ts
 * import { notesRmsprop } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = notesRmsprop({ lr: 0.1 });
 * const w = new Float64Array([0, 0]);
 * opt.step(w, new Float64Array([3, 4]), opt.init(w));
 * assert.ok(Math.abs(w[1] / w[0] - 4 / 3) < 1e-12);
 * ```
 */
export function notesRmsprop(options: NotesRmspropOptions): Optimizer {
  knownKeys("notesRmsprop", options, ["lr", "alpha", "eps"]);
  const lr = checkLearningRate("lr", options.lr);
  return chain(
    "notes rmsprop",
    scaleByNormRms({
      decay: unitInterval("alpha", options.alpha ?? 0.9),
      eps: options.eps ?? 1e-8,
    }),
    scaleByLearningRate(lr),
  );
}

/** Options of {@link rmsprop}, named as in `torch.optim.RMSprop`. */
export interface RmspropOptions {
  /**
   * η > 0 or a schedule.
   * @default {1e-2}
   */
  lr?: LearningRate;
  /**
   * Decay α of the average of squares, in [0, 1).
   * @default {0.99}
   */
  alpha?: number;
  /**
   * ε > 0, outside the root.
   * @default {1e-8}
   */
  eps?: number;
  /**
   * L2 penalty λ ≥ 0 added to the gradient.
   * @default {0}
   */
  weightDecay?: number;
  /**
   * Momentum μ in [0, 1) on the normalised gradient (buffer starts at zero).
   * @default {0}
   */
  momentum?: number;
  /**
   * Divide by an estimate of the standard deviation instead of the RMS.
   * @default {false}
   */
  centered?: boolean;
  /**
   * Step with one fused loop instead of one pass per building block. Both give
   * identical results on the same state (tested); the chain is easier to read.
   * @default {true}
   */
  fused?: boolean;
}

/**
 * RMSprop in one loop: the same arithmetic, in the same order, as the chain
 * `opt` it fuses: `[addDecayedWeights(weightDecay)], rmsBlock, [trace], lrBlock`.
 * It finds the blocks' states by the blocks themselves.
 */
function rmspropKernel(
  opt: Optimizer,
  blocks: {
    rms: GradientTransformation<RmsState>;
    trace: GradientTransformation<MomentumState> | null;
    rate: GradientTransformation<LearningRateState>;
  },
  { weightDecay, alpha, eps, mu }: { weightDecay: number; alpha: number; eps: number; mu: number },
): FusedKernel {
  const averages = stateOf(opt, blocks.rms);
  const buffer = blocks.trace === null ? null : stateOf(opt, blocks.trace);
  const rate = stateOf(opt, blocks.rate);
  return (w, g, state) => {
    const { nu, mu: avg } = averages(state);
    const buf = buffer === null ? nu : buffer(state).buf;
    const lr = rate(state).lr;
    let i = 0;
    for (; i < w.length; i++) {
      const x = g[i];
      const p = w[i];
      if (x - x + (p - p) !== 0) break; // a non-finite entry: stop before using it
      const gi = weightDecay === 0 ? x : x + weightDecay * p;
      const v = alpha * nu[i] + (1 - alpha) * gi * gi;
      nu[i] = v;
      let s = v;
      if (avg !== null) {
        const m = alpha * avg[i] + (1 - alpha) * gi;
        avg[i] = m;
        s -= m * m;
      }
      let u = gi / (Math.sqrt(s) + eps);
      if (mu > 0) {
        u = mu * buf[i] + u;
        buf[i] = u;
      }
      w[i] = p - u * lr;
    }
    if (i < w.length) rejectEntry(state, w, g, i, i);
  };
}

/**
 * RMSprop exactly as `torch.optim.RMSprop` steps it, per coordinate:
 *
 * $$g \leftarrow g_t + \lambda w_t,\quad v_t = \alpha v_{t-1} + (1-\alpha) g^2,\quad
 * \tilde v_t = v_t - \bar g_t^2 \text{ (centered)},$$
 * $$b_t = \mu b_{t-1} + \frac{g}{\sqrt{\tilde v_t} + \varepsilon},\qquad w_{t+1} = w_t - \eta_t\,b_t.$$
 *
 * References: Tieleman & Hinton (2012), lecture 6e; Graves (2013) for `centered`;
 * PyTorch `torch/optim/rmsprop.py`.
 *
 * @param options See {@link RmspropOptions}.
 * @returns An optimizer.
 *
 * @example
 * ```ts
 * import { rmsprop } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = rmsprop({ lr: 0.01, alpha: 0.99 });
 * const w = new Float64Array([0]);
 * opt.step(w, new Float64Array([2]), opt.init(w));
 * // v = 0.01·4, so the step is 0.01·2/(0.2 + 1e-8)
 * assert.ok(Math.abs(-w[0] - 0.01 * 2 / (0.2 + 1e-8)) < 1e-15);
 * ```
 */
export function rmsprop(options: RmspropOptions = {}): Optimizer {
  knownKeys("rmsprop", options, [
    "lr",
    "alpha",
    "eps",
    "weightDecay",
    "momentum",
    "centered",
    "fused",
  ]);
  const lr = checkLearningRate("lr", options.lr ?? 1e-2);
  const weightDecay = nonNegative("weightDecay", options.weightDecay ?? 0);
  const mu = unitInterval("momentum", options.momentum ?? 0);
  const alpha = unitInterval("alpha", options.alpha ?? 0.99);
  const eps = options.eps ?? 1e-8;
  const centered = bool("centered", options.centered ?? false);
  const rms = scaleByRms({ decay: alpha, eps, centered });
  const trace = mu > 0 ? momentumBlock({ decay: mu }) : null;
  const rate = scaleByLearningRate(lr);
  const blocks: GradientTransformation[] = [];
  if (weightDecay > 0) blocks.push(addDecayedWeights(weightDecay));
  blocks.push(rms);
  if (trace !== null) blocks.push(trace);
  blocks.push(rate);
  const opt = chain("rmsprop", ...blocks);
  if (!bool("fused", options.fused ?? true)) return opt;
  return fuse(opt, rmspropKernel(opt, { rms, trace, rate }, { weightDecay, alpha, eps, mu }));
}
