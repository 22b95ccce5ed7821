// Bad input: every factory, schedule and step must refuse it with a RangeError
// (a number outside its range) or a TypeError (a value of the wrong kind) whose
// message names the parameter, its valid range and the value received.

import assert from "node:assert/strict";
import {
  adadelta,
  adagrad,
  adam,
  adamw,
  addDecayedWeights,
  chain,
  constant,
  cosineDecay,
  ema,
  exponentialDecay,
  gradientDescent,
  inversePower,
  joinSchedules,
  linearWarmup,
  momentum,
  notesAdadelta,
  notesAdam,
  notesMomentum,
  notesRmsprop,
  notesWeightDecay,
  type Optimizer,
  type OptimizerState,
  rmsprop,
  scale,
  scaleByAdadelta,
  scaleByAdagrad,
  scaleByAdam,
  scaleByLearningRate,
  scaleByNormAdadelta,
  scaleByNormRms,
  scaleByRms,
  type Schedule,
  sgd,
  stepDecay,
} from "@better-gradients/lib";
// Internals, not exported from lib/mod.ts.
import { BLOCK_SIZE } from "../lib/transforms/chain.ts";
import { learningRateAt } from "../lib/types.ts";

/** Lets a test pass values the types forbid. */
// deno-lint-ignore no-explicit-any
const bad = (value: unknown): any => value;

/** How an error message shows a received value. */
function shown(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null || value === undefined || typeof value === "boolean") return String(value);
  if (typeof value === "object") return "an object";
  return typeof value;
}

/** `fn` throws an instance of `cls` whose message contains every one of `parts`. */
function rejects(fn: () => unknown, cls: ErrorConstructor, parts: string[], label = ""): void {
  let thrown: unknown = undefined;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown !== undefined, `${label}: did not throw`);
  assert.ok(
    thrown instanceof cls && thrown.constructor === cls,
    `${label}: expected ${cls.name}, got ${thrown}`,
  );
  for (const part of parts) {
    assert.ok(
      (thrown as Error).message.includes(part),
      `${label}: message "${(thrown as Error).message}" does not contain ${JSON.stringify(part)}`,
    );
  }
}

type Kind = "lr" | "positive" | "nonNegative" | "unit" | "closedUnit" | "bool" | "finite";

/** The range each kind of check names, and the values it must refuse. */
const KINDS: Record<Kind, { range: string; ranged: unknown[]; typed: unknown[] }> = {
  lr: {
    range: "> 0",
    ranged: [NaN, Infinity, -Infinity, 0, -0, -1],
    typed: ["0.1", true, [0.1], {}],
  },
  positive: {
    range: "> 0",
    ranged: [NaN, Infinity, -Infinity, 0, -0, -1e-8],
    typed: ["1", true, [1], {}],
  },
  nonNegative: {
    range: ">= 0",
    ranged: [NaN, Infinity, -Infinity, -1, -1e-300],
    typed: ["0", false, [0]],
  },
  unit: {
    range: "in [0, 1)",
    ranged: [NaN, Infinity, -Infinity, 1, -0.1, 1.5],
    typed: ["0.5", true, [0.5]],
  },
  closedUnit: {
    range: "in [0, 1]",
    ranged: [NaN, Infinity, -Infinity, -0.1, 1.0001],
    typed: ["0.5", true],
  },
  bool: { range: "true or false", ranged: [], typed: ["true", 1, 0, "false"] },
  finite: { range: "finite number", ranged: [NaN, Infinity, -Infinity], typed: ["2", true] },
};

interface Row {
  /** The parameter as the message must name it. */
  param: string;
  kind: Kind;
  /** Builds the thing under test with the parameter set to `v`. */
  make: (v: unknown) => unknown;
  /** A required parameter must also refuse `undefined` and `null`. */
  required?: boolean;
}

async function checkRows(t: Deno.TestContext, label: string, rows: Row[]): Promise<void> {
  for (const row of rows) {
    await t.step(`${label}: \`${row.param}\``, () => {
      const { range, ranged, typed } = KINDS[row.kind];
      const types = row.required ? [...typed, undefined] : typed;
      for (const v of ranged) {
        rejects(
          () => row.make(v),
          RangeError,
          [`\`${row.param}\``, range, `got ${shown(v)}`],
          `${label} ${row.param} = ${shown(v)}`,
        );
      }
      for (const v of types) {
        rejects(
          () => row.make(v),
          TypeError,
          [`\`${row.param}\``, range, `got ${shown(v)}`],
          `${label} ${row.param} = ${shown(v)}`,
        );
      }
      // null never means "the default": the options reader refuses it for every option
      rejects(
        () => row.make(null),
        TypeError,
        [`\`${row.param}\``, "got null"],
        `${label} ${row.param} = null`,
      );
    });
  }
}

/** A factory refuses options it does not know and options that are not an object. */
async function checkOptions(
  t: Deno.TestContext,
  name: string,
  make: (options: unknown) => unknown,
  valid: Record<string, unknown>,
): Promise<void> {
  await t.step(`${name}: unknown option keys`, () => {
    for (const key of ["learningRate", "weight_decay", "Lr", "foo"]) {
      rejects(
        () => make({ ...valid, [key]: 1 }),
        TypeError,
        [`\`${name}\``, `\`${key}\``, "known options"],
        `${name} ${key}`,
      );
    }
  });
  await t.step(`${name}: options that are not an object`, () => {
    for (const v of [5, "lr", true, null, [], new Date(0), () => valid]) {
      rejects(() => make(v), TypeError, [
        `\`${name}\``,
        "must be a plain object",
        `got ${v instanceof Date ? "a Date" : typeof v === "function" ? "a function" : shown(v)}`,
      ]);
    }
  });
}

