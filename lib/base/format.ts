/**
 * Number formatting shared by tables, figures and run summaries.
 *
 * @module
 */

import { integer, knownKeys, show } from "../_validate.ts";

/** Options of {@link formatNumber}. */
export interface FormatNumberOptions {
  /**
   * Significant digits kept for non-integers (1 to 17).
   * @default {4}
   */
  precision?: number;
}

/**
 * Formats a number for reading: integers below 10⁶ in full, other numbers
 * with `precision` significant digits and no trailing zeros, in exponent form
 * (`1.5e-7`) when they are smaller than 10⁻⁴ or at least 10⁶ in magnitude.
 * `NaN` and `±Infinity` are spelled out, so a diverged value stays visible.
 *
 * @param x The number to format.
 * @param options See {@link FormatNumberOptions}.
 * @returns The formatted number.
 *
 * @example
 * ```ts
 * import { formatNumber } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatNumber(500), "500");
 * assert.equal(formatNumber(0.123456), "0.1235");
 * assert.equal(formatNumber(1.5e-7), "1.5e-7");
 * assert.equal(formatNumber(2 / 3, { precision: 2 }), "0.67");
 * assert.equal(formatNumber(NaN), "NaN");
 * ```
 */
export function formatNumber(x: number, options: FormatNumberOptions = {}): string {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`\`formatNumber\` options must be an object, got ${show(options)}`);
  }
  knownKeys("formatNumber", options, ["precision"]);
  const precision = options.precision ?? 4;
  integer("precision", precision, 1);
  if (precision > 17) {
    throw new RangeError(`\`precision\` must be an integer in [1, 17], got ${precision}`);
  }
  if (typeof x !== "number") {
    throw new TypeError(`\`x\` must be a number, got ${show(x)}`);
  }
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return "0";
  const abs = Math.abs(x);
  if (Number.isInteger(x) && abs < 1e6) return String(x);
  if (abs >= 1e-4 && abs < 1e6) {
    const rounded = Number(x.toPrecision(precision));
    // Rounding can carry into 10⁶ (999999.5 → 1e6); show that in exponent form.
    if (Math.abs(rounded) < 1e6) return String(rounded);
  }
  const [mantissa, exponent] = x.toExponential(precision - 1).split("e");
  const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  return `${trimmed}e${exponent.replace("+", "")}`;
}

/**
 * Rounds `x` to `digits` significant digits, keeping it a number (for compact
 * chart data). Non-finite values and 0 are returned unchanged.
 *
 * @throws {TypeError} when `x` is not a number.
 * @throws {RangeError} when `digits` is not an integer in [1, 17].
 *
 * @param x The number to round.
 * @param digits Significant digits, 1 to 17.
 * @returns The rounded number.
 *
 * @example
 * ```ts
 * import { roundSignificant } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(roundSignificant(0.000123456, 3), 0.000123);
 * assert.equal(roundSignificant(98765, 2), 99000);
 * ```
 */
export function roundSignificant(x: number, digits: number): number {
  if (typeof x !== "number") {
    throw new TypeError(`\`x\` must be a number, got ${show(x)}`);
  }
  if (typeof digits !== "number") {
    throw new TypeError(`\`digits\` must be an integer in [1, 17], got ${show(digits)}`);
  }
  if (!(Number.isInteger(digits) && digits >= 1 && digits <= 17)) {
    throw new RangeError(`\`digits\` must be an integer in [1, 17], got ${show(digits)}`);
  }
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}
