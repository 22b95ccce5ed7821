// Shared plumbing of the explorable panels: the grid field names, axis scales
// and the contour background. Not exported from lib/mod.ts.

import { show } from "../_validate.ts";
import type { ScaleType } from "./_data.ts";
import type { Slider } from "./sliders.ts";
import { lossSurfaceSpec, type SurfaceBackground } from "./surface.ts";
import { bottomLegend } from "./theme.ts";

/** The field a grid panel stores a slider's value under (prefixed: no clash with `x`, `y`, …). */
export function gridField(slider: Pick<Slider, "name">): string {
  return `p_${slider.name}`;
}

/** UTF-8 bytes of a value as JSON. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

/** Checks an optional [min, max] option. */
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

/** A fixed quantitative scale: the given domain, no zero, no rounding. */
export function axisScale(type: ScaleType, domain?: [number, number]): Record<string, unknown> {
  return {
    type,
    ...(domain ? { domain } : {}),
    ...(type === "linear" ? { zero: false } : {}),
    nice: false,
  };
}

/** The x and y channels of a panel: quantitative, on fixed scales (see {@link axisScale}). */
export function panelAxes(
  xLabel: string,
  yLabel: string,
  scales: { xScale: ScaleType; yScale: ScaleType },
  xDomain: [number, number] | undefined,
  yDomain: [number, number] | undefined,
): { x: Record<string, unknown>; y: Record<string, unknown> } {
  return {
    x: {
      field: "x",
      type: "quantitative",
      title: xLabel,
      scale: axisScale(scales.xScale, xDomain),
    },
    y: {
      field: "y",
      type: "quantitative",
      title: yLabel,
      scale: axisScale(scales.yScale, yDomain),
    },
  };
}

/** A nominal channel on `series` over `names`, with a legend below the panel if `legend`. */
export function panelSeriesChannel(
  names: readonly string[] | undefined,
  legend: boolean,
  range?: unknown[],
): Record<string, unknown> {
  return {
    field: "series",
    type: "nominal",
    title: null,
    scale: range === undefined ? { domain: names } : { domain: names, range },
    legend: legend ? bottomLegend(names ?? []) : null,
  };
}

/** The contour layer of `lossSurfaceSpec`, with this panel's axes and without zoom or legend. */
export function contourLayers(
  surface: SurfaceBackground,
  xDomain: [number, number],
  yDomain: [number, number],
  enc: { x: Record<string, unknown>; y: Record<string, unknown> },
): Record<string, unknown>[] {
  if (surface === null || typeof surface !== "object" || typeof surface.f !== "function") {
    throw new TypeError(
      `\`surface\` must be an object { f, xDomain, yDomain, levels?, resolution? }, got ${
        show(surface)
      }`,
    );
  }
  const known = ["f", "xDomain", "yDomain", "levels", "resolution"];
  for (const key of Object.keys(surface)) {
    if (!known.includes(key)) {
      throw new TypeError(`\`surface\` has no field \`${key}\`; known fields: ${known.join(", ")}`);
    }
  }
  const base = lossSurfaceSpec(surface.f, {
    xDomain,
    yDomain,
    levels: surface.levels ?? 12,
    resolution: surface.resolution ?? 48,
    precision: 3,
  }) as unknown as { layer: Record<string, unknown>[] };
  return base.layer.map((layer) => {
    const { params: _zoom, ...rest } = layer;
    const encoding = rest.encoding as Record<string, Record<string, unknown>>;
    return {
      ...rest,
      mark: { ...(rest.mark as Record<string, unknown>), opacity: 0.7 },
      encoding: {
        ...encoding,
        x: { ...encoding.x, title: enc.x.title, scale: enc.x.scale },
        y: { ...encoding.y, title: enc.y.title, scale: enc.y.scale },
        ...(encoding.color ? { color: { ...encoding.color, legend: null } } : {}),
      },
    };
  });
}
