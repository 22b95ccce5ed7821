/**
 * Reference marks drawn over a chart: a vertical or horizontal line, or a
 * dot, with an optional label. Coordinates are numbers or Vega expressions in
 * the sliders of an explorable, so a dot can follow the current setting.
 *
 * @module
 */

import { show } from "../_validate.ts";
import { label } from "./_data.ts";
import { checkExpression, type Slider } from "./sliders.ts";

/**
 * A reference drawn over a chart: a vertical line (only `x`), a horizontal
 * line (only `y`) or a dot (both). Each coordinate is a number or a Vega
 * expression in the sliders, so a dot can follow the current setting.
 */
export interface ReferenceMark {
  /** The x position: a number, or a Vega expression in the sliders. */
  x?: number | string;
  /** The y position: a number, or a Vega expression in the sliders. */
  y?: number | string;
  /**
   * A label beside the line or dot; a Vega expression when `labelExpr` is true.
   * @default {none}
   */
  label?: string;
  /**
   * Whether `label` is a Vega expression (e.g. `"'ρ = ' + format(rho, '.2f')"`).
   * @default {false}
   */
  labelExpr?: boolean;
}

/** The layers of the reference marks: a rule or a dot each, and its label. */
export function referenceLayers(
  references: unknown,
  sliders: readonly Slider[],
  enc: { x: Record<string, unknown>; y: Record<string, unknown> },
): Record<string, unknown>[] {
  if (!Array.isArray(references)) {
    throw new TypeError(`\`references\` must be an array, got ${show(references)}`);
  }
  return references.flatMap((r, k) => oneReference(r, k, sliders, enc));
}

function oneReference(
  r: ReferenceMark,
  k: number,
  sliders: readonly Slider[],
  enc: { x: Record<string, unknown>; y: Record<string, unknown> },
): Record<string, unknown>[] {
  if (r === null || typeof r !== "object") {
    throw new TypeError(
      `\`references[${k}]\` must be an object { x?, y?, label?, labelExpr? }, got ${show(r)}`,
    );
  }
  const known = ["x", "y", "label", "labelExpr"];
  for (const key of Object.keys(r)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `\`references[${k}]\` has no field \`${key}\`; known fields: ${known.join(", ")}`,
      );
    }
  }
  const coordinate = (axis: "x" | "y") => {
    const v = r[axis];
    if (v === undefined) return undefined;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) {
        throw new RangeError(`\`references[${k}].${axis}\` must be finite, got ${show(v)}`);
      }
      return String(v);
    }
    return checkExpression(`references[${k}].${axis}`, v, sliders);
  };
  const x = coordinate("x");
  const y = coordinate("y");
  if (x === undefined && y === undefined) {
    throw new RangeError(`\`references[${k}]\` must have \`x\`, \`y\` or both`);
  }
  const transform = [
    ...(x === undefined ? [] : [{ calculate: x, as: "rx" }]),
    ...(y === undefined ? [] : [{ calculate: y, as: "ry" }]),
  ];
  const encoding: Record<string, unknown> = {
    ...(x === undefined ? {} : { x: { ...enc.x, field: "rx" } }),
    ...(y === undefined ? {} : { y: { ...enc.y, field: "ry" } }),
  };
  const layers: Record<string, unknown>[] = [{
    data: { values: [{}] },
    transform,
    mark: x !== undefined && y !== undefined
      ? { type: "point", filled: true, size: 70, color: "#222", opacity: 1, clip: true }
      : { type: "rule", color: "#666", strokeDash: [5, 4], strokeWidth: 1.25, clip: true },
    encoding,
  }];
  if (r.label !== undefined) {
    const text = r.labelExpr === true
      ? checkExpression(`references[${k}].label`, r.label, sliders)
      : JSON.stringify(label(`references[${k}].label`, r.label));
    layers.push({
      data: { values: [{}] },
      transform,
      mark: {
        type: "text",
        text: { expr: text },
        align: "left",
        baseline: y === undefined ? "top" : "bottom",
        dx: 5,
        dy: y === undefined ? 4 : -5,
        fontSize: 11,
        color: "#222",
        clip: true,
      },
      encoding: {
        ...encoding,
        ...(x === undefined ? { x: { value: 4 } } : {}),
        ...(y === undefined ? { y: { value: 0 } } : {}),
      },
    });
  }
  return layers;
}
