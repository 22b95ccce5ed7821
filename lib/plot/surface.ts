/**
 * A 2-D loss surface (contour lines, optionally over a heatmap) with the paths
 * of one or more optimizers drawn over it.
 *
 * @module
 */

import type { ChartOptions, DomainOptions } from "./axes.ts";
import { knownKeys, show } from "../_validate.ts";
import { roundSignificant } from "../base/format.ts";
import { type ContourLine, contourLines, type Grid } from "./_contours.ts";
import {
  compact,
  equalScaleHeight,
  label,
  numbers,
  optionalText,
  pixels,
  precisionOption,
  seriesSummary,
  widen,
} from "./_data.ts";
import { titleEntry } from "./_spec.ts";
import { type DataSource, isDataSource, type SourceData, sourceData } from "./sources.ts";
import { plotlyFigure } from "./plotly.ts";
import { bottomLegend, PANEL_WIDTH, seriesColors } from "./theme.ts";
import { integer } from "../_validate.ts";
import {
  type Figure,
  figure,
  type PlotlyFigure,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./figure.ts";

/** A loss of two parameters, f(w₁, w₂). */
export type Surface = (w1: number, w2: number) => number;

/**
 * The iterates of one optimizer run in the plane: either `points`
 * (`[[w₁, w₂], …]`, for instance copies of a 2-parameter `Float64Array` taken
 * each step) or the coordinates `x` and `y` as two arrays.
 */
export interface Trajectory {
  /** The name shown in the legend, e.g. the optimizer's name. */
  name: string;
  /** The iterates w₀, w₁, … as pairs. */
  points?: ArrayLike<ArrayLike<number>>;
  /** The first coordinates (with `y`, instead of `points`). */
  x?: ArrayLike<number>;
  /** The second coordinates (with `x`, instead of `points`). */
  y?: ArrayLike<number>;
}

/** Options of {@link lossSurface} and {@link lossSurfaceSpec}. */
export interface LossSurfaceOptions extends ChartOptions, DomainOptions {
  /**
   * The paths to draw over the surface, or a data source of paths
   * (`closedForm` with `x` and `y` per curve, or `precomputed` runs returning
   * `[{ name, points }, …]`): the spec is then a panel for `explorable`, its
   * contours fixed and its paths following the sliders.
   * @default {[]}
   */
  trajectories?: readonly Trajectory[] | DataSource;
  /**
   * The contour levels: their number (placed at quantiles of the sampled
   * values, so contours are spread over the picture) or the levels themselves.
   * @default {12}
   */
  levels?: number | readonly number[];
  /**
   * Grid points per axis at which the surface is sampled for the contours.
   * @default {64; 48 over a data source}
   */
  resolution?: number;
  /**
   * Also colour the surface as a heatmap (on a coarser grid of at most 40 × 40 cells).
   * @default {false}
   */
  heatmap?: boolean;
  /**
   * Colour scale of the loss: `"log"` suits surfaces whose values span many
   * orders of magnitude; `"auto"` takes `"log"` when all levels are > 0 and
   * span more than a factor 100.
   * @default {"auto"}
   */
  colorScale?: "auto" | "linear" | "log";
  /**
   * The name of the surface's value, in the colour legend and tooltips.
   * @default {"loss"}
   */
  zLabel?: string;
  /**
   * Most points kept per trajectory (every k-th iterate plus the last).
   * @default {300}
   */
  maxPoints?: number;
  /**
   * Significant digits kept of coordinates and values.
   * @default {4}
   */
  precision?: number;
}

const KEYS = [
  "trajectories",
  "xDomain",
  "yDomain",
  "levels",
  "resolution",
  "heatmap",
  "colorScale",
  "title",
  "xLabel",
  "yLabel",
  "zLabel",
  "width",
  "height",
  "maxPoints",
  "precision",
];

interface Path {
  name: string;
  steps: number[];
  x: number[];
  y: number[];
  z: number[];
  total: number;
}

interface Prepared {
  grid: Grid;
  lines: ContourLine[];
  levels: number[];
  heat?: { grid: Grid; dx: number; dy: number };
  paths: Path[];
  /** The paths' source, in an explorable (then `paths` is empty). */
  source?: { source: DataSource; drawn: SourceData };
  logColor: boolean;
  title?: string;
  xLabel: string;
  yLabel: string;
  zLabel: string;
  width: number;
  height: number;
  xDomain: [number, number];
  yDomain: [number, number];
  digits: number;
}

function checkTrajectory(t: unknown, i: number): { name: string; x: number[]; y: number[] } {
  const name = `trajectories[${i}]`;
  if (t === null || typeof t !== "object") {
    throw new TypeError(
      `\`${name}\` must be an object { name, points } or { name, x, y }, got ${show(t)}`,
    );
  }
  const { name: n, points, x, y } = t as Trajectory;
  const tname = label(`${name}.name`, n);
  if (points !== undefined) {
    if (x !== undefined || y !== undefined) {
      throw new TypeError(`\`${name}\` must have either \`points\` or \`x\` and \`y\`, not both`);
    }
    if (points === null || typeof (points as ArrayLike<unknown>).length !== "number") {
      throw new TypeError(
        `\`${name}.points\` must be an array of [w1, w2] pairs, got ${show(points)}`,
      );
    }
    const xs: number[] = [];
    const ys: number[] = [];
    Array.from(points).forEach((p, k) => {
      const pair = numbers(`${name}.points[${k}]`, p, true);
      if (pair.length !== 2) {
        throw new RangeError(
          `\`${name}.points[${k}]\` must have length 2, got length ${pair.length}`,
        );
      }
      xs.push(pair[0]);
      ys.push(pair[1]);
    });
    return { name: tname, x: xs, y: ys };
  }
  const xs = numbers(`${name}.x`, x, true);
  const ys = numbers(`${name}.y`, y, true);
  if (xs.length !== ys.length) {
    throw new RangeError(
      `\`${name}.y\` must have the same length as \`${name}.x\` (${xs.length}), got length ${ys.length}`,
    );
  }
  return { name: tname, x: xs, y: ys };
}

function checkDomain(name: string, value: unknown): [number, number] | undefined {
  if (value === undefined) return undefined;
  const d = numbers(name, value, true);
  if (d.length !== 2 || !(d[0] < d[1])) {
    throw new RangeError(`\`${name}\` must be [min, max] with min < max, got ${JSON.stringify(d)}`);
  }
  return [d[0], d[1]];
}

function padded(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return widen([lo, hi]);
}

function sample(f: Surface, xd: [number, number], yd: [number, number], n: number, cells = false) {
  // `cells`: sample at the centres of n × n cells; else at n × n grid points including the corners.
  const at = (d: [number, number], k: number) =>
    cells ? d[0] + ((k + 0.5) * (d[1] - d[0])) / n : d[0] + (k * (d[1] - d[0])) / (n - 1);
  const xs = Array.from({ length: n }, (_, k) => at(xd, k));
  const ys = Array.from({ length: n }, (_, k) => at(yd, k));
  const z = ys.map((y) =>
    xs.map((x) => {
      const v = f(x, y);
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new RangeError(`\`f\` must return a finite number, got ${show(v)} at (${x}, ${y})`);
      }
      return v;
    })
  );
  return { xs, ys, z };
}

