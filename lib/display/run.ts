/**
 * Rich display of training runs: a summary and per-step excerpt as tables,
 * a comparison table of several runs, and their curves as small multiples.
 *
 * These functions read a run structurally (see {@link RunRecord}), so they
 * work with the records of the library's training loop and with a notebook's
 * own `{ loss, gradNorm, stepNorm, stopped, steps }` traces alike.
 *
 * @module
 */

import { knownKeys, show } from "../_validate.ts";
import { type Figure } from "../plot/figure.ts";
import { type Panel, smallMultiples } from "../plot/small_multiples.ts";
import { formatNumber } from "../base/format.ts";
import { RichValue } from "../base/mime.ts";
import { type Row, Table } from "./table.ts";

/**
 * The parts of a training run these displays read. The `TrainingRun` records
 * of the library's `train` have all of them.
 */
export interface RunRecord {
  /** A label for the run, e.g. the optimizer's name. */
  readonly name?: string;
  /** The optimizer's name, shown when it differs from `name`. */
  readonly optimizer?: string;
  /** The problem's name. */
  readonly problem?: string;
  /** Steps taken. */
  readonly steps: number;
  /**
   * The loss at the end.
   * @default {the last entry of `loss`}
   */
  readonly finalLoss?: number;
  /** Why the run stopped, e.g. `"converged at step 41"`. */
  readonly stopped?: string;
  /** The same as `stopped`, under the other name records use. */
  readonly stopReason?: string;
  /** The loss per step (E(w_0), E(w_1), …). */
  readonly loss: ArrayLike<number>;
  /** The gradient norm ‖g_t‖ per step. */
  readonly gradNorm?: ArrayLike<number>;
  /** The step length ‖w_{t+1} − w_t‖ per step. */
  readonly stepNorm?: ArrayLike<number>;
  /** The learning rate η_t per step (NaN where the optimizer has none). */
  readonly lr?: ArrayLike<number>;
  /** Cumulative wall time in milliseconds after each step. */
  readonly time?: ArrayLike<number>;
}

const SERIES = [
  ["loss", "loss"],
  ["gradNorm", "‖g‖"],
  ["stepNorm", "‖Δw‖"],
  ["lr", "η"],
] as const;

function checkRun(run: unknown, name: string): RunRecord {
  if (run === null || typeof run !== "object") {
    throw new TypeError(`\`${name}\` must be a run record { steps, loss, … }, got ${show(run)}`);
  }
  const r = run as RunRecord;
  if (typeof r.steps !== "number" || !Number.isInteger(r.steps) || r.steps < 0) {
    throw new TypeError(`\`${name}.steps\` must be an integer >= 0, got ${show(r.steps)}`);
  }
  for (const [key] of [...SERIES, ["time"]] as const) {
    const v = r[key];
    if (v === undefined && key !== "loss") continue;
    if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) {
      throw new TypeError(`\`${name}.${key}\` must be an array of numbers, got ${show(v)}`);
    }
    const most = r.steps + 1;
    if (key === "loss" && v.length !== r.steps && v.length !== most) {
      throw new RangeError(
        `\`${name}.loss\` must hold steps + 1 = ${most} values (E(w_0) … E(w_${r.steps})) or steps = ${r.steps}, got ${v.length}`,
      );
    }
    if (v.length > most) {
      throw new RangeError(
        `\`${name}.${key}\` must hold at most steps + 1 = ${most} values, got ${v.length}`,
      );
    }
    for (let t = 0; t < v.length; t++) {
      if (typeof v[t] !== "number") {
        throw new TypeError(`\`${name}.${key}[${t}]\` must be a number, got ${show(v[t])}`);
      }
    }
  }
  for (const key of ["name", "optimizer", "problem", "stopped", "stopReason"] as const) {
    if (r[key] !== undefined && typeof r[key] !== "string") {
      throw new TypeError(`\`${name}.${key}\` must be a string, got ${show(r[key])}`);
    }
  }
  return r;
}

function stopReason(r: RunRecord): string {
  return r.stopped ?? r.stopReason ?? "";
}

function finalLoss(r: RunRecord): number {
  return r.finalLoss ?? (r.loss.length ? r.loss[r.loss.length - 1] : NaN);
}

function best(r: RunRecord): { value: number; step: number } {
  let value = Infinity;
  let step = -1;
  for (let t = 0; t < r.loss.length; t++) {
    if (r.loss[t] < value) {
      value = r.loss[t];
      step = t;
    }
  }
  return { value: step < 0 ? NaN : value, step };
}

