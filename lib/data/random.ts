/**
 * A small seeded random number generator, so that every random choice in a
 * notebook (synthetic data, shuffled minibatches, start points) is the same on
 * every run.
 *
 * @module
 */

import { finite, integer, positive, show } from "../_validate.ts";

/** An array whose entries can be swapped in place: a plain array or a typed array. */
export interface MutableArrayLike<T> {
  /** The number of entries. */
  readonly length: number;
  /** Entry `i`, for `0 <= i < length`. */
  [index: number]: T;
}

/**
 * A seeded random number generator; see {@link createRng}. Every method draws
 * from the same stream, so the sequence of calls decides every value.
 */
export interface Rng {
  /** The seed this generator started from. */
  readonly seed: number;
  /** A uniform 32-bit unsigned integer in [0, 2³²). */
  nextUint32(): number;
  /** A uniform number in [0, 1) with 53 random bits. */
  next(): number;
  /** A uniform number in [min, max) (defaults [0, 1)). */
  uniform(min?: number, max?: number): number;
  /** A normal N(mean, sd²) number (defaults N(0, 1)), by the Box–Muller transform. */
  normal(mean?: number, sd?: number): number;
  /** A uniform integer in [min, max), without modulo bias; max − min ≤ 2³². */
  integer(min: number, max: number): number;
  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<A extends MutableArrayLike<unknown>>(array: A): A;
  /** A uniformly random permutation of 0, …, n − 1. */
  permutation(n: number): Int32Array;
}

/** splitmix32: expands a 32-bit seed into a stream of well-mixed 32-bit words. */
function splitmix32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

const TWO_32 = 4294967296;

function safeInteger(name: string, value: unknown): number {
  if (typeof value !== "number") {
    throw new TypeError(`\`${name}\` must be an integer, got ${show(value)}`);
  }
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`\`${name}\` must be an integer, got ${show(value)}`);
  }
  return value;
}

/**
 * A seeded generator: xoshiro128** (Blackman & Vigna), its 128-bit state
 * filled by splitmix32 from the seed's low and high 32-bit words.
 *
 * The step of xoshiro128** on the state (s₀, s₁, s₂, s₃) returns
 * rotl(5·s₁, 7)·9 and then mixes the state by shifts, xors and a rotation;
 * its period is 2¹²⁸ − 1. Uniform doubles use 53 bits from two outputs;
 * normal numbers use Box–Muller on two uniforms (the second value is kept for
 * the next call).
 *
 * Reference: Blackman & Vigna, "Scrambled Linear Pseudorandom Number
 * Generators", ACM Transactions on Mathematical Software 47 (2021).
 *
 * @param seed An integer in [0, 2⁵³ − 1].
 * @returns A fresh generator; two generators with the same seed give the same stream.
 *
 * @example Same seed, same numbers
 * ```ts
 * import { createRng } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const a = createRng(42), b = createRng(42);
 * const x = [a.next(), a.normal(), a.integer(0, 10)];
 * assert.deepEqual(x, [b.next(), b.normal(), b.integer(0, 10)]);
 * assert.ok(x[0] >= 0 && x[0] < 1);
 * assert.deepEqual([...createRng(7).permutation(5)].sort(), [0, 1, 2, 3, 4]);
 * ```
 */
export function createRng(seed: number): Rng {
  const s = integer("seed", seed, 0);
  if (s > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`\`seed\` must be an integer in [0, 2^53 - 1], got ${show(seed)}`);
  }
  const lo = splitmix32(s >>> 0);
  const hi = splitmix32(Math.floor(s / TWO_32) ^ 0x6a09e667);
  let s0 = lo() ^ hi();
  let s1 = lo() ^ hi();
  let s2 = lo() ^ hi();
  let s3 = lo() ^ hi();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the one state xoshiro cannot leave

  function nextUint32(): number {
    const r = Math.imul(s1, 5);
    const result = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  function next(): number {
    const a = nextUint32() >>> 5; // 27 bits
    const b = nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  function randomInt(min: number, max: number): number {
    const range = max - min;
    const limit = TWO_32 - (TWO_32 % range);
    let x = nextUint32();
    while (x >= limit) x = nextUint32();
    return min + (x % range);
  }

  let spare: number | null = null;

  const rng: Rng = {
    seed: s,
    nextUint32,
    next,
    uniform(min = 0, max = 1) {
      finite("min", min);
      finite("max", max);
      if (!(max > min)) {
        throw new RangeError(`\`max\` must be a finite number > min (${min}), got ${show(max)}`);
      }
      const x = min + (max - min) * next();
      return x < max ? x : min; // rounding can reach max for huge ranges
    },
    normal(mean = 0, sd = 1) {
      finite("mean", mean);
      positive("sd", sd);
      let z: number;
      if (spare !== null) {
        z = spare;
        spare = null;
      } else {
        const u = 1 - next(); // in (0, 1]: the logarithm stays finite
        const v = next();
        const r = Math.sqrt(-2 * Math.log(u));
        z = r * Math.cos(2 * Math.PI * v);
        spare = r * Math.sin(2 * Math.PI * v);
      }
      return mean + sd * z;
    },
    integer(min, max) {
      safeInteger("min", min);
      safeInteger("max", max);
      if (!(max > min && max - min <= TWO_32)) {
        throw new RangeError(
          `\`max\` must be an integer in (min, min + 2^32] = (${min}, ${min + TWO_32}], got ${
            show(max)
          }`,
        );
      }
      return randomInt(min, max);
    },
    shuffle(array) {
      if (
        array === null || typeof array !== "object" || typeof array.length !== "number"
      ) {
        throw new TypeError(`\`array\` must be an array or a typed array, got ${show(array)}`);
      }
      // checked before drawing, so a refused call changes neither the array nor the stream
      if (Object.isFrozen(array) && array.length > 1) {
        throw new TypeError(
          `\`array\` must be writable to be shuffled in place, got a frozen ${
            show(array).replace(/^an? /, "")
          }`,
        );
      }
      for (let i = array.length - 1; i > 0; i--) {
        const j = randomInt(0, i + 1);
        const tmp = array[i];
        array[i] = array[j];
        array[j] = tmp;
      }
      return array;
    },
    permutation(n) {
      const size = integer("n", n, 0);
      const out = new Int32Array(size);
      for (let i = 0; i < size; i++) out[i] = i;
      return rng.shuffle(out);
    },
  };
  return rng;
}
