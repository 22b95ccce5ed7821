/**
 * Learning-rate schedules: pure functions from the 0-based step index t to η_t.
 *
 * Every schedule here has a closed form, so calling it twice with the same t
 * gives the same value, and nothing depends on how often it was called (a
 * re-run notebook cell gets the same numbers). Pass one as `lr` to any optimizer.
 *
 * @module
 */

import type { Schedule } from "./types.ts";
import { integer, knownKeys, nonNegative, positive, show } from "./_validate.ts";

// Re-exported for the `@better-gradients/lib/schedules` entry point.
export type { Schedule } from "./types.ts";

function checkStep(t: unknown): number {
  return integer("t", t, 0);
}

/**
 * η_t = lr for every t.
 *
 * @param lr η > 0.
 * @returns The constant schedule.
 *
 * @example
 * ```ts
 * import { constant } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * assert.equal(constant(0.1)(1000), 0.1);
 * ```
 */
export function constant(lr: number): Schedule {
  const eta = positive("lr", lr);
  return (t) => (checkStep(t), eta);
}

/** Options of {@link stepDecay}. */
export interface StepDecayOptions {
  /** η₀ > 0. */
  lr: number;
  /** γ in (0, 1]: the factor applied every `stepSize` steps. */
  gamma: number;
  /** K ≥ 1: steps between two decays. */
  stepSize: number;
}

/**
 * Step decay, multiply by γ every K steps, in PyTorch's `StepLR` closed form:
 *
 * $$\eta_t = \eta_0\,\gamma^{\lfloor t/K \rfloor}.$$
 *
 * The notes' recursion (η_{t+1} = γη_t when t = cK, c ≥ 1) applies the first
 * decay one step later: its η_t equals this schedule at t − 1 for t ≥ 1.
 *
 * @param options See {@link StepDecayOptions}.
 * @returns The schedule.
 *
 * @example
 * ```ts
 * import { stepDecay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * const s = stepDecay({ lr: 1, gamma: 0.5, stepSize: 10 });
 * assert.deepEqual([s(0), s(9), s(10), s(25)], [1, 1, 0.5, 0.25]);
 * ```
 */
export function stepDecay(options: StepDecayOptions): Schedule {
  knownKeys("stepDecay", options, ["lr", "gamma", "stepSize"]);
  const lr = positive("lr", options.lr);
  const gamma = positive("gamma", options.gamma);
  if (gamma > 1) throw new RangeError(`\`gamma\` must be a number in (0, 1], got ${show(gamma)}`);
  const k = integer("stepSize", options.stepSize, 1);
  return (t) => lr * gamma ** Math.floor(checkStep(t) / k);
}

/** Options of {@link inversePower}. */
export interface InversePowerOptions {
  /** η₀ > 0. */
  lr: number;
  /** α > 0: the power of the decay. */
  alpha: number;
}

/**
 * The notes' η₀ / t^α, with the notes' t counted from 1 so that step 0 is
 * defined:
 *
 * $$\eta_t = \frac{\eta_0}{(t+1)^{\alpha}}.$$
 *
 * α = 1 sums to infinity but slowly (ln t); α > 1 sums to a finite total, so
 * the iterates can stop short of a minimum: the "too fast" decay.
 *
 * @param options See {@link InversePowerOptions}.
 * @returns The schedule.
 *
 * @example
 * ```ts
 * import { inversePower } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * const s = inversePower({ lr: 1, alpha: 0.5 });
 * assert.deepEqual([s(0), s(3)], [1, 0.5]);
 * ```
 */
export function inversePower(options: InversePowerOptions): Schedule {
  knownKeys("inversePower", options, ["lr", "alpha"]);
  const lr = positive("lr", options.lr);
  const alpha = positive("alpha", options.alpha);
  return (t) => lr / (checkStep(t) + 1) ** alpha;
}

/** Options of {@link exponentialDecay}. */
export interface ExponentialDecayOptions {
  /** η₀ > 0. */
  lr: number;
  /** γ in (0, 1]: the factor per step. */
  gamma: number;
}

/**
 * η_t = η₀ γ^t (PyTorch's `ExponentialLR`).
 *
 * @param options See {@link ExponentialDecayOptions}.
 * @returns The schedule.
 *
 * @example
 * ```ts
 * import { exponentialDecay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * assert.equal(exponentialDecay({ lr: 2, gamma: 0.5 })(3), 0.25);
 * ```
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  knownKeys("exponentialDecay", options, ["lr", "gamma"]);
  const lr = positive("lr", options.lr);
  const gamma = positive("gamma", options.gamma);
  if (gamma > 1) throw new RangeError(`\`gamma\` must be a number in (0, 1], got ${show(gamma)}`);
  return (t) => lr * gamma ** checkStep(t);
}

/** Options of {@link cosineDecay}. */
export interface CosineDecayOptions {
  /** η₀ > 0 at t = 0. */
  lr: number;
  /** T ≥ 1: the step at which η reaches `minLr`; it stays there afterwards. */
  steps: number;
  /**
   * η_min ≥ 0, below `lr`.
   * @default {0}
   */
  minLr?: number;
}

