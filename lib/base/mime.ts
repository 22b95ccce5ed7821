/**
 * Rich display in Jupyter: MIME bundles and the protocol Deno's kernel uses to
 * show a value.
 *
 * When a cell's last expression (or the argument of
 * `await Deno.jupyter.display(value)`) has a method under
 * `Symbol.for("Jupyter.display")`, Deno's Jupyter kernel calls it and sends the
 * **MIME bundle** it returns (an object from MIME type to content, such as
 * `{"text/html": "<table>…</table>", "text/plain": "…"}`) to the front end,
 * which shows the richest type it can render. The method is called
 * synchronously, so everything it returns must already be computed.
 *
 * @module
 */

import { show } from "../_validate.ts";

/**
 * The key under which Deno's Jupyter kernel looks for a value's display
 * method: `Symbol.for("Jupyter.display")`.
 */
export const jupyterDisplay: unique symbol = Symbol.for("Jupyter.display");

/**
 * A MIME bundle: MIME type → content. Text types hold strings; JSON types such
 * as `application/vnd.vegalite.v5+json` hold plain JSON-compatible objects.
 * Every bundle made by this library has a `text/plain` entry.
 */
export type MimeBundle = Record<string, unknown>;

/** The bundle of a value shown as text: HTML, Markdown and plain text. */
export type TextBundle = {
  "text/html": string;
  "text/markdown": string;
  "text/plain": string;
};

/** A value that shows itself richly in Jupyter (see {@link jupyterDisplay}). */
export interface Displayable {
  /** The MIME bundle shown for this value. Called synchronously by the kernel. */
  [jupyterDisplay](): MimeBundle;
}

/**
 * A fixed MIME bundle wrapped as a displayable value; `toString()` gives its
 * `text/plain` entry, so printing it with `console.log` stays readable.
 */
export class RichValue implements Displayable {
  /** The bundle this value displays as. */
  readonly bundle: Readonly<MimeBundle>;

  /**
   * Wraps `bundle` (copied and frozen).
   *
   * @param bundle The MIME bundle; must contain a `text/plain` string.
   */
  constructor(bundle: MimeBundle) {
    if (bundle === null || typeof bundle !== "object") {
      throw new TypeError(
        `\`bundle\` must be an object of MIME type → content, got ${show(bundle)}`,
      );
    }
    if (typeof bundle["text/plain"] !== "string") {
      throw new TypeError("`bundle` must have a string `text/plain` entry");
    }
    this.bundle = Object.freeze({ ...bundle });
  }

  /** The MIME bundle shown for this value. */
  [jupyterDisplay](): MimeBundle {
    return { ...this.bundle };
  }

  /** The `text/plain` entry. */
  toString(): string {
    return this.bundle["text/plain"] as string;
  }
}

/**
 * Wraps a MIME bundle so that it displays richly as a cell's result.
 *
 * @param bundle MIME type → content, with a `text/plain` string.
 * @returns A value whose `[Symbol.for("Jupyter.display")]()` returns a copy of `bundle`.
 *
 * @example
 * ```ts
 * import { jupyterDisplay, rich } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const value = rich({ "text/plain": "hi", "text/html": "<b>hi</b>" });
 * assert.equal(value[jupyterDisplay]()["text/html"], "<b>hi</b>");
 * assert.equal(String(value), "hi");
 * ```
 */
export function rich(bundle: MimeBundle): RichValue {
  return new RichValue(bundle);
}

// ECMA-48 control sequences: CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \),
// and the 8-bit CSI (U+009B).
const ANSI =
  // deno-lint-ignore no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u009b[0-?]*[ -/]*[@-~]/g;

/**
 * Removes ANSI terminal escape sequences (colours, cursor moves, hyperlinks)
 * from text meant to be read in a page, such as Deno's coloured
 * `Deno.inspect` output.
 *
 * @param text Any string.
 * @returns `text` without escape sequences.
 *
 * @example
 * ```ts
 * import { stripAnsi } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(stripAnsi("\u001b[33m42\u001b[39m"), "42");
 * ```
 */
export function stripAnsi(text: string): string {
  if (typeof text !== "string") {
    throw new TypeError(`\`text\` must be a string, got ${show(text)}`);
  }
  return text.replace(ANSI, "");
}

/**
 * Escapes `& < > " '` so that `text` can be placed in HTML content or a
 * quoted attribute.
 *
 * @param text Any string.
 * @returns The escaped string.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(escapeHtml("a < b & c"), "a &lt; b &amp; c");
 * ```
 */
export function escapeHtml(text: string): string {
  if (typeof text !== "string") {
    throw new TypeError(`\`text\` must be a string, got ${show(text)}`);
  }
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
