// Every export of lib/mod.ts, refusing bad input: a table with rows for each
// export (NaN, ±Infinity, negative, zero, non-integers, strings, null, arrays
// and objects of the wrong kind, mismatched lengths, empty inputs, unknown
// option keys, frozen objects). Each row asserts a RangeError (a number outside
// its range) or a TypeError (a value of the wrong kind) whose message names the
// parameter and shows the value received.
//
// A new export without an entry in TABLE fails the first test, which names it.
// To add one: write `name: [...rows]` with the helpers below (`arg` for a
// positional argument, `opts` for an options object, `row` for one call, `ok`
// for a call that must succeed), or `name: CONSTANT` for an export that is not
// a function.
//
// A row whose call is not refused yet carries `gap: "owner: <area>"`: it is
// reported as ignored, with its owner in its name (never skipped silently),
// until the owner fixes the gap and removes the marker. `EXPORTS_GAPS=1` runs
// those rows too, to see which gaps are closed.

import assert from "node:assert/strict";
import * as lib from "../lib/mod.ts";
import * as chainInternals from "../lib/transforms/chain.ts";
import * as typesInternals from "../lib/types.ts";

const internals = { ...chainInternals, ...typesInternals };

type ErrorName = "RangeError" | "TypeError";

interface Row {
  /** What the row passes, for the report. */
  label: string;
  /** The call under test (sync or async). */
  call: () => unknown;
  /** `"ok"`: must succeed; otherwise the error class expected. */
  expect: ErrorName | "ok";
  /** Substrings the message must contain: the parameter and the value shown. */
  parts: string[];
  /** A known gap, with its owner: the row is reported as ignored. */
  gap?: string;
}

/** Marks an export that is not a function (a constant). */
const CONSTANT = "constant" as const;

// deno-lint-ignore no-explicit-any
type Any = any;

/** How the library shows a received value (lib/_validate.ts `show`). */
function shown(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "function") return "a function";
  if (ArrayBuffer.isView(value)) {
    return `a ${value.constructor.name} of length ${(value as Float64Array).length}`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null || value === undefined) return String(value);
  const proto = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype) return `a ${proto.constructor.name}`;
  return "an object";
}

/** A bad value for a parameter that is not a number (a flag, a name, a choice): a TypeError. */
class Typed {
  constructor(readonly value: unknown) {}
}
const typed = (values: unknown[]) => values.map((v) => new Typed(v));
const unwrap = (v: unknown) => v instanceof Typed ? v.value : v;

/** A number outside its range is a RangeError; any other wrong value a TypeError. */
const classOf = (v: unknown): ErrorName =>
  v instanceof Typed ? "TypeError" : typeof v === "number" ? "RangeError" : "TypeError";

/** One call that must be refused: names `param`, shows `value` (unless `parts` says otherwise). */
function row(
  label: string,
  call: () => unknown,
  param: string,
  value: unknown,
  extra: Partial<Pick<Row, "expect" | "gap" | "parts">> = {},
): Row {
  return {
    label,
    call,
    expect: extra.expect ?? classOf(value),
    parts: extra.parts ?? [`\`${param}\``, `got ${shown(unwrap(value))}`],
    gap: extra.gap,
  };
}

/** One call that must succeed. */
const ok = (label: string, call: () => unknown): Row => ({ label, call, expect: "ok", parts: [] });

// Bad values by the kind of parameter.
const WRONG_TYPES = ["1", true, null, [1], {}];
const V = {
  positive: [NaN, Infinity, -Infinity, 0, -0, -1, ...WRONG_TYPES],
  nonNegative: [NaN, Infinity, -Infinity, -1, -1e-300, ...WRONG_TYPES],
  unit: [NaN, Infinity, -Infinity, -0.1, 1, 1.5, ...WRONG_TYPES],
  closedUnit: [NaN, Infinity, -0.1, 1.0001, ...WRONG_TYPES],
  int0: [NaN, Infinity, -Infinity, -1, 1.5, ...WRONG_TYPES],
  int1: [NaN, Infinity, 0, -1, 2.5, ...WRONG_TYPES],
  finite: [NaN, Infinity, -Infinity, ...WRONG_TYPES],
  bool: typed(["true", 1, 0, null, [true], {}]),
  lr: [NaN, Infinity, -Infinity, 0, -1, "0.1", true, null, [0.1], {}],
  string: typed([1, true, null, [], {}]),
  /** For a choice among strings: a misspelt one, a number, null. */
  choice: (misspelt: string) => typed([misspelt, 1, null]),
  /** For an object or array argument: values of the wrong kind. */
  object: typed([null, 5, "x"]),
};

/** Rows for one positional argument: `make(v)` calls the export with `v` in its place. */
function arg(param: string, make: (v: Any) => unknown, values: unknown[], gap?: string): Row[] {
  return values.map((v) =>
    row(`${param} = ${shown(unwrap(v))}`, () => make(unwrap(v)), param, v, { gap })
  );
}

/** Options objects that are not plain objects, and null as the options object. */
const NOT_OPTIONS = [null, [], [1], new Date(0), () => ({}), 5, "lr", true];

/**
 * Rows for an options object: `make(o)` calls the export with `o` as its options;
 * `valid` is a good options object; `spec` gives each option's bad values.
 * Also: the options object itself of the wrong kind, an unknown key, and a
 * frozen valid object (which must be accepted).
 */
function opts(
  fn: string,
  make: (o: Any) => unknown,
  valid: Record<string, unknown>,
  spec: Record<string, unknown[]>,
  { frozenOk = true } = {},
): Row[] {
  const rows: Row[] = [];
  for (const o of NOT_OPTIONS) {
    rows.push(
      row(`options = ${shown(o)}`, () => make(o), fn, o, {
        expect: "TypeError",
        parts: [`\`${fn}\``, "object", `got ${shown(o)}`],
      }),
    );
  }
  rows.push(
    row("an unknown option key", () => make({ ...valid, lrr: 1 }), "lrr", 1, {
      expect: "TypeError",
      parts: [`\`${fn}\``, "`lrr`", "known options"],
    }),
  );
  if (frozenOk) rows.push(ok("frozen valid options", () => make(Object.freeze({ ...valid }))));
  for (const [key, values] of Object.entries(spec)) {
    for (const v of values) {
      rows.push(
        row(`${key} = ${shown(unwrap(v))}`, () => make({ ...valid, [key]: unwrap(v) }), key, v),
      );
    }
  }
  return rows;
}

// Shared valid inputs.
const W = () => new Float64Array([1, 2]);
const run = () => lib.train(lib.d2lQuadratic(), lib.gradientDescent({ lr: 0.1 }), { maxSteps: 3 });
const slider = { name: "lr", min: 0.1, max: 0.3, step: 0.1, value: 0.2 };
const bowl = (x: number, y: number) => x * x + y * y;
const SQ = [[2, 0], [0, 1]];
/** A network data set of 3 samples × 2 features. */
const TINY = { X: new Float64Array([0, 1, 1, 0, 1, 1]), labels: [0, 1, 1], features: 2 };

/** Rows for a vector parameter given as any array of finite numbers. */
function vectorRows(param: string, make: (v: Any) => unknown): Row[] {
  return [
    ...arg(param, make, V.object),
    row(`${param}[1] = NaN`, () => make([1, NaN]), `${param}[1]`, NaN),
    row(`${param}[0] = Infinity`, () => make([Infinity, 1]), `${param}[0]`, Infinity),
    row(`${param}[1] = -Infinity`, () => make([1, -Infinity]), `${param}[1]`, -Infinity),
    row(`${param}[1] = "2"`, () => make([1, "2"]), `${param}[1]`, "2"),
  ];
}