function quantileLevels(z: number[][], count: number, digits: number): number[] {
  const sorted = z.flat().sort((a, b) => a - b);
  const levels = new Set<number>();
  for (let k = 1; k <= count; k++) {
    const q = sorted[Math.min(sorted.length - 1, Math.floor((k / (count + 1)) * sorted.length))];
    levels.add(roundSignificant(q, Math.min(digits, 3)));
  }
  return [...levels].sort((a, b) => a - b);
}

function prepare(f: Surface, options: LossSurfaceOptions): Prepared {
  if (typeof f !== "function") {
    throw new TypeError(`\`f\` must be a function (w1, w2) => number, got ${show(f)}`);
  }
  knownKeys("lossSurface", options, KEYS);
  const digits = precisionOption(options.precision);
  const trajectories = options.trajectories ?? [];
  const source = isDataSource(trajectories)
    ? {
      source: trajectories,
      drawn: sourceData(trajectories, { kind: "paths", xScale: "linear", yScale: "linear" }),
    }
    : undefined;
  if (!source && !Array.isArray(trajectories)) {
    throw new TypeError(
      `\`trajectories\` must be an array or a data source, got ${show(trajectories)}`,
    );
  }
  const checked = source ? [] : (trajectories as readonly Trajectory[]).map(checkTrajectory);
  const names = new Set<string>();
  for (const t of checked) {
    if (names.has(t.name)) {
      throw new RangeError(`\`trajectories\` has two paths named ${show(t.name)}`);
    }
    names.add(t.name);
  }
  const allX = checked.flatMap((t) => t.x);
  const allY = checked.flatMap((t) => t.y);
  // Over a source, the paths at the sliders' defaults set the domains.
  const fit = (all: number[], atDefault: [number, number] | undefined) =>
    source ? (atDefault && widen(atDefault)) : all.length ? padded(all) : undefined;
  const xDomain = checkDomain("xDomain", options.xDomain) ?? fit(allX, source?.drawn.defaultX);
  const yDomain = checkDomain("yDomain", options.yDomain) ?? fit(allY, source?.drawn.defaultY);
  if (!xDomain || !yDomain) {
    throw new RangeError(
      source
        ? "`xDomain` and `yDomain` are needed: the default setting has no finite point"
        : "`xDomain` and `yDomain` are required when there are no trajectories",
    );
  }
  const resolution = integer("resolution", options.resolution ?? (source ? 48 : 64), 3);
  if (resolution > 400) {
    throw new RangeError(`\`resolution\` must be an integer in [3, 400], got ${resolution}`);
  }
  const grid = sample(f, xDomain, yDomain, resolution);
  const levelsOption = options.levels ?? 12;
  let levels: number[];
  if (typeof levelsOption === "number") {
    integer("levels", levelsOption, 1);
    levels = quantileLevels(grid.z, levelsOption, digits);
  } else {
    levels = numbers("levels", levelsOption, true);
    if (levels.length === 0) {
      throw new RangeError("`levels` must hold at least one level, got none");
    }
    levels = [...new Set(levels)].sort((a, b) => a - b);
  }
  const colorScale = options.colorScale ?? "auto";
  if (!["auto", "linear", "log"].includes(colorScale)) {
    throw new RangeError(
      `\`colorScale\` must be "auto", "linear" or "log", got ${show(colorScale)}`,
    );
  }
  const positive = levels[0] > 0 && (!options.heatmap || Math.min(...grid.z.flat()) > 0);
  const logColor = colorScale === "log" ||
    (colorScale === "auto" && positive && levels[levels.length - 1] / levels[0] > 100);
  if (logColor && !positive) {
    throw new RangeError(
      `\`colorScale\` "log" needs values > 0, got a level or value of ${
        Math.min(levels[0], ...grid.z.flat())
      }`,
    );
  }
  const heatmap = options.heatmap ?? false;
  if (typeof heatmap !== "boolean") {
    throw new TypeError(`\`heatmap\` must be true or false, got ${show(heatmap)}`);
  }
  let heat: Prepared["heat"];
  if (heatmap) {
    const n = Math.min(resolution, 40);
    heat = {
      grid: sample(f, xDomain, yDomain, n, true),
      dx: (xDomain[1] - xDomain[0]) / n,
      dy: (yDomain[1] - yDomain[0]) / n,
    };
  }
  const maxPoints = integer("maxPoints", options.maxPoints ?? 300, 2);
  const paths = checked.map((t) => {
    const n = t.x.length;
    const stride = Math.max(1, Math.ceil(n / maxPoints));
    const keep: number[] = [];
    for (let k = 0; k < n; k += stride) keep.push(k);
    if (n > 0 && keep[keep.length - 1] !== n - 1) keep.push(n - 1);
    return {
      name: t.name,
      steps: keep,
      x: keep.map((k) => compact(t.x[k], digits)),
      y: keep.map((k) => compact(t.y[k], digits)),
      z: keep.map((k) => compact(f(t.x[k], t.y[k]), digits)),
      total: n,
    };
  });
  const width = pixels("width", options.width, PANEL_WIDTH, 50);
  const height = pixels(
    "height",
    options.height,
    equalScaleHeight(width, xDomain, yDomain, source ? 480 : 600),
    50,
  );
  return {
    grid,
    lines: contourLines(grid, levels),
    levels,
    heat,
    paths,
    source,
    logColor,
    title: optionalText("title", options.title),
    xLabel: optionalText("xLabel", options.xLabel) ?? "w₁",
    yLabel: optionalText("yLabel", options.yLabel) ?? "w₂",
    zLabel: optionalText("zLabel", options.zLabel) ?? "loss",
    width,
    height,
    xDomain,
    yDomain,
    digits,
  };
}

