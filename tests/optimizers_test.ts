// Every optimizer, both families: defaults, first steps and a few later ones
// against hand-computed values, and what each keeps in its state.

import assert from "node:assert/strict";
import {
  adadelta,
  adagrad,
  adam,
  type AdamState,
  adamw,
  gradientDescent,
  type MomentumState,
  notesAdadelta,
  notesAdam,
  notesMomentum,
  notesRmsprop,
  notesWeightDecay,
  type Optimizer,
  type OptimizerState,
  rmsprop,
  type RmsState,
  sgd,
} from "@better-gradients/lib";
// Internals, not exported from lib/mod.ts.
import { BLOCK_SIZE } from "../lib/transforms/chain.ts";
import { closeWithin } from "./_helpers.ts";

/** |actual − expected| ≤ tol·max(1, |expected|), tol = 1e-14 unless given. */
const close = closeWithin(1e-14);

/** Steps `opt` from `w0` through `grads`; returns the params after every step and the state. */
function run(opt: Optimizer, w0: number[], grads: number[][]) {
  const w = Float64Array.from(w0);
  const state = opt.init(w);
  assert.deepEqual([...w], w0, "init must not modify params");
  const path: number[][] = [];
  for (const g of grads) {
    const gv = Float64Array.from(g);
    opt.step(w, gv, state);
    assert.deepEqual([...gv], g, "a step must not modify grads");
    path.push([...w]);
  }
  return { w, state, path };
}

function inner<S>(state: OptimizerState, j: number): S {
  return state.inner[j] as S;
}

const names = (opt: Optimizer) => opt.transforms.map((tr) => tr.name);

Deno.test("gradientDescent", async (t) => {
  await t.step("w ← w − ηg", () => {
    const opt = gradientDescent({ lr: 0.5 });
    assert.equal(opt.name, "gradient descent");
    assert.deepEqual(names(opt), ["scaleByLearningRate"]);
    const { path, state } = run(opt, [1, -1], [[2, 4], [-2, 0]]);
    assert.deepEqual(path, [[0, -3], [1, -3]]);
    assert.equal(state.count, 2);
  });
  await t.step("a schedule gives η_t at step t", () => {
    const { path } = run(gradientDescent({ lr: (t) => 2 ** -t }), [0], [[1], [1], [1]]);
    assert.deepEqual(path, [[-1], [-1.5], [-1.75]]);
  });
});

Deno.test("notesMomentum", async (t) => {
  await t.step("m ← αm + ηg, w ← w − m, from m = 0", () => {
    const opt = notesMomentum({ lr: 0.1, alpha: 0.5 });
    assert.deepEqual(names(opt), ["scaleByLearningRate", "momentum"]);
    const { path, state } = run(opt, [0], [[1], [1], [-4]]);
    // m: 0.1, 0.15, 0.075 − 0.4 = −0.325
    close(path[0][0], -0.1);
    close(path[1][0], -0.25);
    close(path[2][0], 0.075);
    close(inner<MomentumState>(state, 1).buf[0], -0.325);
  });
  await t.step("α defaults to 0.9", () => {
    const { w } = run(notesMomentum({ lr: 1 }), [0], [[1], [1]]);
    close(w[0], -(1 + 1.9));
  });
  await t.step("η inside the buffer: a schedule scales only new gradients", () => {
    const { path } = run(notesMomentum({ lr: (t) => (t === 0 ? 1 : 0.1), alpha: 0.5 }), [0], [
      [1],
      [1],
    ]);
    // m₁ = 1, m₂ = 0.5 + 0.1
    close(path[1][0], -(1 + 0.6));
  });
});