/** Rows for a length-`n` vector option `key` of an options-taking `make`. */
function vectorOption(key: string, make: (v: Any) => unknown, n: number): Row[] {
  return [
    ...vectorRows(key, make),
    row(`${key} of length ${n + 1}`, () => make(Array(n + 1).fill(1)), key, 0, {
      expect: "RangeError",
      parts: [`\`${key}\``, `got length ${n + 1}`],
    }),
  ];
}

/** Rows for a schedule factory: its options, and the step index t of the schedule it makes. */
const schedule = (
  fn: string,
  make: (o: Any) => unknown,
  valid: Record<string, unknown>,
  spec: Record<string, unknown[]>,
) => [
  ...opts(fn, make, valid, spec),
  ...arg("t", (t) => (make(valid) as lib.Schedule)(t), V.int0),
];

/** Rows for a symmetric-matrix parameter `A`. */
function matrixRows(make: (A: Any) => unknown): Row[] {
  return [
    ...arg("A", make, V.object),
    row("A = []", () => make([]), "A", 0, { expect: "RangeError", parts: ["`A`", "got 0 rows"] }),
    row("A ragged", () => make([[1, 0], [0]]), "A", 1, {
      expect: "RangeError",
      parts: ["`A`", "got length 1"],
    }),
    row("A[1] = null", () => make([[1, 0], null]), "A[1]", null),
    row("A[0][1] = NaN", () => make([[1, NaN], [NaN, 1]]), "A[0][1]", NaN),
    row('A[1][0] = "0"', () => make([[1, 0], ["0", 1]]), "A[1][0]", "0"),
    row("A not symmetric", () => make([[1, 2], [0, 1]]), "A", 0, {
      expect: "RangeError",
      parts: ["`A`", "symmetric", "A[0][1] = 2"],
    }),
    row(
      "A with entries 1e308: eigenvalues overflow",
      () => make([[1e308, 1e308], [1e308, 1e308]]),
      "A",
      0,
      { expect: "RangeError", parts: ["`A`", "1e+308", "got an eigenvalue Infinity"] },
    ),
  ];
}
const positiveDefiniteRows = (make: (A: Any) => unknown): Row[] => [
  ...matrixRows(make),
  row("A indefinite", () => make([[1, 0], [0, -1]]), "A", -1, {
    parts: ["`A`", "positive definite", "got smallest eigenvalue -1"],
  }),
];

/** Sliders of the wrong kind, for the explorable panels. */
const sliderRows = (make: (s: Any) => unknown, param = "sliders"): Row[] => [
  ...arg(param, make, typed([null, 5, "lr", {}])),
  row(`${param} = []`, () => make([]), param, 0, { expect: "RangeError", parts: [`\`${param}\``] }),
];

/**
 * Rows for an optimizer's step: a non-finite gradient or parameter, a foreign
 * state, a frozen state and a tampered count are refused (issue 11 §2–3).
 */
function stepRows(make: () => lib.Optimizer): Row[] {
  const setup = () => {
    const opt = make();
    const w = W();
    return { opt, w, state: opt.init(w), g: new Float64Array([0.5, 0.5]) };
  };
  return [
    row(
      "step: grads[1] = NaN",
      () => {
        const { opt, w, state } = setup();
        opt.step(w, new Float64Array([1, NaN]), state);
      },
      "grads[1]",
      NaN,
    ),
    row(
      "step: grads of another length",
      () => {
        const { opt, w, state } = setup();
        opt.step(w, new Float64Array(3), state);
      },
      "grads",
      0,
      { expect: "RangeError", parts: ["`grads`", "got length 3"] },
    ),
    row(
      "step: grads as a Float32Array",
      () => {
        const { opt, w, state } = setup();
        opt.step(w, new Float32Array(2) as Any, state);
      },
      "grads",
      new Typed(new Float32Array(2)),
    ),
    row(
      "step: params as a plain array",
      () => {
        const { opt, state, g } = setup();
        opt.step([1, 2] as Any, g, state);
      },
      "params",
      new Typed([1, 2]),
    ),
    row(
      "step: params of another length than the state",
      () => {
        const { opt, state } = setup();
        opt.step(new Float64Array(3), new Float64Array(3), state);
      },
      "state",
      0,
      { expect: "RangeError", parts: ["3"] },
    ),
    row(
      "step: a state made by another optimizer",
      () => {
        const { opt, w, g } = setup();
        opt.step(w, g, make().init(w));
      },
      "state",
      0,
      { expect: "TypeError", parts: ["`state`"] },
    ),
    row(
      "step: params[0] = NaN",
      () => {
        const { opt, w, state, g } = setup();
        w[0] = NaN;
        opt.step(w, g, state);
      },
      "params[0]",
      NaN,
    ),
    row(
      "step: a frozen state",
      () => {
        const { opt, w, state, g } = setup();
        opt.step(w, g, Object.freeze(state));
      },
      "state",
      0,
      { expect: "TypeError", parts: ["`state`", "frozen"] },
    ),
    ...[NaN, -1, 1.5].map((c) =>
      row(
        `step: state.count = ${c}`,
        () => {
          const { opt, w, state, g } = setup();
          state.count = c;
          opt.step(w, g, state);
        },
        "state.count",
        c,
      )
    ),
  ];
}

