// Tests of the plotting layer (lib/plot): every chart is rendered to SVG and
// checked as XML, then its marks, legend and axes are read from the SVG (vega
// names its groups `mark-<type> role-<role>`), and its Vega-Lite spec is
// compiled with the pinned vega-lite 5 and must give no warning.

import assert from "node:assert/strict";
import fc from "fast-check";
import * as vega from "vega";
import {
  barChart,
  barChartSpec,
  compileVegaLite,
  type Figure,
  figure,
  jupyterDisplay,
  lineChart,
  lineChartSpec,
  lossSurface,
  lossSurfaceSpec,
  mathLabel,
  METHOD_COLORS,
  methodOf,
  openWindow,
  renderSvg,
  SERIES_PALETTE,
  smallMultiples,
  smallMultiplesSpec,
  toPlotly,
  UNDRAWN_HINT,
  VEGA_LITE_MIME,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "@better-gradients/lib";
import { XMLParser, XMLValidator } from "fast-xml-parser";

// ---------------------------------------------------------------- SVG helpers

/** An element of the parsed SVG. */
interface SvgElement {
  tag: string;
  attrs: Record<string, string>;
  children: SvgElement[];
  text: string;
}

/** Throws unless `svg` is well-formed XML whose root is an `<svg>` element. */
function assertWellFormed(svg: string): void {
  const result = XMLValidator.validate(svg);
  if (result !== true) {
    throw new Error(`SVG is not well-formed XML: ${JSON.stringify(result.err)}`);
  }
  const root = parseSvg(svg);
  if (root.tag !== "svg") throw new Error(`root element is <${root.tag}>, not <svg>`);
  if (root.attrs.xmlns !== "http://www.w3.org/2000/svg") {
    throw new Error("root lacks the SVG namespace");
  }
}

/** Parses `svg` into a tree of {@link SvgElement}. */
function parseSvg(svg: string): SvgElement {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    preserveOrder: true,
    trimValues: false,
    processEntities: true,
  });
  const convert = (node: Record<string, unknown>): SvgElement | undefined => {
    const tag = Object.keys(node).find((k) => k !== ":@");
    if (tag === undefined || tag === "#text" || tag.startsWith("?")) return undefined;
    const raw = node[tag] as Record<string, unknown>[];
    const children = raw.map(convert).filter((c): c is SvgElement => c !== undefined);
    const text = raw.filter((c) => "#text" in c).map((c) => String(c["#text"])).join("");
    return { tag, attrs: (node[":@"] ?? {}) as Record<string, string>, children, text };
  };
  const roots = (parser.parse(svg) as Record<string, unknown>[]).map(convert).filter(Boolean);
  return roots[0] as SvgElement;
}

/** Every element of the tree, depth first. */
function allElements(root: SvgElement): SvgElement[] {
  return [root, ...root.children.flatMap(allElements)];
}

/** The `<g>` elements whose class list starts with `prefix`, e.g. `"mark-line role-mark"`. */
function groups(root: SvgElement, prefix: string): SvgElement[] {
  return allElements(root).filter((e) => e.tag === "g" && (e.attrs.class ?? "").startsWith(prefix));
}

/** The text of every `<text>` element under `root`, in document order. */
function texts(root: SvgElement): string[] {
  return allElements(root)
    .filter((e) => e.tag === "text")
    .map((e) => e.text + e.children.map((c) => c.text).join(""));
}

/**
 * Checks everything every figure must satisfy, and returns its parsed SVG. The
 * full spec (with its hover and zoom params, which the SVG leaves out) must
 * also run in vega, as it will in JupyterLab.
 */
