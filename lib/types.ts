/**
 * The shapes every optimizer in this library shares.
 *
 * An optimizer is built from small **gradient transformations** chained together
 * (see `chain` in `transforms/chain.ts`). Each transformation turns the incoming
 * update `u` into a new one; the optimizer finally subtracts the result from the
 * parameters: `w ← w − u`. The first transformation receives the gradient, so plain
 * gradient descent is the chain `[scaleByLearningRate(η)]`.
 *
 * @module
 */

import { show } from "./_validate.ts";

/**
 * A learning-rate schedule: a pure function from the 0-based step index `t` to
 * the learning rate η_t used by step `t`. Calling it twice with the same `t`
 * must give the same value.
 */
export type Schedule = (step: number) => number;

/** A constant learning rate or a {@link Schedule}. */
export type LearningRate = number | Schedule;

/**
 * One building block of an optimizer, in the spirit of Optax's
 * `GradientTransformation`: a pair of functions around a state of type `S`.
 *
 * The chain calls `prepare` once at the start of every step and then `update`
 * on consecutive blocks of coordinates, so the per-step scalars (learning rate,
 * bias corrections) are computed once and the per-coordinate loops stay simple.
 * A transformation that needs a statistic of the whole vector (for example the
 * norm of the gradient) sets `wholeVector`, and the chain then hands it all
 * coordinates in one block.
 */
export interface GradientTransformation<S = unknown> {
  /** A short name, used in error messages and displays. */
  readonly name: string;
  /** `true` when `update` must see every coordinate at once. */
  readonly wholeVector?: boolean;
  /** A fresh state for parameters shaped like `params`. */
  init(params: Float64Array): S;
  /**
   * Called once per step with the 0-based step index `t`, before any `update`.
   * A block that assigns fields of its state (not only entries of its
   * buffers) assigns them here, so that a step on a frozen state fails
   * before any parameter is touched.
   */
  prepare?(state: S, t: number): void;
  /**
   * Transforms the block `u` in place. `u[k]` is the update of coordinate
   * `lo + k`, for `k` from 0 to `hi − lo − 1`. `params` is the whole parameter
   * vector, of which coordinates `lo` to `hi − 1` still hold their values from
   * before this step; earlier blocks may already have been stepped, so a
   * transformation that reads other coordinates must set `wholeVector`.
   */
  update(u: Float64Array, lo: number, hi: number, state: S, params: Float64Array): void;
  /**
   * For a block that multiplies the update by a learning rate: the η_t its
   * state holds, i.e. that of the step it was last prepared for.
   */
  learningRate?(state: S): number;
}

/** The state of an {@link Optimizer}: the step count plus one state per building block. */
export interface OptimizerState {
  /** Number of steps taken so far; the next step has index `t = count`. */
  count: number;
  /** Number of parameters this state was made for. */
  readonly size: number;
  /**
   * The optimizer whose `init` made this state: its name and a number unique to
   * that optimizer, e.g. `"adam #3"`. Every other optimizer's step refuses it,
   * even one with the same blocks (its options may differ).
   */
  readonly owner: string;
  /** The state of each building block, in chain order. */
  readonly inner: unknown[];
  /** Scratch space for one block of updates (reused; never reallocated). */
  readonly scratch: Float64Array;
  /**
   * Set when a step met a non-finite entry of `grads` or `params` after it had
   * already updated some coordinates (see `rejectEntry`): why this state can
   * no longer be used. Further steps throw; make a fresh state with `init`.
   */
  failed?: string;
}

/**
 * An optimizer: `init` makes a fresh state, `step` updates `params` in place
 * from `grads` and advances the state. A step allocates nothing.
 */
export interface Optimizer {
  /** The name shown in displays, e.g. `"adam"`. */
  readonly name: string;
  /** The building blocks this optimizer is made of, in order. */
  readonly transforms: readonly GradientTransformation[];
  /** A fresh state for `params` (not modified). */
  init(params: Float64Array): OptimizerState;
  /**
   * The learning rate η_t of the step `state` was last prepared for (after a
   * step: that step's), read from the blocks that report one (their product
   * if several do), or `undefined` when no block has a learning rate.
   * Every optimizer made by `chain` or `fuse` has it.
   */
  learningRate?(state: OptimizerState): number | undefined;
  /**
   * One step: `params ← params − update(grads)`, in place. A non-finite
   * entry of `grads` or `params` throws a `RangeError` naming it and saying
   * what the step had already updated; when that is something, the state is
   * marked `failed` and refuses further steps (see `rejectEntry`).
   */
  step(params: Float64Array, grads: Float64Array, state: OptimizerState): void;
}

/** Checks that `lr` is a number > 0 or a function; returns it unchanged. */
export function checkLearningRate(name: string, lr: unknown): LearningRate {
  if (typeof lr === "function") return lr as Schedule;
  if (typeof lr !== "number") {
    throw new TypeError(
      `\`${name}\` must be a number > 0 or a schedule (step) => number, got ${show(lr)}`,
    );
  }
  if (!(Number.isFinite(lr) && lr > 0)) {
    throw new RangeError(`\`${name}\` must be a finite number > 0, got ${show(lr)}`);
  }
  return lr;
}

/** The `cause` of the error {@link learningRateAt} throws for a bad schedule value. */
export interface ScheduleFailure {
  /** The name of the learning-rate option, e.g. `"lr"`. */
  readonly schedule: string;
  /** The step t the schedule was asked for. */
  readonly step: number;
  /** What it returned. */
  readonly value: unknown;
}

/**
 * The learning rate for step `t`: `lr` itself, or `lr(t)` for a schedule.
 * `lr` must be a number > 0 or a function and `t` an integer ≥ 0; a schedule
 * that returns anything but a finite number ≥ 0 is an error: a `TypeError`
 * for a value that is not a number, a `RangeError` for one that is; its
 * `cause` is a {@link ScheduleFailure}.
 */
export function learningRateAt(lr: LearningRate, t: number, name = "lr"): number {
  if (typeof t !== "number" || !(Number.isInteger(t) && t >= 0)) {
    const message = `\`t\` must be an integer >= 0, got ${show(t)}`;
    throw typeof t === "number" ? new RangeError(message) : new TypeError(message);
  }
  if (typeof lr !== "function") return checkLearningRate(name, lr) as number;
  const value = lr(t);
  if (typeof value !== "number" || !(Number.isFinite(value) && value >= 0)) {
    const message = `schedule \`${name}\` must return a finite number >= 0, got ${
      show(value)
    } at step ${t}`;
    // `cause` says which schedule failed where, so `train` can stop cleanly on it
    const cause: ScheduleFailure = { schedule: name, step: t, value };
    throw typeof value === "number"
      ? new RangeError(message, { cause })
      : new TypeError(message, { cause });
  }
  return value;
}
