// The building blocks, one at a time: first steps against hand-computed values,
// the state they keep against hand formulas, and how `chain` drives them.

import assert from "node:assert/strict";
import {
  type AdadeltaState,
  type AdagradState,
  type AdamState,
  addDecayedWeights,
  chain,
  ema,
  type EmaState,
  fuse,
  type GradientTransformation,
  type LearningRateState,
  momentum,
  type MomentumState,
  type NormAdadeltaState,
  type NormRmsState,
  type Optimizer,
  type OptimizerState,
  type RmsState,
  scale,
  scaleByAdadelta,
  scaleByAdagrad,
  scaleByAdam,
  scaleByLearningRate,
  scaleByNormAdadelta,
  scaleByNormRms,
  scaleByRms,
  stateOf,
} from "@better-gradients/lib";
// Internals, not exported from lib/mod.ts.
import { beginStep, BLOCK_SIZE } from "../lib/transforms/chain.ts";
import { closeWithin } from "./_helpers.ts";

const vec = (...xs: number[]) => new Float64Array(xs);

/** |actual − expected| ≤ tol·max(1, |expected|), tol = 1e-14 unless given. */
const close = closeWithin(1e-14);

function closeAll(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-14): void {
  assert.equal(actual.length, expected.length, "length");
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], tol, `[${i}]`);
}

/**
 * Steps `opt` from `w0` through `grads`. Returns the final params, the state,
 * and the update u = w_before − w_after of every step.
 */
function run(opt: Optimizer, w0: number[], grads: number[][]) {
  const w = Float64Array.from(w0);
  const state = opt.init(w);
  const updates: number[][] = [];
  for (const g of grads) {
    const before = w.slice();
    const gv = Float64Array.from(g);
    opt.step(w, gv, state);
    assert.deepEqual([...gv], g, "grads must not be modified by a step");
    updates.push([...before].map((x, i) => x - w[i]));
  }
  return { w, state, updates };
}

/** The inner state of block `j`. */
function inner<S>(state: OptimizerState, j = 0): S {
  return state.inner[j] as S;
}

Deno.test("scale", async (t) => {
  await t.step("multiplies every coordinate by the factor", () => {
    const { updates, state } = run(chain("s", scale(0.5)), [1, 2, 3], [[2, -4, 0.25]]);
    assert.deepEqual(updates[0], [1, -2, 0.125]);
    assert.equal(inner(state), null);
  });
  await t.step("a negative factor ascends, zero stands still", () => {
    assert.deepEqual(run(chain("s", scale(-2)), [0], [[3]]).w[0], 6);
    assert.deepEqual([...run(chain("s", scale(0)), [1, -1], [[5, 5]]).w], [1, -1]);
  });
  await t.step("is stateless and named", () => {
    const s = scale(3);
    assert.equal(s.name, "scale");
    assert.equal(s.init(vec(1)), null);
    assert.equal(s.prepare, undefined);
    assert.notEqual(s.wholeVector, true);
  });
});

Deno.test("scaleByLearningRate", async (t) => {
  await t.step("a constant η multiplies the gradient", () => {
    const { w, state } = run(chain("gd", scaleByLearningRate(0.25)), [1, 1], [[4, -8], [4, -8]]);
    assert.deepEqual([...w], [-1, 5]);
    assert.equal(inner<LearningRateState>(state).lr, 0.25);
  });
  await t.step("a schedule is evaluated once per step at t = 0, 1, 2, …", () => {
    const calls: number[] = [];
    const schedule = (t: number) => {
      calls.push(t);
      return 1 / (t + 1);
    };
    const tr = scaleByLearningRate(schedule);
    const opt = chain("gd", tr);
    const w = vec(0, 0, 0);
    const state = opt.init(w);
    assert.equal(inner<LearningRateState>(state).lr, 1, "init records η_0");
    calls.length = 0;
    for (let t = 0; t < 3; t++) {
      opt.step(w, vec(6, 6, 6), state);
      close(inner<LearningRateState>(state).lr, 1 / (t + 1));
    }
    assert.deepEqual(calls, [0, 1, 2], "one call per step, not per coordinate");
    close(w[0], -(6 + 3 + 2));
  });
  await t.step("a schedule returning 0 makes a zero step", () => {
    const { w } = run(chain("gd", scaleByLearningRate(() => 0)), [2], [[100]]);
    assert.equal(w[0], 2);
  });
});

