// Learning-rate schedules: their values against the closed forms, the edges
// (t = 0, the end of a warm-up or a decay, boundaries of joined pieces), and the
// conventions they share with PyTorch's schedulers and the lecture notes.

import assert from "node:assert/strict";
import {
  constant,
  cosineDecay,
  exponentialDecay,
  gradientDescent,
  inversePower,
  joinSchedules,
  linearWarmup,
  type Schedule,
  stepDecay,
} from "@better-gradients/lib";
import { closeWithin } from "./_helpers.ts";

/** |actual − expected| ≤ tol·max(1, |expected|), tol = 1e-15 unless given. */
const close = closeWithin(1e-15);

const values = (s: Schedule, ts: number[]) => ts.map((t) => s(t));

Deno.test("constant", async (t) => {
  await t.step("the same value at every step", () => {
    assert.deepEqual(values(constant(0.3), [0, 1, 17, 1e6]), [0.3, 0.3, 0.3, 0.3]);
  });
});

Deno.test("stepDecay", async (t) => {
  const s = stepDecay({ lr: 0.8, gamma: 0.5, stepSize: 3 });
  await t.step("η₀·γ^⌊t/K⌋", () => {
    assert.deepEqual(values(s, [0, 1, 2, 3, 5, 6, 8, 9]), [0.8, 0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1]);
  });
  await t.step("equals PyTorch StepLR's recursion (multiply by γ every K steps)", () => {
    const gamma = 0.7, k = 4;
    const sched = stepDecay({ lr: 0.3, gamma, stepSize: k });
    let lr = 0.3;
    for (let t = 0; t < 100; t++) {
      if (t > 0 && t % k === 0) lr *= gamma;
      close(sched(t), lr, 1e-13, `t = ${t}`);
    }
  });
  await t.step("the notes' recursion decays one step later: notes η_t = stepDecay(t − 1)", () => {
    const gamma = 0.5, k = 3;
    const sched = stepDecay({ lr: 1, gamma, stepSize: k });
    let eta = 1; // η_0
    for (let t = 0; t < 30; t++) {
      if (t >= 1) assert.equal(eta, sched(t - 1), `t = ${t}`);
      if (t >= k && t % k === 0) eta *= gamma; // η_{t+1} = γη_t when t = cK, c ≥ 1
    }
  });
  await t.step("γ = 1 is constant; stepSize 1 is exponential decay", () => {
    assert.deepEqual(values(stepDecay({ lr: 2, gamma: 1, stepSize: 5 }), [0, 7, 99]), [2, 2, 2]);
    const a = stepDecay({ lr: 2, gamma: 0.9, stepSize: 1 });
    const b = exponentialDecay({ lr: 2, gamma: 0.9 });
    for (let t = 0; t < 50; t++) assert.equal(a(t), b(t));
  });
});

Deno.test("inversePower", async (t) => {
  await t.step("η₀/(t + 1)^α", () => {
    const s = inversePower({ lr: 2, alpha: 1 });
    assert.deepEqual(values(s, [0, 1, 3, 9]), [2, 1, 0.5, 0.2]);
    const r = inversePower({ lr: 1, alpha: 0.5 });
    assert.deepEqual(values(r, [0, 3, 99]), [1, 0.5, 0.1]);
  });
  await t.step("α > 1 sums to a finite total, α = 1 keeps growing", () => {
    const total = (alpha: number, steps: number) => {
      const s = inversePower({ lr: 1, alpha });
      let sum = 0;
      for (let t = 0; t < steps; t++) sum += s(t);
      return sum;
    };
    // Σ 1/(t+1)² → π²/6; Σ 1/(t+1) ≈ ln T + 0.5772
    assert.ok(Math.abs(total(2, 100000) - Math.PI ** 2 / 6) < 1e-4);
    close(total(1, 100000), Math.log(100000) + 0.5772156649, 1e-4);
  });
});

Deno.test("exponentialDecay", async (t) => {
  await t.step("η₀·γ^t", () => {
    const s = exponentialDecay({ lr: 3, gamma: 0.5 });
    assert.deepEqual(values(s, [0, 1, 2, 10]), [3, 1.5, 0.75, 3 / 1024]);
  });
  await t.step("γ = 1 is constant", () => {
    assert.deepEqual(values(exponentialDecay({ lr: 3, gamma: 1 }), [0, 1000]), [3, 3]);
  });
});