/** Options of {@link displayRun}. */
export interface DisplayRunOptions {
  /**
   * The run's label.
   * @default {run.name, or "run"}
   */
  name?: string;
  /**
   * Steps shown at each end of the per-step excerpt.
   * @default {3}
   */
  excerpt?: number;
  /**
   * Significant digits shown.
   * @default {4}
   */
  precision?: number;
}

/**
 * Shows a training run as a cell's result: a summary table (steps, final and
 * best loss, why it stopped, last gradient norm and step length, learning-rate
 * range) and the first and last few steps of its per-step series.
 *
 * @param run The run (see {@link RunRecord}).
 * @param options See {@link DisplayRunOptions}.
 * @returns A displayable value with `text/html`, `text/markdown` and `text/plain`.
 *
 * @example
 * ```ts
 * import { displayRun, jupyterDisplay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const run = {
 *   name: "sgd",
 *   steps: 3,
 *   stopped: "step limit (3)",
 *   loss: [1, 0.5, 0.25, 0.125],
 *   gradNorm: new Float64Array([2, 1, 0.5]),
 * };
 * const text = String(displayRun(run));
 * assert.match(text, /final loss\s+0\.125/);
 * assert.match(text, /stopped\s+step limit \(3\)/);
 * assert.ok((displayRun(run)[jupyterDisplay]()["text/html"] as string).includes("<table>"));
 * ```
 */
export function displayRun(run: RunRecord, options: DisplayRunOptions = {}): RichValue {
  knownKeys("displayRun", options, ["name", "excerpt", "precision"]);
  const r = checkRun(run, "run");
  const precision = options.precision ?? 4;
  const excerpt = options.excerpt ?? 3;
  if (!Number.isInteger(excerpt) || excerpt < 1) {
    throw new RangeError(`\`excerpt\` must be an integer >= 1, got ${show(excerpt)}`);
  }
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) {
    throw new TypeError(`\`name\` must be a non-empty string, got ${show(options.name)}`);
  }
  const name = options.name ?? r.name ?? "run";
  const fmt = (x: number) => formatNumber(x, { precision });
  const b = best(r);
  const last = (s?: ArrayLike<number>) => (s && s.length ? fmt(s[s.length - 1]) : undefined);
  const facts: [string, string | undefined][] = [
    ["problem", r.problem],
    ["optimizer", r.optimizer !== undefined && r.optimizer !== name ? r.optimizer : undefined],
    ["steps", String(r.steps)],
    ["final loss", fmt(finalLoss(r))],
    ["best loss", b.step < 0 ? undefined : `${fmt(b.value)} (step ${b.step})`],
    ["stopped", stopReason(r) || undefined],
    ["last ‖g‖", last(r.gradNorm)],
    ["last ‖Δw‖", last(r.stepNorm)],
    ["η", r.lr ? lrRange(r.lr, fmt) : undefined],
    ["time", r.time && r.time.length ? `${fmt(r.time[r.time.length - 1])} ms` : undefined],
  ];
  const summary = new Table(
    facts.filter(([, v]) => v !== undefined).map(([k, v]) => ({ [name]: k, "": v })),
    { columns: [name, ""] },
  );
  const present = SERIES.filter(([key]) => hasValues(r[key]));
  const length = Math.max(...present.map(([key]) => r[key]!.length));
  const rowAt = (t: number): Row =>
    Object.fromEntries([
      ["step", t],
      ...present.map(([key, label]) => [label, t < r[key]!.length ? r[key]![t] : null]),
    ]);
  const steps = length <= 2 * excerpt + 1 ? Array.from({ length }, (_, t) => rowAt(t)) : [
    ...Array.from({ length: excerpt }, (_, t) => rowAt(t)),
    { step: "…" },
    ...Array.from({ length: excerpt }, (_, k) => rowAt(length - excerpt + k)),
  ];
  const perStep = new Table(steps, { columns: ["step", ...present.map(([, l]) => l)], precision });
  return new RichValue({
    "text/html": `<div>\n${summary.toHtml()}\n${perStep.toHtml()}\n</div>`,
    "text/markdown": `${summary.toMarkdown()}\n\n${perStep.toMarkdown()}`,
    "text/plain": `${summary.toText()}\n\n${perStep.toText()}`,
  });
}

/** True when `series` has at least one number that is not NaN (an optimizer without η records NaN). */
function hasValues(series: ArrayLike<number> | undefined): boolean {
  if (series === undefined) return false;
  for (let t = 0; t < series.length; t++) if (!Number.isNaN(series[t])) return true;
  return false;
}

