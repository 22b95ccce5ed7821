/**
 * Tables that display as HTML, Markdown or aligned plain text.
 *
 * @module
 */

import { knownKeys, show } from "../_validate.ts";
import { formatNumber } from "../base/format.ts";
import {
  type Displayable,
  escapeHtml,
  jupyterDisplay,
  stripAnsi,
  type TextBundle,
} from "../base/mime.ts";

/** What a table cell can hold. `null` and `undefined` show as an empty cell. */
export type Cell = string | number | bigint | boolean | null | undefined;

/** One row: column name → cell. */
export type Row = Readonly<Record<string, Cell>>;

/** Options of {@link table}. */
export interface TableOptions {
  /**
   * The columns to show, in order.
   * @default {the keys of all rows, in order of first appearance}
   */
  columns?: readonly string[];
  /**
   * A caption shown above the table.
   * @default {none}
   */
  caption?: string;
  /**
   * Significant digits of non-integer numbers (see `formatNumber`).
   * @default {4}
   */
  precision?: number;
}

/**
 * A table of rows. Shown in Jupyter as an HTML table (with Markdown and plain
 * text in the same bundle); `toString()` gives the plain-text form.
 */
export class Table implements Displayable {
  /** The column names, in order. */
  readonly columns: readonly string[];
  /** The cells as displayed: one array of strings per row, ANSI colour removed. */
  readonly cells: readonly (readonly string[])[];
  /** The caption, if any. */
  readonly caption?: string;
  /** `true` for columns whose cells are all numbers or empty (right-aligned). */
  readonly numeric: readonly boolean[];

  /**
   * Formats the cells of `rows` (see {@link table}).
   *
   * @param rows The rows.
   * @param options See {@link TableOptions}.
   */
  constructor(rows: readonly Row[], options: TableOptions = {}) {
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new TypeError(`\`table\` options must be an object, got ${show(options)}`);
    }
    knownKeys("table", options, ["columns", "caption", "precision"]);
    if (!Array.isArray(rows)) {
      throw new TypeError(`\`rows\` must be an array of objects, got ${show(rows)}`);
    }
    rows.forEach((row, i) => {
      if (row === null || typeof row !== "object" || Array.isArray(row)) {
        throw new TypeError(`\`rows[${i}]\` must be an object of column → cell, got ${show(row)}`);
      }
    });
    const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    const columns = options.columns ?? keys;
    if (!Array.isArray(columns) || columns.some((c) => typeof c !== "string")) {
      throw new TypeError(`\`columns\` must be an array of strings, got ${show(columns)}`);
    }
    columns.forEach((c, i) => {
      if (rows.length > 0 && !keys.includes(c)) {
        throw new RangeError(
          `\`columns[${i}]\` must be a column of the rows (${keys.join(", ") || "none"}), got ${
            show(c)
          }`,
        );
      }
      if (columns.indexOf(c) !== i) {
        throw new RangeError(`\`columns\` names ${show(c)} twice`);
      }
    });
    if (options.caption !== undefined && typeof options.caption !== "string") {
      throw new TypeError(`\`caption\` must be a string, got ${show(options.caption)}`);
    }
    const precision = options.precision ?? 4;
    formatNumber(0.5, { precision }); // checks `precision` before any cell
    this.columns = Object.freeze([...columns]);
    this.caption = options.caption === undefined ? undefined : stripAnsi(options.caption);
    this.cells = Object.freeze(
      rows.map((row) =>
        Object.freeze(columns.map((c) => formatCell(row[c], precision, `rows[].${c}`)))
      ),
    );
    // A column of numbers (empty cells allowed) is right-aligned.
    const isNumber = (v: unknown) => typeof v === "number" || typeof v === "bigint";
    this.numeric = Object.freeze(
      columns.map((c) =>
        rows.some((row) => isNumber(row[c])) &&
        rows.every((row) => isNumber(row[c]) || row[c] === null || row[c] === undefined)
      ),
    );
  }

  /** A GitHub-flavoured Markdown table (`|` in cells escaped). */
  toMarkdown(): string {
    const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");
    const lines = [
      `| ${this.columns.map(esc).join(" | ")} |`,
      `| ${this.numeric.map((n) => (n ? "---:" : "---")).join(" | ")} |`,
      ...this.cells.map((row) => `| ${row.map(esc).join(" | ")} |`),
    ];
    return (this.caption ? `**${esc(this.caption)}**\n\n` : "") + lines.join("\n");
  }

  /** An HTML `<table>`; every cell is escaped. */
  toHtml(): string {
    const align = (i: number) => (this.numeric[i] ? ' style="text-align:right"' : "");
    const head = this.columns.map((c, i) => `<th${align(i)}>${escapeHtml(c)}</th>`).join("");
    const body = this.cells
      .map((row) =>
        `<tr>${row.map((s, i) => `<td${align(i)}>${escapeHtml(s)}</td>`).join("")}</tr>`
      )
      .join("\n");
    const caption = this.caption ? `<caption>${escapeHtml(this.caption)}</caption>\n` : "";
    return `<table>\n${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
  }

  /** Plain text with aligned columns (numbers right-aligned), for a monospace font. */
  toText(): string {
    const widths = this.columns.map((c, i) =>
      Math.max(width(c), ...this.cells.map((row) => width(row[i])))
    );
    const pad = (s: string, i: number) => {
      const fill = " ".repeat(widths[i] - width(s));
      return this.numeric[i] ? fill + s : s + fill;
    };
    const lines = [
      this.columns.map(pad).join("  "),
      widths.map((w) => "-".repeat(w)).join("  "),
      ...this.cells.map((row) => row.map(pad).join("  ")),
    ].map((line) => line.trimEnd());
    return (this.caption ? `${this.caption}\n` : "") + lines.join("\n");
  }

  /** The MIME bundle: `text/html`, `text/markdown` and `text/plain`. */
  [jupyterDisplay](): TextBundle {
    return {
      "text/html": this.toHtml(),
      "text/markdown": this.toMarkdown(),
      "text/plain": this.toText(),
    };
  }

  /** The plain-text table. */
  toString(): string {
    return this.toText();
  }
}

/**
 * Makes a {@link Table} from rows of column → value. Numbers are formatted
 * with `formatNumber` (so `NaN` and `Infinity` stay visible), strings have their
 * ANSI colour codes removed, and numeric columns are right-aligned. As a cell's
 * last expression it shows as an HTML table.
 *
 * @param rows The rows; a missing key is an empty cell.
 * @param options See {@link TableOptions}.
 * @returns The table.
 *
 * @example
 * ```ts
 * import { jupyterDisplay, table } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const t = table([
 *   { optimizer: "sgd", loss: 0.012345 },
 *   { optimizer: "adam", loss: 1.5e-7 },
 * ]);
 * assert.equal(
 *   t.toMarkdown(),
 *   "| optimizer | loss |\n| --- | ---: |\n| sgd | 0.01235 |\n| adam | 1.5e-7 |",
 * );
 * assert.ok(t[jupyterDisplay]()["text/html"].startsWith("<table>"));
 * ```
 */
export function table(rows: readonly Row[], options: TableOptions = {}): Table {
  return new Table(rows, options);
}

function formatCell(value: unknown, precision: number, name: string): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return formatNumber(value, { precision });
  if (typeof value === "string") return stripAnsi(value);
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  throw new TypeError(
    `\`${name}\` must be a string, number, bigint, boolean, null or undefined, got ${show(value)}`,
  );
}

// Width in a monospace font: code points (good enough for the Latin, Greek and
// math symbols tables here hold).
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
