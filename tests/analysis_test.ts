// The analysis tools: EMA and momentum weights, power means, the stability of
// gradient descent on quadratics, and unit analysis of update rules. Hand values
// for the edges, fast-check properties for the identities the lecture notes derive,
// and cross-checks against the library's optimizers.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  arithmeticMean,
  conditionNumber,
  contractionFactors,
  convergenceRate,
  derivativeUnits,
  eigenvalues,
  emaBiasCorrection,
  emaEffectiveWindow,
  emaSeries,
  emaTermsForShare,
  emaWeights,
  emaWeightSum,
  geometricMean,
  gradientDescent,
  harmonicMean,
  hasUnitOf,
  maxStableLearningRate,
  momentumClosedForm,
  momentumSeries,
  momentumWeights,
  momentumWeightSum,
  notesMomentum,
  optimalLearningRate,
  powerMean,
  quadraticMean,
  symmetricEigen,
  unitAnalysis,
  UPDATE_RULES,
  updateUnits,
} from "@better-gradients/lib";
import { closeWithin } from "./_helpers.ts";

/** |actual − expected| ≤ tol·max(1, |expected|), tol = 1e-12 unless given. */
const close = closeWithin(1e-12);

const alphaArb = fc.double({ min: 0, max: 0.999, noNaN: true });
const valueArb = fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true });
const seriesArb = fc.array(valueArb, { minLength: 1, maxLength: 40 });

Deno.test("emaSeries", async (t) => {
  await t.step("follows the recursion from EMA_{-1} = 0", () => {
    assert.deepEqual([...emaSeries([2, 4, 8], { alpha: 0.5 })], [1, 2.5, 5.25]);
  });
  await t.step("alpha = 0 returns the series itself", () => {
    assert.deepEqual([...emaSeries([3, -1, 7], { alpha: 0 })], [3, -1, 7]);
  });
  await t.step("a single value", () => {
    assert.deepEqual([...emaSeries([10], { alpha: 0.75 })], [2.5]);
    assert.deepEqual([...emaSeries([10], { alpha: 0.75, debias: true })], [10]);
  });
  await t.step("vectors are averaged coordinate by coordinate", () => {
    const v = emaSeries([[2, 0], [0, 4]], { alpha: 0.5 });
    assert.deepEqual(v.map((x) => [...x]), [[1, 0], [0.5, 2]]);
    assert.ok(v[0] !== v[1], "each step gets its own array");
  });
  await t.step("accepts Float64Array input and does not modify it", () => {
    const g = Float64Array.of(1, 2, 3);
    emaSeries(g, { alpha: 0.9, debias: true });
    assert.deepEqual([...g], [1, 2, 3]);
  });
  await t.step("property: equals the weighted sum Σ α^(t−s)(1−α) g_s", () => {
    fc.assert(
      fc.property(seriesArb, alphaArb, (g, alpha) => {
        const m = emaSeries(g, { alpha });
        for (let t = 0; t < g.length; t++) {
          const w = emaWeights(t, alpha);
          let s = 0;
          for (let k = 0; k <= t; k++) s += w[k] * g[k];
          close(m[t], s, 1e-9, `t=${t}`);
        }
      }),
    );
  });
  await t.step("property: bias-corrected EMA of a constant is that constant", () => {
    fc.assert(
      fc.property(valueArb, alphaArb, fc.integer({ min: 1, max: 200 }), (c, alpha, n) => {
        const m = emaSeries(new Array(n).fill(c), { alpha, debias: true });
        for (let t = 0; t < n; t++) close(m[t], c, 1e-12, `t=${t}`);
      }),
    );
  });
  await t.step("bad input", () => {
    assert.throws(() => emaSeries([], { alpha: 0.5 }), /`series` must have length >= 1/);
    assert.throws(() => emaSeries([1, NaN], { alpha: 0.5 }), /`series\[1\]` must be a finite/);
    assert.throws(() => emaSeries([1, "2"] as never, { alpha: 0.5 }), TypeError);
    assert.throws(
      () => emaSeries([1], { alpha: 1 }),
      /`alpha` must be a number in \[0, 1\), got 1/,
    );
    assert.throws(() => emaSeries([1], { alpha: -0.1 }), RangeError);
    assert.throws(() => emaSeries([1], { alpha: 0.5, debias: 1 } as never), TypeError);
    assert.throws(() => emaSeries([1], { alpha: 0.5, beta: 1 } as never), /no option `beta`/);
    assert.throws(() => emaSeries(5 as never, { alpha: 0.5 }), TypeError);
    assert.throws(
      () => emaSeries([[1, 2], [3]], { alpha: 0.5 }),
      /`series\[1\]` must have the same length as `series\[0\]` \(2\), got length 1/,
    );
  });
});

