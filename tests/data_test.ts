// The seeded generator (against an independent BigInt implementation of
// splitmix32 + xoshiro128**) and the minibatch sampler (every sample once per
// epoch, same seed same order).

import assert from "node:assert/strict";
import fc from "fast-check";
import { createRng, minibatches } from "@better-gradients/lib";

const M32 = (1n << 32n) - 1n;

/** splitmix32 written with BigInt arithmetic, as a reference. */
function refSplitmix32(seed: bigint): () => bigint {
  let a = seed & M32;
  return () => {
    a = (a + 0x9e3779b9n) & M32;
    let t = a ^ (a >> 16n);
    t = (t * 0x21f0aaadn) & M32;
    t ^= t >> 15n;
    t = (t * 0x735a2d97n) & M32;
    return t ^ (t >> 15n);
  };
}

/** xoshiro128** written with BigInt arithmetic, seeded as createRng documents. */
function refXoshiro(seed: bigint): () => bigint {
  const lo = refSplitmix32(seed & M32);
  const hi = refSplitmix32((seed >> 32n) ^ 0x6a09e667n);
  const s: bigint[] = [0, 1, 2, 3].map(() => lo() ^ hi());
  if ((s[0] | s[1] | s[2] | s[3]) === 0n) s[0] = 1n;
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M32;
  return () => {
    const result = (rotl((s[1] * 5n) & M32, 7n) * 9n) & M32;
    const t = (s[1] << 9n) & M32;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
    return result;
  };
}

