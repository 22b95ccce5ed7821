/**
 * Explorables: figures with sliders that redraw at once, in the browser, with
 * no kernel behind them.
 *
 * An explorable is one transformation of chart specs: each panel is the spec
 * of a chart preset (`lineChartSpec`, `lossSurfaceSpec`) drawn from a data
 * source that depends on sliders — a closed form evaluated per point as Vega
 * expressions (`closedForm`), or runs precomputed in the notebook for every
 * setting and picked by a filter on the slider values (`precomputed`).
 * `explorable` lays the panels out, turns every slider into a Vega-Lite v5
 * parameter bound to a range input (`bind: { input: "range" }`) and adds a
 * settings line under the title. The spec carries everything it needs, so the
 * figure stays live in JupyterLab 4, Notebook 7 and the course site, offline.
 *
 * The SVG in the same MIME bundle is rendered with every slider at its
 * default, and the title carries a line with those settings, so a static
 * viewer (GitHub, nbconvert) still shows a correct, labelled picture.
 *
 * @module
 */

import type * as vega from "vega";
import { show } from "../_validate.ts";
import { ROW_WIDTH } from "./theme.ts";
import { loadVega } from "../_lazy.ts";
import { checkExpression, checkSlider, checkSliders, type Slider, wholeSteps } from "./sliders.ts";