function specOf(p: Prepared): VegaLiteSpec {
  const d = p.digits;
  const xScale = { domain: p.xDomain, nice: false, zero: false };
  const yScale = { domain: p.yDomain, nice: false, zero: false };
  const colorScale = { type: p.logColor ? "log" : "linear", scheme: "viridis" };
  const contourRows = p.lines.flatMap((line, id) =>
    line.points.map(([x, y], order) => ({
      id,
      level: line.level,
      order,
      x: compact(x, d),
      y: compact(y, d),
    }))
  );
  const layers: Record<string, unknown>[] = [];
  if (p.heat) {
    const { grid, dx, dy } = p.heat;
    layers.push({
      data: {
        values: grid.ys.flatMap((y, j) =>
          grid.xs.map((x, i) => ({
            x: compact(x, d + 2),
            y: compact(y, d + 2),
            z: compact(grid.z[j][i], d),
          }))
        ),
      },
      transform: [
        { calculate: `datum.x - ${dx / 2}`, as: "x0" },
        { calculate: `datum.x + ${dx / 2}`, as: "x1" },
        { calculate: `datum.y - ${dy / 2}`, as: "y0" },
        { calculate: `datum.y + ${dy / 2}`, as: "y1" },
      ],
      mark: { type: "rect", clip: true, aria: false },
      encoding: {
        x: { field: "x0", type: "quantitative", scale: xScale, title: p.xLabel },
        x2: { field: "x1" },
        y: { field: "y0", type: "quantitative", scale: yScale, title: p.yLabel },
        y2: { field: "y1" },
        color: { field: "z", type: "quantitative", title: p.zLabel, scale: colorScale },
      },
    });
  }
  layers.push({
    data: { values: contourRows },
    mark: {
      type: "line",
      clip: true,
      strokeWidth: p.heat ? 0.8 : 1.2,
      ...(p.heat ? { color: "white", opacity: 0.7 } : p.source ? { opacity: 0.7 } : {}),
    },
    encoding: {
      x: { field: "x", type: "quantitative", scale: xScale, title: p.xLabel },
      y: { field: "y", type: "quantitative", scale: yScale, title: p.yLabel },
      detail: { field: "id", type: "nominal" },
      order: { field: "order", type: "quantitative" },
      ...(p.heat ? {} : {
        color: {
          field: "level",
          type: "quantitative",
          title: p.zLabel,
          scale: colorScale,
          // Beside sliders the paths' legend is the one that matters.
          ...(p.source ? { legend: null } : {}),
        },
      }),
      tooltip: [{ field: "level", type: "quantitative", title: p.zLabel, format: ".4~g" }],
    },
  });
  if (p.source) {
    layers.push(sourcePaths(p, p.source.source, p.source.drawn, xScale, yScale));
  } else if (p.paths.length > 0) {
    const pathRows = p.paths.flatMap((path) =>
      path.x.map((x, k) => ({ run: path.name, step: path.steps[k], x, y: path.y[k], z: path.z[k] }))
    );
    const names = p.paths.map((path) => path.name);
    const runColor = {
      field: "run",
      type: "nominal",
      title: null,
      scale: { domain: names, range: seriesColors(names) },
      legend: bottomLegend(names),
    };
    const enc = {
      x: { field: "x", type: "quantitative", scale: xScale, title: p.xLabel },
      y: { field: "y", type: "quantitative", scale: yScale, title: p.yLabel },
      color: runColor,
    };
    layers.push({
      data: { values: pathRows },
      layer: [
        {
          mark: { type: "line", clip: true, strokeWidth: 1.5 },
          encoding: { ...enc, order: { field: "step", type: "quantitative" } },
          params: [{
            name: "zoom",
            select: { type: "interval", encodings: ["x", "y"] },
            bind: "scales",
          }],
        },
        {
          mark: { type: "point", clip: true, filled: true, size: 16, opacity: 1 },
          encoding: {
            ...enc,
            tooltip: [
              { field: "run", type: "nominal", title: "run" },
              { field: "step", type: "quantitative", title: "step" },
              { field: "x", type: "quantitative", title: p.xLabel, format: ".4~g" },
              { field: "y", type: "quantitative", title: p.yLabel, format: ".4~g" },
              { field: "z", type: "quantitative", title: p.zLabel, format: ".4~g" },
            ],
          },
        },
      ],
    });
  } else {
    // No path to carry the zoom: put it on the contour layer.
    (layers[layers.length - 1] as { params?: unknown[] }).params = [
      { name: "zoom", select: { type: "interval", encodings: ["x", "y"] }, bind: "scales" },
    ];
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(p.source ? { usermeta: { sliders: p.source.source.sliders } } : {}),
    ...titleEntry(p.title),
    width: p.width,
    height: p.height,
    layer: layers,
    resolve: { scale: { color: "independent" } },
  } as unknown as VegaLiteSpec;
}

