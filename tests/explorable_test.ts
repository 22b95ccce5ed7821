// Tests of the explorables (lib/plot/explorable.ts, sources.ts): their specs are valid
// Vega-Lite v5 with parameters bound to range inputs, what they draw at a
// setting (read back from a headless Vega view) equals the library's own
// closed forms and runs, the static SVG shows the defaults, and the data stays
// within its byte budget.

import assert from "node:assert/strict";
import fc from "fast-check";
import * as vega from "vega";
import {
  adam,
  closedForm,
  compileVegaLite,
  emaWeights,
  explorable,
  explorableData,
  type ExplorableFigure,
  gradientDescent,
  inversePower,
  jupyterDisplay,
  lineChart,
  lineChartSpec,
  lossSurfaceSpec,
  momentumWeights,
  notesAdam,
  notesMomentum,
  type Optimizer,
  precomputed,
  renderSvg,
  type Slider,
  sliderGrid,
  SLIDERS_NOTE,
  sliderValues,
  stepDecay,
  VEGA_LITE_MIME,
  type VegaLiteSpec,
} from "@better-gradients/lib";

// ------------------------------------------------------------------ fixtures

const bowl = (a: number, b: number) => 0.1 * a * a + 2 * b * b;
const bowlGrad = (w: ArrayLike<number>) => Float64Array.of(0.2 * w[0], 4 * w[1]);

/** The iterates of `opt` on the bowl from (−5, −2). */
function path(opt: Optimizer, steps: number): number[][] {
  const w = Float64Array.of(-5, -2);
  const state = opt.init(w);
  const out = [Array.from(w)];
  for (let t = 0; t < steps; t++) {
    opt.step(w, bowlGrad(w), state);
    out.push(Array.from(w));
  }
  return out;
}

const alpha: Slider = { name: "alpha", label: "α", min: 0.5, max: 0.98, step: 0.02, value: 0.9 };
const tSlider: Slider = { name: "t", min: 0, max: 29, step: 1, value: 9 };
const eta: Slider = { name: "eta", label: "η", min: 0.05, max: 0.5, step: 0.05, value: 0.4 };
const mom: Slider = { name: "mu", label: "α", min: 0, max: 0.9, step: 0.1, value: 0.5 };

/** EMA weights of EMA_t over s ≤ t, raw and bias-corrected (lesson 06). */
function emaExplorable(): Promise<ExplorableFigure> {
  return explorable(
    lineChartSpec(
      closedForm([alpha, tSlider], {
        variable: { name: "s", from: 0, to: 29 },
        where: "datum.s <= t",
        curves: [
          { name: "raw", y: "pow(alpha, t - datum.s) * (1 - alpha)" },
          {
            name: "corrected",
            y: "pow(alpha, t - datum.s) * (1 - alpha) / (1 - pow(alpha, t + 1))",
          },
        ],
      }),
      { mark: "stem", yDomain: [0, 0.6] },
    ),
    { title: "EMA weights" },
  );
}

/** Momentum paths over a grid of η and α beside the weights α^k (lesson 05). */
function momentumExplorable(): Promise<ExplorableFigure> {
  return explorable([
    lossSurfaceSpec(bowl, {
      trajectories: precomputed([eta, mom], ({ eta, mu }) => [
        { name: "gd", points: path(gradientDescent({ lr: eta }), 40) },
        { name: "momentum", points: path(notesMomentum({ lr: eta, alpha: mu }), 40) },
      ]),
      xDomain: [-6, 2],
      yDomain: [-3, 3],
    }),
    lineChartSpec(
      closedForm([mom], {
        variable: { name: "k", from: 0, to: 29 },
        curves: [{ name: "weight", y: "pow(mu, datum.k)" }],
      }),
      { mark: "stem", yDomain: [0, 1] },
    ),
  ], { title: "momentum" });
}

