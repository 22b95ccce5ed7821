/**
 * A multilayer perceptron for classification, as a {@link DataProblem}: every
 * optimizer and {@link train} apply to it unchanged, since all its weights and
 * biases live in one Float64Array.
 *
 * @module
 */

import { integer, knownKeys, nonNegative, show } from "../_validate.ts";
import { createRng } from "../data/random.ts";
import type { DataProblem } from "../problems/problem.ts";
import { checkIndices, checkOut, checkPoint } from "../problems/_check.ts";
import { gemmNT, transpose } from "./matmul.ts";

/** The data a network is trained or evaluated on: n samples of d features, row-major. */
export interface NetworkData {
  /** The features, n × d row-major. */
  readonly X: Float64Array;
  /** The class of each sample, an integer in [0, classes). */
  readonly labels: ArrayLike<number>;
  /** d, the number of features (the input layer's size). */
  readonly features: number;
}

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** The samples to fit, e.g. `digits.train` from `loadMnist`. */
  data: NetworkData;
  /**
   * Sizes of the hidden layers, e.g. `[128]` for one hidden layer of 128
   * units; `[]` is softmax regression.
   * @default {[64]}
   */
  hidden?: readonly number[];
  /**
   * The nonlinearity of the hidden layers: `"relu"`, max(0, z), or `"tanh"`.
   * @default {"relu"}
   */
  activation?: "relu" | "tanh";
  /**
   * K, the number of classes (the output layer's size).
   * @default {the largest label + 1, at least 2}
   */
  classes?: number;
  /**
   * λ ≥ 0: adds (λ/2)·Σ W² over every weight matrix (not the biases) to the loss.
   * @default {0}
   */
  l2?: number;
  /**
   * How the start point draws its weights (biases start at 0): `"he"`,
   * W ~ N(0, 2/fan_in) (He et al. 2015, for ReLU), or `"glorot"`,
   * W ~ U(−a, a) with a = √(6/(fan_in + fan_out)) (Glorot & Bengio 2010, for tanh).
   * @default {"he" for ReLU, "glorot" for tanh}
   */
  init?: "he" | "glorot";
  /**
   * Seed of the start point's weights.
   * @default {0}
   */
  seed?: number;
  /**
   * The name shown in displays.
   * @default {"MLP 196-64-10 (ReLU)" for the sizes and activation given}
   */
  name?: string;
}

/** Where one layer's parameters sit in the parameter vector. */
export interface LayerSlice {
  /** Inputs of the layer (fan_in). */
  readonly inputs: number;
  /** Outputs of the layer (fan_out). */
  readonly outputs: number;
  /** First index of the weight matrix W (outputs × inputs, row-major, as torch's `nn.Linear`). */
  readonly weight: number;
  /** First index of the bias vector b (outputs entries). */
  readonly bias: number;
}

/** A network problem: the {@link DataProblem} plus its architecture and predictions. */
export interface MlpProblem extends DataProblem {
  /** The layer sizes, input first: e.g. `[196, 64, 10]`. */
  readonly sizes: readonly number[];
  /** The hidden layers' nonlinearity. */
  readonly activation: "relu" | "tanh";
  /** λ of the L2 penalty. */
  readonly l2: number;
  /** K, the number of classes. */
  readonly classes: number;
  /** Where each layer's W and b sit in w, input layer first. */
  readonly layers: readonly LayerSlice[];
  /**
   * The loss of a minibatch and its gradient in one forward and backward
   * pass: writes ∇Ê_B(w) into `out` and returns Ê_B(w).
   */
  batchValueAndGrad(w: Float64Array, indices: ArrayLike<number>, out: Float64Array): number;
  /** The predicted class argmax_k z_k of every sample. */
  predict(w: Float64Array): Int32Array;
  /** The share of samples (of `indices`, or all) whose predicted class is right. */
  accuracy(w: Float64Array, indices?: ArrayLike<number>): number;
  /** E(w) and the accuracy over all samples from one forward pass ({@link train} uses it). */
  lossAndAccuracy(w: Float64Array): { loss: number; accuracy: number };
  /**
   * The same network (sizes, activation, λ, start point) on other data, e.g.
   * the validation set: its loss and accuracy at the same w.
   */
  withData(data: NetworkData): MlpProblem;
}

