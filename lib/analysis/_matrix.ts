// Matrix checks shared by the stability analysis and the quadratic problems.

import { show } from "../_validate.ts";

/**
 * Checks that `A` is a non-empty square matrix of finite numbers that is
 * symmetric up to rounding (|a_ij − a_ji| ≤ 1e−10·max|a|), and returns its
 * symmetric part (A + Aᵀ)/2 as plain rows.
 */
export function checkSymmetric(name: string, A: unknown): number[][] {
  if (A === null || typeof A !== "object" || typeof (A as ArrayLike<unknown>).length !== "number") {
    throw new TypeError(`\`${name}\` must be a square matrix (an array of rows), got ${show(A)}`);
  }
  const rows = A as ArrayLike<unknown>;
  const d = rows.length;
  if (d === 0) throw new RangeError(`\`${name}\` must have at least one row, got 0 rows`);
  const out: number[][] = [];
  let maxAbs = 0;
  for (let i = 0; i < d; i++) {
    const row = rows[i] as ArrayLike<unknown> | null;
    if (row === null || typeof row !== "object" || typeof row.length !== "number") {
      throw new TypeError(`\`${name}[${i}]\` must be a row of numbers, got ${show(row)}`);
    }
    if (row.length !== d) {
      throw new RangeError(
        `\`${name}\` must be square: row ${i} must have length ${d}, got length ${row.length}`,
      );
    }
    const r: number[] = [];
    for (let j = 0; j < d; j++) {
      const x = row[j];
      if (typeof x !== "number") {
        throw new TypeError(`\`${name}[${i}][${j}]\` must be a finite number, got ${show(x)}`);
      }
      if (!Number.isFinite(x)) {
        throw new RangeError(`\`${name}[${i}][${j}]\` must be a finite number, got ${show(x)}`);
      }
      r.push(x);
      if (Math.abs(x) > maxAbs) maxAbs = Math.abs(x);
    }
    out.push(r);
  }
  const tol = 1e-10 * maxAbs;
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      if (Math.abs(out[i][j] - out[j][i]) > tol) {
        throw new RangeError(
          `\`${name}\` must be symmetric, got ${name}[${i}][${j}] = ${
            out[i][j]
          } but ${name}[${j}][${i}] = ${out[j][i]}`,
        );
      }
      // a + (b − a)/2 rather than (a + b)/2: the sum of two entries near 1.8e308 overflows
      const a = out[i][j];
      const m = a + (out[j][i] - a) / 2;
      out[i][j] = m;
      out[j][i] = m;
    }
  }
  return out;
}
