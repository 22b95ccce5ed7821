// Tests of rich display (lib/display): MIME bundles, number formatting, tables,
// formulas and unit analyses, weight tables, training runs, and — through a
// real Deno Jupyter kernel — that a cell's last expression or
// `Deno.jupyter.display` sends the bundles these values define.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  displayRun,
  displayUnits,
  emaWeights,
  emaWeightsTable,
  escapeHtml,
  formatNumber,
  formula,
  jupyterDisplay,
  momentumWeights,
  rich,
  runChart,
  runsTable,
  stripAnsi,
  table,
  unitAnalysis,
  updateUnits,
  VEGA_LITE_MIME,
  weightsTable,
} from "@better-gradients/lib";
import { figure, renderSvg } from "@better-gradients/lib/plot";
import { roundSignificant } from "../lib/base/format.ts";
import { closedForm, lineChartSpec } from "../lib/plot/mod.ts";
import { runInKernel } from "./_kernel.ts";
import { findJupyter } from "../tools/jupyter.ts";

const RED = "\u001b[31m";
const RESET = "\u001b[39m";

// ---------------------------------------------------------------- MIME bundles

Deno.test("mime: the display protocol and text helpers", async (t) => {
  await t.step("jupyterDisplay is the symbol Deno's kernel looks up", () => {
    assert.equal(jupyterDisplay, Symbol.for("Jupyter.display"));
  });
  await t.step("rich wraps a bundle; text/plain is required", () => {
    const v = rich({ "text/plain": "x", "text/html": "<i>x</i>" });
    assert.deepEqual(v[jupyterDisplay](), { "text/plain": "x", "text/html": "<i>x</i>" });
    assert.equal(`${v}`, "x");
    assert.throws(
      () => rich({ "text/html": "<i>x</i>" }),
      /`bundle` must have a string `text\/plain`/,
    );
    assert.throws(() => rich(null as never), TypeError);
  });
  await t.step("the bundle is a copy: changing it does not change the value", () => {
    const v = rich({ "text/plain": "x" });
    v[jupyterDisplay]()["text/plain"] = "changed";
    assert.equal(v[jupyterDisplay]()["text/plain"], "x");
  });
  await t.step("stripAnsi removes colours, cursor moves and hyperlinks", () => {
    assert.equal(stripAnsi(`${RED}red${RESET} \u001b[1;4mbold\u001b[0m`), "red bold");
    assert.equal(stripAnsi("\u001b[2K\u001b[1Gdone"), "done");
    assert.equal(stripAnsi("\u001b]8;;https://example.org\u0007link\u001b]8;;\u0007"), "link");
    assert.equal(stripAnsi("plain ‖g‖ ≤ 1"), "plain ‖g‖ ≤ 1");
    assert.throws(() => stripAnsi(1 as never), TypeError);
  });
  await t.step("escapeHtml", () => {
    assert.equal(
      escapeHtml(`<a href="x">'&'</a>`),
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  });
});

// ---------------------------------------------------------------- numbers

Deno.test("formatNumber", async (t) => {
  await t.step("edges", () => {
    const cases: [number, string][] = [
      [0, "0"],
      [-0, "0"],
      [42, "42"],
      [-999_999, "-999999"],
      [1_000_000, "1e6"],
      [123_456_789, "1.235e8"],
      [0.5, "0.5"],
      [1 / 3, "0.3333"],
      [-2 / 3, "-0.6667"],
      [0.0001, "0.0001"],
      [0.00001234567, "1.235e-5"],
      [999_999.7, "1e6"],
      [Infinity, "Infinity"],
      [-Infinity, "-Infinity"],
      [NaN, "NaN"],
    ];
    for (const [x, s] of cases) assert.equal(formatNumber(x), s, `formatNumber(${x})`);
  });
  await t.step("bad precision or value", () => {
    assert.throws(
      () => formatNumber(1, { precision: 0 }),
      /`precision` must be an integer >= 1, got 0/,
    );
    assert.throws(
      () => formatNumber(1, { precision: 18 }),
      /`precision` must be an integer in \[1, 17\], got 18/,
    );
    assert.throws(() => formatNumber("1" as never), /`x` must be a number/);
  });
  // (Up to 1e300: near the largest double, rounding up can leave the range, 1.8e308 → "2e308".)
  await t.step("property: reading the text back is within half a unit of the last digit", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e300, max: 1e300, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        (x, p) => {
          const back = Number(formatNumber(x, { precision: p }));
          if (x === 0 || Number.isInteger(x) && Math.abs(x) < 1e6) {
            return back === x || Object.is(x, -0);
          }
          return Math.abs(back - x) <= 0.5 * 10 ** (1 - p) * Math.abs(x) * (1 + 1e-12);
        },
      ),
      { seed: 7 },
    );
  });
});

