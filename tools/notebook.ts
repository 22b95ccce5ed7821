/**
 * Run a Deno notebook headlessly and say whether every cell succeeded.
 *
 * Used by `tests/notebooks_test.ts` (one test per lesson), by the site build, and by instructors:
 *
 * ```sh
 * deno task nb notebooks/05_momentum.ipynb   # one notebook
 * deno task nb                                # every notebook in notebooks/
 * deno task nb --clean notebooks/05_momentum.ipynb   # clear outputs and format, for committing
 * deno task nb --save notebooks/05_momentum.ipynb    # also keep the executed notebook, with its
 *                                                   # outputs: notebooks/05_momentum.nbconvert.ipynb
 * ```
 *
 * A notebook runs on nbclient, the library under `jupyter nbconvert --execute`, with the kernel its
 * metadata names, in the notebook's own folder, so its imports resolve exactly as they do in
 * JupyterLab (`tools/deno_execute.py`, started with the Python that runs `jupyter`). Execution
 * stops at the first failing cell, except in a cell tagged `raises-exception`, which must throw. A
 * run counts as failed when the runner exits non-zero (a cell threw, a cell timed out, the kernel
 * is missing or died) or when the executed notebook still holds an `error` output or a cell whose
 * value is a rejected Promise (a forgotten `await`).
 *
 * @module
 */

import {
  APT_INSTALL,
  findJupyter,
  isExecutable,
  jupyterPython,
  PIP_INSTALL,
  which,
} from "./jupyter.ts";

/** One output of a code cell, as nbformat 4 stores it. */
export interface NotebookOutput {
  /** `"stream"`, `"execute_result"`, `"display_data"` or `"error"`. */
  output_type: string;
  /** For streams: `"stdout"` or `"stderr"`. */
  name?: string;
  /** For streams: the text, whole or split into lines. */
  text?: string | string[];
  /** For results and displays: one entry per MIME type. */
  data?: Record<string, unknown>;
  /** For errors: the exception's name. */
  ename?: string;
  /** For errors: the exception's message. */
  evalue?: string;
  /** For errors: the traceback lines. */
  traceback?: string[];
  [key: string]: unknown;
}

/** One cell, as nbformat 4 stores it. */
export interface NotebookCell {
  /** `"code"`, `"markdown"` or `"raw"`. */
  cell_type: string;
  /** The cell's text, whole or split into lines. */
  source: string | string[];
  /** For code cells: the outputs. */
  outputs?: NotebookOutput[];
  /** For code cells: the execution count, `null` when not run. */
  execution_count?: number | null;
  [key: string]: unknown;
}

/** An nbformat 4 notebook. */
export interface Notebook {
  /** The cells in order. */
  cells: NotebookCell[];
  /** Notebook metadata; `kernelspec` names the kernel. */
  metadata: {
    kernelspec?: { name?: string; language?: string; display_name?: string };
    [key: string]: unknown;
  };
  /** Major format version (4). */
  nbformat: number;
  /** Minor format version. */
  nbformat_minor: number;
}

/** What went wrong in a run. */
export interface NotebookError {
  /**
   * - `cell`: a cell threw (the run stopped there);
   * - `error-output`: the executed notebook holds an `error` output;
   * - `rejected-promise`: a cell's value is a rejected Promise (missing `await`);
   * - `no-exception`: a cell tagged `raises-exception` raised nothing;
   * - `timeout`: a cell ran longer than the timeout;
   * - `kernel`: the notebook's kernel is not installed;
   * - `jupyter`: Jupyter itself (nbclient, the kernel manager) failed or is missing.
   */
  kind:
    | "cell"
    | "error-output"
    | "rejected-promise"
    | "no-exception"
    | "timeout"
    | "kernel"
    | "jupyter";
  /** 1-based position of the cell in the notebook, counting markdown cells; `null` if unknown. */
  cell: number | null;
  /** The error as a reader should see it: the cell's error text, or Jupyter's complaint. */
  message: string;
  /**
   * When the cell belongs to an exercise (`metadata.exercise`, see tools/exercises.ts): its id
   * and the cell's role, e.g. `"05.2 check"`.
   */
  exercise?: string;
}