Deno.test("transform factories refuse bad options", async (t) => {
  await checkRows(t, "scale", [{
    param: "factor",
    kind: "finite",
    make: (v) => scale(bad(v)),
    required: true,
  }]);
  await checkRows(t, "scaleByLearningRate", [{
    param: "lr",
    kind: "lr",
    make: (v) => scaleByLearningRate(bad(v)),
    required: true,
  }]);
  await checkRows(t, "addDecayedWeights", [{
    param: "weightDecay",
    kind: "nonNegative",
    make: (v) => addDecayedWeights(bad(v)),
    required: true,
  }]);

  await checkRows(t, "momentum", [
    { param: "decay", kind: "unit", make: (v) => momentum(bad({ decay: v })), required: true },
    {
      param: "dampening",
      kind: "closedUnit",
      make: (v) => momentum(bad({ decay: 0.5, dampening: v })),
    },
    { param: "nesterov", kind: "bool", make: (v) => momentum(bad({ decay: 0.5, nesterov: v })) },
  ]);
  await checkOptions(t, "momentum", momentum as (o: unknown) => unknown, { decay: 0.5 });
  await t.step("momentum: `start`", () => {
    for (const v of ["ones", "first ", 0]) {
      rejects(() => momentum(bad({ decay: 0.5, start: v })), TypeError, [
        "`start`",
        '"zeros" or "first"',
        `got ${shown(v)}`,
      ]);
    }
  });
  await t.step("momentum: nesterov without momentum or with dampening", () => {
    rejects(() => momentum({ decay: 0, nesterov: true }), RangeError, [
      "`nesterov`",
      "`decay` > 0",
      "decay 0",
    ]);
    rejects(() => momentum({ decay: 0.9, dampening: 0.1, nesterov: true }), RangeError, [
      "`nesterov`",
      "`dampening` = 0",
      "dampening 0.1",
    ]);
  });

  await checkRows(t, "ema", [
    { param: "decay", kind: "unit", make: (v) => ema(bad({ decay: v })), required: true },
    { param: "debias", kind: "bool", make: (v) => ema(bad({ decay: 0.5, debias: v })) },
  ]);
  await checkOptions(t, "ema", ema as (o: unknown) => unknown, { decay: 0.5 });

  const rms = { decay: 0.9, eps: 1e-8 };
  await checkRows(t, "scaleByRms", [
    {
      param: "decay",
      kind: "unit",
      make: (v) => scaleByRms(bad({ ...rms, decay: v })),
      required: true,
    },
    {
      param: "eps",
      kind: "positive",
      make: (v) => scaleByRms(bad({ ...rms, eps: v })),
      required: true,
    },
    { param: "epsInside", kind: "bool", make: (v) => scaleByRms(bad({ ...rms, epsInside: v })) },
    { param: "centered", kind: "bool", make: (v) => scaleByRms(bad({ ...rms, centered: v })) },
    { param: "debias", kind: "bool", make: (v) => scaleByRms(bad({ ...rms, debias: v })) },
    {
      param: "initialValue",
      kind: "nonNegative",
      make: (v) => scaleByRms(bad({ ...rms, initialValue: v })),
    },
  ]);
  await checkOptions(t, "scaleByRms", scaleByRms as (o: unknown) => unknown, rms);

  await checkRows(t, "scaleByNormRms", [
    {
      param: "decay",
      kind: "unit",
      make: (v) => scaleByNormRms(bad({ ...rms, decay: v })),
      required: true,
    },
    {
      param: "eps",
      kind: "positive",
      make: (v) => scaleByNormRms(bad({ ...rms, eps: v })),
      required: true,
    },
    { param: "debias", kind: "bool", make: (v) => scaleByNormRms(bad({ ...rms, debias: v })) },
  ]);
  await checkOptions(t, "scaleByNormRms", scaleByNormRms as (o: unknown) => unknown, rms);

  const ad = { rho: 0.9, eps: 1e-6 };
  await checkRows(t, "scaleByAdadelta", [
    {
      param: "rho",
      kind: "unit",
      make: (v) => scaleByAdadelta(bad({ ...ad, rho: v })),
      required: true,
    },
    {
      param: "eps",
      kind: "positive",
      make: (v) => scaleByAdadelta(bad({ ...ad, eps: v })),
      required: true,
    },
  ]);
  await checkOptions(t, "scaleByAdadelta", scaleByAdadelta as (o: unknown) => unknown, ad);

  const nad = { lr: 1, decay: 0.9, eps1: 1e-6, eps2: 1e-6 };
  await checkRows(t, "scaleByNormAdadelta", [
    {
      param: "lr",
      kind: "lr",
      make: (v) => scaleByNormAdadelta(bad({ ...nad, lr: v })),
      required: true,
    },
    {
      param: "decay",
      kind: "unit",
      make: (v) => scaleByNormAdadelta(bad({ ...nad, decay: v })),
      required: true,
    },
    {
      param: "eps1",
      kind: "positive",
      make: (v) => scaleByNormAdadelta(bad({ ...nad, eps1: v })),
      required: true,
    },
    {
      param: "eps2",
      kind: "positive",
      make: (v) => scaleByNormAdadelta(bad({ ...nad, eps2: v })),
      required: true,
    },
  ]);
  await checkOptions(t, "scaleByNormAdadelta", scaleByNormAdadelta as (o: unknown) => unknown, nad);

  const sa = { b1: 0.9, b2: 0.999, eps: 1e-8 };
  await checkRows(t, "scaleByAdam", [
    { param: "b1", kind: "unit", make: (v) => scaleByAdam(bad({ ...sa, b1: v })), required: true },
    { param: "b2", kind: "unit", make: (v) => scaleByAdam(bad({ ...sa, b2: v })), required: true },
    {
      param: "eps",
      kind: "positive",
      make: (v) => scaleByAdam(bad({ ...sa, eps: v })),
      required: true,
    },
    { param: "epsInside", kind: "bool", make: (v) => scaleByAdam(bad({ ...sa, epsInside: v })) },
    { param: "amsgrad", kind: "bool", make: (v) => scaleByAdam(bad({ ...sa, amsgrad: v })) },
  ]);
  await checkOptions(t, "scaleByAdam", scaleByAdam as (o: unknown) => unknown, sa);

  await checkRows(t, "scaleByAdagrad", [
    {
      param: "eps",
      kind: "positive",
      make: (v) => scaleByAdagrad(bad({ eps: v })),
      required: true,
    },
    {
      param: "initialAccumulatorValue",
      kind: "nonNegative",
      make: (v) => scaleByAdagrad(bad({ eps: 1e-10, initialAccumulatorValue: v })),
    },
  ]);
  await checkOptions(t, "scaleByAdagrad", scaleByAdagrad as (o: unknown) => unknown, {
    eps: 1e-10,
  });

  await t.step("chain: name and blocks", () => {
    for (const v of ["", 3, null]) {
      rejects(() => chain(bad(v)), TypeError, ["`name`", "non-empty string", `got ${shown(v)}`]);
    }
    for (const v of [{}, null, 3, { init: () => null }]) {
      rejects(() => chain("x", scale(1), bad(v)), TypeError, [
        "`transforms[1]`",
        "GradientTransformation",
        `got ${shown(v)}`,
      ]);
    }
  });
});

