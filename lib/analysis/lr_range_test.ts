/**
 * The learning-rate range test: one short run whose learning rate grows
 * exponentially every step, read off as the loss against η.
 *
 * @module
 */

import type { LearningRate, Optimizer } from "../types.ts";
import { integer, knownKeys, positive, show, unitInterval } from "../_validate.ts";
import type { DataProblem } from "../problems/problem.ts";
import { isDataProblem } from "../problems/problem.ts";
import { minibatches } from "../data/minibatches.ts";

/** Options of {@link lrRangeTest}. */
export interface LrRangeTestOptions {
  /** k: samples per minibatch, an integer in [1, n]. */
  batchSize: number;
  /**
   * η of the first step.
   * @default {1e-6}
   */
  minLr?: number;
  /**
   * η of the last step (> minLr).
   * @default {10}
   */
  maxLr?: number;
  /**
   * The most steps; η_t = minLr · (maxLr/minLr)^{t/(steps − 1)}.
   * @default {100}
   */
  steps?: number;
  /**
   * β of the loss's exponential moving average (bias-corrected, lesson 06).
   * @default {0.98}
   */
  smoothing?: number;
  /**
   * Stop once the smoothed loss exceeds this many times its lowest value so far.
   * @default {4}
   */
  stopFactor?: number;
  /**
   * Seed of the minibatch order (reshuffled every epoch).
   * @default {0}
   */
  seed?: number;
  /**
   * The start point (copied).
   * @default {problem.startPoint()}
   */
  start?: Float64Array;
}

/** The outcome of {@link lrRangeTest}. */
export interface LrRangeTestResult {
  /** η_t of every step taken. */
  lr: Float64Array;
  /** The minibatch loss each step saw, at w_t before its update. */
  loss: Float64Array;
  /** Its bias-corrected EMA: ŝ_t = s_t / (1 − β^{t+1}), s_t = β s_{t−1} + (1 − β) L_t. */
  smoothed: Float64Array;
  /** η where the smoothed loss was lowest. */
  minimum: number;
  /** η where the smoothed loss fell fastest per unit of ln η (the first tenth of the steps left out). */
  steepest: number;
  /** The usual pick, a tenth of `minimum` (Smith 2017; fastai's `lr_min / 10`). */
  suggestion: number;
  /** Why the test ended: `"stopFactor"` (the loss blew up), `"non-finite loss"` or `"steps"`. */
  stopped: "stopFactor" | "non-finite loss" | "steps";
}

/**
 * The learning-rate range test of Smith (2017), popularised by fastai's
 * `lr_find`: a single run with minibatches whose learning rate grows
 * geometrically from `minLr` to `maxLr`,
 *
 * $$\eta_t = \eta_{\min}\Big(\frac{\eta_{\max}}{\eta_{\min}}\Big)^{t/(T-1)},$$
 *
 * recording the minibatch loss of every step. Smoothed by a bias-corrected
 * EMA, the loss first stays flat (η too small to matter), then falls, then
 * turns up and explodes (η too large); the test stops there. A good constant
 * learning rate sits below the minimum, where the loss still falls steeply —
 * a tenth of the minimum is the common rule. It costs one short run instead
 * of a sweep of full runs, and answers the notes' "try and error" with a
 * measurement.
 *
 * The optimizer gets the growing schedule as its learning rate: for
 * optimizers whose `lr` only scales the step (Adam, RMSprop, SGD) that is the
 * test as published.
 *
 * Reference: Smith, "Cyclical learning rates for training neural networks",
 * WACV 2017, section 3.3; fastai's `Learner.lr_find`.
 *
 * @param problem A problem on data (it needs minibatches).
 * @param makeOptimizer Builds the optimizer from a learning rate (a schedule here).
 * @param options See {@link LrRangeTestOptions}.
 * @returns The curve and the learning rates read off it.
 *
 * @example On least squares the test stops once η passes the stability limit
 * ```ts
 * import { linearRegression, lrRangeTest, sgd } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const problem = linearRegression({ samples: 200, features: 3, seed: 1 });
 * const test = lrRangeTest(problem, (lr) => sgd({ lr }), { batchSize: 20, minLr: 1e-4, maxLr: 100 });
 * assert.equal(test.stopped, "stopFactor");
 * assert.ok(test.suggestion > 1e-3 && test.suggestion < 1);
 * ```
 */
