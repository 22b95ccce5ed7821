// `train` on real-data runs: epochs, evaluation every epoch or every K steps,
// validation and accuracy records, the minibatch loss, a schedule that fails
// mid-run, and `trainLive`'s progress reports (lines here; the Jupyter output
// is tested in a real kernel by tests/progress_test.ts).

import assert from "node:assert/strict";
import {
  adam,
  linearRegression,
  mlp,
  paramsAt,
  sgd,
  train,
  type TrainingRun,
  trainLive,
} from "@better-gradients/lib";
import { createRng } from "@better-gradients/lib";

function blobs(n: number, seed: number) {
  const rng = createRng(seed);
  const X = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    X[2 * i] = rng.normal(labels[i] - 1, 0.6);
    X[2 * i + 1] = rng.normal(labels[i] === 1 ? 1 : -1, 0.6);
  }
  return { X, labels, features: 2 };
}

const net = mlp({ data: blobs(90, 1), hidden: [5], seed: 2 });
const val = net.withData(blobs(30, 2));

Deno.test("epochs: evaluations at the end of each epoch only", () => {
  const run = train(net, adam({ lr: 0.05 }), {
    batchSize: 20, // 5 batches per epoch, the last one of 10 samples
    epochs: 4,
    shuffle: true,
    validation: val,
    recordParams: true,
  });
  assert.equal(run.steps, 20);
  assert.deepEqual([...run.evalSteps], [0, 5, 10, 15, 20]);
  assert.deepEqual([...run.evalEpochs], [0, 1, 2, 3, 4]);
  assert.equal(run.settings.evaluate, "epoch");
  run.evalSteps.forEach((t, k) => {
    const w = paramsAt(run, t);
    assert.equal(run.loss[k], net.loss(w), `loss at step ${t}`);
    assert.equal(run.accuracy![k], net.accuracy(w), `accuracy at step ${t}`);
    assert.equal(run.validation!.loss[k], val.loss(w), `validation loss at step ${t}`);
    assert.equal(run.validation!.accuracy![k], val.accuracy(w));
  });
  assert.equal(run.finalLoss, run.loss[4]);
  // the minibatch loss of every step, at w_t before the step
  assert.equal(run.batchLoss!.length, 20);
  assert.ok(run.batchLoss!.every(Number.isFinite));
  assert.ok(
    run.validation!.accuracy![4] > 0.8,
    `validation accuracy ${run.validation!.accuracy![4]}`,
  );
});

Deno.test("evaluating less often leaves the trajectory unchanged", () => {
  const options = { batchSize: 16, maxSteps: 23, shuffle: true, seed: 5 } as const;
  const every = train(net, sgd({ lr: 0.1, momentum: 0.9 }), options);
  const sparse = train(net, sgd({ lr: 0.1, momentum: 0.9 }), { ...options, evaluate: 10 });
  assert.deepEqual(sparse.final, every.final);
  assert.deepEqual(sparse.batchLoss, every.batchLoss);
  assert.deepEqual([...sparse.evalSteps], [0, 10, 20, 23]); // the last step is always evaluated
  assert.deepEqual([...sparse.loss], [0, 10, 20, 23].map((t) => every.loss[t]));
  assert.equal(every.loss.length, 24);
});

Deno.test("a schedule that fails at step 5 stops the run there, records kept", async (t) => {
  const problem = linearRegression({ samples: 30, features: 2, seed: 3 });
  const ok = train(problem, sgd({ lr: 0.05 }), { maxSteps: 5 });
  const cases: [string, unknown, RegExp][] = [
    ["NaN", NaN, /returned NaN/],
    ["negative", -1, /returned -1/],
    ["a string", "0.1", /returned "0.1"/],
  ];
  for (const [label, value, message] of cases) {
    await t.step(label, () => {
      const lr = (s: number) => (s < 5 ? 0.05 : value) as number;
      const run = train(problem, sgd({ lr }), { maxSteps: 20 });
      assert.equal(run.stop.reason, "diverged");
      assert.equal(run.stop.cause, "bad learning rate");
      assert.equal(run.stop.step, 5);
      assert.equal(run.steps, 5);
      assert.match(run.stop.message, /^diverged at step 5: the schedule `lr` returned /);
      assert.match(run.stop.message, message);
      if (typeof value === "number") assert.ok(Object.is(run.stop.value, value));
      else assert.equal("value" in run.stop, false);
      assert.deepEqual(run.final, ok.final);
      assert.deepEqual(run.loss, ok.loss);
    });
  }
});

