/**
 * Line charts of one or many series (loss curves, learning-rate schedules),
 * on linear or log axes.
 *
 * @module
 */

import type { ChartOptions, ScaleOptions } from "./axes.ts";
import { knownKeys } from "../_validate.ts";
import {
  checkSeries,
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
import { PANEL_WIDTH } from "./theme.ts";
import {
  type Figure,
  figure,
  type PlotlyFigure,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./figure.ts";

export type { ScaleType, Series, SeriesInput } from "./_data.ts";

/** Options of {@link lineChart} and {@link lineChartSpec}. */
export interface LineChartOptions extends ChartOptions, ScaleOptions {
  /**
   * Most points kept per series; longer series are thinned by keeping the
   * smallest and largest value of each stretch, so spikes stay visible.
   * @default {500}
   */
  maxPoints?: number;
  /**
   * Significant digits kept of each y value (x values keep two more).
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
  "width",
  "height",
  "maxPoints",
  "precision",
];

interface Prepared extends Frame {
  series: PreparedSeries[];
  xScale: ScaleType;
  yScale: ScaleType;
}

function prepare(input: SeriesInput, options: LineChartOptions): Prepared {
  knownKeys("lineChart", options, KEYS);
  const points = pointOptions(options, 500);
  const series = checkSeries("series", input).map((s) => preparePoints(s, points));
  return {
    series,
    xScale: points.xScale,
    yScale: points.yScale,
    ...frameOptions(options, { xLabel: "step", yLabel: "value", width: PANEL_WIDTH, height: 240 }),
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
 * @param series The series: `[{ name, y, x? }, …]` or `{ name: y, … }`.
 * @param options See {@link LineChartOptions}.
 * @returns The spec, ready for `figure` or for further layers and params.
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
export function lineChartSpec(series: SeriesInput, options: LineChartOptions = {}): VegaLiteSpec {
  return specOf(prepare(series, options));
}

function specOf(p: Prepared): VegaLiteSpec {
  const names = p.series.map((s) => s.name);
  // `i`, the point's place in its series, is the line's `order` channel: without it Vega-Lite
  // joins the points sorted by x, which scrambles a series whose x is not increasing (a path).
  const values = p.series.flatMap((s) => s.x.map((x, i) => ({ series: s.name, i, x, y: s.y[i] })));
  const { x, y } = lineAxes(p);
  const color = seriesColor(names, true);
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...titleEntry(p.title),
    width: p.width,
    height: p.height,
    data: { values },
    encoding: { x, y, color },
    layer: [
      {
        mark: { type: "line", clip: true, strokeWidth: 2, interpolate: "linear" },
        encoding: { order: { field: "i", type: "quantitative" } },
        params: [{
          name: "zoom",
          select: { type: "interval", encodings: ["x", "y"] },
          bind: "scales",
        }],
      },
      hoverLayer(50, xyTooltip(p.xLabel, p.yLabel)),
    ],
  } as unknown as VegaLiteSpec;
}

function plotlyOf(p: Prepared): PlotlyFigure {
  return plotlyFigure({
    title: p.title,
    x: { label: p.xLabel, scale: p.xScale },
    y: { label: p.yLabel, scale: p.yScale },
    panels: [{ series: p.series.map((s) => ({ name: s.name, x: s.x, y: s.y, mark: "line" })) }],
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
  const p = prepare(series, options);
  return await figure(specOf(p), { description: describeLine(p), plotly: plotlyOf(p) });
}
