// One optimizer step at 10 and 10^6 parameters: the library (fused step and the
// readable chain), a hand-fused loop of the same rule, and TensorFlow.js's CPU
// backend as a peer (float32: TF.js has no float64 on the CPU backend).
//
// Run: deno task bench
import { adam, type Optimizer, rmsprop, sgd } from "@better-gradients/lib";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";

await tf.setBackend("cpu");

const SIZES = [10, 1_000_000];

function filled(n: number, seed: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(seed + 12.9898 * i) * 0.5;
  return a;
}

function benchLibrary(group: string, n: number, label: string, opt: Optimizer): void {
  const w = filled(n, 1);
  const g = filled(n, 2);
  const state = opt.init(w);
  Deno.bench(label, { group, baseline: label.endsWith("(library)") }, () => {
    opt.step(w, g, state);
  });
}

function benchTfjs(group: string, n: number, make: () => tf.Optimizer): void {
  const variable = tf.variable(tf.tensor1d(Float32Array.from(filled(n, 1)), "float32"));
  const grad = tf.tensor1d(Float32Array.from(filled(n, 2)), "float32");
  const opt = make();
  Deno.bench(`tfjs cpu ${group}`, { group }, () => {
    opt.applyGradients([{ name: variable.name, tensor: grad }]);
  });
}

// The hand-fused loops: what one would write for exactly one rule, with no
// options, no checks and the same arithmetic as the library.

function handAdam(
  w: Float64Array,
  g: Float64Array,
  mu: Float64Array,
  nu: Float64Array,
  t: number,
  lr: number,
  b1: number,
  b2: number,
  eps: number,
): void {
  const bc1 = 1 - b1 ** t, bc2Sqrt = Math.sqrt(1 - b2 ** t);
  for (let i = 0; i < w.length; i++) {
    const m = b1 * mu[i] + (1 - b1) * g[i];
    const v = b2 * nu[i] + (1 - b2) * g[i] * g[i];
    mu[i] = m;
    nu[i] = v;
    w[i] -= (m / bc1 / (Math.sqrt(v) / bc2Sqrt + eps)) * lr;
  }
}

function handRmsprop(
  w: Float64Array,
  g: Float64Array,
  nu: Float64Array,
  lr: number,
  alpha: number,
  eps: number,
): void {
  for (let i = 0; i < w.length; i++) {
    const v = alpha * nu[i] + (1 - alpha) * g[i] * g[i];
    nu[i] = v;
    w[i] -= (g[i] / (Math.sqrt(v) + eps)) * lr;
  }
}

function handMomentum(
  w: Float64Array,
  g: Float64Array,
  buf: Float64Array,
  started: boolean,
  lr: number,
  mu: number,
): void {
  for (let i = 0; i < w.length; i++) {
    const b = started ? mu * buf[i] + g[i] : g[i];
    buf[i] = b;
    w[i] -= b * lr;
  }
}

for (const n of SIZES) {
  // Adam, PyTorch's defaults and arithmetic.
  {
    const group = `adam n=${n}`;
    benchLibrary(group, n, `adam n=${n} (library)`, adam({ lr: 1e-3 }));
    benchLibrary(group, n, `adam n=${n} (chain, fused: false)`, adam({ lr: 1e-3, fused: false }));
    const w = filled(n, 1), g = filled(n, 2);
    const mu = new Float64Array(n), nu = new Float64Array(n);
    let t = 0;
    Deno.bench(`adam n=${n} (hand-fused loop)`, { group }, () => {
      handAdam(w, g, mu, nu, ++t, 1e-3, 0.9, 0.999, 1e-8);
    });
    benchTfjs(group, n, () => tf.train.adam(1e-3, 0.9, 0.999, 1e-8));
  }
  // RMSprop, PyTorch's defaults.
  {
    const group = `rmsprop n=${n}`;
    benchLibrary(group, n, `rmsprop n=${n} (library)`, rmsprop({ lr: 1e-2 }));
    benchLibrary(group, n, `rmsprop n=${n} (chain, fused: false)`, rmsprop({ fused: false }));
    const w = filled(n, 1), g = filled(n, 2);
    const nu = new Float64Array(n);
    Deno.bench(`rmsprop n=${n} (hand-fused loop)`, { group }, () => {
      handRmsprop(w, g, nu, 1e-2, 0.99, 1e-8);
    });
    benchTfjs(group, n, () => tf.train.rmsprop(1e-2, 0.99, 0, 1e-8));
  }
  // SGD with momentum 0.9.
  {
    const group = `sgd+momentum n=${n}`;
    benchLibrary(group, n, `sgd+momentum n=${n} (library)`, sgd({ lr: 1e-2, momentum: 0.9 }));
    benchLibrary(
      group,
      n,
      `sgd+momentum n=${n} (chain, fused: false)`,
      sgd({ lr: 1e-2, momentum: 0.9, fused: false }),
    );
    const w = filled(n, 1), g = filled(n, 2);
    const buf = new Float64Array(n);
    let t = 0;
    Deno.bench(`sgd+momentum n=${n} (hand-fused loop)`, { group }, () => {
      handMomentum(w, g, buf, t++ > 0, 1e-2, 0.9);
    });
    benchTfjs(group, n, () => tf.train.momentum(1e-2, 0.9));
  }
}