Deno.test("notesWeightDecay", async (t) => {
  await t.step("notes form: w ← w − ηg − λw (the default)", () => {
    const opt = notesWeightDecay({ lr: 0.1, lambda: 0.2 });
    assert.deepEqual(names(opt), ["scaleByLearningRate", "addDecayedWeights"]);
    const { w } = run(opt, [2], [[3]]);
    close(w[0], 2 - 0.1 * 3 - 0.2 * 2);
  });
  await t.step("l2 form: w ← w − η(g + λw)", () => {
    const opt = notesWeightDecay({ lr: 0.1, lambda: 0.2, form: "l2" });
    assert.deepEqual(names(opt), ["addDecayedWeights", "scaleByLearningRate"]);
    close(run(opt, [2], [[3]]).w[0], 2 - 0.1 * (3 + 0.2 * 2));
  });
  await t.step("with a zero gradient the weights shrink geometrically", () => {
    const { path } = run(notesWeightDecay({ lr: 0.1, lambda: 0.25 }), [8], [[0], [0], [0]]);
    assert.deepEqual(path, [[6], [4.5], [3.375]]);
  });
  await t.step("λ = 0 is plain gradient descent", () => {
    const grads = [[1, 2], [-3, 0.5]];
    for (const form of ["notes", "l2"] as const) {
      assert.deepEqual(
        run(notesWeightDecay({ lr: 0.3, lambda: 0, form }), [1, 1], grads).w,
        run(gradientDescent({ lr: 0.3 }), [1, 1], grads).w,
      );
    }
  });
});

Deno.test("notesRmsprop", async (t) => {
  await t.step("defaults α = 0.9, ε = 1e-8: one divisor for the whole gradient", () => {
    const opt = notesRmsprop({ lr: 0.1 });
    assert.deepEqual(names(opt), ["scaleByNormRms", "scaleByLearningRate"]);
    const { path, state } = run(opt, [0, 0], [[3, 4], [1, 0]]);
    const s1 = 0.1 * 25;
    close(path[0][0], (-0.1 * 3) / Math.sqrt(s1 + 1e-8));
    close(path[0][1], (-0.1 * 4) / Math.sqrt(s1 + 1e-8));
    const s2 = 0.9 * s1 + 0.1 * 1;
    close(path[1][0], path[0][0] - 0.1 / Math.sqrt(s2 + 1e-8));
    close(path[1][1], path[0][1]);
    close((state.inner[0] as { nu: number }).nu, s2);
  });
  await t.step("the step keeps the gradient's direction", () => {
    const { path } = run(notesRmsprop({ lr: 0.1, alpha: 0.5 }), [0, 0, 0], [[1, -2, 2]]);
    close(path[0][1] / path[0][0], -2);
    close(path[0][2] / path[0][0], 2);
  });
});

Deno.test("notesAdadelta", async (t) => {
  await t.step("defaults η = 1, α = 0.9, ε₁ = ε₂ = 1e-6: two steps by hand", () => {
    const opt = notesAdadelta();
    assert.deepEqual(names(opt), ["scaleByNormAdadelta"]);
    const { path } = run(opt, [0, 0], [[3, 4], [3, 4]]);
    const nu1 = 0.1 * 25;
    const f1 = Math.sqrt(1e-6) / Math.sqrt(nu1 + 1e-6);
    close(path[0][1], -4 * f1);
    const delta1 = 0.1 * f1 * f1 * 25; // EMA of ‖w₁ − w₀‖²
    close(delta1, 0.1 * (path[0][0] ** 2 + path[0][1] ** 2));
    const nu2 = 0.9 * nu1 + 0.1 * 25;
    const f2 = Math.sqrt(delta1 + 1e-6) / Math.sqrt(nu2 + 1e-6);
    close(path[1][1] - path[0][1], -4 * f2);
  });
  await t.step("η multiplies the step", () => {
    const a = run(notesAdadelta({ lr: 0.5, eps2: 1e-4 }), [0], [[2]]).w[0];
    const b = run(notesAdadelta({ eps2: 1e-4 }), [0], [[2]]).w[0];
    close(a, 0.5 * b);
  });
});