// ---------------------------------------------------------------- tables

Deno.test("table: HTML, Markdown and plain text", async (t) => {
  const rows = [
    { optimizer: "sgd", loss: 0.012345, note: `${RED}diverged${RESET}` },
    { optimizer: "a|b <script>", loss: NaN },
  ];
  const tab = table(rows, { caption: "results" });
  await t.step("the bundle has the three text types", () => {
    const bundle = tab[jupyterDisplay]();
    assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/markdown", "text/plain"]);
    assert.equal(String(tab), bundle["text/plain"]);
  });
  await t.step("columns in order of first appearance; missing keys are empty cells", () => {
    assert.deepEqual(tab.columns, ["optimizer", "loss", "note"]);
    assert.deepEqual(tab.cells, [["sgd", "0.01235", "diverged"], ["a|b <script>", "NaN", ""]]);
  });
  await t.step("HTML escapes cells, right-aligns numbers, has the caption", () => {
    const html = tab.toHtml();
    assert.ok(html.includes("a|b &lt;script&gt;") && !html.includes("<script>"));
    assert.ok(html.includes('<td style="text-align:right">0.01235</td>'));
    assert.ok(html.includes("<caption>results</caption>"));
    assert.ok(!html.includes("\u001b"));
  });
  await t.step("Markdown escapes pipes and marks numeric columns", () => {
    assert.equal(
      tab.toMarkdown(),
      "**results**\n\n| optimizer | loss | note |\n| --- | ---: | --- |\n" +
        "| sgd | 0.01235 | diverged |\n| a\\|b <script> | NaN |  |",
    );
  });
  await t.step("plain text aligns columns; numbers and their header to the right", () => {
    const lines = tab.toText().split("\n");
    assert.deepEqual(lines, [
      "results",
      "optimizer        loss  note",
      "------------  -------  --------",
      "sgd           0.01235  diverged",
      "a|b <script>      NaN",
    ]);
  });
  await t.step("columns option, precision, bigint and boolean cells", () => {
    const t2 = table([{ a: 1n, b: true, c: Math.PI }], { columns: ["c", "a"], precision: 2 });
    assert.deepEqual(t2.cells, [["3.1", "1"]]);
  });
  await t.step("bad input", () => {
    assert.throws(() => table("x" as never), /`rows` must be an array of objects/);
    assert.throws(() => table([1 as never]), /`rows\[0\]` must be an object/);
    assert.throws(() => table([{ a: {} as never }]), /`rows\[\]\.a` must be a string, number/);
  });
});

// ---------------------------------------------------------------- math and units

Deno.test("formula and displayUnits: math as Markdown", async (t) => {
  await t.step("formula", () => {
    const f = formula("\\eta_t = \\eta_0 / (t+1)^\\alpha");
    const bundle = f[jupyterDisplay]();
    assert.deepEqual(Object.keys(bundle).sort(), ["text/latex", "text/markdown", "text/plain"]);
    assert.equal(bundle["text/markdown"], "$$\\eta_t = \\eta_0 / (t+1)^\\alpha$$");
    assert.throws(() => formula(""), /`latex` must be a non-empty string/);
  });
  await t.step("one rule: its formula, one table row per term, the verdict", () => {
    const u = updateUnits("rmsprop", { w: "m", E: "J" });
    const shown = displayUnits(u);
    const bundle = shown[jupyterDisplay]();
    assert.ok(!("text/html" in bundle), "math goes to Markdown, not HTML");
    const md = bundle["text/markdown"] as string;
    assert.ok(md.includes(`$$${u.formula}$$`));
    const tableRows = md.split("\n").filter((l) =>
      l.startsWith("| ") && !l.startsWith("| term") && !l.startsWith("| ---")
    );
    assert.equal(tableRows.length, u.rows.length);
    assert.ok(md.includes("The update has the unit 1 (none), not the unit of $w$."));
    assert.match(String(shown), /-> the update is in 1, not in the unit of w/);
  });
  await t.step("all rules: ✓ exactly where the term has the unit of w", () => {
    const all = unitAnalysis({ w: "m", E: "J" });
    const md = displayUnits(all)[jupyterDisplay]()["text/markdown"] as string;
    const ticks = (md.match(/\| ✓ \|$/gm) ?? []).length;
    assert.equal(ticks, all.flatMap((u) => u.rows).filter((r) => r.matches).length);
    assert.equal(md.split("\n---\n").length, all.length);
  });
  await t.step("bad input", () => {
    assert.throws(() => displayUnits([]), /at least one rule/);
    assert.throws(
      () => displayUnits({ rule: "x" } as never),
      /`analysis` must be a result of updateUnits/,
    );
  });
});

