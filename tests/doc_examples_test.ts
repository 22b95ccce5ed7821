/**
 * Every JSDoc example in lib/, one test each, all in this one isolate (tools/doc_examples.ts),
 * under the names `deno test --doc lib/` gives them; then the checks that the extraction is
 * Deno's: the same blocks as Deno's JSDoc parser (`deno doc --json`) finds, the same names as
 * `deno check --doc` gives a synthetic source, and a failing example failing its test.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type DocExample,
  extractExamples,
  importSpecifiers,
  listExamples,
  runExample,
} from "../tools/doc_examples.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const examples = await listExamples(ROOT, "lib");

for (const example of examples) {
  Deno.test(example.name, () => runExample(example));
}

/** Runs `deno ARGS` in `cwd`; fails with its output unless it exits with 0. */
async function deno(args: string[], cwd: string): Promise<{ out: string; err: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const out = new TextDecoder().decode(stdout);
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, `deno ${args.join(" ")} exited with ${code}:\n${out}\n${err}`);
  return { out, err };
}

const LANGUAGES = new Set(["ts", "typescript", "js", "javascript", "tsx", "jsx"]);
for (const l of ["mts", "cts", "mjs", "cjs"]) LANGUAGES.add(l);

/** The text of a block without its trailing blank lines (Deno's ends with the fence's line). */
const body = (code: string) => code.replace(/\s*$/, "");

/**
 * The fenced JS/TS blocks (not tagged `ignore`) in the JSDoc that `deno doc --json --private`
 * reports for `files`, grouped by documented file (relative to `root`), each file's sorted.
 * A symbol reached from several files (re-exports) counts once, by its declaration's place.
 */
async function denoDocBlocks(root: string, files: string[]): Promise<Map<string, string[]>> {
  const json = JSON.parse((await deno(["doc", "--json", "--private", ...files], root)).out);
  const seen = new Map<string, { file: string; code: string }>();
  const walk = (node: unknown, file: string, where: string, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((child, k) => walk(child, file, where, `${path}/${k}`));
      return;
    }
    if (node === null || typeof node !== "object") return;
    const obj = node as Record<string, unknown>;
    const location = obj.location as { filename?: string; line?: number } | undefined;
    if (location?.filename !== undefined) {
      file = location.filename;
      where = `${location.filename}:${location.line}`;
      path = "";
    }
    if (typeof obj.doc === "string") {
      let k = 0;
      for (const m of obj.doc.matchAll(/```([^\n]*)\n([\s\S]*?)```/g)) {
        const attributes = m[1].split(" ");
        if (LANGUAGES.has(attributes[0]) && !attributes.includes("ignore")) {
          seen.set(`${where}${path}#${k}`, { file, code: m[2] });
        }
        k++;
      }
    }
    for (const [key, child] of Object.entries(obj)) walk(child, file, where, `${path}/${key}`);
  };
  for (const [url, module] of Object.entries(json.nodes as Record<string, unknown>)) {
    walk(module, url, `${url}:module`, "");
  }
  const byFile = new Map<string, string[]>();
  for (const { file, code } of seen.values()) {
    const name = fileURLToPath(file).slice(root.length).replace(/^\//, "");
    byFile.set(name, [...(byFile.get(name) ?? []), body(code)].sort());
  }
  return byFile;
}

Deno.test("doc examples: the same blocks, file by file, as Deno's JSDoc parser finds", async () => {
  const files = [...new Set(examples.map((e) => e.file))];
  const all: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(join(ROOT, dir))) {
      if (entry.isDirectory) await walk(`${dir}/${entry.name}`);
      else if (entry.name.endsWith(".ts")) all.push(`${dir}/${entry.name}`);
    }
  };
  await walk("lib");
  const fromDeno = await denoDocBlocks(ROOT, all.sort());
  const ours = new Map<string, string[]>();
  for (const file of files) {
    ours.set(file, examples.filter((e) => e.file === file).map((e) => body(e.code)).sort());
  }
  const sorted = (m: Map<string, string[]>) => new Map([...m].sort(([a], [b]) => a < b ? -1 : 1));
  assert.deepEqual(sorted(ours), sorted(fromDeno));
  assert.ok(examples.length >= 135, `${examples.length} examples, expected at least 135`);
});

Deno.test("doc examples: every one imports by package name, none by a relative path", () => {
  for (const example of examples) {
    const specifiers = importSpecifiers(example.code);
    assert.ok(specifiers.length > 0, `${example.name} imports nothing`);
    for (const specifier of specifiers) {
      assert.match(
        specifier,
        /^(?:@better-gradients\/lib(?:\/[a-z]+)?|node:[a-z/]+)$/,
        `${example.name} imports "${specifier}"`,
      );
    }
  }
});

