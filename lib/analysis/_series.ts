// Input checks shared by the analysis functions: series of numbers or of vectors.

import { show } from "../_validate.ts";

/** A non-empty array-like of finite numbers, copied into a Float64Array. */
export function numberSeries(name: string, value: unknown): Float64Array {
  if (
    value === null || typeof value !== "object" ||
    typeof (value as { length?: unknown }).length !== "number"
  ) {
    throw new TypeError(`\`${name}\` must be an array of finite numbers, got ${show(value)}`);
  }
  const list = value as ArrayLike<unknown>;
  if (list.length === 0) {
    throw new RangeError(`\`${name}\` must have length >= 1, got length 0`);
  }
  const out = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (typeof x !== "number") {
      throw new TypeError(`\`${name}[${i}]\` must be a finite number, got ${show(x)}`);
    }
    if (!Number.isFinite(x)) {
      throw new RangeError(`\`${name}[${i}]\` must be a finite number, got ${show(x)}`);
    }
    out[i] = x;
  }
  return out;
}

/** A non-empty array of vectors of one common length ≥ 1, each copied into a Float64Array. */
export function vectorSeries(name: string, value: unknown): Float64Array[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`\`${name}\` must be an array of vectors, got ${show(value)}`);
  }
  if (value.length === 0) {
    throw new RangeError(`\`${name}\` must have length >= 1, got length 0`);
  }
  const out = value.map((v, i) => numberSeries(`${name}[${i}]`, v));
  const d = out[0].length;
  out.forEach((v, i) => {
    if (v.length !== d) {
      throw new RangeError(
        `\`${name}[${i}]\` must have the same length as \`${name}[0]\` (${d}), got length ${v.length}`,
      );
    }
  });
  return out;
}

/** Whether a series holds vectors (its first entry is array-like) rather than numbers. */
export function isVectorSeries(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const first = (value as ArrayLike<unknown>)[0];
  return first !== null && typeof first === "object" &&
    typeof (first as { length?: unknown }).length === "number";
}