Deno.test("addDecayedWeights", async (t) => {
  await t.step("adds λ·w, with w the params before the step", () => {
    const { updates, state } = run(chain("wd", addDecayedWeights(0.5)), [2, -4], [[1, 1]]);
    assert.deepEqual(updates[0], [2, -1]);
    assert.equal(inner(state), null);
  });
  await t.step("λ = 0 leaves the update alone", () => {
    assert.deepEqual(run(chain("wd", addDecayedWeights(0)), [3, 4], [[1, 2]]).updates[0], [1, 2]);
  });
  await t.step("coupled (before η) vs after η: w − η(g + λw) vs w − ηg − λw", () => {
    const eta = 0.1, lambda = 0.5, w0 = 2, g = 3;
    const coupled = run(chain("l2", addDecayedWeights(lambda), scaleByLearningRate(eta)), [w0], [
      [g],
    ]);
    const after = run(chain("notes", scaleByLearningRate(eta), addDecayedWeights(lambda)), [w0], [
      [g],
    ]);
    close(coupled.w[0], w0 - eta * (g + lambda * w0));
    close(after.w[0], w0 - eta * g - lambda * w0);
  });
});

Deno.test("momentum", async (t) => {
  await t.step("buffer from zeros: buf₁ = (1 − τ)u, then μ·buf + (1 − τ)u", () => {
    const { updates, state } = run(chain("m", momentum({ decay: 0.5, dampening: 0.5 })), [0], [
      [2],
      [2],
      [4],
    ]);
    // buf: 1, 0.5·1 + 1 = 1.5, 0.5·1.5 + 2 = 2.75
    assert.deepEqual(updates, [[1], [1.5], [2.75]]);
    assert.deepEqual([...inner<MomentumState>(state).buf], [2.75]);
  });
  await t.step("start: 'first' copies the first update undamped (PyTorch)", () => {
    const opt = chain("m", momentum({ decay: 0.5, dampening: 0.5, start: "first" }));
    const { updates } = run(opt, [0], [[2], [2], [4]]);
    // buf: 2, 0.5·2 + 1 = 2, 0.5·2 + 2 = 3
    assert.deepEqual(updates, [[2], [2], [3]]);
  });
  await t.step("without dampening the two starts agree", () => {
    const grads = [[1, -2], [3, 0.5], [-1, 1]];
    const a = run(chain("m", momentum({ decay: 0.7 })), [0, 0], grads);
    const b = run(chain("m", momentum({ decay: 0.7, start: "first" })), [0, 0], grads);
    assert.deepEqual([...a.w], [...b.w]);
  });
  await t.step("Nesterov returns u + μ·buf", () => {
    const opt = chain("m", momentum({ decay: 0.5, nesterov: true }));
    const { updates, state } = run(opt, [0], [[2], [2]]);
    // buf₁ = 2 → 2 + 1 = 3; buf₂ = 1 + 2 = 3 → 2 + 1.5 = 3.5
    assert.deepEqual(updates, [[3], [3.5]]);
    assert.deepEqual([...inner<MomentumState>(state).buf], [3]);
  });
  await t.step("decay 0 passes (1 − τ)u through", () => {
    const { updates } = run(chain("m", momentum({ decay: 0, dampening: 0.25 })), [0], [[4], [8]]);
    assert.deepEqual(updates, [[3], [6]]);
  });
  await t.step("the buffer is a geometric sum of the past updates", () => {
    const mu = 0.9;
    const grads = [[1], [-2], [0.5], [4], [3]];
    const { updates } = run(chain("m", momentum({ decay: mu })), [0], grads);
    for (let t = 0; t < grads.length; t++) {
      let sum = 0;
      for (let s = 0; s <= t; s++) sum += mu ** (t - s) * grads[s][0];
      close(updates[t][0], sum, 1e-13);
    }
  });
  await t.step("'first' start copies every block of a long vector on step 0", () => {
    const n = 2 * BLOCK_SIZE + 3;
    const opt = chain("m", momentum({ decay: 0.5, dampening: 0.5, start: "first" }));
    const w = new Float64Array(n);
    const state = opt.init(w);
    opt.step(w, new Float64Array(n).fill(2), state);
    opt.step(w, new Float64Array(n).fill(2), state);
    for (let i = 0; i < n; i++) assert.equal(w[i], -4, `coordinate ${i}`);
  });
  await t.step("state.started: false during the first step, true from the second on", () => {
    const tr = momentum({ decay: 0.5 });
    const s = tr.init(vec(1, 2));
    assert.equal(s.started, false);
    assert.deepEqual([...s.buf], [0, 0]);
    // a block after the momentum records the flag while each step runs
    const seen: boolean[] = [];
    const spy: GradientTransformation<null> = {
      name: "spy",
      init: () => null,
      update() {
        seen.push(inner<MomentumState>(state).started);
      },
    };
    const opt = chain("m", tr, spy);
    const w = vec(0, 0);
    const state = opt.init(w);
    for (let t = 0; t < 3; t++) opt.step(w, vec(1, 1), state);
    assert.deepEqual(seen, [false, true, true]);
  });
});

