// One optimizer step at 10 and 10^6 parameters: the library (fused step and the
// readable chain), the reference loop of the same rule (the baseline of each
// group: see below), and TensorFlow.js's CPU backend as a peer (float32: TF.js
// has no float64 on the CPU backend).
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
  Deno.bench(label, { group }, () => {
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

// The reference loops: the simplest correct loop of each rule, in the order in
// which PyTorch 1.13's single-tensor `torch.optim` code computes it (each line
// names the tensor operation it stands for), with no options and no checks.
// They are not the library's arithmetic: the library must come close to them.
// (PyTorch's vectorised CPU kernels fuse `add_(x, alpha=a)` and `addcmul_` into
// fused multiply-adds; JavaScript has no FMA, so here each product is rounded
// on its own. That is why parity with PyTorch is tested to 1e-9, not bitwise.)

/** `torch.optim.Adam` defaults, step `t` counted from 1 as in PyTorch. */
function referenceAdam(
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
  const stepSize = lr / (1 - b1 ** t); // lr / bias_correction1
  const bc2Sqrt = Math.sqrt(1 - b2 ** t); // bias_correction2 ** 0.5
  for (let i = 0; i < w.length; i++) {
    const m = mu[i] * b1 + (1 - b1) * g[i]; // exp_avg.mul_(b1).add_(grad, alpha=1 - b1)
    const v = nu[i] * b2 + (1 - b2) * g[i] * g[i]; // exp_avg_sq.mul_(b2).addcmul_(grad, grad, value=1 - b2)
    mu[i] = m;
    nu[i] = v;
    w[i] += (-stepSize * m) / (Math.sqrt(v) / bc2Sqrt + eps); // param.addcdiv_(exp_avg, denom, value=-step_size)
  }
}

/** `torch.optim.RMSprop` without momentum, centering or weight decay. */
function referenceRmsprop(
  w: Float64Array,
  g: Float64Array,
  nu: Float64Array,
  lr: number,
  alpha: number,
  eps: number,
): void {
  for (let i = 0; i < w.length; i++) {
    const v = nu[i] * alpha + (1 - alpha) * g[i] * g[i]; // square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    nu[i] = v;
    w[i] += (-lr * g[i]) / (Math.sqrt(v) + eps); // param.addcdiv_(grad, square_avg.sqrt().add_(eps), value=-lr)
  }
}

/** `torch.optim.SGD` with momentum, no dampening: the buffer starts as the first gradient. */
function referenceMomentum(
  w: Float64Array,
  g: Float64Array,
  buf: Float64Array,
  first: boolean,
  lr: number,
  mu: number,
): void {
  if (first) {
    for (let i = 0; i < w.length; i++) {
      buf[i] = g[i]; // buf = torch.clone(d_p)
      w[i] += -lr * g[i]; // param.add_(buf, alpha=-lr)
    }
    return;
  }
  for (let i = 0; i < w.length; i++) {
    const b = buf[i] * mu + g[i]; // buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
    buf[i] = b;
    w[i] += -lr * b; // param.add_(buf, alpha=-lr)
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
    Deno.bench(`adam n=${n} (reference loop)`, { group, baseline: true }, () => {
      referenceAdam(w, g, mu, nu, ++t, 1e-3, 0.9, 0.999, 1e-8);
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
    Deno.bench(`rmsprop n=${n} (reference loop)`, { group, baseline: true }, () => {
      referenceRmsprop(w, g, nu, 1e-2, 0.99, 1e-8);
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
    Deno.bench(`sgd+momentum n=${n} (reference loop)`, { group, baseline: true }, () => {
      referenceMomentum(w, g, buf, t++ === 0, 1e-2, 0.9);
    });
    benchTfjs(group, n, () => tf.train.momentum(1e-2, 0.9));
  }
}
