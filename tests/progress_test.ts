// trainLive in a real Deno Jupyter kernel: its progress is one output,
// redrawn in place (display_data, then update_display_data on the same id),
// that ends showing the finished run.

import assert from "node:assert/strict";
import { progressHtml, progressLine } from "../lib/display/progress.ts";
import { runInKernel } from "./_kernel.ts";
import { findJupyter } from "../tools/jupyter.ts";

Deno.test("progress line and HTML", () => {
  const report = {
    name: "adam <fast>",
    step: 40,
    maxSteps: 100,
    epoch: 2,
    epochs: 5,
    loss: 0.31234,
    accuracy: 0.9125,
    validationLoss: 0.4,
    validationAccuracy: 0.88,
    elapsed: 1234,
  };
  assert.equal(
    progressLine(report),
    "adam <fast> · epoch 2/5 · step 40/100 · loss 0.3123 · accuracy 91.3 % · validation loss 0.4000 · validation accuracy 88.0 % · 1.2 s",
  );
  const html = progressHtml(report);
  assert.match(
    html,
    /<progress value="40" max="100" aria-label="training progress: step 40 of 100"/,
  );
  assert.match(html, /adam &lt;fast&gt;/);
  assert.match(html, /role="status"/);
});

Deno.test({
  name: "trainLive in Deno's Jupyter kernel: one output, redrawn in place",
  ignore: (await findJupyter()) === null,
  fn: async () => {
    const source = [
      'import { linearRegression, sgd, trainLive } from "@better-gradients/lib";',
      "const problem = linearRegression({ samples: 60, features: 2, seed: 1 });",
      "const run = await trainLive(problem, sgd({ lr: 0.05 }), { batchSize: 10, epochs: 4 });",
      "run.steps;",
    ].join("\n");
    const result = await runInKernel("progress_test", [source]);
    assert.ok(result.ok, JSON.stringify(result.errors));
    const outputs = result.outputs[0].outputs;
    const shown = outputs.filter((o) => o.output_type === "display_data");
    assert.equal(shown.length, 1, `one progress output, got ${shown.length}`);
    const text = [shown[0].data!["text/plain"]].flat().join("");
    assert.match(text, /^sgd · epoch 4\/4 · step 24\/24 · loss .* · took maxSteps = 24 steps$/);
    assert.match([shown[0].data!["text/html"]].flat().join(""), /<progress value="24" max="24"/);
    const value = outputs.find((o) => o.output_type === "execute_result");
    assert.equal([value?.data?.["text/plain"]].flat().join(""), "24");
  },
});