Deno.test("ema", async (t) => {
  await t.step("without debias the output is the raw average", () => {
    const { updates, state } = run(chain("e", ema({ decay: 0.5 })), [0], [[4], [4], [0]]);
    // m: 2, 3, 1.5
    assert.deepEqual(updates, [[2], [3], [1.5]]);
    assert.deepEqual([...inner<EmaState>(state).mu], [1.5]);
    assert.equal(inner<EmaState>(state).correction, 1);
  });
  await t.step("debias divides the output, not the stored average, by 1 − α^(t+1)", () => {
    const { updates, state } = run(chain("e", ema({ decay: 0.5, debias: true })), [0], [[4], [4]]);
    assert.deepEqual(updates, [[4], [4]]);
    assert.deepEqual([...inner<EmaState>(state).mu], [3], "stored m₂ = 3 is not debiased");
    assert.equal(inner<EmaState>(state).correction, 1 / (1 - 0.25));
  });
  await t.step("decay 0 is the identity, debiased or not", () => {
    for (const debias of [false, true]) {
      const { updates } = run(chain("e", ema({ decay: 0, debias })), [0, 0], [[1, -2], [3, 5]]);
      assert.deepEqual(updates, [[1, -2], [3, 5]]);
    }
  });
  await t.step("debiased average of two steps: (α(1−α)g₀ + (1−α)g₁)/(1 − α²)", () => {
    const a = 0.9;
    const { updates } = run(chain("e", ema({ decay: a, debias: true })), [0], [[10], [-5]]);
    close(updates[1][0], (a * (1 - a) * 10 + (1 - a) * -5) / (1 - a * a));
  });
});

Deno.test("scaleByRms", async (t) => {
  const eps = 1e-8;
  await t.step("per coordinate, ε outside the root; the stored average is not debiased", () => {
    const { updates, state } = run(chain("r", scaleByRms({ decay: 0.5, eps })), [0, 0], [[2, -4]]);
    closeAll(updates[0], [2 / (Math.sqrt(2) + eps), -4 / (Math.sqrt(8) + eps)]);
    assert.deepEqual([...inner<RmsState>(state).nu], [2, 8]);
    assert.equal(inner<RmsState>(state).mu, null);
    assert.equal(inner<RmsState>(state).correction, 1);
  });
  await t.step("second step: v = αv + (1 − α)g²", () => {
    const { updates, state } = run(chain("r", scaleByRms({ decay: 0.5, eps })), [0], [[2], [1]]);
    // v₁ = 2, v₂ = 1 + 0.5 = 1.5
    close(updates[1][0], 1 / (Math.sqrt(1.5) + eps));
    assert.deepEqual([...inner<RmsState>(state).nu], [1.5]);
  });
  await t.step("epsInside: u/√(v + ε)", () => {
    const opt = chain("r", scaleByRms({ decay: 0.5, eps: 0.25, epsInside: true }));
    const { updates } = run(opt, [0], [[2]]);
    assert.equal(updates[0][0], 2 / Math.sqrt(2.25));
  });
  await t.step("debias: the first step is g/(|g| + ε)", () => {
    const opt = chain("r", scaleByRms({ decay: 0.5, eps, debias: true }));
    const { updates, state } = run(opt, [0, 0], [[2, -4]]);
    closeAll(updates[0], [2 / (2 + eps), -4 / (4 + eps)]);
    assert.deepEqual([...inner<RmsState>(state).nu], [2, 8], "stored average not debiased");
    assert.equal(inner<RmsState>(state).correction, 2);
  });
  await t.step("centered: divides by √(v − m²)", () => {
    const opt = chain("r", scaleByRms({ decay: 0.5, eps, centered: true }));
    const { updates, state } = run(opt, [0], [[2], [4]]);
    // step 1: v = 2, m = 1 → √(2 − 1) = 1
    close(updates[0][0], 2 / (1 + eps));
    // step 2: v = 1 + 8 = 9, m = 0.5 + 2 = 2.5 → √(9 − 6.25)
    close(updates[1][0], 4 / (Math.sqrt(2.75) + eps));
    assert.deepEqual([...inner<RmsState>(state).nu], [9]);
    assert.deepEqual([...(inner<RmsState>(state).mu as Float64Array)], [2.5]);
  });
  await t.step("initialValue starts the average", () => {
    const opt = chain("r", scaleByRms({ decay: 0.5, eps, initialValue: 1 }));
    const { updates, state } = run(opt, [0], [[2]]);
    close(updates[0][0], 2 / (Math.sqrt(2.5) + eps));
    assert.deepEqual([...inner<RmsState>(state).nu], [2.5]);
  });
  await t.step("a zero gradient gives a zero update, not NaN", () => {
    const { updates } = run(chain("r", scaleByRms({ decay: 0.9, eps })), [0], [[0], [0]]);
    assert.deepEqual(updates, [[0], [0]]);
  });
});

