/**
 * The look of every figure, in one place: a colour-blind-safe palette, one
 * colour per optimizer across the whole course, type sizes that stay legible
 * when a figure is shown at phone width, one tick format per axis, math-like
 * axis titles (w₁, not w1) and an accessible name. {@link figure} applies it
 * to every spec it renders, so charts, small multiples, loss surfaces and
 * explorables all look alike, and the Plotly form of a figure takes its
 * colours from the same place.
 *
 * Colours: the Okabe–Ito palette (Okabe & Ito, "Color Universal Design",
 * 2008), completed with three colours of Paul Tol's "muted" scheme, so that
 * each of the course's eleven methods has its own. Series named after a
 * method (`"notes' Adam"`, `"Adam (Kingma & Ba)"`, `"sgd + momentum"`) get
 * that method's colour in every chart; other series take the remaining
 * colours in order.
 *
 * @module
 */

import { show } from "../_validate.ts";

/** A method of the course with its own colour. */
export type Method =
  | "gradientDescent"
  | "notesMomentum"
  | "sgdMomentum"
  | "nesterov"
  | "notesRmsprop"
  | "rmsprop"
  | "adadelta"
  | "notesAdam"
  | "adam"
  | "adamw"
  | "adagrad";

/**
 * The colour of each method, the same in every figure of the course. The
 * notes' variant and PyTorch's variant of a rule share a hue and differ in
 * lightness (notes' RMSProp orange, RMSprop vermillion; notes' Adam pink,
 * Adam wine), so they can be told apart side by side.
 */
export const METHOD_COLORS: Readonly<Record<Method, string>> = Object.freeze({
  gradientDescent: "#000000", // Okabe–Ito black
  notesMomentum: "#56B4E9", // Okabe–Ito sky blue
  sgdMomentum: "#0072B2", // Okabe–Ito blue
  nesterov: "#332288", // Tol indigo
  notesRmsprop: "#E69F00", // Okabe–Ito orange
  rmsprop: "#D55E00", // Okabe–Ito vermillion
  adadelta: "#009E73", // Okabe–Ito bluish green
  notesAdam: "#CC79A7", // Okabe–Ito reddish purple
  adam: "#882255", // Tol wine
  adamw: "#CC6677", // Tol rose
  adagrad: "#999933", // Tol olive
});

/**
 * The colours of series that are not named after a method, in order of use
 * (Okabe–Ito without yellow, which is too light on white, then Tol's muted
 * colours).
 */
export const SERIES_PALETTE: readonly string[] = Object.freeze([
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#882255",
  "#999933",
  "#332288",
  "#44AA99",
  "#000000",
]);

// Tested in order: the first that matches the name wins. Momentum comes in two
// conventions, so a name says which one it means: PyTorch's (η outside the buffer,
// v = μv + g) is named with "sgd", "pytorch" or "torch" (`"sgd + momentum"`); a bare
// "momentum" is the course's own, the notes' m = αm + ηg of lessons 05 and 07.
const METHOD_PATTERNS: readonly [Method, RegExp][] = [
  ["notesMomentum", /\bnotes?\b.*\bmomentum\b|\bnotesmomentum\b/],
  [
    "sgdMomentum",
    /\b(sgd|pytorch|torch)\b.*\bmomentum\b|\bmomentum\b.*\b(sgd|pytorch|torch)\b|\bsgdmomentum\b/,
  ],
  ["notesRmsprop", /\bnotes?\b.*\brmsprop\b|\bnotesrmsprop\b/],
  ["adadelta", /adadelta/],
  ["notesAdam", /\bnotes?\b.*\badam\b|\bnotesadam\b/],
  ["adamw", /\badamw\b/],
  ["adam", /\badam\b/],
  ["adagrad", /\badagrad\b/],
  ["rmsprop", /\brmsprop\b/],
  ["nesterov", /\bnesterov\b/],
  ["notesMomentum", /\bmomentum\b/],
  ["gradientDescent", /\bgradient descent\b|\bgradientdescent\b|^gd\b|\bsgd\b/],
];

