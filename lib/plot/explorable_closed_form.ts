/**
 * Closed-form panels for explorables: curves written as Vega expressions in
 * the sliders, evaluated point by point in the browser.
 *
 * @module
 */

import type { ChartOptions, DomainOptions, ScaleOptions } from "./axes.ts";
import { knownKeys, show } from "../_validate.ts";
import { equalScaleHeight, label, optionalText, pixels, scaleType } from "./_data.ts";
import { contourLayers, domainOption, panelAxes, panelSeriesChannel } from "./_explorable.ts";
import { titleEntry } from "./_spec.ts";
import type { ExplorablePanel } from "./explorable.ts";
import { checkExpression, checkSliders, type Slider } from "./sliders.ts";
import type { VegaLiteSpec } from "./figure.ts";
import type { SurfaceBackground } from "./surface.ts";

export type { SurfaceBackground } from "./surface.ts";

/** The variable a closed-form panel samples: `datum.<name>` runs from `from` to `to`. */
export interface SampledVariable {
  /** Its name; expressions read it as `datum.<name>` (e.g. `datum.t`). */
  name: string;
  /** The first value. */
  from: number;
  /** The last value (included when `from + k·step` reaches it). */
  to: number;
  /**
   * The spacing of the samples.
   * @default {1}
   */
  step?: number;
}

/**
 * One curve of a closed-form panel. `y` (and `x`, for a parametric curve such
 * as a path in the plane) are Vega expressions in the sliders (bare names,
 * e.g. `alpha`) and the sampled variable (`datum.t`), for instance
 * `"pow(alpha, 19 - datum.s) * (1 - alpha)"`.
 */
export interface ClosedFormCurve {
  /** The name in the legend (and the key in `explorableData`). */
  name: string;
  /** The y value of a point, as a Vega expression. */
  y: string;
  /**
   * The x value of a point, as a Vega expression.
   * @default {the sampled variable, `datum.<name>`}
   */
  x?: string;
}

/**
 * A reference drawn over a panel: a vertical line (only `x`), a horizontal
 * line (only `y`) or a dot (both). Each coordinate is a number or a Vega
 * expression in the sliders, so a dot can follow the current setting.
 */
export interface ReferenceMark {
  /** The x position: a number, or a Vega expression in the sliders. */
  x?: number | string;
  /** The y position: a number, or a Vega expression in the sliders. */
  y?: number | string;
  /**
   * A label beside the line or dot; a Vega expression when `labelExpr` is true.
   * @default {none}
   */
  label?: string;
  /**
   * Whether `label` is a Vega expression (e.g. `"'ρ = ' + format(rho, '.2f')"`).
   * @default {false}
   */
  labelExpr?: boolean;
}

/** Options of {@link closedFormPanel}. */
export interface ClosedFormPanelOptions extends ChartOptions, ScaleOptions, DomainOptions {
  /** The sampled variable. */
  variable: SampledVariable;
  /** The curves, at least one. */
  curves: readonly ClosedFormCurve[];
  /**
   * How points are drawn: joined by a line (in order of the sampled
   * variable, so parametric paths work), a line with a dot at every sample
   * (`"path"`, for iterates), stems from zero (weights), or dots.
   * @default {"line"}
   */
  mark?: "line" | "path" | "stem" | "point";
  /**
   * A Vega expression that keeps only some samples, e.g. `"datum.s <= t"`
   * when the range itself depends on a slider.
   * @default {all samples}
   */
  where?: string;
  /**
   * Reference lines and dots drawn over the curves.
   * @default {[]}
   */
  references?: readonly ReferenceMark[];
  /**
   * Contour lines of a surface under the curves (for paths in the plane);
   * its domains become the axes' domains.
   * @default {none}
   */
  surface?: SurfaceBackground;
}