export function lrRangeTest(
  problem: DataProblem,
  makeOptimizer: (lr: LearningRate) => Optimizer,
  options: LrRangeTestOptions,
): LrRangeTestResult {
  if (problem === null || typeof problem !== "object" || !isDataProblem(problem)) {
    throw new TypeError(
      `\`problem\` must be a problem on data (samples, batchLoss, batchGrad), got ${show(problem)}`,
    );
  }
  if (typeof makeOptimizer !== "function") {
    throw new TypeError(
      `\`makeOptimizer\` must be a function (lr) => Optimizer, got ${show(makeOptimizer)}`,
    );
  }
  knownKeys("lrRangeTest", options, [
    "batchSize",
    "minLr",
    "maxLr",
    "steps",
    "smoothing",
    "stopFactor",
    "seed",
    "start",
  ]);
  const pick = <T>(key: keyof LrRangeTestOptions, fallback: T): unknown => {
    const value = options[key];
    return value === undefined ? fallback : value;
  };
  const minLr = positive("minLr", pick("minLr", 1e-6));
  const maxLr = positive("maxLr", pick("maxLr", 10));
  if (!(maxLr > minLr)) {
    throw new RangeError(`\`maxLr\` must be > minLr = ${minLr}, got ${maxLr}`);
  }
  const steps = integer("steps", pick("steps", 100), 2);
  const beta = unitInterval("smoothing", pick("smoothing", 0.98));
  const stopFactor = positive("stopFactor", pick("stopFactor", 4));
  if (stopFactor <= 1) throw new RangeError(`\`stopFactor\` must be > 1, got ${stopFactor}`);
  const seed = integer("seed", pick("seed", 0), 0);
  const sampler = minibatches(problem.samples, {
    batchSize: options.batchSize,
    shuffle: true,
    seed,
  });
  const start = pick("start", undefined);
  if (start !== undefined && !(start instanceof Float64Array && start.length === problem.dim)) {
    throw new TypeError(
      `\`start\` must be a Float64Array of length ${problem.dim}, got ${show(start)}`,
    );
  }
  const w = start === undefined ? problem.startPoint() : (start as Float64Array).slice();

  const ratio = maxLr / minLr;
  const schedule = (t: number) => minLr * ratio ** (Math.min(t, steps - 1) / (steps - 1));
  const opt = makeOptimizer(schedule);
  const state = opt.init(w);
  const g = new Float64Array(problem.dim);
  const withValue = (problem as Partial<{ batchValueAndGrad: unknown }>).batchValueAndGrad;
  const lr: number[] = [];
  const loss: number[] = [];
  const smoothed: number[] = [];
  let s = 0;
  let best = Infinity;
  let stopped: LrRangeTestResult["stopped"] = "steps";
  for (let t = 0; t < steps; t++) {
    const { indices } = sampler.nextBatch();
    const L = typeof withValue === "function"
      ? (problem as DataProblem & {
        batchValueAndGrad(w: Float64Array, i: ArrayLike<number>, o: Float64Array): number;
      }).batchValueAndGrad(w, indices, g)
      : (problem.batchGrad(w, indices, g), problem.batchLoss(w, indices));
    if (!Number.isFinite(L) || !g.every(Number.isFinite)) {
      stopped = "non-finite loss";
      break;
    }
    s = beta * s + (1 - beta) * L;
    const sHat = s / (1 - beta ** (t + 1));
    lr.push(schedule(t));
    loss.push(L);
    smoothed.push(sHat);
    if (sHat > stopFactor * best) {
      stopped = "stopFactor";
      break;
    }
    best = Math.min(best, sHat);
    opt.step(w, g, state);
  }
  let iMin = 0;
  for (let i = 1; i < smoothed.length; i++) if (smoothed[i] < smoothed[iMin]) iMin = i;
  if (iMin === 0 && stopped !== "steps") {
    throw new RangeError(
      `the range test's loss ${
        stopped === "non-finite loss" ? "stopped being finite" : "exploded"
      } after ${smoothed.length} step(s) without ever falling: lower \`minLr\` (${minLr})`,
    );
  }
  // the first tenth of the steps is left out of the slope: there the EMA rests
  // on a handful of noisy minibatch losses (fastai skips the first 10 of 100)
  const skip = Math.max(1, Math.ceil(steps / 10));
  let iSteep = Math.min(skip, iMin);
  let slope = Infinity;
  for (let i = skip; i <= iMin; i++) {
    const d = (smoothed[i] - smoothed[i - 1]) / Math.log(lr[i] / lr[i - 1]);
    if (d < slope) {
      slope = d;
      iSteep = i;
    }
  }
  return {
    lr: Float64Array.from(lr),
    loss: Float64Array.from(loss),
    smoothed: Float64Array.from(smoothed),
    minimum: lr[iMin],
    steepest: lr[iSteep],
    suggestion: lr[iMin] / 10,
    stopped,
  };
}