Deno.test("notes optimizers refuse bad options", async (t) => {
  await checkRows(t, "gradientDescent", [{
    param: "lr",
    kind: "lr",
    make: (v) => gradientDescent(bad({ lr: v })),
    required: true,
  }]);
  await checkOptions(t, "gradientDescent", gradientDescent as (o: unknown) => unknown, { lr: 0.1 });

  await checkRows(t, "notesMomentum", [
    { param: "lr", kind: "lr", make: (v) => notesMomentum(bad({ lr: v })), required: true },
    { param: "alpha", kind: "unit", make: (v) => notesMomentum(bad({ lr: 0.1, alpha: v })) },
  ]);
  await checkOptions(t, "notesMomentum", notesMomentum as (o: unknown) => unknown, { lr: 0.1 });

  await checkRows(t, "notesWeightDecay", [
    {
      param: "lr",
      kind: "lr",
      make: (v) => notesWeightDecay(bad({ lambda: 0.1, lr: v })),
      required: true,
    },
    {
      param: "lambda",
      kind: "nonNegative",
      make: (v) => notesWeightDecay(bad({ lr: 0.1, lambda: v })),
      required: true,
    },
  ]);
  await checkOptions(t, "notesWeightDecay", notesWeightDecay as (o: unknown) => unknown, {
    lr: 0.1,
    lambda: 0.1,
  });
  await t.step("notesWeightDecay: `form`", () => {
    for (const v of ["L2", "decoupled", 1]) {
      rejects(() => notesWeightDecay(bad({ lr: 0.1, lambda: 0.1, form: v })), TypeError, [
        "`form`",
        '"notes" or "l2"',
        `got ${JSON.stringify(v)}`,
      ]);
    }
  });

  await checkRows(t, "notesRmsprop", [
    { param: "lr", kind: "lr", make: (v) => notesRmsprop(bad({ lr: v })), required: true },
    { param: "alpha", kind: "unit", make: (v) => notesRmsprop(bad({ lr: 0.1, alpha: v })) },
    { param: "eps", kind: "positive", make: (v) => notesRmsprop(bad({ lr: 0.1, eps: v })) },
  ]);
  await checkOptions(t, "notesRmsprop", notesRmsprop as (o: unknown) => unknown, { lr: 0.1 });

  await checkRows(t, "notesAdadelta", [
    { param: "lr", kind: "lr", make: (v) => notesAdadelta(bad({ lr: v })) },
    { param: "alpha", kind: "unit", make: (v) => notesAdadelta(bad({ alpha: v })) },
    { param: "eps1", kind: "positive", make: (v) => notesAdadelta(bad({ eps1: v })) },
    { param: "eps2", kind: "positive", make: (v) => notesAdadelta(bad({ eps2: v })) },
  ]);
  await checkOptions(t, "notesAdadelta", notesAdadelta as (o: unknown) => unknown, {});

  await checkRows(t, "notesAdam", [
    { param: "lr", kind: "lr", make: (v) => notesAdam(bad({ lr: v })), required: true },
    { param: "alpha1", kind: "unit", make: (v) => notesAdam(bad({ lr: 0.1, alpha1: v })) },
    { param: "alpha2", kind: "unit", make: (v) => notesAdam(bad({ lr: 0.1, alpha2: v })) },
    { param: "eps", kind: "positive", make: (v) => notesAdam(bad({ lr: 0.1, eps: v })) },
  ]);
  await checkOptions(t, "notesAdam", notesAdam as (o: unknown) => unknown, { lr: 0.1 });
});

