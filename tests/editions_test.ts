/**
 * The student and instructor editions (tools/build/editions.ts) and the course download
 * (tools/build/archive.ts): on a small fixture notebook with two exercises
 * (tests/fixtures/editions/), built into a site; and the download of a real lesson, unpacked into
 * a temporary folder, where the lesson must run.
 */

import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { buildSite, COURSE_ARCHIVES, COURSE_FOLDER, courseArchive } from "../tools/build.ts";
import { DEFAULT_BLANK, replaceSolution, studentEdition } from "../tools/exercises.ts";
import { executeNotebook, formatResult, type Notebook } from "../tools/notebook.ts";

const FIXTURE = decodeURIComponent(
  new URL("./fixtures/editions/exercises.ipynb", import.meta.url).pathname,
);
const LESSON = decodeURIComponent(
  new URL("../notebooks/00_gradient_descent.ipynb", import.meta.url).pathname,
);

const source = (cell: { source: string | string[] }) =>
  Array.isArray(cell.source) ? cell.source.join("") : cell.source;

async function readFixture(): Promise<Notebook> {
  return JSON.parse(await Deno.readTextFile(FIXTURE)) as Notebook;
}

async function untar(archive: string, into: string): Promise<void> {
  const out = await new Deno.Command("tar", { args: ["xzf", archive, "-C", into], stderr: "piped" })
    .output();
  assert.ok(
    out.success,
    `tar could not unpack ${archive}: ${new TextDecoder().decode(out.stderr)}`,
  );
}

Deno.test("editions: the student edition blanks solutions and drops wrong answers", async (t) => {
  const nb = await readFixture();
  const student = studentEdition(nb);
  await t.step("each solution region, markers included, becomes the cell's blank", () => {
    assert.equal(source(student.cells[1]), "const x = 21;\nconst answer = NaN; // your code here");
    // no blank given: the default, indented as the BEGIN line
    assert.equal(
      source(student.cells[4]),
      `function total(xs: number[]): number {\n  ${DEFAULT_BLANK}\n}`,
    );
    const text = JSON.stringify(student);
    assert.ok(!text.includes("BEGIN SOLUTION") && !text.includes("2 * x"), "no solution left");
  });
  await t.step("wrong answers are dropped, everything else is kept", () => {
    const meta = student.cells[1].metadata as { exercise: Record<string, unknown> };
    assert.deepEqual(meta.exercise, {
      id: "99.1",
      role: "answer",
      blank: "const answer = NaN; // your code here",
    });
    assert.deepEqual(student.cells.map((c) => c.cell_type), nb.cells.map((c) => c.cell_type));
    assert.equal(source(student.cells[2]), source(nb.cells[2]), "the check is kept");
    assert.equal(source(student.cells[0]), source(nb.cells[0]));
  });
  await t.step("the outputs of answer and check cells are cleared, others kept", () => {
    const ran = structuredClone(nb);
    for (const cell of ran.cells) {
      if (cell.cell_type === "code") {
        cell.outputs = [{ output_type: "stream", name: "stdout", text: "out\n" }];
        cell.execution_count = 1;
      }
    }
    ran.cells.push({
      cell_type: "code",
      source: "1;",
      metadata: {},
      outputs: [{ output_type: "stream", name: "stdout", text: "kept\n" }],
      execution_count: 2,
    });
    const s = studentEdition(ran);
    assert.deepEqual(s.cells.map((c) => c.outputs?.length ?? null), [null, 0, 0, null, 0, 1]);
  });
  await t.step("the input is left unchanged; a notebook without answers is unchanged", () => {
    assert.ok(source(nb.cells[1]).includes("2 * x"));
    const plain = { ...nb, cells: [nb.cells[0], nb.cells[2]].map((c) => ({ ...c, metadata: {} })) };
    assert.deepEqual(studentEdition(plain), plain);
  });
  await t.step("missing or doubled markers are refused", () => {
    assert.throws(
      () => replaceSolution("const a = 1;", DEFAULT_BLANK),
      /must hold one line "\/\/ BEGIN SOLUTION" followed by one line "\/\/ END SOLUTION", got 0 and 0/,
    );
    assert.throws(
      () => replaceSolution("// END SOLUTION\n// BEGIN SOLUTION", DEFAULT_BLANK),
      /got 1 and 1 in the wrong order/,
    );
  });
});

