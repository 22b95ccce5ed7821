/**
 * Adam: the lecture notes' version, Kingma & Ba's as PyTorch runs it
 * (`torch.optim.Adam`), and AdamW (`torch.optim.AdamW`).
 *
 * @module
 */

import type { GradientTransformation, LearningRate, Optimizer } from "../types.ts";
import { checkLearningRate } from "../types.ts";
import { chain, fuse, type FusedKernel, rejectEntry, stateOf } from "../transforms/chain.ts";
import { type LearningRateState, scaleByLearningRate } from "../transforms/scale.ts";
import { scaleByRms } from "../transforms/rms.ts";
import { ema } from "../transforms/ema.ts";
import { type AdamState, scaleByAdam } from "../transforms/adam.ts";
import { addDecayedWeights } from "../transforms/weight_decay.ts";
import { bool, knownKeys, nonNegative, show, unitInterval } from "../_validate.ts";

/** Options of {@link notesAdam}. The names follow the notes: α₁ for squares, α₂ for the average. */
export interface NotesAdamOptions {
  /** η > 0 or a schedule. */
  lr: LearningRate;
  /**
   * α₁ in [0, 1): decay of the per-coordinate average of squares (Kingma & Ba's β₂).
   * @default {0.999}
   */
  alpha1?: number;
  /**
   * α₂ in [0, 1): decay of the average of normalised gradients (Kingma & Ba's β₁).
   * @default {0.9}
   */
  alpha2?: number;
  /**
   * ε > 0, inside the root.
   * @default {1e-8}
   */
  eps?: number;
}

/**
 * Adam as the lecture notes assemble it: first normalise each coordinate by the
 * root of its bias-corrected average of squares, then take the bias-corrected
 * moving average of those normalised terms (t counted from 0):
 *
 * $$v_t = \alpha_1 v_{t-1} + (1-\alpha_1)g_t^2,\quad
 * r_t = \frac{g_t}{\sqrt{v_t/(1-\alpha_1^{t+1}) + \varepsilon}},$$
 * $$m_t = \alpha_2 m_{t-1} + (1-\alpha_2) r_t,\quad
 * w_{t+1} = w_t - \eta_t\,\frac{m_t}{1-\alpha_2^{t+1}}.$$
 *
 * Kingma & Ba ({@link adam}) do it the other way round: they average the raw
 * gradients and divide the average by the root of the average of squares, with
 * ε outside the root. The two coincide for α₂ = 0 (up to where ε sits).
 *
 * @param options See {@link NotesAdamOptions}.
 * @returns An optimizer: `chain(scaleByRms, ema, scaleByLearningRate)`.
 *
 * @example The first step is ±η in every coordinate (for tiny ε)
 * ```ts
 * import { notesAdam } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = notesAdam({ lr: 0.5, eps: 1e-20 });
 * const w = new Float64Array([0, 0]);
 * opt.step(w, new Float64Array([7, -0.3]), opt.init(w));
 * assert.ok(Math.abs(w[0] + 0.5) < 1e-12 && Math.abs(w[1] - 0.5) < 1e-12);
 * ```
 */
export function notesAdam(options: NotesAdamOptions): Optimizer {
  knownKeys("notesAdam", options, ["lr", "alpha1", "alpha2", "eps"]);
  const lr = checkLearningRate("lr", options.lr);
  return chain(
    "notes adam",
    scaleByRms({
      decay: unitInterval("alpha1", options.alpha1 ?? 0.999),
      eps: options.eps ?? 1e-8,
      epsInside: true,
      debias: true,
    }),
    ema({ decay: unitInterval("alpha2", options.alpha2 ?? 0.9), debias: true }),
    scaleByLearningRate(lr),
  );
}

/** Options of {@link adam} and {@link adamw}, named as in `torch.optim.Adam`. */
export interface AdamOptions {
  /**
   * η > 0 or a schedule.
   * @default {1e-3}
   */
  lr?: LearningRate;
  /**
   * (β₁, β₂), each in [0, 1).
   * @default {[0.9, 0.999]}
   */
  betas?: readonly [number, number];
  /**
   * ε > 0, outside the root.
   * @default {1e-8}
   */
  eps?: number;
  /**
   * λ ≥ 0. In {@link adam}: an L2 penalty added to the gradient (coupled).
   * In {@link adamw}: decoupled decay of the weights, w ← w − ηλw.
   * @default {0 for adam, 1e-2 for adamw}
   */
  weightDecay?: number;
  /**
   * Use the running maximum of the second moment (AMSGrad).
   * @default {false}
   */
  amsgrad?: boolean;
  /**
   * Step with one fused loop instead of one pass per building block. Both give
   * identical results on the same state (tested); the chain is easier to read.
   * @default {true}
   */
  fused?: boolean;
}

/**
 * Adam (and AdamW) in one loop: the same arithmetic, in the same order, as the
 * chain `opt` it fuses: `[addDecayedWeights(coupled)], adamBlock,
 * [addDecayedWeights(decoupled)], lrBlock`. It finds the states of `adamBlock`
 * and `lrBlock` by the blocks themselves.
 */
