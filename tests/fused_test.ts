// The fused steps of sgd, rmsprop, adam and adamw must give bit-identical results
// to their chains (the readable reference) for every option combination.
import assert from "node:assert/strict";
import {
  adagrad,
  adam,
  adamw,
  notesAdadelta,
  notesRmsprop,
  type Optimizer,
  rmsprop,
  sgd,
  stepDecay,
} from "@better-gradients/lib";

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

Deno.test("a step refused at a non-finite entry says exactly what it updated", async (t) => {
  await t.step(
    "chain: bad entry in the first block, nothing updated, the state still works",
    () => {
      const opt = adagrad({ weightDecay: 0.1 });
      const w = new Float64Array([1, 2, 3]);
      const state = opt.init(w);
      assert.throws(
        () => opt.step(w, new Float64Array([0.1, NaN, 0.3]), state),
        (e: unknown) =>
          e instanceof RangeError && e.message.includes("`grads[1]` must be a finite number") &&
          e.message.includes("nothing was updated") && !/coordinate/.test(e.message),
      );
      assert.deepEqual([...w], [1, 2, 3]);
      assert.equal(state.failed, undefined);
      opt.step(w, new Float64Array([0.1, 0.2, 0.3]), state);
      assert.equal(state.count, 1);
    },
  );
  await t.step("chain: bad entry in a later block, the blocks before it were updated", () => {
    const opt = adagrad({ weightDecay: 0.1 });
    const w = new Float64Array(3000).fill(1);
    const state = opt.init(w);
    const g = new Float64Array(3000).fill(0.5);
    g[2500] = NaN;
    assert.throws(
      () => opt.step(w, g, state),
      (e: unknown) =>
        e instanceof RangeError && e.message.includes("`grads[2500]`") &&
        e.message.includes("coordinates 0 to 2047 of params and of the state") &&
        e.message.includes("coordinates 2048 to 2999 had not"),
    );
    assert.ok(w[2047] < 1 && w[2048] === 1 && w[2999] === 1);
    assert.match(state.failed ?? "", /after coordinates 0 to 2047 had been updated/);
  });
  await t.step("whole-vector rules update nothing before they have seen every entry", () => {
    for (const opt of [notesRmsprop({ lr: 0.1 }), notesAdadelta()]) {
      const w = new Float64Array(5000).fill(1);
      const state = opt.init(w);
      const g = new Float64Array(5000).fill(0.5);
      g[4999] = -Infinity;
      assert.throws(
        () => opt.step(w, g, state),
        (e: unknown) => e instanceof RangeError && e.message.includes("nothing was updated"),
        opt.name,
      );
      assert.ok(w.every((x) => x === 1), opt.name);
      assert.equal(state.failed, undefined, opt.name);
    }
  });
  for (const fused of [true, false]) {
    await t.step(
      `adam (${fused ? "fused" : "chain"}): at coordinate 0 and inside the vector`,
      () => {
        const opt = adam({ lr: 0.1, fused });
        const w = new Float64Array([1, 2, 3]);
        const state = opt.init(w);
        opt.step(w, new Float64Array([1, 1, 1]), state);
        const after = w.slice();
        assert.throws(
          () => opt.step(w, new Float64Array([NaN, 1, 1]), state),
          (e: unknown) =>
            e instanceof RangeError && /`grads\[0\]`/.test(e.message) && /step 1/.test(e.message) &&
            e.message.includes("nothing was updated"),
        );
        assert.deepEqual(w, after);
        assert.equal(state.failed, undefined);
        assert.throws(
          () => opt.step(w, new Float64Array([1, 1, Infinity]), state),
          (e: unknown) =>
            e instanceof RangeError && /`grads\[2\]`/.test(e.message) &&
            /Infinity/.test(e.message) &&
            (fused
              ? e.message.includes("coordinates 0 to 1 of params") &&
                e.message.includes("coordinate 2 had not")
              : e.message.includes("nothing was updated")),
        );
        assert.equal(w[2], after[2]);
        assert.equal(w[0] !== after[0], fused, "coordinate 0 moved exactly when fused");
        assert.equal(state.count, 1);
        assert.equal(state.failed !== undefined, fused);
      },
    );
  }
  for (const fused of [true, false]) {
    await t.step(`a non-finite parameter poisons nothing (adam, coupled decay, ${fused})`, () => {
      const opt = adam({ lr: 0.1, weightDecay: 0.1, fused });
      const w = new Float64Array([NaN, 2, 3]);
      const fresh = Float64Array.of(1, 2, 3);
      const state = opt.init(fresh);
      assert.throws(
        () => opt.step(w, new Float64Array([1, 1, 1]), state),
        (e: unknown) =>
          e instanceof RangeError && e.message.includes("`params[0]` must be a finite number") &&
          e.message.includes("got NaN") && e.message.includes("nothing was updated"),
      );
      w[0] = 1;
      opt.step(w, new Float64Array([1, 1, 1]), state);
      opt.step(w, new Float64Array([1, 1, 1]), state);
      assert.ok(w.every(Number.isFinite), `${[...w]}`);
    });
  }
});