export { checkSliders, type Slider, sliderValues } from "./sliders.ts";
import {
  compileVegaLite,
  type Figure,
  figure,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./figure.ts";

/** UTF-8 bytes of a value as JSON. */
function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

/** Options of {@link explorable}. */
export interface ExplorableOptions {
  /**
   * The figure's title (first line); the second line shows the slider settings.
   * @default {none: only the settings line}
   */
  title?: string;
  /**
   * A Vega expression for the settings line under the title, e.g.
   * `"'β₂ = ' + format(1 - pow(10, k), '.3f')"`.
   * @default {"label = value" for every slider, e.g. "α = 0.90 · t = 9"}
   */
  caption?: string;
  /**
   * The one-line `text/plain` description.
   * @default {the title and the sliders with their ranges and defaults}
   */
  description?: string;
  /**
   * Panels per row; more panels wrap onto further rows.
   * @default {as many as fit in about 460 px, so that a phone shows the
   *   figure with legible labels: one per row at the panels' default width}
   */
  columns?: number;
  /**
   * The most bytes the spec (JSON, UTF-8, inline data included) may take.
   * @default {1_000_000}
   */
  maxBytes?: number;
}

/** A rendered explorable: a {@link Figure} whose spec has bound range parameters. */
export interface ExplorableFigure extends Figure {
  /** The sliders, in the order they appear under the figure. */
  readonly sliders: readonly Slider[];
  /** Size of the spec as JSON in UTF-8 bytes (what a notebook or page stores). */
  readonly bytes: number;
}

/** What one panel draws for one setting of the sliders: per series, the points in order. */
export type PanelData = Record<string, SeriesData>;

/** The points of one series as drawn, in order of `i`. */
export interface SeriesData {
  /** The index along the curve (sampled variable or step). */
  i: number[];
  /** The x values. */
  x: number[];
  /** The y values. */
  y: number[];
}

/** The settings line: `'α = ' + format(alpha, '.2f') + '   ' + …`. */
function defaultCaption(sliders: readonly Required<Slider>[]): string {
  return sliders
    .map((s) =>
      `${JSON.stringify(`${s.label} = `)} + format(${s.name}, ${JSON.stringify(s.format)})`
    )
    .join(" + ' · ' + ");
}

function describeSliders(sliders: readonly Required<Slider>[]): string {
  return sliders
    .map((s) => `${s.label} ∈ [${s.min}, ${s.max}] step ${s.step} (shown at ${s.value})`)
    .join(", ");
}

function sameSlider(a: Required<Slider>, b: Required<Slider>): boolean {
  return a.min === b.min && a.max === b.max && a.step === b.step && a.value === b.value &&
    a.label === b.label && a.format === b.format;
}

/**
 * Makes an explorable figure: the panels side by side (or in rows of
 * `columns`), one range slider per distinct slider of the panels, a title
 * whose second line shows the current settings, and the static SVG rendered
 * at the sliders' defaults.
 *
 * In JupyterLab 4 and Notebook 7 the `application/vnd.vegalite.v5+json`
 * output draws the sliders under the figure, and dragging one re-evaluates
 * the panels in the browser: no kernel is needed, so the figure also works
 * in the built course pages and in a notebook whose kernel has stopped.
 *
 * @param panels One panel or several: chart specs over a data source, e.g.
 *   `lineChartSpec(closedForm(…), …)` or
 *   `lossSurfaceSpec(f, { trajectories: precomputed(…) })`.
 * @param options See {@link ExplorableOptions}.
 * @returns The figure, with its sliders and its size in bytes.
 * @throws {RangeError} when two panels define a slider of the same name
 *   differently, or the spec is larger than `maxBytes`.
 * @throws {Error} when vega-lite rejects a panel.
 *
 * @example An EMA's weights, with a slider for α
 * ```ts
 * import { closedForm, emaWeights, explorable, explorableData, lineChartSpec } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const alpha = { name: "alpha", label: "α", min: 0.5, max: 0.98, step: 0.02, value: 0.9 };
 * const weights = closedForm([alpha], {
 *   variable: { name: "s", from: 0, to: 19 },
 *   curves: [{ name: "weight", y: "pow(alpha, 19 - datum.s) * (1 - alpha)" }],
 * });
 * const fig = await explorable(lineChartSpec(weights, { mark: "stem" }), { title: "EMA weights" });
 * assert.equal(fig.sliders[0].value, 0.9);
 * assert.match(fig.svg, /α = 0\.90/); // the static picture names its setting
 * const [panel] = await explorableData(fig, { alpha: 0.5 });
 * const lib = emaWeights(19, 0.5);
 * panel.weight.y.forEach((w, s) => assert.ok(Math.abs(w - lib[s]) < 1e-15));
 * ```
 */
export async function explorable(
  panels: VegaLiteSpec | readonly VegaLiteSpec[],
  options: ExplorableOptions = {},
): Promise<ExplorableFigure> {
  const list = Array.isArray(panels) ? panels : [panels as VegaLiteSpec];
  if (list.length === 0) throw new RangeError("`panels` must hold at least one panel, got none");
  const known = ["title", "caption", "description", "columns", "maxBytes"];
  if (options === null || typeof options !== "object") {
    throw new TypeError(`\`explorable\` options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `\`explorable\` has no option \`${key}\`; known options: ${known.join(", ")}`,
      );
    }
  }
  const sliders: Required<Slider>[] = [];
  const bodies = list.map((panel, p) => {
    const meta = (panel as { usermeta?: { sliders?: unknown } } | null)?.usermeta;
    if (
      panel === null || typeof panel !== "object" || Array.isArray(panel) ||
      meta === null || typeof meta !== "object" || !Array.isArray(meta.sliders)
    ) {
      throw new TypeError(
        `\`panels[${p}]\` must be a chart spec over a data source (e.g. \`lineChartSpec(closedForm(…))\`, ` +
          `\`lossSurfaceSpec(f, { trajectories: precomputed(…) })\`), got ${show(panel)}`,
      );
    }
    if ("params" in panel) {
      throw new TypeError(`\`panels[${p}]\` must have no \`params\`: explorable adds them`);
    }
    for (const s of checkSliders(`panels[${p}] sliders`, meta.sliders)) {
      const other = sliders.find((o) => o.name === s.name);
      if (other === undefined) sliders.push(s);
      else if (!sameSlider(other, s)) {
        throw new RangeError(
          `\`panels[${p}]\` defines slider ${show(s.name)} differently from an earlier panel; ` +
            `pass the same slider object to every source that uses it`,
        );
      }
    }
    const { $schema: _schema, usermeta: _meta, ...body } = structuredClone(panel) as Record<
      string,
      unknown
    >;
    return { ...body, name: `p${p}` } as { name: string; width?: unknown };
  });
  const title = options.title;
  if (title !== undefined && typeof title !== "string") {
    throw new TypeError(`\`title\` must be a string, got ${show(title)}`);
  }
  const caption = options.caption === undefined
    ? defaultCaption(sliders)
    : checkExpression("caption", options.caption, sliders);
  const columns = options.columns;
  if (columns !== undefined && !(Number.isInteger(columns) && columns >= 1)) {
    throw new RangeError(`\`columns\` must be an integer >= 1, got ${show(columns)}`);
  }
  const maxBytes = options.maxBytes ?? 1_000_000;
  if (!(Number.isInteger(maxBytes) && maxBytes > 0)) {
    throw new RangeError(`\`maxBytes\` must be an integer > 0, got ${show(maxBytes)}`);
  }

  const named = bodies;
  const perRow = columns ?? fittingColumns(named);
  const body = named.length === 1
    ? named[0]
    : perRow >= named.length
    ? { hconcat: named, spacing: 24 }
    : { concat: named, columns: perRow, spacing: 24 };
  // Panels keep their own colours and legends (vega-lite would merge them across a concat).
  const resolve = named.length === 1 ? {} : {
    resolve: {
      scale: { color: "independent", strokeDash: "independent" },
      legend: { color: "independent", strokeDash: "independent" },
    },
  };
  const spec = {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: { expr: title === undefined ? caption : `[${JSON.stringify(title)}, ${caption}]` },
      anchor: "start",
    },
    params: sliders.map((s) => ({
      name: s.name,
      value: s.value,
      bind: { input: "range", min: s.min, max: s.max, step: s.step, name: `${s.label} ` },
    })),
    ...body,
    ...resolve,
  } as unknown as VegaLiteSpec;
  const description = options.description ??
    `explorable${title === undefined ? "" : ` "${title}"`}: ${list.length} panel${
      list.length === 1 ? "" : "s"
    }; sliders ${describeSliders(sliders)}`;
  // An estimate before rendering (the theme adds well under a kilobyte), so that an
  // oversized grid is refused before vega spends time on it.
  const estimate = jsonBytes(spec);
  if (estimate > maxBytes) throw tooLarge(maxBytes, estimate);
  const fig = await figure(spec, { description });
  const bytes = jsonBytes(fig.spec);
  if (bytes > maxBytes) throw tooLarge(maxBytes, bytes);
  return Object.freeze({
    ...fig,
    sliders: Object.freeze(sliders.map((s) => Object.freeze(s))),
    bytes,
  });
}