/** The buffers one pass over `rows` samples needs; made once per batch size and reused. */
interface Workspace {
  rows: number;
  /** a[0]: the inputs; a[l]: the activations entering layer l (rows × sizes[l]). */
  a: Float64Array[];
  /** z[l]: the pre-activations leaving layer l (rows × sizes[l + 1]). */
  z: Float64Array[];
  /** dz: ∂Ê/∂z of the current layer, and its transpose. */
  dz: Float64Array;
  dzT: Float64Array;
  /** aT: a transposed activation; wT: a transposed weight matrix; da: ∂Ê/∂a. */
  aT: Float64Array;
  wT: Float64Array;
  da: Float64Array;
}

/** Rows per pass when the loss or predictions go over a whole data set. */
const CHUNK = 256;
/** The largest minibatch that goes through in a single pass. */
const MAX_ROWS = 4096;

function checkData(
  value: unknown,
  name: string,
): { X: Float64Array; labels: Int32Array; d: number } {
  const data = value as Partial<NetworkData> | null;
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new TypeError(
      `\`${name}\` must be { X: Float64Array, labels, features }, e.g. a set from loadMnist, got ${
        show(value)
      }`,
    );
  }
  const d = integer(`${name}.features`, data.features, 1);
  if (!(data.X instanceof Float64Array)) {
    throw new TypeError(`\`${name}.X\` must be a Float64Array, got ${show(data.X)}`);
  }
  const labels = data.labels;
  if (labels === null || typeof labels !== "object" || typeof labels.length !== "number") {
    throw new TypeError(
      `\`${name}.labels\` must be an array of class indices, got ${show(labels)}`,
    );
  }
  const n = labels.length;
  if (n < 1) throw new RangeError(`\`${name}.labels\` must hold at least 1 sample, got length 0`);
  if (data.X.length !== n * d) {
    throw new RangeError(
      `\`${name}.X\` must hold ${n} samples × ${d} features = ${
        n * d
      } numbers, got length ${data.X.length}`,
    );
  }
  for (let i = 0; i < data.X.length; i++) {
    const x = data.X[i];
    if (x - x !== 0) {
      throw new RangeError(
        `\`${name}.X[${i}]\` (sample ${Math.floor(i / d)}, feature ${i % d}) must be finite, got ${
          show(x)
        }`,
      );
    }
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (typeof c !== "number" || !Number.isInteger(c) || c < 0) {
      throw new RangeError(`\`${name}.labels[${i}]\` must be an integer >= 0, got ${show(c)}`);
    }
    out[i] = c;
  }
  return { X: data.X, labels: out, d };
}

