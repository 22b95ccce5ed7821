/**
 * The training loop: runs an optimizer on a problem, records every step as
 * plain data, and says why it stopped.
 *
 * @module
 */

import type { Optimizer, OptimizerState } from "./types.ts";
import { bool, integer, knownKeys, nonNegative, show } from "./_validate.ts";
import type { Problem } from "./problems/problem.ts";
import { isDataProblem } from "./problems/problem.ts";
import { minibatches, type MinibatchSampler } from "./data/minibatches.ts";

// Re-exported for the `@better-gradients/lib/train` entry point.
export type { GradientTransformation, Optimizer, OptimizerState } from "./types.ts";
export type { Domain, Minimum, Problem } from "./problems/problem.ts";

/** Options of {@link train}. */
export interface TrainOptions {
  /**
   * The most steps to take.
   * @default {1000}
   */
  maxSteps?: number;
  /**
   * The notes' stopping rule: stop after the first step with
   * ‖w_{t+1} − w_t‖ < tol. 0 turns it off (every run takes `maxSteps` steps
   * unless it diverges).
   * @default {0}
   */
  tol?: number;
  /**
   * k: train on minibatches of k samples (a problem on data only); each step
   * uses the gradient of its batch (see {@link minibatches}).
   * @default {all samples: full-batch gradient descent}
   */
  batchSize?: number;
  /**
   * Visit the samples in a new random order every epoch (needs `batchSize`).
   * @default {false}
   */
  shuffle?: boolean;
  /**
   * Seed of the shuffling (needs `batchSize`).
   * @default {0}
   */
  seed?: number;
  /**
   * Skip the smaller last batch of each epoch when k does not divide the
   * number of samples, so every step uses exactly k samples (needs `batchSize`).
   * @default {false}
   */
  dropLast?: boolean;
  /**
   * The start point w_0 (copied; not modified).
   * @default {problem.startPoint()}
   */
  start?: ArrayLike<number>;
  /**
   * Record w_t at every step (for traces in 2-D plots).
   * @default {true for problems with at most 2 parameters}
   */
  recordParams?: boolean;
  /**
   * The divergence guard: the run stops as diverged when the loss exceeds
   * this bound (or any loss, parameter or gradient entry is not finite).
   * `Infinity` keeps only the non-finite checks.
   * @default {1e12 · max(1, |E(w_0)|)}
   */
  maxLoss?: number;
  /**
   * A label for the run.
   * @default {optimizer.name}
   */
  name?: string;
}

/** Why a run stopped; see {@link TrainingRun}. */
export interface TrainingStop {
  /**
   * `"converged"`: a step moved w by less than `tol`. `"maxSteps"`: all
   * `maxSteps` steps were taken. `"diverged"`: a gradient entry, a parameter or
   * the loss was not finite, or the loss exceeded `maxLoss`.
   */
  reason: "converged" | "maxSteps" | "diverged";
  /**
   * The 0-based step index t where the loop stopped. Converged: the last step
   * taken (its ‖w_{t+1} − w_t‖ was < tol; the run has t + 1 steps). Diverged:
   * the step that failed (not recorded; the run has t steps). maxSteps:
   * t = maxSteps, the first step not taken.
   */
  step: number;
  /** For `"diverged"`: what was wrong. */
  cause?: "non-finite gradient" | "non-finite params" | "non-finite loss" | "loss above bound";
  /**
   * The offending value: the step length (converged), the non-finite entry or
   * loss, or the loss above the bound (diverged).
   */
  value?: number;
  /** The index of the offending gradient or parameter entry. */
  index?: number;
  /** The same in words, e.g. `"diverged at step 41: loss 2.3e13 above maxLoss = 1.1e13"`. */
  message: string;
}

/**
 * The record of one run of {@link train}: plain Float64Arrays and small
 * objects, ready for plots and tables. With T = `steps`:
 *
 * | field | length | entry t |
 * | --- | --- | --- |
 * | `loss` | T + 1 | E(w_t), the full loss at w_t (w_0 first) |
 * | `params` | (T + 1)·dim or null | w_t in entries t·dim … t·dim + dim − 1 |
 * | `gradNorm` | T | ‖g_t‖ of the gradient step t used (its minibatch's) |
 * | `stepNorm` | T | ‖w_{t+1} − w_t‖ |
 * | `lr` | T | η_t of step t, NaN if the optimizer has none |
 * | `time` | T | milliseconds spent on gradients and steps up to the end of step t |
 */
