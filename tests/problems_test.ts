// The problems: every gradient (full and minibatch) and every Hessian against
// central finite differences, known minima, seeded data, and bad input.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  d2lQuadratic,
  type DataProblem,
  flatThenSteep,
  gradientDescent,
  irisSoftmaxRegression,
  isDataProblem,
  linearRegression,
  loadIris,
  type Problem,
  quadraticForm,
  rosenbrock,
  softmaxRegression,
  standardize,
} from "@better-gradients/lib";
import { assertClose as close } from "./_helpers.ts";

/** The central difference (f(w + h e_i) − f(w − h e_i)) / 2h for every i. */
function numericGrad(f: (w: Float64Array) => number, w: Float64Array): Float64Array {
  const g = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const h = 1e-5 * Math.max(1, Math.abs(w[i]));
    const p = w.slice(), m = w.slice();
    p[i] += h;
    m[i] -= h;
    g[i] = (f(p) - f(m)) / (p[i] - m[i]);
  }
  return g;
}

/** Compares the analytic gradient with central differences, relative to the gradient's size. */
function checkGrad(problem: Problem, w: Float64Array, tol = 1e-6): void {
  const g = problem.grad(w, new Float64Array(problem.dim));
  const num = numericGrad((x) => problem.loss(x), w);
  const scale = Math.max(1, Math.hypot(...g));
  for (let i = 0; i < w.length; i++) {
    assert.ok(
      Math.abs(g[i] - num[i]) <= tol * scale,
      `${problem.name}: d/dw[${i}] at [${[...w]}]: analytic ${g[i]}, numeric ${num[i]}`,
    );
  }
}

function checkBatchGrad(problem: DataProblem, w: Float64Array, idx: number[], tol = 1e-6): void {
  const g = problem.batchGrad(w, idx, new Float64Array(problem.dim));
  const num = numericGrad((x) => problem.batchLoss(x, idx), w);
  const scale = Math.max(1, Math.hypot(...g));
  for (let i = 0; i < w.length; i++) {
    assert.ok(Math.abs(g[i] - num[i]) <= tol * scale, `batch d/dw[${i}]: ${g[i]} vs ${num[i]}`);
  }
}

function checkHessian(problem: Problem, w: Float64Array, tol = 1e-5): void {
  const H = problem.hessian!(w);
  const d = problem.dim;
  const gi = (x: Float64Array) => problem.grad(x, new Float64Array(d));
  const scale = Math.max(1, ...H.flat().map(Math.abs));
  for (let j = 0; j < d; j++) {
    const h = 1e-5 * Math.max(1, Math.abs(w[j]));
    const p = w.slice(), m = w.slice();
    p[j] += h;
    m[j] -= h;
    const gp = gi(p), gm = gi(m);
    for (let i = 0; i < d; i++) {
      const num = (gp[i] - gm[i]) / (p[j] - m[j]);
      assert.ok(Math.abs(H[i][j] - num) <= tol * scale, `H[${i}][${j}]: ${H[i][j]} vs ${num}`);
    }
  }
}

const coord = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true });
const point2 = (lo: number, hi: number) =>
  fc.tuple(coord(lo, hi), coord(lo, hi)).map((p) => Float64Array.from(p));

