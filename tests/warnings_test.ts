/**
 * A script that imports the library and makes a figure prints nothing on stderr: in particular
 * not Node's `punycode` deprecation (DEP0040), which vega's dependencies trigger
 * (lib/_quiet_punycode.ts), while other warnings still reach the reader.
 */

import assert from "node:assert/strict";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);

async function runScript(source: string): Promise<{ stdout: string; stderr: string }> {
  const dir = await Deno.makeTempDir({ dir: ROOT, prefix: ".warnings-test-" });
  try {
    await Deno.writeTextFile(`${dir}/script.ts`, source);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--frozen", `${dir}/script.ts`],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const result = {
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
    assert.ok(out.success, result.stderr);
    return result;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a script making a figure prints no punycode warning, and other warnings still", async () => {
  const { stdout, stderr } = await runScript(`
    import process from "node:process";
    import { lineChart } from "@better-gradients/lib";
    const fig = await lineChart({ a: [3, 2, 1] });
    console.log(fig.svg.startsWith("<svg") ? "drawn" : "not drawn");
    process.emitWarning("a warning of the script's own", "DeprecationWarning", "DEP9999");
  `);
  assert.equal(stdout.trim(), "drawn");
  assert.doesNotMatch(stderr, /punycode|DEP0040/);
  assert.match(stderr, /DEP9999.*a warning of the script's own/);
});