function tooLarge(maxBytes: number, bytes: number): RangeError {
  return new RangeError(
    `the explorable's spec must be at most \`maxBytes\` = ${maxBytes} bytes, got ${bytes}; ` +
      `use a coarser grid (larger slider steps), shorter runs or fewer points`,
  );
}

/**
 * How many panels fit side by side in {@link ROW_WIDTH}: each takes its width
 * plus about 70 px of axis and spacing (at least one per row).
 */
function fittingColumns(panels: readonly { width?: unknown }[]): number {
  const widest = Math.max(...panels.map((p) => typeof p.width === "number" ? p.width : 360));
  return Math.max(1, Math.floor(ROW_WIDTH / (widest + 70)));
}

/** The sliders of an explorable's spec: its top-level params bound to range inputs. */
function slidersOf(spec: VegaLiteSpec): Required<Slider>[] {
  const params = (spec as { params?: unknown[] }).params ?? [];
  const out: Required<Slider>[] = [];
  for (const p of params as Record<string, unknown>[]) {
    const bind = p.bind as Record<string, unknown> | undefined;
    if (bind?.input !== "range") continue;
    out.push(checkSlider(`params ${show(p.name)}`, {
      name: p.name,
      min: bind.min,
      max: bind.max,
      step: bind.step,
      value: p.value,
    }));
  }
  return out;
}

interface SceneNode {
  marktype?: string;
  name?: string;
  items?: SceneNode[];
  datum?: Record<string, unknown>;
}

/**
 * What an explorable draws for a setting of its sliders, read back from
 * Vega's own evaluation of the spec (a headless Vega view, as in the
 * browser): for each panel, each series' points in order. Use it to check
 * that the picture is right, e.g. that the default view equals a run of the
 * library.
 *
 * Rows are collected from the marks of each panel whose data carries a
 * string `series` and numeric `x` and `y` (contours and reference lines are
 * left out); points drawn by two marks (a stem's rule and dot) count once.
 *
 * @param fig An explorable figure, or its spec.
 * @param values Slider values to set, by name; the others stay at their defaults.
 * @returns One {@link PanelData} per panel, in panel order.
 * @throws {RangeError} for an unknown slider name or a value off its grid.
 *
 * @example
 * ```ts
 * import { closedForm, explorable, explorableData, lineChartSpec } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const k = { name: "k", min: 1, max: 3, step: 1, value: 2 };
 * const fig = await explorable(lineChartSpec(closedForm([k], {
 *   variable: { name: "x", from: 0, to: 4 },
 *   curves: [{ name: "power", y: "pow(datum.x, k)" }],
 * })));
 * assert.deepEqual((await explorableData(fig))[0].power.y, [0, 1, 4, 9, 16]);
 * assert.deepEqual((await explorableData(fig, { k: 3 }))[0].power.y, [0, 1, 8, 27, 64]);
 * ```
 */