/** The outputs one executed code cell produced. */
export interface CellOutputs {
  /** 1-based position of the cell in the notebook, counting markdown cells. */
  cell: number;
  /** The cell's source. */
  source: string;
  /** Its outputs in order. */
  outputs: NotebookOutput[];
}

/** The outcome of {@link executeNotebook}. */
export interface NotebookResult {
  /** The notebook that ran. */
  path: string;
  /** True when every cell ran and no error was found. */
  ok: boolean;
  /** What went wrong; empty when `ok`. */
  errors: NotebookError[];
  /** Outputs of each code cell; empty when execution stopped at an error. */
  outputs: CellOutputs[];
  /** Wall-clock seconds the run took. */
  seconds: number;
  /** The executed notebook (with outputs); `null` when execution stopped at an error. */
  executed: Notebook | null;
}

/** Options for {@link executeNotebook}. */
export interface ExecuteOptions {
  /**
   * Seconds one cell may run before the run fails (rounded up to whole seconds, nbclient's unit).
   * @default {120}
   */
  timeoutSeconds?: number;
  /**
   * The `jupyter` command. Found with `findJupyter()` when omitted: `$JUPYTER`, `/usr/bin/jupyter`,
   * then PATH.
   */
  jupyter?: string;
  /**
   * The socket of a notebook server ({@link startNotebookServer}) to run on, or `null` for a
   * Python of the run's own. When omitted: the server {@link SERVER_ENV} names, if any, unless
   * `jupyter` is given.
   */
  server?: string | null;
}

/** This folder, which holds `deno_execute.py` (the script that runs a notebook with nbclient). */
const TOOLS_DIR = decodeURIComponent(new URL(".", import.meta.url).pathname).replace(/\/$/, "");

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** `text` without terminal colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** A cell's or output's multiline text as one string. */
export function joinText(text: string | string[] | undefined): string {
  return Array.isArray(text) ? text.join("") : text ?? "";
}

/**
 * `"05.2 check"` for a cell of an exercise, `"05.2 proof (forgets …)"` for a cell the proof
 * variant added (tools/exercises.ts), `undefined` for any other cell.
 */
function exerciseLabel(cell: NotebookCell | undefined): string | undefined {
  const metadata = cell?.metadata as
    | Record<string, { id?: unknown; role?: unknown; mistake?: unknown }>
    | undefined;
  const proof = metadata?.exercise_proof;
  if (typeof proof?.id === "string") {
    return `${proof.id} proof${typeof proof.mistake === "string" ? ` (${proof.mistake})` : ""}`;
  }
  const meta = metadata?.exercise;
  if (typeof meta?.id !== "string") return undefined;
  return typeof meta.role === "string" ? `${meta.id} ${meta.role}` : meta.id;
}

/** `error` located at `cell` (1-based), labelled by the exercise the cell belongs to. */
function located(nb: Notebook | null, error: NotebookError): NotebookError {
  const label = error.cell === null ? undefined : exerciseLabel(nb?.cells[error.cell - 1]);
  return label === undefined ? error : { ...error, exercise: label };
}

/**
 * nbclient's text of a failed cell is the traceback followed by `ename: evalue`, which repeats
 * the traceback's first line when the traceback holds no more than the message: say it once.
 */
function withoutRepeatedLastLine(text: string): string {
  const lines = text.split("\n");
  if (lines.length >= 2 && lines.at(-1)!.trim() === lines[0].trim()) lines.pop();
  return lines.join("\n").trim();
}

function cellIndexOfSource(nb: Notebook | null, source: string): number | null {
  if (nb === null) return null;
  const wanted = source.trim();
  const index = nb.cells.findIndex((c) =>
    c.cell_type === "code" && joinText(c.source).trim() === wanted
  );
  return index < 0 ? null : index + 1;
}

