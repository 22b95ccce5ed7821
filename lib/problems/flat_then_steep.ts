/**
 * A 1-D loss with a long, almost flat stretch followed by a steep, narrow
 * valley: the notes' case against a constant learning rate.
 *
 * @module
 */

import { finite, knownKeys, positive } from "../_validate.ts";
import type { Problem } from "./problem.ts";
import { checkOut, checkPoint, checkVector, minimumOf } from "./_check.ts";

/** Options of {@link flatThenSteep}. */
export interface FlatThenSteepOptions {
  /**
   * ε > 0: the curvature of the gentle bowl εw² that makes the flat stretch
   * slope slightly towards the valley.
   * @default {0.01}
   */
  bowl?: number;
  /**
   * h > 0: the depth of the valley.
   * @default {1}
   */
  depth?: number;
  /**
   * σ > 0: the width of the valley.
   * @default {0.5}
   */
  width?: number;
  /**
   * The start point, a number or a one-entry array.
   * @default {-8}
   */
  start?: number | ArrayLike<number>;
}

/**
 * A smooth 1-D loss: a shallow bowl with a narrow, deep Gaussian valley at 0,
 *
 * $$E(w) = \varepsilon\,w^2 - h\,e^{-w^2/(2\sigma^2)},\qquad
 * E'(w) = w\Big(2\varepsilon + \frac{h}{\sigma^2}\,e^{-w^2/(2\sigma^2)}\Big),$$
 *
 * $$E''(w) = 2\varepsilon + \frac{h}{\sigma^2}\Big(1 - \frac{w^2}{\sigma^2}\Big)e^{-w^2/(2\sigma^2)}.$$
 *
 * Far from 0 (|w| ≫ σ) the slope is only 2ε|w|: a long flat stretch. Within a
 * few σ of 0 the loss drops steeply by h into the only minimum, w* = 0 with
 * E(w*) = −h, where the curvature is 2ε + h/σ². With the defaults (ε = 0.01,
 * h = 1, σ = 0.5, start −8), gradient descent needs η < 2/4.02 ≈ 0.5 to settle
 * in the valley, but with such an η the flat stretch takes hundreds of steps:
 * a constant step size is either too slow at the start or too fast at the end.
 *
 * Reference: the lecture notes, section 1 ("long flat region followed by a
 * steep decline").
 *
 * @param options See {@link FlatThenSteepOptions}.
 * @returns The problem, plotted on [−10, 4].
 *
 * @example
 * ```ts
 * import { flatThenSteep } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const f = flatThenSteep();
 * const g = new Float64Array(1);
 * const flat = Math.abs(f.grad(f.startPoint(), g)[0]); // 0.16 at w = −8
 * const steep = Math.abs(f.grad(new Float64Array([-0.5]), g)[0]);
 * assert.ok(steep > 7 * flat);
 * assert.equal(f.minimum?.loss, -1);
 * ```
 */
export function flatThenSteep(options: FlatThenSteepOptions = {}): Problem {
  knownKeys("flatThenSteep", options, ["bowl", "depth", "width", "start"]);
  const eps = positive("bowl", options.bowl ?? 0.01);
  const h = positive("depth", options.depth ?? 1);
  const sigma = positive("width", options.width ?? 0.5);
  const s = options.start ?? -8;
  const start = typeof s === "number"
    ? Float64Array.of(finite("start", s))
    : checkVector("start", s, 1);
  const inv2s2 = 1 / (2 * sigma * sigma);
  const hOverS2 = h / (sigma * sigma);
  const lo = Math.min(-10, start[0] - 1);
  const hi = Math.max(4, -lo / 2.5, start[0] + 1);
  return {
    name: "flat then steep",
    formula: "E(w) = \\varepsilon\\,w^2 - h\\,e^{-w^2/(2\\sigma^2)}",
    dim: 1,
    loss(w) {
      checkPoint(1, w);
      const x = w[0];
      return eps * x * x - h * Math.exp(-x * x * inv2s2);
    },
    grad(w, out) {
      checkPoint(1, w);
      checkOut(1, out);
      const x = w[0];
      out[0] = x * (2 * eps + hOverS2 * Math.exp(-x * x * inv2s2));
      return out;
    },
    hessian(w) {
      checkPoint(1, w);
      const x = w[0];
      const g = Math.exp(-x * x * inv2s2);
      return [[2 * eps + hOverS2 * (1 - (x * x) / (sigma * sigma)) * g]];
    },
    startPoint: () => start.slice(),
    domain: { x: [lo, hi] },
    minimum: minimumOf([0], -h),
  };
}
