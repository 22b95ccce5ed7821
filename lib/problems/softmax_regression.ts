/**
 * Softmax regression (multinomial logistic regression) with the cross-entropy
 * loss, on any labelled data and on the iris data set.
 *
 * @module
 */

import { bool, integer, knownKeys, nonNegative, show } from "../_validate.ts";
import { loadIris } from "../data/iris.ts";
import { standardize as standardizeRows } from "../data/standardize.ts";
import type { DataProblem } from "./problem.ts";
import { checkIndices, checkNames, checkOut, checkPoint } from "./_check.ts";

/** Options of {@link softmaxRegression}. */
export interface SoftmaxRegressionOptions {
  /** The inputs, one row of d finite numbers per sample (n ≥ 1 rows). */
  features: ArrayLike<ArrayLike<number>>;
  /** The class of each sample: integers in [0, K). */
  labels: ArrayLike<number>;
  /**
   * K, the number of classes (≥ 2).
   * @default {the largest label + 1}
   */
  classes?: number;
  /**
   * λ ≥ 0: adds (λ/2)‖W‖² to the loss (weights only, not the biases).
   * @default {0}
   */
  l2?: number;
  /**
   * The name shown in displays.
   * @default {"softmax regression"}
   */
  name?: string;
  /** Names of the classes, for displays. */
  classNames?: readonly string[];
  /** Names of the features, for displays. */
  featureNames?: readonly string[];
}

/** A softmax-regression problem: the {@link DataProblem} plus its data and predictions. */
export interface SoftmaxRegressionProblem extends DataProblem {
  /** d, the number of input features. */
  readonly features: number;
  /** K, the number of classes. */
  readonly classes: number;
  /** The inputs, n × d, row-major. Do not modify. */
  readonly X: Float64Array;
  /** The labels, in [0, K). Do not modify. */
  readonly labels: Int32Array;
  /** Names of the classes, if known. */
  readonly classNames?: readonly string[];
  /** Names of the features, if known. */
  readonly featureNames?: readonly string[];
  /** The predicted class argmax_k z_k of every sample. */
  predict(w: Float64Array): Int32Array;
  /** The share of samples (of `indices`, or all) whose predicted class is right. */
  accuracy(w: Float64Array, indices?: ArrayLike<number>): number;
}

/**
 * Softmax regression: K linear scores z_k = W_k·x + b_k turned into class
 * probabilities by the softmax, trained with the mean cross-entropy,
 *
 * $$p_k(x) = \frac{e^{z_k}}{\sum_{l} e^{z_l}},\qquad
 * \hat E(W, b) = \frac1n \sum_{i=1}^n -\ln p_{y_i}(x_i) + \frac\lambda2\lVert W\rVert^2,$$
 *
 * $$\frac{\partial \hat E}{\partial W_{kj}} = \frac1n \sum_i \big(p_k(x_i) - [y_i = k]\big)\,x_{ij} + \lambda W_{kj},\qquad
 * \frac{\partial \hat E}{\partial b_k} = \frac1n \sum_i \big(p_k(x_i) - [y_i = k]\big).$$
 *
 * The parameters are one Float64Array of length K(d + 1), class by class:
 * w[k(d+1) + j] = W_kj for j < d and w[k(d+1) + d] = b_k. The log-sum-exp is
 * computed after subtracting max_k z_k, so large scores do not overflow.
 * Parameters start at zero, where the loss is ln K.
 *
 * Reference: Bishop, "Pattern Recognition and Machine Learning" (2006),
 * section 4.3.4; d2l.ai, section 4.1.
 *
 * @param options See {@link SoftmaxRegressionOptions}.
 * @returns The problem.
 *
 * @example Two 1-D classes: at zero the loss is ln 2
 * ```ts
 * import { softmaxRegression } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const p = softmaxRegression({ features: [[-1], [1]], labels: [0, 1] });
 * assert.equal(p.dim, 4);
 * assert.ok(Math.abs(p.loss(p.startPoint()) - Math.LN2) < 1e-15);
 * // W = (−1, 1) separates them
 * assert.equal(p.accuracy(new Float64Array([-1, 0, 1, 0])), 1);
 * ```
 */