Deno.test("EMA weights, their sum, bias correction and window", async (t) => {
  await t.step("weights α^(t−s)(1−α)", () => {
    assert.deepEqual([...emaWeights(0, 0.9)], [1 - 0.9]);
    assert.deepEqual([...emaWeights(3, 0.5)], [0.0625, 0.125, 0.25, 0.5]);
    assert.deepEqual([...emaWeights(2, 0)], [0, 0, 1]);
  });
  await t.step("property: the weights sum to 1 − α^(t+1)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), alphaArb, (t, alpha) => {
        const w = emaWeights(t, alpha);
        assert.equal(w.length, t + 1);
        const sum = w.reduce((a, b) => a + b, 0);
        close(sum, 1 - alpha ** (t + 1), 1e-12);
        close(emaWeightSum(t, alpha), 1 - alpha ** (t + 1), 1e-15);
        close(emaBiasCorrection(t, alpha) * sum, 1, 1e-12);
        for (let s = 1; s <= t; s++) assert.ok(w[s] >= w[s - 1], "newer weighs more");
      }),
    );
  });
  await t.step("effective window 1/(1 − α)", () => {
    close(emaEffectiveWindow(0.9), 10);
    close(emaEffectiveWindow(0.99), 100, 1e-12);
    assert.equal(emaEffectiveWindow(0), 1);
  });
  await t.step("terms holding a share of the weight", () => {
    assert.equal(emaTermsForShare(0.5, 0.5), 1);
    assert.equal(emaTermsForShare(0.5, 0.5000001), 2);
    assert.equal(emaTermsForShare(0.9, 1 - 0.9 ** 10), 10);
    assert.equal(emaTermsForShare(0, 0.999), 1);
    assert.equal(emaTermsForShare(0.99, 0.5, { t: 0 }), 1);
  });
  await t.step("property: the count is the smallest k that holds the share", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.999, noNaN: true }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
        (alpha, share, t) => {
          const k = emaTermsForShare(alpha, share, t === undefined ? {} : { t });
          const total = t === undefined ? 1 : 1 - alpha ** (t + 1);
          const held = (j: number) => 1 - alpha ** j;
          assert.ok(held(k) >= share * total, "k terms hold the share");
          assert.ok(k === 1 || held(k - 1) < share * total, "k − 1 terms do not");
          if (t !== undefined) assert.ok(k <= t + 1);
        },
      ),
    );
  });
  await t.step("bad input", () => {
    assert.throws(() => emaWeights(-1, 0.5), /`t` must be an integer >= 0, got -1/);
    assert.throws(() => emaWeights(1.5, 0.5), RangeError);
    assert.throws(() => emaWeightSum(1, 1), /`alpha`/);
    assert.throws(() => emaEffectiveWindow(1), /`alpha` must be a number in \[0, 1\), got 1/);
    assert.throws(() => emaTermsForShare(0.9, 1), /`share` must be a number in \(0, 1\), got 1/);
    assert.throws(() => emaTermsForShare(0.9, 0), RangeError);
    assert.throws(() => emaTermsForShare(0.9, "0.5" as never), TypeError);
    assert.throws(() => emaTermsForShare(0.9, 0.5, { t: -2 }), /`t`/);
    assert.throws(() => emaTermsForShare(0.9, 0.5, { s: 1 } as never), /no option `s`/);
  });
});

