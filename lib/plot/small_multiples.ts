/**
 * Small multiples: a grid of line charts with shared axes, one panel per
 * hyperparameter setting of a sweep.
 *
 * @module
 */

import type { ChartOptions, ScaleOptions } from "./axes.ts";
import { knownKeys, show } from "../_validate.ts";
import { integer } from "../_validate.ts";
import {
  checkSeries,
  type Frame,
  frameOptions,
  label,
  pointOptions,
  type PreparedSeries,
  preparePoints,
  type ScaleType,
  type SeriesInput,
} from "./_data.ts";
import { hoverLayer, lineAxes, seriesColor, titleEntry, xyTooltip } from "./_spec.ts";
import { plotlyFigure } from "./plotly.ts";
import { ROW_WIDTH } from "./theme.ts";
import {
  type Figure,
  figure,
  type PlotlyFigure,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./figure.ts";

/** One panel: its title (e.g. `"lr = 0.1"`) and its series. */
export interface Panel {
  /** The panel's title, unique among the panels. */
  title: string;
  /** The series drawn in this panel: `[{ name, y, x? }, …]` or `{ name: y, … }`. */
  series: SeriesInput;
}

/** Options of {@link smallMultiples} and {@link smallMultiplesSpec}. */
export interface SmallMultiplesOptions extends ChartOptions, ScaleOptions {
  /**
   * Panels per row.
   * @default {as many as fit in about 460 px (2 at the default width), so that labels stay legible on a phone}
   */
  columns?: number;
  /**
   * Give every panel the same y range (compare values across panels) or each
   * its own (compare shapes).
   * @default {true}
   */
  sharedY?: boolean;
  /**
   * Most points kept per series (see `lineChart`).
   * @default {300}
   */
  maxPoints?: number;
  /**
   * Significant digits kept of each y value.
   * @default {4}
   */
  precision?: number;
}

const KEYS = [
  "columns",
  "sharedY",
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
  panels: { title: string; series: PreparedSeries[] }[];
  names: string[];
  columns: number;
  sharedY: boolean;
  xScale: ScaleType;
  yScale: ScaleType;
}

function prepare(panels: readonly Panel[], options: SmallMultiplesOptions): Prepared {
  knownKeys("smallMultiples", options, KEYS);
  if (!Array.isArray(panels)) {
    throw new TypeError(
      `\`panels\` must be a non-empty array of { title, series }, got ${show(panels)}`,
    );
  }
  if (panels.length === 0) {
    throw new RangeError(
      `\`panels\` must be a non-empty array of { title, series }, got ${show(panels)}`,
    );
  }
  const points = pointOptions(options, 300);
  const titles = new Set<string>();
  const prepared = panels.map((panel, i) => {
    if (panel === null || typeof panel !== "object") {
      throw new TypeError(
        `\`panels[${i}]\` must be an object { title, series }, got ${show(panel)}`,
      );
    }
    const title = label(`panels[${i}].title`, panel.title);
    if (titles.has(title)) throw new RangeError(`\`panels\` has two panels titled ${show(title)}`);
    titles.add(title);
    const series = checkSeries(`panels[${i}].series`, panel.series).map((s) =>
      preparePoints(s, points)
    );
    return { title, series };
  });
  const frame = frameOptions(options, { xLabel: "step", yLabel: "value", width: 180, height: 130 });
  const sharedY = options.sharedY ?? true;
  if (typeof sharedY !== "boolean") {
    throw new TypeError(`\`sharedY\` must be true or false, got ${show(sharedY)}`);
  }
  return {
    panels: prepared,
    names: [...new Set(prepared.flatMap((p) => p.series.map((s) => s.name)))],
    columns: options.columns === undefined
      ? Math.max(1, Math.min(prepared.length, Math.floor((ROW_WIDTH - 50) / (frame.width + 24))))
      : integer("columns", options.columns, 1),
    sharedY,
    xScale: points.xScale,
    yScale: points.yScale,
    ...frame,
  };
}

function specOf(p: Prepared): VegaLiteSpec {
  const values = p.panels.flatMap((panel) =>
    panel.series.flatMap((s) =>
      s.x.map((x, i) => ({ panel: panel.title, series: s.name, i, x, y: s.y[i] }))
    )
  );
  const { x, y } = lineAxes(p);
  const color = seriesColor(p.names, p.names.length > 1);
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...titleEntry(p.title),
    data: { values },
    facet: {
      field: "panel",
      type: "nominal",
      sort: p.panels.map((panel) => panel.title),
      title: null,
      header: { labelFontWeight: "bold" },
    },
    columns: p.columns,
    spec: {
      width: p.width,
      height: p.height,
      encoding: { x, y, color },
      layer: [
        {
          // join the points in data order (`i`), not sorted by x
          mark: { type: "line", clip: true, strokeWidth: 1.5 },
          encoding: { order: { field: "i", type: "quantitative" } },
        },
        hoverLayer(40, [
          { field: "panel", type: "nominal", title: "panel" },
          ...xyTooltip(p.xLabel, p.yLabel),
        ]),
      ],
    },
    resolve: { scale: { y: p.sharedY ? "shared" : "independent" } },
  } as unknown as VegaLiteSpec;
}

