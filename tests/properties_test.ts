// Properties over random inputs (fast-check, fixed seeds so every run checks the
// same cases): the identities between building blocks and optimizers that the
// lessons rely on, and the shape of every schedule.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  adam,
  adamw,
  chain,
  cosineDecay,
  ema,
  exponentialDecay,
  gradientDescent,
  inversePower,
  joinSchedules,
  linearWarmup,
  notesAdam,
  notesMomentum,
  notesWeightDecay,
  type Optimizer,
  scaleByLearningRate,
  scaleByRms,
  type Schedule,
  sgd,
  stepDecay,
} from "@better-gradients/lib";

const RUNS = { numRuns: 200 };

/** A finite double in [min, max] (no NaN, no infinities). */
const num = (min: number, max: number) =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

/** A sequence of 1–30 gradients of dimension `d`, entries in [−10, 10]. */
const gradients = (d: number) =>
  fc.array(fc.array(num(-10, 10), { minLength: d, maxLength: d }), {
    minLength: 1,
    maxLength: 30,
  });

/** Runs `opt` from `w0` through `grads`; returns the params after every step. */
function path(opt: Optimizer, w0: number[], grads: number[][]): number[][] {
  const w = Float64Array.from(w0);
  const state = opt.init(w);
  return grads.map((g) => {
    opt.step(w, Float64Array.from(g), state);
    return [...w];
  });
}

/** Two paths agree to `tol`·max(1, |b|) at every step and coordinate. */
function samePath(a: number[][], b: number[][], tol: number): void {
  assert.equal(a.length, b.length);
  for (let t = 0; t < b.length; t++) {
    for (let i = 0; i < b[t].length; i++) {
      const x = a[t][i], y = b[t][i];
      if (!(Math.abs(x - y) <= tol * Math.max(1, Math.abs(y)))) {
        assert.fail(`step ${t + 1}, coordinate ${i}: ${x} vs ${y}`);
      }
    }
  }
}

Deno.test("ema of a constant series", async (t) => {
  await t.step("debiased, it is that constant at every step", () => {
    fc.assert(
      fc.property(num(0, 0.999), num(-1e6, 1e6), fc.integer({ min: 1, max: 60 }), (a, c, n) => {
        const tr = ema({ decay: a, debias: true });
        const params = new Float64Array(2);
        const state = tr.init(params);
        const u = new Float64Array(2);
        for (let t = 0; t < n; t++) {
          u.fill(c);
          tr.prepare?.(state, t);
          tr.update(u, 0, 2, state, params);
          for (const x of u) {
            if (!(Math.abs(x - c) <= 1e-12 * Math.max(1, Math.abs(c)))) {
              assert.fail(`step ${t}: ${x} != ${c}`);
            }
          }
        }
      }),
      { ...RUNS, seed: 1 },
    );
  });
  await t.step("not debiased, it is c·(1 − α^(t+1)), and that is what the state stores", () => {
    fc.assert(
      fc.property(num(0, 0.999), num(-1e6, 1e6), fc.integer({ min: 1, max: 60 }), (a, c, n) => {
        for (const debias of [false, true]) {
          const tr = ema({ decay: a, debias });
          const params = new Float64Array(1);
          const state = tr.init(params);
          const u = new Float64Array(1);
          for (let t = 0; t < n; t++) {
            u[0] = c;
            tr.prepare?.(state, t);
            tr.update(u, 0, 1, state, params);
            const raw = c * (1 - a ** (t + 1));
            const tol = 1e-12 * Math.max(1, Math.abs(c));
            assert.ok(Math.abs(state.mu[0] - raw) <= tol, `stored average at step ${t}`);
            if (!debias) assert.ok(Math.abs(u[0] - raw) <= tol, `output at step ${t}`);
          }
        }
      }),
      { ...RUNS, seed: 2 },
    );
  });
});

/** Every schedule, with random valid options. */
const schedules: Record<string, fc.Arbitrary<Schedule>> = {
  stepDecay: fc.record({
    lr: num(1e-6, 10),
    gamma: num(1e-3, 1),
    stepSize: fc.integer({ min: 1, max: 50 }),
  })
    .map((o) => stepDecay(o)),
  inversePower: fc.record({ lr: num(1e-6, 10), alpha: num(1e-3, 3) }).map((o) => inversePower(o)),
  exponentialDecay: fc.record({ lr: num(1e-6, 10), gamma: num(1e-3, 1) }).map((o) =>
    exponentialDecay(o)
  ),
  cosineDecay: fc.record({
    lr: num(1e-6, 10),
    steps: fc.integer({ min: 1, max: 5000 }),
    f: num(0, 1),
  })
    .map(({ lr, steps, f }) => cosineDecay({ lr, steps, minLr: f * lr })),
  linearWarmup: fc.record({
    lr: num(1e-6, 10),
    steps: fc.integer({ min: 1, max: 5000 }),
    startFactor: num(0, 1),
  })
    .map((o) => linearWarmup(o)),
};