Deno.test("notesAdam", async (t) => {
  await t.step("first normalise, then average: two steps by hand", () => {
    const a1 = 0.99, a2 = 0.5, eps = 1e-8, lr = 0.1;
    const opt = notesAdam({ lr, alpha1: a1, alpha2: a2, eps });
    assert.deepEqual(names(opt), ["scaleByRms", "ema", "scaleByLearningRate"]);
    const { path, state } = run(opt, [0], [[2], [-1]]);
    const v1 = (1 - a1) * 4;
    const r1 = 2 / Math.sqrt(v1 / (1 - a1) + eps);
    const m1 = (1 - a2) * r1;
    close(path[0][0], (-lr * m1) / (1 - a2));
    const v2 = a1 * v1 + (1 - a1) * 1;
    const r2 = -1 / Math.sqrt(v2 / (1 - a1 ** 2) + eps);
    const m2 = a2 * m1 + (1 - a2) * r2;
    close(path[1][0] - path[0][0], (-lr * m2) / (1 - a2 ** 2));
    close(inner<RmsState>(state, 0).nu[0], v2);
  });
  await t.step("defaults α₁ = 0.999, α₂ = 0.9, ε = 1e-8: the first step is ≈ ±η", () => {
    const { w } = run(notesAdam({ lr: 0.01 }), [0, 0], [[50, -0.02]]);
    close(w[0], -0.01 * 50 / Math.sqrt(2500 + 1e-8));
    close(w[1], 0.01 * 0.02 / Math.sqrt(0.0004 + 1e-8));
  });
});

Deno.test("sgd", async (t) => {
  await t.step("defaults: η = 1e-3, no momentum, no decay", () => {
    const opt = sgd();
    assert.equal(opt.name, "sgd");
    assert.deepEqual(names(opt), ["scaleByLearningRate"]);
    close(run(opt, [1], [[2]]).w[0], 1 - 2e-3);
  });
  await t.step("momentum: the buffer starts as the first gradient", () => {
    const opt = sgd({ lr: 0.1, momentum: 0.9 });
    assert.deepEqual(names(opt), ["momentum", "scaleByLearningRate"]);
    const { path, state } = run(opt, [0], [[1], [1], [2]]);
    // b: 1, 1.9, 3.71
    close(path[0][0], -0.1);
    close(path[1][0], -0.29);
    close(path[2][0], -0.29 - 0.371);
    close(inner<MomentumState>(state, 0).buf[0], 3.71);
  });
  await t.step("dampening applies from the second step on", () => {
    const { path } = run(sgd({ lr: 1, momentum: 0.5, dampening: 0.5 }), [0], [[4], [4]]);
    // b₁ = 4 (undamped copy), b₂ = 2 + 2 = 4
    assert.deepEqual(path, [[-4], [-8]]);
  });
  await t.step("Nesterov: w ← w − η(g + μb)", () => {
    const { path } = run(sgd({ lr: 0.1, momentum: 0.5, nesterov: true }), [0], [[2], [2]]);
    // b₁ = 2 → 2 + 1 = 3; b₂ = 3 → 2 + 1.5 = 3.5
    close(path[0][0], -0.3);
    close(path[1][0], -0.65);
  });
  await t.step("weightDecay adds λw to the gradient, inside the buffer", () => {
    const opt = sgd({ lr: 0.1, momentum: 0.5, weightDecay: 0.5 });
    assert.deepEqual(names(opt), ["addDecayedWeights", "momentum", "scaleByLearningRate"]);
    const { path } = run(opt, [2], [[0], [0]]);
    // g₁ = 1, b₁ = 1, w₁ = 1.9; g₂ = 0.95, b₂ = 0.5 + 0.95 = 1.45, w₂ = 1.9 − 0.145
    close(path[0][0], 1.9);
    close(path[1][0], 1.755);
  });
  await t.step("momentum 0 ignores dampening: plain gradient descent", () => {
    const grads = [[1, -1], [2, 3], [-1, 0.5]];
    const a = run(sgd({ lr: 0.2, dampening: 0.7 }), [1, 1], grads).w;
    const b = run(gradientDescent({ lr: 0.2 }), [1, 1], grads).w;
    assert.deepEqual(a, b);
  });
  await t.step("η outside the buffer: a schedule rescales the whole buffer", () => {
    const lr = (t: number) => (t === 0 ? 1 : 0.1);
    const { path } = run(sgd({ lr, momentum: 0.5 }), [0], [[1], [1]]);
    // b₂ = 1.5, step 0.15 (notesMomentum would step 0.6)
    close(path[1][0], -1.15);
  });
});