Deno.test("PyTorch-compatible optimizers refuse bad options", async (t) => {
  await checkRows(t, "sgd", [
    { param: "lr", kind: "lr", make: (v) => sgd(bad({ lr: v })) },
    { param: "momentum", kind: "unit", make: (v) => sgd(bad({ momentum: v })) },
    {
      param: "dampening",
      kind: "closedUnit",
      make: (v) => sgd(bad({ momentum: 0.9, dampening: v })),
    },
    { param: "weightDecay", kind: "nonNegative", make: (v) => sgd(bad({ weightDecay: v })) },
    { param: "nesterov", kind: "bool", make: (v) => sgd(bad({ momentum: 0.9, nesterov: v })) },
    { param: "fused", kind: "bool", make: (v) => sgd(bad({ fused: v })) },
  ]);
  await checkOptions(t, "sgd", sgd as (o: unknown) => unknown, {});
  await t.step("sgd: nesterov without momentum, or with dampening", () => {
    rejects(() => sgd({ nesterov: true }), RangeError, [
      "`nesterov`",
      "`momentum` > 0",
      "momentum 0",
    ]);
    rejects(() => sgd({ nesterov: true, momentum: 0 }), RangeError, [
      "`nesterov`",
      "`momentum` > 0",
      "momentum 0",
    ]);
    rejects(() => sgd({ nesterov: true, momentum: 0.9, dampening: 0.5 }), RangeError, [
      "`nesterov`",
      "`dampening` = 0",
      "dampening 0.5",
    ]);
  });

  await checkRows(t, "rmsprop", [
    { param: "lr", kind: "lr", make: (v) => rmsprop(bad({ lr: v })) },
    { param: "alpha", kind: "unit", make: (v) => rmsprop(bad({ alpha: v })) },
    { param: "eps", kind: "positive", make: (v) => rmsprop(bad({ eps: v })) },
    { param: "weightDecay", kind: "nonNegative", make: (v) => rmsprop(bad({ weightDecay: v })) },
    { param: "momentum", kind: "unit", make: (v) => rmsprop(bad({ momentum: v })) },
    { param: "centered", kind: "bool", make: (v) => rmsprop(bad({ centered: v })) },
    { param: "fused", kind: "bool", make: (v) => rmsprop(bad({ fused: v })) },
  ]);
  await checkOptions(t, "rmsprop", rmsprop as (o: unknown) => unknown, {});

  await checkRows(t, "adadelta", [
    { param: "lr", kind: "lr", make: (v) => adadelta(bad({ lr: v })) },
    { param: "rho", kind: "unit", make: (v) => adadelta(bad({ rho: v })) },
    { param: "eps", kind: "positive", make: (v) => adadelta(bad({ eps: v })) },
    { param: "weightDecay", kind: "nonNegative", make: (v) => adadelta(bad({ weightDecay: v })) },
  ]);
  await checkOptions(t, "adadelta", adadelta as (o: unknown) => unknown, {});

  for (const [name, factory] of [["adam", adam], ["adamw", adamw]] as const) {
    await checkRows(t, name, [
      { param: "lr", kind: "lr", make: (v) => factory(bad({ lr: v })) },
      { param: "betas[0]", kind: "unit", make: (v) => factory(bad({ betas: [v, 0.999] })) },
      { param: "betas[1]", kind: "unit", make: (v) => factory(bad({ betas: [0.9, v] })) },
      { param: "eps", kind: "positive", make: (v) => factory(bad({ eps: v })) },
      { param: "weightDecay", kind: "nonNegative", make: (v) => factory(bad({ weightDecay: v })) },
      { param: "amsgrad", kind: "bool", make: (v) => factory(bad({ amsgrad: v })) },
      { param: "fused", kind: "bool", make: (v) => factory(bad({ fused: v })) },
    ]);
    await checkOptions(t, name, factory as (o: unknown) => unknown, {});
    await t.step(`${name}: \`betas\` must be a pair`, () => {
      for (const v of [[0.9], [0.9, 0.999, 0.5], "0.9,0.999", 0.9, {}]) {
        rejects(() => factory(bad({ betas: v })), TypeError, [
          "`betas`",
          "pair",
          `got ${shown(v)}`,
        ]);
      }
    });
  }

  await checkRows(t, "adagrad", [
    { param: "lr", kind: "lr", make: (v) => adagrad(bad({ lr: v })) },
    { param: "lrDecay", kind: "nonNegative", make: (v) => adagrad(bad({ lrDecay: v })) },
    { param: "weightDecay", kind: "nonNegative", make: (v) => adagrad(bad({ weightDecay: v })) },
    {
      param: "initialAccumulatorValue",
      kind: "nonNegative",
      make: (v) => adagrad(bad({ initialAccumulatorValue: v })),
    },
    { param: "eps", kind: "positive", make: (v) => adagrad(bad({ eps: v })) },
  ]);
  await checkOptions(t, "adagrad", adagrad as (o: unknown) => unknown, {});
});

