/**
 * Figures: a Vega-Lite spec rendered to SVG in-process, shown richly in
 * Jupyter and openable in a browser window.
 *
 * Every chart of this library is made in two steps, so that lessons can build
 * on the specs (for instance to bind Vega-Lite params to sliders):
 *
 * 1. a *spec builder* (`lineChartSpec`, `lossSurfaceSpec`, …) returns a plain
 *    Vega-Lite v5 spec with its data inlined, rounded and subsampled;
 * 2. {@link figure} turns any Vega-Lite v5 spec into a {@link Figure}: it
 *    compiles the spec with vega-lite, renders the SVG with vega (no browser,
 *    no network) and keeps both.
 *
 * The chart functions (`lineChart`, `lossSurface`, …) do both steps at once.
 *
 * @module
 */

import type * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import { knownKeys, show } from "../_validate.ts";
import { loadVega } from "../_lazy.ts";
import { applyTheme } from "./theme.ts";
import { type Displayable, jupyterDisplay, type MimeBundle } from "../base/mime.ts";

/** A Vega-Lite v5 top-level spec, as typed by the `vega-lite` package. */
export type VegaLiteSpec = TopLevelSpec;

/** The `$schema` of every spec made here: Vega-Lite v5. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** The MIME type under which JupyterLab 4 and Notebook 7 render Vega-Lite v5 interactively. */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/**
 * Layers whose `name` starts with this prefix are drawn only by interactive
 * renderers (hover points and tooltips, which would be invisible clutter in a
 * still image). {@link figure} leaves them out of the SVG and keeps them in the
 * Vega-Lite spec. Such a layer must not be referenced from other layers.
 */
export const INTERACTIVE_LAYER_PREFIX = "interactive_";

/**
 * A figure in Plotly's terms, for the browser window (`openWindow`): traces
 * and a layout as `Plotly.newPlot(element, data, layout)` takes them.
 */
export interface PlotlyFigure {
  /** The traces. */
  data: Record<string, unknown>[];
  /** The layout. */
  layout: Record<string, unknown>;
}

/** Options of {@link figure}. */
export interface FigureOptions {
  /**
   * A one-line description, shown as the figure's `text/plain`.
   * @default {the spec's title or description}
   */
  description?: string;
  /**
   * The same figure as Plotly traces, used by `openWindow`. The chart
   * functions of this library provide it; without it the window shows the SVG.
   * @default {undefined}
   */
  plotly?: PlotlyFigure;
}

/**
 * A rendered figure. Its SVG was rendered when the figure was made (by the
 * `await`-ed {@link figure}), so showing it is synchronous: as a Jupyter cell's
 * result, or with `await Deno.jupyter.display(fig)`, it sends a MIME bundle
 * with
 *
 * - `application/vnd.vegalite.v5+json`: the spec, which JupyterLab 4 and
 *   Notebook 7 render with tooltips and zoom (drag to pan, wheel to zoom);
 * - `text/markdown`: the SVG as an image, with a note on where an
 *   explorable's sliders work (the classic Notebook, nbconvert's HTML);
 * - `image/svg+xml`: the static SVG (other notebook viewers, GitHub);
 * - `text/plain`: a one-line description ending in {@link UNDRAWN_HINT}.
 *
 * Figures are immutable; build a new one from a changed spec to change it.
 */
export interface Figure extends Displayable {
  /** The Vega-Lite v5 spec (frozen), including the interactive layers. */
  readonly spec: Readonly<VegaLiteSpec>;
  /** The SVG document, rendered once. Element ids are unique to this figure's content. */
  readonly svg: string;
  /** The one-line description (`text/plain`). */
  readonly description: string;
  /** The Plotly form of the figure, if its builder provided one. */
  readonly plotly?: Readonly<PlotlyFigure>;
  /** Warnings vega-lite gave when compiling the spec (none for this library's charts). */
  readonly warnings: readonly string[];
  /** The MIME bundle: Vega-Lite, `text/markdown`, `image/svg+xml`, `text/plain`. */
  toMimeBundle(): MimeBundle;
  /** The MIME bundle, for Deno's Jupyter kernel. */
  [jupyterDisplay](): MimeBundle;
  /** The description. */
  toString(): string;
}