/** The paths of a data source: rows `{ series, i, x, y }`, each a line with a dot per iterate. */
function sourcePaths(
  p: Prepared,
  source: DataSource,
  drawn: SourceData,
  xScale: Record<string, unknown>,
  yScale: Record<string, unknown>,
): Record<string, unknown> {
  const names = [...source.names];
  const enc = {
    x: { field: "x", type: "quantitative", scale: xScale, title: p.xLabel },
    y: { field: "y", type: "quantitative", scale: yScale, title: p.yLabel },
    color: {
      field: "series",
      type: "nominal",
      title: null,
      scale: { domain: names, range: seriesColors(names) },
      legend: bottomLegend(names),
    },
  };
  return {
    data: drawn.data,
    transform: drawn.transform,
    layer: [
      {
        mark: { type: "line", clip: true, strokeWidth: 1.75 },
        encoding: { ...enc, order: { field: "i", type: "quantitative" } },
      },
      {
        mark: { type: "point", clip: true, filled: true, size: 18, opacity: 1 },
        encoding: {
          ...enc,
          tooltip: [
            { field: "series", type: "nominal", title: "run" },
            { field: "i", type: "quantitative", title: source.index },
            { field: "x", type: "quantitative", title: p.xLabel, format: ".4~g" },
            { field: "y", type: "quantitative", title: p.yLabel, format: ".4~g" },
          ],
        },
      },
    ],
  };
}