// The table: one entry per export of lib/mod.ts.
const TABLE: Record<string, Row[] | typeof CONSTANT> = {
  // constants
  METHOD_COLORS: CONSTANT,
  SERIES_PALETTE: CONSTANT,
  SLIDERS_NOTE: CONSTANT,
  UNDRAWN_HINT: CONSTANT,
  UPDATE_RULES: CONSTANT,
  VEGA_LITE_MIME: CONSTANT,
  VEGA_LITE_SCHEMA: CONSTANT,
  jupyterDisplay: CONSTANT,

  // transforms
  chain: [
    ...arg("name", (v) => lib.chain(v), typed(["", 1, null, {}])),
    ...arg("transforms[0]", (v) => lib.chain("x", v), typed([null, 5, {}, { init: () => 0 }])),
  ],
  fuse: [
    ...arg("optimizer", (v) => lib.fuse(v, () => {}), typed([null, 5, {}, { transforms: [] }])),
    ...arg("kernel", (v) => lib.fuse(lib.chain("x"), v), typed([null, 5, "k", {}])),
  ],
  stateOf: [
    ...arg(
      "optimizer",
      (v) => lib.stateOf(v, lib.scale(1)),
      typed([null, 5, {}, { transforms: [] }]),
    ),
    ...arg("block", (v) => lib.stateOf(lib.chain("x", lib.scale(1)), v), typed([null, 5, {}])),
    row(
      "block: a block of another chain",
      () => lib.stateOf(lib.chain("x", lib.scale(1)), lib.scale(2)),
      "block",
      0,
      { expect: "RangeError", parts: ["`block`", "got scale"] },
    ),
  ],
  scale: arg("factor", (v) => lib.scale(v), V.finite),
  scaleByLearningRate: arg("lr", (v) => lib.scaleByLearningRate(v), V.lr),
  addDecayedWeights: arg("weightDecay", (v) => lib.addDecayedWeights(v), V.nonNegative),
  momentum: opts("momentum", (o) => lib.momentum(o), { decay: 0.9 }, {
    decay: V.unit,
    dampening: V.closedUnit,
    nesterov: V.bool,
    start: V.choice("ones"),
  }),
  ema: opts("ema", (o) => lib.ema(o), { decay: 0.9 }, { decay: V.unit, debias: V.bool }),
  scaleByRms: opts("scaleByRms", (o) => lib.scaleByRms(o), { decay: 0.9, eps: 1e-8 }, {
    decay: V.unit,
    eps: V.positive,
    epsInside: V.bool,
    centered: V.bool,
    debias: V.bool,
    initialValue: V.nonNegative,
  }),
  scaleByNormRms: opts("scaleByNormRms", (o) => lib.scaleByNormRms(o), { decay: 0.9, eps: 1e-8 }, {
    decay: V.unit,
    eps: V.positive,
    debias: V.bool,
  }),
  scaleByAdadelta: opts("scaleByAdadelta", (o) => lib.scaleByAdadelta(o), { rho: 0.9, eps: 1e-6 }, {
    rho: V.unit,
    eps: V.positive,
  }),
  scaleByNormAdadelta: opts(
    "scaleByNormAdadelta",
    (o) => lib.scaleByNormAdadelta(o),
    { lr: 1, decay: 0.9, eps1: 1e-6, eps2: 1e-6 },
    { lr: V.lr, decay: V.unit, eps1: V.positive, eps2: V.positive },
  ),
  scaleByAdam: opts("scaleByAdam", (o) => lib.scaleByAdam(o), { b1: 0.9, b2: 0.999, eps: 1e-8 }, {
    b1: V.unit,
    b2: V.unit,
    eps: V.positive,
    epsInside: V.bool,
    amsgrad: V.bool,
  }),
  scaleByAdagrad: opts("scaleByAdagrad", (o) => lib.scaleByAdagrad(o), { eps: 1e-10 }, {
    eps: V.positive,
    initialAccumulatorValue: V.nonNegative,
  }),

  // optimizers
  gradientDescent: opts("gradientDescent", (o) => lib.gradientDescent(o), { lr: 0.1 }, {
    lr: V.lr,
  }),
  notesMomentum: opts("notesMomentum", (o) => lib.notesMomentum(o), { lr: 0.1 }, {
    lr: V.lr,
    alpha: V.unit,
  }),
  notesWeightDecay: opts(
    "notesWeightDecay",
    (o) => lib.notesWeightDecay(o),
    { lr: 0.1, lambda: 0.01 },
    { lr: V.lr, lambda: V.nonNegative, form: V.choice("L2") },
  ),
  notesRmsprop: opts("notesRmsprop", (o) => lib.notesRmsprop(o), { lr: 0.1 }, {
    lr: V.lr,
    alpha: V.unit,
    eps: V.positive,
  }),
  notesAdadelta: opts("notesAdadelta", (o) => lib.notesAdadelta(o), {}, {
    lr: V.lr,
    alpha: V.unit,
    eps1: V.positive,
    eps2: V.positive,
  }),
  notesAdam: opts("notesAdam", (o) => lib.notesAdam(o), { lr: 0.1 }, {
    lr: V.lr,
    alpha1: V.unit,
    alpha2: V.unit,
    eps: V.positive,
  }),
  sgd: opts("sgd", (o) => lib.sgd(o), {}, {
    lr: V.lr,
    momentum: V.unit,
    dampening: V.closedUnit,
    weightDecay: V.nonNegative,
    nesterov: V.bool,
    fused: V.bool,
  }),
  rmsprop: opts("rmsprop", (o) => lib.rmsprop(o), {}, {
    lr: V.lr,
    alpha: V.unit,
    eps: V.positive,
    weightDecay: V.nonNegative,
    momentum: V.unit,
    centered: V.bool,
    fused: V.bool,
  }),
  adadelta: opts("adadelta", (o) => lib.adadelta(o), {}, {
    lr: V.lr,
    rho: V.unit,
    eps: V.positive,
    weightDecay: V.nonNegative,
  }),
  adam: [
    ...opts("adam", (o) => lib.adam(o), {}, {
      lr: V.lr,
      betas: typed([null, 0.9, "b"]),
      eps: V.positive,
      weightDecay: V.nonNegative,
      amsgrad: V.bool,
      fused: V.bool,
    }),
    ...arg("betas[1]", (b) => lib.adam({ betas: [0.9, b] }), V.unit),
  ],
  adamw: opts("adamw", (o) => lib.adamw(o), {}, {
    lr: V.lr,
    eps: V.positive,
    weightDecay: V.nonNegative,
    amsgrad: V.bool,
    fused: V.bool,
  }),
  adagrad: opts("adagrad", (o) => lib.adagrad(o), {}, {
    lr: V.lr,
    lrDecay: V.nonNegative,
    weightDecay: V.nonNegative,
    initialAccumulatorValue: V.nonNegative,
    eps: V.positive,
  }),

  // schedules
  constant: [
    ...arg("lr", (v) => lib.constant(v), V.positive),
    ...arg("t", (t) => lib.constant(1)(t), V.int0),
  ],
  stepDecay: schedule("stepDecay", (o) => lib.stepDecay(o), { lr: 1, gamma: 0.5, stepSize: 2 }, {
    lr: V.positive,
    gamma: [...V.positive, 1.5],
    stepSize: V.int1,
  }),
  inversePower: schedule("inversePower", (o) => lib.inversePower(o), { lr: 1, alpha: 1 }, {
    lr: V.positive,
    alpha: V.positive,
  }),
  exponentialDecay: schedule(
    "exponentialDecay",
    (o) => lib.exponentialDecay(o),
    { lr: 1, gamma: 0.9 },
    { lr: V.positive, gamma: [...V.positive, 1.5] },
  ),
  cosineDecay: schedule("cosineDecay", (o) => lib.cosineDecay(o), { lr: 1, steps: 10 }, {
    lr: V.positive,
    steps: V.int1,
    minLr: [...V.nonNegative, 2],
    periodic: V.bool,
  }),
  linearWarmup: schedule("linearWarmup", (o) => lib.linearWarmup(o), { lr: 1, steps: 10 }, {
    lr: V.positive,
    steps: V.int1,
    startFactor: [...V.nonNegative, 1.5],
  }),
  linearDecay: schedule("linearDecay", (o) => lib.linearDecay(o), { lr: 1, steps: 10 }, {
    lr: V.positive,
    steps: V.int1,
    endFactor: [...V.nonNegative, 1.5],
  }),
  polynomialDecay: schedule(
    "polynomialDecay",
    (o) => lib.polynomialDecay(o),
    { lr: 1, steps: 10 },
    { lr: V.positive, steps: V.int1, power: V.positive },
  ),
  cosineRestarts: schedule("cosineRestarts", (o) => lib.cosineRestarts(o), { lr: 1, steps: 10 }, {
    lr: V.positive,
    steps: V.int1,
    mult: V.int1,
    minLr: [...V.nonNegative, 2],
  }),
  oneCycle: [
    ...schedule("oneCycle", (o) => lib.oneCycle(o), { lr: 1, steps: 100 }, {
      lr: V.positive,
      steps: [...V.int1, 1],
      pctStart: [...V.positive, 1, 1.5, 0.001],
      anneal: V.choice("cosine"),
      divFactor: V.positive,
      finalDivFactor: V.positive,
      threePhase: V.bool,
    }),
    row(
      "threePhase with pctStart 0.6 leaves no room for the third phase",
      () => lib.oneCycle({ lr: 1, steps: 100, pctStart: 0.6, threePhase: true }),
      "pctStart",
      0.6,
    ),
  ],
  joinSchedules: [
    ...arg("schedules", (v) => lib.joinSchedules(v, []), typed([null, [], "s", {}])),
    ...arg("schedules[1]", (v) => lib.joinSchedules([lib.constant(1), v], [2]), typed([null, 1])),
    row(
      "boundaries of the wrong length",
      () => lib.joinSchedules([lib.constant(1)], [3]),
      "boundaries",
      [3],
      { expect: "RangeError" },
    ),
    ...arg(
      "boundaries[0]",
      (v) => lib.joinSchedules([lib.constant(1), lib.constant(2)], [v]),
      [0, -1, 1.5, NaN, "2", null],
    ),
    ...arg("t", (t) => lib.joinSchedules([lib.constant(1)], [])(t), V.int0),
  ],
  reduceLrOnPlateau: [
    ...opts("reduceLrOnPlateau", (o) => lib.reduceLrOnPlateau(o), { lr: 0.1 }, {
      lr: V.positive,
      mode: V.choice("minimum"),
      factor: [...V.positive, 1, 2],
      patience: V.int0,
      threshold: V.nonNegative,
      thresholdMode: V.choice("relative"),
      cooldown: V.int0,
      minLr: V.nonNegative,
      eps: V.nonNegative,
    }),
    ...arg("value", (v) => lib.reduceLrOnPlateau({ lr: 1 }).observe(1, v), V.finite),
    ...arg("t", (t) => lib.reduceLrOnPlateau({ lr: 1 }).observe(t, 1), V.int0),
    ...arg("t", (t) => lib.reduceLrOnPlateau({ lr: 1 }).schedule(t), V.int0),
  ],

  // analysis
  emaSeries: [
    ...opts("emaSeries", (o) => lib.emaSeries([1, 2], o), { alpha: 0.5 }, {
      alpha: V.unit,
      debias: V.bool,
    }),
    ...vectorRows("series", (v) => lib.emaSeries(v, { alpha: 0.5 })),
    row("series = []", () => lib.emaSeries([], { alpha: 0.5 }), "series", 0, {
      expect: "RangeError",
      parts: ["`series`", "got length 0"],
    }),
  ],
  emaWeights: [
    ...arg("t", (t) => lib.emaWeights(t, 0.5), V.int0),
    ...arg("alpha", (a) => lib.emaWeights(3, a), V.unit),
  ],
  emaWeightSum: [
    ...arg("t", (t) => lib.emaWeightSum(t, 0.5), V.int0),
    ...arg("alpha", (a) => lib.emaWeightSum(3, a), V.unit),
  ],
  emaBiasCorrection: [
    ...arg("t", (t) => lib.emaBiasCorrection(t, 0.5), V.int0),
    ...arg("alpha", (a) => lib.emaBiasCorrection(3, a), V.unit),
  ],
  emaEffectiveWindow: arg("alpha", (a) => lib.emaEffectiveWindow(a), V.unit),
  emaTermsForShare: [
    ...arg("alpha", (a) => lib.emaTermsForShare(a, 0.5), V.unit),
    ...arg("share", (s) => lib.emaTermsForShare(0.5, s), [NaN, 0, 1, -0.5, 2, "0.5", null]),
    ...opts("emaTermsForShare", (o) => lib.emaTermsForShare(0.5, 0.5, o), {}, { t: V.int0 }),
  ],
  momentumSeries: [
    ...opts("momentumSeries", (o) => lib.momentumSeries([1, 2], o), { alpha: 0.5 }, {
      alpha: V.unit,
      lr: V.lr,
    }),
    ...vectorRows("grads", (v) => lib.momentumSeries(v, { alpha: 0.5 })),
    row(
      "a buffer that overflows",
      () => lib.momentumSeries([1e308, 1e308], { alpha: 0.9 }),
      "grads",
      0,
      {
        expect: "RangeError",
        parts: ["`grads`", "m_2", "got Infinity"],
      },
    ),
  ],
  momentumClosedForm: [
    ...opts("momentumClosedForm", (o) => lib.momentumClosedForm([1, 2], 1, o), { alpha: 0.5 }, {
      alpha: V.unit,
      lr: V.lr,
    }),
    ...arg("t", (t) => lib.momentumClosedForm([1, 2], t, { alpha: 0.5 }), [...V.int0, 3]),
    row(
      "a buffer that overflows",
      () => lib.momentumClosedForm([[1e308], [1e308]], 2, { alpha: 0.9 }),
      "grads",
      0,
      { expect: "RangeError", parts: ["`grads`", "m_2[0]", "got Infinity"] },
    ),
  ],
  momentumWeights: [
    ...arg("t", (t) => lib.momentumWeights(t, 0.5), V.int0),
    ...arg("alpha", (a) => lib.momentumWeights(3, a), V.unit),
  ],
  momentumWeightSum: [
    ...arg("t", (t) => lib.momentumWeightSum(t, 0.5), V.int0),
    ...arg("alpha", (a) => lib.momentumWeightSum(3, a), V.unit),
  ],
  powerMean: [
    ...vectorRows("values", (v) => lib.powerMean(v, 1)),
    row("values = []", () => lib.powerMean([], 1), "values", 0, {
      expect: "RangeError",
      parts: ["`values`", "got length 0"],
    }),
    ...arg("p", (p) => lib.powerMean([1, 2], p), [NaN, "1", null]),
    ...opts("powerMean", (o) => lib.powerMean([1, 2], 1, o), {}, { weights: typed([null, "w"]) }),
    row(
      "weights of the wrong length",
      () => lib.powerMean([1, 2], 1, { weights: [1] }),
      "weights",
      0,
      {
        expect: "RangeError",
        parts: ["`weights`", "got length 1"],
      },
    ),
    row("weights[1] = -1", () => lib.powerMean([1, 2], 1, { weights: [1, -1] }), "weights[1]", -1),
    row("weights all 0", () => lib.powerMean([1, 2], 1, { weights: [0, 0] }), "weights", 0, {
      parts: ["`weights`", "got a sum of 0"],
    }),
  ],
  arithmeticMean: [
    ...vectorRows("values", (v) => lib.arithmeticMean(v)),
    ...opts("powerMean", (o) => lib.arithmeticMean([1], o), {}, {}),
  ],
  geometricMean: [
    ...vectorRows("values", (v) => lib.geometricMean(v)),
    row("values[0] = -1", () => lib.geometricMean([-1, 2]), "values[0]", -1),
  ],
  harmonicMean: [
    ...vectorRows("values", (v) => lib.harmonicMean(v)),
    row("values[1] = 0", () => lib.harmonicMean([1, 0]), "values[1]", 0),
  ],
  quadraticMean: vectorRows("values", (v) => lib.quadraticMean(v)),
  symmetricEigen: matrixRows((A) => lib.symmetricEigen(A)),
  eigenvalues: matrixRows((A) => lib.eigenvalues(A)),
  maxStableLearningRate: [
    ...positiveDefiniteRows((A) => lib.maxStableLearningRate(A)),
    row("A = [[5e-324]]: 2/λ overflows", () => lib.maxStableLearningRate([[5e-324]]), "A", 0, {
      expect: "RangeError",
      parts: ["`A`", "5e-324", "got Infinity"],
    }),
  ],
  optimalLearningRate: positiveDefiniteRows((A) => lib.optimalLearningRate(A)),
  conditionNumber: [
    ...positiveDefiniteRows((A) => lib.conditionNumber(A)),
    row("κ overflows", () => lib.conditionNumber([[1e300, 0], [0, 1e-300]]), "A", Infinity),
  ],
  contractionFactors: [
    ...matrixRows((A) => lib.contractionFactors(A, 0.1)),
    ...arg("lr", (v) => lib.contractionFactors(SQ, v), V.positive),
    row("η·λ overflows", () => lib.contractionFactors([[1e308]], 1e10), "lr", Infinity, {
      parts: ["`lr`", "`A`", "got Infinity"],
    }),
  ],
  convergenceRate: [
    ...matrixRows((A) => lib.convergenceRate(A, 0.1)),
    ...arg("lr", (v) => lib.convergenceRate(SQ, v), V.positive),
  ],
  hasUnitOf: [
    ...arg("value", (v) => lib.hasUnitOf(v, "m"), typed([1, null, {}])),
    ...arg("reference", (v) => lib.hasUnitOf("m", v), typed([1, null, {}])),
  ],
  derivativeUnits: opts("derivativeUnits", (o) => lib.derivativeUnits(o), { w: "m", E: "J" }, {
    w: V.string,
    E: V.string,
    lr: typed([1, {}]),
  }),
  updateUnits: [
    ...arg("rule", (v) => lib.updateUnits(v, { w: "m", E: "J" }), V.choice("adam")),
    ...opts("updateUnits", (o) => lib.updateUnits("rmsprop", o), { w: "m", E: "J" }, {
      w: V.string,
      E: V.string,
    }),
  ],
  unitAnalysis: opts("unitAnalysis", (o) => lib.unitAnalysis(o), { w: "m", E: "J" }, {
    w: V.string,
    E: V.string,
  }),

  // data
  createRng: [
    ...arg("seed", (v) => lib.createRng(v), [NaN, Infinity, -1, 1.5, "1", null, {}]),
    row(
      "shuffle of a frozen array",
      () => lib.createRng(1).shuffle(Object.freeze([1, 2, 3]) as Any),
      "array",
      0,
      { expect: "TypeError", parts: ["`array`", "frozen array of length 3"] },
    ),
    ...arg("array", (v) => lib.createRng(1).shuffle(v), V.object),
    ...arg("n", (v) => lib.createRng(1).permutation(v), V.int0),
    ...arg("sd", (v) => lib.createRng(1).normal(0, v), [NaN, Infinity, 0, -1, "1"]),
  ],
  minibatches: [
    ...arg("data", (v) => lib.minibatches(v, { batchSize: 2 }), [0, -1, 1.5, NaN, null, "abc", {}]),
    ...opts("minibatches", (o) => lib.minibatches(10, o), { batchSize: 2 }, {
      batchSize: V.int1,
      shuffle: V.bool,
      seed: V.int0,
      dropLast: V.bool,
    }),
    ...arg("count", (c) => lib.minibatches(10, { batchSize: 2 }).take(c), V.int0),
  ],
  standardize: [
    ...arg("rows", (v) => lib.standardize(v), V.object),
    row("rows = []", () => lib.standardize([]), "rows", 0, {
      expect: "RangeError",
      parts: ["`rows`", "got length 0"],
    }),
    row("ragged rows", () => lib.standardize([[1, 2], [3]]), "rows[1]", 0, {
      expect: "RangeError",
      parts: ["`rows[1]`", "got length 1"],
    }),
    row("rows[1][0] = NaN", () => lib.standardize([[1], [NaN]]), "rows[1][0]", NaN),
    ok("entries near 1.8e308 standardize without overflow", () => {
      const s = lib.standardize([[1.7e308], [-1.7e308]]);
      assert.deepEqual([...s.data, ...s.mean, ...s.std], [1, -1, 0, 1.7e308]);
    }),
  ],
  loadIris: [ok("takes no arguments", () => lib.loadIris())],

  // problems
  isDataProblem: arg("problem", (v) => lib.isDataProblem(v), V.object),
  quadraticForm: [
    ...opts("quadraticForm", (o) => lib.quadraticForm(o), { A: SQ }, { name: V.string }),
    ...matrixRows((A) => lib.quadraticForm({ A })),
    ...vectorOption("b", (b) => lib.quadraticForm({ A: SQ, b }), 2),
    ...vectorOption("start", (start) => lib.quadraticForm({ A: SQ, start }), 2),
    row(
      "entries near 1.8e308: the overflow is named, not the symmetrised sum",
      () => lib.quadraticForm({ A: [[1.7e308, 1.5e308], [1.5e308, 1.7e308]] }),
      "A",
      0,
      { expect: "RangeError", parts: ["`A`", "1.7e+308", "got an eigenvalue Infinity"] },
    ),
    ...arg("domain", (d) => lib.quadraticForm({ A: SQ, domain: d }), typed([null, 5, []])),
    ...arg(
      "domain.x",
      (x) => lib.quadraticForm({ A: SQ, domain: { x, y: [0, 1] } }),
      typed([
        null,
        [1],
        "01",
      ]),
    ),
    row(
      "domain.x[0] = NaN",
      () => lib.quadraticForm({ A: SQ, domain: { x: [NaN, 1], y: [0, 1] } }),
      "domain.x[0]",
      NaN,
    ),
    row(
      "domain.y[1] = Infinity",
      () => lib.quadraticForm({ A: SQ, domain: { x: [0, 1], y: [0, Infinity] } }),
      "domain.y[1]",
      Infinity,
    ),
    row(
      "domain.x = [1, 0]",
      () => lib.quadraticForm({ A: SQ, domain: { x: [1, 0], y: [0, 1] } }),
      "domain.x",
      0,
      { expect: "RangeError", parts: ["`domain.x`", "lo < hi", "got [1, 0]"] },
    ),
    row(
      "domain without y for a 2-D problem",
      () => lib.quadraticForm({ A: SQ, domain: { x: [0, 1] } as Any }),
      "domain.y",
      undefined,
    ),
    row(
      "domain with an unknown key",
      () => lib.quadraticForm({ A: SQ, domain: { x: [0, 1], y: [0, 1], z: [0, 1] } as Any }),
      "domain",
      0,
      { expect: "TypeError", parts: ["`domain`", "`z`"] },
    ),
  ],
  d2lQuadratic: [
    ...opts("d2lQuadratic", (o) => lib.d2lQuadratic(o), {}, {}),
    ...vectorOption("start", (start) => lib.d2lQuadratic({ start }), 2),
  ],
  flatThenSteep: [
    ...opts("flatThenSteep", (o) => lib.flatThenSteep(o), {}, {
      bowl: V.positive,
      depth: V.positive,
      width: V.positive,
    }),
    ...arg("start", (start) => lib.flatThenSteep({ start }), [
      ...V.finite.filter((v) => !Array.isArray(v)),
    ]),
    row("start = [NaN]", () => lib.flatThenSteep({ start: [NaN] }), "start[0]", NaN),
    row("start = [1, 2]", () => lib.flatThenSteep({ start: [1, 2] }), "start", 0, {
      expect: "RangeError",
      parts: ["`start`", "got length 2"],
    }),
  ],
  rosenbrock: [
    ...opts("rosenbrock", (o) => lib.rosenbrock(o), {}, { a: V.finite, b: V.positive }),
    ...vectorOption("start", (start) => lib.rosenbrock({ start }), 2),
  ],
  linearRegression: [
    ...opts("linearRegression", (o) => lib.linearRegression(o), {}, {
      samples: V.int1,
      features: V.int1,
      noise: V.nonNegative,
      seed: V.int0,
      intercept: V.bool,
      trueBias: V.finite,
    }),
    ...vectorOption("trueWeights", (w) => lib.linearRegression({ trueWeights: w }), 2),
    row(
      "noise 1e308 overflows the targets",
      () => lib.linearRegression({ noise: 1e308 }),
      "noise",
      1e308,
      { parts: ["`noise`", "1e+308", "got y[0]"] },
    ),
    row(
      "trueBias without intercept",
      () => lib.linearRegression({ intercept: false, trueBias: 1 }),
      "trueBias",
      0,
      { expect: "TypeError", parts: ["`trueBias`", "intercept"] },
    ),
  ],
  softmaxRegression: [
    ...opts(
      "softmaxRegression",
      (o) => lib.softmaxRegression(o),
      { features: [[1], [2]], labels: [0, 1] },
      {
        classes: [...V.int1, 1],
        l2: V.nonNegative,
        name: V.string,
        classNames: typed([null, "ab"]),
      },
    ),
    row(
      "classNames of the wrong length",
      () => lib.softmaxRegression({ features: [[1], [2]], labels: [0, 1], classNames: ["a"] }),
      "classNames",
      0,
      { expect: "RangeError", parts: ["`classNames`", "one name per class (2)", "got length 1"] },
    ),
    row(
      "classNames[1] = 2",
      () =>
        lib.softmaxRegression({
          features: [[1], [2]],
          labels: [0, 1],
          classNames: ["a", 2 as Any],
        }),
      "classNames[1]",
      new Typed(2),
    ),
    row(
      "featureNames of the wrong length",
      () =>
        lib.softmaxRegression({ features: [[1], [2]], labels: [0, 1], featureNames: ["a", "b"] }),
      "featureNames",
      0,
      {
        expect: "RangeError",
        parts: ["`featureNames`", "one name per feature (1)", "got length 2"],
      },
    ),
    ...arg("features", (v) => lib.softmaxRegression({ features: v, labels: [0] }), V.object),
    row("features = []", () => lib.softmaxRegression({ features: [], labels: [] }), "features", 0, {
      expect: "RangeError",
      parts: ["`features`", "got length 0"],
    }),
    row(
      "ragged features",
      () => lib.softmaxRegression({ features: [[1, 2], [3]], labels: [0, 1] }),
      "features[1]",
      0,
      { expect: "RangeError", parts: ["`features[1]`"] },
    ),
    row(
      "features[1][0] = NaN",
      () => lib.softmaxRegression({ features: [[1], [NaN]], labels: [0, 1] }),
      "features[1][0]",
      NaN,
    ),
    row(
      "labels of the wrong length",
      () => lib.softmaxRegression({ features: [[1], [2]], labels: [0] }),
      "labels",
      0,
      { expect: "RangeError", parts: ["`labels`", "got length 1"] },
    ),
    row(
      "labels[1] = 0.5",
      () => lib.softmaxRegression({ features: [[1], [2]], labels: [0, 0.5] }),
      "labels[1]",
      0.5,
    ),
    row(
      "scores that overflow in the loss",
      () => {
        const p = lib.softmaxRegression({ features: [[1e308], [-1e308]], labels: [0, 1] });
        p.loss(new Float64Array([10, 0, -10, 0]));
      },
      "w",
      0,
      { expect: "RangeError", parts: ["`w`", "sample 0", "got Infinity"] },
    ),
    row(
      "a label beyond classes",
      () => lib.softmaxRegression({ features: [[1], [2]], labels: [0, 3], classes: 2 }),
      "labels",
      3,
      { parts: ["`labels`", "got a label 3"] },
    ),
  ],
  irisSoftmaxRegression: opts("irisSoftmaxRegression", (o) => lib.irisSoftmaxRegression(o), {}, {
    l2: V.nonNegative,
    standardize: V.bool,
  }),

  // network and MNIST (owner: lead)
  MNIST_SOURCE: CONSTANT,
  loadMnist: opts("loadMnist", (o) => lib.loadMnist(o), {}, {
    pool: V.bool,
    seed: V.int0,
    order: V.choice("sorted"),
    standardize: V.bool,
    split: typed([5, "x"]),
  }, { frozenOk: false }),
  mlp: [
    ...opts("mlp", (o) => lib.mlp(o), { data: TINY }, {
      hidden: typed([5, "64"]),
      activation: V.choice("sigmoid"),
      classes: [...V.int1, 1],
      l2: V.nonNegative,
      init: V.choice("xavier"),
      seed: V.int0,
      name: V.string,
    }),
    ...arg("hidden[0]", (h) => lib.mlp({ data: TINY, hidden: [h] }), V.int1),
    ...arg("data", (d) => lib.mlp({ data: d }), V.object),
    row(
      "data.X of the wrong length",
      () => lib.mlp({ data: { ...TINY, X: new Float64Array(3) } }),
      "data.X",
      0,
      {
        expect: "RangeError",
        parts: ["`data.X`", "got length 3"],
      },
    ),
  ],
  lrRangeTest: [
    ...opts(
      "lrRangeTest",
      (o) => lib.lrRangeTest(lib.linearRegression({ samples: 8 }), (lr) => lib.sgd({ lr }), o),
      { batchSize: 4, steps: 5 },
      {
        batchSize: V.int1,
        minLr: V.positive,
        maxLr: [...V.positive, 1e-7],
        steps: [...V.int1, 1],
        smoothing: V.unit,
        stopFactor: [...V.positive, 1],
        seed: V.int0,
        start: typed([5, [0, 0, 0], new Float64Array(1)]),
      },
    ),
    ...arg(
      "problem",
      (p) => lib.lrRangeTest(p, (lr) => lib.sgd({ lr }), { batchSize: 4 }),
      typed([
        null,
        5,
        lib.d2lQuadratic(),
      ]),
    ),
    ...arg(
      "makeOptimizer",
      (m) => lib.lrRangeTest(lib.linearRegression({ samples: 8 }), m, { batchSize: 4 }),
      typed([null, 5, lib.sgd()]),
    ),
  ],
  trainLive: opts(
    "trainLive",
    (o) => lib.trainLive(lib.d2lQuadratic(), lib.gradientDescent({ lr: 0.1 }), o),
    { maxSteps: 2, progress: "none" },
    { progress: V.choice("bar"), maxSteps: V.int0 },
  ),

  // exercise checks (lib/exercise.ts): a student's wrong answer is an ExerciseMistake with a
  // message for the student; the instructor-facing arguments are refused like any other
  ExerciseMistake: [ok("new ExerciseMistake(message)", () => new lib.ExerciseMistake("x"))],
  exercise: [
    ...arg("id", (id) => lib.exercise(id, () => {}), ["5.2", "05", 5, null], undefined).map((
      r,
    ) => ({
      ...r,
      expect: "RangeError" as const,
    })),
    ok("a passing body", () => lib.exercise("05.2", () => {})),
  ],
  expectAnswered: [
    ok("an answer", () => lib.expectAnswered(1, "x")),
    row("undefined", () => lib.expectAnswered(undefined, "set `x`"), "x", undefined, {
      expect: "ExerciseMistake" as never,
      parts: ["not answered yet", "`x`"],
    }),
  ],
  expectNumber: [
    ok("the right number", () => lib.expectNumber(2, 2, { name: "x" })),
    row("a string answer", () => lib.expectNumber("2", 2, { name: "x" }), "x", "2", {
      expect: "ExerciseMistake" as never,
    }),
  ],
  expectChoice: [
    ok("the right choice", () => lib.expectChoice("a", "a", { name: "x", choices: ["a", "b"] })),
  ],
  expectVector: [
    ok("the right vector", () => lib.expectVector([1, 2], [1, 2], { name: "w" })),
    row("a wrong length", () => lib.expectVector([1], [1, 2], { name: "w" }), "w", 1, {
      expect: "ExerciseMistake" as never,
      parts: ["your w", "has 1 coordinates, expected 2"],
    }),
  ],
  expectSteps: [
    ...arg("yours", (y) => lib.expectSteps(y, []), typed([null, 5])).map((r) => ({
      ...r,
      expect: "ExerciseMistake" as never,
      parts: ["your steps must be an array"],
    })),
  ],
  stateVector: [
    ...arg("state", (st) => lib.stateVector(st, "m"), V.object),
    ok("a buffer of adam", () => {
      const w = W();
      return lib.stateVector(lib.adam().init(w), "mu");
    }),
  ],

  // train (owner: lead)
  train: [
    ...opts(
      "train",
      (o) => lib.train(lib.d2lQuadratic(), lib.gradientDescent({ lr: 0.1 }), o),
      {},
      { maxSteps: V.int0, tol: V.nonNegative, recordParams: V.bool },
    ),
    ...arg("problem", (p) => lib.train(p, lib.gradientDescent({ lr: 0.1 })), V.object),
    ...arg("optimizer", (o) => lib.train(lib.d2lQuadratic(), o), V.object),
  ],
  currentLearningRate: [
    ...arg(
      "optimizer",
      (o) => lib.currentLearningRate(o, lib.sgd().init(W())),
      typed([null, 5, {}]),
    ),
    ...arg("state", (s) => lib.currentLearningRate(lib.sgd(), s), typed([null, 5, {}])),
  ],
  paramsAt: [
    ...arg("t", (t) => lib.paramsAt(run(), t), [...V.int0, 99]),
    ...arg("run", (v) => lib.paramsAt(v, 0), typed([null, 5, {}])),
  ],
  paramTrace: [
    ...arg("i", (i) => lib.paramTrace(run(), i), [...V.int0, 2]),
    ...arg("run", (v) => lib.paramTrace(v, 0), typed([null, 5, {}])),
  ],

  // display (owner: figures)
  RichValue: [
    ...arg("bundle", (v) => new lib.RichValue(v), typed([null, 5])),
    ...arg("bundle", (v) => new lib.RichValue(v), typed(["x"])),
  ],
  rich: [
    ...arg("bundle", (v) => lib.rich(v), typed([null, 5])),
    ...arg("bundle", (v) => lib.rich(v), typed(["x"])),
  ],
  Table: arg("rows", (v) => new lib.Table(v), V.object),
  table: [
    ...arg("rows", (v) => lib.table(v), V.object),
    row("an unknown option key", () => lib.table([{ a: 1 }], { zz: 1 } as Any), "zz", 1, {
      expect: "TypeError",
      parts: ["`table`", "`zz`"],
    }),
    row(
      "caption: 1",
      () => lib.table([{ a: 1 }], { caption: 1 } as Any),
      "caption",
      new Typed(1),
      {},
    ),
    row('columns: ["zz"]', () => lib.table([{ a: 1 }], { columns: ["zz"] } as Any), "columns", 0, {
      expect: "RangeError",
      parts: ["`columns", "zz"],
    }),
  ],
  formatNumber: [
    ...arg("x", (v) => lib.formatNumber(v), typed(["1", null, {}])),
    row("a misspelt option", () => lib.formatNumber(1, { precison: 3 } as Any), "precison", 1, {
      expect: "TypeError",
      parts: ["`formatNumber`", "`precison`"],
    }),
    ...arg("precision", (v) => lib.formatNumber(1, { precision: v }), [0, 18, 1.5, NaN]),
  ],
  roundSignificant: [
    ...arg("x", (v) => lib.roundSignificant(v, 3), typed(["1.5", null])),
    ...arg("digits", (v) => lib.roundSignificant(1.2, v), [0, 101, 1.5, "3"]),
  ],
  weightsTable: [
    ...arg("weights", (v) => lib.weightsTable(v), V.object),
    row('sum: "no"', () => lib.weightsTable({ a: [1] }, { sum: "no" } as Any), "sum", "no", {}),
    row("a NaN weight", () => lib.weightsTable({ a: [NaN] }), "weights.a[0]", NaN),
    row("ragged columns", () => lib.weightsTable({ a: [1], b: [1, 2] }), "b", 2, {
      expect: "RangeError",
      parts: ["`b`", "got length 2"],
    }),
    ...arg("maxRows", (v) => lib.weightsTable({ a: [1] }, { maxRows: v }), [0, 1.5, NaN]),
  ],
  emaWeightsTable: [
    ...arg("t", (t) => lib.emaWeightsTable(t, 0.5), [-1, 1.5, NaN]),
    ...arg("alpha", (a) => lib.emaWeightsTable(3, a), [1, -0.1, NaN]),
  ],
  formula: [
    ...arg("latex", (v) => lib.formula(v), typed(["", 1, null])),
    row("an unknown option key", () => lib.formula("x", { zz: 1 } as Any), "zz", 1, {
      expect: "TypeError",
      parts: ["`formula`", "`zz`"],
    }),
  ],
  displayUnits: arg("analysis", (v) => lib.displayUnits(v), typed([null, 5])),
  stripAnsi: arg("text", (v) => lib.stripAnsi(v), typed([1, null, {}])),
  escapeHtml: arg("text", (v) => lib.escapeHtml(v), typed([1, null, {}])),
  displayRun: [
    ...opts("displayRun", (o) => lib.displayRun(run(), o), {}, { precision: [0, 1.5, NaN] }),
    row("name: 1", () => lib.displayRun(run(), { name: 1 } as Any), "name", new Typed(1), {}),
    row(
      "steps: 2 with a loss of length 1",
      () => lib.displayRun({ steps: 2, loss: [1] } as Any),
      "loss",
      0,
      {
        expect: "RangeError",
        parts: ["loss"],
      },
    ),
  ],
  runsTable: opts("runsTable", (o) => lib.runsTable([run()], o), {}, { precision: [0, 1.5, NaN] }),
  runChart: [
    ...opts("runChart", (o) => lib.runChart(run(), o), {}, {}),
    row(
      'yScale: "logarithmic"',
      () => lib.runChart(run(), { yScale: "logarithmic" as Any }),
      "yScale",
      0,
      {
        expect: "RangeError",
        parts: ["`yScale`", 'got "logarithmic"'],
      },
    ),
  ],

  // plot (owner: figures)
  methodOf: arg("name", (v) => lib.methodOf(v), typed([1, null, {}])),
  mathLabel: arg("label", (v) => lib.mathLabel(v), typed([1, null, {}])),
  seriesColors: [
    ...arg("names", (v) => lib.seriesColors(v), typed([null, "adam", {}])),
    ...arg("names[1]", (v) => lib.seriesColors(["adam", v]), typed([1, null])),
  ],
  figure: arg("spec", (v) => lib.figure(v), typed([null, 5, []])),
  renderSvg: arg("spec", (v) => lib.renderSvg(v), typed([null, 5])),
  compileVegaLite: arg("spec", (v) => lib.compileVegaLite(v), typed([null, 5])),
  toPlotly: arg("fig", (v) => lib.toPlotly(v), typed([null, 5, {}])),
  lineChart: arg("series", (v) => lib.lineChart(v), typed([null, 5, "y"])),
  lineChartSpec: [
    ...arg("series", (v) => lib.lineChartSpec(v), typed([null, 5, "y"])),
    ...opts("lineChart", (o) => lib.lineChartSpec({ a: [1, 2] }, o), {}, {}),
  ],
  barChart: arg("series", (v) => lib.barChart(v), typed([null, 5, "y"])),
  barChartSpec: opts("barChart", (o) => lib.barChartSpec({ a: [1] }, o), {}, {}),
  lossSurface: arg("f", (v) => lib.lossSurface(v), typed([null, 5])),
  lossSurfaceSpec: opts(
    "lossSurface",
    (o) => lib.lossSurfaceSpec(bowl, o),
    { xDomain: [-1, 1], yDomain: [-1, 1] },
    {},
  ),
  smallMultiples: [
    ...arg("panels", (v) => lib.smallMultiples(v), typed([5, "p"])),
    row("panels = null", () => lib.smallMultiples(null as Any), "panels", new Typed(null), {}),
    row("panels = []", () => lib.smallMultiples([]), "panels", 0, {
      expect: "RangeError",
      parts: ["`panels`", "got an array of length 0"],
    }),
  ],
  smallMultiplesSpec: [
    ...arg("panels", (v) => lib.smallMultiplesSpec(v), typed([5, "p"])),
    row("panels = []", () => lib.smallMultiplesSpec([]), "panels", 0, {
      expect: "RangeError",
      parts: ["`panels`", "got an array of length 0"],
    }),
    row("panels = null", () => lib.smallMultiplesSpec(null as Any), "panels", new Typed(null), {}),
  ],
  openWindow: [
    row("options = null", () => lib.openWindow([], null as Any), "openWindow", null, {
      expect: "TypeError",
      parts: ["`openWindow`", "plain object", "got null"],
    }),
  ],
  explorable: [
    ...arg("panels[0]", (v) => lib.explorable(v), typed([null, 5])),
    row("panels = []", () => lib.explorable([]), "panels", 0, {
      expect: "RangeError",
      parts: ["`panels`", "got none"],
    }),
  ],
  explorableData: arg("fig", (v) => lib.explorableData(v), typed([null, 5])),
  sliderGrid: sliderRows((s) => lib.sliderGrid(s)),
  sliderValues: arg("slider", (v) => lib.sliderValues(v), typed([null, 5])),
  checkSliders: sliderRows((s) => lib.checkSliders("sliders", s)),
  closedForm: [
    ...sliderRows((s) => lib.closedForm(s, {} as Any)),
    row(
      "variable.to: 0 (not > from)",
      () =>
        lib.closedForm([slider], {
          variable: { name: "h", from: 1, to: 0 },
          curves: [{ name: "a", y: "datum.h" }],
        }),
      "variable.to",
      0,
      { expect: "RangeError", parts: ["`variable.to`", "> from (1)", "got 0"] },
    ),
  ],
  precomputed: [
    ...sliderRows((s) => lib.precomputed(s, () => ({ a: [1] }))),
    ...arg("run", (v) => lib.precomputed([slider], v), typed([null, 5])),
  ],
};

