// The learning-rate range test: its geometric schedule, the bias-corrected
// smoothing, the stop rule, what it reads off, and bad input.

import assert from "node:assert/strict";
import { linearRegression, lrRangeTest, maxStableLearningRate, sgd } from "@better-gradients/lib";
import { assertClose } from "./_helpers.ts";

const problem = linearRegression({ samples: 200, features: 3, seed: 1 });

Deno.test("lrRangeTest: schedule, smoothing and read-offs", () => {
  const r = lrRangeTest(problem, (lr) => sgd({ lr }), {
    batchSize: 20,
    minLr: 1e-4,
    maxLr: 100,
    steps: 120,
    smoothing: 0.9,
  });
  // η_t grows by the same factor every step
  const factor = (100 / 1e-4) ** (1 / 119);
  for (let t = 1; t < r.lr.length; t++) assertClose(r.lr[t] / r.lr[t - 1], factor, 1e-12);
  assertClose(r.lr[0], 1e-4, 1e-15);
  // the smoothed loss is the bias-corrected EMA of the minibatch losses
  let s = 0;
  r.loss.forEach((L, t) => {
    s = 0.9 * s + 0.1 * L;
    assertClose(r.smoothed[t], s / (1 - 0.9 ** (t + 1)), 1e-12, `t = ${t}`);
  });
  // it stopped when the smoothed loss passed 4× its best
  assert.equal(r.stopped, "stopFactor");
  const last = r.smoothed.length - 1;
  assert.ok(r.smoothed[last] > 4 * Math.min(...r.smoothed.subarray(0, last)));
  assert.ok(r.lr.length < 120);
  assert.equal(r.suggestion, r.minimum / 10);
  assert.ok(r.steepest <= r.minimum);
  // least squares is unstable above 2/λ_max of its minibatch Hessians: the loss
  // bottoms out below that, and the suggestion sits well inside the stable range
  const limit = maxStableLearningRate(problem.hessian!(problem.startPoint()));
  assert.ok(r.minimum < 3 * limit, `minimum ${r.minimum}, 2/λ_max = ${limit}`);
  assert.ok(r.suggestion < limit);
});

Deno.test("lrRangeTest: same seed, same curve; bad input refused", () => {
  const a = lrRangeTest(problem, (lr) => sgd({ lr }), { batchSize: 10, seed: 3 });
  const b = lrRangeTest(problem, (lr) => sgd({ lr }), { batchSize: 10, seed: 3 });
  assert.deepEqual(a.loss, b.loss);
  const cases: [unknown, RegExp][] = [
    [{ batchSize: 10, minLr: 0 }, /`minLr` must be a finite number > 0, got 0/],
    [{ batchSize: 10, minLr: 1, maxLr: 0.5 }, /`maxLr` must be > minLr = 1, got 0.5/],
    [{ batchSize: 10, steps: 1 }, /`steps` must be an integer >= 2, got 1/],
    [{ batchSize: 10, smoothing: 1 }, /`smoothing` must be a number in \[0, 1\), got 1/],
    [{ batchSize: 10, stopFactor: 1 }, /`stopFactor` must be > 1, got 1/],
    [
      { batchSize: 10, seed: null },
      /`seed` must be left out \(or undefined\) to get its default, got null/,
    ],
    [{ batchSize: 0 }, /batchSize/],
    [{ batchSize: 10, start: [0, 0, 0] }, /`start` must be a Float64Array of length 4/],
    [{ batchSize: 10, minLr: 1e3, maxLr: 1e9 }, /lower `minLr` \(1000\)/],
    [{ batchSize: 10, lr: 1 }, /`lrRangeTest` has no option `lr`/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => lrRangeTest(problem, (lr) => sgd({ lr }), options as never), message);
  }
  assert.throws(
    () => lrRangeTest({} as never, (lr) => sgd({ lr }), { batchSize: 1 }),
    /problem on data/,
  );
  assert.throws(
    () => lrRangeTest(problem, null as never, { batchSize: 1 }),
    /`makeOptimizer` must be a function/,
  );
});