Deno.test("quadratic forms", async (t) => {
  await t.step("loss, gradient, Hessian and minimum by hand", () => {
    const p = quadraticForm({ A: [[2, 1], [1, 3]], b: [1, 2] });
    const w = Float64Array.of(1, -1);
    // ½(2 − 2 + 3) − (1 − 2) = 2.5
    assert.equal(p.loss(w), 2.5);
    assert.deepEqual([...p.grad(w, new Float64Array(2))], [0, -4]);
    assert.deepEqual(p.hessian!(w), [[2, 1], [1, 3]]);
    // w* = A⁻¹b = (1/5)(3·1 − 2, −1 + 2·2) = (0.2, 0.6)
    close(p.minimum!.params[0], 0.2, 1e-15);
    close(p.minimum!.params[1], 0.6, 1e-15);
    close(p.minimum!.loss, -0.5 * (0.2 + 1.2), 1e-15);
    assert.equal(p.dim, 2);
    assert.ok(p.domain?.y !== undefined);
  });
  await t.step("property: gradient = central differences, Hessian = A (random SPD A)", () => {
    const spd = fc.integer({ min: 1, max: 4 }).chain((d) =>
      fc.tuple(
        fc.array(coord(-2, 2), { minLength: d * d, maxLength: d * d }),
        fc.array(coord(-3, 3), { minLength: d, maxLength: d }),
        fc.array(coord(-3, 3), { minLength: d, maxLength: d }),
      ).map(([m, b, w]) => {
        // A = MᵀM + I is symmetric positive definite
        const A = Array.from({ length: d }, (_, i) =>
          Array.from({ length: d }, (_, j) => {
            let s = i === j ? 1 : 0;
            for (let k = 0; k < d; k++) s += m[k * d + i] * m[k * d + j];
            return s;
          }));
        return { A, b, w: Float64Array.from(w) };
      })
    );
    fc.assert(
      fc.property(spd, ({ A, b, w }) => {
        const p = quadraticForm({ A, b });
        checkGrad(p, w);
        checkHessian(p, w);
        const g = p.grad(Float64Array.from(p.minimum!.params), new Float64Array(p.dim));
        for (const x of g) assert.ok(Math.abs(x) < 1e-9, `gradient at w* is ${x}`);
        close(p.loss(Float64Array.from(p.minimum!.params)), p.minimum!.loss, 1e-12);
      }),
    );
  });
  await t.step("default start w* + (−2, 1, …) and a fresh copy each time", () => {
    const p = quadraticForm({ A: [[1, 0], [0, 1]], b: [1, 1] });
    const s = p.startPoint();
    assert.deepEqual([...s], [-1, 2]);
    s[0] = 99;
    assert.deepEqual([...p.startPoint()], [-1, 2]);
    assert.deepEqual(p.minimum!.params, [1, 1]);
    assert.ok(Object.isFrozen(p.minimum!.params));
  });
  await t.step("d2l's 0.1 x₁² + 2 x₂²", () => {
    const f = d2lQuadratic();
    assert.deepEqual([...f.startPoint()], [-5, -2]);
    assert.deepEqual(f.domain, { x: [-5.5, 1], y: [-3, 1] });
    fc.assert(
      fc.property(point2(-6, 6), (w) => {
        close(f.loss(w), 0.1 * w[0] ** 2 + 2 * w[1] ** 2, 1e-14);
        checkGrad(f, w);
      }),
    );
    assert.deepEqual(f.hessian!(Float64Array.of(0, 0)), [[0.2, 0], [0, 4]]);
    assert.deepEqual(f.minimum, { params: [0, 0], loss: 0 });
    assert.deepEqual([...d2lQuadratic({ start: [1, 2] }).startPoint()], [1, 2]);
  });
  await t.step("bad input", () => {
    assert.throws(
      () => quadraticForm({ A: [[1, 0], [0, -1]] }),
      /`A` must be positive definite, got smallest eigenvalue -1/,
    );
    assert.throws(() => quadraticForm({ A: [[1, 2], [0, 1]] }), /`A` must be symmetric/);
    assert.throws(() => quadraticForm({ A: [[1, 0], [0, 1]], b: [1] }), /`b` must have length 2/);
    assert.throws(() => quadraticForm({ A: [[1]], start: [NaN] }), /`start\[0\]` must be a finite/);
    assert.throws(() => quadraticForm({ A: [[1]], c: 1 } as never), /no option `c`/);
    assert.throws(() => d2lQuadratic({ start: [1] }), /`start` must have length 2/);
    const f = d2lQuadratic();
    assert.throws(() => f.loss(Float64Array.of(1)), /`w` must have length 2, got length 1/);
    assert.throws(() => f.loss([1, 2] as never), /`w` must be a Float64Array of length 2/);
    assert.throws(
      () => f.loss(Float64Array.of(1, NaN)),
      /`w\[1\]` must be a finite number, got NaN/,
    );
    assert.throws(
      () => f.grad(Float64Array.of(1, 2), new Float64Array(3)),
      /`out` must have length 2/,
    );
    assert.throws(() => f.grad(Float64Array.of(1, 2), [0, 0] as never), TypeError);
  });
});