/**
 * The errors a run of `deno_execute.py` reported on stderr when it exited non-zero.
 *
 * Recognises nbclient's `CellExecutionError` (a cell threw: the message is the cell's error text),
 * `CellTimeoutError`, `NoSuchKernel`, and otherwise reports the last line Jupyter printed.
 *
 * @param stderr What the run wrote to stderr.
 * @param nb The notebook that ran, used to find which cell failed; `null` if unknown.
 * @returns At least one error.
 */
export function parseRunFailure(stderr: string, nb: Notebook | null): NotebookError[] {
  const text = stripAnsi(stderr).replaceAll("\r\n", "\n");
  const cellError = text.indexOf("CellExecutionError: An error occurred while executing");
  if (cellError >= 0) {
    const block = text.slice(cellError);
    const match = /\n-{18}\n([\s\S]*?)\n-{18}\n([\s\S]*)$/.exec(block);
    if (match) {
      const cell = cellIndexOfSource(nb, match[1]);
      return [
        located(nb, { kind: "cell", cell, message: withoutRepeatedLastLine(match[2].trim()) }),
      ];
    }
    return [{ kind: "cell", cell: null, message: block.trim() }];
  }
  const timeout = /A cell timed out while it was being executed, after (\S+) seconds/.exec(text);
  if (timeout) {
    const source = /\n-{19}\n([\s\S]*?)\n-{19}\n/.exec(text.slice(timeout.index));
    return [{
      kind: "timeout",
      cell: source ? cellIndexOfSource(nb, source[1]) : null,
      message: `the cell was still running after ${timeout[1]} s`,
    }];
  }
  const noKernel = /NoSuchKernel: No such kernel named (\S+)/.exec(text);
  if (noKernel) {
    const hint = noKernel[1] === "deno" ? " (install it with `deno jupyter --install`)" : "";
    return [{
      kind: "kernel",
      cell: null,
      message: `no Jupyter kernel named "${noKernel[1]}" is installed${hint}`,
    }];
  }
  const lines = text.split("\n").map((l) => l.trimEnd()).filter((l) =>
    l.trim() !== "" && !l.includes('"deno jupyter" is unstable')
  );
  // the error's last line, and when that alone says little (a bare exception name), the lines
  // before it: the end of the traceback, which says where it came from
  const last = lines.at(-1)?.trim();
  const terse = last !== undefined && /^[\w.]+(Error|Exception)?:?$/.test(last);
  return [{
    kind: "jupyter",
    cell: null,
    message: last === undefined
      ? "the notebook runner failed without saying why"
      : terse
      ? lines.slice(-8).join("\n")
      : last,
  }];
}

/** The tag that marks a cell expected to throw (nbclient's convention): its error is shown, and
 * execution goes on. */
export const RAISES_EXCEPTION = "raises-exception";

function expectsException(cell: NotebookCell): boolean {
  const tags = (cell.metadata as { tags?: unknown } | undefined)?.tags;
  return Array.isArray(tags) && tags.includes(RAISES_EXCEPTION);
}

/**
 * The errors left in an executed notebook: every `error` output, and every cell whose value is a
 * rejected Promise (its failure would otherwise show only as printed text). A cell tagged
 * `raises-exception` is the other way round: its error output is expected, and it is a failure
 * when it has none.
 *
 * @param nb An executed notebook.
 * @returns One entry per problem, in cell order; empty when there is none.
 */
export function findOutputErrors(nb: Notebook): NotebookError[] {
  const errors: NotebookError[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const expected = expectsException(cell);
    let raised = false;
    for (const out of cell.outputs ?? []) {
      if (out.output_type === "error") {
        raised = true;
        if (expected) continue;
        const traceback = stripAnsi((out.traceback ?? []).join("\n")).trim();
        errors.push(located(nb, {
          kind: "error-output",
          cell: i + 1,
          message: traceback !== "" ? traceback : `${out.ename ?? "Error"}: ${out.evalue ?? ""}`,
        }));
      } else if (out.output_type === "execute_result") {
        const plain = stripAnsi(joinText(out.data?.["text/plain"] as string | string[]));
        if (/^Promise \{\s*<rejected>/.test(plain)) {
          raised = true;
          errors.push({
            kind: "rejected-promise",
            cell: i + 1,
            message: `the cell's value is a rejected Promise (missing \`await\`?):\n${plain}`,
          });
        }
      }
    }
    if (expected && !raised) {
      errors.push({
        kind: "no-exception",
        cell: i + 1,
        message: `the cell is tagged "${RAISES_EXCEPTION}" but raised no error`,
      });
    }
  });
  return errors;
}

