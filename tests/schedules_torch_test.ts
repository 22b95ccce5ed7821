// PyTorch parity of the schedules: every case of tests/fixtures/torch_schedules.json
// (made by `tools/torch_fixtures.py schedules`) records the rate torch.optim.SGD
// used at each of its steps under one torch.optim.lr_scheduler, and the parameter
// after each step. The library's schedule must give, at step index t, the rate
// torch's optimizer used at its t-th step (0-based) — the index convention —
// and our `sgd` must retrace torch's parameters: to the bit when fed torch's own
// rates, within (t + 1)·1e-15 after t + 1 steps with our schedule.
//
// ReduceLROnPlateau is a controller (lib/plateau.ts): the same values observed
// after every epoch must give the same rates, per observation and per step.

import assert from "node:assert/strict";
import * as lib from "@better-gradients/lib";
import { type LearningRate, reduceLrOnPlateau, type Schedule, sgd } from "@better-gradients/lib";
import { closeWithin } from "./_helpers.ts";

/** |actual − expected| ≤ 1e-15·max(1, |expected|). */
const close = closeWithin(1e-15);

type Spec =
  | { fn: "constant"; lr: number }
  | { fn: "joinSchedules"; pieces: Spec[]; boundaries: number[] }
  | { fn: string; options: Record<string, unknown> };

interface ScheduleCase {
  name: string;
  spec: Spec;
  lrs: number[];
  params: number[];
}

interface PlateauCase {
  name: string;
  options: lib.ReduceLrOnPlateauOptions;
  values: number[];
  lrs: number[];
  stepLrs: number[];
  params: number[];
}

const fixture: {
  torch: string;
  stepsPerEpoch: number;
  schedules: ScheduleCase[];
  plateau: PlateauCase[];
} = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/torch_schedules.json", import.meta.url)),
);

function build(spec: Spec): Schedule {
  if (spec.fn === "constant") return lib.constant((spec as { lr: number }).lr);
  if (spec.fn === "joinSchedules") {
    const { pieces, boundaries } = spec as { pieces: Spec[]; boundaries: number[] };
    return lib.joinSchedules(pieces.map(build), boundaries);
  }
  const factory = (lib as unknown as Record<string, (o: unknown) => Schedule>)[spec.fn];
  assert.equal(typeof factory, "function", `no schedule ${spec.fn} in lib/mod.ts`);
  return factory((spec as { options: unknown }).options);
}

/** Runs our sgd on one parameter from 0 with gradient 1; returns the parameter after each step. */
function sgdPath(lr: LearningRate, steps: number, between?: (t: number) => void): number[] {
  const opt = sgd({ lr });
  const w = new Float64Array(1);
  const g = new Float64Array([1]);
  const state = opt.init(w);
  const path: number[] = [];
  for (let t = 0; t < steps; t++) {
    between?.(t);
    opt.step(w, g, state);
    path.push(w[0]);
  }
  return path;
}

Deno.test("torch schedules fixture covers every scheduler the issue names", () => {
  const names = fixture.schedules.map((c) => c.name.split("(")[0]);
  for (
    const torchName of [
      "StepLR",
      "MultiStepLR",
      "ExponentialLR",
      "CosineAnnealingLR",
      "LinearLR",
      "PolynomialLR",
      "OneCycleLR",
      "CosineAnnealingWarmRestarts",
      "SequentialLR",
    ]
  ) {
    assert.ok(names.includes(torchName), `no case for ${torchName}`);
  }
  assert.ok(fixture.schedules.some((c) => c.name.includes("three_phase=True")));
  assert.ok(fixture.schedules.some((c) => c.name.includes("'linear'")));
  assert.ok(fixture.schedules.some((c) => c.name.includes("past T_max")));
  assert.ok(fixture.plateau.length > 0);
  for (const c of fixture.plateau) {
    assert.equal(c.lrs.length, c.values.length);
    assert.equal(c.stepLrs.length, c.values.length * fixture.stepsPerEpoch);
  }
  // the plateau cases do reduce the rate, and with each option away from its default
  for (const c of fixture.plateau) {
    assert.ok(c.lrs.at(-1)! < c.options.lr, `${c.name}: no reduction`);
  }
  for (
    const key of ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr"]
  ) {
    assert.ok(fixture.plateau.some((c) => key in c.options), `no plateau case sets ${key}`);
  }
});