Deno.test("rmsprop", async (t) => {
  await t.step("defaults η = 1e-2, α = 0.99, ε = 1e-8", () => {
    const opt = rmsprop();
    assert.deepEqual(names(opt), ["scaleByRms", "scaleByLearningRate"]);
    const { path, state } = run(opt, [0, 0], [[3, -0.5], [1, 1]]);
    close(path[0][0], (-0.01 * 3) / (Math.sqrt(0.09) + 1e-8));
    close(path[0][1], (0.01 * 0.5) / (Math.sqrt(0.0025) + 1e-8));
    const v2 = 0.99 * 0.09 + 0.01 * 1;
    close(path[1][0] - path[0][0], -0.01 / (Math.sqrt(v2) + 1e-8));
    close(inner<RmsState>(state, 0).nu[0], v2);
  });
  await t.step("momentum accumulates the normalised steps from a zero buffer", () => {
    const opt = rmsprop({ lr: 0.1, alpha: 0.5, momentum: 0.5, eps: 1e-8 });
    assert.deepEqual(names(opt), ["scaleByRms", "momentum", "scaleByLearningRate"]);
    const { path } = run(opt, [0], [[2], [2]]);
    const u1 = 2 / (Math.sqrt(2) + 1e-8);
    const u2 = 2 / (Math.sqrt(3) + 1e-8); // v₂ = 1 + 2
    close(path[0][0], -0.1 * u1);
    close(path[1][0] - path[0][0], -0.1 * (0.5 * u1 + u2));
  });
  await t.step("centered divides by √(v − ḡ²)", () => {
    const opt = rmsprop({ lr: 1, alpha: 0.5, centered: true, eps: 1e-8 });
    const { path, state } = run(opt, [0], [[2], [4]]);
    close(path[0][0], -2 / (1 + 1e-8)); // v = 2, ḡ = 1
    close(path[1][0] - path[0][0], -4 / (Math.sqrt(9 - 6.25) + 1e-8));
    assert.deepEqual([...(inner<RmsState>(state, 0).mu as Float64Array)], [2.5]);
  });
  await t.step("weightDecay adds λw before the squares", () => {
    const opt = rmsprop({ lr: 0.1, alpha: 0.5, weightDecay: 1, eps: 1e-8 });
    assert.deepEqual(names(opt), ["addDecayedWeights", "scaleByRms", "scaleByLearningRate"]);
    // g' = 0 + 1·2 = 2, v = 2
    close(run(opt, [2], [[0]]).w[0], 2 - 0.1 * 2 / (Math.sqrt(2) + 1e-8));
  });
});

Deno.test("adadelta", async (t) => {
  await t.step("defaults η = 1, ρ = 0.9, ε = 1e-6: two steps by hand", () => {
    const opt = adadelta();
    assert.deepEqual(names(opt), ["scaleByAdadelta", "scaleByLearningRate"]);
    const { path } = run(opt, [0], [[1], [1]]);
    const d1 = (Math.sqrt(1e-6) / Math.sqrt(0.1 + 1e-6)) * 1;
    close(path[0][0], -d1);
    const D1 = 0.1 * d1 * d1;
    const d2 = Math.sqrt(D1 + 1e-6) / Math.sqrt(0.19 + 1e-6);
    close(path[1][0] - path[0][0], -d2);
  });
  await t.step("η scales the step without feeding back into the average of steps", () => {
    const grads = [[1], [2], [-1]];
    const one = run(adadelta(), [0], grads).path;
    const half = run(adadelta({ lr: 0.5 }), [0], grads).path;
    for (let t = 0; t < grads.length; t++) close(half[t][0], 0.5 * one[t][0]);
  });
  await t.step("weightDecay adds λw to the gradient", () => {
    const opt = adadelta({ weightDecay: 0.5 });
    assert.deepEqual(names(opt), ["addDecayedWeights", "scaleByAdadelta", "scaleByLearningRate"]);
    // g' = 1 + 0.5·2 = 2
    const { w } = run(opt, [2], [[1]]);
    close(w[0], 2 - (Math.sqrt(1e-6) / Math.sqrt(0.4 + 1e-6)) * 2);
  });
});

