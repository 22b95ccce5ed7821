/**
 * Line charts of one or many series (loss curves, learning-rate schedules),
 * on linear or log axes.
 *
 * @module
 */

import type { ChartOptions, DomainOptions, ScaleOptions } from "./axes.ts";
import { knownKeys, show } from "../_validate.ts";
import {
  checkSeries,
  domainOption,
  type Frame,
  frameOptions,
  pointOptions,
  type PreparedSeries,
  preparePoints,
  type ScaleType,
  type SeriesInput,
  seriesSummary,
} from "./_data.ts";
import { hoverLayer, lineAxes, seriesColor, titleEntry, xyTooltip } from "./_spec.ts";
import { plotlyFigure } from "./plotly.ts";
import { referenceLayers, type ReferenceMark } from "./references.ts";
import { type DataSource, isDataSource, sourceData } from "./sources.ts";
import { PANEL_WIDTH } from "./theme.ts";
import {
  type Figure,
  figure,
  type PlotlyFigure,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./figure.ts";

export type { ScaleType, Series, SeriesInput } from "./_data.ts";
export type { ReferenceMark } from "./references.ts";

/** Options of {@link lineChart} and {@link lineChartSpec}. */
export interface LineChartOptions extends ChartOptions, ScaleOptions, DomainOptions {
  /**
   * How points are drawn: joined by a line (in the order given, so paths
   * work), a line with a dot at every point (`"path"`, for iterates), stems
   * from zero (weights), or dots.
   * @default {"line"}
   */
  mark?: "line" | "path" | "stem" | "point";
  /**
   * Names of series drawn dashed, e.g. a bound or a reference curve.
   * @default {[]}
   */
  dashed?: readonly string[];
  /**
   * Reference lines and dots drawn over the series; in an explorable their
   * coordinates may be Vega expressions in the sliders.
   * @default {[]}
   */
  references?: readonly ReferenceMark[];
  /**
   * Most points kept per series; longer series are thinned by keeping the
   * smallest and largest value of each stretch, so spikes stay visible.
   * (A `precomputed` source keeps its own `maxPoints`.)
   * @default {500}
   */
  maxPoints?: number;
  /**
   * Significant digits kept of each y value (x values keep two more).
   * (A `precomputed` source keeps its own `precision`.)
   * @default {4}
   */
  precision?: number;
}

const KEYS = [
  "title",
  "xLabel",
  "yLabel",
  "xScale",
  "yScale",
  "xDomain",
  "yDomain",
  "mark",
  "dashed",
  "references",
  "width",
  "height",
  "maxPoints",
  "precision",
];

const MARKS = ["line", "path", "stem", "point"] as const;

interface Prepared extends Frame {
  /** The series, for static data; `source` instead for an explorable. */
  series: PreparedSeries[];
  source?: DataSource;
  names: string[];
  xScale: ScaleType;
  yScale: ScaleType;
  xDomain?: [number, number];
  yDomain?: [number, number];
  mark: (typeof MARKS)[number];
  dashed: string[];
  references: unknown;
}

function prepare(input: SeriesInput | DataSource, options: LineChartOptions): Prepared {
  knownKeys("lineChart", options, KEYS);
  const points = pointOptions(options, 500);
  const source = isDataSource(input) ? input : undefined;
  const series = source ? [] : checkSeries("series", input).map((s) => preparePoints(s, points));
  const names = source ? [...source.names] : series.map((s) => s.name);
  const mark = options.mark ?? "line";
  if (!MARKS.includes(mark)) {
    throw new RangeError(`\`mark\` must be "line", "path", "stem" or "point", got ${show(mark)}`);
  }
  const dashed = options.dashed ?? [];
  if (!Array.isArray(dashed)) {
    throw new TypeError(`\`dashed\` must be an array of series names, got ${show(dashed)}`);
  }
  for (const name of dashed) {
    if (!names.includes(name)) {
      throw new RangeError(
        `\`dashed\` names ${show(name)}, which is not a series; series: ${names.join(", ")}`,
      );
    }
  }
  return {
    series,
    source,
    names,
    xScale: points.xScale,
    yScale: points.yScale,
    xDomain: domainOption("xDomain", options.xDomain),
    yDomain: domainOption("yDomain", options.yDomain),
    mark,
    dashed: [...dashed],
    references: options.references ?? [],
    ...frameOptions(options, {
      xLabel: source ? source.index : "step",
      yLabel: "value",
      width: PANEL_WIDTH,
      height: 240,
    }),
  };
}

/**
 * The Vega-Lite v5 spec of a line chart: one line per series with a legend,
 * hover tooltips (series, x, y of the nearest point) and zoom/pan on both axes.
 * The data rows are `{ series, i, x, y }`, rounded and thinned (see
 * {@link LineChartOptions}); non-finite y values are left out. Each line joins
 * its points in the order given (the `order` channel on `i`, the point's place
 * in its series), so a series whose x goes back and forth, such as an
 * optimizer's path (w₁, w₂), is drawn as the path it is.
 *
 * Given a data source ({@link closedForm} or {@link precomputed}) instead of
 * series, the spec draws what the sliders select and is a panel for
 * `explorable`, which adds the sliders (it has no zoom or hover of its own;
 * a precomputed source fixes the axes to its extent over all settings).
 *
 * @param series The series: `[{ name, y, x? }, …]` or `{ name: y, … }`, or a data source.
 * @param options See {@link LineChartOptions}.
 * @returns The spec, ready for `figure` (series) or `explorable` (a source).
 *
 * @example
 * ```ts
 * import { lineChartSpec } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const spec = lineChartSpec({ a: [1, 0.1, 0.01] }, { yScale: "log" });
 * assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * assert.equal(JSON.stringify(spec).includes('"type":"log"'), true);
 * ```
 */
export function lineChartSpec(
  series: SeriesInput | DataSource,
  options: LineChartOptions = {},
): VegaLiteSpec {
  return specOf(prepare(series, options));
}

/** The layers that draw the rows `{ series, i, x, y }` with `p.mark`. */
function markLayers(
  p: Prepared,
  enc: Record<string, unknown>,
  tooltip: Record<string, unknown>[] | undefined,
): Record<string, unknown>[] {
  const tip = tooltip === undefined ? {} : { tooltip };
  const order = { order: { field: "i", type: "quantitative" } };
  const layers: Record<string, unknown>[] = [];
  if (p.mark === "line" || p.mark === "path") {
    layers.push({
      mark: { type: "line", clip: true, strokeWidth: p.mark === "path" ? 1.5 : 2 },
      encoding: { ...enc, ...order },
    });
  }
  if (p.mark === "stem") {
    layers.push({
      mark: { type: "rule", strokeWidth: 1.5, clip: true },
      encoding: { ...enc, y2: { datum: 0 } },
    });
  }
  if (p.mark !== "line") {
    const size = p.mark === "path" ? 20 : p.mark === "stem" ? 30 : 36;
    layers.push({
      mark: { type: "point", filled: true, size, opacity: 1, clip: true },
      encoding: { ...enc, ...tip },
    });
  }
  return layers;
}

function specOf(p: Prepared): VegaLiteSpec {
  const source = p.source;
  const drawn = source ? sourceData(source, { kind: "lines", ...p }) : undefined;
  const xDomain = p.xDomain ?? drawn?.xExtent;
  const yDomain = p.yDomain ?? drawn?.yExtent;
  const { x, y } = lineAxes({ ...p, xDomain, yDomain });
  const color = seriesColor(p.names, p.names.length > 1 || !source);
  const strokeDash = p.dashed.length === 0 ? {} : {
    strokeDash: {
      ...seriesColor(p.names, p.names.length > 1 || !source),
      scale: { domain: p.names, range: p.names.map((n) => p.dashed.includes(n) ? [6, 4] : [1, 0]) },
    },
  };
  const enc = { x, y, color, ...strokeDash };
  const references = referenceLayers(p.references, source?.sliders ?? [], { x, y });
  if (source) {
    const tooltip = [
      { field: "series", type: "nominal", title: "curve" },
      { field: "i", type: "quantitative", title: source.index, format: "~g" },
      { field: "x", type: "quantitative", title: p.xLabel, format: ".4~g" },
      { field: "y", type: "quantitative", title: p.yLabel, format: ".4~g" },
    ];
    return {
      $schema: VEGA_LITE_SCHEMA,
      usermeta: { sliders: source.sliders },
      ...titleEntry(p.title),
      width: p.width,
      height: p.height,
      layer: [
        { data: drawn!.data, transform: drawn!.transform, layer: markLayers(p, enc, tooltip) },
        ...references,
      ],
    } as unknown as VegaLiteSpec;
  }
  // `i`, the point's place in its series, is the line's `order` channel: without it Vega-Lite
  // joins the points sorted by x, which scrambles a series whose x is not increasing (a path).
  const values = p.series.flatMap((s) => s.x.map((x, i) => ({ series: s.name, i, x, y: s.y[i] })));
  const [first, ...rest] = markLayers(p, {}, undefined);
  const drawing = {
    data: { values },
    encoding: enc,
    layer: [
      {
        ...first,
        params: [{
          name: "zoom",
          select: { type: "interval", encodings: ["x", "y"] },
          bind: "scales",
        }],
      },
      ...rest,
      hoverLayer(50, xyTooltip(p.xLabel, p.yLabel)),
    ],
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...titleEntry(p.title),
    width: p.width,
    height: p.height,
    // References carry their own data: they sit beside the series' layers, not under their encoding.
    ...(references.length === 0 ? drawing : { layer: [drawing, ...references] }),
  } as unknown as VegaLiteSpec;
}

function plotlyOf(p: Prepared): PlotlyFigure {
  return plotlyFigure({
    title: p.title,
    x: { label: p.xLabel, scale: p.xScale },
    y: { label: p.yLabel, scale: p.yScale },
    panels: [{
      series: p.series.map((s) => ({
        name: s.name,
        x: s.x,
        y: s.y,
        mark: p.mark === "point" ? "path" : p.mark,
      })),
    }],
    legend: true,
  });
}

function describeLine(p: Prepared): string {
  const dropped = p.series.reduce((n, s) => n + s.dropped, 0);
  const longest = Math.max(...p.series.map((s) => s.total));
  const scales = [p.xScale === "log" ? "log x" : "", p.yScale === "log" ? "log y" : ""]
    .filter(Boolean);
  return [
    `line chart${p.title ? ` "${p.title}"` : ""}: ${seriesSummary(p.series.map((s) => s.name))}`,
    `${p.yLabel} vs ${p.xLabel}`,
    `up to ${longest} points`,
    ...(scales.length ? [scales.join(", ")] : []),
    ...(dropped
      ? [`${dropped} point${dropped === 1 ? "" : "s"} not drawable (non-finite or ≤ 0 on log axis)`]
      : []),
  ].join("; ");
}

/**
 * A line chart of one or many series with a legend, on linear or log axes,
 * as a rendered {@link Figure} (SVG + interactive Vega-Lite + text). Use it
 * for loss curves (`yScale: "log"`), gradient norms or learning-rate
 * schedules.
 *
 * @param series The series: `[{ name, y, x? }, …]` or `{ name: y, … }`;
 *   `x` defaults to the step index 0, 1, 2, ….
 * @param options See {@link LineChartOptions}.
 * @returns The figure, its SVG already rendered.
 *
 * @example Two loss curves on a log axis
 * ```ts
 * import { lineChart } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const steps = 100;
 * const fast = Float64Array.from({ length: steps }, (_, t) => 0.9 ** t);
 * const slow = Float64Array.from({ length: steps }, (_, t) => 0.97 ** t);
 * const fig = await lineChart({ fast, slow }, { yScale: "log", yLabel: "loss" });
 * assert.match(fig.description, /2 series \(fast, slow\)/);
 * assert.match(fig.svg, /fast/);
 * ```
 */
export async function lineChart(
  series: SeriesInput,
  options: LineChartOptions = {},
): Promise<Figure> {
  if (isDataSource(series)) {
    throw new TypeError(
      "`series` must be series for a static chart; a data source goes to `lineChartSpec` and `explorable`",
    );
  }
  const p = prepare(series, options);
  return await figure(specOf(p), { description: describeLine(p), plotly: plotlyOf(p) });
}