// ---------------------------------------------------------------- weights

Deno.test("weightsTable and emaWeightsTable", async (t) => {
  await t.step("the EMA table matches emaWeights, and its corrected weights sum to 1", () => {
    const tab = emaWeightsTable(9, 0.9);
    const w = emaWeights(9, 0.9);
    const col = tab.columns.indexOf("α^(t−s)(1−α)");
    assert.deepEqual(
      tab.cells.slice(0, -1).map((r) => r[col]),
      Array.from(w, (v) => formatNumber(v)),
    );
    const sum = tab.cells.at(-1)!;
    assert.equal(sum[0], "sum");
    assert.equal(sum[col], formatNumber(1 - 0.9 ** 10));
    assert.equal(sum[tab.columns.indexOf("÷ (1 − α^(t+1))")], "1");
    assert.equal(sum[tab.columns.indexOf("t − s")], "", "ages are not summed");
    assert.equal(tab.caption, "EMA weights at t = 9, α = 0.9");
  });
  await t.step("long tables are cut in the middle; the sums still cover every weight", () => {
    const tab = weightsTable({ momentum: momentumWeights(100, 0.9) }, { maxRows: 10 });
    assert.equal(tab.cells.length, 11); // 4 + "…" + 5 + sum
    assert.equal(tab.cells[4][0], "…");
    assert.deepEqual(tab.cells.at(-2), ["99", "1"]);
    assert.equal(tab.cells.at(-1)![1], formatNumber((1 - 0.9 ** 100) / (1 - 0.9)));
  });
  await t.step("weights columns are right-aligned despite the … and sum rows", () => {
    const tab = weightsTable({ ema: emaWeights(50, 0.5) });
    assert.deepEqual(tab.numeric, [false, true]);
  });
  await t.step("bad input", () => {
    assert.throws(() => weightsTable({}), /at least one column/);
    assert.throws(
      () => weightsTable({ a: [1, NaN] }),
      /`weights\.a\[1\]` must be a finite number, got NaN/,
    );
    assert.throws(
      () => weightsTable({ s: [1] }),
      /`index` must be a non-empty string unlike the column names/,
    );
    assert.throws(() => emaWeightsTable(3, 1), RangeError);
  });
});

// ---------------------------------------------------------------- runs

