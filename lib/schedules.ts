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
import { bool, integer, knownKeys, nonNegative, positive, show } from "./_validate.ts";

// Re-exported for the `@better-gradients/lib/schedules` entry point.
export type { Schedule } from "./types.ts";

function checkStep(t: unknown): number {
  return integer("t", t, 0);
}

/** The `minLr` option: a rate in [0, lr], 0 by default. */
function minRate(value: unknown, lr: number): number {
  const minLr = nonNegative("minLr", value ?? 0);
  if (minLr > lr) {
    throw new RangeError(`\`minLr\` must be a number in [0, lr] = [0, ${lr}], got ${minLr}`);
  }
  return minLr;
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
  /**
   * `false`: flat at η_min after T. `true`: the cosine goes on, back up to η₀
   * at 2T, down again at 3T, …, as PyTorch's `CosineAnnealingLR` does when it
   * is stepped past `T_max`.
   * @default {false}
   */
  periodic?: boolean;
}

/**
 * Half a cosine from η₀ down to η_min over T steps, then flat
 * (PyTorch's `CosineAnnealingLR` closed form for t ≤ T; Loshchilov & Hutter,
 * "SGDR", ICLR 2017):
 *
 * $$\eta_t = \eta_{\min} + \tfrac12(\eta_0-\eta_{\min})\big(1+\cos(\pi\min(t,T)/T)\big).$$
 *
 * **After T this differs from PyTorch.** `CosineAnnealingLR` has no end: stepped
 * past `T_max` its cosine keeps turning, so η climbs back to η₀ at t = 2T. Here
 * η stays at η_min, which is what a decay "over T steps" is meant to do; pass
 * `periodic: true` for PyTorch's values at every t (drop the `min`). For
 * restarts that jump back to η₀ at once, see {@link cosineRestarts}.
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
 *
 * @example PyTorch's periodic form comes back up after T
 * ```ts
 * import { cosineDecay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * const s = cosineDecay({ lr: 1, steps: 10, periodic: true });
 * assert.equal(s(10), 0);
 * assert.ok(Math.abs(s(15) - 0.5) < 1e-15);
 * assert.equal(s(20), 1);
 * ```
 */