Deno.test(`schedules give the rate torch's optimizer uses at step t (torch ${fixture.torch})`, async (t) => {
  for (const c of fixture.schedules) {
    await t.step(c.name, () => {
      assert.equal(c.lrs.length, c.params.length);
      const s = build(c.spec);
      c.lrs.forEach((lr, i) => close(s(i), lr, 1e-15, `${c.name}: η at step ${i}`));
      // step t uses η_t: fed torch's own rates, our sgd retraces torch's parameters to the bit
      assert.deepEqual(sgdPath((i) => c.lrs[i], c.lrs.length), c.params);
      // and with our schedule, the parameter (a sum of t + 1 rates) within (t + 1)·1e-15
      sgdPath(s, c.lrs.length).forEach((w, i) =>
        close(w, c.params[i], (i + 1) * 1e-15, `${c.name}: parameter after step ${i}`)
      );
    });
  }
});

Deno.test(`reduceLrOnPlateau steps as torch's ReduceLROnPlateau (torch ${fixture.torch})`, async (t) => {
  const k = fixture.stepsPerEpoch;
  for (const c of fixture.plateau) {
    await t.step(`${c.name}: the rate after each observation`, () => {
      const plateau = reduceLrOnPlateau(c.options);
      c.values.forEach((v, e) => {
        // bit-equal: the controller does torch's arithmetic in torch's order
        assert.equal(plateau.observe(k * (e + 1), v), c.lrs[e], `${c.name}: epoch ${e}`);
        assert.equal(plateau.lr, c.lrs[e]);
      });
    });
    await t.step(`${c.name}: the rate of every step, observing after each epoch`, () => {
      const plateau = reduceLrOnPlateau(c.options);
      const used: number[] = [];
      const path = sgdPath(plateau.schedule, c.stepLrs.length, (step) => {
        // an epoch ends before step `step`: observe its value, as torch's loop calls step(v)
        if (step > 0 && step % k === 0) plateau.observe(step, c.values[step / k - 1]);
        used.push(plateau.schedule(step));
      });
      assert.deepEqual(used, c.stepLrs);
      assert.deepEqual(path, c.params);
    });
  }
});

Deno.test("reduceLrOnPlateau: the controller", async (t) => {
  await t.step("its schedule reads the history and changes nothing, however often called", () => {
    const p = reduceLrOnPlateau({ lr: 1, factor: 0.5, patience: 0 });
    p.observe(5, 1);
    p.observe(8, 2); // worse: reduction from step 8
    const before = [0, 7, 8, 100].map(p.schedule);
    const again = [100, 8, 7, 0].map(p.schedule).reverse();
    assert.deepEqual(before, [1, 1, 0.5, 0.5]);
    assert.deepEqual(again, before);
    assert.deepEqual(p.reductions, [{ step: 8, lr: 0.5 }]);
  });
  await t.step("reset() gives the starting state back", () => {
    const p = reduceLrOnPlateau({ lr: 1, factor: 0.5, patience: 0 });
    p.observe(1, 1);
    p.observe(2, 2);
    p.reset();
    assert.equal(p.lr, 1);
    assert.equal(p.best, Infinity);
    assert.equal(p.badEvaluations, 0);
    assert.deepEqual(p.reductions, []);
    assert.equal(p.schedule(50), 1);
    assert.equal(p.observe(0, 3), 1); // t may start again from 0
  });
  await t.step("a refused observation changes nothing", () => {
    const p = reduceLrOnPlateau({ lr: 1, factor: 0.5, patience: 0 });
    p.observe(4, 1);
    for (const [step, v] of [[3, 2], [5, NaN], [5, Infinity], [5.5, 2]] as const) {
      assert.throws(() => p.observe(step, v), RangeError);
    }
    assert.throws(() => p.observe(5, "1" as unknown as number), TypeError);
    assert.equal(p.best, 1);
    assert.equal(p.badEvaluations, 0);
    assert.equal(p.observe(5, 2), 0.5);
  });
  await t.step("two reductions at the same step: the later one holds from that step", () => {
    const p = reduceLrOnPlateau({ lr: 1, factor: 0.5, patience: 0 });
    p.observe(3, 1);
    p.observe(3, 2);
    p.observe(3, 2);
    assert.deepEqual(p.reductions, [{ step: 3, lr: 0.25 }]);
    assert.deepEqual([p.schedule(2), p.schedule(3)], [1, 0.25]);
  });
  await t.step("bad options", () => {
    assert.throws(
      () => reduceLrOnPlateau({ lr: 1, factor: 1 }),
      /`factor` must be a number in \(0, 1\), got 1/,
    );
    assert.throws(
      () => reduceLrOnPlateau({ lr: 1, mode: "mni" as "min" }),
      /`mode` must be "min" or "max", got "mni"/,
    );
    assert.throws(
      () => reduceLrOnPlateau({ lr: 1, patience: 1.5 }),
      /`patience` must be an integer >= 0, got 1.5/,
    );
    assert.throws(
      () => reduceLrOnPlateau({ lr: 1, thresholdMode: "ab" as "abs" }),
      /`thresholdMode`/,
    );
  });
});
