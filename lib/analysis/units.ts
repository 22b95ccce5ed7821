/**
 * Unit analysis of update rules, with mathjs's physical units: does the step
 * of an optimizer carry the unit of the parameters it is subtracted from?
 *
 * If w is measured in metres and the loss E in joules, a step w_{t+1} − w_t
 * must be in metres too. Gradient descent with a unitless η steps in J/m; the
 * lecture notes' RMSProp steps in no unit at all; AdaDelta and Newton's method
 * step in metres. Each function here returns a table of terms (LaTeX formula,
 * unit, whether it has the unit of w) that a notebook can show as it is.
 *
 * @module
 */

import { mathjs } from "../_lazy.ts";
import type { Unit } from "mathjs";
import { knownKeys, show } from "../_validate.ts";

/** One row of a unit table. */
export interface UnitRow {
  /** What the term is, in words (e.g. `"gradient"`). */
  term: string;
  /** The term as a LaTeX formula (e.g. `"\\nabla_w E"`). */
  formula: string;
  /** Its unit, simplified, e.g. `"J / m^2"`; `"1"` when it has none. */
  unit: string;
  /** The same unit in LaTeX, e.g. `"\\mathrm{J}/\\mathrm{m}^{2}"`. */
  unitLatex: string;
  /** Whether the term has the unit (the physical dimension) of w. */
  matches: boolean;
}

/** The update rules {@link updateUnits} analyses. */
export const UPDATE_RULES = ["gradientDescent", "rmsprop", "adadelta", "newton"] as const;

/** One of {@link UPDATE_RULES}. */
export type UpdateRule = typeof UPDATE_RULES[number];

/** Units of the parameters and the loss. */
export interface UnitOptions {
  /** The unit of the parameters w, as mathjs writes units: `"m"`, `"kg"`, `"m/s"`. */
  w: string;
  /** The unit of the loss E, e.g. `"J"`. */
  E: string;
  /**
   * The unit of the learning rate η (gradient descent, RMSProp, AdaDelta).
   * `""` means no unit. Gradient descent steps in the unit of w exactly when
   * η has the unit of w²/E, the unit of the inverse Hessian.
   * @default {""}
   */
  lr?: string;
}

/** The unit table of one update rule. */
export interface UpdateUnits {
  /** Which rule. */
  rule: UpdateRule;
  /** The rule written out in LaTeX. */
  formula: string;
  /** Every term of the update, the update itself last. */
  rows: UnitRow[];
  /** The last row: the update w_t − w_{t+1}. */
  update: UnitRow;
  /** Whether the update has the unit of w (the same as `update.matches`). */
  consistent: boolean;
}

function parse(name: string, text: unknown, allowEmpty = false): Unit {
  if (typeof text !== "string") {
    throw new TypeError(
      `\`${name}\` must be a unit string such as "m" or "J/m", got ${show(text)}`,
    );
  }
  if (text.trim() === "") {
    if (allowEmpty) return mathjs().unit("");
    throw new RangeError(`\`${name}\` must be a unit string such as "m" or "J/m", got ""`);
  }
  let u: Unit;
  try {
    u = mathjs().unit(text);
  } catch (e) {
    throw new RangeError(
      `\`${name}\` must be a unit that mathjs knows, such as "m" or "J/m", got ${show(text)} (${
        (e as Error).message
      })`,
    );
  }
  const value = (u as unknown as { value: number | null }).value;
  if (value !== null && value !== 1) {
    throw new RangeError(`\`${name}\` must be a unit without a number, got ${show(text)}`);
  }
  return u;
}

interface Part {
  prefix: string;
  name: string;
  power: number;
}

