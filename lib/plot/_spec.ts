// Vega-Lite pieces shared by the chart builders (line chart, small multiples,
// bar chart): the series colour, the x/y axes and the hover layer. Not
// exported from lib/mod.ts.

import type { ScaleType } from "./_data.ts";
import { INTERACTIVE_LAYER_PREFIX } from "./figure.ts";
import { bottomLegend } from "./theme.ts";

/** `{ title }` when the chart has one, else nothing: spread into a spec. */
export function titleEntry(title: string | undefined): { title?: string } {
  return title === undefined ? {} : { title };
}

/**
 * The colour channel: one colour per series name (the theme picks the colours),
 * with a legend below the chart if `legend`.
 */
export function seriesColor(names: readonly string[], legend: boolean): Record<string, unknown> {
  return {
    field: "series",
    type: "nominal",
    title: null,
    scale: { domain: names },
    legend: legend ? bottomLegend(names) : null,
  };
}

/**
 * The quantitative x and y channels of a line chart, on linear (not from zero)
 * or log scales; a given domain is kept exactly (no rounding), so that the
 * axes stay put while an explorable's sliders move.
 */
export function lineAxes(
  p: {
    xLabel: string;
    yLabel: string;
    xScale: ScaleType;
    yScale: ScaleType;
    xDomain?: readonly [number, number];
    yDomain?: readonly [number, number];
  },
): { x: Record<string, unknown>; y: Record<string, unknown> } {
  const scale = (
    type: ScaleType,
    domain: readonly [number, number] | undefined,
    nice: boolean,
  ) => ({
    type,
    ...(type === "linear" ? { zero: false } : {}),
    ...(domain !== undefined
      ? { domain, nice: false }
      : type === "linear" && !nice
      ? { nice: false }
      : {}),
  });
  return {
    x: {
      field: "x",
      type: "quantitative",
      title: p.xLabel,
      scale: scale(p.xScale, p.xDomain, false),
    },
    y: {
      field: "y",
      type: "quantitative",
      title: p.yLabel,
      scale: scale(p.yScale, p.yDomain, true),
    },
  };
}

/** Tooltip entries for the series name and the point's x and y. */
export function xyTooltip(xLabel: string, yLabel: string): Record<string, unknown>[] {
  return [
    { field: "series", type: "nominal", title: "series" },
    { field: "x", type: "quantitative", title: xLabel, format: "~g" },
    { field: "y", type: "quantitative", title: yLabel, format: ".4~g" },
  ];
}

/**
 * The hover layer of a line chart: an invisible point on each datum that
 * shows (dot and tooltip) when it is the nearest to the pointer.
 */
export function hoverLayer(
  size: number,
  tooltip: readonly Record<string, unknown>[],
): Record<string, unknown> {
  return {
    name: `${INTERACTIVE_LAYER_PREFIX}hover`,
    mark: { type: "point", filled: true, size, clip: true },
    params: [{
      name: "hover",
      select: { type: "point", nearest: true, on: "pointerover", clear: "pointerout" },
    }],
    encoding: {
      opacity: { condition: { param: "hover", empty: false, value: 1 }, value: 0 },
      tooltip,
    },
  };
}
