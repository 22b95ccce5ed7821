// The training loop: its record against hand-written loops (full batch and
// minibatches), each way of stopping at the right step, reproducibility, and bad input.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  adam,
  chain,
  currentLearningRate,
  d2lQuadratic,
  gradientDescent,
  type GradientTransformation,
  inversePower,
  linearRegression,
  maxStableLearningRate,
  minibatches,
  notesMomentum,
  type Optimizer,
  paramsAt,
  paramTrace,
  type Problem,
  quadraticForm,
  rosenbrock,
  scale,
  scaleByLearningRate,
  train,
  type TrainingRun,
} from "@better-gradients/lib";

/** A 1-D problem from a loss and its derivative, for edge cases. */
function oneD(loss: (x: number) => number, grad: (x: number) => number, start = 1): Problem {
  return {
    name: "test 1-D",
    formula: "",
    dim: 1,
    loss: (w) => loss(w[0]),
    grad: (w, out) => {
      out[0] = grad(w[0]);
      return out;
    },
    startPoint: () => Float64Array.of(start),
  };
}

/** |a − b| ≤ 1e-14·|b|: norms summed in another order differ in the last bits. */
function close(actual: number, expected: number, label = ""): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-14 * Math.abs(expected),
    `${label} expected ${expected}, got ${actual}`,
  );
}

/** Everything but the wall time. */
function withoutTime(run: TrainingRun) {
  const { time: _time, ...rest } = run;
  return rest;
}

