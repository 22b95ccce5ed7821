/**
 * Minibatches: which samples each step of minibatch gradient descent uses.
 *
 * The lecture notes count N(t), the samples seen before step t + 1; that step
 * uses samples N(t) + 1, …, N(t) + k. When the data run out the walk starts
 * again from the first sample: a new epoch, optionally in a new random order.
 *
 * @module
 */

import { bool, integer, knownKeys, show } from "../_validate.ts";
import { createRng, type Rng } from "./random.ts";

/** Options of {@link minibatches}. */
export interface MinibatchOptions {
  /** k: samples per batch, an integer in [1, n]. */
  batchSize: number;
  /**
   * Visit the samples in a new random order every epoch (the first one
   * included) instead of 0, 1, …, n − 1.
   * @default {false}
   */
  shuffle?: boolean;
  /**
   * Seed of the shuffling: the same seed gives the same orders.
   * @default {0}
   */
  seed?: number;
  /**
   * Skip the last, smaller batch of an epoch when k does not divide n (its
   * samples are then not visited in that epoch). By default it is kept, so
   * every sample is visited exactly once per epoch.
   * @default {false}
   */
  dropLast?: boolean;
}

/** One minibatch: the samples of one step and where the step is in the data. */
export interface Batch {
  /** t, the 0-based index of the step this batch is for. */
  step: number;
  /** The 0-based epoch: how many times the data were gone through before. */
  epoch: number;
  /**
   * The notes' N(t) within the epoch: how many samples of this epoch came
   * before this batch. The batch holds epoch positions position + 1, …,
   * position + k in the notes' 1-based count.
   */
  position: number;
  /** Samples seen in all steps before this one, over all epochs. */
  seen: number;
  /** Whether this is the last batch of its epoch. */
  endOfEpoch: boolean;
  /**
   * The sample indices (0-based rows of the data). A read-only view into the
   * epoch's order; it stays valid after later batches are drawn.
   */
  indices: Int32Array;
}

/** Walks the data in minibatches; see {@link minibatches}. */
export interface MinibatchSampler extends Iterable<Batch> {
  /** n, the number of samples. */
  readonly samples: number;
  /** k, the number of samples per batch (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  /** How many batches make one epoch. */
  readonly batchesPerEpoch: number;
  /** The batch for the next step. */
  nextBatch(): Batch;
  /** The batches of the next `count` steps. */
  take(count: number): Batch[];
}

/**
 * A minibatch sampler over n samples: step t gets the k samples after the
 * N(t) already seen in the current epoch,
 *
 * $$\text{step } t \text{ uses samples } \pi_e\big(N(t)+1\big), \dots, \pi_e\big(N(t)+k\big),$$
 *
 * where π_e is the order of epoch e: the identity, or with `shuffle` a random
 * permutation drawn anew at the start of every epoch. The last batch of an
 * epoch holds the n mod k leftover samples (unless `dropLast`), so a batch
 * never spans two epochs.
 *
 * It is an infinite iterable: use `nextBatch()`, `take(count)`, or `for…of`
 * with a `break`.
 *
 * Reference: the lecture notes, section 2; PyTorch's `DataLoader` (`shuffle`,
 * `drop_last`) for the same conventions.
 *
 * @param data The data (only its length is used) or the number of samples n ≥ 1.
 * @param options See {@link MinibatchOptions}.
 * @returns A fresh sampler at step 0.
 *
 * @example Five samples in batches of two: the third batch is the leftover one
 * ```ts
 * import { minibatches } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const batches = minibatches(5, { batchSize: 2 }).take(4);
 * assert.deepEqual(batches.map((b) => [...b.indices]), [[0, 1], [2, 3], [4], [0, 1]]);
 * assert.deepEqual(batches.map((b) => [b.epoch, b.position]), [[0, 0], [0, 2], [0, 4], [1, 0]]);
 * ```
 */
export function minibatches(
  data: number | ArrayLike<unknown>,
  options: MinibatchOptions,
): MinibatchSampler {
  let n: number;
  if (typeof data === "number") {
    n = integer("data", data, 1);
  } else if (data !== null && typeof data === "object" && typeof data.length === "number") {
    if (data.length === 0) throw new RangeError("`data` must have length >= 1, got length 0");
    n = data.length;
  } else {
    throw new TypeError(
      `\`data\` must be a number of samples or an array of samples, got ${show(data)}`,
    );
  }
  knownKeys("minibatches", options, ["batchSize", "shuffle", "seed", "dropLast"]);
  const k = integer("batchSize", options.batchSize, 1);
  if (k > n) {
    throw new RangeError(
      `\`batchSize\` must be an integer in [1, ${n}] (the number of samples), got ${k}`,
    );
  }
  const shuffle = bool("shuffle", options.shuffle ?? false);
  const seed = integer("seed", options.seed ?? 0, 0);
  const dropLast = bool("dropLast", options.dropLast ?? false);
  const perEpoch = dropLast ? Math.floor(n / k) : Math.ceil(n / k);
  const end = dropLast ? perEpoch * k : n; // samples used per epoch
  const rng: Rng | null = shuffle ? createRng(seed) : null;

  const identity = new Int32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  let order: Int32Array = identity;
  let step = 0;
  let epoch = -1;
  let position = end; // start a new epoch on the first call
  let seen = 0;

  function nextBatch(): Batch {
    if (position >= end) {
      epoch++;
      position = 0;
      // A new array per epoch keeps the views of earlier batches intact.
      if (rng !== null) order = rng.permutation(n);
    }
    const hi = Math.min(position + k, end);
    const batch: Batch = {
      step,
      epoch,
      position,
      seen,
      endOfEpoch: hi >= end,
      indices: order.subarray(position, hi),
    };
    seen += hi - position;
    position = hi;
    step++;
    return batch;
  }

  return {
    samples: n,
    batchSize: k,
    batchesPerEpoch: perEpoch,
    nextBatch,
    take(count: number): Batch[] {
      const c = integer("count", count, 0);
      const out: Batch[] = [];
      for (let i = 0; i < c; i++) out.push(nextBatch());
      return out;
    },
    *[Symbol.iterator](): Iterator<Batch> {
      while (true) yield nextBatch();
    },
  };
}
