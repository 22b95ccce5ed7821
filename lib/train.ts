/**
 * The training loop: runs an optimizer on a problem, records the run as plain
 * data, and says why it stopped. {@link train} runs it at once; {@link trainLive}
 * runs the same steps and shows its progress while it goes.
 *
 * @module
 */

import type { Optimizer, OptimizerState, ScheduleFailure } from "./types.ts";
import { bool, integer, knownKeys, nonNegative, show } from "./_validate.ts";
import type { DataProblem, Problem } from "./problems/problem.ts";
import type { PlateauController } from "./plateau.ts";
import { isDataProblem } from "./problems/problem.ts";
import { type Batch, minibatches, type MinibatchSampler } from "./data/minibatches.ts";
import {
  autoProgressTarget,
  Progress,
  type ProgressReport,
  type ProgressTarget,
} from "./display/progress.ts";

// Re-exported for the `@better-gradients/lib/train` entry point.
export type { GradientTransformation, Optimizer, OptimizerState } from "./types.ts";
export type { DataProblem, Domain, Minimum, Problem } from "./problems/problem.ts";
export type { ProgressReport, ProgressTarget } from "./display/progress.ts";

/** Options of {@link train}. */
export interface TrainOptions {
  /**
   * The most steps to take. Not with `epochs`.
   * @default {1000, or `epochs` epochs of minibatches}
   */
  maxSteps?: number;
  /**
   * With `batchSize`: train for this many passes over the data (the steps
   * are `epochs` × batches per epoch). Not with `maxSteps`.
   */
  epochs?: number;
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
   * When to evaluate the full training loss E(w_t) (and the accuracy and the
   * validation set's loss and accuracy): `"step"` after every step, `"epoch"`
   * at the end of every epoch (needs `batchSize`), or a whole number K for
   * every K steps. The start point and the last step are always evaluated.
   * On a large data set a full pass after every step would cost far more
   * than the minibatch steps themselves; between evaluations the run still
   * checks every parameter, and the minibatch loss when the problem gives it.
   * @default {"epoch" with `epochs`, otherwise "step"}
   */
  evaluate?: "step" | "epoch" | number;
  /**
   * A second problem with the same parameters, e.g. the network on the
   * validation set (`net.withData(digits.validation)`): its loss, and its
   * accuracy when it has one, are recorded at every evaluation.
   */
  validation?: Problem;
  /**
   * A {@link reduceLrOnPlateau} controller, as PyTorch's `ReduceLROnPlateau`:
   * build the optimizer with `lr: plateau.schedule`; the run resets the
   * controller when it starts and tells it the validation loss (or, without
   * a validation problem, the training loss) at every evaluation after the
   * start, so later steps use the rate it decides. Schedules stay pure: the
   * controller's schedule depends only on t and the losses observed before t.
   */
  plateau?: PlateauController;
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

/** Options of {@link trainLive}: those of {@link train}, and where progress goes. */
export interface TrainLiveOptions extends TrainOptions {
  /**
   * `"auto"`: one output redrawn in place inside Jupyter, a plain line per
   * evaluation in a terminal, nothing otherwise (tests, pipes). Or name the
   * target: `"jupyter"`, `"lines"`, `"none"`.
   * @default {"auto"}
   */
  progress?: "auto" | ProgressTarget;
}

/** Why a run stopped; see {@link TrainingRun}. */
export interface TrainingStop {
  /**
   * `"converged"`: a step moved w by less than `tol`. `"maxSteps"`: all
   * `maxSteps` steps were taken. `"diverged"`: a gradient entry, a parameter,
   * the loss or the learning rate was not finite, or the loss exceeded `maxLoss`.
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
  cause?:
    | "non-finite gradient"
    | "non-finite params"
    | "non-finite loss"
    | "loss above bound"
    | "bad learning rate";
  /**
   * The offending value: the step length (converged), the non-finite entry or
   * loss, the loss above the bound, or the learning rate a schedule returned
   * (when it was a number).
   */
  value?: number;
  /** The index of the offending gradient or parameter entry. */
  index?: number;
  /** The same in words, e.g. `"diverged at step 41: loss 2.3e13 above maxLoss = 1.1e13"`. */
  message: string;
}

/**
 * The record of one run of {@link train}: plain Float64Arrays and small
 * objects, ready for plots and tables. With T = `steps` and E evaluations
 * (T + 1 with `evaluate: "step"`, the default without `epochs`):
 *
 * | field | length | entry |
 * | --- | --- | --- |
 * | `evalSteps` | E | the step t of each evaluation (0 first, T last) |
 * | `loss` | E | E(w_t), the full loss at the evaluated w_t |
 * | `accuracy` | E or null | the problem's accuracy at w_t, when it has one |
 * | `validation` | E each or null | the validation problem's loss (and accuracy) at w_t |
 * | `batchLoss` | T or null | the minibatch loss step t saw, when the problem gives it with its gradient |
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
  /** The step t of every evaluation, increasing from 0 to T. */
  evalSteps: Int32Array;
  /** The epochs completed at every evaluation (t / batches per epoch; t for full batch). */
  evalEpochs: Float64Array;
  /** E(w_t) at every evaluated t; with `evaluate: "step"`, E(w_0), …, E(w_T). */
  loss: Float64Array;
  /** The training accuracy at every evaluation, or null when the problem has no `accuracy`. */
  accuracy: Float64Array | null;
  /** The validation problem's loss and accuracy at every evaluation, or null without one. */
  validation: { loss: Float64Array; accuracy: Float64Array | null } | null;
  /** The minibatch loss of every step (at w_t, before the step), or null when the problem does not give it. */
  batchLoss: Float64Array | null;
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
   * gradient and the optimizer step: the loop's bookkeeping (evaluations,
   * records) is left out, so optimizers compare fairly.
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
    /** Steps between evaluations, or "epoch". */
    evaluate: number | "epoch";
  };
}