export interface TrainingRun {
  /** The run's label (`options.name` or the optimizer's name). */
  name: string;
  /** The problem's name. */
  problem: string;
  /** The optimizer's name. */
  optimizer: string;
  /** The number of parameters. */
  dim: number;
  /** T, the number of steps taken and recorded. */
  steps: number;
  /** E(w_0), …, E(w_T): T + 1 entries. */
  loss: Float64Array;
  /** w_0, …, w_T row after row ((T + 1)·dim entries), or null when not recorded. */
  params: Float64Array | null;
  /** ‖g_0‖, …, ‖g_{T−1}‖. */
  gradNorm: Float64Array;
  /** ‖w_1 − w_0‖, …, ‖w_T − w_{T−1}‖. */
  stepNorm: Float64Array;
  /** η_0, …, η_{T−1} (NaN where the optimizer has no learning rate). */
  lr: Float64Array;
  /**
   * Cumulative wall time in milliseconds after each step, counting only the
   * gradient and the optimizer step: the loop's bookkeeping (the full loss
   * after each step, the records) is left out, so optimizers compare fairly.
   */
  time: Float64Array;
  /** w_T, the last recorded parameters. */
  final: Float64Array;
  /** E(w_T). */
  finalLoss: number;
  /** Why the run stopped. */
  stop: TrainingStop;
  /** `stop.message`, for displays. */
  stopped: string;
  /** The settings the run used, defaults filled in. */
  settings: {
    maxSteps: number;
    tol: number;
    /** Samples per step; null for full batch. */
    batchSize: number | null;
    shuffle: boolean;
    seed: number;
    dropLast: boolean;
    maxLoss: number;
  };
}

/**
 * The learning rate η_t of the step an optimizer's state was last prepared for:
 * the `lr` field of the first building block whose state has a numeric one
 * (`scaleByLearningRate`, `scaleByNormAdadelta`). Read after a step, it is that
 * step's η_t, with schedules evaluated.
 *
 * @param state An optimizer's state.
 * @returns η_t, or `undefined` when no block keeps a learning rate.
 *
 * @example
 * ```ts
 * import { adam, currentLearningRate, stepDecay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = adam({ lr: stepDecay({ lr: 0.1, gamma: 0.5, stepSize: 2 }) });
 * const w = new Float64Array([1]);
 * const state = opt.init(w);
 * for (let t = 0; t < 3; t++) opt.step(w, new Float64Array([1]), state);
 * assert.equal(currentLearningRate(state), 0.05); // step t = 2
 * ```
 */
export function currentLearningRate(state: OptimizerState): number | undefined {
  if (!state || !Array.isArray(state.inner)) {
    throw new TypeError(`\`state\` must be an optimizer state, got ${show(state)}`);
  }
  const k = lrIndex(state);
  return k < 0 ? undefined : (state.inner[k] as { lr: number }).lr;
}

function lrIndex(state: OptimizerState): number {
  return state.inner.findIndex((s) =>
    s !== null && typeof s === "object" && typeof (s as { lr?: unknown }).lr === "number"
  );
}

function checkProblem(problem: unknown): Problem {
  const p = problem as Problem;
  if (
    !p || typeof p !== "object" || typeof p.loss !== "function" || typeof p.grad !== "function" ||
    typeof p.startPoint !== "function" || !Number.isInteger(p.dim) || p.dim < 1
  ) {
    throw new TypeError(
      `\`problem\` must be a Problem { dim, loss, grad, startPoint, … }, got ${show(problem)}`,
    );
  }
  return p;
}

function checkOptimizer(optimizer: unknown): Optimizer {
  const o = optimizer as Optimizer;
  if (!o || typeof o !== "object" || typeof o.init !== "function" || typeof o.step !== "function") {
    throw new TypeError(
      `\`optimizer\` must be an Optimizer { name, init, step }, got ${show(optimizer)}`,
    );
  }
  return o;
}