const KEYS = [
  "variable",
  "curves",
  "mark",
  "where",
  "references",
  "surface",
  "title",
  "xLabel",
  "yLabel",
  "xScale",
  "yScale",
  "xDomain",
  "yDomain",
  "width",
  "height",
];

const MAX_SAMPLES = 5000;

function checkVariable(value: unknown): Required<SampledVariable> {
  if (value === null || typeof value !== "object") {
    throw new TypeError(
      `\`variable\` must be an object { name, from, to, step? }, got ${show(value)}`,
    );
  }
  const { name, from, to, step = 1 } = value as SampledVariable;
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new TypeError(`\`variable.name\` must be an identifier, got ${show(name)}`);
  }
  for (const [field, v] of [["from", from], ["to", to], ["step", step]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new TypeError(`\`variable.${field}\` must be a finite number, got ${show(v)}`);
    }
  }
  if (!(step > 0)) throw new RangeError(`\`variable.step\` must be > 0, got ${show(step)}`);
  if (!(to > from)) {
    throw new RangeError(`\`variable.to\` must be > from (${from}), got ${show(to)}`);
  }
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (count > MAX_SAMPLES) {
    throw new RangeError(
      `\`variable\` must give at most ${MAX_SAMPLES} samples, got ${count} (from ${from} to ${to} step ${step})`,
    );
  }
  return { name, from, to, step };
}

/** The layers of a reference mark: a rule or a dot, and its label. */
function referenceLayers(
  r: ReferenceMark,
  k: number,
  sliders: readonly Slider[],
  enc: { x: Record<string, unknown>; y: Record<string, unknown> },
): Record<string, unknown>[] {
  if (r === null || typeof r !== "object") {
    throw new TypeError(
      `\`references[${k}]\` must be an object { x?, y?, label? }, got ${show(r)}`,
    );
  }
  const coordinate = (axis: "x" | "y") => {
    const v = r[axis];
    if (v === undefined) return undefined;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) {
        throw new RangeError(`\`references[${k}].${axis}\` must be finite, got ${show(v)}`);
      }
      return String(v);
    }
    return checkExpression(`references[${k}].${axis}`, v, sliders);
  };
  const x = coordinate("x");
  const y = coordinate("y");
  if (x === undefined && y === undefined) {
    throw new RangeError(`\`references[${k}]\` must have \`x\`, \`y\` or both`);
  }
  const transform = [
    ...(x === undefined ? [] : [{ calculate: x, as: "rx" }]),
    ...(y === undefined ? [] : [{ calculate: y, as: "ry" }]),
  ];
  const encoding: Record<string, unknown> = {
    ...(x === undefined ? {} : { x: { ...enc.x, field: "rx" } }),
    ...(y === undefined ? {} : { y: { ...enc.y, field: "ry" } }),
  };
  const layers: Record<string, unknown>[] = [{
    data: { values: [{}] },
    transform,
    mark: x !== undefined && y !== undefined
      ? { type: "point", filled: true, size: 70, color: "#222", opacity: 1, clip: true }
      : { type: "rule", color: "#666", strokeDash: [5, 4], strokeWidth: 1.25, clip: true },
    encoding,
  }];
  if (r.label !== undefined) {
    const text = r.labelExpr === true
      ? checkExpression(`references[${k}].label`, r.label, sliders)
      : JSON.stringify(label(`references[${k}].label`, r.label));
    layers.push({
      data: { values: [{}] },
      transform,
      mark: {
        type: "text",
        text: { expr: text },
        align: "left",
        baseline: y === undefined ? "top" : "bottom",
        dx: 5,
        dy: y === undefined ? 4 : -5,
        fontSize: 11,
        color: "#222",
        clip: true,
      },
      encoding: {
        ...encoding,
        ...(x === undefined ? { x: { value: 4 } } : {}),
        ...(y === undefined ? { y: { value: 0 } } : {}),
      },
    });
  }
  return layers;
}