Deno.test("createRng", async (t) => {
  await t.step("matches an independent BigInt implementation", () => {
    for (const seed of [0, 1, 42, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      const rng = createRng(seed);
      const ref = refXoshiro(BigInt(seed));
      for (let i = 0; i < 50; i++) {
        assert.equal(BigInt(rng.nextUint32()), ref(), `seed ${seed}, ${i}`);
      }
    }
  });
  await t.step("the reference itself: xoshiro128** from state (1, 2, 3, 4)", () => {
    // The first outputs follow from the update rule by hand: rotl(2·5, 7)·9 = 11520, then
    // s₁ becomes 2 ^ (3 ^ 1) = 0, so the second output is 0.
    const s = [1n, 2n, 3n, 4n];
    const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M32;
    const step = () => {
      const r = (rotl((s[1] * 5n) & M32, 7n) * 9n) & M32;
      const tt = (s[1] << 9n) & M32;
      s[2] ^= s[0];
      s[3] ^= s[1];
      s[1] ^= s[2];
      s[0] ^= s[3];
      s[2] ^= tt;
      s[3] = rotl(s[3], 11n);
      return r;
    };
    assert.deepEqual([step(), step(), step()], [11520n, 0n, 5927040n]);
  });
  await t.step("same seed, same stream; another seed, another stream", () => {
    const draw = (seed: number) => {
      const r = createRng(seed);
      return [r.next(), r.normal(), r.integer(-5, 5), r.uniform(2, 3), ...r.permutation(6)];
    };
    assert.deepEqual(draw(3), draw(3));
    assert.notDeepEqual(draw(3), draw(4));
    assert.equal(createRng(9).seed, 9);
  });
  await t.step("uniform numbers: range and moments", () => {
    const r = createRng(1);
    const n = 100_000;
    let sum = 0, sq = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      assert.ok(x >= 0 && x < 1);
      sum += x;
      sq += x * x;
    }
    // mean 1/2 ± 5 standard errors (σ = 1/√12), E[x²] = 1/3
    assert.ok(Math.abs(sum / n - 0.5) < 5 * Math.sqrt(1 / 12 / n), `mean ${sum / n}`);
    assert.ok(Math.abs(sq / n - 1 / 3) < 0.01);
    for (let i = 0; i < 1000; i++) {
      const u = r.uniform(-2, 3);
      assert.ok(u >= -2 && u < 3);
    }
  });
  await t.step("normal numbers: mean, variance, and the given mean and sd", () => {
    const r = createRng(2);
    const n = 100_000;
    let sum = 0, sq = 0, big = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      sq += z * z;
      if (Math.abs(z) > 1.959964) big++;
    }
    assert.ok(Math.abs(sum / n) < 5 / Math.sqrt(n), `mean ${sum / n}`);
    assert.ok(Math.abs(sq / n - 1) < 0.02, `variance ${sq / n}`);
    assert.ok(Math.abs(big / n - 0.05) < 0.005, `two-sided 5% tail ${big / n}`);
    const s = createRng(2);
    const z0 = s.normal();
    const t = createRng(2);
    assert.equal(t.normal(10, 3), 10 + 3 * z0);
  });
  await t.step("integers: every value of the range, nothing outside", () => {
    const r = createRng(3);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[r.integer(-3, 4) + 3]++;
    for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `count ${c}`);
    assert.equal(r.integer(5, 6), 5);
    const wide = r.integer(0, 2 ** 32);
    assert.ok(Number.isInteger(wide) && wide >= 0 && wide < 2 ** 32);
  });
  await t.step("property: shuffle permutes in place", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.nat({ max: 2 ** 31 }), (xs, seed) => {
        const copy = xs.slice();
        const out = createRng(seed).shuffle(copy);
        assert.equal(out, copy);
        assert.deepEqual(copy.slice().sort((a, b) => a - b), xs.slice().sort((a, b) => a - b));
      }),
    );
  });
  await t.step("permutations: edge sizes and every order reachable", () => {
    assert.equal(createRng(0).permutation(0).length, 0);
    assert.deepEqual([...createRng(0).permutation(1)], [0]);
    const seen = new Set<string>();
    const r = createRng(5);
    for (let i = 0; i < 600; i++) seen.add(r.permutation(3).join(""));
    assert.equal(seen.size, 6);
  });
  await t.step("bad input", () => {
    assert.throws(() => createRng(-1), /`seed` must be an integer >= 0, got -1/);
    assert.throws(() => createRng(1.5), RangeError);
    assert.throws(() => createRng(NaN), RangeError);
    assert.throws(() => createRng(2 ** 53), /`seed` must be an integer in \[0, 2\^53 - 1\]/);
    assert.throws(() => createRng("1" as never), TypeError);
    const r = createRng(0);
    assert.throws(() => r.uniform(1, 1), /`max` must be a finite number > min \(1\), got 1/);
    assert.throws(() => r.uniform(0, Infinity), /`max` must be a finite number/);
    assert.throws(() => r.normal(0, 0), /`sd` must be a finite number > 0, got 0/);
    assert.throws(() => r.normal(NaN), /`mean`/);
    assert.throws(() => r.integer(0, 0), /`max` must be an integer in \(min, min \+ 2\^32\]/);
    assert.throws(() => r.integer(0, 2 ** 32 + 1), RangeError);
    assert.throws(() => r.integer(0.5, 3), /`min` must be an integer, got 0.5/);
    assert.throws(() => r.shuffle(null as never), TypeError);
    assert.throws(() => r.permutation(-1), /`n` must be an integer >= 0/);
  });
  await t.step(
    "shuffling a frozen array is refused before any draw: array and stream unchanged",
    () => {
      const frozen = Object.freeze([1, 2, 3, 4]);
      const r = createRng(7);
      assert.throws(
        () => r.shuffle(frozen as unknown as number[]),
        /`array` must be writable to be shuffled in place, got a frozen array of length 4/,
      );
      assert.deepEqual(frozen, [1, 2, 3, 4]);
      assert.equal(r.next(), createRng(7).next());
      // one entry or none: nothing to swap, so a frozen array is fine
      assert.deepEqual(createRng(7).shuffle(Object.freeze([5]) as unknown as number[]), [5]);
    },
  );
});