/**
 * The method a series is named after, if any: `"notes' Adam"` → `"notesAdam"`,
 * `"Adam (Kingma & Ba)"` → `"adam"`, `"sgd + momentum"` → `"sgdMomentum"`,
 * `"gradient descent, η = 0.4"` → `"gradientDescent"`. Case and punctuation
 * do not matter; a name with "notes" names the notes' variant. Momentum comes
 * in two conventions: a name with "sgd", "pytorch" or "torch" means PyTorch's
 * SGD with momentum, and any other name with "momentum" (a bare `"momentum"`,
 * `"notes' momentum"`) means the notes' momentum, the course's own.
 *
 * @param name A series name.
 * @returns The method, or `undefined` when the name is not a method's.
 *
 * @example
 * ```ts
 * import { methodOf } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(methodOf("notes' RMSProp"), "notesRmsprop");
 * assert.equal(methodOf("RMSProp (PyTorch)"), "rmsprop");
 * assert.equal(methodOf("momentum, α = 0.5"), "notesMomentum");
 * assert.equal(methodOf("SGD momentum (PyTorch)"), "sgdMomentum");
 * assert.equal(methodOf("loss"), undefined);
 * ```
 */
export function methodOf(name: string): Method | undefined {
  if (typeof name !== "string") {
    throw new TypeError(`\`name\` must be a string, got ${show(name)}`);
  }
  const plain = name.toLowerCase().replace(/[’']/g, "").replace(/[^a-z0-9]+/g, " ").trim();
  return METHOD_PATTERNS.find(([, pattern]) => pattern.test(plain))?.[0];
}

/**
 * The colour of each series of a figure, in the order given: a method's own
 * colour for a series named after a method (see {@link methodOf}; when two
 * series name the same method, the first), else the next colour of
 * {@link SERIES_PALETTE} that no other series of the figure has. The same
 * names always get the same colours.
 *
 * @param names The series names, unique.
 * @returns One CSS colour per name.
 *
 * @example
 * ```ts
 * import { METHOD_COLORS, seriesColors } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const [a, b, c] = seriesColors(["notes' Adam", "Adam", "baseline"]);
 * assert.equal(a, METHOD_COLORS.notesAdam);
 * assert.equal(b, METHOD_COLORS.adam);
 * assert.ok(c !== a && c !== b);
 * // two runs of one method: two colours
 * const [x, y] = seriesColors(["adam, constant η", "adam, cosine decay"]);
 * assert.equal(x, METHOD_COLORS.adam);
 * assert.notEqual(y, x);
 * ```
 */
export function seriesColors(names: readonly string[]): string[] {
  if (!Array.isArray(names)) {
    throw new TypeError(`\`names\` must be an array of strings, got ${show(names)}`);
  }
  names.forEach((n, i) => {
    if (typeof n !== "string") {
      throw new TypeError(`\`names[${i}]\` must be a string, got ${show(n)}`);
    }
  });
  // Two series of one method in a figure (say "adam, constant η" and "adam, cosine decay")
  // must not share a colour: the first keeps the method's, the others take free ones.
  const claimed = new Set<Method>();
  const fixed = names.map((n) => {
    const method = methodOf(n);
    if (method === undefined || claimed.has(method)) return undefined;
    claimed.add(method);
    return METHOD_COLORS[method];
  });
  const used = new Set(fixed.filter((c) => c !== undefined));
  const free = SERIES_PALETTE.filter((c) => !used.has(c));
  let next = 0;
  return fixed.map((c) => c ?? (free.length ? free[next++ % free.length] : SERIES_PALETTE[0]));
}

/** Type sizes and layout shared by every figure (Vega-Lite `config`). */
export const FIGURE_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({
  font: "Helvetica, Arial, sans-serif",
  axis: {
    labelFontSize: 13,
    titleFontSize: 14,
    titleFontWeight: "normal",
    labelLimit: 120,
    titlePadding: 6,
  },
  legend: {
    labelFontSize: 13,
    titleFontSize: 13,
    symbolSize: 120,
    symbolStrokeWidth: 2.5,
  },
  header: { labelFontSize: 14, titleFontSize: 14 },
  title: { fontSize: 15, subtitleFontSize: 13, anchor: "start" },
  text: { fontSize: 13 },
  view: { stroke: "#ddd" },
});

/**
 * The widest a figure's plotting area is by default, in pixels: with the axes
 * and a legend below it, the figure stays under about 450 px, so shown at the
 * width of a 390 px phone its 13 px labels are still drawn at 10 px or more.
 * Panels side by side that would be wider are stacked instead.
 */
export const PANEL_WIDTH = 360;

/**
 * The series legend of every chart: below the plot, so that it adds height,
 * not width; in two columns when every name is short enough for half a
 * phone-width figure, else in one.
 *
 * @param names The series names in the legend.
 * @returns A Vega-Lite legend definition.
 */
export function bottomLegend(names: readonly string[] = []): Record<string, unknown> {
  const short = names.every((n) => String(n).length <= 16);
  return {
    orient: "bottom",
    direction: "horizontal",
    columns: short ? 2 : 1,
    labelLimit: short ? 170 : 360,
  };
}

/** The most pixels a row of panels may take before the next panel goes on a new row. */
export const ROW_WIDTH = 460;

const SUBSCRIPTS: Record<string, string> = {
  "0": "₀",
  "1": "₁",
  "2": "₂",
  "3": "₃",
  "4": "₄",
  "5": "₅",
  "6": "₆",
  "7": "₇",
  "8": "₈",
  "9": "₉",
  "+": "₊",
  "-": "₋",
  "=": "₌",
  "(": "₍",
  ")": "₎",
  a: "ₐ",
  e: "ₑ",
  h: "ₕ",
  i: "ᵢ",
  j: "ⱼ",
  k: "ₖ",
  l: "ₗ",
  m: "ₘ",
  n: "ₙ",
  o: "ₒ",
  p: "ₚ",
  r: "ᵣ",
  s: "ₛ",
  t: "ₜ",
  u: "ᵤ",
  v: "ᵥ",
  x: "ₓ",
};

function subscript(text: string): string | undefined {
  const chars = [...text];
  return chars.every((c) => c in SUBSCRIPTS) ? chars.map((c) => SUBSCRIPTS[c]).join("") : undefined;
}

/**
 * Writes a label the way mathematics is written: an index after a single
 * letter becomes a subscript (`w1` → `w₁`, `β2` → `β₂`), and so does `_x` or
 * `_{…}` when every character has a Unicode subscript (`g_s` → `gₛ`,
 * `η_t` → `ηₜ`, `w_{t+1}` → `wₜ₊₁`). Numbers (`1e-3`, `0.5`) and words
 * (`log10` is a word) are left alone, as are indices with no subscript form.
 *
 * @param label An axis or chart title.
 * @returns The label with subscripts.
 *
 * @example
 * ```ts
 * import { mathLabel } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(mathLabel("f = 0.1·w1² + 2·w2²"), "f = 0.1·w₁² + 2·w₂²");
 * assert.equal(mathLabel("f(w_t) − f*"), "f(wₜ) − f*");
 * assert.equal(mathLabel("lr = 1e-3"), "lr = 1e-3");
 * ```
 */
export function mathLabel(label: string): string {
  if (typeof label !== "string") {
    throw new TypeError(`\`label\` must be a string, got ${show(label)}`);
  }
  const letter = "A-Za-zα-ωΑ-Ω";
  return label
    .replace(
      new RegExp(`(?<![${letter}0-9.])([${letter}])_\\{([^{}]+)\\}`, "g"),
      (m, v, idx) => {
        const sub = subscript(idx);
        return sub === undefined ? m : v + sub;
      },
    )
    .replace(new RegExp(`(?<![${letter}0-9.])([${letter}])_([A-Za-z0-9])`, "g"), (m, v, idx) => {
      const sub = subscript(idx);
      return sub === undefined ? m : v + sub;
    })
    .replace(
      new RegExp(`(?<![${letter}0-9.])([${letter}])([0-9]+)(?![0-9.${letter}])`, "g"),
      (_m, v, idx) => v + subscript(idx),
    );
}

/**
 * Tick labels of a log axis: the ticks Vega would label, all in exponent form
 * (`1e-7`, `2.5e-7`, `1e0`), never a mix of `0.000001` and `1e-7`.
 */
export const LOG_AXIS_LABELS =
  "datum.label === '' ? '' : replace(format(datum.value, '.2~e'), 'e+', 'e')";

/**
 * The most characters on one line of a chart's title. Without a browser, Vega
 * measures text as 0.8 × font size per character, so a 15 px title of 36
 * characters is taken for about 430 px: a longer title on one line would
 * widen the figure past {@link ROW_WIDTH} (lesson 11's small multiples were
 * 623 px wide for their title alone).
 */
const TITLE_LINE_CHARS = 30;

/**
 * A title broken at spaces into lines of at most {@link TITLE_LINE_CHARS}
 * characters (a longer word keeps its own line); one line stays a string.
 */
function titleLines(text: string): string | string[] {
  if (text.length <= TITLE_LINE_CHARS) return text;
  const lines: string[] = [];
  for (const word of text.split(" ")) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= TITLE_LINE_CHARS) {
      lines[last] += " " + word;
    } else lines.push(word);
  }
  return lines.length === 1 ? lines[0] : lines;
}