Deno.test("cosineDecay", async (t) => {
  const s = cosineDecay({ lr: 1, steps: 8, minLr: 0.2 });
  await t.step("η_min + ½(η₀ − η_min)(1 + cos(πt/T))", () => {
    for (let t = 0; t <= 8; t++) {
      close(s(t), 0.2 + 0.4 * (1 + Math.cos((Math.PI * t) / 8)), 1e-15, `t = ${t}`);
    }
  });
  await t.step("starts at η₀, halfway at the midpoint, then flat at η_min from T on", () => {
    assert.equal(s(0), 1);
    close(s(4), 0.6);
    assert.equal(s(8), 0.2);
    assert.deepEqual(values(s, [9, 100, 1e6]), [0.2, 0.2, 0.2]);
  });
  await t.step("symmetric about T/2: η_t + η_{T−t} = η₀ + η_min", () => {
    for (let t = 0; t <= 8; t++) close(s(t) + s(8 - t), 1.2, 1e-15);
  });
  await t.step("minLr defaults to 0; T = 1 drops at once", () => {
    const one = cosineDecay({ lr: 0.5, steps: 1 });
    assert.deepEqual(values(one, [0, 1, 2]), [0.5, 0, 0]);
  });
  await t.step("minLr = lr is constant", () => {
    assert.deepEqual(values(cosineDecay({ lr: 0.5, steps: 10, minLr: 0.5 }), [0, 5, 20]), [
      0.5,
      0.5,
      0.5,
    ]);
  });
});

Deno.test("linearWarmup", async (t) => {
  await t.step("from 0 to η over W steps, then flat", () => {
    const s = linearWarmup({ lr: 0.4, steps: 4 });
    assert.deepEqual(values(s, [0, 1, 2, 4, 5, 100]), [0, 0.1, 0.2, 0.4, 0.4, 0.4]);
  });
  await t.step("startFactor f₀: from f₀η, equal increments", () => {
    const s = linearWarmup({ lr: 2, steps: 5, startFactor: 0.5 });
    assert.equal(s(0), 1);
    assert.equal(s(5), 2);
    for (let t = 1; t <= 5; t++) close(s(t) - s(t - 1), 0.2, 1e-14, `t = ${t}`);
  });
  await t.step("startFactor 1 is constant", () => {
    assert.deepEqual(values(linearWarmup({ lr: 2, steps: 5, startFactor: 1 }), [0, 3, 9]), [
      2,
      2,
      2,
    ]);
  });
});

Deno.test("joinSchedules", async (t) => {
  await t.step("each piece restarts from its own step 0 at its boundary", () => {
    const s = joinSchedules(
      [linearWarmup({ lr: 1, steps: 4 }), exponentialDecay({ lr: 1, gamma: 0.5 })],
      [4],
    );
    assert.deepEqual(values(s, [0, 2, 3, 4, 5, 6]), [0, 0.5, 0.75, 1, 0.5, 0.25]);
  });
  await t.step("three pieces; every piece sees t − start", () => {
    const seen: string[] = [];
    const tag = (name: string): Schedule => (t) => (seen.push(`${name}${t}`), 1);
    const s = joinSchedules([tag("a"), tag("b"), tag("c")], [2, 5]);
    for (let t = 0; t < 7; t++) s(t);
    assert.deepEqual(seen, ["a0", "a1", "b0", "b1", "b2", "c0", "c1"]);
  });
  await t.step("one piece and no boundaries is that piece", () => {
    const piece = inversePower({ lr: 1, alpha: 1 });
    const s = joinSchedules([piece], []);
    for (const t of [0, 1, 10]) assert.equal(s(t), piece(t));
  });
  await t.step("the arrays passed in may change afterwards without effect", () => {
    const pieces = [constant(1), constant(0.5)];
    const s = joinSchedules(pieces, [3]);
    pieces[1] = constant(7);
    assert.equal(s(3), 0.5);
  });
});

Deno.test("a schedule drives an optimizer's η step by step", () => {
  const lr = stepDecay({ lr: 1, gamma: 0.5, stepSize: 2 });
  const opt = gradientDescent({ lr });
  const w = new Float64Array([0]);
  const state = opt.init(w);
  const path: number[] = [];
  for (let t = 0; t < 5; t++) {
    opt.step(w, new Float64Array([1]), state);
    path.push(w[0]);
  }
  // η: 1, 1, 0.5, 0.5, 0.25
  assert.deepEqual(path, [-1, -2, -2.5, -3, -3.25]);
});