const beta1: Slider = { name: "beta1", label: "β₁", min: 0, max: 0.9, step: 0.3, value: 0.9 };
const lb2: Slider = { name: "lb2", label: "log₁₀(1 − β₂)", min: -3, max: -1, step: 1, value: -3 };
const le: Slider = { name: "le", label: "log₁₀ ε", min: -8, max: 0, step: 2, value: -8 };
const beta2Of = (k: number) => Number((1 - 10 ** k).toFixed(-k));
const epsOf = (k: number) => Number(`1e${k}`);

/** Adam as the notes write it and as Kingma & Ba do, over a 3-D grid (lesson 09). */
function adamRuns(v: Readonly<Record<string, number>>): number[][][] {
  const b2 = beta2Of(v.lb2);
  const eps = epsOf(v.le);
  return [
    path(notesAdam({ lr: 0.3, alpha1: b2, alpha2: v.beta1, eps }), 80),
    path(adam({ lr: 0.3, betas: [v.beta1, b2], eps }), 80),
  ];
}
function adamExplorable(): Promise<ExplorableFigure> {
  return explorable([
    lossSurfaceSpec(bowl, {
      trajectories: precomputed([beta1, lb2, le], (v) => {
        const [notes, kingma] = adamRuns(v);
        return [{ name: "notes", points: notes }, { name: "kingma", points: kingma }];
      }),
      xDomain: [-6, 2],
      yDomain: [-3, 3],
    }),
    lineChartSpec(
      precomputed([beta1, lb2, le], (v) => {
        const [notes, kingma] = adamRuns(v);
        return {
          notes: notes.map((p) => bowl(p[0], p[1])),
          kingma: kingma.map((p) => bowl(p[0], p[1])),
        };
      }),
      { yScale: "log" },
    ),
  ], {
    title: "Adam",
    caption: "'β₁ = ' + format(beta1, '.1f') + ' · β₂ = ' + format(1 - pow(10, lb2), '.3f')",
  });
}

/** Two schedules with sliders, and a grid of runs, in rows of two panels. */
function scheduleExplorable(): Promise<ExplorableFigure> {
  const gamma: Slider = { name: "gamma", label: "γ", min: 0.2, max: 0.8, step: 0.1, value: 0.5 };
  const K: Slider = { name: "K", min: 10, max: 60, step: 10, value: 30 };
  const a: Slider = { name: "a", label: "α", min: 0.25, max: 2, step: 0.25, value: 0.5 };
  return explorable([
    lineChartSpec(
      closedForm([gamma, K, a], {
        variable: { name: "t", from: 0, to: 199 },
        curves: [
          { name: "StepLR", y: "6 * pow(gamma, floor(datum.t / K))" },
          { name: "inverse power", y: "6 / pow(datum.t + 1, a)" },
        ],
      }),
      {
        references: [{ y: 0.5, label: "bound" }, { x: "K", label: "K" }],
        yScale: "log",
        yDomain: [1e-3, 10],
      },
    ),
    lineChartSpec(
      precomputed(
        [gamma, K],
        ({ gamma, K }) => ({
          lr: Array.from({ length: 200 }, (_, t) => 6 * gamma ** Math.floor(t / K)),
        }),
        { maxPoints: 60 },
      ),
      { yScale: "log" },
    ),
    lineChartSpec(closedForm([a], {
      variable: { name: "t", from: 0, to: 199 },
      curves: [{ name: "sum", y: "6 * pow(datum.t + 1, -a)" }],
    })),
  ], { columns: 2 });
}

function close(a: number, b: number, rel: number, abs = 0): boolean {
  return Math.abs(a - b) <= abs + rel * Math.abs(b);
}

// --------------------------------------------------------------------- tests

