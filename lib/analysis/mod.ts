/**
 * Analysis tools for the lessons: EMA and momentum weights, power means, the
 * stability bound of gradient descent on a quadratic, and unit analysis of
 * update rules (with mathjs, loaded at the first unit analysis).
 *
 * @example
 * ```ts
 * import { maxStableLearningRate } from "@better-gradients/lib/analysis";
 * import assert from "node:assert/strict";
 *
 * // gradient descent on ½ wᵀAw diverges for η ≥ 2/λ_max
 * assert.ok(Math.abs(maxStableLearningRate([[4, 0], [0, 1]]) - 0.5) < 1e-12);
 * ```
 *
 * @module
 */

export * from "./ema.ts";
export * from "./momentum.ts";
export * from "./power_means.ts";
export * from "./stability.ts";
export * from "./units.ts";
export * from "./lr_range_test.ts";
export type { LearningRate, Schedule } from "../types.ts";
export type { GradientTransformation, Optimizer, OptimizerState } from "../types.ts";
export type { DataProblem, Domain, Minimum, Problem } from "../problems/problem.ts";