const NON_INCREASING = ["stepDecay", "inversePower", "exponentialDecay", "cosineDecay"];
const steps = fc.array(fc.integer({ min: 0, max: 20000 }), { minLength: 1, maxLength: 40 });

Deno.test("schedules are pure", async (t) => {
  const all = {
    ...schedules,
    joinSchedules: fc.tuple(
      schedules.linearWarmup,
      schedules.cosineDecay,
      fc.integer({ min: 1, max: 100 }),
    )
      .map(([a, b, k]) => joinSchedules([a, b], [k])),
  };
  for (const [name, arb] of Object.entries(all)) {
    await t.step(`${name}: the same t gives the same value, whatever was asked before`, () => {
      fc.assert(
        fc.property(arb, steps, (s, ts) => {
          const forward = ts.map((t) => s(t));
          const backward = [...ts].reverse().map((t) => s(t)).reverse();
          const again = ts.map((t) => s(t));
          assert.deepEqual(backward, forward);
          assert.deepEqual(again, forward);
          for (const v of forward) assert.ok(Number.isFinite(v) && v >= 0, `value ${v}`);
        }),
        { ...RUNS, seed: 3 },
      );
    });
  }
});

Deno.test("schedules are monotone", async (t) => {
  for (const name of NON_INCREASING) {
    await t.step(`${name} is non-increasing`, () => {
      fc.assert(
        fc.property(
          schedules[name],
          fc.integer({ min: 0, max: 20000 }),
          fc.integer({ min: 0, max: 500 }),
          (s, t, d) => {
            assert.ok(s(t + d) <= s(t), `s(${t + d}) = ${s(t + d)} > s(${t}) = ${s(t)}`);
            assert.ok(s(t + 1) <= s(t), `s(${t + 1}) = ${s(t + 1)} > s(${t}) = ${s(t)}`);
          },
        ),
        { ...RUNS, seed: 4 },
      );
    });
  }
  await t.step("linearWarmup is non-decreasing", () => {
    fc.assert(
      fc.property(
        schedules.linearWarmup,
        fc.integer({ min: 0, max: 20000 }),
        fc.integer({ min: 0, max: 500 }),
        (s, t, d) => {
          assert.ok(s(t + d) >= s(t), `s(${t + d}) = ${s(t + d)} < s(${t}) = ${s(t)}`);
          assert.ok(s(t + 1) >= s(t), `s(${t + 1}) = ${s(t + 1)} < s(${t}) = ${s(t)}`);
        },
      ),
      { ...RUNS, seed: 5 },
    );
  });
});

Deno.test("RMS scaling with bias correction is Adam with β₁ = 0", () => {
  fc.assert(
    fc.property(num(1e-4, 1), num(0, 0.9999), num(1e-12, 1e-2), gradients(3), (lr, b2, eps, gs) => {
      const pieces = chain(
        "rms+lr",
        scaleByRms({ decay: b2, eps, debias: true }),
        scaleByLearningRate(lr),
      );
      const expected = path(pieces, [0.5, -1, 2], gs);
      for (const fused of [true, false]) {
        samePath(path(adam({ lr, betas: [0, b2], eps, fused }), [0.5, -1, 2], gs), expected, 1e-11);
      }
    }),
    { ...RUNS, seed: 6 },
  );
});