function plotlyOf(p: Prepared): PlotlyFigure {
  return plotlyFigure({
    title: p.title,
    x: { label: p.xLabel, range: p.xDomain },
    y: { label: p.yLabel, range: p.yDomain },
    equalScale: true,
    panels: [{
      series: p.paths.map((path) => ({
        name: path.name,
        x: path.x,
        y: path.y,
        mark: "path" as const,
        text: path.steps.map((s) => `step ${s}`),
      })),
    }],
    legend: p.paths.length > 0,
    contour: {
      name: p.zLabel,
      xs: p.grid.xs.map((v) => compact(v, p.digits + 2)),
      ys: p.grid.ys.map((v) => compact(v, p.digits + 2)),
      z: p.grid.z.map((row) => row.map((v) => compact(v, p.digits))),
      levels: p.levels,
      filled: p.heat !== undefined,
    },
  });
}

function describeSurface(p: Prepared): string {
  const fmt = (d: [number, number]) => `[${d.map((v) => roundSignificant(v, 3)).join(", ")}]`;
  return [
    `loss surface${p.title ? ` "${p.title}"` : ""}: ${p.levels.length} contour levels${
      p.heat ? " over a heatmap" : ""
    }`,
    `${p.xLabel} in ${fmt(p.xDomain)}, ${p.yLabel} in ${fmt(p.yDomain)}`,
    p.paths.length
      ? `${p.paths.length === 1 ? "1 path" : `${p.paths.length} paths`} ${
        seriesSummary(p.paths.map((t) => t.name)).replace(/^\d+ series /, "")
      }`
      : "no paths",
  ].join("; ");
}