async function checkFigure(fig: Figure): Promise<SvgElement> {
  assertWellFormed(fig.svg);
  assert.deepEqual(fig.warnings, []);
  assert.equal(fig.spec.$schema, VEGA_LITE_SCHEMA);
  const compiled = await compileVegaLite(fig.spec as VegaLiteSpec);
  assert.deepEqual(compiled.warnings, []);
  const bundle = fig[jupyterDisplay]();
  assert.deepEqual(Object.keys(bundle).sort(), [
    VEGA_LITE_MIME,
    "image/svg+xml",
    "text/markdown",
    "text/plain",
  ]);
  assert.equal(bundle["image/svg+xml"], fig.svg);
  assert.equal(bundle[VEGA_LITE_MIME], fig.spec);
  const text = bundle["text/plain"] as string;
  assert.ok(text.startsWith("Figure: "), text);
  assert.ok(!text.includes("\n"), "text/plain is one line");
  assert.ok(text.endsWith(UNDRAWN_HINT), "text/plain tells an untrusted reader what to do");
  // the Markdown (classic Notebook, nbconvert) is the same SVG as an image
  const md = /^!\[([^\n]*)\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/
    .exec(bundle["text/markdown"] as string);
  assert.ok(md, "text/markdown is an image with a data: URL");
  const bytes = Uint8Array.from(atob(md[2]), (c) => c.charCodeAt(0));
  assert.equal(new TextDecoder().decode(bytes), fig.svg);
  // Every reference to an id points at an element of this SVG.
  const ids = new Set([...fig.svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
  for (const m of fig.svg.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.has(m[1]), m[1]);
  const view = new vega.View(vega.parse(structuredClone(compiled.vega)), { renderer: "none" });
  await view.runAsync();
  view.finalize();
  return parseSvg(fig.svg);
}

/** The `aria-label` vega gives each axis, e.g. "Y-axis titled 'loss' for a log scale …". */
function axisLabel(root: SvgElement, axis: "X" | "Y"): string {
  const labels = groups(root, "mark-group role-axis")
    .map((g) => g.attrs["aria-label"] ?? "")
    .filter((l) => l.startsWith(`${axis}-axis`));
  assert.equal(labels.length, 1, `one ${axis} axis`);
  return labels[0];
}

/** The tick labels of the axis whose aria-label starts with `X-axis` or `Y-axis`, as numbers. */
function tickValues(root: SvgElement, axis: "X" | "Y"): number[] {
  const group = groups(root, "mark-group role-axis").find((g) =>
    (g.attrs["aria-label"] ?? "").startsWith(`${axis}-axis`)
  )!;
  const labelGroup = groups(group, "mark-text role-axis-label")[0];
  return texts(labelGroup).map((t) => Number(t.replace(/,/g, "").replace("\u2212", "-")));
}

function lineMarkCount(root: SvgElement): number {
  // One `mark-line role-mark` group per series, each holding one path.
  return groups(root, "mark-line role-mark")
    .reduce((n, g) => n + g.children.filter((c) => c.tag === "path").length, 0);
}

function legendLabels(root: SvgElement): string[] {
  return groups(root, "mark-text role-legend-label").flatMap(texts);
}

const decay = (rate: number, n: number) => Float64Array.from({ length: n }, (_, t) => rate ** t);

/** The vertices of each drawn line (the `d` of every path in a `mark-line` group), in drawing order. */
function lineVertices(root: SvgElement): [number, number][][] {
  return groups(root, "mark-line role-mark")
    .flatMap((g) => g.children.filter((c) => c.tag === "path"))
    .map((path) =>
      [...(path.attrs.d ?? "").matchAll(/[ML](-?[\d.]+(?:e-?\d+)?),(-?[\d.]+(?:e-?\d+)?)/g)]
        .map((m) => [Number(m[1]), Number(m[2])] as [number, number])
    );
}

/**
 * Checks that `vertices` visit the points (x_k, y_k) in the given order: on a
 * linear x axis from min x to max x over `width` pixels (no padding, as the
 * charts' x scale is not "nice"), vertex k sits at the pixel of x_k.
 */
function assertDrawnInOrder(vertices: [number, number][], xs: number[], width: number): void {
  assert.equal(vertices.length, xs.length, `${vertices.length} vertices for ${xs.length} points`);
  const lo = Math.min(...xs), hi = Math.max(...xs);
  vertices.forEach(([px], k) => {
    const expected = ((xs[k] - lo) / (hi - lo)) * width;
    assert.ok(Math.abs(px - expected) < 0.5, `vertex ${k} at x = ${px} px, expected ${expected}`);
  });
}

// ---------------------------------------------------------------- figure

Deno.test("figure: any Vega-Lite v5 spec becomes SVG + Vega-Lite + text", async (t) => {
  const spec = {
    title: "squares",
    data: { values: [{ x: 1, y: 1 }, { x: 2, y: 4 }, { x: 3, y: 9 }] },
    mark: "point" as const,
    encoding: {
      x: { field: "x", type: "quantitative" as const },
      y: { field: "y", type: "quantitative" as const },
    },
  };
  await t.step("bundle keys, $schema added, description from the title", async () => {
    const fig = await figure(spec);
    const root = await checkFigure(fig);
    assert.equal(fig.description, "squares");
    assert.equal(String(fig), "Figure: squares");
    assert.equal(fig.toMimeBundle()["text/plain"], `Figure: squares ${UNDRAWN_HINT}`);
    assert.equal(groups(root, "mark-symbol role-mark")[0].children.length, 3);
  });
  await t.step("the spec is a frozen copy: changing the input later changes nothing", async () => {
    const input = structuredClone(spec);
    const fig = await figure(input);
    input.title = "changed";
    assert.equal((fig.spec as { title: string }).title, "squares");
    assert.ok(Object.isFrozen(fig.spec));
    assert.throws(() => {
      (fig.spec as { title: string }).title = "x";
    }, TypeError);
  });
  await t.step("an explicit description wins, and is made one line", async () => {
    const fig = await figure(spec, { description: "two\nlines" });
    assert.equal(fig[jupyterDisplay]()["text/plain"], `Figure: two lines ${UNDRAWN_HINT}`);
  });
  await t.step("rejects a v4 schema, a non-object and an invalid spec", async () => {
    await assert.rejects(
      figure({ ...spec, $schema: "https://vega.github.io/schema/vega-lite/v4.json" }),
      (e: Error) => e instanceof RangeError && /\$schema/.test(e.message) && /v4/.test(e.message),
    );
    await assert.rejects(figure(null as unknown as VegaLiteSpec), TypeError);
    await assert.rejects(figure({ data: { values: [] } } as unknown as VegaLiteSpec), Error);
  });
  await t.step("warnings of vega-lite are kept, not printed", async () => {
    const fig = await figure({
      ...spec,
      encoding: {
        ...spec.encoding,
        x: { field: "x", type: "quantitative", scale: { type: "band" } },
      },
    } as VegaLiteSpec);
    assert.ok(fig.warnings.length > 0);
  });
});

Deno.test("renderSvg: the same figure renders to the same SVG", async (t) => {
  await t.step("property: random series, rendered twice, give equal SVG", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), {
            minLength: 2,
            maxLength: 40,
          }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.boolean(),
        async (ys, log) => {
          const series = ys.map((y, i) => ({ name: `s${i}`, y }));
          const options = { yScale: log ? "log" as const : "linear" as const };
          const a = await lineChart(series, options);
          const b = await lineChart(series, options);
          assert.equal(a.svg, b.svg);
          assert.equal(await renderSvg(a.spec as VegaLiteSpec), a.svg);
        },
      ),
      { numRuns: 12, seed: 20240611 },
    );
  });
  await t.step(
    "clip-path ids differ between different figures (no clash when inlined together)",
    async () => {
      const a = await lineChart({ a: [1, 2, 3] });
      const b = await lineChart({ b: [3, 2, 1] });
      const ids = (svg: string) => new Set([...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
      const shared = [...ids(a.svg)].filter((id) => ids(b.svg).has(id));
      assert.ok(ids(a.svg).size > 0);
      assert.deepEqual(shared, []);
    },
  );
});

// ---------------------------------------------------------------- line charts

Deno.test("lineChart: one line and one legend entry per series", async (t) => {
  for (const n of [1, 3, 7]) {
    await t.step(`${n} series`, async () => {
      const series = Array.from(
        { length: n },
        (_, i) => ({ name: `run ${i}`, y: decay(0.9 + i / 100, 50) }),
      );
      const root = await checkFigure(await lineChart(series));
      assert.equal(lineMarkCount(root), n);
      assert.deepEqual(legendLabels(root), series.map((s) => s.name));
    });
  }
  await t.step("an object of name → values keeps its order", async () => {
    const root = await checkFigure(await lineChart({ sgd: decay(0.9, 20), adam: decay(0.8, 20) }));
    assert.deepEqual(legendLabels(root), ["sgd", "adam"]);
  });
  await t.step("interactive layers (hover points) are in the spec, not in the SVG", async () => {
    const fig = await lineChart({ a: decay(0.9, 30) });
    const spec = fig.spec as unknown as {
      layer: { name?: string; encoding?: { tooltip?: unknown } }[];
    };
    assert.ok(spec.layer.some((l) => l.name?.startsWith("interactive_") && l.encoding?.tooltip));
    assert.equal(groups(parseSvg(fig.svg), "mark-symbol role-mark").length, 0);
  });
  await t.step("the spec has a zoom param bound to the scales", () => {
    const spec = lineChartSpec({ a: [1, 2] }) as unknown as { layer: { params?: unknown[] }[] };
    assert.deepEqual(spec.layer[0].params, [
      { name: "zoom", select: { type: "interval", encodings: ["x", "y"] }, bind: "scales" },
    ]);
  });
});

Deno.test("lineChart: each line joins its points in data order, not sorted by x", async (t) => {
  // A zig-zag in x, like the path (w₁, w₂) of gradient descent across a narrow valley.
  const xs = [-5, 1, -3.2, 0.4, -2, -0.1, -0.9, 0];
  const ys = [-2, 1.2, -0.7, 0.4, -0.2, 0.1, -0.05, 0];
  await t.step("the spec has an order channel on the point index", () => {
    const spec = lineChartSpec([{ name: "path", x: xs, y: ys }]) as unknown as {
      data: { values: { i: number; x: number }[] };
      layer: { mark: { type: string }; encoding?: { order?: unknown } }[];
    };
    assert.deepEqual(spec.data.values.map((r) => r.i), xs.map((_, k) => k));
    assert.deepEqual(spec.data.values.map((r) => r.x), xs);
    const line = spec.layer.find((l) => l.mark.type === "line")!;
    assert.deepEqual(line.encoding?.order, { field: "i", type: "quantitative" });
  });
  await t.step("the SVG path visits the points in the order given", async () => {
    const root = await checkFigure(
      await lineChart([{ name: "path", x: xs, y: ys }, { name: "back", x: [1, -5], y: [0, 0] }]),
    );
    const [path, back] = lineVertices(root);
    assertDrawnInOrder(path, xs, 360); // the default width
    assertDrawnInOrder(back, [1, -5], 360); // same x range [-5, 1], drawn right to left
  });
  await t.step("any order of x (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 12 }),
        async (raw) => {
          const x = raw.map((v) => v / 10);
          const fig = await lineChart([{ name: "s", x, y: x.map((_, k) => k) }]);
          assertDrawnInOrder(lineVertices(parseSvg(fig.svg))[0], x, 360);
        },
      ),
      { numRuns: 15, seed: 42 },
    );
  });
  await t.step("series whose x increases are drawn as before", async () => {
    const root = await checkFigure(await lineChart({ a: [4, 3, 2, 1] }, { width: 300 }));
    assertDrawnInOrder(lineVertices(root)[0], [0, 1, 2, 3], 300);
  });
});

