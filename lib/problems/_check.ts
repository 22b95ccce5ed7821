// Argument checks and small numerical helpers shared by the problems.

import { isPlainObject, show } from "../_validate.ts";
import type { Domain, Minimum } from "./problem.ts";

/** Checks a point w: a Float64Array of length `dim` with finite entries. */
export function checkPoint(dim: number, w: unknown, name = "w"): Float64Array {
  if (!(w instanceof Float64Array)) {
    throw new TypeError(`\`${name}\` must be a Float64Array of length ${dim}, got ${show(w)}`);
  }
  if (w.length !== dim) {
    throw new RangeError(`\`${name}\` must have length ${dim}, got length ${w.length}`);
  }
  for (let i = 0; i < dim; i++) {
    const x = w[i];
    if (x - x !== 0) {
      throw new RangeError(`\`${name}[${i}]\` must be a finite number, got ${show(x)}`);
    }
  }
  return w;
}

/** Checks an output buffer: a Float64Array of length `dim`. */
export function checkOut(dim: number, out: unknown): Float64Array {
  if (!(out instanceof Float64Array)) {
    throw new TypeError(`\`out\` must be a Float64Array of length ${dim}, got ${show(out)}`);
  }
  if (out.length !== dim) {
    throw new RangeError(`\`out\` must have length ${dim}, got length ${out.length}`);
  }
  return out;
}

/** Checks minibatch indices: at least one, integers in [0, n). */
export function checkIndices(n: number, indices: unknown): ArrayLike<number> {
  if (
    indices === null || typeof indices !== "object" ||
    typeof (indices as ArrayLike<unknown>).length !== "number"
  ) {
    throw new TypeError(`\`indices\` must be an array of sample indices, got ${show(indices)}`);
  }
  const list = indices as ArrayLike<unknown>;
  if (list.length === 0) throw new RangeError("`indices` must have length >= 1, got length 0");
  for (let k = 0; k < list.length; k++) {
    const i = list[k];
    if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= n) {
      throw new RangeError(
        `\`indices[${k}]\` must be an integer in [0, ${n - 1}] (a sample index), got ${show(i)}`,
      );
    }
  }
  return list as ArrayLike<number>;
}

/** A finite vector given as any array-like, copied. */
export function checkVector(name: string, value: unknown, dim?: number): Float64Array {
  if (
    value === null || typeof value !== "object" ||
    typeof (value as ArrayLike<unknown>).length !== "number"
  ) {
    throw new TypeError(`\`${name}\` must be an array of finite numbers, got ${show(value)}`);
  }
  const list = value as ArrayLike<unknown>;
  if (dim !== undefined && list.length !== dim) {
    throw new RangeError(`\`${name}\` must have length ${dim}, got length ${list.length}`);
  }
  if (list.length === 0) throw new RangeError(`\`${name}\` must have length >= 1, got length 0`);
  const out = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (typeof x !== "number" || !Number.isFinite(x)) {
      const E = typeof x === "number" ? RangeError : TypeError;
      throw new E(`\`${name}[${i}]\` must be a finite number, got ${show(x)}`);
    }
    out[i] = x;
  }
  return out;
}