/** The unit's factors, equal ones merged, zero powers dropped. */
function parts(u: Unit): Part[] {
  const list = (u as unknown as {
    units: { prefix: { name: string }; unit: { name: string }; power: number }[];
  }).units;
  const merged = new Map<string, Part>();
  for (const f of list) {
    const key = f.prefix.name + f.unit.name;
    const p = merged.get(key);
    if (p) p.power += f.power;
    else merged.set(key, { prefix: f.prefix.name, name: f.unit.name, power: f.power });
  }
  return [...merged.values()]
    .map((p) => ({ ...p, power: Math.round(p.power * 1e9) / 1e9 }))
    .filter((p) => p.power !== 0);
}

function format(u: Unit): { text: string; latex: string } {
  const ps = parts(u);
  const up = ps.filter((p) => p.power > 0);
  const down = ps.filter((p) => p.power < 0).map((p) => ({ ...p, power: -p.power }));
  const text = (list: Part[]) =>
    list.map((p) => p.prefix + p.name + (p.power === 1 ? "" : `^${p.power}`)).join(" ");
  const latex = (list: Part[]) =>
    list.map((p) => `\\mathrm{${p.prefix}${p.name}}` + (p.power === 1 ? "" : `^{${p.power}}`)).join(
      "\\,",
    );
  if (up.length === 0 && down.length === 0) return { text: "1", latex: "1" };
  const numText = up.length ? text(up) : "1";
  const numLatex = up.length ? latex(up) : "1";
  if (down.length === 0) return { text: numText, latex: numLatex };
  const denText = down.length > 1 ? `(${text(down)})` : text(down);
  const denLatex = down.length > 1 ? `(${latex(down)})` : latex(down);
  return { text: `${numText} / ${denText}`, latex: `${numLatex}/${denLatex}` };
}

function row(term: string, formula: string, u: Unit, w: Unit): UnitRow {
  const f = format(u);
  return { term, formula, unit: f.text, unitLatex: f.latex, matches: u.equalBase(w) };
}

const mul = (a: Unit, b: Unit) => mathjs().multiply(a, b) as unknown as Unit;
const div = (a: Unit, b: Unit) => mathjs().divide(a, b) as unknown as Unit;
const root = (a: Unit) => mathjs().sqrt(a) as unknown as Unit;

function readUnits(fn: string, options: UnitOptions): { w: Unit; E: Unit; lr: Unit } {
  knownKeys(fn, options, ["w", "E", "lr"]);
  return {
    w: parse("w", options.w),
    E: parse("E", options.E),
    lr: parse("lr", options.lr ?? "", true),
  };
}

/**
 * Whether a unit has the physical dimension of another one, e.g. whether an
 * update has the unit of w. Prefixes and equivalent names do not matter:
 * `"N m"` has the unit of `"J"`, and `"km"` that of `"m"`.
 *
 * @param value A unit string, e.g. `"m^2 / J * J / m"`.
 * @param reference The unit to compare with, e.g. the unit of w.
 * @returns `true` when both have the same dimension.
 *
 * @example
 * ```ts
 * import { hasUnitOf } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hasUnitOf("m^2 / J * J / m", "m"), true); // H⁻¹∇E
 * assert.equal(hasUnitOf("J / m", "m"), false); // ∇E
 * ```
 */
export function hasUnitOf(value: string, reference: string): boolean {
  return parse("value", value, true).equalBase(parse("reference", reference, true));
}

/**
 * The units of the loss's derivatives when w has unit [w] and E unit [E]:
 *
 * $$[\nabla_w E] = \frac{[E]}{[w]},\qquad [H] = \Big[\frac{\partial^2 E}{\partial w^{(i)}\partial w^{(k)}}\Big]
 * = \frac{[E]}{[w]^2},\qquad [H^{-1}] = \frac{[w]^2}{[E]}.$$
 *
 * Reference: the lecture notes, section 6 (AdaDelta); Zeiler, "ADADELTA: An
 * Adaptive Learning Rate Method" (2012), section 3.2.
 *
 * @param options The units of w and E (`lr` is not used here).
 * @returns Rows for w, E, ∇E, H and H⁻¹.
 *
 * @example
 * ```ts
 * import { derivativeUnits } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const rows = derivativeUnits({ w: "m", E: "J" });
 * assert.deepEqual(rows.map((r) => r.unit), ["m", "J", "J / m", "J / m^2", "m^2 / J"]);
 * ```
 */
