/**
 * The two data sources of an explorable: what a chart preset (`lineChartSpec`,
 * `lossSurfaceSpec`) draws when the data depend on sliders.
 *
 * - {@link closedForm}: curves written as Vega expressions in the sliders and
 *   a sampled variable, evaluated point by point in the browser;
 * - {@link precomputed}: runs computed in the notebook once per setting of the
 *   sliders (see {@link sliderGrid}); the browser keeps the run the sliders
 *   point at with a filter on the slider values.
 *
 * Either way a source becomes the chart's `data` and `transform`, ending in
 * rows `{ series, i, x, y }` (`i` is the point's place along its curve), so a
 * chart preset draws both the same way and `explorableData` reads both back.
 *
 * @module
 */

import { knownKeys, show } from "../_validate.ts";
import {
  checkSeries,
  compact,
  label,
  maxPointsOption,
  precisionOption,
  preparePoints,
  type ScaleType,
  type SeriesInput,
} from "./_data.ts";
import { checkExpression, checkSliders, type Slider, sliderValues } from "./sliders.ts";

/** The slider values of one grid point, by slider name. */
export type SliderValues = Readonly<Record<string, number>>;

/** The variable a closed form samples: `datum.<name>` runs from `from` to `to`. */
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
 * One curve of a closed form. `y` (and `x`, for a parametric curve such as a
 * path in the plane) are Vega expressions in the sliders (bare names, e.g.
 * `alpha`) and the sampled variable (`datum.t`), for instance
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

/** Options of {@link closedForm}. */
export interface ClosedFormOptions {
  /** The sampled variable. */
  variable: SampledVariable;
  /** The curves, at least one. */
  curves: readonly ClosedFormCurve[];
  /**
   * A Vega expression that keeps only some samples, e.g. `"datum.s <= t"`
   * when the range itself depends on a slider.
   * @default {all samples}
   */
  where?: string;
}

/** Options of {@link precomputed}. */
export interface PrecomputedOptions {
  /**
   * Most points kept per series and grid point: a line chart thins longer
   * series (keeping each stretch's smallest and largest value), a surface cuts
   * longer paths there.
   * @default {200}
   */
  maxPoints?: number;
  /**
   * Significant digits kept of each value (a line's x values keep two more).
   * @default {4}
   */
  precision?: number;
}

/**
 * What one setting of the sliders draws, for {@link precomputed}: series
 * `[{ name, y, x? }, …]` or `{ name: y, … }` (lines; `x` defaults to
 * 0, 1, 2, …), or paths in the plane `[{ name, points: [[w₁, w₂], …] }, …]`.
 */
export type RunOutput =
  | SeriesInput
  | readonly { name: string; points: ArrayLike<ArrayLike<number>> }[];

/**
 * A data source that depends on sliders, from {@link closedForm} or
 * {@link precomputed}; give it to a chart preset in place of its data.
 */
export interface DataSource {
  /** Which source this is. */
  readonly kind: "closedForm" | "precomputed";
  /** The sliders the data depend on. */
  readonly sliders: readonly Required<Slider>[];
  /** The series names, in order. */
  readonly names: readonly string[];
  /** The name of `i` in tooltips: the sampled variable, or "step". */
  readonly index: string;
}

interface ClosedFormSource extends DataSource {
  readonly kind: "closedForm";
  readonly variable: Required<SampledVariable>;
  readonly curves: readonly { name: string; x: string; y: string }[];
  readonly where?: string;
}

interface PrecomputedSource extends DataSource {
  readonly kind: "precomputed";
  readonly runs: readonly {
    values: SliderValues;
    series: readonly { name: string; x: number[]; y: number[]; implicitX: boolean }[];
  }[];
  readonly maxPoints: number;
  readonly digits: number;
}

const MAX_SAMPLES = 5000;
const MAX_GRID_POINTS = 5000;

/** Whether `value` is a data source from {@link closedForm} or {@link precomputed}. */
export function isDataSource(value: unknown): value is DataSource {
  return value !== null && typeof value === "object" && SOURCES.has(value);
}

const SOURCES = new WeakSet<object>();

