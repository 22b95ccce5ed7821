/**
 * Drops one warning that is not the reader's business: Node's "The `punycode` module is
 * deprecated" (DEP0040), which Deno prints when vega's Node build loads `node-fetch` 2, whose URL
 * parser (`whatwg-url` 5 → `tr46` 0.0.3) still requires the built-in `punycode`. Every script
 * and notebook that makes a figure would print it, about code it cannot change.
 *
 * Importing this module (for its effect, before anything loads vega) wraps
 * `process.emitWarning` so that DEP0040 alone is dropped; every other warning, deprecations
 * included, is printed as before. Importing it twice wraps once.
 *
 * @module
 */

import process from "node:process";

/** The code of Node's deprecation of its built-in `punycode` module. */
export const PUNYCODE_DEPRECATION = "DEP0040";

const WRAPPED = Symbol.for("better-gradients.quietPunycode");

type EmitWarning = (warning: unknown, ...rest: unknown[]) => void;

/** The deprecation code an `emitWarning(warning, type, code)` or `(warning, { code })` call names. */
function codeOf(rest: unknown[]): unknown {
  const [first, second] = rest;
  if (first !== null && typeof first === "object") return (first as { code?: unknown }).code;
  return second;
}

const target = process as unknown as { emitWarning: EmitWarning & { [WRAPPED]?: true } };
if (!target.emitWarning[WRAPPED]) {
  const original = target.emitWarning;
  const wrapped = function (this: unknown, warning: unknown, ...rest: unknown[]): void {
    if (codeOf(rest) === PUNYCODE_DEPRECATION) return;
    return original.call(this ?? process, warning, ...rest);
  } as EmitWarning & { [WRAPPED]?: true };
  wrapped[WRAPPED] = true;
  target.emitWarning = wrapped;
}