Deno.test("train: the record", async (t) => {
  await t.step("matches a hand-written loop step for step", () => {
    const f = rosenbrock();
    const opt = adam({ lr: 0.01 });
    const run = train(f, opt, { maxSteps: 50 });
    const w = f.startPoint();
    const state = opt.init(w);
    const g = new Float64Array(2);
    assert.equal(run.loss[0], f.loss(w));
    for (let s = 0; s < 50; s++) {
      f.grad(w, g);
      const before = w.slice();
      opt.step(w, g, state);
      close(run.gradNorm[s], Math.hypot(g[0], g[1]), `gradNorm ${s}`);
      close(run.stepNorm[s], Math.hypot(w[0] - before[0], w[1] - before[1]), `stepNorm ${s}`);
      assert.equal(run.loss[s + 1], f.loss(w), `loss ${s + 1}`);
      assert.deepEqual([...paramsAt(run, s + 1)], [...w], `params ${s + 1}`);
      assert.equal(run.lr[s], 0.01);
    }
    assert.deepEqual([...run.final], [...w]);
    assert.equal(run.finalLoss, f.loss(w));
  });
  await t.step("array lengths, names and settings", () => {
    const run = train(d2lQuadratic(), gradientDescent({ lr: 0.1 }), { maxSteps: 30 });
    assert.equal(run.steps, 30);
    assert.equal(run.loss.length, 31);
    assert.equal(run.params?.length, 62);
    for (const k of ["gradNorm", "stepNorm", "lr", "time"] as const) {
      assert.equal(run[k].length, 30, k);
    }
    assert.equal(run.name, "gradient descent");
    assert.equal(run.optimizer, "gradient descent");
    assert.equal(run.problem, "d2l quadratic");
    assert.equal(run.dim, 2);
    assert.deepEqual(run.settings, {
      maxSteps: 30,
      tol: 0,
      batchSize: null,
      shuffle: false,
      seed: 0,
      dropLast: false,
      maxLoss: 1e12 * run.loss[0],
      evaluate: 1,
    });
    assert.equal(
      train(d2lQuadratic(), gradientDescent({ lr: 0.1 }), { name: "GD", maxSteps: 1 }).name,
      "GD",
    );
  });
  await t.step("cumulative wall time is non-decreasing", () => {
    const run = train(d2lQuadratic(), adam({ lr: 0.1 }), { maxSteps: 200 });
    assert.ok(run.time[0] >= 0);
    for (let s = 1; s < run.steps; s++) assert.ok(run.time[s] >= run.time[s - 1]);
  });
  await t.step("the learning rate of each step, schedules evaluated", () => {
    const lr = inversePower({ lr: 0.2, alpha: 1 });
    const run = train(d2lQuadratic(), notesMomentum({ lr, alpha: 0.5 }), { maxSteps: 5 });
    assert.deepEqual([...run.lr], [0, 1, 2, 3, 4].map((s) => lr(s)));
    const plain = train(d2lQuadratic(), chain("half", scale(0.5)), { maxSteps: 3 });
    assert.ok(plain.lr.every(Number.isNaN), "no learning rate: NaN");
  });
  await t.step("params are recorded by default only up to 2 dimensions", () => {
    const lin = linearRegression({ samples: 20 });
    assert.equal(train(lin, gradientDescent({ lr: 0.1 }), { maxSteps: 3 }).params, null);
    const rec = train(lin, gradientDescent({ lr: 0.1 }), { maxSteps: 3, recordParams: true });
    assert.equal(rec.params?.length, 4 * 3);
    assert.equal(
      train(d2lQuadratic(), gradientDescent({ lr: 0.1 }), { maxSteps: 3, recordParams: false })
        .params,
      null,
    );
  });
  await t.step("paramsAt and paramTrace", () => {
    const run = train(d2lQuadratic(), gradientDescent({ lr: 0.25 }), { maxSteps: 4 });
    // x₁ shrinks by 1 − 0.25·0.2 = 0.95, x₂ by 1 − 0.25·4 = 0
    assert.deepEqual([...paramTrace(run, 1)], [-2, 0, 0, 0, 0]);
    const x1 = paramTrace(run, 0);
    for (let s = 1; s <= 4; s++) assert.ok(Math.abs(x1[s] - -5 * 0.95 ** s) < 1e-12);
    assert.deepEqual([...paramsAt(run, 4)], [x1[4], 0]);
    assert.throws(
      () => paramsAt(run, 5),
      /`t` must be an integer in \[0, 4\] \(the run's steps\), got 5/,
    );
    assert.throws(() => paramTrace(run, 2), /`i` must be an integer in \[0, 1\]/);
    const none = train(d2lQuadratic(), gradientDescent({ lr: 0.1 }), {
      maxSteps: 1,
      recordParams: false,
    });
    assert.throws(() => paramTrace(none, 0), /no recorded params/);
    assert.throws(() => paramsAt(null as never, 0), TypeError);
  });
  await t.step("property: the record is self-consistent", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 0.45, noNaN: true }),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        fc.integer({ min: 0, max: 60 }),
        (lr, alpha, maxSteps) => {
          const f = d2lQuadratic();
          const run = train(f, notesMomentum({ lr, alpha }), { maxSteps });
          assert.equal(run.steps, maxSteps);
          for (let s = 0; s < run.steps; s++) {
            const a = paramsAt(run, s), b = paramsAt(run, s + 1);
            close(run.stepNorm[s], Math.hypot(b[0] - a[0], b[1] - a[1]));
            assert.equal(run.loss[s], f.loss(a));
            const g = f.grad(a, new Float64Array(2));
            close(run.gradNorm[s], Math.hypot(g[0], g[1]));
          }
        },
      ),
    );
  });
});