function checkVariable(value: unknown): Required<SampledVariable> {
  if (value === null || typeof value !== "object") {
    throw new TypeError(
      `\`variable\` must be an object { name, from, to, step? }, got ${show(value)}`,
    );
  }
  knownKeys("variable", value, ["name", "from", "to", "step"]);
  const { name, from, to, step = 1 } = value as SampledVariable;
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new TypeError(`\`variable.name\` must be an identifier, got ${show(name)}`);
  }
  if (name.startsWith("__")) {
    throw new RangeError(
      `\`variable.name\` must not start with __ (the source's own fields do), got ${show(name)}`,
    );
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

/**
 * A closed-form data source: each curve's y (and optionally x) is a Vega
 * expression in the sliders and a sampled variable, evaluated per point in
 * the browser whenever a slider moves. Good for formulas the lessons derive:
 * EMA and momentum weights α^(t−s)(1−α), bias corrections, schedules η_t,
 * contraction factors |1 − ηλ|, paths of gradient descent on a quadratic in
 * its eigenbasis.
 *
 * Each point's row is `{ series, x, y, i }` with `i` the sampled variable.
 * The expressions are checked here: a name that is neither a slider, nor
 * `datum`, nor a Vega constant is an error (write `datum.t`, not `t`).
 *
 * @param sliders The sliders the expressions use.
 * @param options The sampled variable, the curves and which samples to keep;
 *   see {@link ClosedFormOptions}.
 * @returns The source, for `lineChartSpec` or `lossSurfaceSpec`.
 * @throws {TypeError|RangeError} for a bad option or an expression that does
 *   not parse or names an unknown variable.
 *
 * @example Step decay with sliders for γ and K
 * ```ts
 * import { closedForm, explorable, explorableData, lineChartSpec, stepDecay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const gamma = { name: "gamma", label: "γ", min: 0.1, max: 0.9, step: 0.1, value: 0.5 };
 * const K = { name: "K", min: 5, max: 50, step: 5, value: 20 };
 * const schedule = closedForm([gamma, K], {
 *   variable: { name: "t", from: 0, to: 99 },
 *   curves: [{ name: "StepLR", y: "pow(gamma, floor(datum.t / K))" }],
 * });
 * const fig = await explorable(
 *   lineChartSpec(schedule, { xLabel: "step t", yLabel: "η_t", yDomain: [0, 1] }),
 * );
 * const [{ StepLR }] = await explorableData(fig, { gamma: 0.3, K: 10 });
 * const lib = stepDecay({ lr: 1, gamma: 0.3, stepSize: 10 });
 * StepLR.y.forEach((eta, t) => assert.ok(Math.abs(eta - lib(t)) < 1e-12));
 * assert.throws(
 *   () =>
 *     closedForm([gamma], {
 *       variable: { name: "t", from: 0, to: 9 },
 *       curves: [{ name: "a", y: "gamma * t" }], // t instead of datum.t
 *     }),
 *   /datum\.t/,
 * );
 * ```
 */
export function closedForm(sliders: readonly Slider[], options: ClosedFormOptions): DataSource {
  const checked = checkSliders("sliders", sliders);
  if (options === null || typeof options !== "object") {
    throw new TypeError(`\`closedForm\` options must be an object, got ${show(options)}`);
  }
  knownKeys("closedForm", options, ["variable", "curves", "where"]);
  const variable = checkVariable(options.variable);
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
    knownKeys(`curves[${k}]`, c, ["name", "y", "x"]);
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
  const source: ClosedFormSource = {
    kind: "closedForm",
    sliders: checked,
    names: [...names],
    index: variable.name,
    variable,
    curves: checkedCurves,
    ...(where === undefined ? {} : { where }),
  };
  return remember(source);
}

function remember<T extends DataSource>(source: T): T {
  const frozen = Object.freeze(source);
  SOURCES.add(frozen);
  return frozen;
}

/**
 * Every combination of the sliders' values, the first slider varying
 * slowest: the settings at which {@link precomputed} runs.
 *
 * @param sliders The sliders.
 * @returns One object `{ [name]: value }` per grid point.
 * @throws {RangeError} when the grid has more than 5000 points.
 *
 * @example
 * ```ts
 * import { sliderGrid } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const grid = sliderGrid([
 *   { name: "eta", min: 0.1, max: 0.2, step: 0.1, value: 0.1 },
 *   { name: "alpha", min: 0, max: 0.5, step: 0.5, value: 0.5 },
 * ]);
 * assert.deepEqual(grid, [
 *   { eta: 0.1, alpha: 0 },
 *   { eta: 0.1, alpha: 0.5 },
 *   { eta: 0.2, alpha: 0 },
 *   { eta: 0.2, alpha: 0.5 },
 * ]);
 * ```
 */
export function sliderGrid(sliders: readonly Slider[]): SliderValues[] {
  const checked = checkSliders("sliders", sliders);
  const axes = checked.map((s) => sliderValues(s));
  const total = axes.reduce((n, a) => n * a.length, 1);
  if (total > MAX_GRID_POINTS) {
    throw new RangeError(
      `\`sliders\` must span at most ${MAX_GRID_POINTS} grid points, got ${total} (${
        axes.map((a) => a.length).join(" × ")
      }); use larger steps`,
    );
  }
  let points: Record<string, number>[] = [{}];
  checked.forEach((s, k) => {
    points = points.flatMap((p) => axes[k].map((v) => ({ ...p, [s.name]: v })));
  });
  return points;
}

/** The series of one run: lines or paths, checked. */
function runSeries(
  out: unknown,
  at: SliderValues,
): { name: string; x: number[]; y: number[]; implicitX: boolean }[] {
  const where = `run(${JSON.stringify(at)})`;
  if (Array.isArray(out) && out.length > 0 && out.every((p) => p && "points" in p)) {
    return out.map((p, k) => {
      const name = label(`${where}[${k}].name`, p.name);
      knownKeys(`${where}[${k}]`, p, ["name", "points"]);
      const pts = Array.from(p.points as ArrayLike<ArrayLike<number>>, (q) => Array.from(q));
      pts.forEach((q, j) => {
        if (q.length !== 2) {
          throw new RangeError(
            `\`${where}[${k}].points[${j}]\` must have length 2, got length ${q.length}`,
          );
        }
      });
      if (pts.length === 0) {
        throw new RangeError(`\`${where}[${k}].points\` must have at least one point, got none`);
      }
      return { name, x: pts.map((q) => q[0]), y: pts.map((q) => q[1]), implicitX: false };
    });
  }
  return checkSeries(where, out).map((s) => ({
    name: s.name,
    x: s.x,
    y: s.y,
    implicitX: s.x.every((x, k) => x === k),
  }));
}

/**
 * A precomputed data source: `run` is called once per grid point of the
 * sliders (see {@link sliderGrid}) and returns what to draw there — loss
 * curves of an optimizer for a grid of β₁ and β₂, or its paths in the plane.
 * The browser shows the run of the current setting, picked by a filter on
 * the slider values; a chart's axes stay fixed over all settings.
 *
 * Each grid point's series is stored once, as arrays (rounded to
 * `precision` digits, thinned or cut to `maxPoints`); keep the grid coarse so
 * the figure stays small (`explorable` enforces a byte budget).
 *
 * @param sliders The sliders that span the grid.
 * @param run What one setting draws (see {@link RunOutput}), the same names at
 *   every grid point.
 * @param options See {@link PrecomputedOptions}.
 * @returns The source, for `lineChartSpec` (series) or `lossSurfaceSpec` (paths).
 * @throws {TypeError|RangeError} for bad options, or when runs at two grid
 *   points name their series differently.
 *
 * @example Losses of gradient descent on E(w) = ½λw² for a grid of η
 * ```ts
 * import { explorable, explorableData, lineChartSpec, precomputed } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const eta = { name: "eta", label: "η", min: 0.1, max: 1.9, step: 0.2, value: 0.5 };
 * const loss = (lr: number) => Array.from({ length: 30 }, (_, t) => 0.5 * (1 - lr) ** (2 * t));
 * const losses = precomputed([eta], ({ eta }) => ({ loss: loss(eta) }));
 * const fig = await explorable(lineChartSpec(losses, { yScale: "log" }));
 * const [{ loss: shown }] = await explorableData(fig, { eta: 0.9 });
 * shown.y.forEach((y, t) => assert.ok(Math.abs(y - loss(0.9)[t]) <= 1e-3 * loss(0.9)[t]));
 * ```
 *
 * @example Paths of gradient descent over a loss surface, one per η
 * ```ts
 * import { explorable, explorableData, lossSurfaceSpec, precomputed } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const f = (x: number, y: number) => 0.5 * (x * x + 10 * y * y);
 * const eta = { name: "eta", label: "η", min: 0.05, max: 0.15, step: 0.05, value: 0.1 };
 * const path = (lr: number) => {
 *   const points: [number, number][] = [[2, 1]];
 *   for (let t = 0; t < 20; t++) {
 *     const [x, y] = points[t];
 *     points.push([x - lr * x, y - lr * 10 * y]); // w ← w − η∇E(w)
 *   }
 *   return points;
 * };
 * const runs = precomputed([eta], ({ eta }) => [{ name: "gradient descent", points: path(eta) }]);
 * const fig = await explorable(
 *   lossSurfaceSpec(f, { xDomain: [-2.5, 2.5], yDomain: [-1.5, 1.5], trajectories: runs }),
 * );
 * const [{ "gradient descent": drawn }] = await explorableData(fig, { eta: 0.15 });
 * const [x, y] = path(0.15)[20];
 * assert.ok(Math.abs(drawn.x.at(-1)! - x) < 1e-3 && Math.abs(drawn.y.at(-1)! - y) < 1e-3);
 * // η = 0.15 overshoots along y (|1 − 10η| = 0.5): the path alternates sides
 * assert.ok(Math.sign(drawn.y[1]) === -Math.sign(drawn.y[0]));
 * ```
 */
export function precomputed(
  sliders: readonly Slider[],
  run: (values: SliderValues) => RunOutput,
  options: PrecomputedOptions = {},
): DataSource {
  const checked = checkSliders("sliders", sliders);
  if (typeof run !== "function") {
    throw new TypeError(`\`run\` must be a function (values) => series, got ${show(run)}`);
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(`\`precomputed\` options must be an object, got ${show(options)}`);
  }
  knownKeys("precomputed", options, ["maxPoints", "precision"]);
  const maxPoints = maxPointsOption(options.maxPoints, 200);
  const digits = precisionOption(options.precision);
  let names: string[] | undefined;
  const runs = sliderGrid(checked).map((values) => {
    const series = runSeries(run(values), values);
    const these = series.map((s) => s.name);
    if (names === undefined) {
      names = these;
      if (new Set(these).size !== these.length) {
        throw new RangeError(`\`run\` returned two series with the same name: ${show(these)}`);
      }
    } else if (these.join("\u0000") !== names.join("\u0000")) {
      throw new RangeError(
        `\`run\` must return the same series at every grid point: ${
          JSON.stringify(names)
        } at the first, ${JSON.stringify(these)} at ${JSON.stringify(values)}`,
      );
    }
    return { values, series };
  });
  const source: PrecomputedSource = {
    kind: "precomputed",
    sliders: checked,
    names: names!,
    index: "step",
    runs,
    maxPoints,
    digits,
  };
  return remember(source);
}

// ---------------------------------------------------------------------------
// How a chart preset turns a source into its data (internal to lib/plot).

/** A source as a chart's data: `data` + `transform` ending in rows `{ series, i, x, y }`. */
export interface SourceData {
  data: Record<string, unknown>;
  transform: Record<string, unknown>[];
  /** The extent of x and y over every setting (precomputed only). */
  xExtent?: [number, number];
  yExtent?: [number, number];
  /** The extent of x and y at the sliders' defaults (precomputed only). */
  defaultX?: [number, number];
  defaultY?: [number, number];
}

/** The field a precomputed row stores a slider's value under (no clash with `x`, `y`, …). */
function gridField(slider: Pick<Slider, "name">): string {
  return `p_${slider.name}`;
}

function extent(values: number[], log: boolean): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && !(v > 0))) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return undefined;
  if (lo === hi) return log ? [lo / 2, hi * 2] : [lo - 1, hi + 1];
  return [lo, hi];
}

