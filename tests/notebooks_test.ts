/**
 * The notebooks: every lesson in notebooks/ runs headlessly without an error, every notebook is
 * committed clean, and the runner that decides this really fails on a failing cell (proved on the
 * fixture notebooks in tests/fixtures/notebooks/, which are not lessons).
 */

import assert from "node:assert/strict";
import { isAbsolute, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  checkCommittedNotebook,
  cleanNotebook,
  executeNotebook,
  findOutputErrors,
  formatNotebookText,
  formatResult,
  joinText,
  listNotebooks,
  type Notebook,
  type NotebookResult,
  parseRunFailure,
  startNotebookServer,
} from "../tools/notebook.ts";
import { findJupyter, jupyterPython, listKernelspecs } from "../tools/jupyter.ts";
import { executedNotebook } from "../tools/executed.ts";

const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const lessonsDir = `${root}/notebooks`;
const fixturesDir = `${root}/tests/fixtures/notebooks`;
const lessons = await listNotebooks(lessonsDir);
const fixtures = await listNotebooks(fixturesDir);
const fixture = (name: string) => `${fixturesDir}/${name}`;
const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);

/** A minimal notebook with one code cell per source. */
function makeNotebook(sources: string[], kernel = "deno"): Notebook {
  return {
    cells: sources.map((source) => ({
      cell_type: "code",
      source,
      outputs: [],
      execution_count: null,
      metadata: {},
    })),
    metadata: {
      kernelspec: { name: kernel, display_name: "Deno", language: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 4,
  };
}

/** Runs `nb` from a temporary folder and removes it afterwards. */
async function runTemporary(
  nb: Notebook,
  options: Parameters<typeof executeNotebook>[1] = {},
): Promise<NotebookResult> {
  const dir = await Deno.makeTempDir({ prefix: "bg-notebook-test-" });
  try {
    const path = `${dir}/temporary.ipynb`;
    await Deno.writeTextFile(path, JSON.stringify(nb));
    return await executeNotebook(path, options);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function allOutputText(result: NotebookResult): string {
  return result.outputs.flatMap((c) => c.outputs).map((o) =>
    [o.text, o.data?.["text/plain"]].flat().filter((x) => typeof x === "string").join("")
  ).join("\n");
}

Deno.test("notebook runner", async (t) => {
  await t.step("a passing notebook succeeds and returns its outputs", async () => {
    const result = await executeNotebook(fixture("passing.ipynb"));
    assert.ok(result.ok, formatResult(result));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.outputs.map((c) => c.cell), [2, 3, 4]);
    assert.match(allOutputText(result), /w after 3 steps: 1\n/);
    // the last expression of a cell is its value; NO_COLOR keeps it free of colour codes
    assert.match(allOutputText(result), /^42$/m);
    assert.ok(result.seconds > 0);
    assert.notEqual(result.executed, null);
  });

  await t.step("the import map and a relative path reach the same library", async () => {
    const result = await executeNotebook(fixture("import_forms.ipynb"));
    assert.ok(result.ok, formatResult(result));
    // the kernel runs in the notebook's folder, as Jupyter runs it
    assert.match(allOutputText(result), new RegExp(`cwd: ${fixturesDir}\n`));
  });

  await t.step("a cell tagged raises-exception may throw, and execution goes on", async () => {
    const result = await executeNotebook(fixture("raises_exception.ipynb"));
    assert.ok(result.ok, formatResult(result));
    const [tagged] = result.outputs.filter((c) => c.cell === 3);
    assert.deepEqual(tagged.outputs.map((o) => [o.output_type, o.ename]), [[
      "error",
      "RangeError",
    ]]);
    assert.match(allOutputText(result), /after the expected error/);
  });

  await t.step("a cell that throws fails the run with the cell's error text", async () => {
    const result = await executeNotebook(fixture("throws.ipynb"));
    assert.equal(result.ok, false);
    assert.equal(result.errors.length, 1);
    const [error] = result.errors;
    assert.equal(error.kind, "cell");
    assert.equal(error.cell, 3);
    assert.match(error.message, /Error: fixture: this cell throws on purpose/);
    assert.deepEqual(result.outputs, []);
    assert.match(formatResult(result), /^FAILED .*throws\.ipynb[\s\S]*cell 3 \(cell\)/);
  });

  await t.step("a failing assert fails the run with the assertion's message", async () => {
    const result = await executeNotebook(fixture("failing_assert.ipynb"));
    assert.equal(result.ok, false);
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0].kind, "cell");
    assert.equal(result.errors[0].cell, 3);
    assert.match(result.errors[0].message, /AssertionError/);
    assert.match(result.errors[0].message, /fixture: w = 5\.83\d* did not reach 0/);
  });

  await t.step("a cell whose value is a rejected Promise fails the run", async () => {
    const result = await executeNotebook(fixture("unawaited_rejection.ipynb"));
    assert.equal(result.ok, false);
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0].kind, "rejected-promise");
    assert.equal(result.errors[0].cell, 3);
    assert.match(result.errors[0].message, /Missing expected rejection/);
  });

  await t.step("a notebook whose kernel is not installed fails and names it", async () => {
    const result = await runTemporary(makeNotebook(["1 + 1;"], "bg-no-such-kernel"));
    assert.equal(result.ok, false);
    assert.equal(result.errors[0].kind, "kernel");
    assert.match(result.errors[0].message, /no Jupyter kernel named "bg-no-such-kernel"/);
  });

  await t.step("a cell running past the timeout fails the run", async () => {
    const result = await runTemporary(
      makeNotebook(['console.log("fast");', "await new Promise((r) => setTimeout(r, 60_000));"]),
      { timeoutSeconds: 2 },
    );
    assert.equal(result.ok, false);
    assert.deepEqual(result.errors.map((e) => [e.kind, e.cell]), [["timeout", 2]]);
    assert.match(result.errors[0].message, /after 2 s/);
  });

  await t.step(
    "a runner failure says its error, with the traceback's end when that is bare",
    () => {
      const traceback = [
        "Traceback (most recent call last):",
        '  File "/x/client.py", line 9, in run',
        "    assert self.kc is not None",
        "AssertionError",
      ].join("\n");
      const bare = parseRunFailure(traceback, null);
      assert.equal(bare[0].kind, "jupyter");
      assert.match(bare[0].message, /client\.py", line 9, in run\n.*assert self\.kc/);
      const said = parseRunFailure(
        "Traceback ...\nRuntimeError: Kernel didn't respond in 60 seconds\n",
        null,
      );
      assert.equal(said[0].message, "RuntimeError: Kernel didn't respond in 60 seconds");
    },
  );

  await t.step("a broken or missing jupyter is a failure, not a crash", async () => {
    const broken = await runTemporary(makeNotebook(["1;"]), { jupyter: "/bin/false" });
    assert.equal(broken.ok, false);
    assert.equal(broken.errors[0].kind, "jupyter");
    const missing = await runTemporary(makeNotebook(["1;"]), { jupyter: `${root}/no/jupyter` });
    assert.equal(missing.ok, false);
    assert.match(missing.errors[0].message, /could not start .*no\/jupyter/);
  });

  await t.step("the runner script refuses a bad timeout, naming it and the value", async () => {
    const jupyter = await findJupyter();
    assert.ok(jupyter !== null, "Jupyter is installed");
    const python = await jupyterPython(jupyter);
    assert.ok(python !== null, `${jupyter} names its Python`);
    const script = `${root}/tools/deno_execute.py`;
    const run = await new Deno.Command(python[0], {
      args: [...python.slice(1), script, "--timeout=0", fixture("passing.ipynb"), "/dev/null"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(run.success, false);
    assert.match(
      new TextDecoder().decode(run.stderr),
      /argument --timeout: must be a whole number of seconds > 0, got '0'/,
    );
  });

  await t.step("a notebook server gives the results a run in its own Python gives", async () => {
    const server = await startNotebookServer();
    try {
      const names = ["passing.ipynb", "throws.ipynb", "raises_exception.ipynb"];
      const run = (server: string) =>
        Promise.all(names.map((name) => executeNotebook(fixture(name), { server })));
      const shared = await run(server.socket);
      // one at a time in Pythons of their own: separate Pythons pick their kernels' ports
      // without knowing of each other's (one server keeps track of its own)
      const own: NotebookResult[] = [];
      for (const name of names) own.push(await executeNotebook(fixture(name), { server: null }));
      const summary = (r: NotebookResult) => ({
        ok: r.ok,
        errors: r.errors,
        outputs: r.outputs.map((c) => ({
          cell: c.cell,
          outputs: c.outputs.map((o) => [o.output_type, joinText(o.text), o.ename ?? ""]),
        })),
      });
      assert.deepEqual(shared.map(summary), own.map(summary));
      assert.deepEqual(shared.map((r) => r.ok), [true, false, true]);
      // a relative path is the caller's, not the server's (which works in its socket's folder;
      // no chdir here: the working folder is the whole test process's)
      const path = relative(Deno.cwd(), fixture("passing.ipynb"));
      assert.ok(!isAbsolute(path));
      const relativeRun = await executeNotebook(path, { server: server.socket });
      assert.ok(relativeRun.ok, formatResult(relativeRun));
      // a request it cannot run is answered with what is wrong with it
      const conn = await Deno.connect({ transport: "unix", path: server.socket });
      await conn.write(new TextEncoder().encode(JSON.stringify({ notebook: 3 }) + "\n"));
      const answer = JSON.parse(await new Response(conn.readable).text());
      assert.equal(answer.ok, false);
      assert.match(answer.stderr, /`notebook` must be a file path, got 3/);
      // more connections at once than socketserver's default backlog (5) are all answered
      const many = await Promise.all(Array.from({ length: 40 }, async () => {
        const c = await Deno.connect({ transport: "unix", path: server.socket });
        await c.write(new TextEncoder().encode(JSON.stringify({ notebook: 3 }) + "\n"));
        return JSON.parse(await new Response(c.readable).text()).ok;
      }));
      assert.deepEqual(many, Array(40).fill(false));
    } finally {
      await server.close();
    }
  });

  await t.step("timeoutSeconds must be a finite number > 0", async () => {
    for (const bad of [0, -1, NaN, Infinity]) {
      await assert.rejects(
        executeNotebook(fixture("passing.ipynb"), { timeoutSeconds: bad }),
        (err: Error) => err instanceof RangeError && err.message.includes(`got ${bad}`),
      );
    }
  });

  await t.step("error outputs left in an executed notebook are failures", () => {
    const nb = makeNotebook(["ok();", "bad();"]);
    nb.cells[0].outputs = [{ output_type: "stream", name: "stderr", text: ["a warning\n"] }];
    nb.cells[1].outputs = [{
      output_type: "error",
      ename: "ReferenceError",
      evalue: "bad is not defined",
      traceback: ["\x1b[31mReferenceError\x1b[0m: bad is not defined", "    at <anonymous>:1:1"],
    }];
    assert.deepEqual(findOutputErrors(nb), [{
      kind: "error-output",
      cell: 2,
      message: "ReferenceError: bad is not defined\n    at <anonymous>:1:1",
    }]);
    nb.cells[1].outputs = [];
    assert.deepEqual(findOutputErrors(nb), []);
  });

  await t.step("a cell tagged raises-exception that raised nothing is a failure", () => {
    const nb = makeNotebook(["fine();", "shouldThrow();"]);
    nb.cells[1].metadata = { tags: ["raises-exception"] };
    assert.deepEqual(findOutputErrors(nb), [{
      kind: "no-exception",
      cell: 2,
      message: 'the cell is tagged "raises-exception" but raised no error',
    }]);
    nb.cells[1].outputs = [{
      output_type: "error",
      ename: "RangeError",
      evalue: "x",
      traceback: [],
    }];
    assert.deepEqual(findOutputErrors(nb), []);
  });
});

for (const path of lessons) {
  Deno.test(`notebook ${baseName(path)}`, async () => {
    // this run's one execution of the lesson, shared with the build and browser tests
    const result = await executedNotebook(path);
    assert.ok(result.ok, formatResult(result));
  });
}

Deno.test("notebooks are committed clean", async (t) => {
  await t.step("the checker finds outputs, execution counts and a wrong kernel", () => {
    const clean = makeNotebook(["1;", "2;"]);
    assert.deepEqual(checkCommittedNotebook(clean), []);
    const dirty = makeNotebook(["1;", "2;"], "python3");
    dirty.cells[0].execution_count = 1;
    dirty.cells[1].outputs = [{ output_type: "stream", name: "stdout", text: "2\n" }];
    assert.deepEqual(checkCommittedNotebook(dirty), [
      'kernelspec must be {"name": "deno", "language": "typescript"}, got ' +
      '{"name":"python3","display_name":"Deno","language":"typescript"}',
      "cell 1 has execution_count 1",
      "cell 2 has outputs",
    ]);
  });

  await t.step("cleanNotebook clears what the checker rejects, and only that", () => {
    const dirty = makeNotebook(["1;", "2;"]);
    dirty.cells[0].execution_count = 3;
    dirty.cells[0].outputs = [{ output_type: "stream", name: "stdout", text: "1\n" }];
    dirty.cells[1].metadata = { execution: { "iopub.status.idle": "now" }, tags: ["keep"] };
    const cleaned = cleanNotebook(dirty);
    assert.deepEqual(checkCommittedNotebook(cleaned), []);
    assert.deepEqual(cleaned.cells[1].metadata, { tags: ["keep"] });
    assert.deepEqual(cleaned.cells.map((c) => c.source), ["1;", "2;"]);
    assert.equal(dirty.cells[0].execution_count, 3, "the input is left unchanged");
  });

  await t.step("lessons are named NN_snake_case.ipynb with distinct numbers", () => {
    const names = lessons.map(baseName);
    for (const name of names) {
      assert.match(name, /^\d{2}_[a-z0-9]+(_[a-z0-9]+)*\.ipynb$/, `bad lesson file name ${name}`);
    }
    const numbers = names.map((n) => n.slice(0, 2));
    assert.equal(new Set(numbers).size, numbers.length, `duplicate lesson number in ${names}`);
  });

  for (const path of [...lessons, ...fixtures]) {
    const name = path.slice(root.length + 1);
    await t.step(`${name}: outputs cleared, no execution counts, Deno kernel`, async () => {
      const nb = JSON.parse(await Deno.readTextFile(path)) as Notebook;
      assert.deepEqual(
        checkCommittedNotebook(nb),
        [],
        `clean it with \`deno task nb --clean ${name}\``,
      );
    });
  }

  await t.step("the format check catches an unformatted cell", async () => {
    const nb = makeNotebook(["const   x=1"]);
    nb.metadata.language_info = { name: "typescript" };
    const text = JSON.stringify(nb, null, 1) + "\n";
    const formatted = await formatNotebookText(text, root);
    assert.notEqual(formatted, text);
    assert.match(formatted, /"const x = 1;"/);
    assert.equal(await formatNotebookText(formatted, root), formatted);
  });

  for (const path of [...lessons, ...fixtures]) {
    const name = path.slice(root.length + 1);
    await t.step(`${name}: formatted as \`deno fmt\` formats it`, async () => {
      const text = await Deno.readTextFile(path);
      assert.ok(
        (await formatNotebookText(text, root)) === text,
        `${name} is not formatted: run \`deno fmt ${name}\``,
      );
    });
  }
});

Deno.test("the Deno Jupyter kernel is installed and runs Deno >= 2.9", async () => {
  const jupyter = await findJupyter();
  assert.ok(jupyter, "Jupyter is not installed (see README.md, Prerequisites)");
  const deno = (await listKernelspecs(jupyter)).deno;
  assert.ok(deno, "no Jupyter kernel named deno: run `deno jupyter --install`");
  assert.equal(deno.language, "typescript");
  const version = await new Deno.Command(deno.argv[0], { args: ["--version"], stdout: "piped" })
    .output();
  const [, major, minor] = /^deno (\d+)\.(\d+)/.exec(new TextDecoder().decode(version.stdout)) ??
    [];
  assert.ok(major !== undefined, `${deno.argv[0]} --version did not print a Deno version`);
  // older kernels could report a failing cell as a success, and the notebook tests would pass
  assert.ok(
    Number(major) > 2 || (Number(major) === 2 && Number(minor) >= 9),
    `the kernel runs Deno ${major}.${minor}; the notebooks need >= 2.9`,
  );
});