Deno.test("scaleByNormRms", async (t) => {
  const eps = 1e-8;
  await t.step("divides the whole vector by √(EMA(‖u‖²) + ε)", () => {
    const opt = chain("n", scaleByNormRms({ decay: 0.75, eps }));
    const { updates, state } = run(opt, [0, 0], [[3, 4], [0, 1]]);
    const f1 = 1 / Math.sqrt(6.25 + eps);
    closeAll(updates[0], [3 * f1, 4 * f1]);
    // s₂ = 0.75·6.25 + 0.25·1
    closeAll(updates[1], [0, 1 / Math.sqrt(4.9375 + eps)]);
    assert.equal(inner<NormRmsState>(state).nu, 4.9375);
  });
  await t.step("keeps the direction of u", () => {
    const { updates } = run(chain("n", scaleByNormRms({ decay: 0.9, eps })), [0, 0, 0], [
      [1, -2, 3],
    ]);
    close(updates[0][1] / updates[0][0], -2);
    close(updates[0][2] / updates[0][0], 3);
  });
  await t.step("debias: the first step has length ≈ 1", () => {
    const opt = chain("n", scaleByNormRms({ decay: 0.75, eps, debias: true }));
    const { updates, state } = run(opt, [0, 0], [[3, 4]]);
    closeAll(updates[0], [3 / Math.sqrt(25 + eps), 4 / Math.sqrt(25 + eps)]);
    assert.equal(inner<NormRmsState>(state).nu, 6.25, "stored average not debiased");
  });
  await t.step("is a whole-vector block: the norm spans every chain block", () => {
    assert.equal(scaleByNormRms({ decay: 0.5, eps }).wholeVector, true);
    const n = 2 * BLOCK_SIZE + 5;
    const opt = chain("n", scaleByNormRms({ decay: 0.75, eps }));
    const w = new Float64Array(n);
    const state = opt.init(w);
    assert.equal(state.scratch.length, n);
    opt.step(w, new Float64Array(n).fill(1), state);
    const expected = -1 / Math.sqrt(0.25 * n + eps);
    for (let i = 0; i < n; i++) close(w[i], expected, 1e-14, `coordinate ${i}`);
  });
});

Deno.test("scaleByAdadelta", async (t) => {
  await t.step("two steps against Zeiler's recursion", () => {
    const rho = 0.9, eps = 1e-6;
    const opt = chain("ad", scaleByAdadelta({ rho, eps }));
    const { updates, state } = run(opt, [0], [[2], [1]]);
    const v1 = 0.1 * 4;
    const d1 = (Math.sqrt(eps) / Math.sqrt(v1 + eps)) * 2;
    const D1 = 0.1 * d1 * d1;
    const v2 = rho * v1 + 0.1 * 1;
    const d2 = (Math.sqrt(D1 + eps) / Math.sqrt(v2 + eps)) * 1;
    close(updates[0][0], d1);
    close(updates[1][0], d2);
    const s = inner<AdadeltaState>(state);
    close(s.nu[0], v2);
    close(s.delta[0], rho * D1 + 0.1 * d2 * d2);
  });
  await t.step("ρ = 0 forgets the past: Δ = √(D + ε)/√(g² + ε)·g", () => {
    const eps = 1e-2;
    const { updates } = run(chain("ad", scaleByAdadelta({ rho: 0, eps })), [0], [[3], [3]]);
    const d1 = (Math.sqrt(eps) / Math.sqrt(9 + eps)) * 3;
    close(updates[0][0], d1);
    close(updates[1][0], (Math.sqrt(d1 * d1 + eps) / Math.sqrt(9 + eps)) * 3);
  });
});

