// The network: backpropagation against central differences and against a
// one-sample case worked by hand, the matrix kernel against the plain triple
// loop, minibatch and full-batch consistency, the seeded start points, and
// bad input.

import assert from "node:assert/strict";
import { createRng, mlp, type MlpProblem } from "@better-gradients/lib";
import { gemmNT, transpose } from "../lib/network/matmul.ts";
import { assertClose } from "./_helpers.ts";

function randomData(n: number, d: number, classes: number, seed: number) {
  const rng = createRng(seed);
  const X = new Float64Array(n * d).map(() => rng.normal());
  const labels = Int32Array.from({ length: n }, () => rng.integer(0, classes));
  return { X, labels, features: d };
}

/** Central differences of the loss in every coordinate. */
function numericGrad(f: (w: Float64Array) => number, w: Float64Array): Float64Array {
  const g = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const h = 1e-5;
    const p = w.slice(), m = w.slice();
    p[i] += h;
    m[i] -= h;
    g[i] = (f(p) - f(m)) / (2 * h);
  }
  return g;
}

function checkGradient(net: MlpProblem, w: Float64Array, tol = 1e-7): void {
  const g = net.grad(w, new Float64Array(net.dim));
  const num = numericGrad((x) => net.loss(x), w);
  for (let i = 0; i < net.dim; i++) {
    assert.ok(
      Math.abs(g[i] - num[i]) <= tol * Math.max(1, Math.abs(num[i])),
      `${net.name}: ∂E/∂w[${i}] = ${g[i]}, central difference ${num[i]}`,
    );
  }
}

Deno.test("gemmNT equals the plain triple loop at every size", () => {
  const rng = createRng(3);
  for (const [m, n, k] of [[1, 1, 1], [3, 2, 5], [4, 3, 7], [7, 5, 1], [10, 11, 13], [33, 2, 64]]) {
    const A = new Float64Array(m * k).map(() => rng.normal());
    const B = new Float64Array(n * k).map(() => rng.normal());
    const C = new Float64Array(m * n).fill(NaN);
    gemmNT(m, n, k, A, B, C);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[i * k + p] * B[j * k + p];
        assertClose(C[i * n + j], s, 1e-13, `${m}×${n}×${k} C[${i},${j}]`);
      }
    }
  }
});

Deno.test("transpose swaps rows and columns", () => {
  const src = Float64Array.from({ length: 9 * 11 }, (_, i) => i);
  const out = new Float64Array(99);
  transpose(src, 9, 11, out);
  for (let i = 0; i < 9; i++) {
    for (let j = 0; j < 11; j++) assert.equal(out[j * 9 + i], src[i * 11 + j]);
  }
});

Deno.test("backpropagation matches central differences", async (t) => {
  const data = randomData(13, 4, 3, 1);
  for (const activation of ["relu", "tanh"] as const) {
    for (const hidden of [[], [5], [6, 4]]) {
      for (const l2 of [0, 0.3]) {
        await t.step(`${activation}, hidden [${hidden}], λ = ${l2}`, () => {
          const net = mlp({ data, hidden, activation, l2, seed: 2 });
          const w = net.startPoint();
          // biases away from 0, so no ReLU sits on its kink
          for (const s of net.layers) {
            for (let j = 0; j < s.outputs; j++) w[s.bias + j] = 0.1 * (j + 1);
          }
          checkGradient(net, w);
        });
      }
    }
  }
  await t.step("a minibatch's gradient is the gradient of its loss", () => {
    const net = mlp({ data, hidden: [5], activation: "tanh", seed: 4 });
    const w = net.startPoint();
    const batch = [3, 7, 7, 0];
    const g = net.batchGrad(w, batch, new Float64Array(net.dim));
    const num = numericGrad((x) => net.batchLoss(x, batch), w);
    for (let i = 0; i < net.dim; i++) assertClose(g[i], num[i], 1e-7, `w[${i}]`);
    const g2 = new Float64Array(net.dim);
    assertClose(net.batchValueAndGrad(w, batch, g2), net.batchLoss(w, batch), 1e-15);
    assert.deepEqual(g2, g);
  });
  await t.step("the full data in chunks equals one pass", () => {
    // 600 samples: loss() and grad() go through in chunks of 256
    const big = randomData(600, 3, 4, 9);
    const net = mlp({ data: big, hidden: [4], seed: 1, l2: 0.01 });
    const w = net.startPoint();
    const all = Int32Array.from({ length: 600 }, (_, i) => i);
    const g = net.grad(w, new Float64Array(net.dim));
    const gb = net.batchGrad(w, all, new Float64Array(net.dim)); // one pass of 600 rows
    for (let i = 0; i < net.dim; i++) assertClose(g[i], gb[i], 1e-13, `w[${i}]`);
    assertClose(net.loss(w), net.batchLoss(w, all), 1e-14);
  });
});

