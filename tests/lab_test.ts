import assert from "node:assert/strict";
import { INSTALL_HELP, type LabSituation, planLab } from "../tools/lab.ts";
import {
  APT_INSTALL,
  hasSubcommand,
  jupyterPython,
  listKernelspecs,
  PIP_INSTALL,
} from "../tools/jupyter.ts";

const base: LabSituation = {
  jupyter: "/usr/bin/jupyter",
  hasLab: true,
  hasNotebook: true,
  denoKernel: { argv0: "/usr/bin/deno", argv0Works: true },
  deno: "/opt/deno",
  notebookDir: "/repo/notebooks",
  extraArgs: [],
  root: false,
};

Deno.test("planLab", async (t) => {
  await t.step("prefers JupyterLab when both UIs are installed", () => {
    assert.deepEqual(planLab(base), {
      ok: true,
      ui: "JupyterLab",
      commands: [["/usr/bin/jupyter", "lab", "/repo/notebooks"]],
    });
  });

  await t.step("falls back to the classic Notebook", () => {
    assert.deepEqual(planLab({ ...base, hasLab: false }), {
      ok: true,
      ui: "Jupyter Notebook",
      commands: [["/usr/bin/jupyter", "notebook", "/repo/notebooks"]],
    });
  });

  await t.step("passes extra arguments on to Jupyter", () => {
    const plan = planLab({ ...base, extraArgs: ["--no-browser", "--port", "8899"] });
    assert.ok(plan.ok);
    assert.deepEqual(plan.commands.at(-1), [
      "/usr/bin/jupyter",
      "lab",
      "/repo/notebooks",
      "--no-browser",
      "--port",
      "8899",
    ]);
  });

  await t.step("as root, adds --allow-root (Jupyter refuses root without it) once", () => {
    for (const extraArgs of [[], ["--allow-root"]]) {
      const plan = planLab({ ...base, root: true, extraArgs });
      assert.ok(plan.ok);
      assert.deepEqual(plan.commands, [
        ["/usr/bin/jupyter", "lab", "/repo/notebooks", "--allow-root"],
      ]);
    }
  });

  await t.step("installs the Deno kernel first when Jupyter lists none", () => {
    const plan = planLab({ ...base, denoKernel: null, hasLab: false });
    assert.ok(plan.ok);
    assert.deepEqual(plan.commands, [
      ["/opt/deno", "jupyter", "--install"],
      ["/usr/bin/jupyter", "notebook", "/repo/notebooks"],
    ]);
  });

  await t.step("reinstalls the kernel with --force when its deno is gone", () => {
    const plan = planLab({ ...base, denoKernel: { argv0: "/gone/deno", argv0Works: false } });
    assert.ok(plan.ok);
    assert.deepEqual(plan.commands[0], ["/opt/deno", "jupyter", "--install", "--force"]);
    assert.equal(plan.commands.length, 2);
  });

  await t.step("without Jupyter: the apt line and the pip alternative", () => {
    const plan = planLab({ ...base, jupyter: null, hasLab: false, hasNotebook: false });
    assert.equal(plan.ok, false);
    assert.ok(!plan.ok);
    assert.match(plan.message, /^Jupyter is not installed\./);
    assert.ok(plan.message.includes(APT_INSTALL));
    assert.ok(plan.message.includes(PIP_INSTALL));
    assert.match(APT_INSTALL, /^sudo apt-get install -y .*jupyter-notebook/);
    assert.match(PIP_INSTALL, /pip install .*jupyterlab/);
  });

  await t.step("Jupyter without a notebook UI is the same error, naming the jupyter", () => {
    const plan = planLab({ ...base, hasLab: false, hasNotebook: false });
    assert.ok(!plan.ok);
    assert.match(plan.message, /^\/usr\/bin\/jupyter has neither JupyterLab nor the classic/);
    assert.ok(plan.message.endsWith(INSTALL_HELP));
  });
});