Deno.test("lineChart: log and linear axes", async (t) => {
  await t.step("log y: spec, SVG axis and tick labels a factor 10 apart", async () => {
    const fig = await lineChart({ loss: decay(0.9, 200) }, { yScale: "log", yLabel: "loss" });
    const root = await checkFigure(fig);
    const spec = fig.spec as unknown as { encoding: { y: { scale: { type: string } } } };
    assert.equal(spec.encoding.y.scale.type, "log");
    assert.match(axisLabel(root, "Y"), /^Y-axis titled 'loss' for a log scale/);
    const ticks = tickValues(root, "Y").filter((v) => v > 0);
    assert.ok(ticks.length >= 3, `ticks ${ticks}`);
    const decades = ticks.map(Math.log10).sort((a, b) => a - b);
    // 0.9^199 ≈ 8e-10: the axis spans about ten decades, labelled at powers of ten.
    assert.ok(decades.every((d) => Math.abs(d - Math.round(d)) < 1e-9), `ticks ${ticks}`);
    assert.ok(decades[0] <= -9 && decades[decades.length - 1] >= 0, `ticks ${ticks}`);
    assert.match(fig.description, /log y/);
  });
  await t.step("linear y: equally spaced tick labels", async () => {
    const root = await checkFigure(await lineChart({ v: [0, 10, 20, 30, 40, 50] }));
    assert.match(axisLabel(root, "Y"), /for a linear scale/);
    const ticks = tickValues(root, "Y");
    const gaps = ticks.slice(1).map((v, i) => v - ticks[i]);
    assert.ok(
      gaps.length >= 2 && gaps.every((g) => Math.abs(g - gaps[0]) < 1e-9),
      `ticks ${ticks}`,
    );
  });
  await t.step("log x: the step-0 point cannot be drawn and is reported", async () => {
    const fig = await lineChart({ a: decay(0.5, 10) }, { xScale: "log", yScale: "log" });
    const root = await checkFigure(fig);
    assert.match(axisLabel(root, "X"), /for a log scale/);
    assert.match(fig.description, /1 point not drawable/);
    const values = (fig.spec as unknown as { data: { values: { x: number }[] } }).data.values;
    assert.equal(values.length, 9);
    assert.ok(values.every((r) => r.x > 0));
  });
});

