/**
 * Why a learning rate diverges: gradient descent on a quadratic, one
 * eigendirection at a time.
 *
 * On E(w) = ½ wᵀAw − bᵀw with A symmetric positive definite, the error
 * e_t = w_t − w* of gradient descent obeys e_{t+1} = (I − ηA) e_t. Written in
 * the eigenvectors v_i of A (A v_i = λ_i v_i), each component is multiplied by
 * 1 − ηλ_i at every step, so
 *
 * $$|\langle e_t, v_i\rangle| = |1-\eta\lambda_i|^{\,t}\,|\langle e_0, v_i\rangle|,$$
 *
 * and the iteration converges from every start exactly when η < 2/λ_max.
 *
 * @module
 */

import { mathjs } from "../_lazy.ts";
import { positive, show } from "../_validate.ts";
import { checkSymmetric } from "./_matrix.ts";

/** A square symmetric matrix as rows: `number[][]` or an array of Float64Arrays. */
export type SymmetricMatrix = ArrayLike<ArrayLike<number>>;

/** Eigenvalues and unit eigenvectors of a symmetric matrix, eigenvalues ascending. */
export interface SymmetricEigen {
  /** λ_1 ≤ λ_2 ≤ … ≤ λ_d. */
  values: Float64Array;
  /** `vectors[i]` is a unit eigenvector for `values[i]`. */
  vectors: Float64Array[];
}

/**
 * Eigenvalues (ascending) and unit eigenvectors of a symmetric matrix,
 * computed by mathjs's `eigs`:
 *
 * $$A v_i = \lambda_i v_i,\qquad \lVert v_i\rVert = 1,\qquad \lambda_1 \le \dots \le \lambda_d.$$
 *
 * @param A A symmetric matrix (symmetric up to rounding; its symmetric part is used).
 * @returns The eigenvalues and eigenvectors.
 *
 * @example The d2l bowl f = 0.1 x₁² + 2 x₂² has Hessian diag(0.2, 4)
 * ```ts
 * import { symmetricEigen } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const { values, vectors } = symmetricEigen([[4, 0], [0, 0.2]]);
 * assert.deepEqual([...values], [0.2, 4]);
 * assert.equal(Math.abs(vectors[0][1]), 1); // λ = 0.2 lies along x₂
 * ```
 */
export function symmetricEigen(A: SymmetricMatrix): SymmetricEigen {
  const m = checkSymmetric("A", A);
  const d = m.length;
  if (d === 1) return { values: Float64Array.of(m[0][0]), vectors: [Float64Array.of(1)] };
  const result = mathjs().eigs(m);
  const pairs = (result.eigenvectors as { value: unknown; vector: unknown }[]).map((p) => {
    const raw = p.vector as number[] | { toArray(): number[] };
    const v = Float64Array.from(Array.isArray(raw) ? raw : raw.toArray());
    const norm = Math.hypot(...v);
    for (let i = 0; i < d; i++) v[i] /= norm;
    return { value: Number(p.value), vector: v };
  });
  for (const p of pairs) {
    if (!Number.isFinite(p.value) || p.vector.some((x) => !Number.isFinite(x))) {
      throw new RangeError(
        `\`A\` must have eigenvalues within the range of doubles (±1.8e308); its entries are too ` +
          `large (largest |a_ij| = ${maxEntry(m)}), got an eigenvalue ${show(p.value)}`,
      );
    }
  }
  pairs.sort((a, b) => a.value - b.value);
  return {
    values: Float64Array.from(pairs, (p) => p.value),
    vectors: pairs.map((p) => p.vector),
  };
}

/**
 * The eigenvalues of a symmetric matrix in ascending order (see {@link symmetricEigen}).
 *
 * @param A A symmetric matrix.
 * @returns λ_1 ≤ … ≤ λ_d as a new Float64Array.
 *
 * @example
 * ```ts
 * import { eigenvalues } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const l = eigenvalues([[2, 1], [1, 2]]);
 * assert.ok(Math.abs(l[0] - 1) < 1e-12 && Math.abs(l[1] - 3) < 1e-12);
 * ```
 */
export function eigenvalues(A: SymmetricMatrix): Float64Array {
  return symmetricEigen(A).values;
}

function maxEntry(m: number[][]): number {
  let max = 0;
  for (const row of m) for (const x of row) max = Math.max(max, Math.abs(x));
  return max;
}

/** `value` when finite, else a RangeError saying which quantity of `A` overflows. */
function representable(what: string, value: number, context: string): number {
  if (!Number.isFinite(value)) {
    throw new RangeError(
      `${what} overflows for this \`A\` (${context}; eigenvalues of \`A\`), got ${show(value)}`,
    );
  }
  return value;
}

function positiveDefinite(A: SymmetricMatrix): Float64Array {
  const values = eigenvalues(A);
  if (!(values[0] > 0)) {
    throw new RangeError(
      `\`A\` must be positive definite, got smallest eigenvalue ${show(values[0])}`,
    );
  }
  return values;
}

/**
 * The largest stable learning rate of gradient descent on E = ½ wᵀAw − bᵀw:
 * every error component shrinks exactly when |1 − ηλ_i| < 1 for all i, that is
 *
 * $$0 < \eta < \frac{2}{\lambda_{\max}}.$$
 *
 * At η = 2/λ_max the steepest direction oscillates without shrinking; above it
 * the iteration diverges. For a smooth function the same bound holds near a
 * minimum with A the Hessian there.
 *
 * Reference: Nesterov, "Introductory Lectures on Convex Optimization" (2004),
 * section 1.2.3; Goh, "Why Momentum Really Works", Distill (2017).
 *
 * @param A A symmetric positive-definite matrix (the Hessian).
 * @returns 2 / λ_max; gradient descent converges for η strictly below it.
 *
 * @example
 * ```ts
 * import { maxStableLearningRate } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(maxStableLearningRate([[0.2, 0], [0, 4]]), 0.5);
 * ```
 */