Deno.test("one sample by hand: 1 input, 1 ReLU unit, 2 classes", () => {
  // x = 2, label 1. Layer 1: W¹ = [0.5], b¹ = [0.1] → z¹ = 1.1, a¹ = 1.1.
  // Layer 2: W² = [[1], [−1]], b² = [0, 0.2] → z² = (1.1, −0.9).
  const net = mlp({ data: { X: new Float64Array([2]), labels: [1], features: 1 }, hidden: [1] });
  assert.equal(net.dim, 1 + 1 + 2 + 2);
  const w = new Float64Array([0.5, 0.1, 1, -1, 0, 0.2]);
  const z = [1.1, -0.9];
  const p1 = Math.exp(z[1]) / (Math.exp(z[0]) + Math.exp(z[1]));
  assertClose(net.loss(w), -Math.log(p1), 1e-15);
  // δ² = p − e₁ = (1 − p₁, p₁ − 1); ∂E/∂W² = δ² a¹; ∂E/∂b² = δ²
  const d2 = [1 - p1, p1 - 1];
  // δ¹ = (W²)ᵀ δ² · [z¹ > 0] = d2[0] − d2[1]; ∂E/∂W¹ = δ¹ x; ∂E/∂b¹ = δ¹
  const d1 = d2[0] * 1 + d2[1] * -1;
  const expected = [d1 * 2, d1, d2[0] * 1.1, d2[1] * 1.1, d2[0], d2[1]];
  const g = net.grad(w, new Float64Array(6));
  for (let i = 0; i < 6; i++) assertClose(g[i], expected[i], 1e-14, `g[${i}]`);
  assert.deepEqual([...net.predict(w)], [0]);
  assert.equal(net.accuracy(w), 0);
});

Deno.test("start points: seeded, He and Glorot scales, zero biases", () => {
  const data = randomData(5, 400, 10, 2);
  const he = mlp({ data, hidden: [300], seed: 7 });
  const w = he.startPoint();
  assert.deepEqual(w, mlp({ data, hidden: [300], seed: 7 }).startPoint());
  assert.notDeepEqual(w, mlp({ data, hidden: [300], seed: 8 }).startPoint());
  const { weight, bias, inputs, outputs } = he.layers[0];
  const W = w.subarray(weight, weight + inputs * outputs);
  const variance = W.reduce((s, x) => s + x * x, 0) / W.length;
  assertClose(variance, 2 / 400, 0.05 * (2 / 400) / Math.max(1, 2 / 400)); // 120,000 draws
  assert.ok(w.subarray(bias, bias + outputs).every((b) => b === 0));
  const glorot = mlp({ data, hidden: [300], activation: "tanh", seed: 7 }).startPoint();
  const a = Math.sqrt(6 / 700);
  const G = glorot.subarray(weight, weight + inputs * outputs);
  assert.ok(G.every((x) => Math.abs(x) <= a));
  assert.ok(Math.max(...G.map(Math.abs)) > 0.99 * a);
});

Deno.test("withData: the same network on other samples", () => {
  const net = mlp({ data: randomData(20, 3, 3, 1), hidden: [4], seed: 3 });
  const other = randomData(8, 3, 3, 2);
  const val = net.withData(other);
  const w = net.startPoint();
  assert.deepEqual(val.startPoint(), w);
  assert.equal(val.samples, 8);
  const direct = mlp({ data: other, hidden: [4], seed: 3, classes: 3 });
  assertClose(val.loss(w), direct.loss(w), 1e-15);
  assert.throws(() => net.withData(randomData(8, 4, 3, 2)), /`data.features` must be 3.*got 4/);
  assert.throws(
    () => net.withData({ X: new Float64Array(3), labels: [5], features: 3 }),
    /`data.labels\[0\]` must be an integer in \[0, 2\].*got 5/,
  );
});

Deno.test("mlp refuses bad input with named errors", () => {
  const data = randomData(6, 2, 2, 1);
  const cases: [unknown, RegExp][] = [
    [null, /`mlp` options must be a plain object/],
    [{ data, hidden: [0] }, /`hidden\[0\]` must be an integer >= 1, got 0/],
    [{ data, hidden: [2.5] }, /`hidden\[0\]` must be an integer >= 1, got 2.5/],
    [{ data, hidden: 3 }, /`hidden` must be an array of layer sizes.*got 3/],
    [{ data, activation: "sigmoid" }, /`activation` must be "relu" or "tanh", got "sigmoid"/],
    [{ data, l2: -1 }, /`l2` must be a finite number >= 0, got -1/],
    [{ data, init: "xavier" }, /`init` must be "he" or "glorot", got "xavier"/],
    [{ data, classes: 1 }, /`classes` must be an integer >= 2, got 1/],
    [
      { data: { ...data, labels: [0, 1, 2, 0, 1, 0] }, classes: 2 },
      /labels.*\[0, 1\].*got a label 2/,
    ],
    [
      { data: { ...data, features: 3 } },
      /`data.X` must hold 6 samples × 3 features = 18 numbers, got length 12/,
    ],
    [{ data: { ...data, X: [1, 2] } }, /`data.X` must be a Float64Array/],
    [
      { data: { ...data, labels: [0, 1, -1, 0, 1, 0] } },
      /`data.labels\[2\]` must be an integer >= 0, got -1/,
    ],
    [
      { data: { ...data, X: data.X.map((x, i) => (i === 3 ? NaN : x)) } },
      /`data.X\[3\]` \(sample 1, feature 1\) must be finite, got NaN/,
    ],
    [{ data, hiden: [3] }, /`mlp` has no option `hiden`/],
    [{ data, seed: -1 }, /`seed` must be an integer >= 0, got -1/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => mlp(options as never), message, JSON.stringify(options)?.slice(0, 80));
  }
  const net = mlp({ data, hidden: [2] });
  assert.throws(() => net.batchGrad(net.startPoint(), [6], new Float64Array(net.dim)), /indices/);
  assert.throws(() => net.loss(new Float64Array(3)), /`w` must have length/);
});
