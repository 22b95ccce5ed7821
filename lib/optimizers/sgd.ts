/**
 * Gradient descent, momentum and weight decay: the lecture notes' forms and
 * PyTorch's `torch.optim.SGD`.
 *
 * @module
 */

import type { GradientTransformation, LearningRate, Optimizer } from "../types.ts";
import { checkLearningRate } from "../types.ts";
import { chain, fuse, type FusedKernel, rejectEntry, stateOf } from "../transforms/chain.ts";
import { type LearningRateState, scaleByLearningRate } from "../transforms/scale.ts";
import { momentum, type MomentumState } from "../transforms/momentum.ts";
import { addDecayedWeights } from "../transforms/weight_decay.ts";
import { bool, closedUnitInterval, knownKeys, nonNegative, unitInterval } from "../_validate.ts";

/** Options of {@link gradientDescent}. */
export interface GradientDescentOptions {
  /** η > 0 or a schedule `(t) => η_t`. */
  lr: LearningRate;
}

/**
 * Plain gradient descent, the notes' starting point:
 *
 * $$w_{t+1} = w_t - \eta_t\,\nabla_w \hat E(w_t).$$
 *
 * @param options See {@link GradientDescentOptions}.
 * @returns An optimizer.
 *
 * @example
 * ```ts
 * import { gradientDescent } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = gradientDescent({ lr: 0.1 });
 * const w = new Float64Array([1, -2]);
 * opt.step(w, new Float64Array([10, -10]), opt.init(w));
 * assert.deepEqual([...w], [0, -1]);
 * ```
 */
export function gradientDescent(options: GradientDescentOptions): Optimizer {
  knownKeys("gradientDescent", options, ["lr"]);
  return chain("gradient descent", scaleByLearningRate(checkLearningRate("lr", options.lr)));
}

/** Options of {@link notesMomentum}. */
export interface NotesMomentumOptions {
  /** η > 0 or a schedule; it sits *inside* the buffer. */
  lr: LearningRate;
  /**
   * α in [0, 1): the weight of the past.
   * @default {0.9}
   */
  alpha?: number;
}

/**
 * The notes' momentum, with the learning rate inside the buffer:
 *
 * $$m_0 = 0,\qquad m_{t+1} = \alpha\,m_t + \eta_t\,g_t,\qquad w_{t+1} = w_t - m_{t+1}.$$
 *
 * With a constant η this equals PyTorch's SGD with momentum (v = μv + g,
 * w −= ηv) step for step; with a schedule it does not, because a change of η
 * here only scales new gradients, while PyTorch rescales the whole buffer.
 *
 * Reference: Polyak (1964); Rumelhart, Hinton & Williams (1986).
 *
 * @param options See {@link NotesMomentumOptions}.
 * @returns An optimizer.
 *
 * @example The closed form m_t = η Σ α^(t−1−s) g_s
 * ```ts
 * import { notesMomentum } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = notesMomentum({ lr: 1, alpha: 0.5 });
 * const w = new Float64Array([0]);
 * const state = opt.init(w);
 * opt.step(w, new Float64Array([4]), state); // m1 = 4
 * opt.step(w, new Float64Array([2]), state); // m2 = 0.5·4 + 2 = 4
 * assert.equal(w[0], -8);
 * ```
 */
export function notesMomentum(options: NotesMomentumOptions): Optimizer {
  knownKeys("notesMomentum", options, ["lr", "alpha"]);
  return chain(
    "notes momentum",
    scaleByLearningRate(checkLearningRate("lr", options.lr)),
    momentum({ decay: unitInterval("alpha", options.alpha ?? 0.9) }),
  );
}

/** Options of {@link notesWeightDecay}. */
export interface NotesWeightDecayOptions {
  /** η > 0 or a schedule. */
  lr: LearningRate;
  /** λ ≥ 0. */
  lambda: number;
  /**
   * `"notes"`: w ← w − η∇E − λw, as the notes write the update.
   * `"l2"`: w ← w − η(∇E + λw), the update that gradient descent on
   * E + ½λ‖w‖² gives (and PyTorch's SGD `weightDecay`).
   * @default {"notes"}
   */
  form?: "notes" | "l2";
}