/**
 * The Vega-Lite v5 spec of a loss surface f(w₁, w₂): contour lines (coloured
 * by level, or white over a heatmap) and, over them, each trajectory as a
 * line through its iterates with a legend. Hovering an iterate shows its run,
 * step, coordinates and loss; drag and wheel pan and zoom.
 *
 * The contours come from sampling f on a `resolution × resolution` grid and
 * marching squares, joined into one polyline per contour piece.
 *
 * @param f The loss of two parameters; must return finite numbers on the domain.
 * @param options See {@link LossSurfaceOptions}.
 * @returns The spec.
 *
 * @example
 * ```ts
 * import { lossSurfaceSpec } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const spec = lossSurfaceSpec((x, y) => x * x + 2 * y * y, {
 *   xDomain: [-2, 2],
 *   yDomain: [-2, 2],
 *   levels: [0.5, 1, 2],
 * });
 * assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function lossSurfaceSpec(f: Surface, options: LossSurfaceOptions = {}): VegaLiteSpec {
  return specOf(prepare(f, options));
}

/**
 * A 2-D loss surface with optimizer trajectories over it, as a rendered
 * {@link Figure}: the picture of d2l.ai's `show_trace_2d`, e.g. gradient
 * descent zig-zagging across the narrow valley of f = 0.1 w₁² + 2 w₂² while
 * momentum follows it. Both axes have the same scale by default, so
 * gradients look perpendicular to the contours.
 *
 * @param f The loss of two parameters, `(w1, w2) => number`.
 * @param options See {@link LossSurfaceOptions}.
 * @returns The figure, its SVG already rendered.
 *
 * @example Gradient descent on an elongated bowl
 * ```ts
 * import { lossSurface } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const f = (a: number, b: number) => 0.1 * a * a + 2 * b * b;
 * const points = [[-5, -2]];
 * for (let t = 0; t < 20; t++) {
 *   const [a, b] = points[points.length - 1];
 *   points.push([a - 0.4 * 0.2 * a, b - 0.4 * 4 * b]);
 * }
 * const fig = await lossSurface(f, { trajectories: [{ name: "gd", points }] });
 * assert.match(fig.description, /1 path \(gd\)/);
 * ```
 */
export async function lossSurface(f: Surface, options: LossSurfaceOptions = {}): Promise<Figure> {
  if (isDataSource(options?.trajectories)) {
    throw new TypeError(
      "`trajectories` must be paths for a static chart; a data source goes to `lossSurfaceSpec` and `explorable`",
    );
  }
  const p = prepare(f, options);
  return await figure(specOf(p), { description: describeSurface(p), plotly: plotlyOf(p) });
}