Deno.test("explorable: specs are Vega-Lite v5 with parameters bound to range sliders", async (t) => {
  const figures = {
    ema: await emaExplorable(),
    momentum: await momentumExplorable(),
    adam: await adamExplorable(),
    schedules: await scheduleExplorable(),
  };
  for (const [name, fig] of Object.entries(figures)) {
    await t.step(`${name}: compiles without warnings, every slider a range input`, async () => {
      const spec = fig.spec as Record<string, unknown>;
      assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
      assert.deepEqual((await compileVegaLite(fig.spec)).warnings, []);
      assert.deepEqual(fig.warnings, []);
      const params = spec.params as {
        name: string;
        value: number;
        bind: { input: string; min: number; max: number; step: number };
      }[];
      assert.equal(params.length, fig.sliders.length);
      assert.ok(params.length > 0);
      for (const [k, p] of params.entries()) {
        const s = fig.sliders[k];
        assert.equal(p.bind.input, "range");
        assert.deepEqual(
          [p.name, p.value, p.bind.min, p.bind.max, p.bind.step],
          [s.name, s.value, s.min, s.max, s.step],
        );
      }
      // vega parses what vega-lite made, the bindings included (a copy: vega tags the rows)
      const compiled = (await compileVegaLite(structuredClone(fig.spec) as VegaLiteSpec)).vega;
      const view = new vega.View(vega.parse(compiled), { renderer: "none" });
      for (const s of fig.sliders) assert.equal(view.signal(s.name), s.value);
      view.finalize();
    });
  }
  await t.step(
    "the MIME bundle carries the spec, the SVG and a description naming the sliders",
    () => {
      const bundle = figures.ema[jupyterDisplay]();
      assert.equal(bundle[VEGA_LITE_MIME], figures.ema.spec);
      assert.equal(bundle["image/svg+xml"], figures.ema.svg);
      assert.match(
        String(bundle["text/plain"]),
        /α ∈ \[0\.5, 0\.98\] step 0\.02 \(shown at 0\.9\)/,
      );
      // where the still image is shown instead (classic Notebook, nbconvert), it says where the
      // sliders work
      assert.ok(String(bundle["text/markdown"]).endsWith(`\n\n*${SLIDERS_NOTE}*`));
    },
  );
  await t.step("a series has one colour in every panel; `dashed` series are dashed", async () => {
    const colours = (spec: unknown) => {
      const found: Record<string, string> = {};
      const walk = (node: unknown, key = ""): void => {
        if (key === "data" || node === null || typeof node !== "object") return;
        if (Array.isArray(node)) return node.forEach((n) => walk(n));
        const color = (node as {
          encoding?: {
            color?: { field?: string; scale?: { domain?: string[]; range?: string[] } };
          };
        })
          .encoding?.color;
        if (color?.field === "series" && color.scale?.domain) {
          color.scale.domain.forEach((name, k) => {
            const c = color.scale!.range![k];
            assert.ok(
              found[name] === undefined || found[name] === c,
              `${name}: ${found[name]} vs ${c}`,
            );
            found[name] = c;
          });
        }
        for (const [k, v] of Object.entries(node)) walk(v, k);
      };
      walk(spec);
      return found;
    };
    const adamColours = colours(figures.adam.spec);
    assert.deepEqual(Object.keys(adamColours).sort(), ["kingma", "notes"]);
    assert.notEqual(adamColours.kingma, adamColours.notes);
    const fig = await explorable(
      lineChartSpec(
        precomputed([eta], ({ eta }) => ({ w: [1, 2, 3].map((x) => x * eta), bound: [2, 2, 2] })),
        { dashed: ["bound"] },
      ),
    );
    assert.deepEqual(fig.warnings, []);
    const dash = (fig.spec as unknown as {
      layer: {
        layer: { encoding: { strokeDash: { scale: { domain: string[]; range: number[][] } } } }[];
      }[];
    }).layer[0].layer[0].encoding.strokeDash.scale;
    assert.deepEqual(dash.range[dash.domain.indexOf("bound")], [6, 4]);
    assert.deepEqual(dash.range[dash.domain.indexOf("w")], [1, 0]);
    // drawn dashed in the SVG: of the two lines, one has the dash array (and so has its legend entry)
    const lines = fig.svg.match(/<path [^>]*aria-roledescription="line mark"[^>]*>/g) ?? [];
    assert.equal(lines.length, 2);
    assert.equal(lines.filter((p) => p.includes('stroke-dasharray="6,4"')).length, 1);
    assert.equal(fig.svg.match(/stroke-dasharray="6,4"/g)?.length, 2);
    assert.throws(
      () => lineChartSpec(precomputed([eta], () => ({ w: [1, 2] })), { dashed: ["wall"] }),
      /`dashed` names "wall", which is not a series/,
    );
  });
  await t.step("panels in rows that fit a phone, or in rows of `columns`", () => {
    // two panels of the default width (360 px) do not fit side by side in 460 px: stacked
    const momentum = figures.momentum.spec as { concat?: unknown[]; columns?: number };
    assert.equal(momentum.concat?.length, 2);
    assert.equal(momentum.columns, 1);
    const schedules = figures.schedules.spec as { concat?: unknown[]; columns?: number };
    assert.equal(schedules.concat?.length, 3);
    assert.equal(schedules.columns, 2);
    // a slider shared by panels appears once
    assert.deepEqual(figures.schedules.sliders.map((s) => s.name), ["gamma", "K", "a"]);
  });
});