Deno.test("schedule factories refuse bad options", async (t) => {
  await checkRows(t, "constant", [{
    param: "lr",
    kind: "positive",
    make: (v) => constant(bad(v)),
    required: true,
  }]);

  const sd = { lr: 1, gamma: 0.5, stepSize: 10 };
  await checkRows(t, "stepDecay", [
    {
      param: "lr",
      kind: "positive",
      make: (v) => stepDecay(bad({ ...sd, lr: v })),
      required: true,
    },
    {
      param: "gamma",
      kind: "positive",
      make: (v) => stepDecay(bad({ ...sd, gamma: v })),
      required: true,
    },
  ]);
  await checkOptions(t, "stepDecay", stepDecay as (o: unknown) => unknown, sd);
  await t.step("stepDecay: gamma > 1, stepSize not an integer >= 1", () => {
    rejects(() => stepDecay({ ...sd, gamma: 1.5 }), RangeError, ["`gamma`", "(0, 1]", "got 1.5"]);
    for (const v of [0, -1, 2.5, NaN, Infinity]) {
      rejects(() => stepDecay({ ...sd, stepSize: v }), RangeError, [
        "`stepSize`",
        "integer >= 1",
        `got ${shown(v)}`,
      ]);
    }
    for (const v of ["10", undefined]) {
      rejects(() => stepDecay(bad({ ...sd, stepSize: v })), TypeError, [
        "`stepSize`",
        "integer >= 1",
        `got ${shown(v)}`,
      ]);
    }
  });

  await checkRows(t, "inversePower", [
    {
      param: "lr",
      kind: "positive",
      make: (v) => inversePower(bad({ alpha: 1, lr: v })),
      required: true,
    },
    {
      param: "alpha",
      kind: "positive",
      make: (v) => inversePower(bad({ lr: 1, alpha: v })),
      required: true,
    },
  ]);
  await checkOptions(t, "inversePower", inversePower as (o: unknown) => unknown, {
    lr: 1,
    alpha: 1,
  });

  await checkRows(t, "exponentialDecay", [
    {
      param: "lr",
      kind: "positive",
      make: (v) => exponentialDecay(bad({ gamma: 0.9, lr: v })),
      required: true,
    },
    {
      param: "gamma",
      kind: "positive",
      make: (v) => exponentialDecay(bad({ lr: 1, gamma: v })),
      required: true,
    },
  ]);
  await checkOptions(t, "exponentialDecay", exponentialDecay as (o: unknown) => unknown, {
    lr: 1,
    gamma: 0.9,
  });
  await t.step("exponentialDecay: gamma > 1", () => {
    rejects(() => exponentialDecay({ lr: 1, gamma: 1.01 }), RangeError, [
      "`gamma`",
      "(0, 1]",
      "got 1.01",
    ]);
  });

  const cd = { lr: 1, steps: 10 };
  await checkRows(t, "cosineDecay", [
    {
      param: "lr",
      kind: "positive",
      make: (v) => cosineDecay(bad({ ...cd, lr: v })),
      required: true,
    },
    { param: "minLr", kind: "nonNegative", make: (v) => cosineDecay(bad({ ...cd, minLr: v })) },
  ]);
  await checkOptions(t, "cosineDecay", cosineDecay as (o: unknown) => unknown, cd);
  await t.step("cosineDecay: steps not an integer >= 1, minLr above lr", () => {
    for (const v of [0, 2.5, NaN, -3]) {
      rejects(() => cosineDecay({ ...cd, steps: v }), RangeError, [
        "`steps`",
        "integer >= 1",
        `got ${shown(v)}`,
      ]);
    }
    rejects(() => cosineDecay({ ...cd, minLr: 2 }), RangeError, ["`minLr`", "[0, 1]", "got 2"]);
  });

  const lw = { lr: 1, steps: 5 };
  await checkRows(t, "linearWarmup", [
    {
      param: "lr",
      kind: "positive",
      make: (v) => linearWarmup(bad({ ...lw, lr: v })),
      required: true,
    },
    {
      param: "startFactor",
      kind: "nonNegative",
      make: (v) => linearWarmup(bad({ ...lw, startFactor: v })),
    },
  ]);
  await checkOptions(t, "linearWarmup", linearWarmup as (o: unknown) => unknown, lw);
  await t.step("linearWarmup: steps not an integer >= 1, startFactor above 1", () => {
    for (const v of [0, 1.5, Infinity]) {
      rejects(() => linearWarmup({ ...lw, steps: v }), RangeError, [
        "`steps`",
        "integer >= 1",
        `got ${shown(v)}`,
      ]);
    }
    rejects(() => linearWarmup({ ...lw, startFactor: 1.5 }), RangeError, [
      "`startFactor`",
      "[0, 1]",
      "got 1.5",
    ]);
  });

  await t.step("joinSchedules: schedules and boundaries", () => {
    const a = constant(1), b = constant(0.5);
    for (const v of [[], "x", null]) {
      rejects(() => joinSchedules(bad(v), []), TypeError, [
        "`schedules`",
        "non-empty array",
        `got ${shown(v)}`,
      ]);
    }
    rejects(() => joinSchedules(bad([a, 0.5]), [3]), TypeError, [
      "`schedules[1]`",
      "schedule",
      "got 0.5",
    ]);
    rejects(() => joinSchedules([a, b], []), RangeError, [
      "`boundaries`",
      "length 1",
      "got an array of length 0",
    ]);
    rejects(() => joinSchedules([a, b], bad(3)), RangeError, ["`boundaries`", "length 1", "got 3"]);
    rejects(() => joinSchedules([a, b, a], [5, 5]), RangeError, [
      "`boundaries[1]`",
      "integer >= 6",
      "got 5",
    ]);
    rejects(() => joinSchedules([a, b], [0]), RangeError, [
      "`boundaries[0]`",
      "integer >= 1",
      "got 0",
    ]);
    rejects(() => joinSchedules([a, b], [2.5]), RangeError, [
      "`boundaries[0]`",
      "integer >= 1",
      "got 2.5",
    ]);
  });
});

const SCHEDULES: [string, Schedule][] = [
  ["constant", constant(0.1)],
  ["stepDecay", stepDecay({ lr: 1, gamma: 0.5, stepSize: 3 })],
  ["inversePower", inversePower({ lr: 1, alpha: 0.5 })],
  ["exponentialDecay", exponentialDecay({ lr: 1, gamma: 0.9 })],
  ["cosineDecay", cosineDecay({ lr: 1, steps: 10 })],
  ["linearWarmup", linearWarmup({ lr: 1, steps: 10 })],
  ["joinSchedules", joinSchedules([linearWarmup({ lr: 1, steps: 3 }), constant(1)], [3])],
];

Deno.test("schedules refuse a step index that is not an integer >= 0", async (t) => {
  for (const [name, s] of SCHEDULES) {
    await t.step(name, () => {
      for (const v of [-1, -0.5, 1.5, NaN, Infinity, -Infinity]) {
        rejects(
          () => s(v),
          RangeError,
          ["`t`", "integer >= 0", `got ${shown(v)}`],
          `${name}(${v})`,
        );
      }
      for (const v of ["3", null, undefined, [1]]) {
        rejects(
          () => s(bad(v)),
          TypeError,
          ["`t`", "integer >= 0", `got ${shown(v)}`],
          `${name}(${shown(v)})`,
        );
      }
      assert.equal(typeof s(0), "number");
    });
  }
});

/** Every optimizer, with options that give each of them more than one block. */
const OPTIMIZERS: [string, () => Optimizer][] = [
  ["gradientDescent", () => gradientDescent({ lr: 0.1 })],
  ["notesMomentum", () => notesMomentum({ lr: 0.1 })],
  ["notesWeightDecay", () => notesWeightDecay({ lr: 0.1, lambda: 0.01 })],
  ["notesRmsprop", () => notesRmsprop({ lr: 0.1 })],
  ["notesAdadelta", () => notesAdadelta()],
  ["notesAdam", () => notesAdam({ lr: 0.1 })],
  ["sgd", () => sgd({ lr: 0.1, momentum: 0.9, weightDecay: 0.01 })],
  ["sgd (chain)", () => sgd({ lr: 0.1, momentum: 0.9, weightDecay: 0.01, fused: false })],
  ["rmsprop", () => rmsprop({ momentum: 0.5, centered: true, weightDecay: 0.01 })],
  ["rmsprop (chain)", () => rmsprop({ momentum: 0.5, centered: true, fused: false })],
  ["adadelta", () => adadelta({ weightDecay: 0.01 })],
  ["adam", () => adam({ amsgrad: true, weightDecay: 0.01 })],
  ["adam (chain)", () => adam({ amsgrad: true, fused: false })],
  ["adamw", () => adamw()],
  ["adamw (chain)", () => adamw({ fused: false })],
  ["adagrad", () => adagrad({ lrDecay: 0.1, weightDecay: 0.01 })],
];