/**
 * The chart data of a source. `shape` says how a precomputed run is kept:
 * `"lines"` drops what the scales cannot show and thins to `maxPoints`,
 * `"paths"` stops at the first non-finite point and cuts at `maxPoints`.
 */
export function sourceData(
  source: DataSource,
  shape: { kind: "lines" | "paths"; xScale: ScaleType; yScale: ScaleType },
): SourceData {
  if (source.kind === "closedForm") return closedFormData(source as ClosedFormSource);
  return precomputedData(source as PrecomputedSource, shape);
}

function closedFormData(s: ClosedFormSource): SourceData {
  const pick = (field: "x" | "y" | "name") =>
    s.curves.reduceRight(
      (rest, c, k) =>
        k === s.curves.length - 1
          ? (field === "name" ? JSON.stringify(c.name) : `(${c[field]})`)
          : `datum.__c == ${k} ? ${
            field === "name" ? JSON.stringify(c.name) : `(${c[field]})`
          } : ${rest}`,
      "",
    );
  const v = s.variable;
  return {
    data: { sequence: { start: v.from, stop: v.to + v.step / 2, step: v.step, as: v.name } },
    transform: [
      ...(s.where === undefined ? [] : [{ filter: s.where }]),
      // One row per sample and curve; both expressions see the sampled row as it is.
      { calculate: JSON.stringify(s.curves.map((_, k) => k)), as: "__c" },
      { flatten: ["__c"] },
      { calculate: pick("y"), as: "__y" },
      { calculate: pick("x"), as: "__x" },
      { calculate: `datum.${v.name}`, as: "i" },
      { calculate: "datum.__x", as: "x" },
      { calculate: "datum.__y", as: "y" },
      { calculate: pick("name"), as: "series" },
    ],
  };
}