export function softmaxRegression(options: SoftmaxRegressionOptions): SoftmaxRegressionProblem {
  knownKeys("softmaxRegression", options, [
    "features",
    "labels",
    "classes",
    "l2",
    "name",
    "classNames",
    "featureNames",
  ]);
  const { data: X, samples: n, features: d } = readRows(options.features);
  const labelList = options.labels;
  if (
    labelList === null || typeof labelList !== "object" || typeof labelList.length !== "number"
  ) {
    throw new TypeError(`\`labels\` must be an array of class indices, got ${show(labelList)}`);
  }
  if (labelList.length !== n) {
    throw new RangeError(
      `\`labels\` must have one entry per row of \`features\` (${n}), got length ${labelList.length}`,
    );
  }
  let maxLabel = 0;
  for (let i = 0; i < n; i++) {
    const c = labelList[i];
    if (typeof c !== "number" || !Number.isInteger(c) || c < 0) {
      throw new RangeError(`\`labels[${i}]\` must be an integer >= 0, got ${show(c)}`);
    }
    if (c > maxLabel) maxLabel = c;
  }
  const K = integer("classes", options.classes ?? Math.max(2, maxLabel + 1), 2);
  if (maxLabel >= K) {
    throw new RangeError(
      `\`labels\` must be integers in [0, ${K - 1}] (classes = ${K}), got a label ${maxLabel}`,
    );
  }
  const labels = Int32Array.from(labelList);
  const lambda = nonNegative("l2", options.l2 ?? 0);
  const name = options.name ?? "softmax regression";
  if (typeof name !== "string") throw new TypeError(`\`name\` must be a string, got ${show(name)}`);
  const classNames = checkNames("classNames", options.classNames, K, "class");
  const featureNames = checkNames("featureNames", options.featureNames, d, "feature");
  const stride = d + 1;
  const dim = K * stride;
  const z = new Float64Array(K); // scratch: scores, then probabilities

  /** Scores of sample i into z; returns ln Σ e^{z_k} (stable). */
  const scores = (w: Float64Array, i: number): number => {
    const o = i * d;
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      const base = k * stride;
      let s = w[base + d];
      for (let j = 0; j < d; j++) s += w[base + j] * X[o + j];
      z[k] = s;
      if (s > max) max = s;
    }
    if (!Number.isFinite(max)) {
      throw new RangeError(
        `\`w\` is too large for these features: the scores W x_i + b of sample ${i} overflow, got ${
          show(max)
        }`,
      );
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
    return max + Math.log(sum);
  };
  const penalty = (w: Float64Array): number => {
    if (lambda === 0) return 0;
    let s = 0;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < d; j++) s += w[k * stride + j] ** 2;
    }
    return 0.5 * lambda * s;
  };
  const lossOver = (w: Float64Array, idx: ArrayLike<number> | null): number => {
    const m = idx === null ? n : idx.length;
    let s = 0;
    for (let t = 0; t < m; t++) {
      const i = idx === null ? t : idx[t];
      s += scores(w, i) - z[labels[i]];
    }
    return s / m + penalty(w);
  };
  const gradOver = (w: Float64Array, idx: ArrayLike<number> | null, out: Float64Array) => {
    const m = idx === null ? n : idx.length;
    out.fill(0);
    for (let t = 0; t < m; t++) {
      const i = idx === null ? t : idx[t];
      const lse = scores(w, i);
      const o = i * d;
      for (let k = 0; k < K; k++) {
        const r = (Math.exp(z[k] - lse) - (labels[i] === k ? 1 : 0)) / m;
        const base = k * stride;
        for (let j = 0; j < d; j++) out[base + j] += r * X[o + j];
        out[base + d] += r;
      }
    }
    if (lambda > 0) {
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < d; j++) out[k * stride + j] += lambda * w[k * stride + j];
      }
    }
    return out;
  };
  const argmax = (w: Float64Array, i: number): number => {
    scores(w, i);
    let best = 0;
    for (let k = 1; k < K; k++) if (z[k] > z[best]) best = k;
    return best;
  };

  return {
    name,
    formula:
      "\\hat E(W, b) = \\frac1n \\sum_{i=1}^n -\\ln \\operatorname{softmax}(W x_i + b)_{y_i}" +
      (lambda > 0 ? " + \\frac\\lambda2 \\lVert W\\rVert^2" : ""),
    dim,
    samples: n,
    features: d,
    classes: K,
    X,
    labels,
    classNames,
    featureNames,
    loss(w) {
      checkPoint(dim, w);
      return lossOver(w, null);
    },
    grad(w, out) {
      checkPoint(dim, w);
      checkOut(dim, out);
      return gradOver(w, null, out);
    },
    batchLoss(w, indices) {
      checkPoint(dim, w);
      return lossOver(w, checkIndices(n, indices));
    },
    batchGrad(w, indices, out) {
      checkPoint(dim, w);
      const idx = checkIndices(n, indices);
      checkOut(dim, out);
      return gradOver(w, idx, out);
    },
    predict(w) {
      checkPoint(dim, w);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = argmax(w, i);
      return out;
    },
    accuracy(w, indices) {
      checkPoint(dim, w);
      const idx = indices === undefined ? null : checkIndices(n, indices);
      const m = idx === null ? n : idx.length;
      let right = 0;
      for (let t = 0; t < m; t++) {
        const i = idx === null ? t : idx[t];
        if (argmax(w, i) === labels[i]) right++;
      }
      return right / m;
    },
    startPoint: () => new Float64Array(dim),
  };
}