Deno.test("explorable: closed forms draw what the library computes", async (t) => {
  const fig = await emaExplorable();
  await t.step("EMA weights and their bias correction, at several settings", async () => {
    for (const [a, tt] of [[0.9, 9], [0.5, 0], [0.98, 29], [0.7, 15]]) {
      const [panel] = await explorableData(fig, { alpha: a, t: tt });
      const lib = emaWeights(tt, a);
      assert.deepEqual(panel.raw.x, Array.from({ length: tt + 1 }, (_, s) => s));
      panel.raw.y.forEach((w, s) => assert.ok(close(w, lib[s], 1e-12), `α=${a} t=${tt} s=${s}`));
      const sum = lib.reduce((x, y) => x + y, 0);
      panel.corrected.y.forEach((w, s) => assert.ok(close(w, lib[s] / sum, 1e-12)));
      assert.ok(close(panel.corrected.y.reduce((x, y) => x + y, 0), 1, 1e-12));
    }
  });
  await t.step("sliders left out are at their defaults; calls at once do not mix", async () => {
    await explorableData(fig, { alpha: 0.5, t: 3 });
    const [again] = await explorableData(fig);
    assert.equal(again.raw.y.length, 10); // t = 9
    assert.ok(close(again.raw.y[9], 0.1, 1e-12)); // 1 − α at α = 0.9
    const [[a], [b], [c]] = await Promise.all([
      explorableData(fig, { alpha: 0.6, t: 2 }),
      explorableData(fig, { t: 5 }),
      explorableData(structuredClone(fig.spec) as VegaLiteSpec, { alpha: 0.6, t: 2 }),
    ]);
    assert.deepEqual(a, c);
    assert.equal(a.raw.y.length, 3);
    assert.equal(b.raw.y.length, 6);
    assert.ok(close(b.raw.y[5], 0.1, 1e-12));
  });
  await t.step("a larger α gives a longer tail of weights", async () => {
    const tail = async (a: number) =>
      (await explorableData(fig, { alpha: a, t: 29 }))[0].raw.y.filter((w) => w > 0.01).length;
    assert.ok(await tail(0.5) < await tail(0.8));
    assert.ok(await tail(0.8) < await tail(0.96));
  });
  await t.step("momentum weights α^k", async () => {
    const figure = await momentumExplorable();
    for (const mu of [0, 0.5, 0.9]) {
      const [, panel] = await explorableData(figure, { mu });
      const lib = Array.from(momentumWeights(30, mu)).reverse(); // weight of g_{t−1−k}
      panel.weight.y.forEach((w, k) => assert.ok(close(w, lib[k], 1e-12), `α=${mu} k=${k}`));
    }
  });
  await t.step("schedules: StepLR and η0/(t+1)^α", async () => {
    const figure = await scheduleExplorable();
    for (const [gamma, K, a] of [[0.5, 30, 0.5], [0.2, 10, 2], [0.8, 60, 1.25]]) {
      const [panel] = await explorableData(figure, { gamma, K, a });
      const steps = stepDecay({ lr: 6, gamma, stepSize: K });
      const inverse = inversePower({ lr: 6, alpha: a });
      assert.equal(panel.StepLR.y.length, 200);
      panel.StepLR.y.forEach((y, tt) => assert.ok(close(y, steps(tt), 1e-12), `t=${tt}`));
      panel["inverse power"].y.forEach((y, tt) => assert.ok(close(y, inverse(tt), 1e-12)));
    }
  });
});