Deno.test("adam", async (t) => {
  await t.step("defaults η = 1e-3, β = (0.9, 0.999), ε = 1e-8: two steps by hand", () => {
    const opt = adam();
    assert.equal(opt.name, "adam");
    assert.deepEqual(names(opt), ["scaleByAdam", "scaleByLearningRate"]);
    const { path, state } = run(opt, [1], [[2], [-1]]);
    close(path[0][0], 1 - 1e-3 * 2 / (2 + 1e-8), 1e-13);
    const m = 0.9 * 0.2 - 0.1, v = 0.999 * 0.004 + 0.001;
    const step2 = 1e-3 * (m / 0.19) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** 2) + 1e-8);
    close(path[1][0], path[0][0] - step2, 1e-13);
    const s = inner<AdamState>(state, 0);
    close(s.mu[0], m);
    close(s.nu[0], v);
  });
  await t.step("coupled weight decay goes through the normalisation", () => {
    const opt = adam({ lr: 0.1, weightDecay: 0.5 });
    assert.deepEqual(names(opt), ["addDecayedWeights", "scaleByAdam", "scaleByLearningRate"]);
    // g' = 0 + 0.5·2 = 1 → the first step is ≈ η whatever λ is
    close(run(opt, [2], [[0]]).w[0], 2 - 0.1 / (1 + 1e-8), 1e-13);
  });
  await t.step("amsgrad keeps the largest second moment", () => {
    const opt = adam({ lr: 0.1, amsgrad: true });
    const { state } = run(opt, [0], [[2], [0], [0]]);
    const s = inner<AdamState>(state, 0);
    close((s.nuMax as Float64Array)[0], 0.004);
    close(s.nu[0], 0.999 ** 2 * 0.004);
    assert.equal(inner<AdamState>(adam().init(new Float64Array(1)), 0).nuMax, null);
  });
  await t.step("a zero gradient from the start makes no step and no NaN", () => {
    assert.deepEqual([...run(adam({ lr: 0.1 }), [3], [[0], [0]]).w], [3]);
  });
});

Deno.test("adamw", async (t) => {
  await t.step("default λ = 1e-2, decoupled: a zero gradient only decays", () => {
    const opt = adamw({ lr: 0.1 });
    assert.equal(opt.name, "adamw");
    assert.deepEqual(names(opt), ["scaleByAdam", "addDecayedWeights", "scaleByLearningRate"]);
    const { path } = run(opt, [2], [[0], [0]]);
    close(path[0][0], 2 * (1 - 0.1 * 1e-2));
    close(path[1][0], 2 * (1 - 0.1 * 1e-2) ** 2);
  });
  await t.step("w ← w − η(m̂/(√v̂ + ε) + λw)", () => {
    const { w } = run(adamw({ lr: 0.1, weightDecay: 0.5 }), [2], [[3]]);
    close(w[0], 2 - 0.1 * (3 / (3 + 1e-8) + 0.5 * 2), 1e-13);
  });
});

Deno.test("adagrad", async (t) => {
  await t.step("defaults η = 1e-2, ε = 1e-10: divide by √(Σg²)", () => {
    const opt = adagrad();
    assert.deepEqual(names(opt), ["scaleByAdagrad", "scaleByLearningRate"]);
    const { path } = run(opt, [0], [[3], [4]]);
    close(path[0][0], -0.01 * 3 / (3 + 1e-10));
    close(path[1][0] - path[0][0], -0.01 * 4 / (5 + 1e-10));
  });
  await t.step("lrDecay: step t uses η/(1 + t·δ)", () => {
    const { path } = run(adagrad({ lr: 1, lrDecay: 0.5 }), [0], [[3], [4], [12]]);
    close(path[0][0], -3 / (3 + 1e-10));
    close(path[1][0] - path[0][0], -(1 / 1.5) * 4 / (5 + 1e-10));
    close(path[2][0] - path[1][0], -(1 / 2) * 12 / (13 + 1e-10));
  });
  await t.step("initialAccumulatorValue and weightDecay", () => {
    const opt = adagrad({ lr: 1, initialAccumulatorValue: 16, weightDecay: 0.5 });
    assert.deepEqual(names(opt), ["addDecayedWeights", "scaleByAdagrad", "scaleByLearningRate"]);
    // g' = 1 + 0.5·4 = 3, s = 16 + 9
    close(run(opt, [4], [[1]]).w[0], 4 - 3 / (5 + 1e-10));
  });
});