Deno.test("lineChart: compact data", async (t) => {
  await t.step(
    "long series are thinned to maxPoints, keeping first, last, spike and dip",
    () => {
      const y = Array.from({ length: 10_000 }, (_, i) => 1 + 0.001 * Math.sin(i));
      y[4321] = 50; // a spike
      y[7654] = -3; // a dip
      const spec = lineChartSpec({ y }, { maxPoints: 200 }) as unknown as {
        data: { values: { x: number; y: number }[] };
      };
      const rows = spec.data.values;
      assert.ok(rows.length <= 200, `${rows.length} rows`);
      const xs = rows.map((r) => r.x);
      assert.deepEqual([xs[0], xs[xs.length - 1]], [0, 9999]);
      assert.ok(xs.includes(4321) && xs.includes(7654));
      assert.deepEqual(xs, [...xs].sort((a, b) => a - b));
    },
  );
  await t.step("values are rounded to `precision` significant digits", () => {
    const spec = lineChartSpec({ y: [Math.PI, Math.E] }, { precision: 3 }) as unknown as {
      data: { values: { y: number }[] };
    };
    assert.deepEqual(spec.data.values.map((r) => r.y), [3.14, 2.72]);
  });
  await t.step("non-finite values are left out and reported (a diverging run)", async () => {
    const fig = await lineChart({ diverged: [1, 10, 1e200, Infinity, NaN] }, { yScale: "log" });
    await checkFigure(fig);
    assert.match(fig.description, /2 points not drawable/);
    assert.equal((fig.spec as unknown as { data: { values: unknown[] } }).data.values.length, 3);
  });
});

Deno.test("lineChart: bad input names the parameter", async (t) => {
  const cases: [string, () => unknown, RegExp, ErrorConstructor][] = [
    ["no series", () => lineChartSpec([]), /`series` must hold at least one series/, RangeError],
    [
      "duplicate names",
      () => lineChartSpec([{ name: "a", y: [1] }, { name: "a", y: [2] }]),
      /two series named "a"/,
      RangeError,
    ],
    [
      "x length",
      () => lineChartSpec([{ name: "a", y: [1, 2], x: [0] }]),
      /`series\[0\]\.x` must have the same length/,
      RangeError,
    ],
    [
      "non-finite x",
      () => lineChartSpec([{ name: "a", y: [1, 2], x: [0, NaN] }]),
      /`series\[0\]\.x\[1\]` must be a finite number, got NaN/,
      RangeError,
    ],
    [
      "string values",
      () => lineChartSpec({ a: ["1"] as unknown as number[] }),
      /`series\[0\]\.y\[0\]` must be a number/,
      TypeError,
    ],
    [
      "scale",
      () => lineChartSpec({ a: [1] }, { yScale: "ln" as "log" }),
      /`yScale` must be "linear" or "log", got "ln"/,
      RangeError,
    ],
    [
      "unknown option",
      () => lineChartSpec({ a: [1] }, { ylabel: "x" } as never),
      /no option `ylabel`/,
      TypeError,
    ],
    [
      "width",
      () => lineChartSpec({ a: [1] }, { width: 0 }),
      /`width` must be an integer >= 20, got 0/,
      RangeError,
    ],
    [
      "maxPoints",
      () => lineChartSpec({ a: [1] }, { maxPoints: 3 }),
      /`maxPoints` must be an integer >= 10/,
      RangeError,
    ],
  ];
  for (const [name, fn, message, type] of cases) {
    await t.step(
      name,
      () => assert.throws(fn, (e: Error) => e instanceof type && message.test(e.message)),
    );
  }
});

// ---------------------------------------------------------------- loss surfaces

Deno.test("lossSurface: contours lie on their level set", async (t) => {
  const contourRows = (spec: VegaLiteSpec) =>
    (spec as unknown as {
      layer: {
        data: { values: { id: number; level: number; x: number; y: number; order: number }[] };
      }[];
    })
      .layer[0].data.values;
  await t.step("the unit circle of x² + y², closed", () => {
    const spec = lossSurfaceSpec((x, y) => x * x + y * y, {
      xDomain: [-2, 2],
      yDomain: [-2, 2],
      levels: [1],
    });
    const rows = contourRows(spec);
    assert.equal(new Set(rows.map((r) => r.id)).size, 1, "one closed line");
    for (const r of rows) assert.ok(Math.abs(Math.hypot(r.x, r.y) - 1) < 5e-3, `${r.x}, ${r.y}`);
    const first = rows[0];
    const last = rows[rows.length - 1];
    assert.deepEqual([last.x, last.y], [first.x, first.y]);
    assert.ok(rows.length > 40);
  });
  await t.step("a saddle: x·y = ±0.5 gives four open branches on the hyperbolas", () => {
    const spec = lossSurfaceSpec((x, y) => x * y, {
      xDomain: [-2, 2],
      yDomain: [-2, 2],
      levels: [-0.5, 0.5],
    });
    const rows = contourRows(spec);
    assert.equal(new Set(rows.map((r) => r.id)).size, 4);
    for (const r of rows) assert.ok(Math.abs(Math.abs(r.x * r.y) - 0.5) < 0.02, `${r.x}, ${r.y}`);
  });
  await t.step("levels by count are quantiles of the sampled values, increasing", () => {
    const spec = lossSurfaceSpec((x, y) => x * x + 4 * y * y, {
      xDomain: [-1, 1],
      yDomain: [-1, 1],
      levels: 5,
    });
    const levels = [...new Set(contourRows(spec).map((r) => r.level))];
    assert.equal(levels.length, 5);
    assert.deepEqual(levels, [...levels].sort((a, b) => a - b));
  });
});