/** "0.1", or "0.1 → 0.01 (range 0.01 … 0.1)" for a schedule; undefined when there is no η. */
function lrRange(lr: ArrayLike<number>, fmt: (x: number) => string): string | undefined {
  const values = Array.from(lr).filter((v) => !Number.isNaN(v));
  if (values.length === 0) return undefined;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const first = values[0];
  const last = values[values.length - 1];
  return lo === hi ? fmt(lo) : `${fmt(first)} → ${fmt(last)} (range ${fmt(lo)} … ${fmt(hi)})`;
}

/** Runs given as a list (labelled by their `name`) or as an object of label → run. */
export type RunsInput = readonly RunRecord[] | Readonly<Record<string, RunRecord>>;

function labelled(runs: RunsInput): [string, RunRecord][] {
  if (runs === null || typeof runs !== "object") {
    throw new TypeError(
      `\`runs\` must be an array of runs or an object of name → run, got ${show(runs)}`,
    );
  }
  const list: [string, RunRecord][] = Array.isArray(runs)
    ? runs.map((r, i) => [checkRun(r, `runs[${i}]`).name ?? `run ${i}`, r])
    : Object.entries(runs).map(([k, r]) => [k, checkRun(r, `runs.${k}`)]);
  if (list.length === 0) throw new RangeError("`runs` must hold at least one run, got none");
  const seen = new Set<string>();
  for (const [n] of list) {
    if (seen.has(n)) throw new RangeError(`\`runs\` has two runs named ${show(n)}`);
    seen.add(n);
  }
  return list;
}

/**
 * One row per run: steps, final loss, best loss and why it stopped; a
 * shoot-out's summary.
 *
 * @param runs The runs: a list (labelled by `name`) or an object of label → run.
 * @param options Significant digits shown (default 4).
 * @returns The table.
 *
 * @example
 * ```ts
 * import { runsTable } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const t = runsTable({
 *   sgd: { steps: 2, loss: [1, 0.5, 0.25], stopped: "step limit (2)" },
 *   adam: { steps: 1, loss: [1, 0.1], stopped: "converged at step 1" },
 * });
 * assert.deepEqual(t.columns, ["run", "steps", "final loss", "best loss", "stopped"]);
 * assert.deepEqual(t.cells[1], ["adam", "1", "0.1", "0.1", "converged at step 1"]);
 * ```
 */
export function runsTable(runs: RunsInput, options: { precision?: number } = {}): Table {
  knownKeys("runsTable", options, ["precision"]);
  return new Table(
    labelled(runs).map(([name, r]) => ({
      run: name,
      steps: r.steps,
      "final loss": finalLoss(r),
      "best loss": best(r).value,
      stopped: stopReason(r),
    })),
    { precision: options.precision },
  );
}

/** Options of {@link runChart}. */
export interface RunChartOptions {
  /**
   * The title above the panels.
   * @default {none}
   */
  title?: string;
  /**
   * Scale of the y axes; points ≤ 0 cannot be drawn on `"log"`.
   * @default {"log"}
   */
  yScale?: "linear" | "log";
  /**
   * Panels per row.
   * @default {2}
   */
  columns?: number;
}

/**
 * The per-step series of one or several runs as small multiples: a panel each
 * for the loss, ‖g‖, ‖Δw‖ and η (those the runs have), one line per run, each
 * panel with its own y range.
 *
 * @param runs One run, a list (labelled by `name`) or an object of label → run.
 * @param options See {@link RunChartOptions}.
 * @returns The figure.
 *
 * @example
 * ```ts
 * import { runChart } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const fig = await runChart({ name: "sgd", steps: 2, loss: [1, 0.5, 0.25], gradNorm: [2, 1] });
 * assert.match(fig.description, /2 panels \(loss, ‖g‖\)/);
 * ```
 */
export async function runChart(
  runs: RunRecord | RunsInput,
  options: RunChartOptions = {},
): Promise<Figure> {
  knownKeys("runChart", options, ["title", "yScale", "columns"]);
  const single = runs !== null && typeof runs === "object" && !Array.isArray(runs) &&
    "loss" in runs && "steps" in runs;
  const list = single ? labelled([runs as RunRecord]) : labelled(runs as RunsInput);
  const panels: Panel[] = SERIES.flatMap(([key, label]) => {
    const series = list
      .filter(([, r]) => hasValues(r[key]))
      .map(([name, r]) => ({ name, y: r[key]! }));
    return series.length ? [{ title: label, series }] : [];
  });
  return await smallMultiples(panels, {
    title: options.title,
    yScale: options.yScale ?? "log",
    columns: options.columns ?? 2,
    sharedY: false,
    yLabel: "",
    width: 260,
    height: 150,
  });
}