const PER_COORDINATE: [string, () => Optimizer][] = [
  ["gradientDescent", () => gradientDescent({ lr: 0.1 })],
  ["notesMomentum", () => notesMomentum({ lr: 0.1 })],
  ["notesWeightDecay", () => notesWeightDecay({ lr: 0.1, lambda: 0.01 })],
  ["notesAdam", () => notesAdam({ lr: 0.1 })],
  ["sgd", () => sgd({ lr: 0.1, momentum: 0.9, dampening: 0.2, weightDecay: 0.1 })],
  ["sgd (chain)", () => sgd({ lr: 0.1, momentum: 0.9, nesterov: true, fused: false })],
  ["rmsprop", () => rmsprop({ momentum: 0.5, centered: true, weightDecay: 0.1 })],
  ["rmsprop (chain)", () => rmsprop({ momentum: 0.5, centered: true, fused: false })],
  ["adadelta", () => adadelta({ weightDecay: 0.1 })],
  ["adam", () => adam({ amsgrad: true, weightDecay: 0.1 })],
  ["adamw (chain)", () => adamw({ amsgrad: true, fused: false })],
  ["adagrad", () => adagrad({ lrDecay: 0.1, initialAccumulatorValue: 0.1 })],
];

Deno.test("per-coordinate optimizers treat every coordinate of a long vector alike", async (t) => {
  const n = 2 * BLOCK_SIZE + 7;
  const g = (t: number, i: number, w: number) => Math.sin(0.37 * i + 1.3 * t) + 0.2 * w;
  for (const [name, make] of PER_COORDINATE) {
    await t.step(name, () => {
      const long = make();
      const w = new Float64Array(n).map((_, i) => Math.cos(i));
      const state = long.init(w);
      const grads = new Float64Array(n);
      for (let t = 0; t < 6; t++) {
        for (let i = 0; i < n; i++) grads[i] = g(t, i, w[i]);
        long.step(w, grads, state);
      }
      for (const i of [0, 1, BLOCK_SIZE - 1, BLOCK_SIZE, 2 * BLOCK_SIZE, n - 1]) {
        const one = make();
        const wi = new Float64Array([Math.cos(i)]);
        const si = one.init(wi);
        for (let t = 0; t < 6; t++) one.step(wi, new Float64Array([g(t, i, wi[0])]), si);
        assert.equal(w[i], wi[0], `${name}: coordinate ${i}`);
      }
    });
  }
});

Deno.test("every optimizer: fresh states, counts, and independent runs", async (t) => {
  const all: [string, () => Optimizer][] = [
    ...PER_COORDINATE,
    ["notesRmsprop", () => notesRmsprop({ lr: 0.1 })],
    ["notesAdadelta", () => notesAdadelta()],
  ];
  for (const [name, make] of all) {
    await t.step(name, () => {
      const opt = make();
      const w0 = [0.5, -1, 2];
      const grads = [[1, 2, 3], [-1, 0.5, 0], [0.25, -2, 1]];
      const a = run(opt, w0, grads);
      const b = run(opt, w0, grads); // a second state from the same optimizer
      assert.deepEqual(a.path, b.path, `${name}: two runs from fresh states differ`);
      assert.equal(a.state.count, 3);
      assert.equal(a.state.size, 3);
      assert.equal(a.state.inner.length, opt.transforms.length);
      assert.ok(a.path.every((w) => w.every(Number.isFinite)));
      assert.notDeepEqual(a.path[2], w0, `${name}: did not move`);
    });
  }
});