function adamKernel(
  opt: Optimizer,
  adamBlock: GradientTransformation<AdamState>,
  lrBlock: GradientTransformation<LearningRateState>,
  { b1, b2, eps, coupled, decoupled }: {
    b1: number;
    b2: number;
    eps: number;
    coupled: number;
    decoupled: number;
  },
): FusedKernel {
  const moments = stateOf(opt, adamBlock);
  const rate = stateOf(opt, lrBlock);
  return (w, g, state) => {
    const { mu, nu, nuMax, bc1, bc2Sqrt } = moments(state);
    const lr = rate(state).lr;
    let i = 0;
    for (; i < w.length; i++) {
      const x = g[i];
      const p = w[i];
      if (x - x + (p - p) !== 0) break; // a non-finite entry: stop before using it
      const gi = coupled === 0 ? x : x + coupled * p;
      const m = b1 * mu[i] + (1 - b1) * gi;
      let v = b2 * nu[i] + (1 - b2) * gi * gi;
      mu[i] = m;
      nu[i] = v;
      if (nuMax !== null) {
        if (nuMax[i] > v) v = nuMax[i];
        else nuMax[i] = v;
      }
      let u = m / ((Math.sqrt(v) / bc2Sqrt + eps) * bc1);
      if (decoupled !== 0) u += decoupled * p;
      w[i] = p - u * lr;
    }
    if (i < w.length) rejectEntry(state, w, g, i, i);
  };
}

function checkBetas(betas: unknown): readonly [number, number] {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new TypeError(
      `\`betas\` must be a pair [b1, b2] of numbers in [0, 1), got ${show(betas)}`,
    );
  }
  return [unitInterval("betas[0]", betas[0]), unitInterval("betas[1]", betas[1])];
}

/**
 * Adam exactly as `torch.optim.Adam` steps it (t counted from 0):
 *
 * $$g \leftarrow g_t + \lambda w_t,\quad m_t = \beta_1 m_{t-1} + (1-\beta_1) g,\quad
 * v_t = \beta_2 v_{t-1} + (1-\beta_2) g^2,$$
 * $$w_{t+1} = w_t - \eta_t\,\frac{m_t/(1-\beta_1^{t+1})}{\sqrt{v_t/(1-\beta_2^{t+1})} + \varepsilon}.$$
 *
 * With `amsgrad`, v_t in the denominator is replaced by max(v_0, …, v_t).
 *
 * References: Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
 * Reddi, Kale & Kumar, ICLR 2018 (AMSGrad); PyTorch `torch/optim/adam.py`.
 *
 * @param options See {@link AdamOptions}.
 * @returns An optimizer: `chain([addDecayedWeights,] scaleByAdam, scaleByLearningRate)`.
 *
 * @example
 * ```ts
 * import { adam } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = adam({ lr: 0.1 });
 * const w = new Float64Array([1]);
 * opt.step(w, new Float64Array([5]), opt.init(w));
 * assert.ok(Math.abs(w[0] - 0.9) < 1e-8);
 * ```
 */
export function adam(options: AdamOptions = {}): Optimizer {
  knownKeys("adam", options, ["lr", "betas", "eps", "weightDecay", "amsgrad", "fused"]);
  const lr = checkLearningRate("lr", options.lr ?? 1e-3);
  const [b1, b2] = checkBetas(options.betas ?? [0.9, 0.999]);
  const eps = options.eps ?? 1e-8;
  const weightDecay = nonNegative("weightDecay", options.weightDecay ?? 0);
  const moments = scaleByAdam({ b1, b2, eps, amsgrad: bool("amsgrad", options.amsgrad ?? false) });
  const rate = scaleByLearningRate(lr);
  const opt = weightDecay > 0
    ? chain("adam", addDecayedWeights(weightDecay), moments, rate)
    : chain("adam", moments, rate);
  if (!bool("fused", options.fused ?? true)) return opt;
  return fuse(
    opt,
    adamKernel(opt, moments, rate, { b1, b2, eps, coupled: weightDecay, decoupled: 0 }),
  );
}

/**
 * AdamW exactly as `torch.optim.AdamW` steps it: Adam with the weight decay
 * taken out of the gradient and applied to the weights directly,
 *
 * $$w_{t+1} = w_t - \eta_t\left(\frac{\hat m_t}{\sqrt{\hat v_t} + \varepsilon} + \lambda w_t\right).$$
 *
 * Reference: Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019.
 *
 * @param options See {@link AdamOptions}; `weightDecay` defaults to 1e-2.
 * @returns An optimizer: `chain(scaleByAdam, addDecayedWeights, scaleByLearningRate)`.
 *
 * @example With a zero gradient only the decay acts: w ← (1 − ηλ)w
 * ```ts
 * import { adamw } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = adamw({ lr: 0.1, weightDecay: 0.5 });
 * const w = new Float64Array([2]);
 * opt.step(w, new Float64Array([0]), opt.init(w));
 * assert.ok(Math.abs(w[0] - 2 * (1 - 0.05)) < 1e-15);
 * ```
 */
export function adamw(options: AdamOptions = {}): Optimizer {
  knownKeys("adamw", options, ["lr", "betas", "eps", "weightDecay", "amsgrad", "fused"]);
  const lr = checkLearningRate("lr", options.lr ?? 1e-3);
  const [b1, b2] = checkBetas(options.betas ?? [0.9, 0.999]);
  const eps = options.eps ?? 1e-8;
  const weightDecay = nonNegative("weightDecay", options.weightDecay ?? 1e-2);
  const moments = scaleByAdam({ b1, b2, eps, amsgrad: bool("amsgrad", options.amsgrad ?? false) });
  const rate = scaleByLearningRate(lr);
  const opt = chain("adamw", moments, addDecayedWeights(weightDecay), rate);
  if (!bool("fused", options.fused ?? true)) return opt;
  return fuse(
    opt,
    adamKernel(opt, moments, rate, { b1, b2, eps, coupled: 0, decoupled: weightDecay }),
  );
}