Deno.test("momentum: recursion, closed form and weights", async (t) => {
  await t.step("the notes' first terms m_1 … m_3", () => {
    const g = [3, 5, 7];
    const a = 0.5, eta = 0.1;
    const m = momentumSeries(g, { alpha: a, lr: eta });
    close(m[0], eta * g[0]);
    close(m[1], a * eta * g[0] + eta * g[1]);
    close(m[2], a * a * eta * g[0] + a * eta * g[1] + eta * g[2]);
  });
  await t.step("property: closed form equals the recursion (numbers and vectors)", () => {
    fc.assert(
      fc.property(
        seriesArb,
        alphaArb,
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        (g, alpha, lr) => {
          const m = momentumSeries(g, { alpha, lr });
          assert.equal(momentumClosedForm(g, 0, { alpha, lr }), 0);
          for (let t = 1; t <= g.length; t++) {
            close(momentumClosedForm(g, t, { alpha, lr }), m[t - 1], 1e-9, `t=${t}`);
          }
          const vs = g.map((x) => [x, -2 * x]);
          const mv = momentumSeries(vs, { alpha, lr });
          const last = momentumClosedForm(vs, vs.length, { alpha, lr });
          close(last[0], mv[vs.length - 1][0], 1e-9);
          close(last[1], mv[vs.length - 1][1], 1e-9);
        },
      ),
    );
  });
  await t.step("with a schedule, the closed form weights η_s g_s", () => {
    const lr = (s: number) => 1 / (s + 1);
    const g = [1, 1, 1, 1];
    const m = momentumSeries(g, { alpha: 0.5, lr });
    const direct = 0.125 * 1 + 0.25 * 0.5 + 0.5 / 3 + 1 / 4;
    close(m[3], direct, 1e-15);
    close(momentumClosedForm(g, 4, { alpha: 0.5, lr }), direct, 1e-15);
  });
  await t.step("property: equals the steps of the notesMomentum optimizer", () => {
    fc.assert(
      fc.property(seriesArb, fc.double({ min: 0, max: 0.99, noNaN: true }), (g, alpha) => {
        const lr = 0.05;
        const m = momentumSeries(g, { alpha, lr });
        const opt = notesMomentum({ lr, alpha });
        const w = new Float64Array(1);
        const state = opt.init(w);
        for (let t = 0; t < g.length; t++) {
          const before = w[0];
          opt.step(w, Float64Array.of(g[t]), state);
          close(before - w[0], m[t], 1e-9, `step ${t}`);
        }
      }),
    );
  });
  await t.step("property: EMA_t = (1 − α)/η · m_{t+1}", () => {
    fc.assert(
      fc.property(seriesArb, alphaArb, (g, alpha) => {
        const lr = 0.5;
        const m = momentumSeries(g, { alpha, lr });
        const e = emaSeries(g, { alpha });
        for (let t = 0; t < g.length; t++) close(e[t], ((1 - alpha) / lr) * m[t], 1e-9);
      }),
    );
  });
  await t.step("property: weights α^(t−1−s) sum to (1 − α^t)/(1 − α)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), alphaArb, (t, alpha) => {
        const w = momentumWeights(t, alpha);
        assert.equal(w.length, t);
        if (t > 0) assert.equal(w[t - 1], 1);
        const sum = w.reduce((a, b) => a + b, 0);
        close(sum, (1 - alpha ** t) / (1 - alpha), 1e-11);
        close(momentumWeightSum(t, alpha), sum, 1e-11);
      }),
    );
  });
  await t.step("the weight sum tends to 1/(1 − α)", () => {
    close(momentumWeightSum(10_000, 0.9), 10, 1e-12);
  });
  await t.step("lr defaults to 1", () => {
    assert.deepEqual([...momentumSeries([1, 1], { alpha: 0.5 })], [1, 1.5]);
  });
  await t.step("bad input", () => {
    assert.throws(() => momentumSeries([], { alpha: 0.9 }), /`grads` must have length >= 1/);
    assert.throws(
      () => momentumSeries([1], { alpha: 0.9, lr: 0 }),
      /`lr` must be a finite number > 0/,
    );
    assert.throws(() => momentumSeries([1], { alpha: 1 }), /`alpha`/);
    assert.throws(
      () => momentumSeries([1, 2], { alpha: 0.5, lr: () => NaN }),
      /schedule `lr` must return a finite number >= 0, got NaN at step 0/,
    );
    assert.throws(
      () => momentumClosedForm([1, 2], 3, { alpha: 0.5 }),
      /`t` must be an integer in \[0, 2\] \(the series length\), got 3/,
    );
    assert.throws(() => momentumClosedForm([1, 2], -1, { alpha: 0.5 }), RangeError);
    assert.throws(
      () => momentumClosedForm([1, 2], 1, { alpha: 0.5, eta: 1 } as never),
      /no option/,
    );
    assert.throws(() => momentumWeights(2.5, 0.5), RangeError);
    assert.throws(() => momentumWeightSum(2, -0.5), RangeError);
  });
});

