// The training loop `train`: 1000 steps on 2-D problems, and minibatch runs on
// linear regression. The hand-written loops next to them do the same steps
// without recording anything, so the difference is what `train` costs on top
// of the problem's gradient and the optimizer's step (recording loss, norms,
// η, time and w_t; the full loss after every step; the divergence checks).
//
// Run: deno task bench   (or: deno bench --frozen -A bench/train_bench.ts)
import {
  adam,
  d2lQuadratic,
  gradientDescent,
  linearRegression,
  type Optimizer,
  type Problem,
  rosenbrock,
  sgd,
  train,
} from "@better-gradients/lib";

const STEPS = 1000;

/** The bare loop: gradient, step; nothing recorded, no loss evaluated. */
function handLoop(problem: Problem, opt: Optimizer, steps: number): Float64Array {
  const w = problem.startPoint();
  const g = new Float64Array(problem.dim);
  const state = opt.init(w);
  for (let t = 0; t < steps; t++) opt.step(w, problem.grad(w, g), state);
  return w;
}

// Every run must really take all its steps (none converges or diverges early),
// or the benchmark would time a shorter run than its name says.
function checkFull(label: string, steps: number): void {
  if (steps !== STEPS) throw new Error(`${label}: took ${steps} steps, not ${STEPS}`);
}

// ---------------------------------------------------------------- 2-D, full batch

{
  const group = "2-D: 1000 steps";
  const bowl = d2lQuadratic();
  const banana = rosenbrock();
  checkFull("gd on d2l", train(bowl, gradientDescent({ lr: 0.1 }), { maxSteps: STEPS }).steps);
  checkFull("adam on rosenbrock", train(banana, adam({ lr: 0.01 }), { maxSteps: STEPS }).steps);

  Deno.bench("train: gradientDescent on d2l's bowl", { group, baseline: true }, () => {
    train(bowl, gradientDescent({ lr: 0.1 }), { maxSteps: STEPS });
  });
  Deno.bench("train: same, recordParams: false", { group }, () => {
    train(bowl, gradientDescent({ lr: 0.1 }), { maxSteps: STEPS, recordParams: false });
  });
  Deno.bench("hand loop: gradientDescent on d2l's bowl (records nothing)", { group }, () => {
    handLoop(bowl, gradientDescent({ lr: 0.1 }), STEPS);
  });
  Deno.bench("train: adam on Rosenbrock", { group }, () => {
    train(banana, adam({ lr: 0.01 }), { maxSteps: STEPS });
  });
  Deno.bench("hand loop: adam on Rosenbrock (records nothing)", { group }, () => {
    handLoop(banana, adam({ lr: 0.01 }), STEPS);
  });
}

// ---------------------------------------------------------------- minibatches

{
  // n = 1000 samples, d = 10 features (11 parameters), batches of 32, reshuffled.
  const group = "linear regression n=1000 d=10: 1000 steps";
  const data = linearRegression({ samples: 1000, features: 10, seed: 0 });
  const options = { maxSteps: STEPS, batchSize: 32, shuffle: true, seed: 0 };
  checkFull("minibatch", train(data, sgd({ lr: 0.05 }), options).steps);
  checkFull("full batch", train(data, sgd({ lr: 0.05 }), { maxSteps: STEPS }).steps);

  Deno.bench("train: sgd, minibatches of 32, shuffled", { group, baseline: true }, () => {
    train(data, sgd({ lr: 0.05 }), options);
  });
  Deno.bench("train: sgd, full batch", { group }, () => {
    train(data, sgd({ lr: 0.05 }), { maxSteps: STEPS });
  });
  Deno.bench("hand loop: sgd, minibatches of 32 (no loss evaluated)", { group }, () => {
    // batches of 32 from one fixed permutation of the samples (no reshuffling)
    const opt = sgd({ lr: 0.05 });
    const w = data.startPoint();
    const g = new Float64Array(data.dim);
    const state = opt.init(w);
    const order = Int32Array.from({ length: data.samples }, (_, i) => (i * 7919) % data.samples);
    for (let t = 0, at = 0; t < STEPS; t++) {
      if (at + 32 > data.samples) at = 0;
      opt.step(w, data.batchGrad(w, order.subarray(at, at + 32), g), state);
      at += 32;
    }
  });
}