Deno.test("flat then steep", async (t) => {
  const f = flatThenSteep();
  await t.step("the formula, the minimum and the domain", () => {
    for (const x of [-8, -1, -0.3, 0, 0.7, 3]) {
      close(f.loss(Float64Array.of(x)), 0.01 * x * x - Math.exp(-x * x / 0.5), 1e-15);
    }
    assert.deepEqual(f.minimum, { params: [0], loss: -1 });
    assert.equal(f.grad(Float64Array.of(0), new Float64Array(1))[0], 0);
    assert.deepEqual(f.domain, { x: [-10, 4] });
    assert.equal(f.dim, 1);
    assert.deepEqual([...f.startPoint()], [-8]);
  });
  await t.step("flat far away, steep near the valley", () => {
    const slope = (x: number) => Math.abs(f.grad(Float64Array.of(x), new Float64Array(1))[0]);
    for (let x = -8; x <= -2.5; x += 0.5) assert.ok(slope(x) <= 0.17, `slope at ${x}`);
    assert.ok(slope(-0.5) > 1.2);
    close(f.hessian!(Float64Array.of(0))[0][0], 0.02 + 4, 1e-15);
  });
  await t.step("property: gradient and Hessian = central differences", () => {
    fc.assert(
      fc.property(
        coord(-12, 12),
        coord(1e-3, 1),
        coord(0.1, 5),
        coord(0.1, 3),
        (x, bowl, depth, width) => {
          const p = flatThenSteep({ bowl, depth, width });
          checkGrad(p, Float64Array.of(x));
          checkHessian(p, Float64Array.of(x));
        },
      ),
    );
  });
  await t.step("options and bad input", () => {
    const p = flatThenSteep({ depth: 2, width: 1, bowl: 0.1, start: [-3] });
    assert.equal(p.minimum!.loss, -2);
    assert.deepEqual([...p.startPoint()], [-3]);
    assert.deepEqual([...flatThenSteep({ start: -20 }).startPoint()], [-20]);
    assert.ok(flatThenSteep({ start: -20 }).domain!.x[0] <= -21);
    assert.throws(() => flatThenSteep({ width: 0 }), /`width` must be a finite number > 0, got 0/);
    assert.throws(() => flatThenSteep({ depth: -1 }), /`depth`/);
    assert.throws(() => flatThenSteep({ bowl: NaN }), /`bowl`/);
    assert.throws(() => flatThenSteep({ start: [1, 2] }), /`start` must have length 1/);
    assert.throws(
      () => flatThenSteep({ start: Infinity }),
      /`start` must be a finite number, got Infinity/,
    );
  });
});