Deno.test("train: why it stops", async (t) => {
  await t.step("converged: the first step shorter than tol", () => {
    const tol = 1e-6;
    const run = train(d2lQuadratic(), gradientDescent({ lr: 0.4 }), { maxSteps: 10_000, tol });
    assert.equal(run.stop.reason, "converged");
    assert.equal(run.stop.step, run.steps - 1);
    assert.ok(run.stepNorm[run.steps - 1] < tol);
    for (let s = 0; s < run.steps - 1; s++) assert.ok(run.stepNorm[s] >= tol);
    assert.equal(run.stop.value, run.stepNorm[run.steps - 1]);
    assert.match(run.stopped, /^converged at step \d+: ‖w_\{t\+1\} − w_t‖ = .* < tol = 1e-6$/);
  });
  await t.step("maxSteps, including zero steps", () => {
    const run = train(d2lQuadratic(), gradientDescent({ lr: 0.1 }), { maxSteps: 7, tol: 1e-12 });
    assert.deepEqual(run.stop, { reason: "maxSteps", step: 7, message: "took maxSteps = 7 steps" });
    const none = train(d2lQuadratic(), gradientDescent({ lr: 0.1 }), { maxSteps: 0 });
    assert.equal(none.steps, 0);
    assert.deepEqual([...none.loss], [10.5]);
    assert.deepEqual([...none.final], [-5, -2]);
    assert.equal(none.stop.reason, "maxSteps");
  });
  await t.step("diverged: loss above the bound, just above 2/λ_max", () => {
    const f = d2lQuadratic();
    const bound = maxStableLearningRate(f.hessian!(f.startPoint()));
    const ok = train(f, gradientDescent({ lr: bound * 0.99 }), { maxSteps: 5000 });
    assert.equal(ok.stop.reason, "maxSteps");
    const bad = train(f, gradientDescent({ lr: bound * 1.2 }), { maxSteps: 5000 });
    assert.equal(bad.stop.reason, "diverged");
    assert.equal(bad.stop.cause, "loss above bound");
    assert.equal(bad.stop.step, bad.steps, "the failing step is not recorded");
    assert.ok(bad.stop.value! > bad.settings.maxLoss);
    assert.ok(bad.loss.every((x) => Number.isFinite(x) && x <= bad.settings.maxLoss));
    assert.match(
      bad.stopped,
      new RegExp(`^diverged at step ${bad.steps}: loss .* above maxLoss = `),
    );
    // the step that failed, replayed by hand, does exceed the bound
    const w = Float64Array.from(bad.final);
    const opt = gradientDescent({ lr: bound * 1.2 });
    opt.step(w, f.grad(w, new Float64Array(2)), opt.init(w));
    assert.equal(f.loss(w), bad.stop.value);
  });
  await t.step("a smaller maxLoss stops earlier", () => {
    const a = train(d2lQuadratic(), gradientDescent({ lr: 0.6 }), { maxLoss: 100 });
    const b = train(d2lQuadratic(), gradientDescent({ lr: 0.6 }), { maxLoss: 1e6 });
    assert.ok(a.steps < b.steps);
    assert.ok(a.loss.every((x) => x <= 100));
  });
  await t.step("diverged: non-finite loss when the bound is off", () => {
    const run = train(d2lQuadratic(), gradientDescent({ lr: 0.6 }), {
      maxSteps: 5000,
      maxLoss: Infinity,
    });
    assert.equal(run.stop.cause, "non-finite loss");
    assert.equal(run.stop.value, Infinity);
    assert.ok(run.steps > 1000);
    assert.ok(Number.isFinite(run.finalLoss));
    assert.ok(run.final.every(Number.isFinite));
  });
  await t.step("diverged: non-finite gradient, with its index", () => {
    const f = oneD((x) => x * x, (x) => (x < 0.5 ? NaN : 2 * x));
    const run = train(f, gradientDescent({ lr: 0.1 }), { maxSteps: 100 });
    // 1 → 0.8 → 0.64 → 0.512 → 0.4096, whose gradient is NaN
    assert.equal(run.steps, 4);
    assert.deepEqual(
      { ...run.stop, value: String(run.stop.value) },
      {
        reason: "diverged",
        step: 4,
        cause: "non-finite gradient",
        value: "NaN",
        index: 0,
        message: "diverged at step 4: gradient entry g[0] = NaN",
      },
    );
  });
  await t.step("diverged: non-finite parameters after a step", () => {
    const f = oneD((x) => x * x, (x) => 2 * x, 1e10);
    const run = train(f, gradientDescent({ lr: 1e300 }), { maxSteps: 10, maxLoss: Infinity });
    assert.equal(run.stop.cause, "non-finite params");
    assert.equal(run.stop.value, -Infinity);
    assert.equal(run.stop.step, 0);
    assert.equal(run.steps, 0);
    assert.deepEqual([...run.final], [1e10], "final keeps the last finite parameters");
  });
});