export function derivativeUnits(options: UnitOptions): UnitRow[] {
  const { w, E } = readUnits("derivativeUnits", options);
  const grad = div(E, w);
  const hess = div(grad, w);
  return [
    row("parameters", "w", w, w),
    row("loss", "E", E, w),
    row("gradient", "\\nabla_w E", grad, w),
    row("Hessian", "H = \\nabla_w^2 E", hess, w),
    row("inverse Hessian", "H^{-1}", div(mathjs().unit(""), hess), w),
  ];
}

/**
 * The unit of every term of an update rule, and whether the update
 * w_t − w_{t+1} has the unit of w:
 *
 * - `"gradientDescent"`: η ∇E, in [η]·[E]/[w]: the unit of w only if η is
 *   measured in [w]²/[E];
 * - `"rmsprop"` (the notes' form): η g_t / √(EMA(‖g_s‖²) + ε), in [η]: with a
 *   unitless η it has no unit, "metres minus a pure number";
 * - `"adadelta"` (the notes' form):
 *   η g_t √(EMA(‖Δw‖²) + ε₂) / √(EMA(‖g‖²) + ε₁), in [η]·[w]: the ratio R has
 *   the unit of H⁻¹, so a unitless η gives the unit of w;
 * - `"newton"`: H⁻¹ ∇E, always in the unit of w.
 *
 * The rows for ε say which unit ε must carry to be added under the root.
 *
 * References: the lecture notes, section 6; Zeiler, "ADADELTA" (2012), section 3.2.
 *
 * @param rule One of {@link UPDATE_RULES}.
 * @param options The units of w, E and (optionally) η.
 * @returns The table; `consistent` tells whether the update has the unit of w.
 *
 * @example RMSProp's step has no unit; AdaDelta's is in metres
 * ```ts
 * import { updateUnits } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const rms = updateUnits("rmsprop", { w: "m", E: "J" });
 * assert.equal(rms.update.unit, "1");
 * assert.equal(rms.consistent, false);
 * assert.equal(updateUnits("adadelta", { w: "m", E: "J" }).update.unit, "m");
 * // gradient descent works out when η is measured in m²/J
 * assert.equal(updateUnits("gradientDescent", { w: "m", E: "J", lr: "m^2/J" }).consistent, true);
 * ```
 */