/**
 * A multilayer perceptron classifier trained with the mean softmax
 * cross-entropy, optionally with an L2 penalty on its weights. With layer
 * sizes d₀ (inputs), d₁, …, d_L (= K classes), activations a⁰ = x and
 *
 * $$z^{l} = W^{l} a^{l-1} + b^{l},\quad a^{l} = \sigma(z^{l})\ (l < L),\qquad
 * p = \operatorname{softmax}(z^{L}),$$
 *
 * $$\hat E(w) = \frac1n \sum_{i=1}^n -\ln p_{y_i}(x_i) + \frac\lambda2 \sum_l \lVert W^l\rVert^2,$$
 *
 * and backpropagation runs the chain rule from the output back:
 *
 * $$\delta^{L} = \tfrac1n\big(p - e_{y}\big),\quad
 * \frac{\partial \hat E}{\partial W^{l}} = \delta^{l} (a^{l-1})^{\top} + \lambda W^l,\quad
 * \frac{\partial \hat E}{\partial b^{l}} = \textstyle\sum \delta^{l},\quad
 * \delta^{l-1} = (W^{l})^{\top}\delta^{l} \odot \sigma'(z^{l-1}).$$
 *
 * All parameters are one Float64Array, layer after layer, each layer's W
 * (d_l × d_{l−1}, row-major, as torch's `nn.Linear.weight`) then its b — the
 * order of `torch.nn.Sequential(Linear, ReLU, Linear, …).parameters()`, so a
 * torch model loads w as it is. The products run through one register-tiled
 * kernel (about 7 GFLOP/s in float64 here). The softmax subtracts max_k z_k,
 * so large scores do not overflow. ReLU's derivative at z = 0 is taken as 0,
 * as torch does.
 *
 * Reference: Rumelhart, Hinton & Williams, "Learning representations by
 * back-propagating errors", Nature 323 (1986); Goodfellow, Bengio & Courville,
 * "Deep Learning" (2016), section 6.5.
 *
 * @param options See {@link MlpOptions}.
 * @returns The problem: `startPoint()` is the seeded initialisation.
 *
 * @example A tiny network on four points: the gradient agrees with central differences
 * ```ts
 * import { mlp } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const net = mlp({
 *   data: { X: new Float64Array([0, 0, 0, 1, 1, 0, 1, 1]), labels: [0, 1, 1, 0], features: 2 },
 *   hidden: [3],
 *   activation: "tanh",
 *   seed: 1,
 * });
 * assert.deepEqual(net.sizes, [2, 3, 2]);
 * assert.equal(net.dim, 3 * 2 + 3 + 2 * 3 + 2);
 * const w = net.startPoint();
 * const g = net.grad(w, new Float64Array(net.dim));
 * const h = 1e-6, e = w.slice(), f = w.slice();
 * e[4] += h;
 * f[4] -= h;
 * assert.ok(Math.abs((net.loss(e) - net.loss(f)) / (2 * h) - g[4]) < 1e-8);
 * ```
 */
export function mlp(options: MlpOptions): MlpProblem {
  knownKeys("mlp", options, [
    "data",
    "hidden",
    "activation",
    "classes",
    "l2",
    "init",
    "seed",
    "name",
  ]);
  const { X, labels, d } = checkData(options.data, "data");
  const hiddenList = options.hidden === undefined ? [64] : options.hidden;
  if (!Array.isArray(hiddenList)) {
    throw new TypeError(
      `\`hidden\` must be an array of layer sizes (integers >= 1), got ${show(hiddenList)}`,
    );
  }
  const hidden = hiddenList.map((h, l) => integer(`hidden[${l}]`, h, 1));
  const activation = options.activation === undefined ? "relu" : options.activation;
  if (activation !== "relu" && activation !== "tanh") {
    throw new TypeError(`\`activation\` must be "relu" or "tanh", got ${show(activation)}`);
  }
  let maxLabel = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] > maxLabel) maxLabel = labels[i];
  const K = integer(
    "classes",
    options.classes === undefined ? Math.max(2, maxLabel + 1) : options.classes,
    2,
  );
  if (maxLabel >= K) {
    throw new RangeError(
      `\`data.labels\` must be integers in [0, ${K - 1}] (classes = ${K}), got a label ${maxLabel}`,
    );
  }
  const lambda = nonNegative("l2", options.l2 === undefined ? 0 : options.l2);
  const init = options.init === undefined
    ? (activation === "relu" ? "he" : "glorot")
    : options.init;
  if (init !== "he" && init !== "glorot") {
    throw new TypeError(`\`init\` must be "he" or "glorot", got ${show(init)}`);
  }
  const seed = integer("seed", options.seed === undefined ? 0 : options.seed, 0);
  const sizes = [d, ...hidden, K];
  const name = options.name === undefined
    ? `MLP ${sizes.join("-")} (${activation === "relu" ? "ReLU" : "tanh"})`
    : options.name;
  if (typeof name !== "string") throw new TypeError(`\`name\` must be a string, got ${show(name)}`);
  return build({ X, labels, d, sizes, activation, lambda, init, seed, name, K });
}

interface Spec {
  X: Float64Array;
  labels: Int32Array;
  d: number;
  sizes: number[];
  activation: "relu" | "tanh";
  lambda: number;
  init: "he" | "glorot";
  seed: number;
  name: string;
  K: number;
}