/** A plotting box given by the caller: `{ x: [lo, hi] }`, plus `y` for a 2-D problem. */
export function checkDomain(name: string, value: unknown, dim: number): Domain {
  if (dim > 2) {
    throw new TypeError(
      `\`${name}\` is for 1-D and 2-D problems (a plotting box), got one for dimension ${dim}`,
    );
  }
  if (!isPlainObject(value)) {
    throw new TypeError(
      `\`${name}\` must be an object { x: [lo, hi]${dim === 2 ? ", y: [lo, hi]" : ""} }, got ${
        show(value)
      }`,
    );
  }
  const axes = dim === 2 ? ["x", "y"] : ["x"];
  for (const key of Object.keys(value)) {
    if (!axes.includes(key)) {
      throw new TypeError(
        `\`${name}\` has no key \`${key}\` for a ${dim}-D problem; known keys: ${axes.join(", ")}`,
      );
    }
  }
  const out: Record<string, readonly [number, number]> = {};
  for (const axis of axes) {
    const range = value[axis];
    const where = `${name}.${axis}`;
    if (!Array.isArray(range) || range.length !== 2) {
      throw new TypeError(
        `\`${where}\` must be an array [lo, hi] of two numbers, got ${show(range)}`,
      );
    }
    for (let k = 0; k < 2; k++) {
      const x = range[k];
      if (typeof x !== "number" || !Number.isFinite(x)) {
        const E = typeof x === "number" ? RangeError : TypeError;
        throw new E(`\`${where}[${k}]\` must be a finite number, got ${show(x)}`);
      }
    }
    if (!(range[0] < range[1])) {
      throw new RangeError(
        `\`${where}\` must be [lo, hi] with lo < hi, got [${show(range[0])}, ${show(range[1])}]`,
      );
    }
    out[axis] = Object.freeze([range[0], range[1]] as const);
  }
  return Object.freeze(out) as unknown as Domain;
}

/** Display names: `undefined`, or an array of `count` strings (copied). */
export function checkNames(
  name: string,
  value: unknown,
  count: number,
  per: string,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new TypeError(
      `\`${name}\` must be an array of ${count} strings, one per ${per}, got ${show(value)}`,
    );
  }
  if (value.length !== count) {
    throw new RangeError(
      `\`${name}\` must have one name per ${per} (${count}), got length ${value.length}`,
    );
  }
  value.forEach((v, i) => {
    if (typeof v !== "string") {
      throw new TypeError(`\`${name}[${i}]\` must be a string, got ${show(v)}`);
    }
  });
  return [...value];
}

/**
 * A plotting box around some points: their bounding box, widened on every
 * side by `margin` times the larger side (and at least to a side of 1).
 */
export function domainAround(points: ArrayLike<number>[], margin = 0.25): Domain {
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (const p of points) {
    for (let k = 0; k < Math.min(2, p.length); k++) {
      lo[k] = Math.min(lo[k], p[k]);
      hi[k] = Math.max(hi[k], p[k]);
    }
  }
  const dims = points[0].length >= 2 ? 2 : 1;
  let span = 0;
  for (let k = 0; k < dims; k++) span = Math.max(span, hi[k] - lo[k]);
  const pad = Math.max(margin * span, 0.5);
  const range = (k: number) => [lo[k] - pad, hi[k] + pad] as const;
  return dims === 2 ? { x: range(0), y: range(1) } : { x: range(0) };
}

/**
 * Solves S x = r for a symmetric positive-definite S by the LDLᵀ factorization
 * (Cholesky without square roots, exact on diagonal matrices); null when a
 * pivot is not clearly positive (S singular or not positive definite).
 */
export function choleskySolve(S: number[][], r: ArrayLike<number>): Float64Array | null {
  const d = S.length;
  const L = Array.from({ length: d }, () => new Float64Array(d));
  const D = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      let s = S[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k] * D[k];
      L[i][j] = s / D[j];
    }
    let s = S[i][i];
    for (let k = 0; k < i; k++) s -= L[i][k] * L[i][k] * D[k];
    if (!(s > 1e-12 * Math.abs(S[i][i]) && s > 0)) return null;
    D[i] = s;
  }
  const x = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = r[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * x[k];
    x[i] = s;
  }
  for (let i = 0; i < d; i++) x[i] /= D[i];
  for (let i = d - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < d; k++) s -= L[k][i] * x[k];
    x[i] = s;
  }
  return x;
}

/** A frozen minimum record. */
export function minimumOf(params: ArrayLike<number>, loss: number): Minimum {
  return Object.freeze({ params: Object.freeze(Array.from(params)), loss });
}