Deno.test("train's new options refuse bad values", () => {
  const problem = linearRegression({ samples: 30, features: 2, seed: 3 });
  const cases: [unknown, RegExp][] = [
    [{ epochs: 2 }, /`epochs` counts passes over the data in minibatches: it needs `batchSize`/],
    [{ batchSize: 5, epochs: 2, maxSteps: 4 }, /give `epochs` or `maxSteps`, not both/],
    [{ batchSize: 5, epochs: 0 }, /`epochs` must be an integer >= 1, got 0/],
    [{ batchSize: 5, epochs: 1.5 }, /`epochs` must be an integer >= 1, got 1.5/],
    [{ evaluate: "epoch" }, /`evaluate: "epoch"` needs minibatches/],
    [{ evaluate: 0 }, /`evaluate` must be an integer >= 1, got 0/],
    [
      { evaluate: "often" },
      /`evaluate` must be "step", "epoch" or a whole number of steps >= 1, got "often"/,
    ],
    [
      { validation: net },
      /`validation` must have the problem's dim \(3\), got a problem of dim 33/,
    ],
    [{ validation: {} }, /`validation` must be a Problem/],
    [{ batchSize: 31 }, /batchSize/],
    [
      { maxSteps: null },
      /`maxSteps` must be left out \(or undefined\) to get its default, got null/,
    ],
    [{ tol: null }, /`tol` must be left out/],
    [[], /`train` options must be a plain object.*got an array of length 0/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => train(problem, sgd({ lr: 0.1 }), options as never), message);
  }
});

Deno.test("trainLive: the same record as train, and a line per evaluation", async () => {
  const options = { batchSize: 30, epochs: 3, shuffle: true, validation: val } as const;
  const quiet = train(net, adam({ lr: 0.02 }), options);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  let live: TrainingRun;
  try {
    live = await trainLive(net, adam({ lr: 0.02 }), { ...options, progress: "lines" });
  } finally {
    console.log = log;
  }
  assert.deepEqual(live.final, quiet.final);
  assert.deepEqual(live.loss, quiet.loss);
  assert.equal(lines.length, 5); // epochs 0…3 and the closing line
  assert.match(
    lines[1],
    /^adam · epoch 1\/3 · step 3\/9 · loss [0-9.]+ · accuracy [0-9.]+ % · validation loss [0-9.]+ · validation accuracy [0-9.]+ % · [0-9.]+ s$/,
  );
  assert.match(lines[4], /step 9\/9 .* took maxSteps = 9 steps$/);
  const silent = await trainLive(net, adam({ lr: 0.02 }), { ...options }); // "auto": not a terminal
  assert.deepEqual(silent.final, quiet.final);
  await assert.rejects(
    trainLive(net, adam({ lr: 0.02 }), { ...options, progress: "bar" as never }),
    /`progress` must be "auto", "jupyter", "lines" or "none", got "bar"/,
  );
});

Deno.test("train with a ReduceLROnPlateau controller: the rate follows the evaluated losses", async () => {
  const { reduceLrOnPlateau } = await import("@better-gradients/lib");
  // an epoch counts as progress only if it cuts the best loss by half: η is cut often
  const plateau = reduceLrOnPlateau({ lr: 0.5, factor: 0.1, patience: 0, threshold: 0.5 });
  const options = { batchSize: 30, epochs: 8, shuffle: true, seed: 4, validation: val, plateau };
  const run = train(net, sgd({ lr: plateau.schedule }), options);
  const perEpoch = run.lr.filter((_, t) => t % 3 === 0);
  assert.equal(perEpoch[0], 0.5);
  assert.ok(perEpoch.some((lr) => lr < 0.5), `rates per epoch: ${perEpoch}`);
  // the rate changes only at an evaluation: after a worse validation loss than the best so far
  const v = run.validation!.loss;
  for (let e = 1; e < 8; e++) {
    const before = run.lr[3 * e - 1], after = run.lr[3 * e];
    const best = Math.min(...v.subarray(1, e));
    if (after < before) assert.ok(v[e] > best * 0.5, `epoch ${e}: cut without a plateau`);
    else assert.equal(after, before);
  }
  // the run resets the controller: running again gives the same record
  const again = train(net, sgd({ lr: plateau.schedule }), options);
  assert.deepEqual(again.lr, run.lr);
  assert.throws(
    () => train(net, sgd({ lr: 0.1 }), { plateau: {} as never }),
    /`plateau` must be a controller from reduceLrOnPlateau, got an object/,
  );
});
