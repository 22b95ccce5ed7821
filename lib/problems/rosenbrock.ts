/**
 * Rosenbrock's banana-shaped valley.
 *
 * @module
 */

import { finite, knownKeys, positive } from "../_validate.ts";
import type { Problem } from "./problem.ts";
import { checkOut, checkPoint, checkVector, minimumOf } from "./_check.ts";

/** Options of {@link rosenbrock}. */
export interface RosenbrockOptions {
  /**
   * a: the minimum lies at (a, a²).
   * @default {1}
   */
  a?: number;
  /**
   * b > 0: the steepness of the valley walls.
   * @default {100}
   */
  b?: number;
  /**
   * The start point.
   * @default {[-1.2, 1]}
   */
  start?: ArrayLike<number>;
}

/**
 * The 2-D Rosenbrock function,
 *
 * $$f(x, y) = (a - x)^2 + b\,(y - x^2)^2,$$
 * $$\nabla f = \big(-2(a - x) - 4bx(y - x^2),\ \ 2b(y - x^2)\big),\qquad
 * \nabla^2 f = \begin{pmatrix} 2 - 4b(y - 3x^2) & -4bx \\ -4bx & 2b \end{pmatrix}.$$
 *
 * The minimum f = 0 at (a, a²) lies at the end of a long, curved, flat-bottomed
 * valley with steep walls: easy to reach, slow to follow. It starts at
 * Rosenbrock's (−1.2, 1) and is plotted on [−2, 2] × [−1, 3].
 *
 * Reference: Rosenbrock, "An automatic method for finding the greatest or least
 * value of a function", The Computer Journal 3 (1960).
 *
 * @param options See {@link RosenbrockOptions}.
 * @returns The problem.
 *
 * @example
 * ```ts
 * import { rosenbrock } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const f = rosenbrock();
 * assert.equal(f.loss(new Float64Array([1, 1])), 0);
 * assert.ok(Math.abs(f.loss(f.startPoint()) - 24.2) < 1e-12);
 * ```
 */
export function rosenbrock(options: RosenbrockOptions = {}): Problem {
  knownKeys("rosenbrock", options, ["a", "b", "start"]);
  const a = finite("a", options.a ?? 1);
  const b = positive("b", options.b ?? 100);
  const start = checkVector("start", options.start ?? [-1.2, 1], 2);
  return {
    name: "Rosenbrock",
    formula: `f(x, y) = (${a} - x)^2 + ${b}\\,(y - x^2)^2`,
    dim: 2,
    loss(w) {
      checkPoint(2, w);
      const x = w[0], y = w[1];
      const u = a - x, v = y - x * x;
      return u * u + b * v * v;
    },
    grad(w, out) {
      checkPoint(2, w);
      checkOut(2, out);
      const x = w[0], y = w[1];
      const v = y - x * x;
      out[0] = 2 * (x - a) - 4 * b * x * v;
      out[1] = 2 * b * v;
      return out;
    },
    hessian(w) {
      checkPoint(2, w);
      const x = w[0], y = w[1];
      return [[2 - 4 * b * (y - 3 * x * x), -4 * b * x], [-4 * b * x, 2 * b]];
    },
    startPoint: () => start.slice(),
    domain: {
      x: [Math.min(-2, a - 3, start[0] - 0.5), Math.max(2, a + 1, start[0] + 0.5)],
      y: [Math.min(-1, start[1] - 0.5), Math.max(3, a * a + 1, start[1] + 0.5)],
    },
    minimum: minimumOf([a, a * a], 0),
  };
}