function plotlyOf(p: Prepared): PlotlyFigure {
  return plotlyFigure({
    title: p.title,
    x: { label: p.xLabel, scale: p.xScale },
    y: { label: p.yLabel, scale: p.yScale },
    panels: p.panels.map((panel) => ({
      title: panel.title,
      series: panel.series.map((s) => ({ name: s.name, x: s.x, y: s.y, mark: "line" as const })),
    })),
    columns: p.columns,
    sharedY: p.sharedY,
    legend: p.names.length > 1,
  });
}

function describeMultiples(p: Prepared): string {
  const shown = p.panels.slice(0, 4).map((panel) => panel.title).join(", ") +
    (p.panels.length > 4 ? ", …" : "");
  return [
    `small multiples${p.title ? ` "${p.title}"` : ""}: ${p.panels.length} panels (${shown})`,
    `${p.names.length} series`,
    p.yLabel ? `${p.yLabel} vs ${p.xLabel}` : `against ${p.xLabel}`,
    ...(p.yScale === "log" ? ["log y"] : []),
    p.sharedY ? "shared y" : "own y per panel",
  ].join("; ");
}

/**
 * The Vega-Lite v5 spec of small multiples: a facet grid of line charts, one
 * panel per {@link Panel} in the given order, with shared x axes and (by
 * default) shared y axes, one colour per series name across all panels, and
 * hover tooltips.
 *
 * @param panels The panels, in reading order.
 * @param options See {@link SmallMultiplesOptions}.
 * @returns The spec.
 *
 * @example
 * ```ts
 * import { smallMultiplesSpec } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const spec = smallMultiplesSpec([
 *   { title: "lr = 0.1", series: { loss: [1, 0.5, 0.25] } },
 *   { title: "lr = 1", series: { loss: [1, 1.5, 2.25] } },
 * ]);
 * assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * ```
 */
export function smallMultiplesSpec(
  panels: readonly Panel[],
  options: SmallMultiplesOptions = {},
): VegaLiteSpec {
  return specOf(prepare(panels, options));
}

/**
 * Small multiples for a hyperparameter sweep as a rendered {@link Figure}:
 * for example the loss of one optimizer for each learning rate, one panel
 * each, on shared log axes so that too small, good and diverging rates can be
 * compared at a glance.
 *
 * @param panels The panels, in reading order.
 * @param options See {@link SmallMultiplesOptions}.
 * @returns The figure, its SVG already rendered.
 *
 * @example A learning-rate sweep on f(w) = w²
 * ```ts
 * import { smallMultiples } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const panels = [0.1, 0.5, 0.9].map((lr) => {
 *   const loss: number[] = [];
 *   let w = 1;
 *   for (let t = 0; t < 30; t++) {
 *     loss.push(w * w);
 *     w -= lr * 2 * w;
 *   }
 *   return { title: `lr = ${lr}`, series: { loss } };
 * });
 * const fig = await smallMultiples(panels, { yScale: "log", yLabel: "loss" });
 * assert.match(fig.description, /3 panels \(lr = 0.1, lr = 0.5, lr = 0.9\)/);
 * ```
 */
export async function smallMultiples(
  panels: readonly Panel[],
  options: SmallMultiplesOptions = {},
): Promise<Figure> {
  const p = prepare(panels, options);
  return await figure(specOf(p), { description: describeMultiples(p), plotly: plotlyOf(p) });
}