Deno.test("scaleByNormAdadelta", async (t) => {
  await t.step("two steps; the average of steps includes η", () => {
    const lr = 0.5, a = 0.9, eps1 = 1e-6, eps2 = 1e-4;
    const opt = chain("nad", scaleByNormAdadelta({ lr, decay: a, eps1, eps2 }));
    const { updates, state } = run(opt, [0, 0], [[3, 4], [1, 0]]);
    const nu1 = 0.1 * 25;
    const f1 = (lr * Math.sqrt(eps2)) / Math.sqrt(nu1 + eps1);
    const delta1 = 0.1 * f1 * f1 * 25;
    const nu2 = a * nu1 + 0.1 * 1;
    const f2 = (lr * Math.sqrt(delta1 + eps2)) / Math.sqrt(nu2 + eps1);
    closeAll(updates[0], [3 * f1, 4 * f1]);
    closeAll(updates[1], [f2, 0]);
    const s = inner<NormAdadeltaState>(state);
    close(s.nu, nu2);
    close(s.delta, a * delta1 + 0.1 * f2 * f2 * 1);
    assert.equal(s.lr, lr);
  });
  await t.step("a schedule sets η per step", () => {
    const opt = chain(
      "nad",
      scaleByNormAdadelta({ lr: (t) => 2 ** -t, decay: 0.5, eps1: 1e-6, eps2: 1e-6 }),
    );
    const { state } = run(opt, [0], [[1], [1], [1]]);
    assert.equal(inner<NormAdadeltaState>(state).lr, 0.25);
  });
  await t.step("is a whole-vector block", () => {
    assert.equal(
      scaleByNormAdadelta({ lr: 1, decay: 0.5, eps1: 1, eps2: 1 }).wholeVector,
      true,
    );
  });
});

Deno.test("scaleByAdam", async (t) => {
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  await t.step("first step: m̂/(√v̂ + ε) = g/(|g| + ε); the stored moments are not debiased", () => {
    const opt = chain("a", scaleByAdam({ b1, b2, eps }));
    const { updates, state } = run(opt, [0, 0], [[2, -0.5]]);
    closeAll(updates[0], [2 / (2 + eps), -0.5 / (0.5 + eps)], 1e-12);
    const s = inner<AdamState>(state);
    closeAll(s.mu, [0.2, -0.05]);
    closeAll(s.nu, [0.004, 0.00025]);
    assert.equal(s.nuMax, null);
    close(s.bc1, 1 - b1);
    close(s.bc2Sqrt, Math.sqrt(1 - b2));
  });
  await t.step("second step against the hand formula", () => {
    const opt = chain("a", scaleByAdam({ b1, b2, eps }));
    const { updates, state } = run(opt, [0], [[2], [-1]]);
    const m = b1 * 0.2 + (1 - b1) * -1;
    const v = b2 * 0.004 + (1 - b2) * 1;
    const expected = m / (1 - b1 ** 2) / (Math.sqrt(v) / Math.sqrt(1 - b2 ** 2) + eps);
    close(updates[1][0], expected, 1e-13);
    close(inner<AdamState>(state).mu[0], m);
    close(inner<AdamState>(state).nu[0], v);
  });
  await t.step("amsgrad divides by the running maximum of v", () => {
    const ams = chain("a", scaleByAdam({ b1, b2, eps, amsgrad: true }));
    const plain = chain("a", scaleByAdam({ b1, b2, eps }));
    const grads = [[2], [0]];
    const a = run(ams, [0], grads), p = run(plain, [0], grads);
    const s = inner<AdamState>(a.state);
    close(s.nu[0], b2 * 0.004);
    close((s.nuMax as Float64Array)[0], 0.004, 1e-15, "the maximum stays at v₁");
    const m = b1 * 0.2;
    const bc2Sqrt = Math.sqrt(1 - b2 ** 2);
    close(a.updates[1][0], m / (1 - b1 ** 2) / (Math.sqrt(0.004) / bc2Sqrt + eps), 1e-13);
    close(p.updates[1][0], m / (1 - b1 ** 2) / (Math.sqrt(b2 * 0.004) / bc2Sqrt + eps), 1e-13);
    assert.ok(a.updates[1][0] < p.updates[1][0]);
  });
  await t.step("epsInside: m̂/√(v̂ + ε)", () => {
    const opt = chain("a", scaleByAdam({ b1, b2, eps: 0.25, epsInside: true }));
    const { updates } = run(opt, [0], [[1]]);
    close(updates[0][0], 1 / Math.sqrt(1 + 0.25));
  });
  await t.step("b1 = 0 and a zero gradient: zero update, no NaN", () => {
    const opt = chain("a", scaleByAdam({ b1: 0, b2, eps }));
    const { updates } = run(opt, [0, 0], [[0, 3], [0, 3]]);
    assert.deepEqual(updates[0][0], 0);
    close(updates[1][1], 3 / (3 + eps), 1e-13);
  });
});

