import assert from "node:assert/strict";
import { largestFirst, parseDenoTestSummary, totalLine } from "../tools/test.ts";

Deno.test("parseDenoTestSummary", async (t) => {
  await t.step("reads a passing summary, steps and timing in parentheses", () => {
    assert.deepEqual(
      parseDenoTestSummary("running 3 tests\n\nok | 32 passed (90 steps) | 0 failed (1s)\n"),
      {
        passed: 32,
        failed: 0,
        ignored: 0,
      },
    );
  });

  await t.step("reads a failing summary with coloured text and ignored tests", () => {
    const output = "\x1b[0m\x1b[31mFAILED\x1b[0m | 1 passed (2 steps) | 2 failed (1 step) | " +
      "1 ignored \x1b[0m\x1b[38;5;245m(6ms)\x1b[0m\n\n\x1b[31merror\x1b[0m: Test failed\n";
    assert.deepEqual(parseDenoTestSummary(output), { passed: 1, failed: 2, ignored: 1 });
  });

  await t.step("reads filtered runs and Windows line ends", () => {
    assert.deepEqual(parseDenoTestSummary("ok | 0 passed | 0 failed | 4 filtered out (3ms)\r\n"), {
      passed: 0,
      failed: 0,
      ignored: 0,
    });
  });

  await t.step("the last summary wins over a test's own output that looks like one", () => {
    const output = "ok | 99 passed | 0 failed\n...\nFAILED | 5 passed | 1 failed (2s)\n";
    assert.deepEqual(parseDenoTestSummary(output), { passed: 5, failed: 1, ignored: 0 });
  });

  await t.step("returns null when there is no summary (e.g. type checking failed)", () => {
    assert.equal(parseDenoTestSummary("error: Type checking failed.\n"), null);
    assert.equal(parseDenoTestSummary(""), null);
    assert.equal(parseDenoTestSummary("ok | many passed | 0 failed"), null);
  });
});

Deno.test("totalLine sums every step", async (t) => {
  const step = (passed: number, failed: number, skipped = 0) => ({
    name: "x",
    passed,
    failed,
    skipped,
    seconds: 0,
  });

  await t.step("checks count as one test each, deno test's counts are added", () => {
    assert.equal(
      totalLine([step(1, 0), step(0, 1), step(1, 0), step(1, 0), step(40, 2)]),
      "43 passed, 3 failed",
    );
  });

  await t.step("skipped tests are named only when there are some", () => {
    assert.equal(totalLine([step(1, 0), step(5, 0, 2)]), "6 passed, 0 failed, 2 skipped");
    assert.equal(totalLine([]), "0 passed, 0 failed");
  });

  await t.step("the line has the plain form CI reads", () => {
    assert.match(totalLine([step(3, 1, 1)]), /^\d+ passed, \d+ failed(, \d+ skipped)?$/);
  });
});

Deno.test("largestFirst orders the lessons for two workers, costliest first", () => {
  const order = largestFirst([
    { item: "a", cost: 10 },
    { item: "b", cost: 40 },
    { item: "c", cost: 10 },
    { item: "d", cost: 25 },
  ]);
  assert.deepEqual(order, ["b", "d", "a", "c"], "ties keep their order");
  assert.deepEqual(largestFirst([]), []);
});