Deno.test("editions: the build publishes both, the site shows the student's", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bg-editions-" });
  try {
    const result = await buildSite({ notebooks: [FIXTURE], outDir: `${dir}/site`, log: () => {} });
    assert.deepEqual(result.problems, []);
    const student = JSON.parse(await Deno.readTextFile(`${dir}/site/notebooks/exercises.ipynb`));
    assert.deepEqual(student, studentEdition(await readFixture()));
    assert.equal(
      await Deno.readTextFile(`${dir}/site/instructor/exercises.ipynb`),
      await Deno.readTextFile(FIXTURE),
      "the instructor edition is the notebook as committed",
    );
    const html = await Deno.readTextFile(`${dir}/site/exercises.html`);
    const doc = parseHTML(html).document;
    const code = doc.querySelector("main")!.textContent;
    assert.ok(code.includes("const answer = NaN; // your code here"), "the page shows the blank");
    assert.ok(!code.includes("2 * x"), "the page shows no solution");
    const outputs = [...doc.querySelectorAll(".cell-outputs")].map((o) => o.textContent).join("");
    assert.ok(!outputs.includes("correct"), "nor the check's verdict on the solution");
    // the download links
    assert.ok(doc.querySelector(`footer a[download][href="${COURSE_ARCHIVES.student}"]`));
    const index = parseHTML(await Deno.readTextFile(`${dir}/site/index.html`)).document;
    for (const href of Object.values(COURSE_ARCHIVES)) {
      assert.ok(index.querySelector(`a[download][href="${href}"]`), `the index links ${href}`);
    }
    // each archive holds its edition
    for (const edition of ["student", "instructor"] as const) {
      const into = `${dir}/${edition}`;
      await Deno.mkdir(into);
      await untar(`${dir}/site/${COURSE_ARCHIVES[edition]}`, into);
      const nb = await Deno.readTextFile(`${into}/${COURSE_FOLDER}/notebooks/exercises.ipynb`);
      assert.equal(nb.includes("2 * x"), edition === "instructor", `${edition} archive`);
      const readme = await Deno.readTextFile(`${into}/${COURSE_FOLDER}/README.md`);
      assert.match(readme, edition === "student" ? /YOUR ANSWER HERE/ : /instructor edition/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("course download: unpacked into a temporary folder, a lesson runs there", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bg-course-" });
  try {
    const archive = await courseArchive(
      [{ label: "00_gradient_descent.ipynb", data: await Deno.readFile(LESSON) }],
      "student",
      [LESSON],
    );
    await Deno.writeFile(`${dir}/course.tar.gz`, archive);
    await untar(`${dir}/course.tar.gz`, dir);
    const course = `${dir}/${COURSE_FOLDER}`;
    const config = JSON.parse(await Deno.readTextFile(`${course}/deno.json`));
    assert.deepEqual(Object.keys(config.tasks).sort(), ["lab", "nb"]);
    for (const file of ["deno.lock", "lib/mod.ts", "tools/lab.ts", "README.md"]) {
      assert.ok((await Deno.stat(`${course}/${file}`)).isFile, `${file} is in the download`);
    }
    // the lesson runs from the unpacked folder, with the library and imports found there
    const result = await executeNotebook(`${course}/notebooks/00_gradient_descent.ipynb`);
    assert.ok(result.ok, formatResult(result));
    // `deno task nb` works there too (its usage, without running anything)
    const help = await new Deno.Command(Deno.execPath(), {
      args: ["task", "-q", "nb", "--help"],
      cwd: course,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(help.success, new TextDecoder().decode(help.stderr));
    assert.match(new TextDecoder().decode(help.stdout), /deno task nb --save/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