Deno.test("init refuses params that are not a non-empty finite Float64Array", async (t) => {
  for (const [name, make] of OPTIMIZERS) {
    await t.step(name, () => {
      const opt = make();
      rejects(() => opt.init(bad([1, 2])), TypeError, [
        "`params`",
        "Float64Array",
        "got an array of length 2",
      ]);
      rejects(() => opt.init(bad(new Float32Array(2))), TypeError, [
        "`params`",
        "Float64Array",
        "got a Float32Array",
      ]);
      rejects(() => opt.init(bad(undefined)), TypeError, [
        "`params`",
        "Float64Array",
        "got undefined",
      ]);
      rejects(() => opt.init(new Float64Array(0)), RangeError, [
        "`params`",
        "length >= 1",
        "got length 0",
      ]);
      rejects(() => opt.init(new Float64Array([1, NaN])), RangeError, [
        "`params[1]`",
        "finite number",
        "got NaN",
      ]);
      rejects(() => opt.init(new Float64Array([-Infinity])), RangeError, [
        "`params[0]`",
        "finite number",
        "got -Infinity",
      ]);
    });
  }
});

Deno.test("step refuses arguments of the wrong kind or length", async (t) => {
  for (const [name, make] of OPTIMIZERS) {
    await t.step(name, () => {
      const opt = make();
      const w = new Float64Array([1, -2, 3]);
      const state = opt.init(w);
      const g = new Float64Array([0.1, 0.2, 0.3]);
      rejects(() => opt.step(bad([1, -2, 3]), g, state), TypeError, [
        "`params`",
        "Float64Array",
        "got an array of length 3",
      ]);
      rejects(() => opt.step(w, bad(new Float32Array(3)), state), TypeError, [
        "`grads`",
        "Float64Array",
        "got a Float32Array",
      ]);
      rejects(() => opt.step(w, bad(null), state), TypeError, [
        "`grads`",
        "Float64Array",
        "got null",
      ]);
      rejects(() => opt.step(w, new Float64Array(2), state), RangeError, [
        "`grads`",
        "same length as `params` (3)",
        "got length 2",
      ]);
      rejects(() => opt.step(w, new Float64Array(4), state), RangeError, [
        "`grads`",
        "same length as `params` (3)",
        "got length 4",
      ]);
      const w4 = new Float64Array(4);
      rejects(() => opt.step(w4, new Float64Array(4), state), RangeError, [
        "`state`",
        "3 parameters",
        "4 parameters",
      ]);
      for (const s of [null, undefined, {}, { count: 0 }]) {
        rejects(() => opt.step(w, g, bad(s)), TypeError, ["`state`", "init()", `got ${shown(s)}`]);
      }
      assert.deepEqual([...w], [1, -2, 3], "params untouched by refused steps");
      assert.equal(state.count, 0);
      opt.step(w, g, state);
      assert.equal(state.count, 1, "the state still works");
    });
  }
});

Deno.test("step refuses a state made by another optimizer", async (t) => {
  const w = new Float64Array([1, -2, 3]);
  const g = new Float64Array([0.1, 0.2, 0.3]);
  for (const [name, make] of OPTIMIZERS) {
    await t.step(name, () => {
      const opt = make();
      for (const [other, makeOther] of OPTIMIZERS) {
        if (other === name) continue;
        const foreign = makeOther().init(w);
        const before = structuredClone(foreign);
        const p = w.slice();
        rejects(
          () => opt.step(p, g, foreign),
          TypeError,
          ["`state`", opt.name, "init()"],
          `${name} with ${other}'s state`,
        );
        assert.deepEqual(foreign, before, `${other}'s state left as it was`);
        assert.deepEqual([...p], [...w]);
      }
      // the same configuration built again is another optimizer too
      rejects(() => make().step(w.slice(), g, opt.init(w)), TypeError, ["`state`", "init()"]);
    });
  }
  await t.step("the fused and the chain step of one optimizer share their state", () => {
    // fuse() keeps the chain's init: a state from the one serves the other
    const opt = sgd({ lr: 0.1, momentum: 0.9 });
    const state = opt.init(w);
    opt.step(w.slice(), g, state);
    assert.equal(state.count, 1);
  });
});