Deno.test("minibatches", async (t) => {
  await t.step("in order: the notes' N(t) walk, wrapping into epochs", () => {
    const s = minibatches(6, { batchSize: 2 });
    assert.equal(s.batchesPerEpoch, 3);
    const bs = s.take(4);
    assert.deepEqual(bs.map((b) => [...b.indices]), [[0, 1], [2, 3], [4, 5], [0, 1]]);
    assert.deepEqual(bs.map((b) => b.step), [0, 1, 2, 3]);
    assert.deepEqual(bs.map((b) => b.position), [0, 2, 4, 0]);
    assert.deepEqual(bs.map((b) => b.seen), [0, 2, 4, 6]);
    assert.deepEqual(bs.map((b) => b.endOfEpoch), [false, false, true, false]);
    assert.equal(s.nextBatch().step, 4, "take and nextBatch share one walk");
  });
  await t.step("full batch and batches of one", () => {
    const full = minibatches(3, { batchSize: 3 }).take(2);
    assert.deepEqual(full.map((b) => [b.epoch, [...b.indices]]), [[0, [0, 1, 2]], [1, [0, 1, 2]]]);
    const ones = minibatches(2, { batchSize: 1 }).take(3);
    assert.deepEqual(ones.map((b) => b.indices[0]), [0, 1, 0]);
  });
  await t.step("dropLast skips the leftover samples", () => {
    const s = minibatches(5, { batchSize: 2, dropLast: true });
    assert.equal(s.batchesPerEpoch, 2);
    const bs = s.take(3);
    assert.deepEqual(bs.map((b) => [...b.indices]), [[0, 1], [2, 3], [0, 1]]);
    assert.deepEqual(bs.map((b) => b.epoch), [0, 0, 1]);
  });
  await t.step("data given as an array, and for…of", () => {
    const s = minibatches(["a", "b", "c"], { batchSize: 2 });
    assert.equal(s.samples, 3);
    const got: number[][] = [];
    for (const b of s) {
      got.push([...b.indices]);
      if (got.length === 3) break;
    }
    assert.deepEqual(got, [[0, 1], [2], [0, 1]]);
  });
  await t.step("shuffled: a new order every epoch, and earlier batches stay intact", () => {
    const s = minibatches(20, { batchSize: 20, shuffle: true, seed: 1 });
    const [a, b] = s.take(2);
    const first = [...a.indices];
    assert.notDeepEqual(first, [...b.indices]);
    assert.notDeepEqual(first, [...Array(20).keys()]);
    s.take(5);
    assert.deepEqual([...a.indices], first);
  });
  await t.step("property: every sample exactly once per epoch", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }), fc.boolean(), fc.nat(1000))
        ),
        ([n, k, shuffle, seed]) => {
          const s = minibatches(n, { batchSize: k, shuffle, seed });
          assert.equal(s.batchesPerEpoch, Math.ceil(n / k));
          let seen = 0;
          for (let e = 0; e < 3; e++) {
            const count = new Array(n).fill(0);
            let position = 0;
            for (let j = 0; j < s.batchesPerEpoch; j++) {
              const b = s.nextBatch();
              assert.equal(b.epoch, e);
              assert.equal(b.position, position);
              assert.equal(b.seen, seen);
              assert.equal(b.endOfEpoch, j === s.batchesPerEpoch - 1);
              assert.ok(b.indices.length === k || (b.endOfEpoch && b.indices.length === n % k));
              for (const i of b.indices) count[i]++;
              position += b.indices.length;
              seen += b.indices.length;
            }
            assert.deepEqual(count, new Array(n).fill(1), `epoch ${e}`);
          }
        },
      ),
    );
  });
  await t.step("property: same seed, same order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.nat(10_000), (n, seed) => {
        const k = Math.max(1, n >> 2);
        const walk = () =>
          minibatches(n, { batchSize: k, shuffle: true, seed }).take(10).map((b) => [...b.indices]);
        assert.deepEqual(walk(), walk());
      }),
    );
  });
  await t.step("another seed gives another order", () => {
    const walk = (
      seed: number,
    ) => [...minibatches(30, { batchSize: 30, shuffle: true, seed }).nextBatch().indices];
    assert.notDeepEqual(walk(1), walk(2));
  });
  await t.step("bad input", () => {
    assert.throws(
      () => minibatches([], { batchSize: 1 }),
      /`data` must have length >= 1, got length 0/,
    );
    assert.throws(() => minibatches(0, { batchSize: 1 }), /`data` must be an integer >= 1, got 0/);
    assert.throws(() => minibatches(2.5, { batchSize: 1 }), RangeError);
    assert.throws(() => minibatches("abc" as never, { batchSize: 1 }), TypeError);
    assert.throws(
      () => minibatches(5, { batchSize: 0 }),
      /`batchSize` must be an integer >= 1, got 0/,
    );
    assert.throws(
      () => minibatches(5, { batchSize: 6 }),
      /`batchSize` must be an integer in \[1, 5\] \(the number of samples\), got 6/,
    );
    assert.throws(() => minibatches(5, { batchSize: 1.5 }), RangeError);
    assert.throws(() => minibatches(5, { batchSize: "2" } as never), TypeError);
    assert.throws(() => minibatches(5, {} as never), /`batchSize`/);
    assert.throws(() => minibatches(5, { batchSize: 2, seed: -1 }), /`seed`/);
    assert.throws(() => minibatches(5, { batchSize: 2, shuffle: 1 } as never), /`shuffle`/);
    assert.throws(() => minibatches(5, { batchSize: 2, size: 1 } as never), /no option `size`/);
    assert.throws(() => minibatches(5, { batchSize: 2 }).take(-1), /`count`/);
  });
});
