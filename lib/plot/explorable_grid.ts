/**
 * Grid panels for explorables: runs precomputed in the notebook for every
 * combination of slider values, of which the browser shows the one the
 * sliders point at.
 *
 * @module
 */

import type { ChartOptions, DomainOptions, ScaleOptions } from "./axes.ts";
import { knownKeys, show } from "../_validate.ts";
import {
  checkSeries,
  compact,
  equalScaleHeight,
  maxPointsOption,
  optionalText,
  pixels,
  pointOptions,
  precisionOption,
  preparePoints,
  type SeriesInput,
  widen,
} from "./_data.ts";
import {
  contourLayers,
  domainOption,
  gridField,
  panelAxes,
  panelSeriesChannel,
} from "./_explorable.ts";
import { titleEntry } from "./_spec.ts";
import type { ExplorablePanel } from "./explorable.ts";
import { checkSliders, type Slider, sliderValues } from "./sliders.ts";
import type { VegaLiteSpec } from "./figure.ts";
import type { Surface, SurfaceBackground, Trajectory } from "./surface.ts";

/** The slider values of one grid point, by slider name. */
export type SliderValues = Readonly<Record<string, number>>;

/**
 * Every combination of the sliders' values, the first slider varying
 * slowest: the points at which a grid panel runs.
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

const MAX_GRID_POINTS = 5000;

/** Keeps the rows whose grid values are the sliders' current values. */
function gridFilters(sliders: readonly Required<Slider>[]): Record<string, unknown>[] {
  return sliders.map((s) => ({
    filter: `abs(datum.${gridField(s)} - ${s.name}) < ${s.step / 2}`,
  }));
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

function gridKey(sliders: readonly Required<Slider>[], values: SliderValues) {
  return Object.fromEntries(sliders.map((s) => [gridField(s), values[s.name]]));
}

/** Options of {@link gridLinesPanel}. */
export interface GridLinesPanelOptions extends ChartOptions, ScaleOptions, DomainOptions {
  /**
   * Most points kept per series and grid point (min/max thinning keeps spikes).
   * @default {200}
   */
  maxPoints?: number;
  /**
   * Significant digits kept of each y value (x values keep two more).
   * @default {4}
   */
  precision?: number;
  /**
   * Names of series drawn dashed, e.g. a bound or a reference curve.
   * @default {[]}
   */
  dashed?: readonly string[];
}

const LINE_KEYS = [
  "title",
  "xLabel",
  "yLabel",
  "xScale",
  "yScale",
  "xDomain",
  "yDomain",
  "maxPoints",
  "precision",
  "dashed",
  "width",
  "height",
];

/**
 * A panel of curves precomputed for every setting of the sliders: `run` is
 * called once per grid point (see {@link sliderGrid}) and returns the series
 * to draw there, e.g. loss curves of an optimizer for a grid of β₁ and β₂.
 * The browser shows the series of the current setting; the axes stay fixed
 * over all settings.
 *
 * Each grid point's series is stored once, as arrays (rounded to
 * `precision` digits and thinned to `maxPoints`); keep the grid coarse so
 * the figure stays small (`explorable` enforces a byte budget).
 *
 * @param sliders The sliders that span the grid.
 * @param run The series for one setting: `[{ name, y, x? }, …]` or `{ name: y, … }`,
 *   the same names at every grid point. `x` defaults to 0, 1, 2, ….
 * @param options See {@link GridLinesPanelOptions}.
 * @returns The panel, for `explorable`.
 * @throws {TypeError|RangeError} for bad options, or when runs at two grid
 *   points name their series differently.
 *
 * @example Losses of gradient descent on E(w) = ½λw² for a grid of η
 * ```ts
 * import { explorable, explorableData, gridLinesPanel } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const eta = { name: "eta", label: "η", min: 0.1, max: 1.9, step: 0.2, value: 0.5 };
 * const loss = (lr: number) => Array.from({ length: 30 }, (_, t) => 0.5 * (1 - lr) ** (2 * t));
 * const fig = await explorable(
 *   gridLinesPanel([eta], ({ eta }) => ({ loss: loss(eta) }), { yScale: "log" }),
 * );
 * const [{ loss: shown }] = await explorableData(fig, { eta: 0.9 });
 * shown.y.forEach((y, t) => assert.ok(Math.abs(y - loss(0.9)[t]) <= 1e-3 * loss(0.9)[t]));
 * ```
 */
export function gridLinesPanel(
  sliders: readonly Slider[],
  run: (values: SliderValues) => SeriesInput,
  options: GridLinesPanelOptions = {},
): ExplorablePanel {
  const checked = checkSliders("sliders", sliders);
  if (typeof run !== "function") {
    throw new TypeError(`\`run\` must be a function (values) => series, got ${show(run)}`);
  }
  knownKeys("gridLinesPanel", options, LINE_KEYS);
  const points = pointOptions(options, 200);
  const { xScale, yScale } = points;
  let names: string[] | undefined;
  const allX: number[] = [];
  const allY: number[] = [];
  let implicitX = true;
  const rows = sliderGrid(checked).flatMap((values) => {
    const series = checkSeries("run(…)", run(values)).map((s) => preparePoints(s, points));
    const these = series.map((s) => s.name);
    if (names === undefined) names = these;
    else if (these.join("\u0000") !== names.join("\u0000")) {
      throw new RangeError(
        `\`run\` must return the same series at every grid point: ${
          JSON.stringify(names)
        } at the first, ${JSON.stringify(these)} at ${JSON.stringify(values)}`,
      );
    }
    return series.map((s) => {
      allX.push(...s.x);
      allY.push(...s.y);
      if (!s.x.every((x, k) => x === k)) implicitX = false;
      return { ...gridKey(checked, values), series: s.name, x: s.x, y: s.y };
    });
  });
  if (implicitX) { for (const row of rows) delete (row as { x?: unknown }).x; }
  const xDomain = domainOption("xDomain", options.xDomain) ?? extent(allX, xScale === "log");
  const yDomain = domainOption("yDomain", options.yDomain) ?? extent(allY, yScale === "log");
  const xLabel = optionalText("xLabel", options.xLabel) ?? "step";
  const yLabel = optionalText("yLabel", options.yLabel) ?? "value";
  const title = optionalText("title", options.title);
  const dashed = options.dashed ?? [];
  if (!Array.isArray(dashed)) {
    throw new TypeError(`\`dashed\` must be an array of series names, got ${show(dashed)}`);
  }
  for (const name of dashed) {
    if (!names!.includes(name)) {
      throw new RangeError(
        `\`dashed\` names ${show(name)}, which is not a series; series: ${names!.join(", ")}`,
      );
    }
  }
  const transform = [
    ...gridFilters(checked),
    ...(implicitX
      ? [
        { flatten: ["y"] },
        { window: [{ op: "row_number", as: "i" }], groupby: ["series"] },
        { calculate: "datum.i - 1", as: "i" },
        { calculate: "datum.i", as: "x" },
      ]
      : [{ flatten: ["x", "y"] }, { calculate: "datum.x", as: "i" }]),
  ];
  const spec = {
    ...titleEntry(title),
    width: pixels("width", options.width, 360, 50),
    height: pixels("height", options.height, 240, 50),
    data: { values: rows },
    transform,
    mark: { type: "line", clip: true, strokeWidth: 2 },
    encoding: {
      ...panelAxes(xLabel, yLabel, { xScale, yScale }, xDomain, yDomain),
      color: panelSeriesChannel(names, names!.length > 1),
      ...(dashed.length === 0 ? {} : {
        strokeDash: panelSeriesChannel(
          names,
          names!.length > 1,
          names!.map((n) => dashed.includes(n) ? [6, 4] : [1, 0]),
        ),
      }),
      order: { field: "i", type: "quantitative" },
    },
  } as unknown as VegaLiteSpec;
  return Object.freeze({ spec, sliders: checked });
}

/** Options of {@link gridSurfacePanel}. */
export interface GridSurfacePanelOptions extends ChartOptions, DomainOptions {
  /**
   * The contour levels, or their number.
   * @default {12}
   */
  levels?: number | readonly number[];
  /**
   * Grid points per axis at which f is sampled for the contours.
   * @default {48}
   */
  resolution?: number;
  /**
   * Significant digits kept of each coordinate.
   * @default {4}
   */
  precision?: number;
  /**
   * Most iterates kept per path and grid point; longer paths are cut there.
   * @default {200}
   */
  maxSteps?: number;
}

const SURFACE_KEYS = [
  "xDomain",
  "yDomain",
  "levels",
  "resolution",
  "title",
  "xLabel",
  "yLabel",
  "precision",
  "maxSteps",
  "width",
  "height",
];

function pathOf(t: Trajectory, where: string): { name: string; x: number[]; y: number[] } {
  if (t === null || typeof t !== "object" || typeof t.name !== "string" || t.name.length === 0) {
    throw new TypeError(
      `\`${where}\` must be a path { name, points } or { name, x, y }, got ${show(t)}`,
    );
  }
  let x: number[];
  let y: number[];
  if (t.points !== undefined) {
    const pts = Array.from(t.points, (p) => Array.from(p));
    pts.forEach((p, k) => {
      if (p.length !== 2) {
        throw new RangeError(
          `\`${where}.points[${k}]\` must have length 2, got length ${p.length}`,
        );
      }
    });
    x = pts.map((p) => p[0]);
    y = pts.map((p) => p[1]);
  } else {
    x = Array.from(t.x ?? []);
    y = Array.from(t.y ?? []);
    if (x.length !== y.length) {
      throw new RangeError(
        `\`${where}.y\` must have the same length as \`${where}.x\` (${x.length}), got length ${y.length}`,
      );
    }
  }
  if (x.length === 0) throw new RangeError(`\`${where}\` must have at least one point, got none`);
  return { name: t.name, x, y };
}

/**
 * A panel of optimizer paths over the contours of a 2-D loss, precomputed
 * for every setting of the sliders: `run` is called once per grid point (see
 * {@link sliderGrid}) and returns the paths there, e.g. momentum's path on
 * an ill-conditioned quadratic for a grid of η and α. The browser shows the
 * paths of the current setting over fixed contours.
 *
 * Each point's row is `{ series, x, y, i }` with `i` the step. A path leaves
 * the picture when it diverges (its points are clipped), and a run stops at
 * its first non-finite iterate.
 *
 * @param f The loss of two parameters, for the contours.
 * @param sliders The sliders that span the grid.
 * @param run The paths for one setting (`[{ name, points }, …]`, as for
 *   `lossSurface`), the same names at every grid point.
 * @param options See {@link GridSurfacePanelOptions}.
 * @returns The panel, for `explorable`.
 * @throws {TypeError|RangeError} for bad options or paths.
 *
 * @example Gradient descent on an elongated bowl, for a grid of η
 * ```ts
 * import { explorable, explorableData, gridSurfacePanel } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const f = (a: number, b: number) => 0.1 * a * a + 2 * b * b;
 * const path = (lr: number) => {
 *   const points = [[-5, -2]];
 *   for (let t = 0; t < 20; t++) {
 *     const [a, b] = points[t];
 *     points.push([a - lr * 0.2 * a, b - lr * 4 * b]);
 *   }
 *   return points;
 * };
 * const eta = { name: "eta", label: "η", min: 0.1, max: 0.4, step: 0.1, value: 0.4 };
 * const fig = await explorable(
 *   gridSurfacePanel(f, [eta], ({ eta }) => [{ name: "gd", points: path(eta) }], {
 *     xDomain: [-6, 1],
 *     yDomain: [-3, 3],
 *   }),
 * );
 * const [{ gd }] = await explorableData(fig, { eta: 0.2 });
 * assert.equal(gd.x.length, 21);
 * gd.x.forEach((x, t) => assert.ok(Math.abs(x - path(0.2)[t][0]) < 1e-3));
 * ```
 */
export function gridSurfacePanel(
  f: Surface,
  sliders: readonly Slider[],
  run: (values: SliderValues) => readonly Trajectory[],
  options: GridSurfacePanelOptions = {},
): ExplorablePanel {
  if (typeof f !== "function") {
    throw new TypeError(`\`f\` must be a function (w1, w2) => number, got ${show(f)}`);
  }
  const checked = checkSliders("sliders", sliders);
  if (typeof run !== "function") {
    throw new TypeError(`\`run\` must be a function (values) => paths, got ${show(run)}`);
  }
  knownKeys("gridSurfacePanel", options, SURFACE_KEYS);
  const digits = precisionOption(options.precision);
  const maxSteps = maxPointsOption(options.maxSteps, 200);
  let names: string[] | undefined;
  let defaultPaths: { x: number[]; y: number[] }[] = [];
  const defaults = Object.fromEntries(checked.map((s) => [s.name, s.value]));
  const rows = sliderGrid(checked).flatMap((values) => {
    const paths = run(values);
    if (!Array.isArray(paths) || paths.length === 0) {
      throw new TypeError(
        `\`run\` must return a non-empty array of paths, got ${show(paths)} at ${
          JSON.stringify(values)
        }`,
      );
    }
    const checkedPaths = paths.map((t, k) => pathOf(t, `run(…)[${k}]`));
    const these = checkedPaths.map((p) => p.name);
    if (names === undefined) {
      names = these;
      if (new Set(these).size !== these.length) {
        throw new RangeError(
          `\`run\` returned two paths with the same name: ${JSON.stringify(these)}`,
        );
      }
    } else if (these.join("\u0000") !== names.join("\u0000")) {
      throw new RangeError(
        `\`run\` must return the same paths at every grid point: ${
          JSON.stringify(names)
        } at the first, ${JSON.stringify(these)} at ${JSON.stringify(values)}`,
      );
    }
    const isDefault = checked.every((s) =>
      Math.abs(values[s.name] - defaults[s.name]) < s.step / 2
    );
    return checkedPaths.map((p) => {
      let n = Math.min(p.x.length, maxSteps);
      for (let k = 0; k < n; k++) {
        if (!Number.isFinite(p.x[k]) || !Number.isFinite(p.y[k])) {
          n = k;
          break;
        }
      }
      const x = p.x.slice(0, n).map((v) => compact(v, digits));
      const y = p.y.slice(0, n).map((v) => compact(v, digits));
      if (isDefault) defaultPaths.push({ x, y });
      return { ...gridKey(checked, values), series: p.name, x, y };
    });
  });
  const pad = (d: [number, number] | undefined) => d === undefined ? undefined : widen(d);
  const xDomain = domainOption("xDomain", options.xDomain) ??
    pad(extent(defaultPaths.flatMap((p) => p.x), false));
  const yDomain = domainOption("yDomain", options.yDomain) ??
    pad(extent(defaultPaths.flatMap((p) => p.y), false));
  defaultPaths = [];
  if (xDomain === undefined || yDomain === undefined) {
    throw new RangeError(
      "`xDomain` and `yDomain` are needed: the default setting has no finite point",
    );
  }
  const xLabel = optionalText("xLabel", options.xLabel) ?? "w₁";
  const yLabel = optionalText("yLabel", options.yLabel) ?? "w₂";
  const title = optionalText("title", options.title);
  const width = pixels("width", options.width, 360, 50);
  const height = pixels(
    "height",
    options.height,
    equalScaleHeight(width, xDomain, yDomain, 480),
    50,
  );
  const enc = panelAxes(xLabel, yLabel, { xScale: "linear", yScale: "linear" }, xDomain, yDomain);
  const surface: SurfaceBackground = {
    f,
    xDomain,
    yDomain,
    ...(options.levels === undefined ? {} : { levels: options.levels }),
    ...(options.resolution === undefined ? {} : { resolution: options.resolution }),
  };
  const color = panelSeriesChannel(names, true);
  const pathLayer = {
    data: { values: rows },
    transform: [
      ...gridFilters(checked),
      { flatten: ["x", "y"] },
      { window: [{ op: "row_number", as: "i" }], groupby: ["series"] },
      { calculate: "datum.i - 1", as: "i" },
    ],
    layer: [
      {
        mark: { type: "line", clip: true, strokeWidth: 1.75 },
        encoding: { ...enc, color, order: { field: "i", type: "quantitative" } },
      },
      {
        mark: { type: "point", clip: true, filled: true, size: 18, opacity: 1 },
        encoding: {
          ...enc,
          color,
          tooltip: [
            { field: "series", type: "nominal", title: "run" },
            { field: "i", type: "quantitative", title: "step" },
            { field: "x", type: "quantitative", title: xLabel, format: ".4~g" },
            { field: "y", type: "quantitative", title: yLabel, format: ".4~g" },
          ],
        },
      },
    ],
  };
  const spec = {
    ...titleEntry(title),
    width,
    height,
    layer: [...contourLayers(surface, xDomain, yDomain, enc), pathLayer],
    resolve: { scale: { color: "independent" } },
  } as unknown as VegaLiteSpec;
  return Object.freeze({ spec, sliders: checked });
}