Deno.test("explorable: the grid holds the library's own runs", async (t) => {
  await t.step("momentum paths at sampled (η, α), corners and default included", async () => {
    const fig = await momentumExplorable();
    const points = [[0.4, 0.5], [0.05, 0], [0.5, 0.9], [0.25, 0.3], [0.15, 0.7]];
    for (const [e, mu] of points) {
      const [panel] = await explorableData(fig, { eta: e, mu });
      const expected = {
        gd: path(gradientDescent({ lr: e }), 40),
        momentum: path(notesMomentum({ lr: e, alpha: mu }), 40),
      };
      for (const [name, want] of Object.entries(expected)) {
        const got = panel[name];
        assert.equal(got.x.length, 41, `${name} at η=${e}, α=${mu}`);
        assert.deepEqual(got.i, want.map((_, k) => k));
        want.forEach(([x, y], k) => {
          // stored with 4 significant digits
          assert.ok(close(got.x[k], x, 5e-4, 1e-300), `${name} η=${e} α=${mu} step ${k}: x`);
          assert.ok(close(got.y[k], y, 5e-4, 1e-300), `${name} η=${e} α=${mu} step ${k}: y`);
        });
      }
    }
  });
  await t.step("Adam, both forms, over a 3-D grid (paths and losses)", async () => {
    const fig = await adamExplorable();
    for (
      const v of [{ beta1: 0.9, lb2: -3, le: -8 }, { beta1: 0, lb2: -1, le: 0 }, {
        beta1: 0.3,
        lb2: -2,
        le: -4,
      }]
    ) {
      const [paths, losses] = await explorableData(fig, v);
      const [notes, kingma] = adamRuns(v);
      for (const [name, want] of [["notes", notes], ["kingma", kingma]] as const) {
        want.forEach(([x, y], k) => {
          assert.ok(close(paths[name].x[k], x, 5e-4, 1e-300), `${name} ${JSON.stringify(v)} ${k}`);
          assert.ok(close(paths[name].y[k], y, 5e-4, 1e-300));
        });
        const f = want.map((p) => bowl(p[0], p[1])).filter((z) => z > 0);
        assert.equal(losses[name].y.length, f.length);
        losses[name].y.forEach((z, k) => assert.ok(close(z, f[k], 5e-4)));
      }
    }
  });
  await t.step("sliderGrid and sliderValues enumerate every combination", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: -3, max: 1 }),
        (lo, n, scale, exponent) => {
          const step = scale * 10 ** exponent;
          const min = Number((lo * step).toPrecision(12));
          const max = Number((min + n * step).toPrecision(12));
          const s = { name: "h", min, max, step, value: min };
          const values = sliderValues(s);
          assert.equal(values.length, n + 1);
          assert.equal(values[0], min);
          assert.ok(close(values[n], max, 1e-12, 1e-12));
          assert.equal(sliderGrid([s, { ...s, name: "g" }]).length, (n + 1) ** 2);
        },
      ),
      { seed: 20240905, numRuns: 200 },
    );
  });
});