/**
 * Turns a Vega-Lite v5 spec into a {@link Figure}: applies the course's
 * look (lib/plot/theme.ts: type sizes, one colour per method, subscripts in
 * titles, exponent ticks on log axes), sets the spec's `description` to the
 * figure's one-line description (its accessible name), compiles it with
 * vega-lite, renders its SVG with vega's headless renderer and keeps both.
 * The spec's data must be inline (`data.values` or `datasets`). Layers named
 * `interactive_…` (see {@link INTERACTIVE_LAYER_PREFIX}) are left out of the
 * SVG. Rendering the same spec twice gives the same SVG.
 *
 * @param spec A Vega-Lite v5 spec; `$schema` is added when missing.
 * @param options See {@link FigureOptions}.
 * @returns The rendered figure.
 * @throws {RangeError} when `$schema` names another Vega-Lite version.
 * @throws {Error} when vega-lite or vega reject the spec.
 *
 * @example
 * ```ts
 * import { figure, jupyterDisplay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const fig = await figure({
 *   title: "squares",
 *   data: { values: [{ x: 1, y: 1 }, { x: 2, y: 4 }, { x: 3, y: 9 }] },
 *   mark: "line",
 *   encoding: {
 *     x: { field: "x", type: "quantitative" },
 *     y: { field: "y", type: "quantitative" },
 *   },
 * });
 * const bundle = fig[jupyterDisplay]();
 * assert.ok(fig.svg.startsWith("<svg"));
 * assert.deepEqual(Object.keys(bundle).sort(), [
 *   "application/vnd.vegalite.v5+json",
 *   "image/svg+xml",
 *   "text/markdown",
 *   "text/plain",
 * ]);
 * assert.ok(String(bundle["text/plain"]).startsWith("Figure: squares (not drawn here"));
 * assert.match(String(bundle["text/markdown"]), /^!\[squares\]\(data:image\/svg\+xml;base64,/);
 * ```
 */
export async function figure(spec: VegaLiteSpec, options: FigureOptions = {}): Promise<Figure> {
  checkSpec(spec);
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`\`figure\` options must be an object, got ${show(options)}`);
  }
  knownKeys("figure", options, ["description", "plotly"]);
  if (
    options.description !== undefined &&
    (typeof options.description !== "string" || options.description.trim() === "")
  ) {
    throw new TypeError(
      `\`description\` must be a non-empty string, got ${show(options.description)}`,
    );
  }
  const plotlyOption = options.plotly as { data?: unknown; layout?: unknown } | undefined;
  if (
    plotlyOption !== undefined &&
    (plotlyOption === null || typeof plotlyOption !== "object" ||
      !Array.isArray(plotlyOption.data) || plotlyOption.layout === null ||
      typeof plotlyOption.layout !== "object" || Array.isArray(plotlyOption.layout))
  ) {
    throw new TypeError(
      `\`plotly\` must be an object { data: traces[], layout: {…} }, got ${show(plotlyOption)}`,
    );
  }
  const schema = (spec as { $schema?: unknown }).$schema;
  if (schema !== undefined && !/\/vega-lite\/v5(\.\d+){0,2}\.json$/.test(String(schema))) {
    throw new RangeError(
      `\`spec.$schema\` must be a Vega-Lite v5 schema (${VEGA_LITE_SCHEMA}), got ${show(schema)}`,
    );
  }
  const draft = structuredClone({ $schema: VEGA_LITE_SCHEMA, ...spec }) as VegaLiteSpec;
  const description = oneLine(options.description ?? describe(draft));
  // The accessible name of the SVG and of the interactive chart (see renderSvg).
  (draft as { description?: string }).description = description;
  const full = deepFreeze(applyTheme(draft));
  const warnings = (await compileVegaLite(full)).warnings;
  const svg = await renderSvg(full);
  const plotly = options.plotly === undefined
    ? undefined
    : deepFreeze(structuredClone(options.plotly));
  const markdown = staticMarkdown(svg, description, hasSliders(full));
  const text = `Figure: ${description} ${UNDRAWN_HINT}`;
  const bundle = (): MimeBundle => ({
    [VEGA_LITE_MIME]: full,
    "text/markdown": markdown,
    "image/svg+xml": svg,
    "text/plain": text,
  });
  return Object.freeze({
    spec: full,
    svg,
    description,
    plotly,
    warnings: Object.freeze(warnings),
    toMimeBundle: bundle,
    [jupyterDisplay]: bundle,
    toString: () => `Figure: ${description}`,
  });
}