export async function explorableData(
  fig: ExplorableFigure | VegaLiteSpec,
  values: Readonly<Record<string, number>> = {},
): Promise<PanelData[]> {
  if (fig === null || typeof fig !== "object" || Array.isArray(fig)) {
    throw new TypeError(`\`fig\` must be an explorable figure or its spec, got ${show(fig)}`);
  }
  const spec = (fig as ExplorableFigure).spec !== undefined && "svg" in fig
    ? (fig as ExplorableFigure).spec
    : fig as VegaLiteSpec;
  const sliders = slidersOf(spec);
  for (const [name, v] of Object.entries(values)) {
    const s = sliders.find((x) => x.name === name);
    if (s === undefined) {
      throw new RangeError(
        `\`values\` names ${show(name)}, which is not a slider; sliders: ${
          sliders.map((x) => x.name).join(", ") || "none"
        }`,
      );
    }
    if (
      typeof v !== "number" || !(v >= s.min - 1e-12 && v <= s.max + 1e-12) ||
      wholeSteps(v - s.min, s.step) < 0
    ) {
      throw new RangeError(
        `\`values.${name}\` must be one of ${s.min} + k·${s.step} in [${s.min}, ${s.max}], got ${
          show(v)
        }`,
      );
    }
  }
  // One headless view per frozen spec (an explorable's), reused by later calls one at a time:
  // parsing a spec with a large grid costs far more than re-running it for new slider values.
  const cached = Object.isFrozen(spec) ? views.get(spec) : undefined;
  const entry = cached ?? { view: headlessView(spec), queue: Promise.resolve() };
  if (cached === undefined && Object.isFrozen(spec)) views.set(spec, entry);
  const run = entry.queue.then(async () => readView(await entry.view, spec, sliders, values));
  entry.queue = run.then(() => {}, () => {});
  try {
    return await run;
  } finally {
    if (cached === undefined && !Object.isFrozen(spec)) (await entry.view).finalize();
  }
}

const views = new WeakMap<object, { view: Promise<vega.View>; queue: Promise<void> }>();

async function headlessView(spec: VegaLiteSpec): Promise<vega.View> {
  const { vega: vgSpec } = await compileVegaLite(structuredClone(spec) as VegaLiteSpec);
  const { vega: vg } = await loadVega();
  return new vg.View(vg.parse(vgSpec), { renderer: "none" });
}

/** Sets every slider (to `values` or its default), runs the view and collects the drawn rows. */
async function readView(
  view: vega.View,
  spec: VegaLiteSpec,
  sliders: readonly Required<Slider>[],
  values: Readonly<Record<string, number>>,
): Promise<PanelData[]> {
  for (const s of sliders) view.signal(s.name, values[s.name] ?? s.value);
  await view.runAsync();
  const panels: PanelData[] = [];
  const seen = new Set<object>();
  const visit = (node: SceneNode) => {
    if (node.marktype !== undefined && node.marktype !== "group" && node.name) {
      const m = /^p(\d+)_/.exec(node.name);
      if (m !== null) {
        const p = Number(m[1]);
        for (const item of node.items ?? []) {
          const d = item.datum;
          if (
            d === undefined || seen.has(d) || typeof d.series !== "string" ||
            typeof d.x !== "number" || typeof d.y !== "number"
          ) continue;
          seen.add(d);
          while (panels.length <= p) panels.push({});
          const series = panels[p][d.series] ??= { i: [], x: [], y: [] };
          series.i.push(typeof d.i === "number" ? d.i : series.i.length);
          series.x.push(d.x);
          series.y.push(d.y);
        }
      }
    }
    for (const child of node.items ?? []) visit(child);
  };
  visit((view.scenegraph() as unknown as { root: SceneNode }).root);
  for (const panel of panels) {
    for (const s of Object.values(panel)) {
      const order = s.i.map((_, k) => k).sort((a, b) => s.i[a] - s.i[b]);
      s.i = order.map((k) => s.i[k]);
      s.x = order.map((k) => s.x[k]);
      s.y = order.map((k) => s.y[k]);
    }
  }
  const count = (spec as { hconcat?: unknown[]; concat?: unknown[] }).hconcat?.length ??
    (spec as { concat?: unknown[] }).concat?.length ?? 1;
  while (panels.length < count) panels.push({});
  return panels;
}