Deno.test("notesMomentum and sgd with momentum", async (t) => {
  await t.step("agree step for step while η is constant", () => {
    fc.assert(
      fc.property(num(1e-4, 1), num(0, 0.99), gradients(2), (lr, alpha, gs) => {
        const notes = path(notesMomentum({ lr, alpha }), [1, -1], gs);
        for (const fused of [true, false]) {
          const torch = alpha === 0 ? sgd({ lr, fused }) : sgd({ lr, momentum: alpha, fused });
          samePath(path(torch, [1, -1], gs), notes, 1e-11);
        }
      }),
      { ...RUNS, seed: 7 },
    );
  });
  await t.step("differ by α·g₀·(η₀ − η₁) after a change of η", () => {
    const g0 = fc.tuple(num(0.1, 10), fc.boolean()).map(([x, neg]) => (neg ? -x : x));
    fc.assert(
      fc.property(
        num(1e-3, 1),
        num(0.1, 0.9),
        num(0.1, 0.95),
        g0,
        num(-10, 10),
        (lr, gamma, alpha, a, b) => {
          const schedule = stepDecay({ lr, gamma, stepSize: 1 });
          const gs = [[a], [b]];
          const notes = path(notesMomentum({ lr: schedule, alpha }), [0], gs);
          const torch = path(sgd({ lr: schedule, momentum: alpha }), [0], gs);
          assert.ok(
            Math.abs(notes[0][0] - torch[0][0]) <= 1e-15 * Math.abs(a),
            "the first step agrees",
          );
          const gap = torch[1][0] - notes[1][0];
          const expected = alpha * a * (lr - lr * gamma);
          assert.ok(Math.abs(gap) > 1e-6, `no difference: ${gap}`);
          assert.ok(
            Math.abs(gap - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
            `${gap} vs ${expected}`,
          );
        },
      ),
      { ...RUNS, seed: 8 },
    );
  });
});

Deno.test("notesWeightDecay: the notes form with λ = ηλ' is the L2 form with λ'", () => {
  fc.assert(
    fc.property(num(1e-4, 1), num(0, 1), gradients(3), (lr, lambda, gs) => {
      const notes = path(notesWeightDecay({ lr, lambda: lr * lambda }), [3, -2, 0.5], gs);
      const l2 = path(notesWeightDecay({ lr, lambda, form: "l2" }), [3, -2, 0.5], gs);
      samePath(notes, l2, 1e-12);
    }),
    { ...RUNS, seed: 9 },
  );
});

Deno.test("notesAdam with α₂ = 0 is RMS scaling (ε inside, debiased) times η, exactly", () => {
  fc.assert(
    fc.property(
      num(1e-4, 1),
      num(0, 0.9999),
      num(1e-12, 1e-2),
      gradients(3),
      (lr, alpha1, eps, gs) => {
        const notes = path(notesAdam({ lr, alpha1, alpha2: 0, eps }), [1, 2, -3], gs);
        const pieces = chain(
          "rms+lr",
          scaleByRms({ decay: alpha1, eps, epsInside: true, debias: true }),
          scaleByLearningRate(lr),
        );
        assert.deepEqual(notes, path(pieces, [1, 2, -3], gs));
      },
    ),
    { ...RUNS, seed: 10 },
  );
});

Deno.test("adam's coupled and adamw's decoupled weight decay", async (t) => {
  const betas = fc.tuple(num(0, 0.99), num(0, 0.9999));
  await t.step("agree exactly for λ = 0", () => {
    fc.assert(
      fc.property(
        num(1e-4, 1),
        betas,
        num(1e-12, 1e-2),
        fc.boolean(),
        gradients(3),
        (lr, [b1, b2], eps, amsgrad, gs) => {
          for (const fused of [true, false]) {
            const a = path(adam({ lr, betas: [b1, b2], eps, amsgrad, fused }), [1, -2, 0.5], gs);
            const w = path(adamw({ lr, betas: [b1, b2], eps, amsgrad, weightDecay: 0, fused }), [
              1,
              -2,
              0.5,
            ], gs);
            assert.deepEqual(a, w);
          }
        },
      ),
      { ...RUNS, seed: 11 },
    );
  });
  await t.step("differ for λ > 0 from the first step on", () => {
    const w0 = fc.tuple(num(0.1, 1.5), fc.boolean()).map(([x, neg]) => (neg ? -x : x));
    fc.assert(
      fc.property(
        num(1e-3, 1),
        betas,
        num(1e-12, 1e-4),
        num(0.01, 0.5),
        w0,
        gradients(1),
        (lr, [b1, b2], eps, lambda, x0, gs) => {
          const a = path(adam({ lr, betas: [b1, b2], eps, weightDecay: lambda }), [x0], gs);
          const w = path(adamw({ lr, betas: [b1, b2], eps, weightDecay: lambda }), [x0], gs);
          assert.ok(Math.abs(a[0][0] - w[0][0]) > 1e-9, `first step: ${a[0][0]} vs ${w[0][0]}`);
        },
      ),
      { ...RUNS, seed: 12 },
    );
  });
});

Deno.test("sgd with momentum 0 is gradientDescent, exactly", () => {
  fc.assert(
    fc.property(
      num(1e-4, 10),
      num(0, 1),
      fc.boolean(),
      gradients(4),
      (lr, dampening, fused, gs) => {
        const expected = path(gradientDescent({ lr }), [1, 2, 3, 4], gs);
        assert.deepEqual(path(sgd({ lr, fused }), [1, 2, 3, 4], gs), expected);
        assert.deepEqual(
          path(sgd({ lr, momentum: 0, dampening, fused }), [1, 2, 3, 4], gs),
          expected,
        );
      },
    ),
    { ...RUNS, seed: 13 },
  );
});
