// The network's speed: one minibatch gradient of a 784-128-10 ReLU network at
// batch 128 (forward, softmax cross-entropy, backward), and the 128×784×128
// product at its heart, in GFLOP/s.
//
// Peers in the same run: TF.js's CPU backend (float32) computing the same
// gradient with its own kernels, and the plain triple loop for the product
// (the simplest correct reference). PyTorch float64 on one thread is measured
// by tools/torch_network_bench.py (not part of CI); the README has both.
//
// Run: deno task bench   (or: deno bench --frozen -A bench/network_bench.ts)
// After the table, each bench's median speed is printed in GFLOP/s.
import { createRng, mlp } from "@better-gradients/lib";
import { gemmNT } from "../lib/network/matmul.ts";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";

await tf.setBackend("cpu");

const BATCH = 128, IN = 784, HIDDEN = 128, OUT = 10;
/**
 * Floating-point operations of one gradient, multiply and add counted apart:
 * forward 2B(784·128 + 128·10), backward ∂W of both layers 2B(784·128 + 128·10)
 * and ∂a of the hidden layer 2B·128·10 (the inputs need none).
 */
const GRADIENT_FLOPS = 2 * BATCH * (IN * HIDDEN + HIDDEN * OUT) * 2 + 2 * BATCH * HIDDEN * OUT;
const PRODUCT_FLOPS = 2 * BATCH * IN * HIDDEN;

const times = new Map<string, { flops: number; ms: number[] }>();
function timed(name: string, flops: number, fn: () => void): () => void {
  times.set(name, { flops, ms: [] });
  return () => {
    const t0 = performance.now();
    fn();
    times.get(name)!.ms.push(performance.now() - t0);
  };
}
globalThis.addEventListener("unload", () => {
  for (const [name, { flops, ms }] of times) {
    if (ms.length === 0) continue;
    const sorted = ms.slice().sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(`${name}: ${(flops / median / 1e6).toFixed(2)} GFLOP/s (median of ${ms.length})`);
  }
});

const rng = createRng(1);
const X = new Float64Array(BATCH * IN).map(() => rng.uniform(-1, 1));
const labels = Int32Array.from({ length: BATCH }, () => rng.integer(0, OUT));
const net = mlp({ data: { X, labels, features: IN }, hidden: [HIDDEN], seed: 2 });
const w = net.startPoint();
const g = new Float64Array(net.dim);
const all = Int32Array.from({ length: BATCH }, (_, i) => i);

{
  const group = "gradient of a 784-128-10 network, batch 128";
  Deno.bench(
    "library: mlp batchValueAndGrad (float64)",
    { group, baseline: true },
    timed("library gradient (float64)", GRADIENT_FLOPS, () => {
      net.batchValueAndGrad(w, all, g);
    }),
  );

  const xs = tf.tensor2d(Float32Array.from(X), [BATCH, IN]);
  const ys = tf.oneHot(tf.tensor1d(labels, "int32"), OUT);
  const W1 = tf.variable(tf.randomNormal([IN, HIDDEN], 0, Math.sqrt(2 / IN), "float32", 1));
  const b1 = tf.variable(tf.zeros([HIDDEN]));
  const W2 = tf.variable(tf.randomNormal([HIDDEN, OUT], 0, Math.sqrt(2 / HIDDEN), "float32", 2));
  const b2 = tf.variable(tf.zeros([OUT]));
  // TF.js's CPU package ships no gradient functions, so the backward pass is
  // written out with its kernels: the same products the library computes.
  Deno.bench(
    "tfjs cpu: the same forward and backward (float32)",
    { group },
    timed("tfjs cpu gradient (float32)", GRADIENT_FLOPS, () => {
      const out = tf.tidy(() => {
        const z1 = tf.add(tf.matMul(xs, W1), b1);
        const a1 = tf.relu(z1);
        const p = tf.softmax(tf.add(tf.matMul(a1, W2), b2));
        const d2 = tf.div(tf.sub(p, ys), BATCH);
        const dW2 = tf.matMul(a1, d2, true, false);
        const db2 = tf.sum(d2, 0);
        const d1 = tf.mul(tf.matMul(d2, W2, false, true), tf.step(z1));
        const dW1 = tf.matMul(xs, d1, true, false);
        const db1 = tf.sum(d1, 0);
        return [dW1, db1, dW2, db2];
      });
      out[0].dataSync();
      out.forEach((t) => t.dispose());
    }),
  );
}

{
  const group = "the product 128×784 · (128×784)ᵀ";
  const A = new Float64Array(BATCH * IN).map(() => rng.normal());
  const B = new Float64Array(HIDDEN * IN).map(() => rng.normal());
  const C = new Float64Array(BATCH * HIDDEN);
  Deno.bench(
    "library: gemmNT, 3×2 register tiles",
    { group, baseline: true },
    timed("library product (float64)", PRODUCT_FLOPS, () => gemmNT(BATCH, HIDDEN, IN, A, B, C)),
  );
  Deno.bench(
    "reference: plain triple loop",
    { group },
    timed("plain triple loop (float64)", PRODUCT_FLOPS, () => {
      for (let i = 0; i < BATCH; i++) {
        for (let j = 0; j < HIDDEN; j++) {
          let s = 0;
          for (let p = 0; p < IN; p++) s += A[i * IN + p] * B[j * IN + p];
          C[i * HIDDEN + j] = s;
        }
      }
    }),
  );
}
