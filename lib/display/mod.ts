/**
 * Rich displays for Jupyter: tables, formulas, weights tables and training
 * runs, with the number formatting and MIME bundles they share with the
 * figures (lib/base).
 *
 * @example
 * ```ts
 * import { formatNumber, jupyterDisplay, table } from "@better-gradients/lib/display";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatNumber(1.5e-7), "1.5e-7");
 * const t = table([{ lr: 0.1, loss: 0.25 }]);
 * assert.match(t[jupyterDisplay]()["text/html"] as string, /<table/);
 * ```
 *
 * @module
 */

export * from "../base/mime.ts";
export * from "../base/format.ts";
export * from "./table.ts";
export * from "./math.ts";
export * from "./weights_table.ts";
export * from "./run.ts";
export {
  type UnitRow,
  UPDATE_RULES,
  type UpdateRule,
  type UpdateUnits,
} from "../analysis/units.ts";
export type { Figure, PlotlyFigure, VegaLiteSpec } from "../plot/figure.ts";
export type { ProgressReport, ProgressTarget } from "./progress.ts";