Deno.test("train: minibatches", async (t) => {
  const lin = linearRegression({ samples: 10, features: 2, seed: 1 });
  await t.step("a batch of all samples in order is full-batch gradient descent", () => {
    const full = train(lin, gradientDescent({ lr: 0.05 }), { maxSteps: 40 });
    const batch = train(lin, gradientDescent({ lr: 0.05 }), { maxSteps: 40, batchSize: 10 });
    assert.deepEqual([...batch.loss], [...full.loss]);
    assert.deepEqual([...batch.final], [...full.final]);
    assert.equal(batch.settings.batchSize, 10);
  });
  await t.step("matches a hand-written minibatch loop", () => {
    const opt = adam({ lr: 0.05 });
    const run = train(lin, opt, { maxSteps: 25, batchSize: 3, shuffle: true, seed: 7 });
    const sampler = minibatches(10, { batchSize: 3, shuffle: true, seed: 7 });
    const w = lin.startPoint();
    const state = opt.init(w);
    const g = new Float64Array(lin.dim);
    for (let s = 0; s < 25; s++) {
      lin.batchGrad(w, sampler.nextBatch().indices, g);
      opt.step(w, g, state);
      assert.equal(run.loss[s + 1], lin.loss(w), `step ${s}`);
      close(run.gradNorm[s], Math.hypot(...g));
    }
    assert.deepEqual([...run.final], [...w]);
  });
  await t.step("same seed, same run; another seed, another run", () => {
    const go = (seed: number) =>
      train(lin, adam({ lr: 0.05 }), { maxSteps: 30, batchSize: 4, shuffle: true, seed });
    assert.deepEqual(withoutTime(go(3)), withoutTime(go(3)));
    assert.notDeepEqual([...go(3).loss], [...go(4).loss]);
  });
  await t.step("dropLast skips the smaller last batch of each epoch", () => {
    const opt = gradientDescent({ lr: 0.05 });
    const run = train(lin, opt, { maxSteps: 12, batchSize: 4, dropLast: true });
    assert.equal(run.settings.dropLast, true);
    const sampler = minibatches(10, { batchSize: 4, dropLast: true });
    const w = lin.startPoint();
    const state = opt.init(w);
    const g = new Float64Array(lin.dim);
    for (let s = 0; s < 12; s++) {
      const batch = sampler.nextBatch();
      assert.equal(batch.indices.length, 4, `step ${s} used a full batch`);
      lin.batchGrad(w, batch.indices, g);
      opt.step(w, g, state);
    }
    assert.deepEqual([...run.final], [...w]);
    const kept = train(lin, gradientDescent({ lr: 0.05 }), { maxSteps: 12, batchSize: 4 });
    assert.notDeepEqual([...kept.final], [...run.final]);
  });
  await t.step("time counts gradients and steps only, and grows", () => {
    const run = train(lin, adam({ lr: 0.05 }), { maxSteps: 50, batchSize: 3 });
    assert.equal(run.time.length, 50);
    for (let s = 1; s < 50; s++) assert.ok(run.time[s] >= run.time[s - 1], `time at step ${s}`);
  });
});

Deno.test("train: leaves its inputs alone", async (t) => {
  await t.step("start point, problem and optimizer can be reused", () => {
    const f = d2lQuadratic();
    const opt = adam({ lr: 0.1 });
    const start = Float64Array.of(1, 1);
    const a = train(f, opt, { maxSteps: 20, start });
    assert.deepEqual([...start], [1, 1]);
    const b = train(f, opt, { maxSteps: 20, start: [1, 1] });
    assert.deepEqual(withoutTime(a), withoutTime(b), "a fresh optimizer state per run");
    assert.deepEqual([...f.startPoint()], [-5, -2]);
  });
});

