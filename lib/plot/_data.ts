// Input checks and data compaction shared by the chart builders.
//
// Chart data is stored twice in a notebook (in the Vega-Lite spec and drawn in
// the SVG), so builders round values to a few significant digits and thin long
// series down with a min/max decimation that keeps spikes visible.

import { integer, show } from "../_validate.ts";
import { roundSignificant } from "../base/format.ts";

/** One named series of y values, with optional x values (default 0, 1, 2, …). */
export interface Series {
  /** The name shown in the legend. */
  name: string;
  /** The y values; non-finite values are left out of the chart. */
  y: ArrayLike<number>;
  /**
   * The x values, finite, one per y value.
   * @default {0, 1, 2, …}
   */
  x?: ArrayLike<number>;
}

/**
 * Series given as a list of {@link Series}, or as an object from name to y
 * values (`{ sgd: lossSgd, adam: lossAdam }`).
 */
export type SeriesInput = readonly Series[] | Readonly<Record<string, ArrayLike<number>>>;

/** Axis scale: `"linear"` or `"log"` (base 10). */
export type ScaleType = "linear" | "log";

/** A checked series with plain-array x and y. */
export interface CheckedSeries {
  name: string;
  x: number[];
  y: number[];
}

function isArrayLikeOfNumbers(value: unknown): value is ArrayLike<number> {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return !(value instanceof BigInt64Array || value instanceof BigUint64Array);
  }
  return Array.isArray(value);
}

/** Checks an array of numbers; `finite` rejects NaN and ±Infinity. */
export function numbers(name: string, value: unknown, finite: boolean): number[] {
  if (!isArrayLikeOfNumbers(value)) {
    throw new TypeError(
      `\`${name}\` must be an array or typed array of numbers, got ${show(value)}`,
    );
  }
  const out = Array.from(value as ArrayLike<number>);
  out.forEach((v, i) => {
    if (typeof v !== "number") {
      throw new TypeError(`\`${name}[${i}]\` must be a number, got ${show(v)}`);
    }
    if (finite && !Number.isFinite(v)) {
      throw new RangeError(`\`${name}[${i}]\` must be a finite number, got ${show(v)}`);
    }
  });
  return out;
}

/** Checks a name: a non-empty string. */
export function label(name: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`\`${name}\` must be a non-empty string, got ${show(value)}`);
  }
  return value;
}

/** Checks an optional text option (a string). */
export function optionalText(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw new TypeError(`\`${name}\` must be a string, got ${show(value)}`);
  }
  return value;
}

/** Checks a scale type option. */
export function scaleType(name: string, value: unknown): ScaleType {
  if (value === undefined) return "linear";
  if (value !== "linear" && value !== "log") {
    throw new RangeError(`\`${name}\` must be "linear" or "log", got ${show(value)}`);
  }
  return value;
}

/** Checks a size in pixels: an integer in [min, 4000]. */
export function pixels(name: string, value: unknown, fallback: number, min = 20): number {
  if (value === undefined) return fallback;
  integer(name, value, min);
  if ((value as number) > 4000) {
    throw new RangeError(`\`${name}\` must be an integer in [${min}, 4000], got ${value}`);
  }
  return value as number;
}

/** Checks the `precision` option (significant digits, 2 to 17). */
export function precisionOption(value: unknown): number {
  if (value === undefined) return 4;
  integer("precision", value, 2);
  if ((value as number) > 17) {
    throw new RangeError(`\`precision\` must be an integer in [2, 17], got ${value}`);
  }
  return value as number;
}

/** Checks the `maxPoints` option (points kept per series, at least 10). */
export function maxPointsOption(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  return integer("maxPoints", value, 10);
}

/** Checks series input and returns one {@link CheckedSeries} per series, in order. */
export function checkSeries(name: string, input: unknown): CheckedSeries[] {
  if (input === null || typeof input !== "object") {
    throw new TypeError(
      `\`${name}\` must be an array of { name, y, x? } or an object of name → values, got ${
        show(input)
      }`,
    );
  }
  const list: Series[] = Array.isArray(input) ? input : Object.entries(input).map(([n, y]) => ({
    name: n,
    y,
  }));
  if (list.length === 0) {
    throw new RangeError(`\`${name}\` must hold at least one series, got none`);
  }
  const seen = new Set<string>();
  return list.map((s, i) => {
    if (s === null || typeof s !== "object") {
      throw new TypeError(`\`${name}[${i}]\` must be an object { name, y, x? }, got ${show(s)}`);
    }
    const n = label(`${name}[${i}].name`, s.name);
    if (seen.has(n)) throw new RangeError(`\`${name}\` has two series named ${show(n)}`);
    seen.add(n);
    const y = numbers(`${name}[${i}].y`, s.y, false);
    const x = s.x === undefined ? y.map((_, k) => k) : numbers(`${name}[${i}].x`, s.x, true);
    if (x.length !== y.length) {
      throw new RangeError(
        `\`${name}[${i}].x\` must have the same length as \`${name}[${i}].y\` (${y.length}), got length ${x.length}`,
      );
    }
    return { name: n, x, y };
  });
}

/**
 * The indices to keep when thinning `y` down to at most `maxPoints` points:
 * all of them when there are few enough, else the first, the last and, in
 * each of `⌊(maxPoints − 2) / 2⌋` equal runs of indices, the positions of the
 * smallest and largest value, in order. Spikes and dips survive.
 */