Deno.test("lossSurface: trajectories over the surface", async (t) => {
  const f = (a: number, b: number) => 0.1 * a * a + 2 * b * b;
  const run = (lr: number, beta: number) => {
    const points: number[][] = [[-5, -2]];
    let v = [0, 0];
    for (let k = 0; k < 30; k++) {
      const [a, b] = points[points.length - 1];
      v = [beta * v[0] + 0.2 * a, beta * v[1] + 4 * b];
      points.push([a - lr * v[0], b - lr * v[1]]);
    }
    return points;
  };
  await t.step(
    "one line and one legend entry per trajectory; a colour legend for the loss",
    async () => {
      const fig = await lossSurface(f, {
        trajectories: [{ name: "gd", points: run(0.4, 0) }, {
          name: "momentum",
          points: run(0.4, 0.5),
        }],
        title: "valley",
      });
      const root = await checkFigure(fig);
      const pathLines = groups(root, "mark-line role-mark layer_1_layer_0_marks");
      assert.equal(pathLines.length, 2);
      assert.ok(legendLabels(root).includes("gd") && legendLabels(root).includes("momentum"));
      assert.ok(
        groups(root, "mark-rect role-legend-gradient").length === 1,
        "gradient legend for the loss",
      );
      assert.match(fig.description, /2 paths \(gd, momentum\)/);
    },
  );
  await t.step("default domain: the trajectories' range widened by 10 %", () => {
    const spec = lossSurfaceSpec(f, {
      trajectories: [{ name: "p", x: [0, 10], y: [0, 5] }],
    }) as unknown as {
      layer: {
        encoding: { x: { scale: { domain: number[] } }; y: { scale: { domain: number[] } } };
      }[];
      height: number;
      width: number;
    };
    assert.deepEqual(spec.layer[0].encoding.x.scale.domain, [-1, 11]);
    assert.deepEqual(spec.layer[0].encoding.y.scale.domain, [-0.5, 5.5]);
    // Equal scales on both axes: height / width = y range / x range.
    assert.equal(spec.height, Math.round(spec.width * 6 / 12));
  });
  await t.step("with a heatmap: rect marks, no warnings", async () => {
    const fig = await lossSurface(f, {
      xDomain: [-5, 5],
      yDomain: [-2, 2],
      heatmap: true,
      resolution: 30,
    });
    const root = await checkFigure(fig);
    const rects = groups(root, "mark-rect role-mark")[0];
    assert.equal(rects.children.filter((c) => c.tag === "path").length, 30 * 30);
  });
  await t.step("log colour scale chosen for values spanning decades", () => {
    const rosen = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2 + 1e-3;
    const json = JSON.stringify(lossSurfaceSpec(rosen, { xDomain: [-2, 2], yDomain: [-1, 3] }));
    assert.match(json, /"scale":\{"type":"log","scheme":"viridis"\}/);
  });
  await t.step("bad input", () => {
    assert.throws(() => lossSurfaceSpec(f), /`xDomain` and `yDomain` are required/);
    assert.throws(
      () => lossSurfaceSpec(f, { xDomain: [1, 0], yDomain: [0, 1] }),
      /`xDomain` must be \[min, max\] with min < max/,
    );
    assert.throws(
      () => lossSurfaceSpec(() => NaN, { xDomain: [0, 1], yDomain: [0, 1] }),
      (e: Error) =>
        e instanceof RangeError && /`f` must return a finite number, got NaN/.test(e.message),
    );
    assert.throws(
      () => lossSurfaceSpec(f, { trajectories: [{ name: "p", points: [[1, 2, 3]] }] }),
      /`trajectories\[0\]\.points\[0\]` must have length 2, got length 3/,
    );
    assert.throws(() => lossSurfaceSpec("f" as never, {}), TypeError);
  });
});

// ---------------------------------------------------------------- bars and stems

Deno.test("barChart: bars and stems of weights", async (t) => {
  const alpha = 0.8;
  const ema = Array.from({ length: 12 }, (_, s) => alpha ** (11 - s) * (1 - alpha));
  const momentum = Array.from({ length: 12 }, (_, s) => alpha ** (11 - s));
  await t.step("one bar per value; no legend for a single series", async () => {
    const root = await checkFigure(await barChart({ ema }));
    const bars = groups(root, "mark-rect role-mark")[0].children.filter((c) => c.tag === "path");
    assert.equal(bars.length, 12);
    assert.equal(groups(root, "mark-group role-legend").length, 0);
  });
  await t.step("grouped series: 2 × 12 bars and a legend", async () => {
    const root = await checkFigure(await barChart({ ema, momentum }, { title: "weights of g_s" }));
    const bars = groups(root, "mark-rect role-mark")[0].children.filter((c) => c.tag === "path");
    assert.equal(bars.length, 24);
    assert.deepEqual(legendLabels(root), ["ema", "momentum"]);
  });
  await t.step("stems: one rule and one dot per value", async () => {
    const fig = await barChart({ ema }, { kind: "stem" });
    const root = await checkFigure(fig);
    const stems = groups(root, "mark-rule role-mark layer_0_marks")[0].children.filter((c) =>
      c.tag === "line"
    );
    const dots = groups(root, "mark-symbol role-mark")[0].children.filter((c) => c.tag === "path");
    assert.equal(stems.length, 12);
    assert.equal(dots.length, 12);
    assert.match(fig.description, /^stem chart: 1 series \(ema\)/);
  });
  await t.step("bad kind, too many values", () => {
    assert.throws(
      () => barChartSpec({ a: [1] }, { kind: "pie" as "bar" }),
      /`kind` must be "bar" or "stem", got "pie"/,
    );
    assert.throws(() => barChartSpec({ a: new Array(2001).fill(1) }), /at most 2000 values/);
  });
});