/** A fake `jupyter` in a temporary folder, as a shell script answering `--paths --json`. */
async function fakeJupyter(withKernelspecCommand: boolean) {
  const dir = await Deno.makeTempDir({ prefix: "bg-lab-test-" });
  const data = `${dir}/data`;
  await Deno.mkdir(`${data}/kernels/deno`, { recursive: true });
  await Deno.mkdir(`${data}/kernels/not-a-kernel`, { recursive: true });
  await Deno.writeTextFile(
    `${data}/kernels/deno/kernel.json`,
    JSON.stringify({
      argv: ["/x/deno", "jupyter", "--kernel"],
      display_name: "Deno",
      language: "typescript",
    }),
  );
  const listed = JSON.stringify({
    kernelspecs: {
      deno: {
        resource_dir: "/listed/deno",
        spec: { argv: ["/y/deno"], display_name: "Deno", language: "typescript" },
      },
    },
  });
  await Deno.writeTextFile(
    `${dir}/jupyter`,
    `#!/bin/sh\n` +
      `if [ "$1" = "--paths" ]; then echo '{"data": ["${data}"]}'; exit 0; fi\n` +
      // without jupyter-kernelspec, `jupyter kernelspec` fails as the real one does
      (withKernelspecCommand
        ? `if [ "$1" = "kernelspec" ]; then echo '${listed}'; exit 0; fi\n`
        : "") +
      `exit 1\n`,
  );
  await Deno.chmod(`${dir}/jupyter`, 0o755);
  if (withKernelspecCommand) {
    await Deno.writeTextFile(`${dir}/jupyter-kernelspec`, "#!/bin/sh\nexit 0\n");
    await Deno.chmod(`${dir}/jupyter-kernelspec`, 0o755);
  }
  return { dir, jupyter: `${dir}/jupyter` };
}

Deno.test("finding Jupyter's pieces", async (t) => {
  await t.step("a subcommand is found next to jupyter, and a missing one is not", async () => {
    const { dir, jupyter } = await fakeJupyter(true);
    try {
      assert.equal(await hasSubcommand(jupyter, "kernelspec"), true);
      assert.equal(await hasSubcommand(jupyter, "bg-no-such-subcommand"), false);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  await t.step(
    "kernelspecs come from `jupyter kernelspec list --json` when it exists",
    async () => {
      const { dir, jupyter } = await fakeJupyter(true);
      try {
        assert.deepEqual(await listKernelspecs(jupyter), {
          deno: {
            name: "deno",
            resourceDir: "/listed/deno",
            argv: ["/y/deno"],
            language: "typescript",
            displayName: "Deno",
          },
        });
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  );

  await t.step("else from kernels/*/kernel.json in Jupyter's data folders", async () => {
    const { dir, jupyter } = await fakeJupyter(false);
    try {
      const specs = await listKernelspecs(jupyter);
      assert.deepEqual(Object.keys(specs), ["deno"]);
      assert.deepEqual(specs.deno.argv, ["/x/deno", "jupyter", "--kernel"]);
      assert.equal(specs.deno.resourceDir, `${dir}/data/kernels/deno`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  await t.step("jupyter's Python: its #! line, else what jupyter troubleshoot says", async () => {
    const dir = await Deno.makeTempDir({ prefix: "bg-jupyter-python-" });
    try {
      const script = async (name: string, text: string) => {
        await Deno.writeTextFile(`${dir}/${name}`, text, { mode: 0o755 });
        return `${dir}/${name}`;
      };
      const direct = await script("direct", "#!/opt/venv/bin/python3\nimport sys\n");
      assert.deepEqual(await jupyterPython(direct), ["/opt/venv/bin/python3"]);
      const env = await script("env", "#! /usr/bin/env  python3 \nimport sys\n");
      assert.deepEqual(await jupyterPython(env), ["/usr/bin/env", "python3"]);
      assert.equal(await jupyterPython(await script("plain", "echo no shebang\n")), null);
      // a shell wrapper is asked for its Python (`jupyter troubleshoot` prints sys.executable)
      const wrapper = await script(
        "wrapper",
        "#!/bin/sh\nprintf 'sys.executable:\\n\\t/opt/py/bin/python3.11\\n'\n",
      );
      assert.deepEqual(await jupyterPython(wrapper), ["/opt/py/bin/python3.11"]);
      const silent = await script("silent", "#!/bin/sh\nexit 0\n");
      assert.equal(await jupyterPython(silent), null);
      assert.equal(await jupyterPython(`${dir}/missing`), null);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("every npm package with install scripts is allowed or denied in deno.json", async () => {
  // otherwise the first `deno task lab` on a fresh machine prints "Ignored build scripts for
  // packages: …" (nodeplotlib's @nestjs/core has a postinstall script that only asks for funding)
  const root = new URL("..", import.meta.url);
  const lock = JSON.parse(await Deno.readTextFile(new URL("deno.lock", root)));
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const listed = new Set<string>(
    [config.allowScripts?.allow ?? [], config.allowScripts?.deny ?? []].flat(),
  );
  const withScripts = Object.entries(lock.npm as Record<string, { scripts?: boolean }>)
    .filter(([, entry]) => entry.scripts === true)
    .map(([key]) => `npm:${key.slice(0, key.indexOf("@", 1))}`);
  assert.ok(withScripts.length > 0, "the lock file records which packages have scripts");
  assert.deepEqual(withScripts.filter((name) => !listed.has(name)), []);
});