export function decimate(y: readonly number[], maxPoints: number): number[] {
  const n = y.length;
  if (n <= maxPoints) return y.map((_, i) => i);
  const buckets = Math.floor((maxPoints - 2) / 2);
  const keep = [0];
  for (let b = 0; b < buckets; b++) {
    const lo = 1 + Math.floor((b * (n - 2)) / buckets);
    const hi = 1 + Math.floor(((b + 1) * (n - 2)) / buckets);
    if (hi <= lo) continue;
    let iMin = lo;
    let iMax = lo;
    for (let i = lo + 1; i < hi; i++) {
      if (y[i] < y[iMin]) iMin = i;
      if (y[i] > y[iMax]) iMax = i;
    }
    keep.push(Math.min(iMin, iMax));
    if (iMax !== iMin) keep.push(Math.max(iMin, iMax));
  }
  keep.push(n - 1);
  return keep;
}

/** Rounds a value for chart data: integers stay, others keep `digits` significant digits. */
export function compact(v: number, digits: number): number {
  return Number.isInteger(v) ? v : roundSignificant(v, digits);
}

/** Result of {@link preparePoints}. */
export interface PreparedSeries {
  name: string;
  x: number[];
  y: number[];
  /** Points dropped: non-finite y, or ≤ 0 on a log axis. */
  dropped: number;
  /** Points in the input. */
  total: number;
}

/**
 * Drops the points a chart cannot show (non-finite y; x or y ≤ 0 on a log
 * axis), thins the rest to `maxPoints` and rounds them to `digits`.
 */
export function preparePoints(
  s: CheckedSeries,
  opts: { xScale: ScaleType; yScale: ScaleType; maxPoints: number; digits: number },
): PreparedSeries {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < s.y.length; i++) {
    const x = s.x[i];
    const y = s.y[i];
    if (!Number.isFinite(y)) continue;
    if (opts.xScale === "log" && !(x > 0)) continue;
    if (opts.yScale === "log" && !(y > 0)) continue;
    xs.push(x);
    ys.push(y);
  }
  const keep = decimate(ys, opts.maxPoints);
  return {
    name: s.name,
    x: keep.map((i) => compact(xs[i], opts.digits + 2)),
    y: keep.map((i) => compact(ys[i], opts.digits)),
    dropped: s.y.length - xs.length,
    total: s.y.length,
  };
}

/** `"3 series (a, b, c)"`, naming at most five. */
export function seriesSummary(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(", ") + (names.length > 5 ? ", …" : "");
  return `${names.length} series (${shown})`;
}

/** The checked title, axis titles and size of a chart. */
export interface Frame {
  title?: string;
  xLabel: string;
  yLabel: string;
  width: number;
  height: number;
}

/**
 * Checks the `title`, `xLabel`, `yLabel`, `width` and `height` options, in
 * that order, filling in the chart's defaults.
 */
export function frameOptions(
  options: {
    title?: unknown;
    xLabel?: unknown;
    yLabel?: unknown;
    width?: unknown;
    height?: unknown;
  },
  defaults: Omit<Frame, "title">,
): Frame {
  return {
    title: optionalText("title", options.title),
    xLabel: optionalText("xLabel", options.xLabel) ?? defaults.xLabel,
    yLabel: optionalText("yLabel", options.yLabel) ?? defaults.yLabel,
    width: pixels("width", options.width, defaults.width),
    height: pixels("height", options.height, defaults.height),
  };
}

/** The checked point options of a line chart (see {@link preparePoints}). */
export interface PointOptions {
  xScale: ScaleType;
  yScale: ScaleType;
  maxPoints: number;
  digits: number;
}

/** Checks the `xScale`, `yScale`, `maxPoints` and `precision` options, in that order. */
export function pointOptions(
  options: { xScale?: unknown; yScale?: unknown; maxPoints?: unknown; precision?: unknown },
  maxPointsDefault: number,
): PointOptions {
  return {
    xScale: scaleType("xScale", options.xScale),
    yScale: scaleType("yScale", options.yScale),
    maxPoints: maxPointsOption(options.maxPoints, maxPointsDefault),
    digits: precisionOption(options.precision),
  };
}

/** `[lo, hi]` widened by 10 % of its span on each side (by 10 % of |lo|, at least 0.1, if lo = hi). */
export function widen(d: readonly [number, number]): [number, number] {
  const margin = 0.1 * (d[1] - d[0] || Math.max(Math.abs(d[0]), 1));
  return [d[0] - margin, d[1] + margin];
}

/**
 * The height in pixels that gives both axes the same scale at this `width`,
 * kept within [150, `max`]; 150 when a domain is not known.
 */
export function equalScaleHeight(
  width: number,
  xDomain: readonly [number, number] | undefined,
  yDomain: readonly [number, number] | undefined,
  max: number,
): number {
  const aspect = xDomain && yDomain ? (yDomain[1] - yDomain[0]) / (xDomain[1] - xDomain[0]) : 0;
  return Math.round(Math.min(max, Math.max(150, width * aspect)));
}

/** Checks an optional [min, max] option: finite, min < max. */
export function domainOption(name: string, value: unknown): [number, number] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) || value.length !== 2 || !value.every((v) => Number.isFinite(v)) ||
    !(value[0] < value[1])
  ) {
    const shown = Array.isArray(value) && value.length <= 4
      ? `[${value.map((v) => show(v)).join(", ")}]`
      : show(value);
    throw new RangeError(`\`${name}\` must be [min, max] with finite min < max, got ${shown}`);
  }
  return [value[0], value[1]];
}