Deno.test("scaleByAdagrad", async (t) => {
  const eps = 1e-10;
  await t.step("divides by the root of the sum of squares, ε outside", () => {
    const { updates, state } = run(chain("ag", scaleByAdagrad({ eps })), [0], [[3], [4]]);
    close(updates[0][0], 3 / (3 + eps));
    close(updates[1][0], 4 / (5 + eps));
    assert.deepEqual([...inner<AdagradState>(state).sum], [25]);
  });
  await t.step("initialAccumulatorValue starts the sum", () => {
    const opt = chain("ag", scaleByAdagrad({ eps, initialAccumulatorValue: 16 }));
    assert.deepEqual([...inner<AdagradState>(opt.init(vec(0, 0))).sum], [16, 16]);
    close(run(opt, [0], [[3]]).updates[0][0], 3 / (5 + eps));
  });
});

/** A per-coordinate (or whole-vector) block that records how the chain calls it. */
function recorder(log: string[], wholeVector = false): GradientTransformation<{ steps: number[] }> {
  return {
    name: "recorder",
    wholeVector,
    init: () => ({ steps: [] }),
    prepare(state, t) {
      state.steps.push(t);
      log.push(`prepare ${t}`);
    },
    update(u, lo, hi) {
      log.push(`update ${lo}-${hi} (${u.length})`);
    },
  };
}