// Blocks Deno runs and skips. A comment's opening inside a string, a template literal, a regular
// expression or a line comment opens none: read as one, it would swallow the next JSDoc's start.
const SYNTHETIC = `/**
 * The module doc.
 *
 * \`\`\`ts
 * const moduleDoc: string = "module doc";
 * \`\`\`
 *
 * @module
 */

const s = "/* in a string";
const t = \`/* in a template \${"literal"}\`;
const r = /[/*]+/;
// /* in a line comment

/**
 * Several blocks.
 *
 * @example First
 * \`\`\`ts
 * const first = 1;
 *   const indented = [first];
 * # const hashed = indented;
 * \`\`\`
 *
 * \`\`\`js
 * const second = 2;
 * \`\`\`
 *
 * \`\`\`ts ignore
 * throw new Error("ignored");
 * \`\`\`
 *
 * \`\`\`
 * throw new Error("no language");
 * \`\`\`
 *
 * \`\`\`sh
 * deno task test
 * \`\`\`
 *
 * \`\`\`typescript title="tagged"
 * const third: number = 3;
 * \`\`\`
 */
export function several(): number {
  return s.length + t.length + String(r).length;
}

/*
 * \`\`\`ts
 * throw new Error("not JSDoc");
 * \`\`\`
 */

/** \`\`\`tsx
 * const inline = 4;
 * \`\`\` */
export const inline = 4;
`;

const EXPECTED: Pick<DocExample, "name" | "code">[] = [
  { name: "./synthetic.ts#4-7.ts", code: 'const moduleDoc: string = "module doc";\n\n' },
  {
    name: "./synthetic.ts#20-25.ts",
    code: "const first = 1;\n  const indented = [first];\nconst hashed = indented;\n\n",
  },
  { name: "./synthetic.ts#26-29.js", code: "const second = 2;\n\n" },
  { name: "./synthetic.ts#42-45.ts", code: "const third: number = 3;\n\n" },
  { name: "./synthetic.ts#56-59.tsx", code: "const inline = 4;\n\n" },
];

Deno.test("doc examples: the extractor on a synthetic source, named as Deno names them", async () => {
  const found = extractExamples(SYNTHETIC, "synthetic.ts");
  assert.deepEqual(found.map(({ name, code }) => ({ name, code })), EXPECTED);
  // Deno's own extraction of the same file: `deno check --doc` names every block it checks
  const dir = await Deno.makeTempDir({ prefix: "bg-doc-synthetic-" });
  try {
    await Deno.writeTextFile(join(dir, "synthetic.ts"), SYNTHETIC);
    const { out, err } = await deno(["check", "--no-config", "--doc", "synthetic.ts"], dir);
    const output = out + err;
    const checked = [...output.matchAll(/^Check (\S+#\S+)$/gm)].map((m) => `./${m[1]}`);
    assert.deepEqual(checked, EXPECTED.map((e) => e.name));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("doc examples: the runner runs an example and fails a failing one", async (t) => {
  const source = (code: string) =>
    `/**\n * @example\n * \`\`\`ts\n${
      code.split("\n").map((line) => ` * ${line}`).join("\n")
    }\n * \`\`\`\n */\nexport const x = 1;\n`;
  const one = (code: string) => {
    const found = extractExamples(source(code), "lib/synthetic.ts");
    assert.equal(found.length, 1);
    return found[0];
  };
  const key = "__bgDocExampleRan";

  await t.step("a passing example runs in this isolate", async () => {
    await runExample(one(`(globalThis as Record<string, unknown>).${key} = 42;`));
    assert.equal((globalThis as Record<string, unknown>)[key], 42);
    delete (globalThis as Record<string, unknown>)[key];
  });

  await t.step(
    "a failing one fails with its name, lines and error, traced to its line",
    async () => {
      const failing = one(
        'import assert from "node:assert/strict";\n\nassert.equal(1 + 1, 3, "arithmetic");',
      );
      assert.equal(failing.name, "./lib/synthetic.ts#3-8.ts");
      const err = await runExample(failing).then(() => null, (e: unknown) => e);
      assert.ok(err instanceof Error, "the failing example did not fail");
      assert.match(
        err.message,
        /^\.\/lib\/synthetic\.ts#3-8\.ts \(lib\/synthetic\.ts, lines 3–7\) failed: AssertionError: arithmetic/,
      );
      assert.ok(err.cause instanceof assert.AssertionError);
      // the assertion sits on line 6 of the documented file
      assert.match(String(err.cause.stack), /synthetic\.ts@3-8\.ts:6:\d+/);
    },
  );

  await t.step("an example that rejects fails too", async () => {
    await assert.rejects(
      runExample(one("await Promise.reject(new RangeError(`\\`lr\\` must be > 0`));")),
      /synthetic\.ts#3-6\.ts .*failed: RangeError: `lr` must be > 0/,
    );
  });

  await t.step("a relative import is refused, naming it", async () => {
    await assert.rejects(
      runExample(one('import { adam } from "../mod.ts";\nadam({ lr: 0.1 });')),
      /lib\/synthetic\.ts#3-7\.ts .*imports "\.\.\/mod\.ts": examples must import by package name/,
    );
  });
});