export function maxStableLearningRate(A: SymmetricMatrix): number {
  const values = positiveDefinite(A);
  const max = values[values.length - 1];
  return representable("2/λ_max", 2 / max, `λ_max = ${show(max)}`);
}

/**
 * The factor by which one gradient-descent step multiplies the error along
 * each eigendirection of A:
 *
 * $$\rho_i(\eta) = |1 - \eta\lambda_i|.$$
 *
 * ρ_i < 1: that component shrinks; ρ_i > 1: it grows. A step with ηλ_i > 1
 * overshoots (the sign flips) and one with ηλ_i > 2 overshoots by more than it
 * gained. Any symmetric A is accepted; negative λ_i give ρ_i > 1 for every η.
 *
 * @param A A symmetric matrix (the Hessian).
 * @param lr The learning rate η > 0.
 * @returns ρ_i for the eigenvalues in ascending order, a new Float64Array.
 *
 * @example
 * ```ts
 * import { contractionFactors } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const rho = contractionFactors([[0.2, 0], [0, 4]], 0.4);
 * assert.ok(Math.abs(rho[0] - 0.92) < 1e-15); // the flat direction: slow
 * assert.ok(Math.abs(rho[1] - 0.6) < 1e-15); // the steep one: overshoots, then shrinks
 * ```
 */
export function contractionFactors(A: SymmetricMatrix, lr: number): Float64Array {
  const values = eigenvalues(A);
  const eta = positive("lr", lr);
  return values.map((l) =>
    representable("|1 − η·λ|", Math.abs(1 - eta * l), `η = \`lr\` = ${show(eta)}, λ = ${show(l)}`)
  );
}

/**
 * The rate of convergence of gradient descent on a quadratic: the slowest
 * eigendirection's factor,
 *
 * $$\rho(\eta) = \max_i |1 - \eta\lambda_i| = \max\big(|1-\eta\lambda_{\min}|,\ |1-\eta\lambda_{\max}|\big),$$
 *
 * so ‖w_t − w*‖ ≤ ρ^t ‖w_0 − w*‖. ρ < 1 means convergence; about
 * 1/(1 − ρ) steps reduce the error by a factor e.
 *
 * @param A A symmetric matrix (the Hessian).
 * @param lr The learning rate η > 0.
 * @returns ρ(η).
 *
 * @example
 * ```ts
 * import { convergenceRate } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.ok(Math.abs(convergenceRate([[0.2, 0], [0, 4]], 0.4) - 0.92) < 1e-15);
 * assert.ok(convergenceRate([[0.2, 0], [0, 4]], 0.6) > 1); // diverges
 * ```
 */
export function convergenceRate(A: SymmetricMatrix, lr: number): number {
  const rho = contractionFactors(A, lr);
  return Math.max(...rho);
}

/**
 * The constant learning rate with the fastest worst-case convergence on a
 * quadratic, where the flattest and the steepest direction shrink equally fast:
 *
 * $$\eta^* = \frac{2}{\lambda_{\min} + \lambda_{\max}},\qquad
 * \rho(\eta^*) = \frac{\kappa - 1}{\kappa + 1},\quad \kappa = \frac{\lambda_{\max}}{\lambda_{\min}}.$$
 *
 * A badly conditioned problem (κ large) converges slowly even at η*; this is
 * what momentum and per-coordinate scaling improve.
 *
 * Reference: Nesterov, "Introductory Lectures on Convex Optimization" (2004), theorem 2.1.15.
 *
 * @param A A symmetric positive-definite matrix (the Hessian).
 * @returns η*.
 *
 * @example
 * ```ts
 * import { convergenceRate, optimalLearningRate } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const A = [[0.2, 0], [0, 4]];
 * const eta = optimalLearningRate(A); // 2 / 4.2
 * assert.ok(Math.abs(convergenceRate(A, eta) - 3.8 / 4.2) < 1e-15);
 * ```
 */
export function optimalLearningRate(A: SymmetricMatrix): number {
  const values = positiveDefinite(A);
  const min = values[0], max = values[values.length - 1];
  // 2/(λ_min + λ_max) written so that neither the sum nor the quotient overflows needlessly
  return representable(
    "2/(λ_min + λ_max)",
    1 / (min / 2 + max / 2),
    `λ_min = ${show(min)}, λ_max = ${show(max)}`,
  );
}

/**
 * The condition number κ = λ_max / λ_min of a symmetric positive-definite
 * matrix: how elongated the level sets of ½ wᵀAw are.
 *
 * @param A A symmetric positive-definite matrix.
 * @returns κ ≥ 1.
 *
 * @example
 * ```ts
 * import { conditionNumber } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(conditionNumber([[0.2, 0], [0, 4]]), 20);
 * ```
 */
export function conditionNumber(A: SymmetricMatrix): number {
  const values = positiveDefinite(A);
  const min = values[0], max = values[values.length - 1];
  return representable("λ_max/λ_min", max / min, `λ_min = ${show(min)}, λ_max = ${show(max)}`);
}