Deno.test("chain", async (t) => {
  await t.step("an empty chain is w ← w − g", () => {
    assert.deepEqual([...run(chain("id"), [1, 2], [[0.5, -1]]).w], [0.5, 3]);
  });
  await t.step("blocks apply in order", () => {
    // (g·2) + w = 2 + 1 vs (g + w)·2 = 4
    assert.deepEqual(run(chain("a", scale(2), addDecayedWeights(1)), [1], [[1]]).updates, [[3]]);
    assert.deepEqual(run(chain("b", addDecayedWeights(1), scale(2)), [1], [[1]]).updates, [[4]]);
  });
  await t.step("init: a fresh state, params untouched", () => {
    const opt = chain("m", momentum({ decay: 0.5 }), scaleByLearningRate(0.1));
    const w = vec(1, 2, 3);
    const state = opt.init(w);
    assert.deepEqual([...w], [1, 2, 3]);
    assert.equal(state.count, 0);
    assert.equal(state.size, 3);
    assert.equal(state.inner.length, 2);
    assert.equal(state.scratch.length, 3);
    assert.equal(opt.name, "m");
    assert.equal(opt.transforms.length, 2);
    assert.notEqual(opt.init(w).inner[0], state.inner[0], "every init is a new state");
  });
  await t.step("count advances by one per step", () => {
    const { state } = run(chain("gd", scaleByLearningRate(1)), [0], [[1], [1], [1]]);
    assert.equal(state.count, 3);
  });
  await t.step("per-coordinate blocks see the vector in blocks of BLOCK_SIZE", () => {
    const n = 2 * BLOCK_SIZE + 5;
    const log: string[] = [];
    const opt = chain("r", recorder(log), scale(0.5));
    const w = new Float64Array(n).fill(1);
    const state = opt.init(w);
    assert.equal(state.scratch.length, BLOCK_SIZE);
    opt.step(w, new Float64Array(n).fill(2), state);
    opt.step(w, new Float64Array(n).fill(2), state);
    const blocks = [
      `update 0-${BLOCK_SIZE} (${BLOCK_SIZE})`,
      `update ${BLOCK_SIZE}-${2 * BLOCK_SIZE} (${BLOCK_SIZE})`,
      `update ${2 * BLOCK_SIZE}-${n} (${BLOCK_SIZE})`,
    ];
    assert.deepEqual(log, ["prepare 0", ...blocks, "prepare 1", ...blocks]);
    assert.ok(w.every((x) => x === -1), "every coordinate took both steps");
  });
  await t.step("one whole-vector block makes the chain pass everything at once", () => {
    const n = BLOCK_SIZE + 7;
    const log: string[] = [];
    const opt = chain("r", recorder(log), recorder(log, true));
    const w = new Float64Array(n);
    opt.step(w, new Float64Array(n), opt.init(w));
    assert.deepEqual(log, [
      "prepare 0",
      "prepare 0",
      `update 0-${n} (${n})`,
      `update 0-${n} (${n})`,
    ]);
  });
  await t.step("update sees the params of its block as they were before the step", () => {
    const n = BLOCK_SIZE + 3;
    const seen: number[] = [];
    const spy: GradientTransformation<null> = {
      name: "spy",
      init: () => null,
      update(_u, lo, hi, _s, params) {
        for (let i = lo; i < hi; i++) seen[i] = params[i];
      },
    };
    const opt = chain("spy", scale(1), spy);
    const w = new Float64Array(n).map((_, i) => i);
    const state = opt.init(w);
    opt.step(w, new Float64Array(n).fill(1), state);
    assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i));
    opt.step(w, new Float64Array(n).fill(1), state);
    assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i - 1));
  });
  await t.step("a whole-vector block sees every coordinate as it was before the step", () => {
    const n = BLOCK_SIZE + 3;
    let seen: number[] = [];
    const spy: GradientTransformation<null> = {
      name: "spy",
      wholeVector: true,
      init: () => null,
      update(_u, _lo, _hi, _s, params) {
        seen = [...params];
      },
    };
    const opt = chain("spy", scale(1), spy);
    const w = new Float64Array(n).map((_, i) => i);
    const state = opt.init(w);
    opt.step(w, new Float64Array(n).fill(1), state);
    opt.step(w, new Float64Array(n).fill(1), state);
    assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i - 1));
  });
  await t.step("the same chain on a long vector equals it on each coordinate alone", () => {
    const n = BLOCK_SIZE + 11;
    const make = () =>
      chain(
        "adam-like",
        addDecayedWeights(0.01),
        scaleByAdam({ b1: 0.9, b2: 0.99, eps: 1e-8 }),
        momentum({ decay: 0.5 }),
        scaleByLearningRate(0.1),
      );
    const long = make();
    const w = new Float64Array(n).map((_, i) => Math.sin(i));
    const state = long.init(w);
    const g = (t: number, i: number) => Math.cos(0.3 * i + t);
    for (let t = 0; t < 5; t++) long.step(w, new Float64Array(n).map((_, i) => g(t, i)), state);
    for (const i of [0, 1, BLOCK_SIZE - 1, BLOCK_SIZE, n - 1]) {
      const one = make();
      const wi = vec(Math.sin(i));
      const si = one.init(wi);
      for (let t = 0; t < 5; t++) one.step(wi, vec(g(t, i)), si);
      assert.equal(w[i], wi[0], `coordinate ${i}`);
    }
  });
});

Deno.test("beginStep and fuse", async (t) => {
  await t.step("beginStep prepares every block with t = count and returns t", () => {
    const log: string[] = [];
    const blocks = [recorder(log), recorder(log)];
    const opt = chain("r", ...blocks);
    const w = vec(0);
    const state = opt.init(w);
    state.count = 7;
    assert.equal(beginStep(opt.transforms, w, vec(1), state), 7);
    assert.deepEqual(log, ["prepare 7", "prepare 7"]);
    assert.equal(state.count, 7, "beginStep does not advance the count");
  });
  await t.step("a fused step shares init, transforms and state with its chain", () => {
    const gd = chain("gd", scaleByLearningRate((t) => 1 / (t + 1)));
    const fast = fuse(gd, (w, g, state) => {
      const lr = (state.inner[0] as LearningRateState).lr;
      for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
    });
    assert.equal(fast.name, "gd");
    assert.equal(fast.transforms, gd.transforms);
    const a = vec(0, 0), b = vec(0, 0);
    const sa = fast.init(a), sb = gd.init(b);
    for (let t = 0; t < 3; t++) {
      fast.step(a, vec(6, -6), sa);
      gd.step(b, vec(6, -6), sb);
    }
    assert.deepEqual([...a], [...b]);
    assert.deepEqual([...a], [-11, 11]);
    assert.equal(sa.count, 3);
    // the two steps can take turns on one state
    fast.step(a, vec(4, 4), sb);
    assert.equal(sb.count, 4);
    close(a[0], -12);
  });
  await t.step("a fused step runs the chain's checks before its kernel", () => {
    let called = 0;
    const fast = fuse(chain("gd", scaleByLearningRate(1)), () => {
      called++;
    });
    const w = vec(0, 0);
    const state = fast.init(w);
    assert.throws(() => fast.step(w, vec(1), state), RangeError);
    assert.throws(() => fast.step(vec(0), vec(1), state), RangeError);
    assert.equal(called, 0);
    assert.equal(state.count, 0);
  });
});