Deno.test("power means", async (t) => {
  await t.step("the named means on known values", () => {
    const x = [1, 2, 4];
    close(harmonicMean(x), 3 / (1 + 0.5 + 0.25));
    close(geometricMean(x), 2);
    close(arithmeticMean(x), 7 / 3);
    close(quadraticMean(x), Math.sqrt(21 / 3));
    assert.equal(powerMean(x, Infinity), 4);
    assert.equal(powerMean(x, -Infinity), 1);
    close(powerMean(x, 3), Math.cbrt((1 + 8 + 64) / 3));
  });
  await t.step("zeros are allowed for p > 0", () => {
    assert.equal(quadraticMean([0, 0]), 0);
    assert.equal(arithmeticMean([0, 4]), 2);
    assert.equal(powerMean([0, 0, 3], Infinity), 3);
  });
  await t.step("no overflow or underflow for large |p| or extreme values", () => {
    assert.equal(quadraticMean([1e300, 1e300]), 1e300);
    close(powerMean([1, 2], 1000), 2 * 0.5 ** (1 / 1000), 1e-12);
    close(powerMean([1, 2], -1000), 2 ** (1 / 1000), 1e-12);
    close(harmonicMean([1e-300, 1e-300]), 1e-300, 1e-12);
  });
  await t.step("continuous at p = 0", () => {
    const x = [0.5, 3, 7];
    close(powerMean(x, 1e-9), geometricMean(x), 1e-8);
    close(powerMean(x, -1e-9), geometricMean(x), 1e-8);
  });
  await t.step("weights", () => {
    close(arithmeticMean([1, 10], { weights: [3, 1] }), 13 / 4);
    assert.equal(powerMean([1, 10], Infinity, { weights: [1, 0] }), 1, "zero weight ignored");
    // RMS with EMA weights = √(bias-corrected EMA of squares)
    const g = [0.3, -2, 1.5, 0.1];
    const alpha = 0.8;
    const ema = emaSeries(g.map((x) => x * x), { alpha, debias: true });
    close(
      quadraticMean(g.map(Math.abs), { weights: emaWeights(g.length - 1, alpha) }),
      Math.sqrt(ema[g.length - 1]),
      1e-12,
    );
  });
  await t.step("property: min ≤ H ≤ G ≤ A ≤ Q ≤ max", () => {
    const pos = fc.double({ min: 1e-6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(fc.array(pos, { minLength: 1, maxLength: 30 }), (x) => {
        const slack = 1 + 1e-12;
        const ms = [
          Math.min(...x),
          harmonicMean(x),
          geometricMean(x),
          arithmeticMean(x),
          quadraticMean(x),
          Math.max(...x),
        ];
        for (let i = 1; i < ms.length; i++) {
          assert.ok(
            ms[i - 1] <= ms[i] * slack,
            `mean ${i - 1} = ${ms[i - 1]} > mean ${i} = ${ms[i]}`,
          );
        }
      }),
    );
  });
  await t.step("property: equal values give that value for every p", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        (c, n, p) => close(powerMean(new Array(n).fill(c), p), c, 1e-12),
      ),
    );
  });
  await t.step("bad input", () => {
    assert.throws(() => arithmeticMean([]), /`values` must have length >= 1, got length 0/);
    assert.throws(
      () => harmonicMean([1, 0]),
      /`values\[1\]` must be > 0 for the power mean with p = -1 \(p <= 0 needs positive values\), got 0/,
    );
    assert.throws(() => geometricMean([2, -1]), RangeError);
    assert.throws(() => powerMean([0, 1], -Infinity), /`values\[0\]` must be > 0/);
    assert.throws(() => quadraticMean([-1, 2]), /`values\[0\]` must be >= 0/);
    assert.throws(() => powerMean([1, 2], NaN), /`p` must be a number or ±Infinity, got NaN/);
    assert.throws(() => powerMean([1, 2], "2" as never), TypeError);
    assert.throws(() => powerMean([1, Infinity], 1), /`values\[1\]` must be a finite number/);
    assert.throws(() => arithmeticMean([1, 2], { weights: [1] }), /same length as `values` \(2\)/);
    assert.throws(() => arithmeticMean([1, 2], { weights: [0, 0] }), /must not all be 0/);
    assert.throws(() => arithmeticMean([1, 2], { weights: [1, -1] }), /`weights\[1\]`/);
    assert.throws(() => arithmeticMean([1, 2], { weight: [1, 1] } as never), /no option `weight`/);
  });
});

