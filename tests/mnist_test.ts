// The MNIST loader: the package's 10,000 digits, the stratified seeded split,
// pooling, standardisation fitted on the training set only, stored order, and
// bad input.

import assert from "node:assert/strict";
import { loadMnist, MNIST_SOURCE } from "@better-gradients/lib";
import { assertClose } from "./_helpers.ts";

Deno.test("loadMnist: 10,000 real digits in three stratified sets", async (t) => {
  const all = await loadMnist({
    split: { train: 10000, validation: 0, test: 0 },
    standardize: false,
    order: "stored",
  });
  await t.step("the package's counts, sorted by class in stored order", () => {
    assert.deepEqual(all.classCounts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    assert.equal(all.train.samples, 10000);
    assert.equal(all.train.features, 784);
    const L = all.train.labels;
    for (let i = 1; i < L.length; i++) assert.ok(L[i - 1] <= L[i], `stored order at ${i}`);
    assert.deepEqual([...all.train.stored.subarray(0, 3)], [0, 1, 2]);
    const X = all.train.X;
    assert.ok(X.every((x) => x >= 0 && x <= 1));
    // grey values have three decimals
    assert.ok(X.every((x) => Math.abs(x * 1000 - Math.round(x * 1000)) < 1e-9));
  });
  const digits = await loadMnist();
  await t.step("7000 / 1500 / 1500, every class in proportion, no sample twice", () => {
    const seen = new Set<number>();
    for (
      const [set, size] of [[digits.train, 7000], [digits.validation, 1500], [
        digits.test,
        1500,
      ]] as const
    ) {
      assert.equal(set.samples, size);
      const counts = new Array(10).fill(0);
      for (const y of set.labels) counts[y]++;
      for (let k = 0; k < 10; k++) {
        const share = (size * all.classCounts[k]) / 10000;
        assert.ok(Math.abs(counts[k] - share) < 1, `class ${k}: ${counts[k]} vs ${share}`);
      }
      for (let r = 0; r < set.samples; r++) {
        const i = set.stored[r];
        assert.ok(!seen.has(i), `sample ${i} in two sets`);
        seen.add(i);
        assert.equal(set.labels[r], all.train.labels[i]);
      }
    }
  });
  await t.step("standardised with the training set's mean and sd only", () => {
    const { mean, sd } = digits.scaling;
    const X = digits.train.X;
    const m = X.reduce((a, b) => a + b, 0) / X.length;
    const v = X.reduce((a, b) => a + (b - m) ** 2, 0) / X.length;
    assertClose(m, 0, 1e-9);
    assertClose(v, 1, 1e-8); // sums of 5.5 million terms
    // the validation set is scaled by the same map, so its mean is not exactly 0
    const r = 5;
    const raw = all.train.X[digits.validation.stored[r] * 784 + 400];
    assertClose(digits.validation.X[r * 784 + 400], (raw - mean) / sd, 1e-12);
    assert.ok(mean > 0.1 && mean < 0.16 && sd > 0.25 && sd < 0.35, `mean ${mean}, sd ${sd}`);
  });
  await t.step("same seed, same split; another seed, another", async () => {
    const again = await loadMnist();
    assert.deepEqual(again.train.stored, digits.train.stored);
    assert.notEqual(again.train.X, digits.train.X); // fresh arrays
    const other = await loadMnist({ seed: 1 });
    assert.notDeepEqual(other.train.stored, digits.train.stored);
    const stored = await loadMnist({ order: "stored" });
    assert.deepEqual([...stored.train.stored], [...digits.train.stored].sort((a, b) => a - b));
  });
  await t.step("pooling averages 2×2 blocks", async () => {
    const pooled = await loadMnist({
      pool: true,
      standardize: false,
      order: "stored",
      split: { train: 10000, validation: 0, test: 0 },
    });
    assert.equal(pooled.side, 14);
    assert.equal(pooled.train.features, 196);
    const i = 1234, r = 6, c = 9;
    const big = all.train.X.subarray(i * 784, (i + 1) * 784);
    const expected = (big[2 * r * 28 + 2 * c] + big[2 * r * 28 + 2 * c + 1] +
      big[(2 * r + 1) * 28 + 2 * c] + big[(2 * r + 1) * 28 + 2 * c + 1]) / 4;
    assertClose(pooled.train.X[i * 196 + r * 14 + c], expected, 1e-15);
  });
  assert.match(MNIST_SOURCE.licence, /MIT/);
});

Deno.test("loadMnist refuses bad options", async () => {
  const cases: [unknown, RegExp][] = [
    [
      { split: { train: 9000, validation: 1000, test: 1 } },
      /at most 10000 samples in all.*got 10001/,
    ],
    [
      { split: { train: 0, validation: 10, test: 10 } },
      /`split.train` must be an integer >= 1, got 0/,
    ],
    [
      { split: { train: 10, validation: -1, test: 0 } },
      /`split.validation` must be an integer >= 0, got -1/,
    ],
    [
      { split: { train: 10, validation: 1.5, test: 0 } },
      /`split.validation` must be an integer >= 0, got 1.5/,
    ],
    [
      { split: { train: 10, test: 0 } },
      /`split.validation` must be an integer >= 0, got undefined/,
    ],
    [{ split: [7000, 1500, 1500] }, /`split` must be an object/],
    [{ split: { train: 10, validation: 0, test: 0, extra: 1 } }, /`split` has no option `extra`/],
    [{ order: "sorted" }, /`order` must be "shuffled" or "stored", got "sorted"/],
    [{ pool: 2 }, /`pool` must be true or false, got 2/],
    [{ seed: -3 }, /`seed` must be an integer >= 0, got -3/],
    [{ standardise: true }, /`loadMnist` has no option `standardise`/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(loadMnist(options as never), message);
  }
});