Deno.test("currentLearningRate", async (t) => {
  await t.step("η_0 before any step, then η_t of the last step", () => {
    const opt = gradientDescent({ lr: (s: number) => 1 / (s + 1) });
    const w = Float64Array.of(0);
    const state = opt.init(w);
    assert.equal(currentLearningRate(opt, state), 1);
    opt.step(w, Float64Array.of(1), state);
    opt.step(w, Float64Array.of(1), state);
    assert.equal(currentLearningRate(opt, state), 0.5);
  });
  await t.step("undefined without a learning rate; a bad state or optimizer throws", () => {
    const opt: Optimizer = chain("plain", scale(1));
    assert.equal(currentLearningRate(opt, opt.init(Float64Array.of(0))), undefined);
    assert.throws(() => currentLearningRate(opt, {} as never), /`state` must come from/);
    assert.throws(
      () => currentLearningRate({} as never, opt.init(Float64Array.of(0))),
      /`optimizer`/,
    );
  });
  await t.step("found by the block, not by a field called lr", () => {
    // A block whose state has a numeric `lr` field but no learning rate is not read,
    // and the learning-rate block is found wherever it sits in the chain.
    const decoy: GradientTransformation<{ lr: number }> = {
      name: "decoy",
      init: () => ({ lr: 123 }),
      update() {},
    };
    const opt = chain("decoyed", decoy, scaleByLearningRate(0.25));
    const state = opt.init(Float64Array.of(0));
    assert.equal(currentLearningRate(opt, state), 0.25);
    const only = chain("decoy only", decoy);
    assert.equal(currentLearningRate(only, only.init(Float64Array.of(0))), undefined);
  });
  await t.step("another optimizer's state is refused", () => {
    const a = gradientDescent({ lr: 0.1 });
    const b = gradientDescent({ lr: 0.2 });
    assert.throws(
      () => currentLearningRate(a, b.init(Float64Array.of(0))),
      /init\(\) of this optimizer/,
    );
  });
});

Deno.test("train: bad input", async (t) => {
  const f = d2lQuadratic();
  const gd = gradientDescent({ lr: 0.1 });
  await t.step("arguments", () => {
    assert.throws(() => train({} as never, gd), /`problem` must be a Problem/);
    assert.throws(() => train(f, {} as never), /`optimizer` must be an Optimizer/);
    assert.throws(() => train(f, gd, { steps: 3 } as never), /no option `steps`/);
    assert.throws(
      () => train(f, gd, { maxSteps: -1 }),
      /`maxSteps` must be an integer >= 0, got -1/,
    );
    assert.throws(() => train(f, gd, { maxSteps: 2.5 }), /`maxSteps`/);
    assert.throws(() => train(f, gd, { tol: -1 }), /`tol` must be a finite number >= 0, got -1/);
    assert.throws(() => train(f, gd, { recordParams: 1 } as never), /`recordParams`/);
    assert.throws(() => train(f, gd, { name: 3 } as never), /`name` must be a string/);
  });
  await t.step("start point", () => {
    assert.throws(
      () => train(f, gd, { start: [1] }),
      /`start` must have length 2 \(the problem's dim\), got length 1/,
    );
    assert.throws(
      () => train(f, gd, { start: [1, NaN] }),
      /`start\[1\]` must be a finite number, got NaN/,
    );
    assert.throws(() => train(f, gd, { start: 3 as never }), TypeError);
    const inf = oneD(() => Infinity, () => 0);
    assert.throws(() => train(inf, gd), /the loss at the start point must be finite, got Infinity/);
  });
  await t.step("divergence bound", () => {
    assert.throws(
      () => train(f, gd, { maxLoss: NaN }),
      /`maxLoss` must be a number or Infinity, got NaN/,
    );
    assert.throws(
      () => train(f, gd, { maxLoss: 1 }),
      /`maxLoss` must be >= the loss at the start point \(10.5\), got 1/,
    );
  });
  await t.step("minibatch options", () => {
    assert.throws(() => train(f, gd, { batchSize: 2 }), /`batchSize` needs a problem on data/);
    assert.throws(
      () => train(f, gd, { shuffle: true }),
      /`shuffle`, `seed` and `dropLast` choose minibatches: they need `batchSize`/,
    );
    assert.throws(() => train(f, gd, { seed: 1 }), /need `batchSize`/);
    assert.throws(() => train(f, gd, { dropLast: true }), /need `batchSize`/);
    const lin = linearRegression({ samples: 5 });
    assert.throws(
      () => train(lin, gd, { batchSize: 6 }),
      /`batchSize` must be an integer in \[1, 5\]/,
    );
    assert.throws(() => train(lin, gd, { batchSize: 0 }), /`batchSize` must be an integer >= 1/);
  });
  await t.step("a quadratic form's start can be any finite point", () => {
    const q = quadraticForm({ A: [[1, 0], [0, 1]] });
    assert.equal(train(q, gd, { start: [3, 4], maxSteps: 0 }).finalLoss, 12.5);
  });
});
