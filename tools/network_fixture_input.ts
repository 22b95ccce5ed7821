/**
 * The inputs of the PyTorch network fixtures, made by the library itself and
 * printed as JSON: a stratified subset of the pooled MNIST digits, the start
 * points of the networks the fixtures train, and the minibatches in the order
 * the steps use them. `tools/torch_network_fixtures.py` runs this and feeds
 * exactly these numbers to torch; `tests/torch_network_test.ts` makes them
 * again and checks they are still the same.
 *
 *     deno run -A tools/network_fixture_input.ts
 *
 * @module
 */

import { loadMnist, minibatches, mlp, type MlpOptions } from "@better-gradients/lib";

/** The settings of the fixtures; the test reads them from the fixture file. */
export const NETWORK_FIXTURE = {
  samples: 64,
  seed: 11,
  batchSize: 16,
  steps: 48,
  networks: {
    relu: { hidden: [8], activation: "relu", seed: 3 },
    tanh: { hidden: [6, 5], activation: "tanh", seed: 4 },
    reluL2: { hidden: [8], activation: "relu", seed: 3, l2: 0.01 },
  },
} as const;

/** The subset, each network's start point and the batches. */
export async function networkFixtureInput() {
  const f = NETWORK_FIXTURE;
  const digits = await loadMnist({
    pool: true,
    split: { train: f.samples, validation: 0, test: 0 },
    seed: f.seed,
  });
  const data = digits.train;
  const networks = Object.fromEntries(
    Object.entries(f.networks).map(([key, spec]) => {
      const net = mlp({ data, ...(spec as Omit<MlpOptions, "data">) });
      return [key, { ...spec, sizes: net.sizes, w0: [...net.startPoint()] }];
    }),
  );
  const sampler = minibatches(data.samples, {
    batchSize: f.batchSize,
    shuffle: true,
    seed: f.seed,
  });
  const batches = sampler.take(f.steps).map((b) => [...b.indices]);
  return {
    features: data.features,
    X: [...data.X],
    labels: [...data.labels],
    networks,
    batches,
  };
}

if (import.meta.main) {
  console.log(JSON.stringify(await networkFixtureInput()));
}
