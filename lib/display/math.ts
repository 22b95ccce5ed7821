/**
 * Formulas and unit analyses shown as typeset math.
 *
 * Math is sent as `text/markdown` with `$…$` / `$$…$$` (typeset by
 * JupyterLab, Notebook 7, VS Code and nbconvert) plus `text/latex` and
 * `text/plain`. These bundles deliberately have **no** `text/html`: front ends
 * prefer HTML over Markdown, and not all of them typeset math inside HTML.
 *
 * @module
 */

import { knownKeys, show } from "../_validate.ts";
import type { UpdateUnits } from "../analysis/units.ts";
import { RichValue, stripAnsi } from "../base/mime.ts";

/** Options of {@link formula}. */
export interface FormulaOptions {
  /**
   * The plain-text form, for consoles and `text/plain`.
   * @default {the LaTeX source}
   */
  text?: string;
}

/**
 * A displayed formula: shows `latex` as display math in Jupyter.
 *
 * @param latex The formula in LaTeX, without `$$` delimiters.
 * @param options See {@link FormulaOptions}.
 * @returns A displayable value with `text/markdown`, `text/latex` and `text/plain`.
 *
 * @example
 * ```ts
 * import { formula, jupyterDisplay } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const f = formula("w_{t+1} = w_t - \\eta\\,g_t", { text: "w ← w − η g" });
 * assert.equal(f[jupyterDisplay]()["text/markdown"], "$$w_{t+1} = w_t - \\eta\\,g_t$$");
 * assert.equal(String(f), "w ← w − η g");
 * ```
 */
export function formula(latex: string, options: FormulaOptions = {}): RichValue {
  if (typeof latex !== "string" || latex.trim() === "") {
    throw new TypeError(`\`latex\` must be a non-empty string, got ${show(latex)}`);
  }
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`\`formula\` options must be an object, got ${show(options)}`);
  }
  knownKeys("formula", options, ["text"]);
  if (options.text !== undefined && typeof options.text !== "string") {
    throw new TypeError(`\`text\` must be a string, got ${show(options.text)}`);
  }
  return new RichValue({
    "text/markdown": `$$${latex}$$`,
    "text/latex": `$$${latex}$$`,
    "text/plain": stripAnsi(options.text ?? latex),
  });
}

const RULE_NAMES: Record<string, string> = {
  gradientDescent: "Gradient descent",
  rmsprop: "RMSProp (the notes' form)",
  adadelta: "AdaDelta (the notes' form)",
  newton: "Newton's method",
};

function isUpdateUnits(value: unknown): value is UpdateUnits {
  const v = value as UpdateUnits;
  return v !== null && typeof v === "object" && typeof v.rule === "string" &&
    typeof v.formula === "string" && Array.isArray(v.rows) && typeof v.consistent === "boolean";
}

// A table cell of Markdown: `|` would end the cell.
const cell = (s: string) => s.replace(/\|/g, "\\vert ").replace(/\n/g, " ");

function unitsMarkdown(u: UpdateUnits): string {
  const title = RULE_NAMES[u.rule] ?? u.rule;
  const rows = u.rows.map((r) =>
    `| ${cell(r.term)} | $${cell(r.formula)}$ | $${cell(r.unitLatex)}$ | ${r.matches ? "✓" : ""} |`
  );
  const verdict = u.consistent
    ? `The update has the unit of $w$ (${u.update.unit}).`
    : `The update has the unit ${u.update.unit === "1" ? "1 (none)" : u.update.unit}, ` +
      "not the unit of $w$.";
  return [
    `**${title}**`,
    "",
    `$$${u.formula}$$`,
    "",
    "| term | formula | unit | unit of $w$? |",
    "| --- | --- | --- | :---: |",
    ...rows,
    "",
    verdict,
  ].join("\n");
}

function unitsText(u: UpdateUnits): string {
  const title = RULE_NAMES[u.rule] ?? u.rule;
  const width = Math.max(...u.rows.map((r) => [...r.term].length));
  const lines = u.rows.map((r) =>
    `  ${r.term}${" ".repeat(width - [...r.term].length)}  ${r.unit}${
      r.matches ? "  (unit of w)" : ""
    }`
  );
  const verdict = u.consistent
    ? `  -> the update is in the unit of w (${u.update.unit})`
    : `  -> the update is in ${u.update.unit}, not in the unit of w`;
  return [`${title}: ${u.formula}`, ...lines, verdict].join("\n");
}

/**
 * Shows unit analyses of update rules (from `updateUnits` or `unitAnalysis`):
 * for each rule, the rule as a formula, a table of its terms with their
 * formulas and units, and whether the update carries the unit of w.
 *
 * @param analysis One analysis, or several (shown one after the other).
 * @returns A displayable value (`text/markdown` with math, `text/plain`).
 *
 * @example
 * ```ts
 * import { displayUnits, jupyterDisplay, updateUnits } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const shown = displayUnits(updateUnits("newton", { w: "m", E: "J" }));
 * const md = shown[jupyterDisplay]()["text/markdown"] as string;
 * assert.ok(md.startsWith("**Newton's method**"));
 * assert.match(md, /The update has the unit of \$w\$ \(m\)\./);
 * ```
 */
export function displayUnits(analysis: UpdateUnits | readonly UpdateUnits[]): RichValue {
  const list = Array.isArray(analysis) ? analysis : [analysis];
  if (list.length === 0) throw new RangeError("`analysis` must hold at least one rule, got none");
  list.forEach((u, i) => {
    if (!isUpdateUnits(u)) {
      const where = Array.isArray(analysis) ? `analysis[${i}]` : "analysis";
      throw new TypeError(
        `\`${where}\` must be a result of updateUnits or unitAnalysis, got ${show(u)}`,
      );
    }
  });
  return new RichValue({
    "text/markdown": list.map(unitsMarkdown).join("\n\n---\n\n"),
    "text/plain": list.map(unitsText).join("\n\n"),
  });
}