export function updateUnits(rule: UpdateRule, options: UnitOptions): UpdateUnits {
  if (!(UPDATE_RULES as readonly unknown[]).includes(rule)) {
    throw new TypeError(`\`rule\` must be one of ${UPDATE_RULES.join(", ")}, got ${show(rule)}`);
  }
  const { w, E, lr } = readUnits("updateUnits", options);
  const g = div(E, w);
  const g2 = mul(g, g);
  const one = mathjs().unit("");
  const rows: UnitRow[] = [];
  let formula: string;
  switch (rule) {
    case "gradientDescent": {
      formula = "w_{t+1} = w_t - \\eta\\,\\nabla_w E(w_t)";
      rows.push(row("learning rate", "\\eta", lr, w));
      rows.push(row("gradient", "g_t = \\nabla_w E(w_t)", g, w));
      rows.push(row("update", "\\eta\\,g_t", mul(lr, g), w));
      break;
    }
    case "rmsprop": {
      formula =
        "w_{t+1} = w_t - \\eta\\,\\frac{g_t}{\\sqrt{\\mathrm{EMA}(\\lVert g_s\\rVert^2, s\\le t) + " +
        "\\varepsilon}}";
      const denom = root(g2);
      rows.push(row("learning rate", "\\eta", lr, w));
      rows.push(row("gradient", "g_t = \\nabla_w E(w_t)", g, w));
      rows.push(row("EMA of squared gradient norms", "\\mathrm{EMA}(\\lVert g_s\\rVert^2)", g2, w));
      rows.push(row("ε, to be added to that EMA", "\\varepsilon", g2, w));
      rows.push(
        row("divisor", "\\sqrt{\\mathrm{EMA}(\\lVert g_s\\rVert^2) + \\varepsilon}", denom, w),
      );
      rows.push(row("update", "\\eta\\,g_t / \\sqrt{\\cdots}", mul(lr, div(g, denom)), w));
      break;
    }
    case "adadelta": {
      formula =
        "w_{t+1} = w_t - \\eta\\,\\frac{\\sqrt{\\mathrm{EMA}(\\lVert w_{s+1}-w_s\\rVert^2, s\\le t-1)" +
        " + \\varepsilon_2}}{\\sqrt{\\mathrm{EMA}(\\lVert g_s\\rVert^2, s\\le t) + \\varepsilon_1}}\\,g_t";
      const w2 = mul(w, w);
      const gRoot = root(g2);
      const wRoot = root(w2);
      const ratio = div(wRoot, gRoot);
      rows.push(row("learning rate", "\\eta", lr, w));
      rows.push(row("gradient", "g_t = \\nabla_w E(w_t)", g, w));
      rows.push(row("ε₁, added to the EMA of ‖g‖²", "\\varepsilon_1", g2, w));
      rows.push(
        row(
          "root of the EMA of ‖g‖²",
          "\\sqrt{\\mathrm{EMA}(\\lVert g_s\\rVert^2) + \\varepsilon_1}",
          gRoot,
          w,
        ),
      );
      rows.push(row("ε₂, added to the EMA of ‖Δw‖²", "\\varepsilon_2", w2, w));
      rows.push(
        row(
          "root of the EMA of ‖Δw‖²",
          "\\sqrt{\\mathrm{EMA}(\\lVert w_{s+1}-w_s\\rVert^2) + \\varepsilon_2}",
          wRoot,
          w,
        ),
      );
      rows.push(
        row(
          "ratio R (unit of H⁻¹)",
          "R = \\sqrt{\\cdots\\varepsilon_2}/\\sqrt{\\cdots\\varepsilon_1}",
          ratio,
          w,
        ),
      );
      rows.push(row("update", "\\eta\\,R\\,g_t", mul(lr, mul(ratio, g)), w));
      break;
    }
    case "newton": {
      formula = "w_{t+1} = w_t - H^{-1}\\,\\nabla_w E(w_t)";
      const hess = div(g, w);
      const inv = div(one, hess);
      rows.push(row("gradient", "g_t = \\nabla_w E(w_t)", g, w));
      rows.push(row("Hessian", "H = \\nabla_w^2 E(w_t)", hess, w));
      rows.push(row("inverse Hessian", "H^{-1}", inv, w));
      rows.push(row("update", "H^{-1} g_t", mul(inv, g), w));
      break;
    }
  }
  const update = rows[rows.length - 1];
  return { rule, formula, rows, update, consistent: update.matches };
}

/**
 * The unit tables of all {@link UPDATE_RULES} for one choice of units, to
 * compare the rules side by side.
 *
 * @param options The units of w, E and (optionally) η.
 * @returns One {@link UpdateUnits} per rule, in the order of {@link UPDATE_RULES}.
 *
 * @example Which updates are in metres?
 * ```ts
 * import { unitAnalysis } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const ok = unitAnalysis({ w: "m", E: "J" }).map((r) => [r.rule, r.consistent]);
 * assert.deepEqual(ok, [
 *   ["gradientDescent", false],
 *   ["rmsprop", false],
 *   ["adadelta", true],
 *   ["newton", true],
 * ]);
 * ```
 */
export function unitAnalysis(options: UnitOptions): UpdateUnits[] {
  readUnits("unitAnalysis", options);
  return UPDATE_RULES.map((rule) => updateUnits(rule, options));
}