Deno.test("explorable: the static SVG shows the default setting", async (t) => {
  const fig = await emaExplorable();
  const withValues = (values: Record<string, number>, bind: boolean): VegaLiteSpec => {
    const spec = structuredClone(fig.spec) as unknown as {
      params: { name: string; value: number; bind?: unknown }[];
    };
    for (const p of spec.params) {
      if (p.name in values) p.value = values[p.name];
      if (!bind) delete p.bind;
    }
    return spec as unknown as VegaLiteSpec;
  };
  await t.step("identical to the spec rendered with plain parameters at the defaults", async () => {
    assert.equal(fig.svg, await renderSvg(withValues({}, false)));
    assert.notEqual(fig.svg, await renderSvg(withValues({ alpha: 0.6 }, false)));
  });
  await t.step("as many stems as the default t asks for, and the settings in the title", () => {
    // two series, t + 1 = 10 weights each, drawn by one rule mark (and one dot mark)
    const rules = fig.svg.match(/<line /g)?.length ?? 0;
    const stems = fig.svg.split('class="mark-rule role-mark')
      .slice(1)
      .map((part) => part.slice(0, part.indexOf("</g>")).match(/<line /g)?.length ?? 0);
    assert.deepEqual(stems, [20]);
    assert.ok(rules >= 20);
    assert.match(fig.svg, />EMA weights</);
    assert.match(fig.svg, />α = 0\.90 · t = 9</);
  });
});

Deno.test("explorable: the embedded data stays within its byte budget", async (t) => {
  await t.step("the lessons' largest grids are under 1 MB", async () => {
    for (const make of [momentumExplorable, adamExplorable, scheduleExplorable, emaExplorable]) {
      const fig = await make();
      assert.equal(fig.bytes, new TextEncoder().encode(JSON.stringify(fig.spec)).length);
      assert.ok(fig.bytes <= 1_000_000, `${fig.description}: ${fig.bytes} bytes`);
    }
  });
  await t.step("a spec over `maxBytes` is refused with the sizes", async () => {
    const panel = lineChartSpec(precomputed(
      [{ name: "a", min: 0, max: 100, step: 1, value: 0 }],
      ({ a }) => ({ y: Array.from({ length: 200 }, (_, k) => Math.sin(a + k / 7)) }),
    ));
    await assert.rejects(
      () => explorable(panel, { maxBytes: 100_000 }),
      (err: Error) =>
        err instanceof RangeError &&
        /at most `maxBytes` = 100000 bytes, got \d{6}/.test(err.message),
    );
  });
});