/**
 * Minimizes a problem with an optimizer, the notes' loop:
 *
 * $$\text{for } t = 0, 1, \dots:\quad g_t = \nabla \hat E(w_t)\ \text{(or of the minibatch of step } t),\quad
 * w_{t+1} = w_t - u_t(g_t),$$
 *
 * until ‖w_{t+1} − w_t‖ < tol (converged), `maxSteps` steps were taken, or the
 * run diverges: a non-finite gradient entry, parameter or loss, or a loss above
 * `maxLoss`. A diverging run stops at once and says at which step and why; its
 * record holds the steps before the failing one, so every recorded value is finite.
 *
 * The optimizer gets a fresh state (`optimizer.init`) and the start point is
 * copied, so a run never changes anything it was given and running it again
 * gives the same record (minibatch order included, by `seed`). The loop reuses
 * its buffers: a step allocates nothing but what the problem and optimizer do.
 * The full loss E(w_{t+1}) is evaluated after every step, also with minibatches.
 *
 * Reference: the lecture notes, "Basic Algorithm idea" and section 2 (minibatches).
 *
 * @param problem The loss to minimize (see {@link Problem}); with `batchSize`, a {@link DataProblem}.
 * @param optimizer Any {@link Optimizer}.
 * @param options See {@link TrainOptions}.
 * @returns The record of the run, a {@link TrainingRun}.
 *
 * @example Gradient descent on d2l's bowl, and a learning rate above 2/λ_max
 * ```ts
 * import { d2lQuadratic, gradientDescent, train } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const run = train(d2lQuadratic(), gradientDescent({ lr: 0.4 }), { maxSteps: 500, tol: 1e-8 });
 * assert.equal(run.stop.reason, "converged");
 * assert.ok(run.finalLoss < 1e-12);
 * assert.equal(run.params?.length, 2 * (run.steps + 1)); // the 2-D trace
 *
 * const bad = train(d2lQuadratic(), gradientDescent({ lr: 0.6 }));
 * assert.equal(bad.stop.reason, "diverged");
 * assert.equal(bad.stop.cause, "loss above bound");
 * ```
 */