/**
 * A panel of curves given in closed form: each curve's y (and optionally x)
 * is a Vega expression in the sliders and a sampled variable, evaluated per
 * point in the browser whenever a slider moves. Good for formulas the
 * lessons derive: EMA and momentum weights α^(t−s)(1−α), bias corrections,
 * schedules η_t, contraction factors |1 − ηλ|, paths of gradient descent on
 * a quadratic in its eigenbasis.
 *
 * Each point's row is `{ series, x, y, i }` with `i` the sampled variable.
 * The expressions are checked here: a name that is neither a slider, nor
 * `datum`, nor a Vega constant is an error (write `datum.t`, not `t`).
 *
 * @param sliders The sliders the expressions use.
 * @param options The sampled variable, the curves and how to draw them; see
 *   {@link ClosedFormPanelOptions}.
 * @returns The panel, for `explorable`.
 * @throws {TypeError|RangeError} for a bad option or an expression that does
 *   not parse or names an unknown variable.
 *
 * @example Step decay with sliders for γ and K
 * ```ts
 * import { closedFormPanel, explorable, explorableData, stepDecay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const gamma = { name: "gamma", label: "γ", min: 0.1, max: 0.9, step: 0.1, value: 0.5 };
 * const K = { name: "K", min: 5, max: 50, step: 5, value: 20 };
 * const panel = closedFormPanel([gamma, K], {
 *   variable: { name: "t", from: 0, to: 99 },
 *   curves: [{ name: "StepLR", y: "pow(gamma, floor(datum.t / K))" }],
 *   xLabel: "step t",
 *   yLabel: "η_t",
 *   yDomain: [0, 1],
 * });
 * const fig = await explorable(panel);
 * const [{ StepLR }] = await explorableData(fig, { gamma: 0.3, K: 10 });
 * const lib = stepDecay({ lr: 1, gamma: 0.3, stepSize: 10 });
 * StepLR.y.forEach((eta, t) => assert.ok(Math.abs(eta - lib(t)) < 1e-12));
 * assert.throws(
 *   () =>
 *     closedFormPanel([gamma], {
 *       variable: { name: "t", from: 0, to: 9 },
 *       curves: [{ name: "a", y: "gamma * t" }], // t instead of datum.t
 *     }),
 *   /datum\.t/,
 * );
 * ```
 */
