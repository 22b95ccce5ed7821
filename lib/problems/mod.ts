/**
 * Problems with their gradients: quadratic forms (d2l.ai's elongated bowl
 * among them), a flat-then-steep valley, Rosenbrock's function, seeded
 * linear regression and softmax regression on iris. Each is a
 * {@link Problem}: a loss, its gradient, a start and, where known, the minimum.
 *
 * @example
 * ```ts
 * import { rosenbrock } from "@better-gradients/lib/problems";
 * import assert from "node:assert/strict";
 *
 * const p = rosenbrock();
 * assert.equal(p.loss(Float64Array.of(1, 1)), 0);
 * ```
 *
 * @module
 */

export * from "./problem.ts";
export * from "./quadratic.ts";
export * from "./flat_then_steep.ts";
export * from "./rosenbrock.ts";
export * from "./linear_regression.ts";
export * from "./softmax_regression.ts";
export type { SymmetricMatrix } from "../analysis/stability.ts";