Deno.test("step refuses a tampered state before it touches anything", async (t) => {
  let buffers = 0;
  for (const [name, make] of OPTIMIZERS) {
    await t.step(name, () => {
      const opt = make();
      const w = new Float64Array([1, -2, 3]);
      const g = new Float64Array([0.1, 0.2, 0.3]);
      const state = opt.init(w);
      opt.step(w, g, state);
      const wBefore = w.slice();
      const stateBefore = structuredClone(state);
      for (const count of [NaN, -1, 1.5, Infinity]) {
        state.count = count;
        rejects(() => opt.step(w, g, state), RangeError, [
          "`state.count`",
          "integer >= 0",
          `got ${shown(count)}`,
        ], `${name}: count ${count}`);
        assert.deepEqual(w, wBefore, `${name}: params changed with count ${count}`);
      }
      state.count = 1;
      assert.deepEqual(state, stateBefore, `${name}: a refused count changed the state`);
      // A block that writes fields of its state does so in prepare: freezing its state is refused.
      const j = opt.transforms.findIndex((tr, k) =>
        typeof tr.prepare === "function" && state.inner[k] !== null &&
        typeof state.inner[k] === "object"
      );
      assert.ok(j >= 0, `${name}: no block with a prepared state`);
      {
        const saved = state.inner[j];
        state.inner[j] = Object.freeze({ ...(saved as object) });
        rejects(() => opt.step(w, g, state), TypeError, [
          `\`state.inner[${j}]\``,
          opt.transforms[j].name,
          "frozen",
        ], `${name}: frozen block state`);
        assert.deepEqual(w, wBefore, `${name}: params changed with a frozen block state`);
        state.inner[j] = saved;
      }
      {
        // The chain walks its scratch block by block: a replaced one is refused (by either step).
        const scratch = state.scratch;
        for (const v of [new Float64Array(0), new Float64Array(2), null]) {
          (state as { scratch: unknown }).scratch = v;
          rejects(() => opt.step(w, g, state), TypeError, [
            "`state.scratch`",
            "init()",
            `got ${v === null ? "null" : `a Float64Array of length ${v.length}`}`,
          ], name);
        }
        (state as { scratch: unknown }).scratch = scratch;
        assert.deepEqual(w, wBefore, `${name}: params changed with a replaced scratch`);
      }
      // Every buffer init() made (one entry per parameter) must still be one: a shorter array,
      // a plain array or none is refused before anything is touched.
      state.inner.forEach((inner, k) => {
        if (inner === null || typeof inner !== "object") return;
        const fields = inner as Record<string, unknown>;
        for (const key of Object.keys(fields)) {
          const buffer = fields[key];
          if (!(buffer instanceof Float64Array) || buffer.length !== w.length) continue;
          buffers++;
          const replacements: [unknown, string][] = [
            [new Float64Array(2), "a Float64Array of length 2"],
            [[1, 2, 3], "an array of length 3"],
            [null, "null"],
          ];
          for (const [v, got] of replacements) {
            fields[key] = v;
            rejects(() => opt.step(w, g, state), TypeError, [
              `\`state.inner[${k}].${key}\``,
              opt.transforms[k].name,
              "Float64Array of length 3",
              `got ${got}`,
            ], `${name}: replaced ${key}`);
          }
          fields[key] = buffer;
          assert.deepEqual(w, wBefore, `${name}: params changed with a replaced ${key}`);
          assert.deepEqual(state, stateBefore, `${name}: a refused buffer changed the state`);
        }
      });
      Object.freeze(state);
      rejects(() => opt.step(w, g, state), TypeError, ["`state`", "writable", "frozen"], name);
      assert.deepEqual(w, wBefore, `${name}: params changed with a frozen state`);
      assert.deepEqual(state, stateBefore, `${name}: a frozen state changed`);
      // A working copy of the same state still steps.
      const copy = { ...structuredClone(state) };
      opt.step(w, g, copy);
      assert.equal(copy.count, 2);
    });
  }
  assert.ok(buffers >= OPTIMIZERS.length, `only ${buffers} buffers were tampered with`);
});

Deno.test("learningRateAt refuses a bad rate or step index", () => {
  for (const lr of [NaN, -1, 0, Infinity]) {
    rejects(() => learningRateAt(lr, 0), RangeError, ["`lr`", "> 0", `got ${shown(lr)}`]);
  }
  for (const lr of ["0.1", null, undefined]) {
    rejects(() => learningRateAt(bad(lr), 0), TypeError, ["`lr`", `got ${shown(lr)}`]);
  }
  for (const t of [NaN, -1, 0.5, Infinity]) {
    rejects(() => learningRateAt(0.1, t), RangeError, ["`t`", "integer >= 0", `got ${shown(t)}`]);
    rejects(() => learningRateAt(() => 0.1, t), RangeError, ["`t`", "integer >= 0"]);
  }
  rejects(() => learningRateAt(0.1, bad("1")), TypeError, ["`t`", 'got "1"']);
  assert.equal(learningRateAt(0.1, 3), 0.1);
  assert.equal(learningRateAt((t) => 1 / (t + 1), 3), 0.25);
});

/** How a step of each optimizer in OPTIMIZERS walks the coordinates. */
const WALK: Record<string, "fused" | "blocks" | "whole"> = {
  gradientDescent: "blocks",
  notesMomentum: "blocks",
  notesWeightDecay: "blocks",
  notesRmsprop: "whole",
  notesAdadelta: "whole",
  notesAdam: "blocks",
  sgd: "fused",
  "sgd (chain)": "blocks",
  rmsprop: "fused",
  "rmsprop (chain)": "blocks",
  adadelta: "blocks",
  adam: "fused",
  "adam (chain)": "blocks",
  adamw: "fused",
  "adamw (chain)": "blocks",
  adagrad: "blocks",
};

/** Copies of every per-coordinate buffer (a Float64Array of length n) in a state, by path. */
function buffers(state: OptimizerState, n: number): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  state.inner.forEach((s, j) => {
    if (s === null || typeof s !== "object") return;
    for (const [key, value] of Object.entries(s)) {
      if (value instanceof Float64Array && value.length === n) {
        out.set(`${j}.${key}`, value.slice());
      }
    }
  });
  return out;
}

/** The scalars of a state's blocks that a step accumulates (not those `prepare` recomputes). */
function sums(state: OptimizerState): number[] {
  return state.inner.flatMap((s) =>
    s !== null && typeof s === "object" && "nu" in s && typeof s.nu === "number"
      ? [s.nu, (s as { delta?: number }).delta ?? 0]
      : []
  );
}

