/**
 * Tables of the weights that averages put on past values: EMA and momentum.
 *
 * @module
 */

import { integer, knownKeys, show } from "../_validate.ts";
import { emaWeights } from "../analysis/ema.ts";
import { type Row, Table } from "./table.ts";

/** Options of {@link weightsTable}. */
export interface WeightsTableOptions {
  /**
   * The name of the index column.
   * @default {"s"}
   */
  index?: string;
  /**
   * A caption above the table.
   * @default {none}
   */
  caption?: string;
  /**
   * Add a last row with the sum of each column.
   * @default {true}
   */
  sum?: boolean;
  /**
   * Most rows shown; longer tables show their first 4 and last rows around a
   * "…" row (the sums still cover every weight).
   * @default {24}
   */
  maxRows?: number;
  /**
   * Significant digits shown.
   * @default {4}
   */
  precision?: number;
}

/**
 * A table of weight columns by index s: one column per named weight vector
 * (entry s is the weight of the value at step s), and a row of sums.
 *
 * @param weights Column name → weights (entry s is the weight of step s).
 * @param options See {@link WeightsTableOptions}.
 * @returns The table (HTML, Markdown and plain text in Jupyter).
 *
 * @example EMA against momentum weights
 * ```ts
 * import { emaWeights, momentumWeights, weightsTable } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const t = weightsTable({ ema: emaWeights(2, 0.5), momentum: momentumWeights(3, 0.5) });
 * assert.equal(
 *   t.toMarkdown(),
 *   "| s | ema | momentum |\n| --- | ---: | ---: |\n" +
 *     "| 0 | 0.125 | 0.25 |\n| 1 | 0.25 | 0.5 |\n| 2 | 0.5 | 1 |\n| sum | 0.875 | 1.75 |",
 * );
 * ```
 */
export function weightsTable(
  weights: Readonly<Record<string, ArrayLike<number>>>,
  options: WeightsTableOptions = {},
): Table {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`\`weightsTable\` options must be an object, got ${show(options)}`);
  }
  knownKeys("weightsTable", options, ["index", "caption", "sum", "maxRows", "precision"]);
  return build(weights, options, []);
}

function build(
  weights: Readonly<Record<string, ArrayLike<number>>>,
  options: WeightsTableOptions,
  unsummed: readonly string[],
): Table {
  if (weights === null || typeof weights !== "object" || Array.isArray(weights)) {
    throw new TypeError(`\`weights\` must be an object of name → weights, got ${show(weights)}`);
  }
  const names = Object.keys(weights);
  if (names.length === 0) throw new RangeError("`weights` must hold at least one column, got none");
  const columns = names.map((name) => {
    const w = weights[name];
    if (!(ArrayBuffer.isView(w) || Array.isArray(w))) {
      throw new TypeError(`\`weights.${name}\` must be an array of numbers, got ${show(w)}`);
    }
    return Array.from(w as ArrayLike<number>, (v, s) => {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new RangeError(`\`weights.${name}[${s}]\` must be a finite number, got ${show(v)}`);
      }
      return v;
    });
  });
  const ragged = columns.findIndex((c) => c.length !== columns[0].length);
  if (ragged > 0) {
    throw new RangeError(
      `\`${names[ragged]}\` in \`weights\` must have the length of \`${names[0]}\` (${
        columns[0].length
      }), got length ${columns[ragged].length}`,
    );
  }
  const index = options.index ?? "s";
  if (typeof index !== "string" || index === "" || names.includes(index)) {
    throw new TypeError(
      `\`index\` must be a non-empty string unlike the column names, got ${show(index)}`,
    );
  }
  const maxRows = integer("maxRows", options.maxRows ?? 24, 6);
  const length = Math.max(...columns.map((c) => c.length));
  const rowAt = (s: number): Row =>
    Object.fromEntries([[index, s], ...names.map((n, k) => [n, columns[k][s]])]);
  let rows: Row[];
  if (length <= maxRows) {
    rows = Array.from({ length }, (_, s) => rowAt(s));
  } else {
    const tail = maxRows - 5;
    rows = [
      ...Array.from({ length: 4 }, (_, s) => rowAt(s)),
      { [index]: "…" },
      ...Array.from({ length: tail }, (_, k) => rowAt(length - tail + k)),
    ];
  }
  const sum = options.sum ?? true;
  if (typeof sum !== "boolean") {
    throw new TypeError(`\`sum\` must be true or false, got ${show(sum)}`);
  }
  if (sum) {
    rows.push(
      Object.fromEntries([
        [index, "sum"],
        ...names.map((n, k) => [n, unsummed.includes(n) ? null : kahan(columns[k])]),
      ]),
    );
  }
  return new Table(rows, {
    columns: [index, ...names],
    caption: options.caption,
    precision: options.precision,
  });
}

/** Options of {@link emaWeightsTable}. */
export interface EmaWeightsTableOptions {
  /**
   * Most rows shown (see {@link WeightsTableOptions.maxRows}).
   * @default {24}
   */
  maxRows?: number;
  /**
   * Significant digits shown.
   * @default {4}
   */
  precision?: number;
}

/**
 * The weights of EMA_t on g_0, …, g_t, as the lecture notes expand them: for
 * each s the age t − s, the factor α^(t−s), the weight α^(t−s)(1 − α), and the
 * bias-corrected weight α^(t−s)(1 − α)/(1 − α^(t+1)); the last row shows that
 * the weights sum to 1 − α^(t+1) and the corrected ones to 1.
 *
 * @param t The step index t ≥ 0.
 * @param alpha The decay α in [0, 1).
 * @param options See {@link EmaWeightsTableOptions}.
 * @returns The table.
 *
 * @example
 * ```ts
 * import { emaWeightsTable } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const table = emaWeightsTable(2, 0.5);
 * assert.deepEqual(table.cells.at(-1), ["sum", "", "1.75", "0.875", "1"]);
 * ```
 */
export function emaWeightsTable(
  t: number,
  alpha: number,
  options: EmaWeightsTableOptions = {},
): Table {
  knownKeys("emaWeightsTable", options, ["maxRows", "precision"]);
  const w = emaWeights(t, alpha);
  const sum = 1 - alpha ** (t + 1);
  return build({
    "t − s": Array.from(w, (_, s) => t - s),
    "α^(t−s)": Array.from(w, (_, s) => alpha ** (t - s)),
    "α^(t−s)(1−α)": w,
    "÷ (1 − α^(t+1))": Array.from(w, (v) => v / sum),
  }, {
    caption: `EMA weights at t = ${t}, α = ${alpha}`,
    maxRows: options.maxRows,
    precision: options.precision,
  }, ["t − s"]);
}

// Compensated summation: the sum row should read 1 for the corrected weights, not 0.9999999.
function kahan(values: number[]): number {
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const y = v - c;
    const s = sum + y;
    c = s - sum - y;
    sum = s;
  }
  return sum;
}