// ---------------------------------------------------------------- small multiples

Deno.test("smallMultiples: one panel per setting", async (t) => {
  const sweep = [0.01, 0.1, 0.5, 0.9].map((lr) => {
    const loss: number[] = [];
    let w = 1;
    for (let k = 0; k < 40; k++) {
      loss.push(w * w + 1e-12);
      w -= lr * 2 * w;
    }
    return { title: `lr = ${lr}`, series: { loss } };
  });
  await t.step("panels in order, with their titles; one line each", async () => {
    const fig = await smallMultiples(sweep, { yScale: "log", columns: 2 });
    const root = await checkFigure(fig);
    assert.equal(lineMarkCount(root), 4);
    const titles = groups(root, "mark-text role-title-text").flatMap(texts);
    assert.deepEqual(titles, sweep.map((p) => p.title));
    assert.match(fig.description, /4 panels \(lr = 0.01, lr = 0.1, lr = 0.5, lr = 0.9\)/);
  });
  await t.step("lesson 11's grid (10 panels, a long title) stays under 460 px", async () => {
    const names = ["gradient descent", "notes' momentum", "notes' RMSProp", "notes' AdaDelta"]
      .concat(["notes' Adam", "sgd + nesterov", "rmsprop", "adadelta", "adam", "adagrad"]);
    const title = "validation accuracy per epoch, tuned η, three seeds";
    const fig = await smallMultiples(
      names.map((name, k) => ({
        title: name,
        series: [1, 2, 3].map((seed) => ({
          name: `seed ${seed}`,
          x: [1, 2, 3, 4],
          y: [0.5, 0.7, 0.8, 0.9].map((v) => v - 0.01 * seed * k),
        })),
      })),
      { title, xLabel: "epoch", yLabel: "validation accuracy" },
    );
    const width = Number(/^<svg[^>]* width="(\d+)"/.exec(fig.svg)![1]);
    // the title alone used to make it 623 px wide: now it is broken into lines
    assert.ok(width <= 460, `the SVG is ${width} px wide`);
    const lines = groups(await checkFigure(fig), "mark-text role-title-text").flatMap(texts);
    assert.ok(!lines.includes(title), `the title is on one line: ${lines}`);
    assert.deepEqual((fig.spec as { title: unknown }).title, [
      "validation accuracy per epoch,",
      "tuned η, three seeds",
    ]);
    assert.equal(fig.description.includes(title), true, "the description keeps the whole title");
  });
  await t.step("each line joins its points in data order, not sorted by x", async () => {
    const xs = [0, 2, 1, 3, -1];
    const fig = await smallMultiples(
      [{ title: "path", series: [{ name: "w", x: xs, y: [0, 1, 2, 3, 4] }] }],
      { width: 200 },
    );
    assertDrawnInOrder(lineVertices(await checkFigure(fig))[0], xs, 200);
  });
  await t.step("shared or independent y scales, both without warnings", async () => {
    for (const sharedY of [true, false]) {
      const spec = smallMultiplesSpec(sweep, { sharedY });
      assert.deepEqual((await compileVegaLite(spec)).warnings, []);
      assert.equal(
        (spec as unknown as { resolve: { scale: { y: string } } }).resolve.scale.y,
        sharedY ? "shared" : "independent",
      );
    }
  });
  await t.step("bad input", () => {
    assert.throws(() => smallMultiplesSpec([]), /`panels` must be a non-empty array/);
    assert.throws(() => smallMultiplesSpec([sweep[0], sweep[0]]), /two panels titled "lr = 0.01"/);
    assert.throws(
      () => smallMultiplesSpec(sweep, { columns: 0 }),
      /`columns` must be an integer >= 1, got 0/,
    );
  });
});

// ---------------------------------------------------------------- Plotly and the window