/** A random symmetric d×d matrix with entries in [−5, 5]. */
const symmetricArb = fc.integer({ min: 1, max: 5 }).chain((d) =>
  fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: d * d, maxLength: d * d })
    .map((xs) => {
      const A = Array.from({ length: d }, () => new Array<number>(d).fill(0));
      for (let i = 0; i < d; i++) {
        for (let j = 0; j <= i; j++) A[i][j] = A[j][i] = xs[i * d + j];
      }
      return A;
    })
);

Deno.test("eigenvalues and stability of gradient descent on a quadratic", async (t) => {
  const d2l = [[0.2, 0], [0, 4]];

  await t.step("eigenvalues ascending, with unit eigenvectors", () => {
    const { values, vectors } = symmetricEigen([[2, 1], [1, 2]]);
    close(values[0], 1);
    close(values[1], 3);
    close(Math.abs(vectors[1][0]), Math.SQRT1_2);
    close(Math.hypot(...vectors[0]), 1);
    assert.deepEqual([...eigenvalues([[7]])], [7]);
    assert.deepEqual([...eigenvalues([Float64Array.of(1, 0), Float64Array.of(0, -2)])], [-2, 1]);
  });
  await t.step("property: A v = λ v, sorted, trace = Σλ", () => {
    fc.assert(
      fc.property(symmetricArb, (A) => {
        const d = A.length;
        const { values, vectors } = symmetricEigen(A);
        let trace = 0;
        for (let i = 0; i < d; i++) trace += A[i][i];
        close(values.reduce((a, b) => a + b, 0), trace, 1e-8);
        for (let k = 0; k < d; k++) {
          if (k > 0) assert.ok(values[k] >= values[k - 1]);
          for (let i = 0; i < d; i++) {
            let av = 0;
            for (let j = 0; j < d; j++) av += A[i][j] * vectors[k][j];
            close(av, values[k] * vectors[k][i], 1e-7, `(Av)[${i}]`);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
  await t.step("the bound 2/λ_max, the optimal rate and κ", () => {
    assert.equal(maxStableLearningRate(d2l), 0.5);
    close(optimalLearningRate(d2l), 2 / 4.2);
    assert.equal(conditionNumber(d2l), 20);
    const rho = contractionFactors(d2l, 0.5);
    close(rho[0], 0.9);
    close(rho[1], 1);
    close(convergenceRate(d2l, 0.1), 0.98);
  });
  await t.step("gradient descent converges just below the bound and diverges just above", () => {
    const A = [[3, 1], [1, 2]];
    const bound = maxStableLearningRate(A);
    const final = (lr: number) => {
      const opt = gradientDescent({ lr });
      const w = Float64Array.of(1, -1);
      const state = opt.init(w);
      for (let t = 0; t < 2000; t++) {
        const g = Float64Array.of(A[0][0] * w[0] + A[0][1] * w[1], A[1][0] * w[0] + A[1][1] * w[1]);
        opt.step(w, g, state);
      }
      return Math.hypot(w[0], w[1]);
    };
    assert.ok(final(bound * 0.99) < 1e-3);
    assert.ok(final(bound * 1.01) > 1e3);
  });
  await t.step("each eigencomponent of the error shrinks by |1 − ηλ_i| per step", () => {
    const A = [[3, 1], [1, 2]];
    const lr = 0.3;
    const { vectors } = symmetricEigen(A);
    const rho = contractionFactors(A, lr);
    const w = Float64Array.of(0.7, -1.3);
    const opt = gradientDescent({ lr });
    const state = opt.init(w);
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => a[0] * b[0] + a[1] * b[1];
    const before = vectors.map((v) => dot(v, w));
    opt.step(w, Float64Array.of(3 * w[0] + w[1], w[0] + 2 * w[1]), state);
    vectors.forEach((v, i) => close(Math.abs(dot(v, w)), rho[i] * Math.abs(before[i]), 1e-12));
  });
  await t.step("property: η* = 2/(λmin+λmax) beats nearby learning rates", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 0.5, max: 1.5, noNaN: true }),
        (a, b, f) => {
          const A = [[a, 0], [0, b]];
          const eta = optimalLearningRate(A);
          const best = convergenceRate(A, eta);
          const k = conditionNumber(A);
          close(best, (k - 1) / (k + 1), 1e-9);
          assert.ok(best <= convergenceRate(A, eta * f) + 1e-12);
        },
      ),
    );
  });
  await t.step("bad input", () => {
    assert.throws(() => eigenvalues([]), /`A` must have at least one row/);
    assert.throws(() => eigenvalues([[1, 2]]), /`A` must be square: row 0 must have length 1/);
    assert.throws(
      () => eigenvalues([[1, 2], [3, 4]]),
      /`A` must be symmetric, got A\[0\]\[1\] = 2 but A\[1\]\[0\] = 3/,
    );
    assert.throws(() => eigenvalues([[1, NaN], [NaN, 1]]), /`A\[0\]\[1\]` must be a finite number/);
    assert.throws(() => eigenvalues([[1, "0"], [0, 1]] as never), TypeError);
    assert.throws(() => eigenvalues(3 as never), TypeError);
    assert.throws(
      () => maxStableLearningRate([[1, 0], [0, -1]]),
      /`A` must be positive definite, got smallest eigenvalue -1/,
    );
    assert.throws(() => optimalLearningRate([[0]]), /positive definite/);
    assert.throws(() => contractionFactors(d2l, 0), /`lr` must be a finite number > 0, got 0/);
    assert.throws(() => convergenceRate(d2l, -1), RangeError);
  });
  await t.step("symmetric up to rounding is accepted", () => {
    const l = eigenvalues([[1, 0.1 + 0.2], [0.3, 1]]);
    close(l[0], 0.7);
  });
});

Deno.test("unit analysis", async (t) => {
  await t.step("derivatives of E with respect to w", () => {
    const rows = derivativeUnits({ w: "m", E: "J" });
    assert.deepEqual(rows.map((r) => [r.formula, r.unit]), [
      ["w", "m"],
      ["E", "J"],
      ["\\nabla_w E", "J / m"],
      ["H = \\nabla_w^2 E", "J / m^2"],
      ["H^{-1}", "m^2 / J"],
    ]);
    assert.deepEqual(rows.map((r) => r.matches), [true, false, false, false, false]);
    assert.equal(rows[3].unitLatex, "\\mathrm{J}/\\mathrm{m}^{2}");
  });
  await t.step("compound units", () => {
    const rows = derivativeUnits({ w: "kg m", E: "J" });
    assert.equal(rows[2].unit, "J / (kg m)");
    assert.equal(rows[4].unit, "kg^2 m^2 / J");
  });
  await t.step("each rule's update, as the notes derive it", () => {
    const units = { w: "m", E: "J" };
    const gd = updateUnits("gradientDescent", units);
    assert.equal(gd.update.unit, "J / m");
    assert.equal(gd.consistent, false);
    const rms = updateUnits("rmsprop", units);
    assert.equal(rms.update.unit, "1");
    assert.equal(rms.consistent, false);
    const ada = updateUnits("adadelta", units);
    assert.equal(ada.update.unit, "m");
    assert.equal(ada.consistent, true);
    const ratio = ada.rows.find((r) => r.formula.startsWith("R ="));
    assert.equal(ratio?.unit, "m^2 / J", "R has the unit of H⁻¹");
    const newton = updateUnits("newton", units);
    assert.equal(newton.update.unit, "m");
    assert.equal(newton.update, newton.rows[newton.rows.length - 1]);
    for (const table of [gd, rms, ada, newton]) {
      assert.ok(table.formula.startsWith("w_{t+1} = w_t"));
      for (const r of table.rows) assert.equal(r.matches, hasUnitOf(r.unit, "m"), r.term);
    }
  });
  await t.step("ε must carry the unit of what it is added to", () => {
    const rms = updateUnits("rmsprop", { w: "m", E: "J" });
    assert.equal(rms.rows.find((r) => r.formula === "\\varepsilon")?.unit, "J^2 / m^2");
    const ada = updateUnits("adadelta", { w: "m", E: "J" });
    assert.equal(ada.rows.find((r) => r.formula === "\\varepsilon_2")?.unit, "m^2");
  });
  await t.step("a learning rate with units", () => {
    assert.equal(updateUnits("gradientDescent", { w: "m", E: "J", lr: "m^2/J" }).consistent, true);
    assert.equal(updateUnits("rmsprop", { w: "m", E: "J", lr: "m" }).consistent, true);
    assert.equal(updateUnits("adadelta", { w: "m", E: "J", lr: "s" }).update.unit, "s m");
    assert.equal(updateUnits("adadelta", { w: "m", E: "J", lr: "" }).consistent, true);
  });
  await t.step("whatever the units, only AdaDelta and Newton step in the unit of w", () => {
    for (const [w, E] of [["kg", "m"], ["s", "N m"], ["m/s", "kg"], ["K", "J"]]) {
      const ok = unitAnalysis({ w, E }).map((r) => r.consistent);
      assert.deepEqual(ok, [false, false, true, true], `${w}, ${E}`);
    }
    assert.deepEqual(unitAnalysis({ w: "m", E: "J" }).map((r) => r.rule), [...UPDATE_RULES]);
  });
  await t.step("hasUnitOf compares dimensions", () => {
    assert.equal(hasUnitOf("km", "m"), true);
    assert.equal(hasUnitOf("N m", "J"), true);
    assert.equal(hasUnitOf("J / m", "N"), true);
    assert.equal(hasUnitOf("m^2", "m"), false);
    assert.equal(hasUnitOf("", "m"), false);
  });
  await t.step("bad input", () => {
    assert.throws(
      () => derivativeUnits({ w: "furlongz", E: "J" }),
      /`w` must be a unit that mathjs knows, such as "m" or "J\/m", got "furlongz"/,
    );
    assert.throws(() => derivativeUnits({ w: "m", E: "" }), /`E` must be a unit string/);
    assert.throws(() => derivativeUnits({ w: "5 m", E: "J" }), /without a number/);
    assert.throws(() => derivativeUnits({ w: 1, E: "J" } as never), TypeError);
    assert.throws(() => derivativeUnits({ w: "m", E: "J", x: "s" } as never), /no option `x`/);
    assert.throws(() => updateUnits("adam" as never, { w: "m", E: "J" }), /`rule` must be one of/);
    assert.throws(() => updateUnits("newton", { w: "m", E: "J", lr: "bogus" }), /`lr`/);
    assert.throws(() => hasUnitOf("m", "zz"), /`reference`/);
  });
});