Deno.test("explorable: bad input names the parameter", async (t) => {
  const variable = { name: "t", from: 0, to: 9 };
  await t.step("sliders", () => {
    const bad: [unknown, RegExp][] = [
      [[{ name: "1a", min: 0, max: 1, step: 0.1, value: 0 }], /sliders\[0\]\.name/],
      [[{ name: "width", min: 0, max: 1, step: 0.1, value: 0 }], /sliders\[0\]\.name/],
      [[{ name: "a", min: 1, max: 0, step: 0.1, value: 0 }], /sliders\[0\]\.max` must be > min/],
      [[{ name: "a", min: 0, max: 1, step: 0.3, value: 0 }], /min \+ k·step/],
      [[{ name: "a", min: 0, max: 1, step: 0, value: 0 }], /sliders\[0\]\.step/],
      [[{ name: "a", min: 0, max: 1, step: 0.1, value: 0.05 }], /sliders\[0\]\.value/],
      [[{ name: "a", min: 0, max: 1, step: 0.1, value: NaN }], /sliders\[0\]\.value/],
      [[{ name: "a", min: 0, max: 1, step: 0.1, value: 0, colour: "red" }], /no field `colour`/],
      [[], /at least one slider/],
      [[alpha, alpha], /two sliders named "alpha"/],
    ];
    for (const [sliders, message] of bad) {
      assert.throws(
        () => closedForm(sliders as Slider[], { variable, curves: [{ name: "c", y: "1" }] }),
        message,
      );
    }
  });
  await t.step("expressions: syntax, unknown names, the sampled variable without datum.", () => {
    const panel = (y: string) => closedForm([alpha], { variable, curves: [{ name: "c", y }] });
    assert.throws(() => panel("pow(alpha,"), /`curves\[0\]\.y` must be a Vega expression/);
    assert.throws(
      () => panel("alpha * t"),
      (err: Error) =>
        err instanceof RangeError && /uses `t`/.test(err.message) &&
        /datum\.t/.test(err.message),
    );
    assert.throws(() => panel("beta * datum.t"), /uses `beta`/);
    assert.doesNotThrow(() => panel("pow(alpha, datum.t) * PI + datum['t']"));
  });
  await t.step("a source goes to a chart spec, and a panel needs a source", async () => {
    const source = closedForm([alpha], { variable, curves: [{ name: "c", y: "alpha" }] });
    await assert.rejects(
      () => lineChart(source as never),
      (err: Error) => err instanceof TypeError && /goes to `lineChartSpec`/.test(err.message),
    );
    await assert.rejects(
      () => explorable(lineChartSpec({ c: [1, 2] })),
      (err: Error) =>
        err instanceof TypeError &&
        /`panels\[0\]` must be a chart spec over a data source/.test(err.message),
    );
    // how to draw belongs to the chart, not to the source
    assert.throws(
      () =>
        closedForm([alpha], { variable, curves: [{ name: "c", y: "1" }], mark: "stem" } as never),
      /`closedForm` has no option `mark`/,
    );
    assert.throws(() => closedForm([alpha], null as never), /`closedForm` options must be/);
    assert.throws(
      () => precomputed([alpha], () => ({ c: [1] }), null as never),
      /`precomputed` options/,
    );
  });
  await t.step("a surface over a closed form draws the parametric path", async () => {
    // gradient descent on the bowl from (−5, −2), in closed form: w_t = (1 − ηλ)^t w_0
    const fig = await explorable(lossSurfaceSpec(bowl, {
      trajectories: closedForm([eta], {
        variable: { name: "t", from: 0, to: 10 },
        curves: [{
          name: "gd",
          x: "-5 * pow(1 - eta * 0.2, datum.t)",
          y: "-2 * pow(1 - eta * 4, datum.t)",
        }],
      }),
      xDomain: [-6, 1],
      yDomain: [-3, 3],
    }));
    const [{ gd }] = await explorableData(fig, { eta: 0.2 });
    const ref = path(gradientDescent({ lr: 0.2 }), 10);
    assert.equal(gd.x.length, 11);
    gd.x.forEach((x, k) => assert.ok(close(x, ref[k][0], 1e-12, 1e-12)));
    gd.y.forEach((y, k) => assert.ok(close(y, ref[k][1], 1e-12, 1e-12)));
  });
  await t.step("panels that disagree about a slider", async () => {
    const a = lineChartSpec(closedForm([alpha], { variable, curves: [{ name: "c", y: "alpha" }] }));
    const b = lineChartSpec(closedForm([{ ...alpha, value: 0.5 }], {
      variable,
      curves: [{ name: "c", y: "alpha" }],
    }));
    await assert.rejects(() => explorable([a, b]), /defines slider "alpha" differently/);
  });
  await t.step("grid runs must name the same series everywhere", () => {
    assert.throws(
      () =>
        precomputed(
          [eta],
          ({ eta }): Record<string, number[]> => (eta > 0.3 ? { a: [1, 2] } : { b: [1, 2] }),
        ),
      /same series at every grid point/,
    );
    assert.throws(
      () =>
        sliderGrid([{ name: "a", min: 0, max: 999, step: 1, value: 0 }, {
          name: "b",
          min: 0,
          max: 9,
          step: 1,
          value: 0,
        }]),
      /at most 5000 grid points, got 10000/,
    );
  });
  await t.step("explorableData: unknown slider, value off the grid", async () => {
    const fig = await emaExplorable();
    await assert.rejects(() => explorableData(fig, { beta: 0.5 }), /`values` names "beta"/);
    await assert.rejects(() => explorableData(fig, { alpha: 0.91 }), /`values\.alpha`/);
    await assert.rejects(() => explorableData(fig, { alpha: 1.2 }), /`values\.alpha`/);
  });
});
