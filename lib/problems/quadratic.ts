/**
 * Quadratic bowls: the problems on which the behaviour of gradient descent can
 * be computed exactly (see `analysis/stability.ts`).
 *
 * @module
 */

import type { SymmetricMatrix } from "../analysis/stability.ts";
import { eigenvalues } from "../analysis/stability.ts";
import { checkSymmetric } from "../analysis/_matrix.ts";
import { knownKeys, show } from "../_validate.ts";
import type { Domain, Problem } from "./problem.ts";
import {
  checkDomain,
  checkOut,
  checkPoint,
  checkVector,
  choleskySolve,
  domainAround,
  minimumOf,
} from "./_check.ts";

/** Options of {@link quadraticForm}. */
export interface QuadraticFormOptions {
  /** A symmetric positive-definite d×d matrix (the Hessian). */
  A: SymmetricMatrix;
  /**
   * The linear term b (length d).
   * @default {zeros}
   */
  b?: ArrayLike<number>;
  /**
   * The start point w_0.
   * @default {w* + (−2, 1, −2, 1, …)}
   */
  start?: ArrayLike<number>;
  /**
   * The name shown in displays.
   * @default {"quadratic form"}
   */
  name?: string;
  /**
   * The plotting box (2-D only).
   * @default {a box around w_0 and w*}
   */
  domain?: Domain;
}

/**
 * The quadratic form
 *
 * $$E(w) = \tfrac12\, w^\top A w - b^\top w,\qquad \nabla E(w) = A w - b,\qquad \nabla^2 E = A,$$
 *
 * with A symmetric positive definite (checked by its eigenvalues), so that the
 * unique minimizer is w* = A⁻¹b with E(w*) = −½ bᵀw*. Gradient descent on it
 * converges exactly for η < 2/λ_max(A) (see {@link maxStableLearningRate}).
 *
 * Reference: the lecture notes' `quadform.py` example; Nocedal & Wright,
 * "Numerical Optimization" (2006), section 3.3.
 *
 * @param options See {@link QuadraticFormOptions}.
 * @returns The problem.
 *
 * @example
 * ```ts
 * import { quadraticForm } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const p = quadraticForm({ A: [[2, 0], [0, 4]], b: [2, 4] });
 * assert.deepEqual(p.minimum?.params, [1, 1]);
 * assert.equal(p.minimum?.loss, -3);
 * const g = p.grad(new Float64Array([0, 0]), new Float64Array(2));
 * assert.deepEqual([...g], [-2, -4]);
 * ```
 */
export function quadraticForm(options: QuadraticFormOptions): Problem {
  knownKeys("quadraticForm", options, ["A", "b", "start", "name", "domain"]);
  const rows = checkSymmetric("A", options.A);
  const d = rows.length;
  const lambda = eigenvalues(rows);
  if (!(lambda[0] > 0)) {
    throw new RangeError(
      `\`A\` must be positive definite, got smallest eigenvalue ${show(lambda[0])}`,
    );
  }
  const A = rows.map((r) => Float64Array.from(r));
  const b = options.b === undefined ? new Float64Array(d) : checkVector("b", options.b, d);
  const wStar = choleskySolve(rows, b);
  if (wStar === null) {
    throw new RangeError("`A` is too badly conditioned to solve A w = b");
  }
  let fStar = 0;
  for (let i = 0; i < d; i++) fStar -= 0.5 * b[i] * wStar[i];
  const start = options.start === undefined
    ? wStar.map((x, i) => x + (i % 2 === 0 ? -2 : 1))
    : checkVector("start", options.start, d);
  const name = options.name ?? "quadratic form";
  if (typeof name !== "string") throw new TypeError(`\`name\` must be a string, got ${show(name)}`);
  const domain = options.domain === undefined
    ? (d <= 2 ? domainAround([start, wStar]) : undefined)
    : checkDomain("domain", options.domain, d);
  const mat = rows.map((r) => r.map((x) => x));

  return {
    name,
    formula: "E(w) = \\tfrac12\\, w^\\top A w - b^\\top w",
    dim: d,
    loss(w) {
      checkPoint(d, w);
      let s = 0;
      for (let i = 0; i < d; i++) {
        const Ai = A[i];
        let aw = 0;
        for (let j = 0; j < d; j++) aw += Ai[j] * w[j];
        s += w[i] * (0.5 * aw - b[i]);
      }
      return s;
    },
    grad(w, out) {
      checkPoint(d, w);
      checkOut(d, out);
      for (let i = 0; i < d; i++) {
        const Ai = A[i];
        let aw = 0;
        for (let j = 0; j < d; j++) aw += Ai[j] * w[j];
        out[i] = aw - b[i];
      }
      return out;
    },
    hessian(w) {
      checkPoint(d, w);
      return mat.map((r) => r.slice());
    },
    startPoint: () => start.slice(),
    domain,
    minimum: minimumOf(wStar, fStar),
  };
}

/** Options of {@link d2lQuadratic}. */
export interface D2lQuadraticOptions {
  /**
   * The start point.
   * @default {[-5, -2]}
   */
  start?: ArrayLike<number>;
}

/**
 * The elongated bowl of the d2l.ai optimization chapter,
 *
 * $$f(x_1, x_2) = 0.1\,x_1^2 + 2\,x_2^2,\qquad \nabla f = (0.2\,x_1,\ 4\,x_2),$$
 *
 * a quadratic form with A = diag(0.2, 4): condition number 20, gradient descent
 * stable for η < 0.5. It starts at (−5, −2) and is plotted on
 * [−5.5, 1] × [−3, 1], as in d2l.
 *
 * Reference: Zhang, Lipton, Li & Smola, "Dive into Deep Learning", section 12.6
 * (momentum) and 12.3 (gradient descent).
 *
 * @param options See {@link D2lQuadraticOptions}.
 * @returns The problem, minimum 0 at the origin.
 *
 * @example
 * ```ts
 * import { d2lQuadratic } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const f = d2lQuadratic();
 * const w = f.startPoint();
 * assert.equal(f.loss(w), 0.1 * 25 + 2 * 4);
 * assert.deepEqual([...f.grad(w, new Float64Array(2))], [-1, -8]);
 * ```
 */
export function d2lQuadratic(options: D2lQuadraticOptions = {}): Problem {
  knownKeys("d2lQuadratic", options, ["start"]);
  const p = quadraticForm({
    A: [[0.2, 0], [0, 4]],
    start: options.start ?? [-5, -2],
    name: "d2l quadratic",
    domain: { x: [-5.5, 1], y: [-3, 1] },
  });
  return { ...p, formula: "f(x_1, x_2) = 0.1\\,x_1^2 + 2\\,x_2^2" };
}
