/**
 * The exercises: every lesson's exercises follow the convention of tools/exercises.ts, and each
 * check passes with the reference solution and fails, with the message its metadata expects, for
 * the blank and for every wrong answer — proved by running the lesson's proof variant (the lesson
 * plus all its proofs, in one kernel session). The proof itself is shown to catch a check that
 * cannot fail, on the fixture notebooks in tests/fixtures/exercises/.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  executeNotebook,
  formatResult,
  joinText,
  listNotebooks,
  type Notebook,
  type NotebookCell,
} from "../tools/notebook.ts";
import {
  lessonNumber,
  listExercises,
  PROOF_TAG,
  proofVariant,
  replaceSolution,
  runProof,
  stripProofCells,
  studentEdition,
} from "../tools/exercises.ts";
import { executedNotebook, PROOF_VARIANT } from "../tools/executed.ts";

const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const lessons = await listNotebooks(`${root}/notebooks`);
const fixture = (name: string) => `${root}/tests/fixtures/exercises/${name}`;
const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const read = async (path: string) => JSON.parse(await Deno.readTextFile(path)) as Notebook;

function code(source: string, metadata: Record<string, unknown> = {}): NotebookCell {
  return { cell_type: "code", source, outputs: [], execution_count: null, metadata };
}

function notebook(cells: NotebookCell[]): Notebook {
  return {
    cells,
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

const answer = (id: string, extra: Record<string, unknown> = {}) =>
  code("let x;\n// BEGIN SOLUTION\nx = 1;\n// END SOLUTION", {
    tags: ["solution"],
    exercise: {
      id,
      role: "answer",
      wrong: [{ mistake: "off by one", source: "x = 2;", expect: "too large" }],
      ...extra,
    },
  });
const check = (id: string) =>
  code("exercise(ID, () => expectNumber(x, 1, { name: 'x' }));", {
    tags: ["check"],
    exercise: { id, role: "check" },
  });

Deno.test("the exercise convention", async (t) => {
  await t.step("a well-formed exercise is listed with its cells", () => {
    const { exercises, problems } = listExercises(notebook([answer("01.1"), check("01.1")]), "01");
    assert.deepEqual(problems, []);
    assert.deepEqual(exercises.map((e) => [e.id, e.answer, e.check, e.blank]), [[
      "01.1",
      0,
      1,
      "// YOUR ANSWER HERE",
    ]]);
  });

  await t.step("each broken rule is reported", () => {
    const cases: [NotebookCell[], RegExp][] = [
      [[answer("01.1")], /exercise 01\.1 has an answer cell \(cell 1\) but no check cell/],
      [[check("01.1")], /has a check cell \(cell 1\) but no answer cell/],
      [[check("01.1"), answer("01.1")], /the check \(cell 1\) comes before the answer/],
      [[answer("01.1"), answer("01.1"), check("01.1")], /a second answer cell for exercise 01\.1/],
      [[answer("01.1", { wrong: [] }), check("01.1")], /exercise 01\.1 has no wrong answer/],
      [
        [answer("01.1", { wrong: [{ mistake: "x", source: "x = 2;" }] }), check("01.1")],
        /wrong answer 1: expect must be a non-empty string/,
      ],
      [[answer("1.1"), check("1.1")], /exercise id must look like "05\.2", got "1\.1"/],
      [[answer("02.1"), check("02.1")], /exercise 02\.1 is not numbered after its lesson 01/],
      [[code("x = 1;", { tags: ["solution"] })], /tagged solution but has no metadata\.exercise/],
      [
        [{ ...answer("01.1"), source: "x = 1; // BEGIN SOLUTION missing" }, check("01.1")],
        /must hold one line "\/\/ BEGIN SOLUTION" followed by one line "\/\/ END SOLUTION", got 0 and 0/,
      ],
      [
        [answer("01.1"), { ...check("01.1"), source: 'import { x } from "y";\nx;' }],
        /check of 01\.1 imports/,
      ],
    ];
    for (const [cells, expected] of cases) {
      const { problems } = listExercises(notebook(cells), "01");
      assert.ok(
        problems.some((p) => expected.test(p)),
        `expected ${expected}, got ${JSON.stringify(problems)}`,
      );
    }
  });

  await t.step(
    "replaceSolution swaps the region, markers included, keeping the indentation",
    () => {
      const source = "function f() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}";
      assert.equal(replaceSolution(source, "return 2;"), "function f() {\n  return 2;\n}");
      assert.throws(() => replaceSolution("// END SOLUTION\n// BEGIN SOLUTION", ""), /wrong order/);
    },
  );

  await t.step("the proof variant adds tagged cells the build can strip again", () => {
    const nb = notebook([answer("01.1"), check("01.1"), code("after();")]);
    const variant = proofVariant(nb, "01");
    // blank: answer + check, wrong answer: answer + check, then the reference answer again
    assert.equal(variant.cells.length, 3 + 5);
    const added = variant.cells.slice(2, 7);
    assert.ok(added.every((c) => (c.metadata as { tags: string[] }).tags.includes(PROOF_TAG)));
    assert.equal(joinText(added[2].source), "let x;\nx = 2;");
    assert.equal(joinText(added[4].source), joinText(nb.cells[0].source));
    assert.equal(joinText(variant.cells[7].source), "after();");
    assert.deepEqual(stripProofCells(variant), nb);
    assert.equal(joinText(studentEdition(variant).cells[0].source), "let x;\n// YOUR ANSWER HERE");
  });

  await t.step("a notebook breaking the convention has no proof variant", () => {
    assert.throws(() => proofVariant(notebook([answer("01.1")]), "01"), /break the convention/);
  });
});

Deno.test("exercise proofs catch a check that cannot fail", async (t) => {
  await t.step("a working check passes its proof, and later cells see the reference", async () => {
    const result = await runProof(fixture("passing.ipynb"));
    assert.ok(result.ok, formatResult(result));
    const printed = result.outputs.flatMap((c) => c.outputs).map((o) => joinText(o.text)).join("");
    assert.match(printed, /Exercise 01\.1: correct/);
    assert.match(printed, /wrong answer "uses 1\/λ instead of 2\/λ" rejected: Exercise 01\.1: /);
    assert.match(printed, /answer after the exercise: 0\.6666/);
  });

  await t.step("a check that never looks at the answer fails its proof", async () => {
    const plain = await executeNotebook(fixture("cannot_fail.ipynb"));
    assert.ok(plain.ok, "the fixture itself runs: only the proof can tell the check is useless");
    const result = await runProof(fixture("cannot_fail.ipynb"));
    assert.equal(result.ok, false);
    assert.equal(result.errors[0].exercise, "01.1 proof (blank answer)");
    assert.match(result.errors[0].message, /the check passed; it must fail/);
  });

  await t.step("a wrong answer run headlessly prints its message once, labelled", async () => {
    const nb = await read(fixture("passing.ipynb"));
    const answerCell = nb.cells.find((c) => joinText(c.source).includes("BEGIN SOLUTION"))!;
    answerCell.source = replaceSolution(joinText(answerCell.source), "answer = 1 / 3;");
    const path = fixture(`.wrong-${crypto.randomUUID().slice(0, 8)}.ipynb`);
    await Deno.writeTextFile(path, JSON.stringify(nb));
    try {
      const result = await executeNotebook(path);
      assert.equal(result.ok, false);
      assert.equal(result.errors.length, 1);
      assert.equal(result.errors[0].exercise, "01.1 check");
      const text = formatResult(result);
      assert.match(text, /exercise 01\.1 check \(cell 4\):/);
      assert.equal(
        text.match(/Exercise 01\.1: `answer` = 0\.333\d* is too small/g)?.length,
        1,
        text,
      );
    } finally {
      await Deno.remove(path);
    }
  });
});

for (const path of lessons) {
  Deno.test(`exercises of ${baseName(path)}: convention, and each check proved`, async () => {
    const nb = await read(path);
    const { exercises, problems } = listExercises(nb, lessonNumber(path));
    assert.deepEqual(problems, [], `${baseName(path)} breaks the exercise convention`);
    assert.ok(exercises.length > 0, `${baseName(path)} has no exercise`);
    // this run's one execution of the lesson (its proof variant), shared with the notebook,
    // build and browser tests
    const result = await executedNotebook(path, { variant: PROOF_VARIANT });
    assert.ok(result.ok, formatResult(result));
    assert.ok(
      result.executed!.cells.some((c) =>
        ((c.metadata as { tags?: string[] } | undefined)?.tags ?? []).includes(PROOF_TAG)
      ),
      "the proofs ran",
    );
  });
}
