/**
 * Figures: line, bar and small-multiple charts, loss surfaces with optimizer
 * paths, and explorables (figures with sliders), each a Vega-Lite spec
 * rendered to SVG in-process (vega and vega-lite are loaded at the first
 * figure), plus {@link openWindow} for scripts.
 *
 * @example
 * ```ts
 * import { lineChart } from "@better-gradients/lib/plot";
 * import assert from "node:assert/strict";
 *
 * const fig = await lineChart({ loss: [1, 0.5, 0.25] }, { yScale: "log" });
 * assert.ok(fig.svg.startsWith("<svg"));
 * ```
 *
 * @module
 */

export { type Displayable, jupyterDisplay, type MimeBundle } from "../base/mime.ts";
export {
  type CompiledSpec,
  compileVegaLite,
  type Figure,
  figure,
  type FigureOptions,
  type PlotlyFigure,
  renderSvg,
  SLIDERS_NOTE,
  UNDRAWN_HINT,
  VEGA_LITE_MIME,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./figure.ts";
export type { ChartOptions, DomainOptions, ScaleOptions } from "./axes.ts";
export * from "./line.ts";
export * from "./surface.ts";
export * from "./bars.ts";
export * from "./small_multiples.ts";
export { openWindow, type OpenWindowOptions, type PlotWindow, toPlotly } from "./window.ts";
export * from "./explorable.ts";
export {
  closedForm,
  type ClosedFormCurve,
  type ClosedFormOptions,
  type DataSource,
  precomputed,
  type PrecomputedOptions,
  type RunOutput,
  type SampledVariable,
  sliderGrid,
  type SliderValues,
} from "./sources.ts";
export {
  mathLabel,
  type Method,
  METHOD_COLORS,
  methodOf,
  SERIES_PALETTE,
  seriesColors,
} from "./theme.ts";