Deno.test("displayRun, runsTable, runChart", async (t) => {
  const loss = Array.from({ length: 40 }, (_, k) => 0.8 ** k);
  const run = {
    name: "momentum",
    steps: 39,
    stopped: `${RED}converged${RESET} at step 39`,
    loss,
    gradNorm: new Float64Array(loss.slice(1).map(Math.sqrt)),
    stepNorm: loss.slice(1).map((v) => v / 10),
    lr: loss.map(() => 0.1),
  };
  await t.step("the summary: steps, final and best loss, why it stopped (colour removed)", () => {
    const shown = displayRun(run);
    const bundle = shown[jupyterDisplay]();
    assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/markdown", "text/plain"]);
    const text = String(shown);
    assert.match(text, /^momentum/);
    assert.match(text, /steps\s+39\n/);
    assert.match(text, new RegExp(`final loss\\s+${formatNumber(0.8 ** 39)}\\n`));
    assert.match(text, new RegExp(`best loss\\s+${formatNumber(0.8 ** 39)} \\(step 39\\)`));
    assert.match(text, /stopped\s+converged at step 39/);
    assert.match(text, /η\s+0\.1\n/);
    for (const v of Object.values(bundle)) assert.ok(!(v as string).includes("\u001b"));
  });
  await t.step("the per-step excerpt: first and last steps around a … row", () => {
    const md = displayRun(run, { excerpt: 2 })[jupyterDisplay]()["text/markdown"] as string;
    const perStep = md.split("\n\n")[1].split("\n");
    assert.equal(perStep[0], "| step | loss | ‖g‖ | ‖Δw‖ | η |");
    assert.deepEqual(perStep.slice(2).map((l) => l.split(" | ")[0]), [
      "| 0",
      "| 1",
      "| …",
      "| 38",
      "| 39",
    ]);
  });
  await t.step("problem, optimizer (when not the name), time; no η row when η is NaN", () => {
    const text = String(displayRun({
      ...run,
      name: "fast",
      optimizer: "adadelta",
      problem: "d2l quadratic",
      lr: new Float64Array(39).fill(NaN),
      time: [0.5, 1.25],
    }));
    assert.match(text, /problem\s+d2l quadratic\n/);
    assert.match(text, /optimizer\s+adadelta\n/);
    assert.match(text, /time\s+1\.25 ms/);
    assert.ok(!/η/.test(text), "no η row or column");
    assert.ok(!/optimizer/.test(String(displayRun({ ...run, optimizer: "momentum" }))));
  });
  await t.step("a run without optional series shows what it has", () => {
    const text = String(displayRun({ steps: 1, loss: [2, 1] }));
    assert.match(text, /^run/);
    assert.ok(!text.includes("stopped") && !text.includes("‖g‖"));
  });
  await t.step("runsTable: one row per run, in order", () => {
    const tab = runsTable([run, {
      ...run,
      name: "sgd",
      loss: [1, 2, Infinity],
      gradNorm: [1, 2],
      stepNorm: [0.1, 0.2],
      lr: [0.1, 0.1],
      steps: 2,
      stopped: "diverged at step 2",
    }]);
    assert.deepEqual(tab.cells.map((r) => r[0]), ["momentum", "sgd"]);
    assert.deepEqual(tab.cells[1].slice(2), ["Infinity", "1", "diverged at step 2"]);
  });
  await t.step("runChart: a panel per series, a line per run", async () => {
    const fig = await runChart({ a: run, b: { ...run, name: "b" } });
    assert.deepEqual(fig.warnings, []);
    assert.match(fig.description, /4 panels \(loss, ‖g‖, ‖Δw‖, η\); 2 series/);
    assert.ok(VEGA_LITE_MIME in fig[jupyterDisplay]());
  });
  await t.step("bad input", () => {
    assert.throws(() => displayRun({ loss: [1] } as never), /`run\.steps` must be an integer >= 0/);
    assert.throws(
      () => displayRun({ steps: 1, loss: "x" } as never),
      /`run\.loss` must be an array of numbers/,
    );
    assert.throws(() => runsTable([run, run]), /two runs named "momentum"/);
    assert.throws(
      () => displayRun(run, { excerpt: 0 }),
      /`excerpt` must be an integer >= 1, got 0/,
    );
  });
});

// ---------------------------------------------------------------- the real kernel

const kernelCells = [
  'import { displayUnits, lineChart, table, updateUnits } from "@better-gradients/lib";',
  'await lineChart({ sgd: [1, 0.5, 0.25], adam: [1, 0.2, 0.04] }, { yScale: "log" })',
  'table([{ optimizer: "sgd", loss: 0.25 }])',
  'const fig = await lineChart({ a: [3, 2, 1] });\nawait Deno.jupyter.display(fig);\n"done"',
  'displayUnits(updateUnits("newton", { w: "m", E: "J" }))',
];