Deno.test("Rosenbrock", async (t) => {
  const f = rosenbrock();
  await t.step("known values", () => {
    assert.equal(f.loss(Float64Array.of(1, 1)), 0);
    assert.deepEqual([...f.grad(Float64Array.of(1, 1), new Float64Array(2))], [0, 0]);
    // at (0, 0): (1)² + 0, gradient (−2, 0)
    assert.equal(f.loss(Float64Array.of(0, 0)), 1);
    assert.deepEqual([...f.grad(Float64Array.of(0, 0), new Float64Array(2))], [-2, 0]);
    assert.deepEqual(f.hessian!(Float64Array.of(1, 1)), [[802, -400], [-400, 200]]);
    assert.deepEqual([...f.startPoint()], [-1.2, 1]);
    assert.deepEqual(f.domain, { x: [-2, 2], y: [-1, 3] });
    assert.deepEqual(f.minimum, { params: [1, 1], loss: 0 });
  });
  await t.step("property: gradient and Hessian = central differences", () => {
    fc.assert(
      fc.property(point2(-2, 2), coord(-2, 2), coord(1, 100), (w, a, b) => {
        const p = rosenbrock({ a, b });
        checkGrad(p, w);
        checkHessian(p, w);
        assert.deepEqual(p.minimum!.params, [a, a * a]);
      }),
    );
  });
  await t.step("bad input", () => {
    assert.throws(() => rosenbrock({ b: 0 }), /`b` must be a finite number > 0, got 0/);
    assert.throws(() => rosenbrock({ a: Infinity }), /`a`/);
    assert.throws(() => rosenbrock({ start: [1, 2, 3] }), /`start` must have length 2/);
    assert.throws(() => f.loss(Float64Array.of(Infinity, 0)), /`w\[0\]`/);
  });
});

Deno.test("linear regression", async (t) => {
  await t.step("the loss is the mean squared error of the data", () => {
    const p = linearRegression({ samples: 7, features: 3, seed: 4 });
    assert.equal(p.dim, 4);
    assert.equal(p.samples, 7);
    assert.equal(p.X.length, 21);
    const w = Float64Array.of(0.5, -1, 2, 0.3);
    let s = 0;
    for (let i = 0; i < 7; i++) {
      const r = 0.5 * p.X[i * 3] - p.X[i * 3 + 1] + 2 * p.X[i * 3 + 2] + 0.3 - p.y[i];
      s += r * r;
    }
    close(p.loss(w), s / 7, 1e-14);
    assert.ok(isDataProblem(p));
    assert.deepEqual([...p.startPoint()], [0, 0, 0, 0]);
  });
  await t.step("same seed, same data; another seed, other data", () => {
    const a = linearRegression({ seed: 3 }), b = linearRegression({ seed: 3 });
    assert.deepEqual([...a.X], [...b.X]);
    assert.deepEqual([...a.y], [...b.y]);
    assert.deepEqual(a.trueParams, b.trueParams);
    assert.notDeepEqual([...linearRegression({ seed: 4 }).y], [...a.y]);
  });
  await t.step("without noise the fit recovers the true parameters exactly", () => {
    const p = linearRegression({
      samples: 30,
      features: 3,
      noise: 0,
      trueWeights: [1, -2, 3],
      trueBias: 4,
    });
    assert.deepEqual(p.trueParams, [1, -2, 3, 4]);
    p.minimum!.params.forEach((x, i) => close(x, p.trueParams[i], 1e-10));
    assert.ok(p.minimum!.loss < 1e-20);
  });
  await t.step("without intercept", () => {
    const p = linearRegression({ samples: 10, features: 2, intercept: false, seed: 2 });
    assert.equal(p.dim, 2);
    assert.equal(p.trueParams.length, 2);
    assert.ok(p.domain?.y !== undefined, "a 2-D problem gets a plotting box");
  });
  await t.step("property: full and minibatch gradients = central differences", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.nat(1000),
        fc.array(coord(-3, 3), { minLength: 5, maxLength: 5 }),
        (n, d, intercept, seed, ws) => {
          const p = linearRegression({ samples: n, features: d, intercept, seed });
          const w = Float64Array.from(ws.slice(0, p.dim));
          checkGrad(p, w);
          checkHessian(p, w);
          const idx = [0, n - 1, Math.floor(n / 2), 0];
          checkBatchGrad(p, w, idx);
          const all = Array.from({ length: n }, (_, i) => i);
          close(p.batchLoss(w, all), p.loss(w), 1e-12);
          const g = p.grad(w, new Float64Array(p.dim));
          const gb = p.batchGrad(w, all, new Float64Array(p.dim));
          for (let i = 0; i < p.dim; i++) close(gb[i], g[i], 1e-12);
        },
      ),
    );
  });
  await t.step("the least-squares minimum has zero gradient; none when n < parameters", () => {
    const p = linearRegression({ samples: 50, features: 4, seed: 9 });
    const g = p.grad(Float64Array.from(p.minimum!.params), new Float64Array(p.dim));
    for (const x of g) assert.ok(Math.abs(x) < 1e-12);
    assert.equal(linearRegression({ samples: 2, features: 3 }).minimum, undefined);
  });
  await t.step("bad input", () => {
    assert.throws(
      () => linearRegression({ samples: 0 }),
      /`samples` must be an integer >= 1, got 0/,
    );
    assert.throws(() => linearRegression({ features: 1.5 }), /`features`/);
    assert.throws(() => linearRegression({ noise: -1 }), /`noise` must be a finite number >= 0/);
    assert.throws(() => linearRegression({ seed: -1 }), /`seed`/);
    assert.throws(() => linearRegression({ trueWeights: [1] }), /`trueWeights` must have length 2/);
    assert.throws(() => linearRegression({ intercept: false, trueBias: 1 }), /`trueBias` needs/);
    assert.throws(() => linearRegression({ n: 3 } as never), /no option `n`/);
    const p = linearRegression({ samples: 5 });
    const w = new Float64Array(3);
    assert.throws(() => p.batchLoss(w, []), /`indices` must have length >= 1/);
    assert.throws(
      () => p.batchLoss(w, [0, 5]),
      /`indices\[1\]` must be an integer in \[0, 4\] \(a sample index\), got 5/,
    );
    assert.throws(() => p.batchGrad(w, [0.5], new Float64Array(3)), /`indices\[0\]`/);
    assert.throws(() => p.batchGrad(w, 3 as never, new Float64Array(3)), TypeError);
    assert.throws(() => p.batchGrad(w, [0], new Float64Array(2)), /`out` must have length 3/);
  });
});