/**
 * Gradient descent with weight decay, in the two forms the notes' derivation connects:
 *
 * $$\text{notes: } w_{t+1} = w_t - \eta_t \nabla\hat E(w_t) - \lambda w_t,\qquad
 * \text{L2: } w_{t+1} = w_t - \eta_t\big(\nabla\hat E(w_t) + \lambda w_t\big).$$
 *
 * The derivation from ½λ‖w‖² gives the second; the notes' line drops the η in
 * front of λw. The two agree when λ_notes = η·λ_L2.
 *
 * @param options See {@link NotesWeightDecayOptions}.
 * @returns An optimizer.
 *
 * @example The two forms agree when λ_notes = η·λ_L2
 * ```ts
 * import { notesWeightDecay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const a = notesWeightDecay({ lr: 0.1, lambda: 0.01 });
 * const b = notesWeightDecay({ lr: 0.1, lambda: 0.1, form: "l2" });
 * const wa = new Float64Array([1]), wb = new Float64Array([1]);
 * a.step(wa, new Float64Array([2]), a.init(wa));
 * b.step(wb, new Float64Array([2]), b.init(wb));
 * assert.ok(Math.abs(wa[0] - wb[0]) < 1e-15);
 * ```
 */
export function notesWeightDecay(options: NotesWeightDecayOptions): Optimizer {
  knownKeys("notesWeightDecay", options, ["lr", "lambda", "form"]);
  const lr = checkLearningRate("lr", options.lr);
  const lambda = nonNegative("lambda", options.lambda);
  const form = options.form ?? "notes";
  if (form === "notes") {
    return chain("notes weight decay", scaleByLearningRate(lr), addDecayedWeights(lambda));
  }
  if (form === "l2") {
    return chain("L2 weight decay", addDecayedWeights(lambda), scaleByLearningRate(lr));
  }
  throw new TypeError(`\`form\` must be "notes" or "l2", got ${JSON.stringify(form)}`);
}

/** Options of {@link sgd}, named as in `torch.optim.SGD`. */
export interface SgdOptions {
  /**
   * η > 0 or a schedule `(t) => η_t`. The default is PyTorch's since 2.2;
   * PyTorch 1.13 had none and required it.
   * @default {1e-3}
   */
  lr?: LearningRate;
  /**
   * μ in [0, 1).
   * @default {0}
   */
  momentum?: number;
  /**
   * τ in [0, 1].
   * @default {0}
   */
  dampening?: number;
  /**
   * L2 penalty λ ≥ 0 added to the gradient.
   * @default {0}
   */
  weightDecay?: number;
  /**
   * Nesterov momentum (needs momentum > 0 and dampening 0).
   * @default {false}
   */
  nesterov?: boolean;
  /**
   * Step with one fused loop instead of one pass per building block. Both give
   * identical results on the same state (tested); the chain is easier to read.
   * @default {true}
   */
  fused?: boolean;
}

/**
 * SGD in one loop: the same arithmetic, in the same order, as the chain `opt`
 * it fuses: `[addDecayedWeights(weightDecay)], [trace], lrBlock`. It finds the
 * blocks' states by the blocks themselves.
 */