export function closedFormPanel(
  sliders: readonly Slider[],
  options: ClosedFormPanelOptions,
): ExplorablePanel {
  const checked = checkSliders("sliders", sliders);
  if (options === null || typeof options !== "object") {
    throw new TypeError(`\`closedFormPanel\` options must be an object, got ${show(options)}`);
  }
  knownKeys("closedFormPanel", options, KEYS);
  const variable = checkVariable(options.variable);
  if (variable.name.startsWith("__")) {
    throw new RangeError(
      `\`variable.name\` must not start with __ (the panel's own fields do), got ${
        show(variable.name)
      }`,
    );
  }
  const mark = options.mark ?? "line";
  if (!["line", "path", "stem", "point"].includes(mark)) {
    throw new RangeError(`\`mark\` must be "line", "path", "stem" or "point", got ${show(mark)}`);
  }
  const curves = options.curves;
  if (!Array.isArray(curves) || curves.length === 0) {
    throw new RangeError(
      `\`curves\` must be a non-empty array of { name, y, x? }, got ${show(curves)}`,
    );
  }
  const names = new Set<string>();
  const checkedCurves = curves.map((c, k) => {
    if (c === null || typeof c !== "object") {
      throw new TypeError(`\`curves[${k}]\` must be an object { name, y, x? }, got ${show(c)}`);
    }
    const name = label(`curves[${k}].name`, c.name);
    if (names.has(name)) throw new RangeError(`\`curves\` has two curves named ${show(name)}`);
    names.add(name);
    return {
      name,
      y: checkExpression(`curves[${k}].y`, c.y, checked),
      x: c.x === undefined
        ? `datum.${variable.name}`
        : checkExpression(`curves[${k}].x`, c.x, checked),
    };
  });
  const where = options.where === undefined
    ? undefined
    : checkExpression("where", options.where, checked);
  const xScale = scaleType("xScale", options.xScale);
  const yScale = scaleType("yScale", options.yScale);
  const surface = options.surface;
  const xDomain = domainOption("xDomain", options.xDomain) ??
    (surface ? domainOption("surface.xDomain", surface.xDomain) : undefined);
  const yDomain = domainOption("yDomain", options.yDomain) ??
    (surface ? domainOption("surface.yDomain", surface.yDomain) : undefined);
  const width = pixels("width", options.width, 360, 50);
  const height = pixels(
    "height",
    options.height,
    surface ? equalScaleHeight(width, xDomain, yDomain, 480) : 240,
    50,
  );
  const xLabel = optionalText("xLabel", options.xLabel) ?? variable.name;
  const yLabel = optionalText("yLabel", options.yLabel) ?? "value";
  const title = optionalText("title", options.title);

  const enc = panelAxes(xLabel, yLabel, { xScale, yScale }, xDomain, yDomain);
  const color = panelSeriesChannel(checkedCurves.map((c) => c.name), checkedCurves.length > 1);
  const tooltip = [
    { field: "series", type: "nominal", title: "curve" },
    { field: "i", type: "quantitative", title: variable.name, format: "~g" },
    { field: "x", type: "quantitative", title: xLabel, format: ".4~g" },
    { field: "y", type: "quantitative", title: yLabel, format: ".4~g" },
  ];

  const layers: Record<string, unknown>[] = [];
  if (surface !== undefined) layers.push(...contourLayers(surface, xDomain!, yDomain!, enc));
  for (const c of checkedCurves) {
    // Both expressions see the sampled row as it is, whatever the variable is called.
    const transform = [
      ...(where === undefined ? [] : [{ filter: where }]),
      { calculate: c.y, as: "__y" },
      { calculate: c.x, as: "__x" },
      { calculate: `datum.${variable.name}`, as: "i" },
      { calculate: "datum.__x", as: "x" },
      { calculate: "datum.__y", as: "y" },
      { calculate: JSON.stringify(c.name), as: "series" },
    ];
    const position = { ...enc, color };
    if (mark === "line" || mark === "path") {
      layers.push({
        transform,
        mark: { type: "line", clip: true, strokeWidth: mark === "path" ? 1.5 : 2 },
        encoding: { ...position, order: { field: "i", type: "quantitative" } },
      });
    }
    if (mark === "path" || mark === "point") {
      layers.push({
        transform,
        mark: {
          type: "point",
          filled: true,
          size: mark === "path" ? 20 : 36,
          opacity: 1,
          clip: true,
        },
        encoding: { ...position, tooltip },
      });
    }
    if (mark === "stem") {
      layers.push(
        {
          transform,
          mark: { type: "rule", strokeWidth: 1.5, clip: true },
          encoding: { ...position, y2: { datum: 0 } },
        },
        {
          transform,
          mark: { type: "point", filled: true, size: 30, opacity: 1, clip: true },
          encoding: { ...position, tooltip },
        },
      );
    }
  }
  const references = options.references ?? [];
  if (!Array.isArray(references)) {
    throw new TypeError(`\`references\` must be an array, got ${show(references)}`);
  }
  references.forEach((r, k) => layers.push(...referenceLayers(r, k, checked, enc)));

  const spec = {
    ...titleEntry(title),
    width,
    height,
    data: {
      sequence: {
        start: variable.from,
        stop: variable.to + variable.step / 2,
        step: variable.step,
        as: variable.name,
      },
    },
    layer: layers,
    ...(surface === undefined ? {} : { resolve: { scale: { color: "independent" } } }),
  } as unknown as VegaLiteSpec;
  return Object.freeze({ spec, sliders: checked });
}