function precomputedData(
  s: PrecomputedSource,
  shape: { kind: "lines" | "paths"; xScale: ScaleType; yScale: ScaleType },
): SourceData {
  const allX: number[] = [];
  const allY: number[] = [];
  const defX: number[] = [];
  const defY: number[] = [];
  let implicitX = shape.kind === "lines";
  const rows = s.runs.flatMap(({ values, series }) => {
    const isDefault = s.sliders.every((sl) => Math.abs(values[sl.name] - sl.value) < sl.step / 2);
    const key = Object.fromEntries(s.sliders.map((sl) => [gridField(sl), values[sl.name]]));
    return series.map((one) => {
      let x: number[];
      let y: number[];
      if (shape.kind === "lines") {
        const p = preparePoints(one, {
          xScale: shape.xScale,
          yScale: shape.yScale,
          maxPoints: s.maxPoints,
          digits: s.digits,
        });
        x = p.x;
        y = p.y;
        if (!(one.implicitX && p.dropped === 0 && x.every((v, k) => v === k))) implicitX = false;
      } else {
        let n = Math.min(one.x.length, s.maxPoints);
        for (let k = 0; k < n; k++) {
          if (!Number.isFinite(one.x[k]) || !Number.isFinite(one.y[k])) {
            n = k;
            break;
          }
        }
        x = one.x.slice(0, n).map((v) => compact(v, s.digits));
        y = one.y.slice(0, n).map((v) => compact(v, s.digits));
      }
      allX.push(...x);
      allY.push(...y);
      if (isDefault) {
        defX.push(...x);
        defY.push(...y);
      }
      return { ...key, series: one.name, x, y };
    });
  });
  if (implicitX) { for (const row of rows) delete (row as { x?: unknown }).x; }
  const filters = s.sliders.map((sl) => ({
    filter: `abs(datum.${gridField(sl)} - ${sl.name}) < ${sl.step / 2}`,
  }));
  const numbered = [
    { window: [{ op: "row_number", as: "i" }], groupby: ["series"] },
    { calculate: "datum.i - 1", as: "i" },
  ];
  const transform = [
    ...filters,
    ...(implicitX
      ? [{ flatten: ["y"] }, ...numbered, { calculate: "datum.i", as: "x" }]
      : shape.kind === "lines"
      ? [{ flatten: ["x", "y"] }, { calculate: "datum.x", as: "i" }]
      : [{ flatten: ["x", "y"] }, ...numbered]),
  ];
  const xLog = shape.xScale === "log";
  const yLog = shape.yScale === "log";
  return {
    data: { values: rows },
    transform,
    xExtent: extent(allX, xLog),
    yExtent: extent(allY, yLog),
    defaultX: extent(defX, xLog),
    defaultY: extent(defY, yLog),
  };
}