Deno.test("toPlotly: traces for the browser window", async (t) => {
  await t.step("a line chart: one scatter trace per series, log axis kept", async () => {
    const { data, layout } = toPlotly(
      await lineChart({ a: [3, 2, 1], b: [1, 2, 3] }, { yScale: "log" }),
    );
    assert.deepEqual(data.map((d) => [d.type, d.name]), [["scatter", "a"], ["scatter", "b"]]);
    assert.equal((layout.yaxis as { type: string }).type, "log");
  });
  await t.step("a loss surface: a contour trace and one trace per path", async () => {
    const { data } = toPlotly(
      await lossSurface((x, y) => x * x + y * y, {
        trajectories: [{ name: "p", points: [[1, 1], [0.5, 0.2]] }],
      }),
    );
    assert.deepEqual(data.map((d) => d.type), ["contour", "scatter"]);
  });
  await t.step("small multiples: one axis pair per panel", async () => {
    const { data, layout } = toPlotly(
      await smallMultiples([{ title: "a", series: { y: [1, 2] } }, {
        title: "b",
        series: { y: [2, 1] },
      }]),
    );
    assert.deepEqual(data.map((d) => [d.xaxis, d.yaxis]), [["x", "y"], ["x2", "y2"]]);
    assert.ok(layout.xaxis2 && layout.yaxis2);
  });
  await t.step("a figure from a hand-written spec shows its SVG as a picture", async () => {
    const fig = await figure({
      data: { values: [{ a: 1 }] },
      mark: "point",
      encoding: { x: { field: "a", type: "quantitative" } },
    });
    const { data, layout } = toPlotly(fig);
    assert.deepEqual(data, []);
    const image = (layout.images as { source: string }[])[0].source;
    assert.ok(image.startsWith("data:image/svg+xml;base64,"));
    const svg = new TextDecoder().decode(
      Uint8Array.from(atob(image.split(",")[1]), (c) => c.charCodeAt(0)),
    );
    assert.equal(svg, fig.svg);
  });
});

Deno.test({
  name: "openWindow: nodeplotlib's page served offline on 127.0.0.1",
  // NestJS keeps internal handles (socket.io engine) that outlive a closed server by a tick.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const fig = await lineChart({ loss: decay(0.9, 50) }, { yScale: "log" });
    const win = await openWindow([fig, fig], { open: false, closeWithPage: false, log: false });
    try {
      await t.step("the page loads plotly.js from this server, not from a CDN", async () => {
        assert.match(win.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
        const page = await (await fetch(win.url)).text();
        assert.match(page, /<script[^>]*src="\/assets\/plotly-1\.58\.4\.min\.js"/);
        assert.ok(!page.includes("cdn.plot.ly"));
        assert.match(page, /<npl-root>/);
      });
      await t.step("plotly.js 1.58.4 is served from the npm package", async () => {
        const res = await fetch(new URL("/assets/plotly-1.58.4.min.js", win.url));
        assert.equal(res.status, 200);
        assert.match(res.headers.get("content-type") ?? "", /javascript/);
        const js = await res.text();
        assert.ok(js.length > 1_000_000);
        assert.match(js.slice(0, 400), /plotly\.js v1\.58\.4/);
      });
      await t.step("nodeplotlib's own scripts are still served", async () => {
        const res = await fetch(new URL("/main.js", win.url));
        assert.equal(res.status, 200);
        await res.body?.cancel();
      });
    } finally {
      await win.close();
    }
    await t.step("close() stops the server and resolves `closed`", async () => {
      await win.closed;
      await assert.rejects(fetch(win.url));
      await win.close(); // again: nothing happens
    });
    await t.step("bad input", async () => {
      await assert.rejects(openWindow([]), /at least one figure/);
      await assert.rejects(
        openWindow(fig, { port: 70000 }),
        /`port` must be an integer in \[0, 65535\], got 70000/,
      );
      await assert.rejects(openWindow({} as Figure), TypeError);
    });
  },
});

// ---------------------------------------------------------------- the course's look (theme)