/**
 * The learning rate η_t of the step an optimizer's state was last prepared for,
 * as the optimizer's learning-rate blocks report it (`scaleByLearningRate`,
 * `scaleByNormAdadelta`: see `Optimizer.learningRate`). Read after a step, it
 * is that step's η_t, with schedules evaluated.
 *
 * @param optimizer The optimizer.
 * @param state A state made by its `init`.
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
 * assert.equal(currentLearningRate(opt, state), 0.05); // step t = 2
 * ```
 */
export function currentLearningRate(
  optimizer: Optimizer,
  state: OptimizerState,
): number | undefined {
  if (!optimizer || typeof optimizer !== "object" || typeof optimizer.step !== "function") {
    throw new TypeError(`\`optimizer\` must be an Optimizer, got ${show(optimizer)}`);
  }
  return optimizer.learningRate?.(state);
}

function checkProblem(problem: unknown, name = "problem"): Problem {
  const p = problem as Problem;
  if (
    !p || typeof p !== "object" || typeof p.loss !== "function" || typeof p.grad !== "function" ||
    typeof p.startPoint !== "function" || !Number.isInteger(p.dim) || p.dim < 1
  ) {
    throw new TypeError(
      `\`${name}\` must be a Problem { dim, loss, grad, startPoint, … }, got ${show(problem)}`,
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

/** A problem's accuracy at w, when it has one (classification problems do). */
type WithAccuracy = Problem & { accuracy(w: Float64Array): number };

function hasAccuracy(p: Problem): p is WithAccuracy {
  return typeof (p as Partial<WithAccuracy>).accuracy === "function";
}

/** Loss and accuracy from one pass, when the problem offers it (`mlp` does). */
type WithLossAndAccuracy = Problem & {
  lossAndAccuracy(w: Float64Array): { loss: number; accuracy: number };
};

/** E(w) and, for a problem with an accuracy, the accuracy — in one pass where the problem can. */
function measure(p: Problem, w: Float64Array): { loss: number; accuracy?: number } {
  if (typeof (p as Partial<WithLossAndAccuracy>).lossAndAccuracy === "function") {
    return (p as WithLossAndAccuracy).lossAndAccuracy(w);
  }
  return hasAccuracy(p) ? { loss: p.loss(w), accuracy: p.accuracy(w) } : { loss: p.loss(w) };
}

/** A data problem that returns its minibatch loss with the gradient (as `mlp` does). */
type WithBatchValue = DataProblem & {
  batchValueAndGrad(w: Float64Array, indices: ArrayLike<number>, out: Float64Array): number;
};

function givesBatchValue(p: DataProblem): p is WithBatchValue {
  return typeof (p as Partial<WithBatchValue>).batchValueAndGrad === "function";
}

/** The options of a run, checked, with defaults filled in. */
interface Plan {
  p: Problem;
  opt: Optimizer;
  name: string;
  maxSteps: number;
  epochs: number | null;
  tol: number;
  recordParams: boolean;
  sampler: MinibatchSampler | null;
  data: DataProblem | null;
  every: number | "epoch";
  validation: Problem | null;
  plateau: PlateauController | null;
  w: Float64Array;
  loss0: number;
  maxLoss: number;
  shuffle: boolean;
  seed: number;
  dropLast: boolean;
}

const TRAIN_KEYS = [
  "maxSteps",
  "epochs",
  "tol",
  "batchSize",
  "shuffle",
  "seed",
  "dropLast",
  "evaluate",
  "validation",
  "plateau",
  "start",
  "recordParams",
  "maxLoss",
  "name",
] as const;

/** An option's value, or `fallback` when it is left out (knownKeys has refused `null`). */
function option<T>(options: TrainOptions, key: keyof TrainOptions, fallback: T): unknown {
  const value = options[key];
  return value === undefined ? fallback : value;
}

function plan(
  problem: unknown,
  optimizer: unknown,
  options: TrainOptions,
  where: string,
  keys: readonly string[],
): Plan {
  const p = checkProblem(problem);
  const opt = checkOptimizer(optimizer);
  knownKeys(where, options, keys);
  const d = p.dim;
  const tol = nonNegative("tol", option(options, "tol", 0));
  const recordParams = bool("recordParams", option(options, "recordParams", d <= 2));
  const name = option(options, "name", opt.name);
  if (typeof name !== "string") throw new TypeError(`\`name\` must be a string, got ${show(name)}`);

  let sampler: MinibatchSampler | null = null;
  const batchSize = option(options, "batchSize", undefined);
  const shuffle = bool("shuffle", option(options, "shuffle", false));
  const seed = option(options, "seed", 0) as number;
  const dropLast = bool("dropLast", option(options, "dropLast", false));
  if (batchSize !== undefined) {
    if (!isDataProblem(p)) {
      throw new TypeError(
        `\`batchSize\` needs a problem on data (with samples, batchLoss, batchGrad); ${
          JSON.stringify(p.name)
        } has none`,
      );
    }
    sampler = minibatches(p.samples, { batchSize: batchSize as number, shuffle, seed, dropLast });
  } else if (
    options.shuffle !== undefined || options.seed !== undefined || options.dropLast !== undefined
  ) {
    throw new TypeError(
      "`shuffle`, `seed` and `dropLast` choose minibatches: they need `batchSize`",
    );
  }
  const data = sampler !== null && isDataProblem(p) ? p : null;

  const epochsOption = option(options, "epochs", undefined);
  let epochs: number | null = null;
  let maxSteps: number;
  if (epochsOption !== undefined) {
    if (sampler === null) {
      throw new TypeError(
        "`epochs` counts passes over the data in minibatches: it needs `batchSize`",
      );
    }
    if (options.maxSteps !== undefined) {
      throw new TypeError("give `epochs` or `maxSteps`, not both");
    }
    epochs = integer("epochs", epochsOption, 1);
    maxSteps = epochs * sampler.batchesPerEpoch;
  } else {
    maxSteps = integer("maxSteps", option(options, "maxSteps", 1000), 0);
  }

  const evaluate = option(options, "evaluate", epochs !== null ? "epoch" : "step");
  let every: number | "epoch";
  if (evaluate === "step") every = 1;
  else if (evaluate === "epoch") {
    if (sampler === null) {
      throw new TypeError(
        '`evaluate: "epoch"` needs minibatches (`batchSize`); use a number of steps',
      );
    }
    every = "epoch";
  } else if (typeof evaluate === "number") every = integer("evaluate", evaluate, 1);
  else {
    throw new TypeError(
      `\`evaluate\` must be "step", "epoch" or a whole number of steps >= 1, got ${show(evaluate)}`,
    );
  }

  const validationOption = option(options, "validation", null);
  let validation: Problem | null = null;
  if (validationOption !== null) {
    validation = checkProblem(validationOption, "validation");
    if (validation.dim !== d) {
      throw new RangeError(
        `\`validation\` must have the problem's dim (${d}), got a problem of dim ${validation.dim}`,
      );
    }
  }

  const plateauOption = option(options, "plateau", null) as PlateauController | null;
  if (
    plateauOption !== null &&
    (typeof plateauOption !== "object" || typeof plateauOption.observe !== "function" ||
      typeof plateauOption.reset !== "function")
  ) {
    throw new TypeError(
      `\`plateau\` must be a controller from reduceLrOnPlateau, got ${show(plateauOption)}`,
    );
  }

  const w = startPoint(p, options.start);
  const loss0 = p.loss(w);
  if (!Number.isFinite(loss0)) {
    throw new RangeError(`the loss at the start point must be finite, got ${show(loss0)}`);
  }
  const maxLoss = option(options, "maxLoss", 1e12 * Math.max(1, Math.abs(loss0)));
  if (typeof maxLoss !== "number" || Number.isNaN(maxLoss) || maxLoss === -Infinity) {
    throw new RangeError(`\`maxLoss\` must be a number or Infinity, got ${show(maxLoss)}`);
  }
  if (!(maxLoss >= loss0)) {
    throw new RangeError(
      `\`maxLoss\` must be >= the loss at the start point (${loss0}), got ${show(maxLoss)}`,
    );
  }
  return {
    p,
    opt,
    name,
    maxSteps,
    epochs,
    tol,
    recordParams,
    sampler,
    data,
    every,
    validation,
    plateau: plateauOption,
    w,
    loss0,
    maxLoss,
    shuffle,
    seed,
    dropLast,
  };
}

/** The loop's state at an evaluation, as {@link run} yields it. */
interface Checkpoint {
  step: number;
  report: ProgressReport;
}

/**
 * The loop itself, shared by {@link train} and {@link trainLive}: it yields
 * after every evaluation, so a caller can show progress, and returns the
 * record at the end.
 */
function* run(plan: Plan): Generator<Checkpoint, TrainingRun, void> {
  const { p, opt, maxSteps, tol, sampler, data, every, validation, w, maxLoss } = plan;
  const d = p.dim;
  const started = performance.now();
  plan.plateau?.reset();
  const state = opt.init(w);
  const g = new Float64Array(d);
  const prev = new Float64Array(d);
  const perEpoch = sampler === null ? 1 : sampler.batchesPerEpoch;
  const withValue = data !== null && givesBatchValue(data) ? data : null;
  const withAccuracy = hasAccuracy(p) ? p : null;
  const validationAccuracy = validation !== null && hasAccuracy(validation) ? validation : null;
  // (a problem offering lossAndAccuracy must offer accuracy too, so these agree with measure)

  const evalSteps: number[] = [];
  const loss: number[] = [];
  const accuracy: number[] = [];
  const validationLoss: number[] = [];
  const validationAcc: number[] = [];
  const batchLoss = withValue !== null ? new Float64Array(maxSteps) : null;
  const gradNorm = new Float64Array(maxSteps);
  const stepNorm = new Float64Array(maxSteps);
  const lr = new Float64Array(maxSteps);
  const time = new Float64Array(maxSteps);
  const params = plan.recordParams ? new Float64Array((maxSteps + 1) * d) : null;
  if (params) params.set(w, 0);

  /** Records the evaluation of w_t (full loss L, accuracy when known); returns the progress report. */
  const evaluated = (t: number, L: number, accuracyAt: number | null): Checkpoint => {
    evalSteps.push(t);
    loss.push(L);
    const report: ProgressReport = {
      name: plan.name,
      step: t,
      maxSteps,
      loss: L,
      elapsed: performance.now() - started,
    };
    if (plan.epochs !== null) {
      report.epoch = t / perEpoch;
      report.epochs = plan.epochs;
    }
    if (accuracyAt !== null) accuracy.push(report.accuracy = accuracyAt);
    if (validation !== null) {
      const v = measure(validation, w);
      validationLoss.push(report.validationLoss = v.loss);
      if (v.accuracy !== undefined) validationAcc.push(report.validationAccuracy = v.accuracy);
    }
    // as torch's loop, which calls scheduler.step(loss) after each epoch, never before the first
    if (plan.plateau !== null && t >= 1) plan.plateau.observe(t, report.validationLoss ?? L);
    return { step: t, report };
  };

  yield evaluated(0, plan.loss0, withAccuracy !== null ? withAccuracy.accuracy(w) : null);
  let steps = 0;
  let stop: TrainingStop | null = null;
  let elapsed = 0;
  let lastFull = plan.loss0; // E at the last evaluation
  for (let t = 0; t < maxSteps; t++) {
    const t0 = performance.now();
    let batch: Batch | null = null;
    let bl = NaN;
    if (data !== null) {
      batch = sampler!.nextBatch();
      if (withValue !== null) bl = withValue.batchValueAndGrad(w, batch.indices, g);
      else data.batchGrad(w, batch.indices, g);
    } else p.grad(w, g);
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
    if (withValue !== null && !(bl <= maxLoss)) {
      // NaN fails the comparison too
      stop = bl - bl !== 0
        ? diverged(t, "non-finite loss", bl, undefined, `minibatch loss ${bl}`)
        : diverged(
          t,
          "loss above bound",
          bl,
          undefined,
          `minibatch loss ${fmt(bl)} above maxLoss = ${fmt(maxLoss)}`,
        );
      break;
    }
    prev.set(w);
    try {
      opt.step(w, g, state);
    } catch (error) {
      const failure = scheduleFailure(error);
      if (failure === null) throw error;
      // a schedule is evaluated before any coordinate moves, so w is still w_t
      w.set(prev);
      const value = typeof failure.value === "number" ? failure.value : undefined;
      const s = diverged(
        t,
        "bad learning rate",
        value ?? NaN,
        undefined,
        `the schedule \`${failure.schedule}\` returned ${
          show(failure.value)
        } (a learning rate must be a finite number >= 0)`,
      );
      if (value === undefined) delete s.value;
      stop = s;
      break;
    }
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
    const last = t + 1 === maxSteps;
    const sn = Math.sqrt(ss);
    const converged = sn < tol;
    const due = every === "epoch" ? batch!.endOfEpoch : (t + 1) % every === 0;
    let L = NaN;
    let A: number | null = null;
    if (due || last || converged) {
      const m = measure(p, w);
      L = m.loss;
      A = m.accuracy ?? null;
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
    }
    if (batchLoss) batchLoss[t] = bl;
    gradNorm[t] = Math.sqrt(gg);
    stepNorm[t] = sn;
    lr[t] = currentLearningRate(opt, state) ?? NaN;
    if (params) params.set(w, (t + 1) * d);
    time[t] = elapsed;
    steps = t + 1;
    if (!Number.isNaN(L)) {
      lastFull = L;
      yield evaluated(t + 1, L, A);
    }
    if (converged) {
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
  if (evalSteps[evalSteps.length - 1] !== steps) {
    // stopped as diverged between evaluations: evaluate the last good w
    const m = measure(p, w);
    lastFull = m.loss;
    evaluated(steps, lastFull, m.accuracy ?? null);
  }
  return {
    name: plan.name,
    problem: p.name,
    optimizer: opt.name,
    dim: d,
    steps,
    evalSteps: Int32Array.from(evalSteps),
    evalEpochs: Float64Array.from(evalSteps, (t) => t / perEpoch),
    loss: Float64Array.from(loss),
    accuracy: withAccuracy !== null ? Float64Array.from(accuracy) : null,
    validation: validation !== null
      ? {
        loss: Float64Array.from(validationLoss),
        accuracy: validationAccuracy !== null ? Float64Array.from(validationAcc) : null,
      }
      : null,
    batchLoss: batchLoss ? batchLoss.slice(0, steps) : null,
    params: params ? params.slice(0, (steps + 1) * d) : null,
    gradNorm: gradNorm.slice(0, steps),
    stepNorm: stepNorm.slice(0, steps),
    lr: lr.slice(0, steps),
    time: time.slice(0, steps),
    final: w.slice(),
    finalLoss: lastFull,
    stop,
    stopped: stop.message,
    settings: {
      maxSteps,
      tol,
      batchSize: sampler ? sampler.batchSize : null,
      shuffle: sampler ? plan.shuffle : false,
      seed: plan.seed,
      dropLast: sampler ? plan.dropLast : false,
      maxLoss,
      evaluate: every,
    },
  };
}

/** The schedule failure an optimizer's step threw, or null for any other error. */
function scheduleFailure(error: unknown): ScheduleFailure | null {
  if (!(error instanceof RangeError || error instanceof TypeError)) return null;
  const cause = error.cause as Partial<ScheduleFailure> | undefined;
  return cause !== null && typeof cause === "object" && typeof cause.schedule === "string" &&
      typeof cause.step === "number"
    ? cause as ScheduleFailure
    : null;
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
 * By default the full loss E(w_{t+1}) is evaluated after every step, also
 * with minibatches; with `epochs` (or `evaluate: "epoch"` or every K steps)
 * only at the end of each epoch (or every K steps), together with the
 * accuracy and the `validation` problem, as training loops on real data do.
 * A schedule that returns a bad learning rate stops the run as diverged at
 * that step, with the steps before it kept.
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
  const steps = run(plan(problem, optimizer, options, "train", TRAIN_KEYS));
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * {@link train} with its progress shown while it runs: the same steps, the
 * same record (bit for bit), but the loop pauses after every evaluation so
 * Jupyter can redraw one output in place — epoch, step, loss, accuracy,
 * validation and elapsed time, as tqdm or fastai show it. In a terminal it
 * prints one line per evaluation; in tests and pipes nothing. Await it:
 * `const run = await trainLive(net, adam({ lr: 1e-3 }), { batchSize: 64, epochs: 5 })`.
 *
 * @param problem The loss to minimize; with `batchSize`, a {@link DataProblem}.
 * @param optimizer Any {@link Optimizer}.
 * @param options See {@link TrainLiveOptions}.
 * @returns The record of the run, a {@link TrainingRun}.
 *
 * @example The record equals train's
 * ```ts
 * import { linearRegression, sgd, train, trainLive } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const problem = linearRegression({ samples: 100, features: 3, seed: 1 });
 * const options = { batchSize: 10, epochs: 3, shuffle: true } as const;
 * const live = await trainLive(problem, sgd({ lr: 0.05 }), { ...options, progress: "none" });
 * const quiet = train(problem, sgd({ lr: 0.05 }), options);
 * assert.deepEqual(live.final, quiet.final);
 * assert.deepEqual([...live.evalSteps], [0, 10, 20, 30]); // once per epoch
 * ```
 */
export async function trainLive(
  problem: Problem,
  optimizer: Optimizer,
  options: TrainLiveOptions = {},
): Promise<TrainingRun> {
  knownKeys("trainLive", options, [...TRAIN_KEYS, "progress"]);
  const { progress = "auto", ...rest } = options;
  if (!["auto", "jupyter", "lines", "none"].includes(progress as string)) {
    throw new TypeError(
      `\`progress\` must be "auto", "jupyter", "lines" or "none", got ${show(progress)}`,
    );
  }
  const target = progress === "auto" ? autoProgressTarget() : progress;
  const sink = new Progress(target);
  const steps = run(plan(problem, optimizer, rest, "trainLive", TRAIN_KEYS));
  let last: ProgressReport | null = null;
  for (;;) {
    const next = steps.next();
    if (next.done) {
      if (last !== null) {
        await sink.report({ ...last, step: next.value.steps, done: next.value.stopped });
      }
      return next.value;
    }
    last = next.value.report;
    await sink.report(last);
    // let the event loop run, so the kernel sends the update now
    if (target !== "none") await new Promise((resolve) => setTimeout(resolve, 0));
  }
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
