/**
 * Sliders: the numbers a reader drags in an explorable, and the checks of the
 * Vega expressions that read them (closed forms, captions, references).
 *
 * @module
 */

import { show } from "../_validate.ts";
import { vegaExpression } from "../_lazy.ts";

/**
 * A slider: a number the reader drags between `min` and `max` in steps of
 * `step`, starting at `value`. In Vega expressions (closed forms, captions)
 * its current value is the bare identifier `name`.
 */
export interface Slider {
  /**
   * The parameter's name: an identifier (`alpha`, `eta`, `logEps`), unique
   * among the figure's sliders. Expressions refer to the slider by it.
   */
  name: string;
  /** The smallest value. */
  min: number;
  /** The largest value; must be `min + k·step` for a whole number k. */
  max: number;
  /** The step between values, > 0. A `precomputed` source runs once per value. */
  step: number;
  /** The default: where the slider starts and what the static SVG shows. On the grid. */
  value: number;
  /**
   * The text beside the slider and in the caption, e.g. `"α"`.
   * @default {name}
   */
  label?: string;
  /**
   * A d3-format specifier for the value in the caption, e.g. `".3f"` or `"~g"`.
   * @default {as many decimals as `step` has}
   */
  format?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Constants Vega expressions know, besides the sliders. */
export const EXPRESSION_CONSTANTS: readonly string[] = [
  "NaN",
  "Infinity",
  "PI",
  "E",
  "LN2",
  "LN10",
  "LOG2E",
  "LOG10E",
  "SQRT2",
  "SQRT1_2",
  "MIN_VALUE",
  "MAX_VALUE",
];

/** Names a slider may not take: Vega's built-in signals, expression constants and keywords. */
const RESERVED = new Set([
  "datum",
  "event",
  "item",
  "parent",
  "unit",
  "width",
  "height",
  "padding",
  "autosize",
  "background",
  "cursor",
  "child_width",
  "child_height",
  "undefined",
  "null",
  "true",
  "false",
  ...EXPRESSION_CONSTANTS,
  "if",
  "this",
]);

export const MAX_GRID_VALUES = 1000;

/** The number of whole steps in `span / step`, or -1 when it is not (close to) whole. */
export function wholeSteps(span: number, step: number): number {
  const k = Math.round(span / step);
  return Math.abs(k * step - span) <= 1e-9 * Math.max(Math.abs(span), step) ? k : -1;
}

/** A value on a slider's grid, rounded to 12 significant digits (0.1 + 2·0.1 is 0.3). */
export function gridValue(s: Slider, k: number): number {
  return Number((s.min + k * s.step).toPrecision(12));
}

/** The decimals `step` is written with (0.25 → 2, 5 → 0, 1e-3 → 3). */
export function decimalsOf(step: number): number {
  for (let d = 0; d <= 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) <= 1e-9 * scaled) return d;
  }
  return 12;
}

/**
 * Checks one slider; returns a plain copy with its defaults filled in.
 * @internal
 */
export function checkSlider(where: string, s: unknown): Required<Slider> {
  if (s === null || typeof s !== "object" || Array.isArray(s)) {
    throw new TypeError(
      `\`${where}\` must be an object { name, min, max, step, value, label? }, got ${show(s)}`,
    );
  }
  const { name, min, max, step, value, label, format } = s as Slider;
  const known = ["name", "min", "max", "step", "value", "label", "format"];
  for (const key of Object.keys(s)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `\`${where}\` has no field \`${key}\`; known fields: ${known.join(", ")}`,
      );
    }
  }
  if (typeof name !== "string" || !IDENTIFIER.test(name) || RESERVED.has(name)) {
    throw new TypeError(
      `\`${where}.name\` must be an identifier (letters, digits, _) that Vega does not reserve, got ${
        show(name)
      }`,
    );
  }
  for (
    const [field, v] of [["min", min], ["max", max], ["step", step], ["value", value]] as const
  ) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new TypeError(`\`${where}.${field}\` must be a finite number, got ${show(v)}`);
    }
  }
  if (!(step > 0)) {
    throw new RangeError(`\`${where}.step\` must be a finite number > 0, got ${show(step)}`);
  }
  if (!(max > min)) {
    throw new RangeError(`\`${where}.max\` must be > min (${min}), got ${show(max)}`);
  }
  const steps = wholeSteps(max - min, step);
  if (steps < 0) {
    throw new RangeError(
      `\`${where}.max\` must be min + k·step (min ${min}, step ${step}), got ${show(max)}`,
    );
  }
  if (steps + 1 > MAX_GRID_VALUES) {
    throw new RangeError(
      `\`${where}\` must have at most ${MAX_GRID_VALUES} values from min to max, got ${steps + 1}`,
    );
  }
  if (!(value >= min - 1e-12 && value <= max + 1e-12) || wholeSteps(value - min, step) < 0) {
    throw new RangeError(
      `\`${where}.value\` must be one of min + k·step in [${min}, ${max}] (step ${step}), got ${
        show(value)
      }`,
    );
  }
  if (label !== undefined && (typeof label !== "string" || label.length === 0)) {
    throw new TypeError(`\`${where}.label\` must be a non-empty string, got ${show(label)}`);
  }
  if (format !== undefined && typeof format !== "string") {
    throw new TypeError(`\`${where}.format\` must be a d3-format string, got ${show(format)}`);
  }
  return {
    name,
    min,
    max,
    step,
    value,
    label: label ?? name,
    format: format ?? `.${decimalsOf(step)}f`,
  };
}

