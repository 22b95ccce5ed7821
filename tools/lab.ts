/**
 * `deno task lab`: open the lessons in Jupyter with the Deno kernel.
 *
 * Installs the Deno kernelspec when Jupyter does not list one (or lists one whose `deno` is gone),
 * then starts JupyterLab on notebooks/ if it is installed, else the classic Notebook. Arguments
 * are passed on to Jupyter (e.g. `deno task lab --no-browser --port 8899`). Without Jupyter it
 * prints how to install it and exits non-zero.
 *
 * @module
 */

import {
  APT_INSTALL,
  findJupyter,
  hasSubcommand,
  isExecutable,
  listKernelspecs,
  PIP_INSTALL,
} from "./jupyter.ts";

/** What is installed, as {@link planLab} needs to know it. */
export interface LabSituation {
  /** The `jupyter` command, or `null` when Jupyter is not installed. */
  jupyter: string | null;
  /** Whether `jupyter lab` is available. */
  hasLab: boolean;
  /** Whether `jupyter notebook` (the classic Notebook) is available. */
  hasNotebook: boolean;
  /** The Deno kernelspec Jupyter lists, or `null`; `argv0Works` says its `deno` still exists. */
  denoKernel: { argv0: string; argv0Works: boolean } | null;
  /** The `deno` to install the kernel with. */
  deno: string;
  /** The folder to open. */
  notebookDir: string;
  /** Extra arguments for Jupyter. */
  extraArgs: string[];
  /** Whether this runs as root, which Jupyter refuses without `--allow-root`. */
  root: boolean;
}

/** What {@link planLab} decided: commands to run in order, or why it cannot. */
export type LabPlan =
  | { ok: true; ui: "JupyterLab" | "Jupyter Notebook"; commands: string[][] }
  | { ok: false; message: string };

/** How to install Jupyter, for the error message. */
export const INSTALL_HELP = [
  "Install Jupyter, then run `deno task lab` again:",
  "",
  "  Debian/Ubuntu:",
  `    ${APT_INSTALL}`,
  "  Any system with Python 3 (installs JupyterLab):",
  `    ${PIP_INSTALL}`,
  "",
  "If Jupyter lives elsewhere, point JUPYTER at its `jupyter` command.",
].join("\n");

/**
 * Decides how to open the notebooks: a pure function of what is installed.
 *
 * @param s What is installed and what to open.
 * @returns The commands to run (kernel install if needed, then the server), or an error message.
 */
export function planLab(s: LabSituation): LabPlan {
  if (s.jupyter === null) {
    return { ok: false, message: `Jupyter is not installed.\n\n${INSTALL_HELP}` };
  }
  if (!s.hasLab && !s.hasNotebook) {
    return {
      ok: false,
      message: `${s.jupyter} has neither JupyterLab nor the classic Notebook.\n\n${INSTALL_HELP}`,
    };
  }
  const commands: string[][] = [];
  if (s.denoKernel === null) commands.push([s.deno, "jupyter", "--install"]);
  else if (!s.denoKernel.argv0Works) commands.push([s.deno, "jupyter", "--install", "--force"]);
  const ui = s.hasLab ? "JupyterLab" : "Jupyter Notebook";
  const args = [s.notebookDir, ...s.extraArgs];
  if (s.root && !s.extraArgs.includes("--allow-root")) args.push("--allow-root");
  commands.push([s.jupyter, s.hasLab ? "lab" : "notebook", ...args]);
  return { ok: true, ui, commands };
}

/** Looks at this machine and fills in a {@link LabSituation}. */
export async function inspectMachine(notebookDir: string, extraArgs: string[]) {
  const jupyter = await findJupyter();
  let denoKernel: LabSituation["denoKernel"] = null;
  if (jupyter !== null) {
    const spec = (await listKernelspecs(jupyter)).deno;
    if (spec !== undefined) {
      const argv0 = spec.argv[0] ?? "";
      denoKernel = { argv0, argv0Works: await isExecutable(argv0) };
    }
  }
  return {
    jupyter,
    hasLab: jupyter !== null && await hasSubcommand(jupyter, "lab"),
    hasNotebook: jupyter !== null && await hasSubcommand(jupyter, "notebook"),
    denoKernel,
    deno: Deno.execPath(),
    notebookDir,
    extraArgs,
    root: Deno.uid() === 0,
  } satisfies LabSituation;
}

async function main(args: string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(
      "Usage: deno task lab [JUPYTER ARGS...]\n\n" +
        "Opens notebooks/ in JupyterLab (or the classic Notebook) with the Deno kernel,\n" +
        "installing the kernel first if Jupyter lacks it. Other arguments go to Jupyter,\n" +
        "e.g. `deno task lab --no-browser --port 8899`.",
    );
    return 0;
  }
  const notebookDir = new URL("../notebooks", import.meta.url).pathname;
  await Deno.mkdir(notebookDir, { recursive: true });
  const plan = planLab(await inspectMachine(notebookDir, args));
  if (!plan.ok) {
    console.error(plan.message);
    return 1;
  }
  // Ctrl-C belongs to Jupyter (it asks before shutting down); this process waits for it to exit
  Deno.addSignalListener("SIGINT", () => {});
  for (const [i, [cmd, ...rest]] of plan.commands.entries()) {
    if (i === plan.commands.length - 1) {
      console.log(`Opening ${notebookDir} in ${plan.ui}. Press Ctrl-C twice to stop.`);
    } else {
      console.log(`Installing the Deno kernel for Jupyter: ${[cmd, ...rest].join(" ")}`);
    }
    const child = new Deno.Command(cmd, {
      args: rest,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    // a SIGTERM for this process (a supervisor stopping it) stops Jupyter too
    const stop = () => child.kill("SIGTERM");
    Deno.addSignalListener("SIGTERM", stop);
    const { code } = await child.status;
    Deno.removeSignalListener("SIGTERM", stop);
    if (code !== 0) return code;
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