/**
 * What is wrong with a notebook as committed: outputs not cleared, execution counts set, or a
 * kernel other than Deno's.
 *
 * @param nb A notebook as read from disk.
 * @returns One sentence per problem; empty when the notebook is clean.
 */
export function checkCommittedNotebook(nb: Notebook): string[] {
  const problems: string[] = [];
  const spec = nb.metadata?.kernelspec;
  if (spec?.name !== "deno" || spec?.language !== "typescript") {
    problems.push(
      `kernelspec must be {"name": "deno", "language": "typescript"}, got ${
        JSON.stringify(spec ?? null)
      }`,
    );
  }
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    if ((cell.outputs ?? []).length > 0) problems.push(`cell ${i + 1} has outputs`);
    if (cell.execution_count !== null && cell.execution_count !== undefined) {
      problems.push(`cell ${i + 1} has execution_count ${cell.execution_count}`);
    }
  });
  return problems;
}

/**
 * The notebook text as `deno fmt` would write it: code cells formatted as TypeScript and markdown
 * cells as markdown (when `metadata.language_info.name` is `typescript`), with the repository's
 * `deno.json` settings.
 *
 * `deno fmt --check` is not used for notebooks: Deno 2.9 reports a cell without a trailing newline
 * as unformatted even though `deno fmt` leaves the file unchanged (its cache hides this on the
 * machine where `deno fmt` last ran, so only a fresh clone fails). Comparing with this output has
 * neither problem.
 *
 * @param text The notebook's JSON text.
 * @param cwd Folder whose `deno.json` applies (the repository root).
 * @returns The formatted text.
 */
export async function formatNotebookText(text: string, cwd: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "ipynb", "-"],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  if (!success) {
    throw new Error(`deno fmt could not format the notebook: ${new TextDecoder().decode(stderr)}`);
  }
  return new TextDecoder().decode(stdout);
}

/**
 * The lesson notebooks in `dir`, sorted by name (checkpoints, nbconvert copies and hidden files
 * such as the exercise proof variants of tools/exercises.ts left out).
 */
