/**
 * The options every chart shares, described once: its title, its axes and
 * its size. Each chart's options extend these (`LineChartOptions` is
 * `ChartOptions & ScaleOptions` plus what only a line chart has), and each
 * chart fills in its own defaults, given in its documentation.
 *
 * @module
 */

import type { ScaleType } from "./_data.ts";

export type { ScaleType } from "./_data.ts";

/** A chart's (or panel's) title, axis titles and size. */
export interface ChartOptions {
  /**
   * The title. Written with subscripts in the figure (`w1` → `w₁`).
   * @default {none}
   */
  title?: string;
  /**
   * The x axis title.
   * @default {the chart's: "step" (line charts, small multiples, precomputed sources), "s" (bars),
   *   "w₁" (surfaces), the sampled variable (line charts over a closed form)}
   */
  xLabel?: string;
  /**
   * The y axis title.
   * @default {the chart's: "value", "weight" (bars), "w₂" (surfaces)}
   */
  yLabel?: string;
  /**
   * Width of the plotting area (of each panel) in pixels.
   * @default {360, 180 per panel for small multiples}
   */
  width?: number;
  /**
   * Height of the plotting area (of each panel) in pixels.
   * @default {the chart's: 240 (lines), 220 (bars), 130 (small multiples),
   *   the height giving both axes the same scale (surfaces)}
   */
  height?: number;
}

/** Linear or log axes. */
export interface ScaleOptions {
  /**
   * Scale of the x axis. On a log axis, points with x ≤ 0 are left out.
   * @default {"linear"}
   */
  xScale?: ScaleType;
  /**
   * Scale of the y axis. On a log axis, points with y ≤ 0 are left out.
   * @default {"linear"}
   */
  yScale?: ScaleType;
}

/** Fixed axis ranges, which stay put while sliders move. */
export interface DomainOptions {
  /**
   * The x range [min, max] shown.
   * @default {the chart's: fitted to the data, or a surface's domain}
   */
  xDomain?: readonly [number, number];
  /**
   * The y range [min, max] shown.
   * @default {the chart's: fitted to the data, or a surface's domain}
   */
  yDomain?: readonly [number, number];
}
