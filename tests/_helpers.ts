/**
 * Small assertions shared by the unit tests.
 *
 * @module
 */

import assert from "node:assert/strict";

/** Asserts |actual − expected| ≤ tol·max(1, |expected|): relative for large values, absolute near 0. */
export function assertClose(actual: number, expected: number, tol: number, label = ""): void {
  assert.ok(
    Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${label} expected ${expected}, got ${actual} (difference ${actual - expected})`,
  );
}

/**
 * {@link assertClose} with a test file's default tolerance:
 * `const close = closeWithin(1e-14); close(a, b); close(a, b, 1e-10, "label");`.
 */
export function closeWithin(
  defaultTol: number,
): (actual: number, expected: number, tol?: number, label?: string) => void {
  return (actual, expected, tol = defaultTol, label = "") =>
    assertClose(actual, expected, tol, label);
}
