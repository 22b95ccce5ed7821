// The fused steps of sgd, rmsprop, adam and adamw must give bit-identical results
// to their chains (the readable reference) for every option combination.
import assert from "node:assert/strict";
import { adam, adamw, type Optimizer, rmsprop, sgd, stepDecay } from "@better-gradients/lib";

/** A seeded sequence of gradients that changes sign and scale from step to step. */
function gradient(t: number, w: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < w.length; i++) {
    out[i] = Math.sin(1.7 * t + 0.3 * i) * (1 + i) + 0.5 * w[i];
  }
  return out;
}

function assertSameRun(fused: Optimizer, reference: Optimizer, label: string): void {
  const n = 2 * 2048 + 17; // several blocks and a ragged last one
  const a = new Float64Array(n).map((_, i) => Math.cos(i));
  const b = a.slice();
  const sa = fused.init(a);
  const sb = reference.init(b);
  const g = new Float64Array(n);
  for (let t = 0; t < 25; t++) {
    fused.step(a, gradient(t, a, g), sa);
    reference.step(b, gradient(t, b, g), sb);
    for (let i = 0; i < n; i++) {
      if (!Object.is(a[i], b[i])) {
        assert.fail(`${label}: step ${t}, coordinate ${i}: fused ${a[i]} != chain ${b[i]}`);
      }
    }
  }
  assert.equal(sa.count, sb.count);
}

const lr = stepDecay({ lr: 0.05, gamma: 0.5, stepSize: 7 });

Deno.test("fused sgd equals its chain", async (t) => {
  const cases = [
    {},
    { momentum: 0.9 },
    { momentum: 0.9, dampening: 0.3 },
    { momentum: 0.8, nesterov: true },
    { momentum: 0.9, weightDecay: 0.1 },
    { weightDecay: 0.01 },
  ];
  for (const options of cases) {
    await t.step(JSON.stringify(options), () => {
      assertSameRun(
        sgd({ lr, ...options }),
        sgd({ lr, ...options, fused: false }),
        JSON.stringify(options),
      );
    });
  }
});

Deno.test("fused rmsprop equals its chain", async (t) => {
  const cases = [
    {},
    { centered: true },
    { momentum: 0.9 },
    { momentum: 0.5, centered: true, weightDecay: 0.1 },
    { alpha: 0.9, eps: 1e-3 },
  ];
  for (const options of cases) {
    await t.step(JSON.stringify(options), () => {
      assertSameRun(
        rmsprop({ lr, ...options }),
        rmsprop({ lr, ...options, fused: false }),
        JSON.stringify(options),
      );
    });
  }
});

Deno.test("fused adam and adamw equal their chains", async (t) => {
  const cases = [
    {},
    { amsgrad: true },
    { weightDecay: 0.1 },
    { weightDecay: 0.1, amsgrad: true, betas: [0.5, 0.9] as [number, number] },
    { eps: 1e-3 },
  ];
  for (const options of cases) {
    await t.step(`adam ${JSON.stringify(options)}`, () => {
      assertSameRun(
        adam({ lr, ...options }),
        adam({ lr, ...options, fused: false }),
        JSON.stringify(options),
      );
    });
    await t.step(`adamw ${JSON.stringify(options)}`, () => {
      assertSameRun(
        adamw({ lr, ...options }),
        adamw({ lr, ...options, fused: false }),
        JSON.stringify(options),
      );
    });
  }
});

Deno.test("a step stops at a non-finite gradient, names it, and retires the state", async (t) => {
  for (const fused of [true, false]) {
    await t.step(fused ? "fused" : "chain", () => {
      const opt = adam({ lr: 0.1, fused });
      const w = new Float64Array([1, 2, 3]);
      const state = opt.init(w);
      opt.step(w, new Float64Array([1, 1, 1]), state);
      const after = w.slice();
      assert.throws(
        () => opt.step(w, new Float64Array([1, 1, Infinity]), state),
        (e: unknown) =>
          e instanceof RangeError && /`grads\[2\]`/.test(e.message) &&
          /Infinity/.test(e.message) && /step 1/.test(e.message),
      );
      // The entry itself is untouched, the count did not advance, the state is retired.
      assert.equal(w[2], after[2]);
      assert.equal(state.count, 1);
      assert.match(state.failed ?? "", /grads\[2\]/);
      assert.throws(
        () => opt.step(w, new Float64Array([1, 1, 1]), state),
        (e: unknown) => e instanceof RangeError && /init\(\)/.test(e.message),
      );
    });
  }
});