/**
 * Checks a Vega expression: it must parse, and every free name in it must be
 * `datum`, a slider, a Vega constant or one of `extra`. Function names are
 * left to Vega. Catches the usual slip of writing `t` for the sampled
 * variable `datum.t`.
 */
export function checkExpression(
  where: string,
  expr: unknown,
  sliders: readonly Slider[],
  extra: readonly string[] = [],
): string {
  if (typeof expr !== "string" || expr.trim().length === 0) {
    throw new TypeError(
      `\`${where}\` must be a Vega expression (a non-empty string), got ${show(expr)}`,
    );
  }
  let ast: unknown;
  try {
    ast = vegaExpression().parseExpression(expr);
  } catch (err) {
    throw new TypeError(
      `\`${where}\` must be a Vega expression, got ${show(expr)}: ${(err as Error).message}`,
    );
  }
  const allowed = new Set([
    "datum",
    ...EXPRESSION_CONSTANTS,
    ...sliders.map((s) => s.name),
    ...extra,
  ]);
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (n.type === "Identifier") {
      const name = String(n.name);
      if (!allowed.has(name)) {
        const names = sliders.map((s) => s.name).join(", ") || "none";
        throw new RangeError(
          `\`${where}\` uses \`${name}\`, which is neither a slider (${names}) nor a Vega constant; ` +
            `a field of the data is written datum.${name}`,
        );
      }
      return;
    }
    if (n.type === "MemberExpression") {
      walk(n.object);
      if (n.computed) walk(n.property);
      return;
    }
    if (n.type === "CallExpression") {
      for (const arg of n.arguments as unknown[]) walk(arg);
      return;
    }
    if (n.type === "Property") {
      walk(n.value);
      return;
    }
    for (const [key, value] of Object.entries(n)) {
      if (key === "type") continue;
      if (Array.isArray(value)) value.forEach(walk);
      else walk(value);
    }
  };
  walk(ast);
  return expr;
}

/**
 * Checks a list of sliders (at least one, unique names) and fills in their
 * defaults. The data sources and `explorable` call it.
 *
 * @param where The argument's name, for error messages.
 * @param sliders The sliders.
 * @returns Checked copies, with `label` and `format` filled in.
 * @throws {TypeError|RangeError} naming the slider and field that is wrong.
 *
 * @example
 * ```ts
 * import { checkSliders } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const [alpha] = checkSliders("sliders", [
 *   { name: "alpha", min: 0, max: 0.98, step: 0.02, value: 0.9, label: "α" },
 * ]);
 * assert.equal(alpha.format, ".2f");
 * assert.throws(
 *   () => checkSliders("sliders", [{ name: "alpha", min: 0, max: 1, step: 0.3, value: 0 }]),
 *   RangeError,
 * );
 * ```
 */
export function checkSliders(where: string, sliders: unknown): Required<Slider>[] {
  if (!Array.isArray(sliders)) {
    throw new TypeError(`\`${where}\` must be an array of sliders, got ${show(sliders)}`);
  }
  if (sliders.length === 0) {
    throw new RangeError(`\`${where}\` must hold at least one slider, got none`);
  }
  const out = sliders.map((s, i) => checkSlider(`${where}[${i}]`, s));
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.name)) {
      throw new RangeError(`\`${where}\` has two sliders named ${show(s.name)}`);
    }
    seen.add(s.name);
  }
  return out;
}

/**
 * Every value a slider can take, from `min` to `max` in steps of `step`
 * (rounded to 12 significant digits, so `0.1 + 2·0.1` is `0.3`). Grid
 * panels run once for each combination of these.
 *
 * @param slider The slider.
 * @returns The values, ascending.
 *
 * @example
 * ```ts
 * import { sliderValues } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(sliderValues({ name: "a", min: 0.1, max: 0.5, step: 0.1, value: 0.3 }), [
 *   0.1, 0.2, 0.3, 0.4, 0.5,
 * ]);
 * ```
 */
export function sliderValues(slider: Slider): number[] {
  const s = checkSlider("slider", slider);
  const n = wholeSteps(s.max - s.min, s.step);
  return Array.from({ length: n + 1 }, (_, k) => gridValue(s, k));
}