export function cosineDecay(options: CosineDecayOptions): Schedule {
  knownKeys("cosineDecay", options, ["lr", "steps", "minLr", "periodic"]);
  const lr = positive("lr", options.lr);
  const steps = integer("steps", options.steps, 1);
  const minLr = minRate(options.minLr, lr);
  const periodic = bool("periodic", options.periodic ?? false);
  return (t) => {
    const s = periodic ? checkStep(t) : Math.min(checkStep(t), steps);
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

/** Options of {@link linearDecay}. */
export interface LinearDecayOptions {
  /** η₀ > 0 at t = 0. */
  lr: number;
  /** T ≥ 1: the step at which η reaches `endFactor·lr`; it stays there afterwards. */
  steps: number;
  /**
   * The fraction of `lr` reached at t = T, in [0, 1].
   * @default {0}
   */
  endFactor?: number;
}

/**
 * A straight line from `lr` at t = 0 down to `endFactor·lr` at t = T, then flat
 * (PyTorch's `LinearLR` with `start_factor = 1` and `end_factor` = f₁):
 *
 * $$\eta_t = \eta_0\,\Big(1 + (f_1 - 1)\,\frac{\min(t, T)}{T}\Big).$$
 *
 * For a warm-up followed by a linear decay, join it after {@link linearWarmup}
 * with {@link joinSchedules}.
 *
 * @param options See {@link LinearDecayOptions}.
 * @returns The schedule.
 *
 * @example
 * ```ts
 * import { linearDecay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * const s = linearDecay({ lr: 1, steps: 4, endFactor: 0.5 });
 * assert.deepEqual([s(0), s(2), s(4), s(9)], [1, 0.75, 0.5, 0.5]);
 * ```
 */
export function linearDecay(options: LinearDecayOptions): Schedule {
  knownKeys("linearDecay", options, ["lr", "steps", "endFactor"]);
  const lr = positive("lr", options.lr);
  const steps = integer("steps", options.steps, 1);
  const f1 = nonNegative("endFactor", options.endFactor ?? 0);
  if (f1 > 1) throw new RangeError(`\`endFactor\` must be a number in [0, 1], got ${show(f1)}`);
  return (t) => lr * (1 + ((f1 - 1) * Math.min(checkStep(t), steps)) / steps);
}

/** Options of {@link polynomialDecay}. */
export interface PolynomialDecayOptions {
  /** η₀ > 0 at t = 0. */
  lr: number;
  /** T ≥ 1: the step at which η reaches 0; it stays there afterwards. */
  steps: number;
  /**
   * p > 0: 1 is a straight line, 2 a parabola that flattens towards T.
   * @default {1}
   */
  power?: number;
}

/**
 * A polynomial decay to 0 at T (PyTorch's `PolynomialLR`):
 *
 * $$\eta_t = \eta_0\,\big(1 - \min(t, T)/T\big)^p.$$
 *
 * @param options See {@link PolynomialDecayOptions}.
 * @returns The schedule.
 *
 * @example
 * ```ts
 * import { polynomialDecay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * const s = polynomialDecay({ lr: 1, steps: 4, power: 2 });
 * assert.deepEqual([s(0), s(2), s(4), s(5)], [1, 0.25, 0, 0]);
 * ```
 */
export function polynomialDecay(options: PolynomialDecayOptions): Schedule {
  knownKeys("polynomialDecay", options, ["lr", "steps", "power"]);
  const lr = positive("lr", options.lr);
  const steps = integer("steps", options.steps, 1);
  const power = positive("power", options.power ?? 1);
  return (t) => lr * (1 - Math.min(checkStep(t), steps) / steps) ** power;
}

/** Options of {@link cosineRestarts}. */
export interface CosineRestartsOptions {
  /** η₀ > 0: the rate at t = 0 and right after every restart. */
  lr: number;
  /** T₀ ≥ 1: the length of the first cycle. */
  steps: number;
  /**
   * An integer ≥ 1: each cycle is this many times longer than the one before.
   * @default {1}
   */
  mult?: number;
  /**
   * η_min in [0, lr]: the rate each cycle approaches.
   * @default {0}
   */
  minLr?: number;
}

/**
 * Cosine annealing with warm restarts (SGDR; PyTorch's
 * `CosineAnnealingWarmRestarts`): a cosine from η₀ towards η_min over a cycle of
 * T_i steps, then a jump back to η₀; cycle i lasts T_i = T₀·mult^i steps.
 *
 * $$\eta_t = \eta_{\min} + \tfrac12(\eta_0-\eta_{\min})\big(1+\cos(\pi\,T_{cur}/T_i)\big),$$
 *
 * where T_cur counts the steps since the last restart. A cycle never reaches
 * η_min exactly: its last step has T_cur = T_i − 1.
 *
 * Reference: Loshchilov & Hutter, "SGDR", ICLR 2017.
 *
 * @param options See {@link CosineRestartsOptions}.
 * @returns The schedule.
 *
 * @example Cycles of 4, 8, 16, … steps
 * ```ts
 * import { cosineRestarts } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * const s = cosineRestarts({ lr: 1, steps: 4, mult: 2 });
 * assert.deepEqual([s(0), s(2), s(4), s(8), s(12)], [1, 0.5, 1, 0.5, 1]);
 * ```
 */
export function cosineRestarts(options: CosineRestartsOptions): Schedule {
  knownKeys("cosineRestarts", options, ["lr", "steps", "mult", "minLr"]);
  const lr = positive("lr", options.lr);
  const steps = integer("steps", options.steps, 1);
  const mult = integer("mult", options.mult ?? 1, 1);
  const minLr = minRate(options.minLr, lr);
  return (t) => {
    let tCur = checkStep(t), tI = steps;
    if (mult === 1) tCur %= steps;
    else {
      while (tCur >= tI) {
        tCur -= tI;
        tI *= mult;
      }
    }
    // PyTorch's order of operations, so the values agree to the last bit
    return minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  };
}

/** Options of {@link oneCycle}. */
export interface OneCycleOptions {
  /** η_max > 0: the peak of the cycle. */
  lr: number;
  /** N ≥ 2: the number of steps of the whole cycle. */
  steps: number;
  /**
   * The fraction of the steps spent rising to η_max, in (0, 1).
   * @default {0.3}
   */
  pctStart?: number;
  /**
   * `"cos"`: half-cosine ramps; `"linear"`: straight ones.
   * @default {"cos"}
   */
  anneal?: "cos" | "linear";
  /**
   * d > 0: the cycle starts at η_max / d.
   * @default {25}
   */
  divFactor?: number;
  /**
   * d_f > 0: the cycle ends at η_max / (d·d_f).
   * @default {10000}
   */
  finalDivFactor?: number;
  /**
   * `false`: up to η_max, then down to the final rate. `true`: up, back down
   * to the start rate over as many steps, then on down to the final rate
   * (the form of Smith & Topin's paper).
   * @default {false}
   */
  threePhase?: boolean;
}

/**
 * The 1cycle policy (Smith & Topin, 2017; PyTorch's `OneCycleLR`): η rises from
 * η₀ = η_max/d to η_max over the first `pctStart·N` steps, then falls to
 * η₀/d_f by step N − 1. Each phase anneals from its start value a to its end
 * value b with
 *
 * $$\text{cos: } b + \tfrac12(a - b)\big(1 + \cos(\pi p)\big),\qquad
 * \text{linear: } a + (b - a)\,p,$$
 *
 * where p goes from 0 to 1 across the phase, with PyTorch's phase boundaries
 * (`pctStart·N − 1`, and `2·pctStart·N − 2` for the three-phase form).
 *
 * Two differences from PyTorch: its `OneCycleLR` also cycles the momentum (or
 * Adam's β₁) by default (`cycle_momentum=True`), which a learning-rate
 * schedule cannot do; this equals `OneCycleLR(..., cycle_momentum=False)`.
 * And PyTorch refuses to step past N; here η stays at its final value.
 *
 * @param options See {@link OneCycleOptions}.
 * @returns The schedule.
 *
 * @example
 * ```ts
 * import { oneCycle } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 * const s = oneCycle({ lr: 1, steps: 100, anneal: "linear" });
 * assert.ok(Math.abs(s(0) - 1 / 25) < 1e-15);
 * assert.equal(s(29), 1); // the peak, at step pctStart·N − 1
 * assert.ok(Math.abs(s(99) - 1 / 25 / 1e4) < 1e-15);
 * ```
 */
export function oneCycle(options: OneCycleOptions): Schedule {
  knownKeys("oneCycle", options, [
    "lr",
    "steps",
    "pctStart",
    "anneal",
    "divFactor",
    "finalDivFactor",
    "threePhase",
  ]);
  const maxLr = positive("lr", options.lr);
  const steps = integer("steps", options.steps, 2);
  const pctStart = positive("pctStart", options.pctStart ?? 0.3);
  if (pctStart >= 1) {
    throw new RangeError(`\`pctStart\` must be a number in (0, 1), got ${show(pctStart)}`);
  }
  const anneal = options.anneal ?? "cos";
  if (anneal !== "cos" && anneal !== "linear") {
    throw new TypeError(`\`anneal\` must be "cos" or "linear", got ${show(anneal)}`);
  }
  const initialLr = maxLr / positive("divFactor", options.divFactor ?? 25);
  const minLr = initialLr / positive("finalDivFactor", options.finalDivFactor ?? 1e4);
  const threePhase = bool("threePhase", options.threePhase ?? false);
  // [end step, start rate, end rate] of each phase, as PyTorch lays them out
  const phases: [number, number, number][] = threePhase
    ? [
      [pctStart * steps - 1, initialLr, maxLr],
      [2 * pctStart * steps - 2, maxLr, initialLr],
      [steps - 1, initialLr, minLr],
    ]
    : [[pctStart * steps - 1, initialLr, maxLr], [steps - 1, maxLr, minLr]];
  let previous = 0;
  for (const [end] of phases) {
    if (!(end > previous)) {
      throw new RangeError(
        `\`pctStart\` must give every phase of the cycle at least one step: with steps = ${steps}${
          threePhase ? " and threePhase" : ""
        } it must lie in (${1 / steps}, ${threePhase ? (steps + 1) / (2 * steps) : 1}), got ${
          show(pctStart)
        }`,
      );
    }
    previous = end;
  }
  const annealFn = anneal === "cos"
    ? (a: number, b: number, p: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1)
    : (a: number, b: number, p: number) => (b - a) * p + a;
  return (t) => {
    const step = Math.min(checkStep(t), steps - 1);
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const [end, a, b] = phases[i];
      if (step <= end || i === phases.length - 1) {
        return annealFn(a, b, (step - start) / (end - start));
      }
      start = end;
    }
    throw new Error("unreachable");
  };
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