export function train(
  problem: Problem,
  optimizer: Optimizer,
  options: TrainOptions = {},
): TrainingRun {
  const p = checkProblem(problem);
  const opt = checkOptimizer(optimizer);
  knownKeys("train", options, [
    "maxSteps",
    "tol",
    "batchSize",
    "shuffle",
    "seed",
    "dropLast",
    "start",
    "recordParams",
    "maxLoss",
    "name",
  ]);
  const d = p.dim;
  const maxSteps = integer("maxSteps", options.maxSteps ?? 1000, 0);
  const tol = nonNegative("tol", options.tol ?? 0);
  const recordParams = bool("recordParams", options.recordParams ?? d <= 2);
  const name = options.name ?? opt.name;
  if (typeof name !== "string") throw new TypeError(`\`name\` must be a string, got ${show(name)}`);

  let sampler: MinibatchSampler | null = null;
  if (options.batchSize !== undefined) {
    if (!isDataProblem(p)) {
      throw new TypeError(
        `\`batchSize\` needs a problem on data (with samples, batchLoss, batchGrad); ${
          JSON.stringify(p.name)
        } has none`,
      );
    }
    sampler = minibatches(p.samples, {
      batchSize: options.batchSize,
      shuffle: options.shuffle ?? false,
      seed: options.seed ?? 0,
      dropLast: options.dropLast ?? false,
    });
  } else if (
    options.shuffle !== undefined || options.seed !== undefined || options.dropLast !== undefined
  ) {
    throw new TypeError(
      "`shuffle`, `seed` and `dropLast` choose minibatches: they need `batchSize`",
    );
  }
  const dataProblem = sampler !== null && isDataProblem(p) ? p : null;

  const w = startPoint(p, options.start);
  const loss0 = p.loss(w);
  if (!Number.isFinite(loss0)) {
    throw new RangeError(`the loss at the start point must be finite, got ${show(loss0)}`);
  }
  const maxLoss = options.maxLoss ?? 1e12 * Math.max(1, Math.abs(loss0));
  if (typeof maxLoss !== "number" || Number.isNaN(maxLoss) || maxLoss === -Infinity) {
    throw new RangeError(`\`maxLoss\` must be a number or Infinity, got ${show(maxLoss)}`);
  }
  if (!(maxLoss >= loss0)) {
    throw new RangeError(
      `\`maxLoss\` must be >= the loss at the start point (${loss0}), got ${show(maxLoss)}`,
    );
  }

  const state = opt.init(w);
  const lrAt = lrIndex(state);
  const g = new Float64Array(d);
  const prev = new Float64Array(d);
  const loss = new Float64Array(maxSteps + 1);
  const gradNorm = new Float64Array(maxSteps);
  const stepNorm = new Float64Array(maxSteps);
  const lr = new Float64Array(maxSteps);
  const time = new Float64Array(maxSteps);
  const params = recordParams ? new Float64Array((maxSteps + 1) * d) : null;
  loss[0] = loss0;
  if (params) params.set(w, 0);

  let steps = 0;
  let stop: TrainingStop | null = null;
  let elapsed = 0;
  for (let t = 0; t < maxSteps; t++) {
    const t0 = performance.now();
    if (dataProblem !== null) dataProblem.batchGrad(w, sampler!.nextBatch().indices, g);
    else p.grad(w, g);
    let gg = 0;
    let bad = -1;
    for (let i = 0; i < d; i++) {
      const x = g[i];
      if (x - x !== 0) {
        bad = i;
        break;
      }
      gg += x * x;
    }
    if (bad >= 0) {
      stop = diverged(
        t,
        "non-finite gradient",
        g[bad],
        bad,
        `gradient entry g[${bad}] = ${g[bad]}`,
      );
      break;
    }
    prev.set(w);
    opt.step(w, g, state);
    elapsed += performance.now() - t0;
    let ss = 0;
    for (let i = 0; i < d; i++) {
      const x = w[i];
      if (x - x !== 0) {
        bad = i;
        break;
      }
      const dx = x - prev[i];
      ss += dx * dx;
    }
    if (bad >= 0) {
      stop = diverged(t, "non-finite params", w[bad], bad, `parameter w[${bad}] = ${w[bad]}`);
      w.set(prev);
      break;
    }
    const L = p.loss(w);
    if (L - L !== 0) {
      stop = diverged(t, "non-finite loss", L, undefined, `loss ${L}`);
      w.set(prev);
      break;
    }
    if (L > maxLoss) {
      stop = diverged(
        t,
        "loss above bound",
        L,
        undefined,
        `loss ${fmt(L)} above maxLoss = ${fmt(maxLoss)}`,
      );
      w.set(prev);
      break;
    }
    const sn = Math.sqrt(ss);
    loss[t + 1] = L;
    gradNorm[t] = Math.sqrt(gg);
    stepNorm[t] = sn;
    lr[t] = lrAt < 0 ? NaN : (state.inner[lrAt] as { lr: number }).lr;
    if (params) params.set(w, (t + 1) * d);
    time[t] = elapsed;
    steps = t + 1;
    if (sn < tol) {
      stop = {
        reason: "converged",
        step: t,
        value: sn,
        message: `converged at step ${t}: ‖w_{t+1} − w_t‖ = ${fmt(sn)} < tol = ${fmt(tol)}`,
      };
      break;
    }
  }
  if (stop === null) {
    stop = { reason: "maxSteps", step: maxSteps, message: `took maxSteps = ${maxSteps} steps` };
  }
  return {
    name,
    problem: p.name,
    optimizer: opt.name,
    dim: d,
    steps,
    loss: loss.slice(0, steps + 1),
    params: params ? params.slice(0, (steps + 1) * d) : null,
    gradNorm: gradNorm.slice(0, steps),
    stepNorm: stepNorm.slice(0, steps),
    lr: lr.slice(0, steps),
    time: time.slice(0, steps),
    final: w.slice(),
    finalLoss: loss[steps],
    stop,
    stopped: stop.message,
    settings: {
      maxSteps,
      tol,
      batchSize: sampler ? sampler.batchSize : null,
      shuffle: sampler ? (options.shuffle ?? false) : false,
      seed: options.seed ?? 0,
      dropLast: sampler ? (options.dropLast ?? false) : false,
      maxLoss,
    },
  };
}