// The step of every optimizer, added to its factory's rows.
const STEPPED: Record<string, () => lib.Optimizer> = {
  gradientDescent: () => lib.gradientDescent({ lr: 0.1 }),
  notesMomentum: () => lib.notesMomentum({ lr: 0.1 }),
  notesWeightDecay: () => lib.notesWeightDecay({ lr: 0.1, lambda: 0.01 }),
  notesRmsprop: () => lib.notesRmsprop({ lr: 0.1 }),
  notesAdadelta: () => lib.notesAdadelta(),
  notesAdam: () => lib.notesAdam({ lr: 0.1 }),
  sgd: () => lib.sgd({ momentum: 0.9, weightDecay: 0.1 }),
  rmsprop: () => lib.rmsprop({ momentum: 0.5, centered: true }),
  adadelta: () => lib.adadelta(),
  adam: () => lib.adam({ amsgrad: true }),
  adamw: () => lib.adamw(),
  adagrad: () => lib.adagrad({ weightDecay: 0.1 }),
  chain: () => lib.chain("gd", lib.scaleByLearningRate(0.1)),
};
for (const [name, make] of Object.entries(STEPPED)) (TABLE[name] as Row[]).push(...stepRows(make));

/** Runs a row's call and returns what it threw, or `undefined` when it succeeded. */
async function outcome(call: () => unknown): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (e) {
    return e ?? new Error("threw a nullish value");
  }
}