function readRows(rows: unknown): { data: Float64Array; samples: number; features: number } {
  if (
    rows === null || typeof rows !== "object" ||
    typeof (rows as ArrayLike<unknown>).length !== "number"
  ) {
    throw new TypeError(`\`features\` must be an array of rows, got ${show(rows)}`);
  }
  const list = rows as ArrayLike<ArrayLike<unknown>>;
  const n = list.length;
  if (n === 0) throw new RangeError("`features` must have length >= 1, got length 0");
  const d = list[0]?.length;
  if (typeof d !== "number" || d === 0) {
    throw new RangeError(
      `\`features[0]\` must be a non-empty row of numbers, got ${show(list[0])}`,
    );
  }
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = list[i];
    if (r === null || typeof r !== "object" || typeof r.length !== "number") {
      throw new TypeError(`\`features[${i}]\` must be a row of ${d} numbers, got ${show(r)}`);
    }
    if (r.length !== d) {
      throw new RangeError(
        `\`features[${i}]\` must be a row of ${d} numbers (like \`features[0]\`), got ${show(r)}`,
      );
    }
    for (let j = 0; j < d; j++) {
      const x = r[j];
      if (typeof x !== "number" || !Number.isFinite(x)) {
        const E = typeof x === "number" ? RangeError : TypeError;
        throw new E(`\`features[${i}][${j}]\` must be a finite number, got ${show(x)}`);
      }
      data[i * d + j] = x;
    }
  }
  return { data, samples: n, features: d };
}

/** Options of {@link irisSoftmaxRegression}. */
export interface IrisSoftmaxRegressionOptions {
  /**
   * λ ≥ 0: adds (λ/2)‖W‖² to the loss.
   * @default {0}
   */
  l2?: number;
  /**
   * Standardize the four features to mean 0 and standard deviation 1.
   * @default {true}
   */
  standardize?: boolean;
}

/**
 * Softmax regression on Fisher's iris data set (150 samples, 4 features,
 * 3 classes; see {@link loadIris}): 15 parameters, the loss ln 3 ≈ 1.0986 at
 * the zero start. The features are standardized by default
 * ({@link standardize}), so one learning rate suits all of them.
 *
 * The samples are sorted by species, so minibatches drawn in order (without
 * `shuffle`) hold one species each: a clear case for shuffling.
 *
 * Without `l2` the loss has no minimizer: setosa is linearly separable, so the
 * loss keeps falling as its weights grow.
 *
 * Reference: Fisher (1936); Bishop (2006), section 4.3.4.
 *
 * @param options See {@link IrisSoftmaxRegressionOptions}.
 * @returns The problem.
 *
 * @example
 * ```ts
 * import { irisSoftmaxRegression } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const p = irisSoftmaxRegression();
 * assert.equal(p.dim, 15);
 * assert.equal(p.samples, 150);
 * assert.ok(Math.abs(p.loss(p.startPoint()) - Math.log(3)) < 1e-12);
 * ```
 */
export function irisSoftmaxRegression(
  options: IrisSoftmaxRegressionOptions = {},
): SoftmaxRegressionProblem {
  knownKeys("irisSoftmaxRegression", options, ["l2", "standardize"]);
  const iris = loadIris();
  const rows = bool("standardize", options.standardize ?? true)
    ? toRows(standardizeRows(iris.features))
    : iris.features;
  return softmaxRegression({
    features: rows,
    labels: iris.labels,
    classes: 3,
    l2: options.l2 ?? 0,
    name: "softmax regression on iris",
    classNames: iris.classNames,
    featureNames: iris.featureNames,
  });
}

function toRows(s: { data: Float64Array; samples: number; features: number }): Float64Array[] {
  return Array.from(
    { length: s.samples },
    (_, i) => s.data.subarray(i * s.features, (i + 1) * s.features),
  );
}