/**
 * The end of every figure's `text/plain`: what a reader who sees only that line should do. The
 * classic Notebook shows an untrusted notebook's figures (a notebook executed by someone else)
 * as their text; every other front-end draws them.
 */
export const UNDRAWN_HINT =
  "(not drawn here: in the classic Notebook choose File › Trust Notebook, or run the cell)";

/**
 * The note under an explorable's still image in the front-ends that show the image rather than
 * the live chart (the classic Notebook, `jupyter nbconvert --to html`).
 */
export const SLIDERS_NOTE: string =
  "The sliders of this figure work in JupyterLab, in Notebook 7 and " +
  "on the course website; here it is shown at its default settings.";

/**
 * The figure as Markdown: the SVG as an image (a `data:` URL) and, for an explorable, where its
 * sliders work. Jupyter front-ends rank this type differently, which is the point:
 *
 * - JupyterLab 4 and Notebook 7 rank Vega-Lite (57) above Markdown (60) and SVG (80), so they
 *   draw the live chart;
 * - the classic Notebook 6 and nbconvert's HTML exporter take Markdown before SVG and so show the
 *   image. nbconvert 6.x's HTML cleaner empties an inline `<svg>` (jupyter/nbconvert#1849) but
 *   leaves an `<img>` alone.
 */
function staticMarkdown(svg: string, description: string, sliders: boolean): string {
  const alt = description.replace(/[\\[\]*_`$<>]/g, (c) => `\\${c}`);
  const image = `![${alt}](data:image/svg+xml;base64,${base64(svg)})`;
  return sliders ? `${image}\n\n*${SLIDERS_NOTE}*` : image;
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** True when the spec binds a param to an input (an explorable's sliders). */
function hasSliders(spec: VegaLiteSpec): boolean {
  const params = (spec as { params?: unknown }).params;
  return Array.isArray(params) &&
    params.some((p) => p !== null && typeof p === "object" && "bind" in p);
}

/**
 * Renders a Vega-Lite v5 spec to an SVG document, without the interactive
 * layers, with element ids made unique to the SVG's content (so several
 * figures inlined in one page do not share clip paths). The SVG is named for
 * screen readers (`role="img"`, `aria-label` and a `<title>`) by the spec's
 * `description`, else its title. Deterministic: the same spec always gives
 * the same string.
 *
 * @param spec A Vega-Lite v5 spec with inline data.
 * @returns The SVG document.
 *
 * @example
 * ```ts
 * import { renderSvg } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const spec = {
 *   data: { values: [{ k: "a", v: 1 }, { k: "b", v: 2 }] },
 *   mark: "bar" as const,
 *   encoding: {
 *     x: { field: "k", type: "nominal" as const },
 *     y: { field: "v", type: "quantitative" as const },
 *   },
 * };
 * assert.equal(await renderSvg(spec), await renderSvg(spec));
 * ```
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  checkSpec(spec);
  // A fresh copy: vega tags the data rows it ingests, and `spec` may be frozen.
  const copy = structuredClone(withoutInteractiveLayers(spec)) as VegaLiteSpec;
  const { vega: vgSpec } = await compileVegaLite(copy);
  const { vega } = await loadVega();
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  try {
    const { description } = spec as { description?: unknown };
    const name = typeof description === "string" && description.trim()
      ? description
      : describe(spec);
    return accessibleName(namespaceIds(await view.toSVG()), name);
  } finally {
    view.finalize();
  }
}

function checkSpec(spec: unknown): void {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TypeError(`\`spec\` must be a Vega-Lite spec object, got ${show(spec)}`);
  }
}

/** The result of {@link compileVegaLite}. */
export interface CompiledSpec {
  /** The Vega spec vega-lite produced. */
  vega: vega.Spec;
  /** vega-lite's warnings, one string each (empty for a clean spec). */
  warnings: string[];
}