Deno.test("stateOf finds a block's state by the block", async (t) => {
  await t.step("wherever the options put the block", () => {
    const trace = momentum({ decay: 0.5 });
    for (
      const opt of [
        chain("a", trace, scaleByLearningRate(1)),
        chain("b", addDecayedWeights(0.1), scale(2), trace, scaleByLearningRate(1)),
      ]
    ) {
      const buffer = stateOf(opt, trace);
      const w = vec(1, 1);
      const state = opt.init(w);
      opt.step(w, vec(1, 2), state);
      assert.equal(buffer(state), state.inner[opt.transforms.indexOf(trace)]);
      assert.ok(buffer(state).buf[1] > 0, opt.name);
    }
  });
  await t.step("refuses a block that is not in the chain, or is in it twice", () => {
    const lr = scaleByLearningRate(1);
    const opt = chain("gd", lr);
    assert.throws(
      () => stateOf(opt, scale(1)),
      (e: unknown) =>
        e instanceof RangeError && e.message.includes("`block`") &&
        e.message.includes("scaleByLearningRate") && e.message.includes("got scale"),
    );
    const twice = scale(0.5);
    assert.throws(
      () => stateOf(chain("twice", twice, twice), twice),
      (e: unknown) => e instanceof RangeError && e.message.includes("more than once"),
    );
    assert.throws(() => stateOf({} as never, lr), TypeError);
  });
  await t.step("refuses a state another optimizer made", () => {
    const lr = scaleByLearningRate(1);
    const a = chain("a", lr), b = chain("b", lr);
    const read = stateOf(a, lr);
    assert.throws(
      () => read(b.init(vec(0))),
      (e: unknown) =>
        e instanceof TypeError && e.message.includes("`state`") && e.message.includes("a #"),
    );
    assert.throws(() => read(null as never), TypeError);
    assert.equal(read(a.init(vec(0))).lr, 1);
  });
});

Deno.test("an optimizer reports η_t by its learning-rate blocks", async (t) => {
  await t.step("the block's η_t, schedules evaluated; a fused step reports the same", () => {
    const eta = scaleByLearningRate((s) => 1 / (s + 1));
    const gd = chain("gd", momentum({ decay: 0.9 }), eta);
    const rate = stateOf(gd, eta);
    const fast = fuse(gd, (w, g, state) => {
      for (let i = 0; i < w.length; i++) w[i] -= rate(state).lr * g[i];
    });
    const w = vec(0);
    const state = gd.init(w);
    assert.equal(gd.learningRate!(state), 1);
    fast.step(w, vec(1), state);
    fast.step(w, vec(1), state);
    assert.equal(fast.learningRate!(state), 0.5);
    assert.equal(gd.learningRate!(state), 0.5);
  });
  await t.step("the product of several, undefined for none, the notes' AdaDelta's own η", () => {
    const two = chain("two", scaleByLearningRate(0.5), scale(3), scaleByLearningRate(0.25));
    assert.equal(two.learningRate!(two.init(vec(0))), 0.125);
    const none = chain("none", scale(3));
    assert.equal(none.learningRate!(none.init(vec(0))), undefined);
    const nad = chain(
      "nad",
      scaleByNormAdadelta({ lr: (s) => 2 ** -s, decay: 0.9, eps1: 1e-6, eps2: 1e-6 }),
    );
    const w = vec(1);
    const state = nad.init(w);
    nad.step(w, vec(1), state);
    nad.step(w, vec(1), state);
    assert.equal(nad.learningRate!(state), 0.5);
  });
});