export async function listNotebooks(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (
        entry.isFile && entry.name.endsWith(".ipynb") && !entry.name.endsWith(".nbconvert.ipynb") &&
        !entry.name.startsWith(".")
      ) names.push(entry.name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return names.sort().map((name) => `${dir.replace(/\/+$/, "")}/${name}`);
}

/**
 * Run every cell of a notebook headlessly, as `jupyter nbconvert --execute` would, and collect what
 * went wrong.
 *
 * @param path The `.ipynb` file.
 * @param options Timeout per cell and which `jupyter` to use.
 * @returns `ok`, the errors, each code cell's outputs and the time taken. It rejects only when
 *   `path` cannot be read as a notebook; every failure of the run itself is reported in `errors`.
 */
export async function executeNotebook(
  path: string,
  options: ExecuteOptions = {},
): Promise<NotebookResult> {
  const timeout = options.timeoutSeconds ?? 120;
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new RangeError(
      `\`timeoutSeconds\` must be a finite number > 0, got ${options.timeoutSeconds}`,
    );
  }
  const started = performance.now();
  const source = JSON.parse(await Deno.readTextFile(path)) as Notebook;
  const seconds = () => (performance.now() - started) / 1000;
  const failed = (errors: NotebookError[]): NotebookResult => ({
    path,
    ok: false,
    errors,
    outputs: [],
    seconds: seconds(),
    executed: null,
  });

  const server = options.server !== undefined
    ? options.server
    : options.jupyter === undefined
    ? Deno.env.get(SERVER_ENV)
    : undefined;
  let python: string[] = [];
  if (!server) {
    const found = await runnerPython(options.jupyter);
    if ("error" in found) return failed([found.error]);
    python = found.python;
  }

  const outDir = await Deno.makeTempDir({ prefix: "bg-notebook-" });
  try {
    const output = `${outDir}/executed.ipynb`;
    // absolute: a server resolves a relative path against its own working folder, not ours
    const notebook = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
    const request = { notebook, output, timeout: Math.ceil(timeout) };
    let run: { ok: boolean; stderr: string };
    try {
      // nbclient, as `jupyter nbconvert --execute` runs it, but without starting nbconvert, and
      // keeping the stdout/stderr that Deno's kernel publishes just after a cell went idle (see
      // tools/deno_execute.py): on the test run's server, or in a Python of its own
      run = server ? await askServer(server, request) : await runScript(python, request);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      const fromEnv = options.server === undefined ? ` (named by $${SERVER_ENV})` : "";
      return failed([{
        kind: "jupyter",
        cell: null,
        message: server
          ? `the notebook server at ${server}${fromEnv} did not run the notebook: ${why}`
          : `could not start ${python.join(" ")}: ${why}`,
      }]);
    }
    if (!run.ok) {
      const missing = /ModuleNotFoundError: No module named '(nbclient|nbformat|jupyter_client)'/
        .exec(run.stderr);
      if (missing && !server) {
        return failed([{
          kind: "jupyter",
          cell: null,
          message: `${python.join(" ")} has no ${missing[1]}: it is the Python that ` +
            `${
              options.jupyter ?? "jupyter"
            } names, which the notebook runner starts; set $JUPYTER ` +
            `to the jupyter of a Python with nbclient (${PIP_INSTALL})`,
        }]);
      }
      return failed(parseRunFailure(run.stderr, source));
    }
    const executed = JSON.parse(await Deno.readTextFile(output)) as Notebook;
    const errors = findOutputErrors(executed);
    const outputs: CellOutputs[] = [];
    executed.cells.forEach((cell, i) => {
      if (cell.cell_type === "code") {
        outputs.push({ cell: i + 1, source: joinText(cell.source), outputs: cell.outputs ?? [] });
      }
    });
    return { path, ok: errors.length === 0, errors, outputs, seconds: seconds(), executed };
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
}

/** One run, as `deno_execute.py` takes it on its command line or as a server request. */
interface RunRequest {
  notebook: string;
  output: string;
  timeout: number;
}

/** The Python that runs `jupyter` (given, or found), or why there is none. */
async function runnerPython(
  given: string | undefined,
): Promise<{ python: string[] } | { error: NotebookError }> {
  const jupyter = given ?? await findJupyter();
  const error = (message: string) => ({ error: { kind: "jupyter" as const, cell: null, message } });
  if (jupyter === null) {
    return error(
      `Jupyter is not installed. Install it with\n  ${APT_INSTALL}\nor\n  ${PIP_INSTALL}`,
    );
  }
  const path = jupyter.includes("/")
    ? (await isExecutable(jupyter) ? jupyter : null)
    : await which(jupyter);
  if (path === null) return error(`could not start ${jupyter}: there is no executable file there`);
  const python = await jupyterPython(path);
  if (python === null) {
    return error(
      `cannot tell which Python runs ${jupyter}: its #! line names none, and ` +
        `\`${jupyter} troubleshoot\` printed no sys.executable; set $JUPYTER to the jupyter ` +
        `script of a Python that has nbclient`,
    );
  }
  return { python };
}

async function runScript(python: string[], request: RunRequest) {
  const run = await new Deno.Command(python[0], {
    args: [
      ...python.slice(1),
      `${TOOLS_DIR}/deno_execute.py`,
      `--timeout=${request.timeout}`,
      request.notebook,
      request.output,
    ],
    // NO_COLOR reaches the kernel: outputs and error texts come without terminal colours
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { ok: run.success, stderr: new TextDecoder().decode(run.stderr) };
}

async function askServer(socket: string, request: RunRequest) {
  const conn = await Deno.connect({ transport: "unix", path: socket });
  try {
    const bytes = new TextEncoder().encode(JSON.stringify(request) + "\n");
    for (let sent = 0; sent < bytes.length;) sent += await conn.write(bytes.subarray(sent));
  } catch (err) {
    conn.close();
    throw err;
  }
  // the server answers with one line and closes the connection (which closes `conn`)
  const text = await new Response(conn.readable).text();
  if (text.trim() === "") {
    throw new Error(
      "it closed the connection without an answer (it stopped or crashed during the run)",
    );
  }
  const answer = JSON.parse(text) as { ok?: unknown; stderr?: unknown } | null;
  if (typeof answer?.ok !== "boolean" || typeof answer.stderr !== "string") {
    throw new Error(`the server's answer is not {ok, stderr}: ${text.slice(0, 200)}`);
  }
  return { ok: answer.ok, stderr: answer.stderr };
}

/**
 * The environment variable naming the socket of a notebook server ({@link startNotebookServer})
 * that {@link executeNotebook} sends its runs to when no `jupyter` is given. `deno task test` sets
 * it for the whole test run.
 */
export const SERVER_ENV = "BG_NOTEBOOK_SERVER";

/** A running `deno_execute.py --serve`. */
export interface NotebookServer {
  /** Its Unix socket: the value for {@link SERVER_ENV}. */
  socket: string;
  /** Stops the server (it finishes no run still going) and removes its socket. */
  close(): Promise<void>;
}

/**
 * Starts one Python with nbclient that runs notebooks on request, several at once, so that a run
 * of many notebooks starts Python and imports nbclient once instead of once per notebook (about
 * 0.4 s of CPU each). Runs go to it when {@link SERVER_ENV} names its socket.
 *
 * @param options `jupyter`: whose Python to use (found as {@link executeNotebook} finds it when
 *   omitted).
 * @returns The server, listening.
 * @throws When Jupyter or its Python is missing, or the server does not start; the message says
 *   why.
 */
export async function startNotebookServer(
  options: { jupyter?: string } = {},
): Promise<NotebookServer> {
  const found = await runnerPython(options.jupyter);
  if ("error" in found) throw new Error(found.error.message);
  const dir = await Deno.makeTempDir({ prefix: "bg-nbserver-" });
  const socket = `${dir}/runs.sock`;
  // what the server and its kernels print (kernel warnings, nbclient's log) goes to a file, read
  // only if the server fails to start; the pipe carries what Python prints before it opens that
  // file (a missing module, say), and closes then, so no kernel holds it open
  const logFile = `${dir}/server.log`;
  const child = new Deno.Command(found.python[0], {
    args: [
      ...found.python.slice(1),
      `${TOOLS_DIR}/deno_execute.py`,
      "--serve",
      socket,
      "--log",
      logFile,
    ],
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let early = "";
  const logged = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      early = (early + chunk).slice(-20_000);
    }
  })();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const first = await lines.read();
  await lines.cancel();
  if (first.value?.trim() !== "ready") {
    try {
      child.kill();
    } catch {
      // already gone
    }
    await child.status;
    await logged;
    const log = await Deno.readTextFile(logFile).catch(() => "");
    await Deno.remove(dir, { recursive: true });
    throw new Error(
      `the notebook server (${found.python.join(" ")} ${TOOLS_DIR}/deno_execute.py) did not ` +
        `start:\n${(early + log).trim()}`,
    );
  }
  return {
    socket,
    async close() {
      await child.stdin.close();
      // SIGKILL: its SIGTERM handler only stops the accept loop, which may have stopped already
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      try {
        await child.status;
      } finally {
        clearTimeout(timer);
      }
      await logged;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A few lines telling a person how a run went, errors included. */
export function formatResult(result: NotebookResult): string {
  const head = `${result.ok ? "ok" : "FAILED"}  ${result.path}  (${result.seconds.toFixed(1)} s)`;
  const body = result.errors.map((e) => {
    const where = e.cell === null
      ? e.kind
      : e.exercise !== undefined
      ? `exercise ${e.exercise} (cell ${e.cell})`
      : `cell ${e.cell} (${e.kind})`;
    return `  ${where}:\n${e.message.split("\n").map((l) => `    ${l}`).join("\n")}`;
  });
  return [head, ...body].join("\n");
}

/**
 * A copy of `nb` as it should be committed: no outputs, no execution counts, and no per-cell
 * `execution` timing metadata (which `nbconvert --execute` records).
 *
 * @param nb A notebook, possibly executed.
 * @returns The cleaned copy; `nb` itself is left unchanged.
 */
export function cleanNotebook(nb: Notebook): Notebook {
  const copy = structuredClone(nb);
  for (const cell of copy.cells) {
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    const metadata = cell.metadata as Record<string, unknown> | undefined;
    if (metadata && "execution" in metadata) delete metadata.execution;
  }
  return copy;
}

/**
 * Where `deno task nb --save` writes a notebook's executed copy: beside it, `.ipynb` replaced by
 * `.nbconvert.ipynb` (nbconvert's own name for it, which git and the notebook list ignore).
 */
export function savedPath(path: string): string {
  return path.replace(/(\.ipynb)?$/i, ".nbconvert.ipynb");
}

const USAGE = `Usage:
  deno task nb [NOTEBOOK.ipynb | DIR]...          run headlessly, print failing cells' errors
  deno task nb --clean [NOTEBOOK.ipynb | DIR]...  clear outputs and counts, then deno fmt
  deno task nb --save [NOTEBOOK.ipynb | DIR]...   run, and write each executed notebook (with its
                                                  outputs) beside it as NAME.nbconvert.ipynb

With no notebook named, every notebook in notebooks/ is used. Running exits non-zero when a
notebook failed; a cell number counts all cells from 1, markdown included.`;

async function main(args: string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  const clean = args.includes("--clean");
  const save = args.includes("--save");
  if (clean && save) {
    console.error(`error: --clean and --save do opposite things; give one\n\n${USAGE}`);
    return 2;
  }
  const names = args.filter((a) => a !== "--clean" && a !== "--save");
  const unknown = names.find((a) => a.startsWith("-"));
  if (unknown !== undefined) {
    console.error(`error: unknown option ${unknown}\n\n${USAGE}`);
    return 2;
  }
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  // `deno task` runs in the repository root; INIT_CWD is where the command was typed
  const cwd = Deno.env.get("INIT_CWD") ?? Deno.cwd();
  const paths: string[] = [];
  for (const name of names.length > 0 ? names : [`${root}/notebooks`]) {
    const arg = name.startsWith("/") ? name : `${cwd}/${name}`;
    const info = await Deno.stat(arg).catch(() => null);
    if (info === null) {
      console.error(`error: ${name} does not exist`);
      return 2;
    }
    paths.push(...(info.isDirectory ? await listNotebooks(arg) : [arg]));
  }
  if (paths.length === 0) {
    console.error("error: no notebook found");
    return 2;
  }
  const shown = (path: string) => path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;

  if (clean) {
    for (const path of paths) {
      const before = await Deno.readTextFile(path);
      const cleaned = cleanNotebook(JSON.parse(before) as Notebook);
      const after = await formatNotebookText(JSON.stringify(cleaned, null, 1) + "\n", root);
      if (after !== before) await Deno.writeTextFile(path, after);
      console.log(`${after === before ? "already clean" : "cleaned"}  ${shown(path)}`);
    }
    return 0;
  }

  let failures = 0;
  for (const path of paths) {
    const result = await executeNotebook(path);
    console.log(formatResult({ ...result, path: shown(path) }));
    if (!result.ok) failures++;
    if (save) {
      if (result.executed === null) {
        console.log(`  not saved: the run stopped before the end`);
      } else {
        const out = savedPath(path);
        await Deno.writeTextFile(out, JSON.stringify(result.executed, null, 1) + "\n");
        console.log(`  saved with outputs: ${shown(out)}`);
      }
    }
  }
  if (paths.length > 1) console.log(`${paths.length - failures} passed, ${failures} failed`);
  return failures === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