Deno.test("a non-finite gradient or parameter stops the step and says exactly what it updated", async (t) => {
  const n = BLOCK_SIZE * 2 + 9; // several chain blocks and a ragged last one
  const good = () => new Float64Array(n).map((_, i) => Math.sin(i) + 0.1);
  const start = () => new Float64Array(n).map((_, i) => Math.cos(i));
  for (const [name, make] of OPTIMIZERS) {
    await t.step(name, () => {
      assert.ok(name in WALK, `${name}: say how its step walks the coordinates`);
      for (const which of ["grads", "params"] as const) {
        for (const badValue of [NaN, Infinity, -Infinity]) {
          for (const at of [0, 1, BLOCK_SIZE - 1, BLOCK_SIZE, BLOCK_SIZE + 500, n - 1]) {
            const label = `${name}: ${which}[${at}] = ${badValue}`;
            const updated = WALK[name] === "fused"
              ? at
              : WALK[name] === "blocks"
              ? at - (at % BLOCK_SIZE)
              : 0;
            const opt = make();
            // The same run without the bad entry, on a twin state.
            const w = start(), twin = start();
            const state = opt.init(w), twinState = opt.init(twin);
            const g = good();
            opt.step(w, g, state); // a good step first: the state is not fresh
            opt.step(twin, g, twinState);
            const before = buffers(state, n);
            const sumsBefore = sums(state);
            const wGood = w.slice();
            const wIn = w.slice();
            const gIn = g.slice();
            if (which === "grads") gIn[at] = badValue;
            else wIn[at] = badValue;
            w.set(wIn);
            opt.step(twin, g, twinState);
            const parts = [
              `\`${which}[${at}]\``,
              "finite number",
              `got ${shown(badValue)}`,
              "step 1",
            ];
            if (updated === 0) parts.push("nothing was updated");
            else {
              parts.push(
                updated === 1 ? "coordinate 0 of params" : `coordinates 0 to ${updated - 1}`,
              );
              parts.push(
                updated === n - 1
                  ? `coordinate ${n - 1} had not`
                  : `coordinates ${updated} to ${n - 1} had not`,
                "init()",
              );
            }
            rejects(() => opt.step(w, gIn, state), RangeError, parts, label);
            // Coordinates before `updated` took the full step, the others did not move.
            const after = buffers(state, n);
            const twinBuffers = buffers(twinState, n);
            for (let i = 0; i < n; i++) {
              const expected = i < updated ? twin[i] : wIn[i];
              if (!Object.is(w[i], expected)) {
                assert.fail(
                  `${label}: w[${i}] is ${w[i]}, expected ${expected} (updated ${updated})`,
                );
              }
              for (const [key, buf] of after) {
                const want = i < updated ? twinBuffers.get(key)![i] : before.get(key)![i];
                if (!Object.is(buf[i], want)) {
                  assert.fail(`${label}: buffer ${key}[${i}] is ${buf[i]}, expected ${want}`);
                }
              }
            }
            assert.equal(state.count, 1, `${label}: count`);
            if (updated === 0) {
              // Nothing changed, so the state can still be used, as if the refused step never was.
              assert.equal(state.failed, undefined, `${label}: state marked failed`);
              assert.deepEqual(sums(state), sumsBefore, `${label}: accumulated scalars changed`);
              w.set(wGood);
              opt.step(w, g, state);
              assert.deepEqual(w, twin, `${label}: the next good step differs from the twin's`);
              assert.deepEqual(
                buffers(state, n),
                twinBuffers,
                `${label}: buffers differ from the twin's`,
              );
              assert.deepEqual(
                sums(state),
                sums(twinState),
                `${label}: sums differ from the twin's`,
              );
              continue;
            }
            assert.match(state.failed ?? "", new RegExp(`${which}\\[${at}\\]`), label);
            rejects(
              () => opt.step(w, g, state),
              RangeError,
              ["`state` can no longer be used", `${which}[${at}]`, "init()"],
              `${label}: step after a failed step`,
            );
          }
        }
      }
    });
  }
});

Deno.test("a schedule must return a finite number >= 0", async (t) => {
  const outputs: [unknown, ErrorConstructor][] = [
    [NaN, RangeError],
    [-0.1, RangeError],
    [Infinity, RangeError],
    [-Infinity, RangeError],
    ["0.1", TypeError],
    [undefined, TypeError],
  ];
  for (const [value, cls] of outputs) {
    await t.step(`returning ${shown(value)} at step 0 is refused by the factory or init`, () => {
      const make = (lr: Schedule) => [
        gradientDescent({ lr }),
        notesMomentum({ lr }),
        notesAdam({ lr }),
        sgd({ lr, momentum: 0.5 }),
        adam({ lr }),
        adagrad({ lr, lrDecay: 0.5 }),
        notesAdadelta({ lr }),
      ];
      for (const opt of make(() => bad(value))) {
        rejects(() => opt.init(new Float64Array(2)), cls, [
          "schedule `lr`",
          "finite number >= 0",
          `got ${shown(value)}`,
          "at step 0",
        ], opt.name);
      }
    });
    await t.step(`returning ${shown(value)} at step 2 stops that step, changing nothing`, () => {
      const lr = (t: number) => (t === 2 ? bad(value) : 0.1);
      const list = [
        gradientDescent({ lr }),
        notesMomentum({ lr }),
        notesAdam({ lr }),
        notesRmsprop({ lr }),
        notesAdadelta({ lr }),
        sgd({ lr, momentum: 0.5 }),
        sgd({ lr, momentum: 0.5, fused: false }),
        rmsprop({ lr, centered: true }),
        adadelta({ lr }),
        adam({ lr }),
        adamw({ lr, fused: false }),
        adagrad({ lr, lrDecay: 0.5 }),
      ];
      for (const opt of list) {
        const w = new Float64Array([1, 2]);
        const state = opt.init(w);
        const g = new Float64Array([0.5, -0.5]);
        opt.step(w, g, state);
        opt.step(w, g, state);
        const before = w.slice();
        rejects(() => opt.step(w, g, state), cls, [
          "schedule `lr`",
          "finite number >= 0",
          `got ${shown(value)}`,
          "at step 2",
        ], opt.name);
        assert.deepEqual(w, before, `${opt.name}: params changed`);
        assert.equal(state.count, 2, `${opt.name}: count advanced`);
      }
    });
  }
  await t.step("a schedule returning 0 is allowed (a zero step)", () => {
    const opt = sgd({ lr: () => 0, momentum: 0.9 });
    const w = new Float64Array([1]);
    opt.step(w, new Float64Array([5]), opt.init(w));
    assert.equal(w[0], 1);
  });
});