// Internals that lib/mod.ts no longer exports (they are plumbing of the step
// path), checked the same way through their own modules.
const INTERNAL_TABLE: Record<string, Row[]> = {
  // types.ts
  checkLearningRate: arg("lr", (v) => internals.checkLearningRate("lr", v), V.lr),
  learningRateAt: arg("lr", (v) => internals.learningRateAt(() => v, 0), [
    NaN,
    Infinity,
    -1,
    "0.1",
    null,
  ])
    .map((r) => ({ ...r, parts: ["schedule `lr`", r.parts[1], "at step 0"] })),

  beginStep: arg("params", (v) => {
    const o = lib.chain("x", lib.scale(1));
    internals.beginStep(o.transforms, v, W(), o.init(W()));
  }, typed([null, [1, 2], new Float32Array(2)])),
  rejectEntry: [
    row(
      "names the entry",
      () => {
        const o = lib.chain("x", lib.scale(1));
        internals.rejectEntry(o.init(W()), W(), new Float64Array([1, NaN]), 1, 0);
      },
      "grads[1]",
      NaN,
    ),
  ],
};

Deno.test("every export of lib/mod.ts has rows in the bad-input table", async () => {
  const exports = Object.keys(await import("../lib/mod.ts")).sort();
  const missing = exports.filter((name) => !(name in TABLE));
  assert.deepEqual(
    missing,
    [],
    `exports without rows in tests/exports_test.ts TABLE: ${missing.join(", ")} ` +
      "(add `name: [...rows]`, or `name: CONSTANT` for a constant)",
  );
  const stale = Object.keys(TABLE).filter((name) => !exports.includes(name));
  assert.deepEqual(stale, [], `TABLE has rows for names lib/mod.ts no longer exports: ${stale}`);
  for (const [name, entry] of Object.entries(TABLE)) {
    const value = (lib as Record<string, unknown>)[name];
    if (entry === CONSTANT) {
      assert.notEqual(typeof value, "function", `${name} is a function: give it rows`);
    } else {
      assert.equal(typeof value, "function", `${name} is not a function: mark it CONSTANT`);
      assert.ok(entry.length > 0, `${name}: no rows`);
    }
  }
});