function sgdKernel(
  opt: Optimizer,
  blocks: {
    trace: GradientTransformation<MomentumState> | null;
    rate: GradientTransformation<LearningRateState>;
  },
  { weightDecay, mu, dampening, nesterov }: {
    weightDecay: number;
    mu: number;
    dampening: number;
    nesterov: boolean;
  },
): FusedKernel {
  const keep = 1 - dampening;
  const buffer = blocks.trace === null ? null : stateOf(opt, blocks.trace);
  const rate = stateOf(opt, blocks.rate);
  return (w, g, state) => {
    const lr = rate(state).lr;
    let i = 0;
    if (buffer === null) {
      for (; i < w.length; i++) {
        const x = g[i];
        const p = w[i];
        if (x - x + (p - p) !== 0) break; // a non-finite entry: stop before using it
        const gi = weightDecay === 0 ? x : x + weightDecay * p;
        w[i] = p - gi * lr;
      }
      if (i < w.length) rejectEntry(state, w, g, i, i);
      return;
    }
    const trace = buffer(state);
    const buf = trace.buf;
    const copy = !trace.started;
    if (!copy && !nesterov && weightDecay === 0 && dampening === 0) {
      // The common case, without the branches of the general loop below
      // (b·μ + x has the bits of the momentum block's μ·b + 1·x).
      for (; i < w.length; i++) {
        const x = g[i];
        const p = w[i];
        if (x - x + (p - p) !== 0) break; // a non-finite entry: stop before using it
        const b = buf[i] * mu + x;
        buf[i] = b;
        w[i] = p - b * lr;
      }
      if (i < w.length) rejectEntry(state, w, g, i, i);
      return;
    }
    for (; i < w.length; i++) {
      const x = g[i];
      const p = w[i];
      if (x - x + (p - p) !== 0) break; // a non-finite entry: stop before using it
      const gi = weightDecay === 0 ? x : x + weightDecay * p;
      const b = copy ? gi : mu * buf[i] + keep * gi;
      buf[i] = b;
      w[i] = p - (nesterov ? gi + mu * b : b) * lr;
    }
    if (i < w.length) rejectEntry(state, w, g, i, i);
  };
}

/**
 * Stochastic gradient descent exactly as `torch.optim.SGD` steps it:
 *
 * $$g \leftarrow g_t + \lambda w_t,\quad
 * b_{t+1} = \begin{cases} g & t = 0\\ \mu b_t + (1-\tau) g & t > 0\end{cases},\quad
 * w_{t+1} = w_t - \eta_t\,(g + \mu b_{t+1} \text{ if Nesterov, else } b_{t+1}).$$
 *
 * Without momentum this is plain gradient descent. The learning rate multiplies
 * the buffer (compare {@link notesMomentum}), and the buffer starts as a copy of
 * the first gradient, undamped.
 *
 * Reference: PyTorch `torch/optim/sgd.py`; Sutskever et al. (ICML 2013).
 *
 * @param options See {@link SgdOptions}.
 * @returns An optimizer.
 *
 * @example
 * ```ts
 * import { sgd } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = sgd({ lr: 0.1, momentum: 0.9 });
 * const w = new Float64Array([1]);
 * const state = opt.init(w);
 * opt.step(w, new Float64Array([1]), state); // v = 1
 * opt.step(w, new Float64Array([1]), state); // v = 1.9
 * assert.ok(Math.abs(w[0] - (1 - 0.1 - 0.19)) < 1e-15);
 * ```
 */
export function sgd(options: SgdOptions = {}): Optimizer {
  knownKeys("sgd", options, ["lr", "momentum", "dampening", "weightDecay", "nesterov", "fused"]);
  const lr = checkLearningRate("lr", options.lr ?? 1e-3);
  const mu = unitInterval("momentum", options.momentum ?? 0);
  const weightDecay = nonNegative("weightDecay", options.weightDecay ?? 0);
  const nesterov = bool("nesterov", options.nesterov ?? false);
  const blocks: GradientTransformation[] = [];
  if (weightDecay > 0) blocks.push(addDecayedWeights(weightDecay));
  const dampening = closedUnitInterval("dampening", options.dampening ?? 0);
  if (nesterov && (mu === 0 || dampening !== 0)) {
    throw new RangeError(
      `\`nesterov\` needs \`momentum\` > 0 and \`dampening\` = 0, got momentum ${mu} and ` +
        `dampening ${dampening}`,
    );
  }
  const trace = mu > 0 ? momentum({ decay: mu, dampening, nesterov, start: "first" }) : null;
  const rate = scaleByLearningRate(lr);
  if (trace !== null) blocks.push(trace);
  blocks.push(rate);
  const opt = chain("sgd", ...blocks);
  if (!bool("fused", options.fused ?? true)) return opt;
  return fuse(opt, sgdKernel(opt, { trace, rate }, { weightDecay, mu, dampening, nesterov }));
}