/**
 * Half a cosine from η₀ down to η_min over T steps, then flat
 * (PyTorch's `CosineAnnealingLR` closed form for t ≤ T; Loshchilov & Hutter,
 * "SGDR", ICLR 2017):
 *
 * $$\eta_t = \eta_{\min} + \tfrac12(\eta_0-\eta_{\min})\big(1+\cos(\pi\min(t,T)/T)\big).$$
 *
 * @param options See {@link CosineDecayOptions}.
 * @returns The schedule.
 *
 * @example
 * ```ts
 * import { cosineDecay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * const s = cosineDecay({ lr: 1, steps: 10 });
 * assert.equal(s(0), 1);
 * assert.ok(Math.abs(s(5) - 0.5) < 1e-15);
 * assert.equal(s(10), 0);
 * assert.equal(s(50), 0);
 * ```
 */
export function cosineDecay(options: CosineDecayOptions): Schedule {
  knownKeys("cosineDecay", options, ["lr", "steps", "minLr"]);
  const lr = positive("lr", options.lr);
  const steps = integer("steps", options.steps, 1);
  const minLr = nonNegative("minLr", options.minLr ?? 0);
  if (minLr > lr) {
    throw new RangeError(`\`minLr\` must be a number in [0, lr] = [0, ${lr}], got ${minLr}`);
  }
  return (t) => {
    const s = Math.min(checkStep(t), steps);
    return minLr + 0.5 * (lr - minLr) * (1 + Math.cos((Math.PI * s) / steps));
  };
}

/** Options of {@link linearWarmup}. */
export interface LinearWarmupOptions {
  /** η reached at the end of the warm-up. */
  lr: number;
  /** W ≥ 1: steps of warm-up. */
  steps: number;
  /**
   * The fraction of `lr` at t = 0, in [0, 1].
   * @default {0}
   */
  startFactor?: number;
}

/**
 * A straight line from `startFactor·lr` at t = 0 to `lr` at t = W, then flat
 * (PyTorch's `LinearLR` with end factor 1):
 *
 * $$\eta_t = \eta\,\Big(f_0 + (1-f_0)\,\frac{\min(t, W)}{W}\Big).$$
 *
 * @param options See {@link LinearWarmupOptions}.
 * @returns The schedule.
 *
 * @example
 * ```ts
 * import { linearWarmup } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * const s = linearWarmup({ lr: 1, steps: 4 });
 * assert.deepEqual([s(0), s(1), s(4), s(9)], [0, 0.25, 1, 1]);
 * ```
 */
export function linearWarmup(options: LinearWarmupOptions): Schedule {
  knownKeys("linearWarmup", options, ["lr", "steps", "startFactor"]);
  const lr = positive("lr", options.lr);
  const steps = integer("steps", options.steps, 1);
  const f0 = nonNegative("startFactor", options.startFactor ?? 0);
  if (f0 > 1) throw new RangeError(`\`startFactor\` must be a number in [0, 1], got ${f0}`);
  return (t) => lr * (f0 + ((1 - f0) * Math.min(checkStep(t), steps)) / steps);
}

/**
 * Joins schedules one after another: `schedules[0]` runs until `boundaries[0]`,
 * then `schedules[1]` starts again from its own step 0, and so on (Optax's
 * `join_schedules`). With k schedules there are k − 1 strictly increasing
 * boundaries.
 *
 * @param schedules The pieces, in order.
 * @param boundaries The steps at which each next piece starts.
 * @returns The joined schedule.
 *
 * @example Warm-up for 5 steps, then cosine decay over 10
 * ```ts
 * import { cosineDecay, joinSchedules, linearWarmup } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * const s = joinSchedules(
 *   [linearWarmup({ lr: 1, steps: 5 }), cosineDecay({ lr: 1, steps: 10 })],
 *   [5],
 * );
 * assert.deepEqual([s(0), s(4), s(5), s(15)], [0, 0.8, 1, 0]);
 * ```
 */
export function joinSchedules(schedules: Schedule[], boundaries: number[]): Schedule {
  if (!Array.isArray(schedules) || schedules.length === 0) {
    throw new TypeError(`\`schedules\` must be a non-empty array, got ${show(schedules)}`);
  }
  schedules.forEach((s, i) => {
    if (typeof s !== "function") {
      throw new TypeError(`\`schedules[${i}]\` must be a schedule (t) => number, got ${show(s)}`);
    }
  });
  if (!Array.isArray(boundaries) || boundaries.length !== schedules.length - 1) {
    throw new RangeError(
      `\`boundaries\` must have length ${schedules.length - 1} (one fewer than schedules), got ${
        show(boundaries)
      }`,
    );
  }
  boundaries.forEach((b, i) => {
    integer(`boundaries[${i}]`, b, i === 0 ? 1 : boundaries[i - 1] + 1);
  });
  const pieces = [...schedules];
  const starts = [0, ...boundaries];
  return (t) => {
    checkStep(t);
    let i = starts.length - 1;
    while (starts[i] > t) i--;
    return pieces[i](t - starts[i]);
  };
}