/** A short form of a number for messages: 4 significant digits. */
function fmt(x: number): string {
  if (!Number.isFinite(x) || x === 0) return String(x);
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6
    ? String(Number(x.toPrecision(4)))
    : x.toExponential(3).replace(/\.?0+e/, "e");
}

function diverged(
  t: number,
  cause: NonNullable<TrainingStop["cause"]>,
  value: number,
  index: number | undefined,
  what: string,
): TrainingStop {
  const stop: TrainingStop = {
    reason: "diverged",
    step: t,
    cause,
    value,
    message: `diverged at step ${t}: ${what}`,
  };
  if (index !== undefined) stop.index = index;
  return stop;
}

function startPoint(p: Problem, start: unknown): Float64Array {
  const d = p.dim;
  const src = start === undefined ? p.startPoint() : start;
  if (
    src === null || typeof src !== "object" ||
    typeof (src as ArrayLike<unknown>).length !== "number"
  ) {
    throw new TypeError(`\`start\` must be an array of ${d} finite numbers, got ${show(src)}`);
  }
  const list = src as ArrayLike<unknown>;
  if (list.length !== d) {
    throw new RangeError(
      `\`start\` must have length ${d} (the problem's dim), got length ${list.length}`,
    );
  }
  const w = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const x = list[i];
    if (typeof x !== "number" || !Number.isFinite(x)) {
      const E = typeof x === "number" ? RangeError : TypeError;
      throw new E(`\`start[${i}]\` must be a finite number, got ${show(x)}`);
    }
    w[i] = x;
  }
  return w;
}

/**
 * The parameters w_t of a run with recorded params, as a view (no copy).
 *
 * @param run A run recorded with `recordParams`.
 * @param t The step index, 0 ≤ t ≤ run.steps (0 is the start point).
 * @returns w_t, a subarray of `run.params`.
 *
 * @example
 * ```ts
 * import { d2lQuadratic, gradientDescent, paramsAt, train } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const run = train(d2lQuadratic(), gradientDescent({ lr: 0.1 }), { maxSteps: 3 });
 * assert.deepEqual([...paramsAt(run, 0)], [-5, -2]);
 * assert.deepEqual([...paramsAt(run, 3)], [...run.final]);
 * ```
 */
export function paramsAt(run: TrainingRun, t: number): Float64Array {
  const params = recorded(run);
  const k = integer("t", t, 0);
  if (k > run.steps) {
    throw new RangeError(
      `\`t\` must be an integer in [0, ${run.steps}] (the run's steps), got ${k}`,
    );
  }
  return params.subarray(k * run.dim, (k + 1) * run.dim);
}

/**
 * One coordinate of the parameters over a run, w_0[i], …, w_T[i]: the x or y
 * series of a 2-D trace.
 *
 * @param run A run recorded with `recordParams`.
 * @param i The coordinate, 0 ≤ i < run.dim.
 * @returns A new Float64Array of length run.steps + 1.
 *
 * @example
 * ```ts
 * import { d2lQuadratic, gradientDescent, paramTrace, train } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const run = train(d2lQuadratic(), gradientDescent({ lr: 0.1 }), { maxSteps: 20 });
 * const x2 = paramTrace(run, 1);
 * assert.equal(x2.length, 21);
 * assert.equal(x2[0], -2);
 * assert.ok(Math.abs(x2[1] - -2 * (1 - 0.1 * 4)) < 1e-15); // shrinks by |1 − ηλ₂|
 * ```
 */
export function paramTrace(run: TrainingRun, i: number): Float64Array {
  const params = recorded(run);
  const j = integer("i", i, 0);
  if (j >= run.dim) {
    throw new RangeError(
      `\`i\` must be an integer in [0, ${run.dim - 1}] (a coordinate), got ${j}`,
    );
  }
  const out = new Float64Array(run.steps + 1);
  for (let t = 0; t <= run.steps; t++) out[t] = params[t * run.dim + j];
  return out;
}

function recorded(run: TrainingRun): Float64Array {
  if (!run || typeof run !== "object" || typeof run.steps !== "number") {
    throw new TypeError(`\`run\` must be a TrainingRun, got ${show(run)}`);
  }
  if (!(run.params instanceof Float64Array)) {
    throw new RangeError(
      "`run` has no recorded params: train it with `recordParams: true`",
    );
  }
  return run.params;
}