/**
 * Applies the theme to a Vega-Lite spec, in place: the `config` above (the
 * spec's own entries win), each series colour scale's colours (see
 * {@link seriesColors}: a colour encoding on a `series` or `run` field with a
 * `scale.domain`; the same name gets the same colour in every panel), axis
 * and chart titles written with subscripts, and exponent tick labels on log
 * axes, and a long chart title broken into lines so that it does not widen
 * the figure. The data are never touched.
 *
 * @param spec A Vega-Lite spec (not frozen).
 * @returns The same spec.
 */
export function applyTheme<T>(spec: T): T {
  const root = spec as Record<string, unknown>;
  const own = root.config as Record<string, unknown> | undefined;
  root.config = mergeConfig(structuredClone(FIGURE_CONFIG) as Record<string, unknown>, own ?? {});
  const scales: { domain: unknown[]; range?: unknown }[] = [];
  const walk = (node: unknown, key: string): void => {
    if (key === "data" || key === "datasets" || key === "config") return;
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach((n) => walk(n, ""));
    const obj = node as Record<string, unknown>;
    if (typeof obj.title === "string" && key !== "header") obj.title = mathLabel(obj.title);
    const encoding = obj.encoding as Record<string, Record<string, unknown>> | undefined;
    if (encoding !== undefined && encoding !== null && typeof encoding === "object") {
      const color = encoding.color;
      const scale = color?.scale as { domain?: unknown; range?: unknown } | undefined;
      if (
        (color?.field === "series" || color?.field === "run") && scale !== null &&
        typeof scale === "object" && Array.isArray(scale.domain)
      ) {
        scales.push(scale as { domain: unknown[] });
      }
      for (const axis of ["x", "y"]) {
        const channel = encoding[axis];
        const type = (channel?.scale as { type?: unknown } | undefined)?.type;
        if (channel && type === "log") {
          const axisDef = channel.axis;
          if (axisDef !== null) {
            channel.axis = { labelExpr: LOG_AXIS_LABELS, ...(axisDef as object ?? {}) };
          }
        }
      }
    }
    for (const [k, v] of Object.entries(obj)) walk(v, k);
  };
  walk(root, "");
  if (typeof root.title === "string") root.title = titleLines(root.title);
  if (root.title && typeof root.title === "object") {
    const t = root.title as { text?: unknown; subtitle?: unknown };
    if (typeof t.text === "string") t.text = titleLines(mathLabel(t.text));
  }
  const names = [...new Set(scales.flatMap((s) => s.domain.map(String)))];
  const colors = new Map(seriesColors(names).map((c, i) => [names[i], c]));
  for (const s of scales) s.range = s.domain.map((n) => colors.get(String(n)));
  return spec;
}

function mergeConfig(
  base: Record<string, unknown>,
  own: Record<string, unknown>,
): Record<string, unknown> {
  for (const [k, v] of Object.entries(own)) {
    const b = base[k];
    base[k] = b && typeof b === "object" && v && typeof v === "object" && !Array.isArray(v)
      ? mergeConfig(b as Record<string, unknown>, v as Record<string, unknown>)
      : v;
  }
  return base;
}