function build(spec: Spec): MlpProblem {
  const { X, labels, d, sizes, activation, lambda, init, seed, name, K } = spec;
  const n = labels.length;
  const L = sizes.length - 1; // number of weight layers
  const layers: LayerSlice[] = [];
  let dim = 0;
  for (let l = 0; l < L; l++) {
    const inputs = sizes[l], outputs = sizes[l + 1];
    layers.push({ inputs, outputs, weight: dim, bias: dim + inputs * outputs });
    dim += inputs * outputs + outputs;
  }
  const widest = Math.max(...sizes);
  let largestWeight = 0;
  for (const s of layers) largestWeight = Math.max(largestWeight, s.inputs * s.outputs);

  const workspaces = new Map<number, Workspace>();
  const workspace = (rows: number): Workspace => {
    let ws = workspaces.get(rows);
    if (ws === undefined) {
      ws = {
        rows,
        a: sizes.slice(0, L).map((s) => new Float64Array(rows * s)),
        z: sizes.slice(1).map((s) => new Float64Array(rows * s)),
        dz: new Float64Array(rows * widest),
        dzT: new Float64Array(rows * widest),
        aT: new Float64Array(rows * widest),
        wT: new Float64Array(largestWeight),
        da: new Float64Array(rows * widest),
      };
      workspaces.set(rows, ws);
    }
    return ws;
  };

  /** Copies the feature rows of the samples `pick(r)`, r < rows, into a[0]. */
  const gather = (ws: Workspace, rows: number, pick: (r: number) => number) => {
    const a0 = ws.a[0];
    for (let r = 0; r < rows; r++) {
      const i = pick(r);
      a0.set(X.subarray(i * d, (i + 1) * d), r * d);
    }
  };

  /** The forward pass over the rows in a[0]: fills every z[l] and a[l]. */
  const forward = (w: Float64Array, ws: Workspace) => {
    const rows = ws.rows;
    for (let l = 0; l < L; l++) {
      const { inputs, outputs, weight, bias } = layers[l];
      const z = ws.z[l];
      // z = a · Wᵀ + b, one row per sample
      gemmNT(rows, outputs, inputs, ws.a[l], w.subarray(weight, weight + outputs * inputs), z);
      for (let r = 0; r < rows; r++) {
        const o = r * outputs;
        for (let j = 0; j < outputs; j++) z[o + j] += w[bias + j];
      }
      if (l === L - 1) break; // the last layer's z are the class scores
      const a = ws.a[l + 1];
      if (activation === "relu") {
        for (let q = 0; q < rows * outputs; q++) a[q] = z[q] > 0 ? z[q] : 0;
      } else {
        for (let q = 0; q < rows * outputs; q++) a[q] = Math.tanh(z[q]);
      }
    }
  };

  let right = 0; // samples whose largest score is their label, counted by crossEntropy

  /**
   * Softmax cross-entropy of the scores in z[L − 1] against `label(r)`:
   * returns Σ_r −ln p_{y_r}; with `delta`, also writes (p − e_y)/m into it.
   * Adds the rows predicted right to `right`.
   */
  const crossEntropy = (
    ws: Workspace,
    label: (r: number) => number,
    delta: Float64Array | null,
    m: number,
  ): number => {
    const z = ws.z[L - 1];
    let total = 0;
    for (let r = 0; r < ws.rows; r++) {
      const o = r * K;
      let max = -Infinity;
      let best = 0;
      for (let k = 0; k < K; k++) {
        if (z[o + k] > max) {
          max = z[o + k];
          best = k;
        }
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(z[o + k] - max);
      const lse = max + Math.log(sum);
      const y = label(r);
      if (best === y) right++;
      total += lse - z[o + y];
      if (delta !== null) {
        for (let k = 0; k < K; k++) {
          delta[o + k] = (Math.exp(z[o + k] - lse) - (k === y ? 1 : 0)) / m;
        }
      }
    }
    return total;
  };

  const penalty = (w: Float64Array): number => {
    if (lambda === 0) return 0;
    let s = 0;
    for (const { inputs, outputs, weight } of layers) {
      for (let q = weight; q < weight + inputs * outputs; q++) s += w[q] * w[q];
    }
    return 0.5 * lambda * s;
  };

  /**
   * Backpropagation of the data term. On entry ws.dz holds δᴸ = ∂Ê/∂z of the
   * last layer; the loop walks the layers from the output back, writing each
   * layer's ∂Ê/∂W and ∂Ê/∂b into g and turning δˡ into δˡ⁻¹.
   */
  const backward = (w: Float64Array, ws: Workspace, g: Float64Array) => {
    const rows = ws.rows;
    for (let l = L - 1; l >= 0; l--) {
      const { inputs, outputs, weight, bias } = layers[l];
      const delta = ws.dz; // rows × outputs
      // ∂Ê/∂W = δᵀ · a (outputs × inputs): both transposed, so the kernel reads rows
      transpose(delta, rows, outputs, ws.dzT);
      transpose(ws.a[l], rows, inputs, ws.aT);
      gemmNT(outputs, inputs, rows, ws.dzT, ws.aT, g.subarray(weight, weight + outputs * inputs));
      // ∂Ê/∂b = the sum of δ over the samples
      for (let j = 0; j < outputs; j++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += delta[r * outputs + j];
        g[bias + j] = s;
      }
      if (l === 0) break; // no gradient for the inputs
      // ∂Ê/∂a = δ · W (rows × inputs), then through the nonlinearity of layer l − 1
      transpose(w.subarray(weight, weight + outputs * inputs), outputs, inputs, ws.wT);
      gemmNT(rows, inputs, outputs, delta, ws.wT, ws.da);
      const { dz, da } = ws;
      if (activation === "relu") { // σ'(z) = [z > 0]
        const below = ws.z[l - 1];
        for (let q = 0; q < rows * inputs; q++) dz[q] = below[q] > 0 ? da[q] : 0;
      } else { // σ'(z) = 1 − tanh²(z) = 1 − a²
        const a = ws.a[l];
        for (let q = 0; q < rows * inputs; q++) dz[q] = da[q] * (1 - a[q] * a[q]);
      }
    }
  };

  /** Σ −ln p_y over the samples idx (or all), in chunks of CHUNK rows. */
  const totalLoss = (w: Float64Array, idx: ArrayLike<number> | null): number => {
    const m = idx === null ? n : idx.length;
    let total = 0;
    for (let start = 0; start < m; start += CHUNK) {
      const rows = Math.min(CHUNK, m - start);
      const ws = workspace(rows);
      const pick = idx === null ? (r: number) => start + r : (r: number) => idx[start + r];
      gather(ws, rows, pick);
      forward(w, ws);
      total += crossEntropy(ws, (r) => labels[pick(r)], null, m);
    }
    return total;
  };

  /**
   * Ê over the samples idx (or all) and its gradient into g. A batch of up to
   * MAX_ROWS samples goes through in one pass; a larger one (the full data
   * set) in chunks whose gradients add up, since each chunk's δ carries 1/m.
   */
  const valueAndGrad = (w: Float64Array, idx: ArrayLike<number> | null, g: Float64Array) => {
    const m = idx === null ? n : idx.length;
    const perPass = m <= MAX_ROWS ? m : CHUNK;
    let total = 0;
    for (let start = 0; start < m; start += perPass) {
      const rows = Math.min(perPass, m - start);
      const ws = workspace(rows);
      const pick = idx === null ? (r: number) => start + r : (r: number) => idx[start + r];
      gather(ws, rows, pick);
      forward(w, ws);
      total += crossEntropy(ws, (r) => labels[pick(r)], ws.dz, m);
      if (start === 0) backward(w, ws, g);
      else {
        partial ??= new Float64Array(dim);
        backward(w, ws, partial);
        for (let q = 0; q < dim; q++) g[q] += partial[q];
      }
    }
    if (lambda > 0) {
      for (const { inputs, outputs, weight } of layers) {
        for (let q = weight; q < weight + inputs * outputs; q++) g[q] += lambda * w[q];
      }
    }
    return total / m + penalty(w);
  };
  let partial: Float64Array | undefined;

  const predictInto = (w: Float64Array, idx: ArrayLike<number> | null, out: Int32Array) => {
    const m = idx === null ? n : idx.length;
    for (let start = 0; start < m; start += CHUNK) {
      const rows = Math.min(CHUNK, m - start);
      const ws = workspace(rows);
      gather(ws, rows, idx === null ? (r) => start + r : (r) => idx[start + r]);
      forward(w, ws);
      const z = ws.z[L - 1];
      for (let r = 0; r < rows; r++) {
        let best = 0;
        for (let k = 1; k < K; k++) if (z[r * K + k] > z[r * K + best]) best = k;
        out[start + r] = best;
      }
    }
    return out;
  };

  const startPoint = (): Float64Array => {
    const rng = createRng(seed);
    const w = new Float64Array(dim);
    for (const { inputs, outputs, weight } of layers) {
      if (init === "he") {
        const sd = Math.sqrt(2 / inputs);
        for (let q = weight; q < weight + inputs * outputs; q++) w[q] = rng.normal(0, sd);
      } else {
        const a = Math.sqrt(6 / (inputs + outputs));
        for (let q = weight; q < weight + inputs * outputs; q++) w[q] = rng.uniform(-a, a);
      }
    }
    return w;
  };

  const problem: MlpProblem = {
    name,
    formula: String
      .raw`\hat E(w) = \frac1n \sum_{i=1}^n -\ln \operatorname{softmax}\big(f_w(x_i)\big)_{y_i}` +
      (lambda > 0 ? String.raw` + \frac\lambda2 \sum_l \lVert W^l \rVert^2` : ""),
    dim,
    samples: n,
    sizes,
    activation,
    l2: lambda,
    classes: K,
    layers,
    startPoint,
    loss(w) {
      checkPoint(dim, w);
      return totalLoss(w, null) / n + penalty(w);
    },
    grad(w, out) {
      checkPoint(dim, w);
      checkOut(dim, out);
      valueAndGrad(w, null, out);
      return out;
    },
    batchLoss(w, indices) {
      checkPoint(dim, w);
      const idx = checkIndices(n, indices);
      return totalLoss(w, idx) / idx.length + penalty(w);
    },
    batchGrad(w, indices, out) {
      checkPoint(dim, w);
      checkOut(dim, out);
      valueAndGrad(w, checkIndices(n, indices), out);
      return out;
    },
    batchValueAndGrad(w, indices, out) {
      checkPoint(dim, w);
      checkOut(dim, out);
      return valueAndGrad(w, checkIndices(n, indices), out);
    },
    predict(w) {
      checkPoint(dim, w);
      return predictInto(w, null, new Int32Array(n));
    },
    accuracy(w, indices) {
      checkPoint(dim, w);
      const idx = indices === undefined ? null : checkIndices(n, indices);
      const m = idx === null ? n : idx.length;
      const predicted = predictInto(w, idx, new Int32Array(m));
      let right = 0;
      for (let r = 0; r < m; r++) if (predicted[r] === labels[idx === null ? r : idx[r]]) right++;
      return right / m;
    },
    lossAndAccuracy(w) {
      checkPoint(dim, w);
      right = 0;
      const loss = totalLoss(w, null) / n + penalty(w);
      return { loss, accuracy: right / n };
    },
    withData(data) {
      const other = checkData(data, "data");
      if (other.d !== d) {
        throw new RangeError(
          `\`data.features\` must be ${d}, the network's input size, got ${other.d}`,
        );
      }
      for (let i = 0; i < other.labels.length; i++) {
        if (other.labels[i] >= K) {
          throw new RangeError(
            `\`data.labels[${i}]\` must be an integer in [0, ${K - 1}] (classes = ${K}), got ${
              other.labels[i]
            }`,
          );
        }
      }
      return build({ ...spec, X: other.X, labels: other.labels });
    },
  };
  return problem;
}
