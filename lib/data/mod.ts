/**
 * Seeded data utilities: a random number generator ({@link createRng}),
 * minibatch sampling ({@link minibatches}), standardisation and the iris data
 * set. The same seed gives the same numbers.
 *
 * @example
 * ```ts
 * import { createRng } from "@better-gradients/lib/data";
 * import assert from "node:assert/strict";
 *
 * assert.equal(createRng(7).uniform(), createRng(7).uniform());
 * ```
 *
 * @module
 */

export * from "./random.ts";
export * from "./minibatches.ts";
export * from "./standardize.ts";
export * from "./iris.ts";
export * from "./mnist.ts";
