// The Plotly form of a chart, for `openWindow`, made in one place from a
// chart's description: its axes, its panels and their series (and, for a loss
// surface, the sampled grid). Every chart builder describes itself with a
// `PlotlyChart`; only this file knows Plotly's traces and layout. Colours and
// the math-like titles come from the theme, as in the SVG. Not exported from
// lib/mod.ts.

import type { PlotlyFigure } from "./figure.ts";
import type { ScaleType } from "./_data.ts";
import { mathLabel, seriesColors } from "./theme.ts";

/** One axis of a chart. */
export interface PlotlyAxis {
  /** The axis title. */
  label: string;
  /** `"category"` for the x of a bar chart. */
  scale?: ScaleType | "category";
  /** A fixed range. */
  range?: readonly [number, number];
}

/** One series: a line, a path (line and dots), bars or stems. */
export interface PlotlySeries {
  name: string;
  x: readonly number[];
  y: readonly (number | null)[];
  mark: "line" | "path" | "bar" | "stem";
  /** Hover text per point, e.g. `step 3`. */
  text?: readonly string[];
}

/** A chart as Plotly draws it. */
export interface PlotlyChart {
  title?: string;
  x: PlotlyAxis;
  y: PlotlyAxis;
  /** One panel, or a grid of them (small multiples), in reading order. */
  panels: readonly { title?: string; series: readonly PlotlySeries[] }[];
  /** Panels per row. @default 1 */
  columns?: number;
  /** Whether the panels share their y range. @default true */
  sharedY?: boolean;
  /** Both axes on the same scale (loss surfaces). */
  equalScale?: boolean;
  /** Whether to show the legend. */
  legend: boolean;
  /** A sampled surface drawn as contours under the series. */
  contour?: {
    name: string;
    xs: readonly number[];
    ys: readonly number[];
    z: readonly (readonly number[])[];
    levels: readonly number[];
    filled: boolean;
  };
}

const WIDTH: Record<PlotlySeries["mark"], number> = { line: 2, path: 2, bar: 0, stem: 1.5 };

/** The Plotly traces and layout of a chart. */
export function plotlyFigure(chart: PlotlyChart): PlotlyFigure {
  const names = [...new Set(chart.panels.flatMap((p) => p.series.map((s) => s.name)))];
  const colors = new Map(seriesColors(names).map((c, i) => [names[i], c]));
  const columns = chart.columns ?? 1;
  const rows = Math.ceil(chart.panels.length / columns);
  const grid = chart.panels.length > 1;
  const gapX = 0.06;
  const gapY = 0.12;
  const w = (1 - gapX * (columns - 1)) / columns;
  const h = (1 - gapY * (rows - 1)) / rows;
  const title = chart.title === undefined ? {} : { title: { text: mathLabel(chart.title) } };
  const layout: Record<string, unknown> = {
    ...title,
    showlegend: chart.legend,
    ...(chart.panels.some((p) => p.series.some((s) => s.mark === "bar"))
      ? { barmode: "group" }
      : {}),
    // Below the plot, so that it never covers an axis or a colour bar (further down under a
    // surface, whose axis title sits lower).
    legend: { orientation: "h", x: 0, y: chart.contour ? -0.3 : -0.18, yanchor: "top" },
  };
  const annotations: unknown[] = [];
  const data: Record<string, unknown>[] = [];
  if (chart.contour) data.push(contourTrace(chart.contour));
  const shown = new Set<string>();
  chart.panels.forEach((panel, k) => {
    const row = Math.floor(k / columns);
    const col = k % columns;
    const suffix = k === 0 ? "" : String(k + 1);
    const x0 = col * (w + gapX);
    const y1 = 1 - row * (h + gapY);
    layout[`xaxis${suffix}`] = {
      ...axis(chart.x, !grid || row === rows - 1),
      ...(grid ? { domain: [x0, x0 + w], anchor: `y${suffix}` } : {}),
    };
    layout[`yaxis${suffix}`] = {
      ...axis(chart.y, !grid || col === 0),
      ...(grid ? { domain: [y1 - h, y1], anchor: `x${suffix}` } : {}),
      ...(grid && (chart.sharedY ?? true) && k > 0 ? { matches: "y" } : {}),
      ...(chart.equalScale ? { scaleanchor: "x" } : {}),
    };
    if (grid && panel.title !== undefined) {
      annotations.push({
        text: `<b>${panel.title.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)}</b>`,
        xref: "paper",
        yref: "paper",
        x: x0 + w / 2,
        y: y1,
        xanchor: "center",
        yanchor: "bottom",
        showarrow: false,
      });
    }
    for (const s of panel.series) {
      const color = colors.get(s.name)!;
      data.push({
        ...seriesTrace(s, color),
        legendgroup: s.name,
        showlegend: !shown.has(s.name),
        ...(grid ? { xaxis: `x${suffix}`, yaxis: `y${suffix}` } : {}),
      });
      shown.add(s.name);
    }
  });
  if (annotations.length) layout.annotations = annotations;
  return { data, layout };
}

function axis(a: PlotlyAxis, titled: boolean): Record<string, unknown> {
  return {
    title: { text: titled ? mathLabel(a.label) : "" },
    ...(a.scale === undefined ? {} : { type: a.scale }),
    ...(a.range === undefined ? {} : { range: [...a.range] }),
    // one tick format per axis: exponents on a log axis
    ...(a.scale === "log" ? { exponentformat: "e", dtick: 1 } : {}),
  };
}

function seriesTrace(s: PlotlySeries, color: string): Record<string, unknown> {
  const base = { name: s.name, x: [...s.x], y: [...s.y], ...(s.text ? { text: [...s.text] } : {}) };
  switch (s.mark) {
    case "bar":
      return { type: "bar", ...base, marker: { color } };
    case "stem":
      // markers with error bars drawn from 0 up (or down) to each value
      return {
        type: "scatter",
        mode: "markers",
        ...base,
        marker: { color, size: 6 },
        error_y: {
          type: "data",
          symmetric: false,
          array: s.y.map((v) => (v === null ? 0 : Math.max(-v, 0))),
          arrayminus: s.y.map((v) => (v === null ? 0 : Math.max(v, 0))),
          color,
          thickness: WIDTH.stem,
          width: 0,
        },
      };
    case "path":
      return {
        type: "scatter",
        mode: "lines+markers",
        ...base,
        marker: { size: 4, color },
        line: { color, width: WIDTH.path },
      };
    default:
      return { type: "scatter", mode: "lines", ...base, line: { color, width: WIDTH.line } };
  }
}

function contourTrace(c: NonNullable<PlotlyChart["contour"]>): Record<string, unknown> {
  const lo = c.levels[0];
  const hi = c.levels[c.levels.length - 1];
  const n = c.levels.length;
  return {
    type: "contour",
    name: c.name,
    x: [...c.xs],
    y: [...c.ys],
    z: c.z.map((row) => [...row]),
    colorscale: "Viridis",
    contours: {
      coloring: c.filled ? "heatmap" : "lines",
      start: lo,
      end: hi,
      size: n > 1 ? (hi - lo) / (n - 1) : 1,
    },
    colorbar: { title: { text: mathLabel(c.name) } },
    showlegend: false,
  };
}