/**
 * Compiles a Vega-Lite v5 spec to Vega with the pinned vega-lite, collecting
 * its warnings instead of printing them. Tests use it to check that a spec is
 * valid Vega-Lite v5 without warnings.
 *
 * @param spec A Vega-Lite v5 spec.
 * @returns The Vega spec and the warnings.
 * @throws {Error} when vega-lite reports an error.
 *
 * @example
 * ```ts
 * import { compileVegaLite } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const { warnings } = await compileVegaLite({
 *   data: { values: [{ x: 1 }] },
 *   mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" } },
 * });
 * assert.deepEqual(warnings, []);
 * ```
 */
export async function compileVegaLite(spec: VegaLiteSpec): Promise<CompiledSpec> {
  checkSpec(spec);
  const { vl } = await loadVega();
  const logger = new CollectingLogger();
  const out = vl.compile(spec, { logger });
  return { vega: out.spec as vega.Spec, warnings: logger.warnings };
}

class CollectingLogger {
  warnings: string[] = [];
  #level = 2;
  level(): number;
  level(value: number): this;
  level(value?: number): number | this {
    if (value === undefined) return this.#level;
    this.#level = value;
    return this;
  }
  error(...args: unknown[]): this {
    throw new Error(`vega-lite: ${args.map(String).join(" ")}`);
  }
  warn(...args: unknown[]): this {
    this.warnings.push(args.map(String).join(" "));
    return this;
  }
  info(): this {
    return this;
  }
  debug(): this {
    return this;
  }
}

/** A copy of `spec` without the layers named `interactive_…`, at any depth. */
function withoutInteractiveLayers(spec: unknown): unknown {
  if (Array.isArray(spec)) return spec.map(withoutInteractiveLayers);
  if (spec === null || typeof spec !== "object") return spec;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (key === "data" || key === "datasets") {
      out[key] = value; // never walk into the data
    } else if (key === "layer" && Array.isArray(value)) {
      out[key] = value
        .filter((layer) => !String(layer?.name ?? "").startsWith(INTERACTIVE_LAYER_PREFIX))
        .map(withoutInteractiveLayers);
    } else {
      out[key] = withoutInteractiveLayers(value);
    }
  }
  return out;
}

/**
 * vega numbers clip paths and gradients with a process-wide counter, so the
 * same figure rendered twice would differ and two figures inlined in one page
 * could collide. Renames every id to `bg<hash>-<k>`, with k in order of first
 * appearance and the hash taken over the SVG itself.
 */
function namespaceIds(svg: string): string {
  const pattern = /\bid="([^"]+)"|url\(#([^)]+)\)|href="#([^"]+)"/g;
  const ids = new Map<string, string>();
  const original = svg.replace(pattern, (match, id, url, href) => {
    const name = id ?? url ?? href;
    if (!ids.has(name)) ids.set(name, String(ids.size + 1));
    return match.replace(name, `\u0000${ids.get(name)}`);
  });
  const prefix = `bg${fnv1a(original)}-`;
  // deno-lint-ignore no-control-regex
  return original.replace(/\u0000(\d+)/g, (_, k) => prefix + k);
}

/** Names the SVG for screen readers: `role="img"`, `aria-label` and a `<title>` first child. */
function accessibleName(svg: string, name: string): string {
  const text = escapeXml(oneLine(name));
  return svg.replace(/^<svg([^>]*)>/, (_, attrs: string) => {
    const kept = attrs.replace(/\s(role|aria-label|aria-roledescription)="[^"]*"/g, "");
    return `<svg${kept} role="img" aria-label="${text}"><title>${text}</title>`;
  });
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

function describe(spec: VegaLiteSpec): string {
  const { title, description } = spec as { title?: unknown; description?: unknown };
  if (typeof title === "string" && title.trim()) return title;
  if (
    title && typeof title === "object" && typeof (title as { text?: unknown }).text === "string"
  ) {
    return (title as { text: string }).text;
  }
  if (typeof description === "string" && description.trim()) return description;
  return "Vega-Lite chart";
}

function oneLine(text: string): string {
  return String(text).replace(/\s+/g, " ").trim();
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