/** `EXPORTS_GAPS=1 deno test …` runs the known-gap rows too, to see which are fixed. */
const RUN_GAPS = Deno.env.get("EXPORTS_GAPS") === "1";

for (const [name, entry] of Object.entries({ ...TABLE, ...INTERNAL_TABLE })) {
  if (entry === CONSTANT) continue;
  Deno.test(`bad input: ${name}`, async (t) => {
    for (const r of entry) {
      await t.step({
        name: r.gap ? `${r.label} [known gap, ${r.gap}]` : r.label,
        ignore: r.gap !== undefined && !RUN_GAPS,
        fn: async () => {
          const thrown = await outcome(r.call);
          if (r.expect === "ok") {
            assert.equal(thrown, undefined, `${name}: ${r.label}: threw ${thrown}`);
            return;
          }
          assert.ok(thrown !== undefined, `${name}: ${r.label}: accepted, expected a ${r.expect}`);
          const e = thrown as Error;
          assert.ok(
            e instanceof Error && e.constructor.name === r.expect,
            `${name}: ${r.label}: expected a ${r.expect}, got ${e?.constructor?.name}: ${e?.message}`,
          );
          for (const part of r.parts) {
            assert.ok(
              e.message.includes(part),
              `${name}: ${r.label}: message "${e.message}" does not contain ${
                JSON.stringify(part)
              }`,
            );
          }
        },
      });
    }
  });
}