Deno.test("softmax regression and iris", async (t) => {
  await t.step("the iris data and its standardization", () => {
    const iris = loadIris();
    assert.equal(iris.features.length, 150);
    assert.equal(iris.featureNames.length, 4);
    const counts = [0, 0, 0];
    for (const c of iris.labels) counts[c]++;
    assert.deepEqual(counts, [50, 50, 50]);
    iris.features[0][0] = 99;
    assert.equal(loadIris().features[0][0], 5.1, "a fresh copy every call");
    const s = standardize(loadIris().features);
    for (let j = 0; j < 4; j++) {
      let m = 0, v = 0;
      for (let i = 0; i < 150; i++) m += s.data[i * 4 + j];
      for (let i = 0; i < 150; i++) v += s.data[i * 4 + j] ** 2;
      close(m / 150, 0, 1e-12);
      close(v / 150, 1, 1e-12);
    }
  });
  await t.step("the problem: 15 parameters, ln 3 at zero, per-sample mean", () => {
    const p = irisSoftmaxRegression();
    assert.equal(p.dim, 15);
    assert.equal(p.classes, 3);
    assert.equal(p.features, 4);
    assert.deepEqual(p.classNames, ["setosa", "versicolor", "virginica"]);
    close(p.loss(p.startPoint()), Math.log(3), 1e-14);
    assert.ok(isDataProblem(p));
    // at zero every class has p = 1/3: the bias gradient is (1/3 − 1/3) = 0 on average
    const g = p.grad(p.startPoint(), new Float64Array(15));
    for (const k of [0, 1, 2]) close(g[k * 5 + 4], 0, 1e-15);
  });
  await t.step("property: gradients (full, minibatch, with l2) = central differences", () => {
    const p = irisSoftmaxRegression();
    const q = irisSoftmaxRegression({ l2: 0.3 });
    fc.assert(
      fc.property(
        fc.array(coord(-3, 3), { minLength: 15, maxLength: 15 }),
        fc.array(fc.integer({ min: 0, max: 149 }), { minLength: 1, maxLength: 20 }),
        (ws, idx) => {
          const w = Float64Array.from(ws);
          checkGrad(p, w);
          checkGrad(q, w);
          checkBatchGrad(p, w, idx);
          checkBatchGrad(q, w, idx);
        },
      ),
      { numRuns: 50 },
    );
  });
  await t.step("the l2 term is (λ/2)‖W‖² without the biases", () => {
    const p = irisSoftmaxRegression(), q = irisSoftmaxRegression({ l2: 2 });
    const w = new Float64Array(15);
    w[0] = 1; // a weight
    w[4] = 5; // a bias
    close(q.loss(w) - p.loss(w), 1, 1e-14);
  });
  await t.step("large scores do not overflow", () => {
    const p = softmaxRegression({ features: [[1], [2]], labels: [0, 1] });
    const w = Float64Array.of(0, 0, 1000, 0); // z = (0, 1000·x)
    close(p.loss(w), 0.5 * (1000 + 0), 1e-12);
    assert.ok(Number.isFinite(p.grad(w, new Float64Array(4))[0]));
  });
  await t.step("gradient descent learns iris", () => {
    const p = irisSoftmaxRegression();
    const opt = gradientDescent({ lr: 0.5 });
    const w = p.startPoint();
    const g = new Float64Array(p.dim);
    const state = opt.init(w);
    for (let t = 0; t < 300; t++) opt.step(w, p.grad(w, g), state);
    assert.ok(p.loss(w) < 0.2, `loss ${p.loss(w)}`);
    assert.ok(p.accuracy(w) > 0.9, `accuracy ${p.accuracy(w)}`);
    assert.equal(p.predict(w).length, 150);
    assert.equal(p.accuracy(w, [0, 1, 2]), 1, "setosa is separable");
  });
  await t.step("unstandardized features", () => {
    const p = irisSoftmaxRegression({ standardize: false });
    assert.equal(p.X[0], 5.1);
  });
  await t.step("bad input", () => {
    const base = { features: [[1], [2]], labels: [0, 1] };
    assert.throws(
      () => softmaxRegression({ ...base, features: [] }),
      /`features` must have length >= 1/,
    );
    assert.throws(
      () => softmaxRegression({ ...base, labels: [0] }),
      /`labels` must have one entry per row of `features` \(2\), got length 1/,
    );
    assert.throws(
      () => softmaxRegression({ ...base, labels: [0, -1] }),
      /`labels\[1\]` must be an integer >= 0/,
    );
    assert.throws(
      () => softmaxRegression({ ...base, labels: [0, 3], classes: 2 }),
      /`labels` must be integers in \[0, 1\] \(classes = 2\), got a label 3/,
    );
    assert.throws(
      () => softmaxRegression({ ...base, classes: 1 }),
      /`classes` must be an integer >= 2/,
    );
    assert.throws(() => softmaxRegression({ ...base, features: [[1], [2, 3]] }), /`features\[1\]`/);
    assert.throws(
      () => softmaxRegression({ ...base, features: [[1], [NaN]] }),
      /`features\[1\]\[0\]`/,
    );
    assert.throws(() => softmaxRegression({ ...base, l2: -1 }), /`l2`/);
    assert.throws(
      () => irisSoftmaxRegression({ standardise: true } as never),
      /no option `standardise`/,
    );
    assert.throws(() => standardize([]), /`rows` must have length >= 1/);
    assert.throws(() => standardize([[1, 2], [3]]), /`rows\[1\]` must have the same length/);
    assert.throws(() => standardize([[1], ["a"]] as never), TypeError);
    const p = softmaxRegression(base);
    assert.throws(() => p.accuracy(new Float64Array(4), [2]), /`indices\[0\]`/);
  });
  await t.step("a constant column is centred, not divided by zero", () => {
    const s = standardize([[1, 7], [3, 7], [5, 7]]);
    assert.deepEqual([...s.std].map((x) => +x.toFixed(12)), [+Math.sqrt(8 / 3).toFixed(12), 1]);
    assert.deepEqual([s.data[1], s.data[3], s.data[5]], [0, 0, 0]);
  });
});