Deno.test("theme: one colour per method in every figure, legible sizes, named figures", async (t) => {
  const rangeOf = (spec: unknown, field = "series"): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (node: unknown, key: string): void => {
      if (key === "data" || node === null || typeof node !== "object") return;
      if (Array.isArray(node)) return node.forEach((n) => walk(n, ""));
      const color = (node as { encoding?: { color?: Record<string, unknown> } }).encoding?.color;
      const scale = color?.scale as { domain?: string[]; range?: string[] } | undefined;
      if (color?.field === field && scale?.domain && scale.range) {
        scale.domain.forEach((n, i) => (out[n] = scale.range![i]));
      }
      for (const [k, v] of Object.entries(node)) walk(v, k);
    };
    walk(spec, "");
    return out;
  };
  await t.step("a method's series has its colour in a line chart, a surface and bars", async () => {
    const names = ["notes' RMSProp", "RMSProp (PyTorch)", "notes Adam", "Adam (Kingma & Ba)"];
    const line = await lineChart(Object.fromEntries(names.map((n) => [n, [1, 0.5, 0.25]])));
    const surface = await lossSurface((x, y) => x * x + y * y, {
      trajectories: [...names].reverse().map((name) => ({ name, points: [[1, 1], [0.5, 0.5]] })),
    });
    const bars = await barChart({ [names[3]]: [0.2, 0.8], loss: [0.5, 0.5] });
    const expected = {
      "notes' RMSProp": METHOD_COLORS.notesRmsprop,
      "RMSProp (PyTorch)": METHOD_COLORS.rmsprop,
      "notes Adam": METHOD_COLORS.notesAdam,
      "Adam (Kingma & Ba)": METHOD_COLORS.adam,
    };
    assert.deepEqual(rangeOf(line.spec), expected);
    assert.deepEqual(rangeOf(surface.spec, "run"), expected);
    assert.equal(rangeOf(bars.spec)["Adam (Kingma & Ba)"], METHOD_COLORS.adam);
    assert.notEqual(rangeOf(bars.spec).loss, METHOD_COLORS.adam, "another series, another colour");
    // the SVG draws them in those colours, and the Plotly form agrees
    for (const colour of Object.values(expected)) {
      assert.ok(line.svg.includes(`stroke="${colour}"`), `${colour} drawn`);
    }
    const traces = toPlotly(line).data as { name: string; line: { color: string } }[];
    for (const tr of traces) {
      assert.equal(tr.line.color, expected[tr.name as keyof typeof expected]);
    }
  });
  await t.step("methodOf reads the lessons' names", () => {
    const cases: [string, string | undefined][] = [
      ["gradient descent, η = 0.4", "gradientDescent"],
      ["notesMomentum", "notesMomentum"],
      ["sgd + momentum", "sgdMomentum"],
      ["SGD momentum (PyTorch)", "sgdMomentum"],
      ["momentum, torch", "sgdMomentum"],
      // a bare "momentum" is the notes' (lessons 05 and 07 run notesMomentum under that name)
      ["momentum", "notesMomentum"],
      ["momentum, α = 0.5", "notesMomentum"],
      ["momentum (η(1 − α), α = 0.9)", "notesMomentum"],
      ["notes' momentum", "notesMomentum"],
      ["sgd + nesterov", "nesterov"],
      ["notes: whole-gradient RMSProp", "notesRmsprop"],
      ["notes AdaDelta (η = 1)", "adadelta"],
      ["AdaDelta (Zeiler, PyTorch)", "adadelta"],
      ["adamw to ridge", "adamw"],
      ["AdaGrad", "adagrad"],
      ["loss", undefined],
    ];
    for (const [name, method] of cases) assert.equal(methodOf(name), method, name);
  });
  await t.step("the lessons' momentum series get the colour of the momentum they run", () => {
    // Every line of a lesson that names a series and builds its optimizer in one go, such as
    // `"momentum": { make: (lr, alpha) => notesMomentum({ lr, alpha }) }` or
    // `{ name: "sgd + momentum", make: () => sgd({ lr, momentum: 0.9 }) }`.
    const dir = new URL("../notebooks/", import.meta.url);
    const seen: string[] = [];
    for (const entry of Deno.readDirSync(dir)) {
      if (!entry.name.endsWith(".ipynb")) continue;
      const nb = JSON.parse(Deno.readTextFileSync(new URL(entry.name, dir)));
      for (const cell of nb.cells) {
        for (const line of [cell.source].flat().join("").split("\n")) {
          const named = /(?:name: )?"([^"]*momentum[^"]*)"(?::| *,)/i.exec(line);
          if (!named) continue;
          const runs = /\bnotesMomentum\(/.test(line)
            ? "notesMomentum"
            : /\bsgd\(\{[^}]*\bmomentum\b/.test(line) && !/nesterov: true/.test(line)
            ? "sgdMomentum"
            : undefined;
          if (runs === undefined) continue;
          assert.equal(methodOf(named[1]), runs, `${entry.name}: "${named[1]}" runs ${runs}`);
          seen.push(`${entry.name}: ${named[1]}`);
        }
      }
    }
    // the test reads real lines: lessons 05 and 07 name notes' momentum "momentum"
    assert.ok(seen.some((s) => s.startsWith("05_") && s.endsWith(": momentum")), `${seen}`);
    assert.ok(seen.some((s) => s.startsWith("07_") && s.endsWith(": momentum")), `${seen}`);
  });
  await t.step("every colour differs from the others, and no series colour is pale", () => {
    const all = [...Object.values(METHOD_COLORS), ...SERIES_PALETTE];
    assert.equal(new Set(Object.values(METHOD_COLORS)).size, Object.keys(METHOD_COLORS).length);
    for (const c of all) {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16) / 255);
      const lin = (v: number) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
      // contrast against white of at least 2:1 (yellow #F0E442 would be 1.3:1)
      assert.ok(1.05 / (luminance + 0.05) >= 2, `${c} is too pale on white`);
    }
  });
  await t.step("labels of 13 px and more, a legend below, a figure under 460 px", async () => {
    const fig = await lineChart({ a: [1, 2, 3], b: [3, 2, 1] }, { xLabel: "step t" });
    const sizes = [...fig.svg.matchAll(/font-size="(\d+)px"/g)].map((m) => Number(m[1]));
    assert.ok(sizes.length > 5 && Math.min(...sizes) >= 13, `font sizes ${sizes}`);
    const width = Number(/^<svg[^>]* width="(\d+)"/.exec(fig.svg)![1]);
    assert.ok(width <= 460, `the SVG is ${width} px wide`);
  });
  await t.step("the SVG is named by the figure's description", async () => {
    const fig = await lineChart({ a: [1, 2] }, { title: "two points" });
    const root = /^<svg[^>]*>/.exec(fig.svg)![0];
    assert.match(root, /role="img"/);
    assert.ok(root.includes(`aria-label="${fig.description.replace(/"/g, "&#34;")}"`));
    assert.ok(fig.svg.includes(`<title>${fig.description.replace(/"/g, "&#34;")}</title>`));
  });
  await t.step("math-like titles, one tick format on a log axis", async () => {
    assert.equal(mathLabel("w1"), "w₁");
    assert.equal(mathLabel("g_s and w_{t+1}"), "gₛ and wₜ₊₁");
    assert.equal(mathLabel("x1e-3, log10, 0.5"), "x1e-3, log10, 0.5");
    const fig = await lineChart(
      { loss: Array.from({ length: 40 }, (_, t) => 10 ** (-t / 5)) },
      { yScale: "log", xLabel: "w1", yLabel: "f(w_t)" },
    );
    // read as text (the XML parser of these tests would turn "1e-6" into 0.000001)
    const yAxis = fig.svg.slice(fig.svg.indexOf('aria-label="Y-axis'));
    const labels = [...yAxis.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    labels.splice(labels.indexOf("f(wₜ)")); // the axis title and what follows it
    assert.ok(labels.length >= 3, `y labels ${labels}`);
    for (const l of labels.filter((l) => l !== "")) assert.match(l, /^\d+e-?\d+$/, `y label ${l}`);
    assert.ok(fig.svg.includes(">w₁<") && fig.svg.includes(">f(wₜ)<"));
  });
});
