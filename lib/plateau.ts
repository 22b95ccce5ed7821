/**
 * Reduce the learning rate when the loss stops improving: PyTorch's
 * `ReduceLROnPlateau`, as a controller beside the schedules.
 *
 * The design. Every schedule in this library is a pure function of the step
 * index t. A plateau rule cannot be one: it needs the losses seen so far. So it
 * is split in two:
 *
 * - a **controller** that holds the rule's state (best loss, bad evaluations,
 *   cooldown) and is told each evaluated loss with `observe(t, loss)`, where t
 *   is the number of steps taken before that loss was measured;
 * - its **`schedule`**, an ordinary `(t) => η_t` to pass as an optimizer's `lr`,
 *   which returns the rate in effect at step t: the starting rate, lowered by
 *   every reduction that `observe` decided at a step ≤ t.
 *
 * The schedule never depends on how often it is called, only on t and on the
 * losses observed before step t; the same losses give the same rates. The
 * controller, not the schedule, is what a training loop consults:
 *
 * 1. build the optimizer with `lr: plateau.schedule`;
 * 2. call `plateau.reset()` when a run starts, so a re-run starts afresh;
 * 3. after evaluating the loss (or the validation loss) at w_t, t ≥ 1 steps
 *    into the run, call `plateau.observe(t, loss)`; steps t, t + 1, … then use
 *    the rate it returns. (PyTorch's loop calls `scheduler.step(val_loss)`
 *    after each epoch and never before the first, hence t ≥ 1.)
 *
 * @module
 */

import type { Schedule } from "./types.ts";
import { finite, integer, knownKeys, nonNegative, positive, show } from "./_validate.ts";

/** Options of {@link reduceLrOnPlateau}. */
export interface ReduceLrOnPlateauOptions {
  /** η₀ > 0: the rate before any reduction. */
  lr: number;
  /**
   * `"min"`: the observed value should go down (a loss); `"max"`: up (an accuracy).
   * @default {"min"}
   */
  mode?: "min" | "max";
  /**
   * γ in (0, 1): each reduction multiplies η by γ.
   * @default {0.1}
   */
  factor?: number;
  /**
   * An integer ≥ 0: how many evaluations in a row without improvement are
   * tolerated; the next one reduces η.
   * @default {10}
   */
  patience?: number;
  /**
   * τ ≥ 0: how much better than the best so far a value must be to count as an improvement.
   * @default {1e-4}
   */
  threshold?: number;
  /**
   * `"rel"`: better means below best·(1 − τ) (above best·(1 + τ) in `"max"` mode);
   * `"abs"`: below best − τ (above best + τ).
   * @default {"rel"}
   */
  thresholdMode?: "rel" | "abs";
  /**
   * An integer ≥ 0: evaluations after a reduction during which bad ones are not counted.
   * @default {0}
   */
  cooldown?: number;
  /**
   * η_min ≥ 0: η is never reduced below it.
   * @default {0}
   */
  minLr?: number;
  /**
   * ε ≥ 0: a reduction smaller than ε is skipped.
   * @default {1e-8}
   */
  eps?: number;
}

/** A reduction decided by {@link PlateauController.observe}. */
export interface PlateauReduction {
  /** The first step that uses the new rate. */
  readonly step: number;
  /** The new rate. */
  readonly lr: number;
}

/** The controller made by {@link reduceLrOnPlateau}. */
export interface PlateauController {
  /**
   * η_t: the rate in effect at step t. Pass it as the optimizer's `lr`. It
   * reads the reductions observed so far and changes nothing.
   */
  readonly schedule: Schedule;
  /**
   * Tells the controller the value measured after `t` steps (t ≥ the `t` of the
   * previous call) and returns the rate for steps ≥ t: lower than before when
   * this observation completes a plateau. A non-finite value or a `t` that goes
   * back is refused with nothing changed.
   */
  observe(t: number, value: number): number;
  /** Forgets every observation: the state right after {@link reduceLrOnPlateau}. */
  reset(): void;
  /** The current rate: η₀, or the rate of the last reduction. */
  readonly lr: number;
  /** The best value observed so far (+∞ in `"min"` mode, −∞ in `"max"` mode before any). */
  readonly best: number;
  /** Evaluations in a row without improvement, outside cooldown. */
  readonly badEvaluations: number;
  /** The reductions so far, in order. */
  readonly reductions: readonly PlateauReduction[];
}

