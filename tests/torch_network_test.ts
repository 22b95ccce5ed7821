// PyTorch parity on a real network: small MLPs on 64 pooled MNIST digits, trained
// by torch.optim with torch's autograd gradients (tests/fixtures/torch_network.json,
// made by tools/torch_network_fixtures.py), must be retraced by the library's own
// backpropagation and optimizers: the minibatch loss at every step, the loss after
// the last step and every final parameter, to 1e-9 relative.

import assert from "node:assert/strict";
import { mlp, type MlpOptions } from "@better-gradients/lib";
import { NETWORK_FIXTURE, networkFixtureInput } from "../tools/network_fixture_input.ts";
import { HAS_FUSED, torchOptimizer } from "./_torch.ts";

interface Case {
  name: string;
  optimizer: "sgd" | "rmsprop" | "adadelta" | "adam" | "adamw" | "adagrad";
  options: Record<string, unknown> & { lr: number };
  stepLR: { gamma: number; stepSize: number } | null;
  network: keyof typeof NETWORK_FIXTURE.networks;
  batchLoss: number[];
  finalLoss: number;
  final: string;
}

const fixture: { torch: string; checksums: Record<string, number>; cases: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/torch_network.json", import.meta.url)),
);
const input = await networkFixtureInput();

function decode(base64: string): Float64Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  return Float64Array.from({ length: bytes.length / 8 }, (_, i) => view.getFloat64(8 * i, true));
}

/** A sum with Neumaier's compensation: within an ulp or two of Python's math.fsum. */
function sum(values: readonly number[]): number {
  let s = 0, c = 0;
  for (const x of values) {
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
    s = t;
  }
  return s + c;
}

let worst = 0;
function close(ours: number, torch: number, what: string): void {
  worst = Math.max(worst, Math.abs(ours - torch) / Math.max(1, Math.abs(torch)));
  if (!(Math.abs(ours - torch) <= 1e-9 * Math.max(1, Math.abs(torch)))) {
    assert.fail(`${what}: ours ${ours}, torch ${torch} (difference ${ours - torch})`);
  }
}

Deno.test("the fixture's inputs are still what the library makes", () => {
  const c = fixture.checksums;
  close(sum(input.X), c.X, "Σ X");
  assert.equal(input.labels.reduce((a, b) => a + b, 0), c.labels);
  for (const [key, net] of Object.entries(input.networks)) {
    close(sum(net.w0), c[`w0.${key}`], `Σ w0 of ${key}`);
  }
  let batches = 0;
  input.batches.forEach((b, s) => b.forEach((i) => (batches += i * (s + 1))));
  assert.equal(batches, c.batches, "the minibatch order");
  assert.ok(fixture.cases.length >= 20, `${fixture.cases.length} cases`);
});

function replay(c: Case, extra: Record<string, unknown>): void {
  const spec = NETWORK_FIXTURE.networks[c.network] as Omit<MlpOptions, "data">;
  const data = { X: Float64Array.from(input.X), labels: input.labels, features: input.features };
  const net = mlp({ data, ...spec });
  const opt = torchOptimizer(c, extra);
  const w = net.startPoint();
  const g = new Float64Array(net.dim);
  const state = opt.init(w);
  input.batches.forEach((batch, t) => {
    close(
      net.batchValueAndGrad(w, batch, g),
      c.batchLoss[t],
      `${c.name}: minibatch loss at step ${t}`,
    );
    opt.step(w, g, state);
  });
  close(net.loss(w), c.finalLoss, `${c.name}: loss after the last step`);
  const final = decode(c.final);
  assert.equal(final.length, net.dim);
  final.forEach((x, i) => close(w[i], x, `${c.name}: final w[${i}]`));
}

Deno.test(`the library retraces torch ${fixture.torch} on a real network`, async (t) => {
  for (const c of fixture.cases) {
    await t.step(c.name, () => replay(c, {}));
    if (HAS_FUSED.has(c.optimizer)) {
      await t.step(`${c.name}, chain (fused: false)`, () => replay(c, { fused: false }));
    }
  }
});
Deno.test("zz", () => console.log("WORST", worst));