Deno.test("bad input to the display and plot helpers: named errors with the value", async (t) => {
  const cases: [string, () => unknown, ErrorConstructor, RegExp][] = [
    [
      "table: unknown option",
      () => table([{ a: 1 }], { captoin: "x" } as never),
      TypeError,
      /captoin/,
    ],
    [
      "table: caption 1",
      () => table([{ a: 1 }], { caption: 1 as never }),
      TypeError,
      /`caption` must be a string, got 1/,
    ],
    [
      "table: a column no row has",
      () => table([{ a: 1 }], { columns: ["zz"] }),
      RangeError,
      /`columns\[0\]` must be a column of the rows \(a\), got "zz"/,
    ],
    ["table: bad precision", () => table([{ a: 1 }], { precision: 0 }), RangeError, /`precision`/],
    [
      'weightsTable: sum "no"',
      () => weightsTable({ a: [1] }, { sum: "no" as never }),
      TypeError,
      /`sum` must be true or false, got "no"/,
    ],
    [
      "weightsTable: NaN",
      () => weightsTable({ a: [NaN] }),
      RangeError,
      /`weights\.a\[0\]` must be a finite number, got NaN/,
    ],
    [
      "weightsTable: ragged",
      () => weightsTable({ a: [1], b: [1, 2] }),
      RangeError,
      /`b` in `weights` must have the length of `a` \(1\), got length 2/,
    ],
    ["formula: unknown option", () => formula("x", { txt: "x" } as never), TypeError, /txt/],
    [
      "formatNumber: typo",
      () => formatNumber(1.5, { precison: 3 } as never),
      TypeError,
      /precison/,
    ],
    [
      'formatNumber("1")',
      () => formatNumber("1" as never),
      TypeError,
      /`x` must be a number, got "1"/,
    ],
    [
      'roundSignificant("1.5", 3)',
      () => roundSignificant("1.5" as never, 3),
      TypeError,
      /`x` must be a number, got "1.5"/,
    ],
    [
      "roundSignificant(1.2, 0)",
      () => roundSignificant(1.2, 0),
      RangeError,
      /`digits` must be an integer in \[1, 17\], got 0/,
    ],
    ["escapeHtml(1)", () => escapeHtml(1 as never), TypeError, /`text` must be a string, got 1/],
    ["stripAnsi(1)", () => stripAnsi(1 as never), TypeError, /`text` must be a string, got 1/],
    [
      "displayRun: loss too short",
      () => displayRun({ steps: 2, loss: [1] }),
      RangeError,
      /`run\.loss` must hold steps \+ 1 = 3 values .* got 1/,
    ],
    [
      "displayRun: name 1",
      () => displayRun({ steps: 0, loss: [1] }, { name: 1 as never }),
      TypeError,
      /`name` must be a non-empty string, got 1/,
    ],
    [
      "lineChartSpec over a closed form: xDomain [1, -1]",
      () =>
        lineChartSpec(
          closedForm([{ name: "a", min: 0, max: 1, step: 0.5, value: 0 }], {
            variable: { name: "t", from: 0, to: 2 },
            curves: [{ name: "c", y: "a * datum.t" }],
          }),
          { xDomain: [1, -1] },
        ),
      RangeError,
      /`xDomain` must be \[min, max\] with finite min < max, got \[1, -1\]/,
    ],
  ];
  for (const [name, call, type, message] of cases) {
    await t.step(
      name,
      () => assert.throws(call, (err: Error) => err instanceof type && message.test(err.message)),
    );
  }
  await t.step("figure and renderSvg", async () => {
    const spec = { data: { values: [{ a: 1 }] }, mark: "point" as const };
    await assert.rejects(
      () => renderSvg(null as never),
      /`spec` must be a Vega-Lite spec object, got null/,
    );
    await assert.rejects(() => figure(spec, { descripton: "x" } as never), /descripton/);
    await assert.rejects(
      () => figure(spec, { description: 1 as never }),
      /`description` must be a non-empty string, got 1/,
    );
    await assert.rejects(
      () => figure(spec, { plotly: { data: 1 } as never }),
      /`plotly` must be an object \{ data: traces\[\], layout/,
    );
  });
  await t.step(
    "good input still works: a table of given columns, a ragged-free weights table",
    () => {
      assert.deepEqual(table([{ a: 1, b: 2 }], { columns: ["b"] }).columns, ["b"]);
      assert.equal(weightsTable({ a: [0.5, 0.5] }, { sum: false }).cells.length, 2);
      assert.equal(roundSignificant(0.123456, 2), 0.12);
    },
  );
});

Deno.test({
  name: "in Deno's Jupyter kernel, values display with their MIME bundles",
  ignore: (await findJupyter()) === null,
  fn: async () => {
    const result = await runInKernel("display_test", kernelCells);
    assert.ok(result.ok, JSON.stringify(result.errors));
    const outputs = result.outputs.map((c) => c.outputs);
    const keys = (o: { data?: Record<string, unknown> }) => Object.keys(o.data ?? {}).sort();
    // A figure as the cell's value: SVG, Vega-Lite v5 and text.
    const fig = outputs[1].find((o) => o.output_type === "execute_result")!;
    assert.deepEqual(keys(fig), [VEGA_LITE_MIME, "image/svg+xml", "text/markdown", "text/plain"]);
    assert.match(String(fig.data!["text/plain"]), /^Figure: line chart: 2 series \(sgd, adam\)/);
    const spec = fig.data![VEGA_LITE_MIME] as { $schema: string };
    assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
    assert.match([fig.data!["image/svg+xml"]].flat().join(""), /^<svg/);
    // A table.
    const tab = outputs[2].find((o) => o.output_type === "execute_result")!;
    assert.deepEqual(keys(tab), ["text/html", "text/markdown", "text/plain"]);
    // Deno.jupyter.display sends display_data with the same bundle.
    const shown = outputs[3].find((o) => o.output_type === "display_data")!;
    assert.deepEqual(keys(shown), [
      VEGA_LITE_MIME,
      "image/svg+xml",
      "text/markdown",
      "text/plain",
    ]);
    // Units as Markdown math.
    const units = outputs[4].find((o) => o.output_type === "execute_result")!;
    assert.deepEqual(keys(units), ["text/markdown", "text/plain"]);
  },
});
