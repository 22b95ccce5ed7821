// Shared plumbing of the explorable panels: slider and expression checks, the
// grid field names, axis scales and the contour background. Not exported from
// lib/mod.ts.

import { vegaExpression } from "../_lazy.ts";
import { show } from "../_validate.ts";
import type { ScaleType } from "./_data.ts";
import type { Slider } from "./explorable.ts";
import type { SurfaceBackground } from "./explorable_closed_form.ts";
import { lossSurfaceSpec } from "./surface.ts";

/** The field a grid panel stores a slider's value under (prefixed: no clash with `x`, `y`, …). */
export function gridField(slider: Pick<Slider, "name">): string {
  return `p_${slider.name}`;
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

/** UTF-8 bytes of a value as JSON. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

/** Checks an optional [min, max] option. */
export function domainOption(name: string, value: unknown): [number, number] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) || value.length !== 2 || !value.every((v) => Number.isFinite(v)) ||
    !(value[0] < value[1])
  ) {
    throw new RangeError(
      `\`${name}\` must be [min, max] with finite min < max, got ${show(value)}`,
    );
  }
  return [value[0], value[1]];
}

/** A fixed quantitative scale: the given domain, no zero, no rounding. */
export function axisScale(type: ScaleType, domain?: [number, number]): Record<string, unknown> {
  return {
    type,
    ...(domain ? { domain } : {}),
    ...(type === "linear" ? { zero: false } : {}),
    nice: false,
  };
}

/** The x and y channels of a panel: quantitative, on fixed scales (see {@link axisScale}). */
export function panelAxes(
  xLabel: string,
  yLabel: string,
  scales: { xScale: ScaleType; yScale: ScaleType },
  xDomain: [number, number] | undefined,
  yDomain: [number, number] | undefined,
): { x: Record<string, unknown>; y: Record<string, unknown> } {
  return {
    x: {
      field: "x",
      type: "quantitative",
      title: xLabel,
      scale: axisScale(scales.xScale, xDomain),
    },
    y: {
      field: "y",
      type: "quantitative",
      title: yLabel,
      scale: axisScale(scales.yScale, yDomain),
    },
  };
}

/** A nominal channel on `series` over `names`, with a legend below the panel if `legend`. */
export function panelSeriesChannel(
  names: readonly string[] | undefined,
  legend: boolean,
  range?: unknown[],
): Record<string, unknown> {
  return {
    field: "series",
    type: "nominal",
    title: null,
    scale: range === undefined ? { domain: names } : { domain: names, range },
    legend: legend ? { orient: "bottom", direction: "horizontal", labelLimit: 280 } : null,
  };
}

/** The contour layer of `lossSurfaceSpec`, with this panel's axes and without zoom or legend. */
export function contourLayers(
  surface: SurfaceBackground,
  xDomain: [number, number],
  yDomain: [number, number],
  enc: { x: Record<string, unknown>; y: Record<string, unknown> },
): Record<string, unknown>[] {
  if (surface === null || typeof surface !== "object" || typeof surface.f !== "function") {
    throw new TypeError(
      `\`surface\` must be an object { f, xDomain, yDomain, levels?, resolution? }, got ${
        show(surface)
      }`,
    );
  }
  const known = ["f", "xDomain", "yDomain", "levels", "resolution"];
  for (const key of Object.keys(surface)) {
    if (!known.includes(key)) {
      throw new TypeError(`\`surface\` has no field \`${key}\`; known fields: ${known.join(", ")}`);
    }
  }
  const base = lossSurfaceSpec(surface.f, {
    xDomain,
    yDomain,
    levels: surface.levels ?? 12,
    resolution: surface.resolution ?? 48,
    precision: 3,
  }) as unknown as { layer: Record<string, unknown>[] };
  return base.layer.map((layer) => {
    const { params: _zoom, ...rest } = layer;
    const encoding = rest.encoding as Record<string, Record<string, unknown>>;
    return {
      ...rest,
      mark: { ...(rest.mark as Record<string, unknown>), opacity: 0.7 },
      encoding: {
        ...encoding,
        x: { ...encoding.x, title: enc.x.title, scale: enc.x.scale },
        y: { ...encoding.y, title: enc.y.title, scale: enc.y.scale },
        ...(encoding.color ? { color: { ...encoding.color, legend: null } } : {}),
      },
    };
  });
}
