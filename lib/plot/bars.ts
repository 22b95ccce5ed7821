/**
 * Bar and stem charts of weights: how much each past gradient counts in an
 * EMA or a momentum buffer.
 *
 * @module
 */

import type { ChartOptions } from "./axes.ts";
import { knownKeys, show } from "../_validate.ts";
import {
  checkSeries,
  compact,
  type Frame,
  frameOptions,
  precisionOption,
  type SeriesInput,
  seriesSummary,
} from "./_data.ts";
import { seriesColor, titleEntry, xyTooltip } from "./_spec.ts";
import { plotlyFigure } from "./plotly.ts";
import { PANEL_WIDTH } from "./theme.ts";
import {
  type Figure,
  figure,
  type PlotlyFigure,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./figure.ts";

/** Options of {@link barChart} and {@link barChartSpec}. */
export interface BarChartOptions extends ChartOptions {
  /**
   * `"bar"` draws bars; `"stem"` draws a thin rule up to a dot (a stem plot,
   * clearer for many small weights).
   * @default {"bar"}
   */
  kind?: "bar" | "stem";
  /**
   * Significant digits kept of each value.
   * @default {4}
   */
  precision?: number;
}

const KEYS = ["kind", "title", "xLabel", "yLabel", "width", "height", "precision"];
const MAX_BARS = 2000;

interface Prepared extends Frame {
  series: { name: string; x: number[]; y: (number | null)[] }[];
  categories: number[];
  kind: "bar" | "stem";
}

function prepare(input: SeriesInput, options: BarChartOptions): Prepared {
  knownKeys("barChart", options, KEYS);
  const kind = options.kind ?? "bar";
  if (kind !== "bar" && kind !== "stem") {
    throw new RangeError(`\`kind\` must be "bar" or "stem", got ${show(kind)}`);
  }
  const digits = precisionOption(options.precision);
  const series = checkSeries("series", input).map((s) => ({
    name: s.name,
    x: s.x.map((v) => compact(v, digits + 2)),
    y: s.y.map((v) => (Number.isFinite(v) ? compact(v, digits) : null)),
  }));
  const total = series.reduce((n, s) => n + s.y.length, 0);
  if (total > MAX_BARS) {
    throw new RangeError(
      `\`series\` must hold at most ${MAX_BARS} values in all for a bar chart, got ${total}`,
    );
  }
  const categories = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  return {
    series,
    categories,
    kind,
    ...frameOptions(options, { xLabel: "s", yLabel: "weight", width: PANEL_WIDTH, height: 220 }),
  };
}

function specOf(p: Prepared): VegaLiteSpec {
  const names = p.series.map((s) => s.name);
  const grouped = names.length > 1;
  const values = p.series.flatMap((s) => s.x.map((x, i) => ({ series: s.name, x, y: s.y[i] })));
  const x = {
    field: "x",
    type: "ordinal",
    title: p.xLabel,
    sort: p.categories,
    axis: { labelAngle: 0, labelOverlap: true },
  };
  const y = { field: "y", type: "quantitative", title: p.yLabel };
  const color = seriesColor(names, grouped);
  const tooltip = xyTooltip(p.xLabel, p.yLabel);
  const offset = grouped ? { xOffset: { field: "series", type: "nominal", sort: names } } : {};
  const position = { x, y, color, ...offset };
  const encoding = { ...position, tooltip };
  const layer = p.kind === "bar" ? [{ mark: { type: "bar" }, encoding }] : [
    { mark: { type: "rule", strokeWidth: 1.5 }, encoding: { ...position, y2: { datum: 0 } } },
    { mark: { type: "point", filled: true, size: 30, opacity: 1 }, encoding },
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...titleEntry(p.title),
    width: p.width,
    height: p.height,
    data: { values },
    layer: [
      ...layer,
      { mark: { type: "rule", color: "#888", strokeWidth: 1 }, encoding: { y: { datum: 0 } } },
    ],
  } as VegaLiteSpec;
}

function plotlyOf(p: Prepared): PlotlyFigure {
  return plotlyFigure({
    title: p.title,
    x: { label: p.xLabel, scale: "category" },
    y: { label: p.yLabel },
    panels: [{ series: p.series.map((s) => ({ name: s.name, x: s.x, y: s.y, mark: p.kind })) }],
    legend: p.series.length > 1,
  });
}

function describeBars(p: Prepared): string {
  return [
    `${p.kind} chart${p.title ? ` "${p.title}"` : ""}: ${
      seriesSummary(p.series.map((s) => s.name))
    }`,
    `${p.yLabel} vs ${p.xLabel}`,
    `${p.categories.length} values of ${p.xLabel}`,
  ].join("; ");
}

/**
 * The Vega-Lite v5 spec of a bar or stem chart: one bar (or stem) per x
 * value, side by side for several series, with a zero line and tooltips.
 *
 * @param series The series: `[{ name, y, x? }, …]` or `{ name: y, … }`; at most
 *   2000 values in all.
 * @param options See {@link BarChartOptions}.
 * @returns The spec.
 *
 * @example
 * ```ts
 * import { barChartSpec } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const spec = barChartSpec({ weights: [0.1, 0.2, 0.7] }, { kind: "stem" });
 * assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function barChartSpec(series: SeriesInput, options: BarChartOptions = {}): VegaLiteSpec {
  return specOf(prepare(series, options));
}

/**
 * A bar or stem chart as a rendered {@link Figure}, for weights over the past:
 * the EMA weights α^(t−s)(1 − α) of each gradient g_s next to the momentum
 * weights α^(t−s), for instance.
 *
 * @param series The series: `[{ name, y, x? }, …]` or `{ name: y, … }`;
 *   `x` defaults to 0, 1, 2, ….
 * @param options See {@link BarChartOptions}.
 * @returns The figure, its SVG already rendered.
 *
 * @example EMA weights of the past ten gradients
 * ```ts
 * import { barChart } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const alpha = 0.7;
 * const t = 9;
 * const weights = Array.from({ length: t + 1 }, (_, s) => alpha ** (t - s) * (1 - alpha));
 * const fig = await barChart({ "EMA, α = 0.7": weights }, { kind: "stem" });
 * assert.match(fig.description, /^stem chart: 1 series/);
 * ```
 */
export async function barChart(
  series: SeriesInput,
  options: BarChartOptions = {},
): Promise<Figure> {
  const p = prepare(series, options);
  return await figure(specOf(p), { description: describeBars(p), plotly: plotlyOf(p) });
}