/**
 * A controller that lowers η by `factor` when the observed value has not
 * improved for more than `patience` evaluations in a row, step for step as
 * PyTorch's `ReduceLROnPlateau` (`torch/optim/lr_scheduler.py`) does:
 *
 * after each observation v: if v is better than the best (see `threshold`),
 * best ← v and the bad count is reset, else it grows by one; during cooldown
 * the bad count stays 0; when it exceeds `patience`,
 * $$\eta \leftarrow \max(\gamma\,\eta,\ \eta_{\min})$$
 * (skipped when that lowers η by less than ε), cooldown starts and the bad
 * count is reset.
 *
 * `observe(t, v)` plays the role of torch's `scheduler.step(v)`; the new rate
 * applies from step t on. See the module documentation for why the rule lives
 * in a controller and not in a schedule.
 *
 * @param options See {@link ReduceLrOnPlateauOptions}.
 * @returns The controller.
 *
 * @example A loss that stalls: η drops after `patience` + 1 evaluations without progress
 * ```ts
 * import { reduceLrOnPlateau } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const plateau = reduceLrOnPlateau({ lr: 0.1, factor: 0.5, patience: 1 });
 * // one evaluation every 10 steps
 * const rates = [1.0, 0.9, 0.9, 0.9, 0.8].map((loss, k) => plateau.observe(10 * (k + 1), loss));
 * assert.deepEqual(rates, [0.1, 0.1, 0.1, 0.05, 0.05]);
 * // the schedule an optimizer reads: 0.1 before step 40, 0.05 from step 40 on
 * assert.deepEqual([plateau.schedule(39), plateau.schedule(40)], [0.1, 0.05]);
 * ```
 */
export function reduceLrOnPlateau(options: ReduceLrOnPlateauOptions): PlateauController {
  knownKeys("reduceLrOnPlateau", options, [
    "lr",
    "mode",
    "factor",
    "patience",
    "threshold",
    "thresholdMode",
    "cooldown",
    "minLr",
    "eps",
  ]);
  const lr0 = positive("lr", options.lr);
  const mode = options.mode ?? "min";
  if (mode !== "min" && mode !== "max") {
    throw new TypeError(`\`mode\` must be "min" or "max", got ${show(mode)}`);
  }
  const factor = positive("factor", options.factor ?? 0.1);
  if (factor >= 1) {
    throw new RangeError(`\`factor\` must be a number in (0, 1), got ${show(factor)}`);
  }
  const patience = integer("patience", options.patience ?? 10, 0);
  const threshold = nonNegative("threshold", options.threshold ?? 1e-4);
  const thresholdMode = options.thresholdMode ?? "rel";
  if (thresholdMode !== "rel" && thresholdMode !== "abs") {
    throw new TypeError(`\`thresholdMode\` must be "rel" or "abs", got ${show(thresholdMode)}`);
  }
  const cooldown = integer("cooldown", options.cooldown ?? 0, 0);
  const minLr = nonNegative("minLr", options.minLr ?? 0);
  const eps = nonNegative("eps", options.eps ?? 1e-8);

  // PyTorch's `is_better`, with its order of operations
  const isBetter = (a: number, best: number): boolean => {
    if (mode === "min") {
      return thresholdMode === "rel" ? a < best * (1 - threshold) : a < best - threshold;
    }
    return thresholdMode === "rel" ? a > best * (threshold + 1) : a > best + threshold;
  };

  let lr = lr0;
  let best = mode === "min" ? Infinity : -Infinity;
  let bad = 0;
  let cooldownLeft = 0;
  let lastT = 0;
  const reductions: PlateauReduction[] = [];

  const schedule: Schedule = (t) => {
    integer("t", t, 0);
    let i = reductions.length - 1;
    while (i >= 0 && reductions[i].step > t) i--;
    return i < 0 ? lr0 : reductions[i].lr;
  };

  return {
    schedule,
    observe(t, value) {
      integer("t", t, lastT);
      finite("value", value);
      lastT = t;
      if (isBetter(value, best)) {
        best = value;
        bad = 0;
      } else {
        bad++;
      }
      if (cooldownLeft > 0) {
        cooldownLeft--;
        bad = 0;
      }
      if (bad > patience) {
        const next = Math.max(lr * factor, minLr);
        if (lr - next > eps) {
          lr = next;
          // two reductions at the same t: the later one wins
          if (reductions.length > 0 && reductions[reductions.length - 1].step === t) {
            reductions.pop();
          }
          reductions.push(Object.freeze({ step: t, lr }));
        }
        cooldownLeft = cooldown;
        bad = 0;
      }
      return lr;
    },
    reset() {
      lr = lr0;
      best = mode === "min" ? Infinity : -Infinity;
      bad = 0;
      cooldownLeft = 0;
      lastT = 0;
      reductions.length = 0;
    },
    get lr() {
      return lr;
    },
    get best() {
      return best;
    },
    get badEvaluations() {
      return bad;
    },
    get reductions() {
      return reductions.slice();
    },
  };
}
