/**
 * Finding Jupyter and the Deno kernel on this machine.
 *
 * Shared by `tools/lab.ts` (opens the notebooks) and `tools/notebook.ts` (runs them headlessly).
 * Nothing here starts a server or changes anything: it only looks.
 *
 * @module
 */

/** Where Debian's `jupyter` lives. Preferred over PATH, whose first Python may lack Jupyter. */
export const DEBIAN_JUPYTER = "/usr/bin/jupyter";

/** The apt line that installs everything the notebooks need on Debian/Ubuntu. */
export const APT_INSTALL =
  "sudo apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbclient";

/** The pip alternative for any system with Python 3. */
export const PIP_INSTALL = "python3 -m pip install --user jupyterlab nbconvert";

/** A kernelspec as Jupyter stores it in `kernels/<name>/kernel.json`. */
export interface Kernelspec {
  /** Kernel name, e.g. `"deno"`. */
  name: string;
  /** Folder holding `kernel.json`. */
  resourceDir: string;
  /** Command line Jupyter runs to start the kernel. */
  argv: string[];
  /** Language the kernel reports, e.g. `"typescript"`. */
  language: string;
  /** Name shown in Jupyter's kernel menu. */
  displayName: string;
}

/** True when `path` is an existing regular file with an execute bit set. */
export async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && info.mode !== null && (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The first executable called `name` on PATH, or `null`. */
export async function which(name: string): Promise<string | null> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    const candidate = `${dir}/${name}`;
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

/**
 * The `jupyter` command to use: `$JUPYTER` when set, else Debian's `/usr/bin/jupyter`, else the
 * first `jupyter` on PATH. `null` when there is none.
 */
export async function findJupyter(): Promise<string | null> {
  const fromEnv = Deno.env.get("JUPYTER");
  if (fromEnv) return (await isExecutable(fromEnv)) ? fromEnv : null;
  if (await isExecutable(DEBIAN_JUPYTER)) return DEBIAN_JUPYTER;
  return await which("jupyter");
}

/** True when `command` (a path or a bare name) is a Python interpreter's name, e.g. `python3.11`. */
function isPythonName(command: string): boolean {
  return /^python(\d+(\.\d+)*)?$/.test(command.slice(command.lastIndexOf("/") + 1));
}

/**
 * The command line of the Python that runs `jupyter`. pip's and Debian's `jupyter` are Python
 * scripts, so it is read from the script's `#!` line: `["/usr/bin/python3"]`, or
 * `["/usr/bin/env", "python3"]` for an `env` line. When `jupyter` is anything else (a shell
 * wrapper, say), Jupyter is asked: `jupyter troubleshoot` prints its `sys.executable`. The notebook
 * runner starts that Python, which has nbclient, rather than the first `python3` on PATH, which
 * may not. `null` when neither way names a Python.
 *
 * @param jupyter The `jupyter` command, as {@link findJupyter} returns it.
 */
export async function jupyterPython(jupyter: string): Promise<string[] | null> {
  const path = jupyter.includes("/") ? jupyter : await which(jupyter);
  if (path === null) return null;
  let head = "";
  try {
    const file = await Deno.open(path);
    try {
      const bytes = new Uint8Array(512);
      const n = await file.read(bytes);
      head = new TextDecoder().decode(bytes.subarray(0, n ?? 0));
    } finally {
      file.close();
    }
  } catch {
    return null;
  }
  const line = /^#!([^\n]*)/.exec(head)?.[1].trim().split(/\s+/);
  if (line !== undefined) {
    const named = line[0].endsWith("/env")
      ? line.slice(1).find((a) => !a.startsWith("-"))
      : line[0];
    if (named !== undefined && isPythonName(named)) return line;
  }
  const report = await output(path, ["troubleshoot"]);
  const executable = report === null
    ? undefined
    : /^sys\.executable:\s*\n\s*(\S+)/m.exec(report)?.[1];
  return executable !== undefined && isPythonName(executable) ? [executable] : null;
}

/**
 * Whether `jupyter <sub>` would run. Jupyter dispatches a subcommand to an executable
 * `jupyter-<sub>`, looked up first next to `jupyter` itself, then on PATH; so does this.
 */
export async function hasSubcommand(jupyter: string, sub: string): Promise<boolean> {
  const dir = jupyter.includes("/") ? jupyter.slice(0, jupyter.lastIndexOf("/")) : "";
  if (dir !== "" && await isExecutable(`${dir}/jupyter-${sub}`)) return true;
  return (await which(`jupyter-${sub}`)) !== null;
}

async function output(cmd: string, args: string[]): Promise<string | null> {
  try {
    const { success, stdout } = await new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return success ? new TextDecoder().decode(stdout) : null;
  } catch {
    return null;
  }
}

function toKernelspec(name: string, resourceDir: string, spec: Record<string, unknown>) {
  return {
    name,
    resourceDir,
    argv: Array.isArray(spec.argv) ? spec.argv.map(String) : [],
    language: typeof spec.language === "string" ? spec.language : "",
    displayName: typeof spec.display_name === "string" ? spec.display_name : name,
  };
}

/**
 * The kernelspecs `jupyter` can see, by name. Asks `jupyter kernelspec list --json`; where that
 * subcommand is missing (Debian ships it in a separate package), reads `kernels/<name>/kernel.json`
 * in each data folder that `jupyter --paths --json` names, first folder winning as in Jupyter.
 */
export async function listKernelspecs(jupyter: string): Promise<Record<string, Kernelspec>> {
  const result: Record<string, Kernelspec> = {};
  if (await hasSubcommand(jupyter, "kernelspec")) {
    try {
      const text = await output(jupyter, ["kernelspec", "list", "--json"]);
      const specs = JSON.parse(text ?? "").kernelspecs as Record<
        string,
        { resource_dir: string; spec: Record<string, unknown> }
      >;
      for (const [name, { resource_dir, spec }] of Object.entries(specs)) {
        result[name] = toKernelspec(name, resource_dir, spec);
      }
      return result;
    } catch {
      // no usable answer: read the kernel folders instead
    }
  }
  let dataDirs: string[];
  try {
    dataDirs = JSON.parse(await output(jupyter, ["--paths", "--json"]) ?? "").data ?? [];
  } catch {
    return result;
  }
  for (const dataDir of dataDirs) {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(`${dataDir}/kernels`));
    } catch {
      continue;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const name = entry.name.toLowerCase();
      if (!entry.isDirectory || name in result) continue;
      const resourceDir = `${dataDir}/kernels/${entry.name}`;
      try {
        const spec = JSON.parse(await Deno.readTextFile(`${resourceDir}/kernel.json`));
        result[name] = toKernelspec(name, resourceDir, spec);
      } catch {
        // a folder without a readable kernel.json is not a kernel; Jupyter skips it too
      }
    }
  }
  return result;
}
