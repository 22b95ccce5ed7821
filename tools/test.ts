/**
 * `deno task test`: every check the project has, in one command.
 *
 * Runs, in order, and reports each:
 *
 * 1. `deno fmt --check` (notebooks aside: tests/notebooks_test.ts checks their formatting)
 * 2. `deno lint`
 * 3. `deno check --doc` of lib/, tests/, tools/ (and bench/ when present): `--doc` type-checks
 *    the JSDoc examples too (only lib/ has any)
 * 4. `deno doc --lint lib/mod.ts`
 * 5. one `deno test --frozen -A --parallel tests/` (the notebooks run through
 *    tests/notebooks_test.ts; each notebook is executed once for the whole step and shared with
 *    the exercise, build and browser tests, see tools/executed.ts). The JSDoc examples of lib/ run
 *    in tests/doc_examples_test.ts, one test each under Deno's names, all in one isolate: not
 *    with `--doc`, which starts an isolate per example (≈0.3 s of CPU each;
 *    `deno test --doc lib/` still runs them that way)
 *
 * and ends with one line, `N passed, N failed`, counting each of steps 1–4 as one test plus the
 * tests `deno test` reported. Arguments are passed on to `deno test` (e.g. `--filter adam`).
 * Exits non-zero when anything failed.
 *
 * From the start, while steps 1–5 run, every lesson is executed into step 5's fresh cache folder,
 * two at a time (one per core), largest notebook first ({@link executeLessons}). The notebook,
 * exercise and JupyterLab tests each walk every lesson in the same order; left to themselves they
 * would wait on one lesson's execution after another with one core idle. A test reaching a lesson
 * still running waits for that run (tools/executed.ts locks it); one reaching a lesson not yet
 * started runs it itself, once. Whether a lesson passed is still decided by the tests, which read
 * these runs (a failed run is not cached, so the tests run it again and report its error); the
 * summary shows how many lessons ran ahead and how long it took.
 * With arguments for `deno test` (a `--filter`), nothing is executed ahead.
 *
 * Every notebook the run executes, ahead or in a test, goes to one notebook server started here
 * (`tools/deno_execute.py --serve`, see `startNotebookServer` in tools/notebook.ts, named to the
 * tests by `$BG_NOTEBOOK_SERVER`), which saves starting Python and importing nbclient per
 * notebook. Without Jupyter the run goes on without it, and the notebook tests say what is missing.
 *
 * @module
 */

import { CACHE_ENV, executedNotebook } from "./executed.ts";
import { listNotebooks, type NotebookServer, SERVER_ENV, startNotebookServer } from "./notebook.ts";

/** The counts on `deno test`'s closing line. */
export interface DenoTestSummary {
  /** Tests that passed (top-level tests; steps are not counted). */
  passed: number;
  /** Tests that failed. */
  failed: number;
  /** Tests marked `ignore`. */
  ignored: number;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Reads `deno test`'s closing summary, such as `ok | 32 passed (90 steps) | 0 failed (1s)` or
 * `FAILED | 1 passed | 2 failed | 1 ignored (5ms)`, from its output (colours allowed). The last
 * such line wins.
 *
 * @param output Everything `deno test` printed.
 * @returns The counts, or `null` when no summary line is found.
 */
export function parseDenoTestSummary(output: string): DenoTestSummary | null {
  const lines = output.replace(ANSI, "").split(/\r?\n/).reverse();
  for (const line of lines) {
    const m = /^(?:ok|FAILED) \| (\d+) passed(?: \([^)]*\))? \| (\d+) failed(?: \([^)]*\))?(.*)$/
      .exec(line.trim());
    if (m) {
      const ignored = /\| (\d+) ignored/.exec(m[3]);
      return {
        passed: Number(m[1]),
        failed: Number(m[2]),
        ignored: ignored ? Number(ignored[1]) : 0,
      };
    }
  }
  return null;
}

/** One line of the final report. */
export interface StepResult {
  /** Short name, e.g. `"fmt"`. */
  name: string;
  /** Tests that passed in this step. */
  passed: number;
  /** Tests that failed in this step. */
  failed: number;
  /** Tests skipped in this step. */
  skipped: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** What went wrong, when something did. */
  note?: string;
}

/**
 * The closing line: `N passed, N failed`, with `, N skipped` when some were.
 *
 * @param steps The results of every step that ran.
 * @returns One line, without a newline.
 */
export function totalLine(steps: StepResult[]): string {
  const sum = (key: "passed" | "failed" | "skipped") => steps.reduce((s, r) => s + r[key], 0);
  const skipped = sum("skipped");
  return `${sum("passed")} passed, ${sum("failed")} failed` +
    (skipped > 0 ? `, ${skipped} skipped` : "");
}

const encoder = new TextEncoder();

function say(text: string): void {
  Deno.stdout.writeSync(encoder.encode(text + "\n"));
}

/** Runs a command with its output streamed through; also returns what it printed. */
async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    // colour codes help on a terminal and clutter a CI log
    env: { ...(Deno.stdout.isTerminal() ? {} : { NO_COLOR: "1" }), ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const chunks: string[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>, sink: typeof Deno.stdout) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      await sink.write(chunk);
      chunks.push(decoder.decode(chunk, { stream: true }));
    }
  };
  const [status] = await Promise.all([
    child.status,
    pump(child.stdout, Deno.stdout),
    pump(child.stderr, Deno.stderr),
  ]);
  return { code: status.code, output: chunks.join("") };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function checkStep(name: string, args: string[]): Promise<StepResult> {
  say(`\n━━ ${name}: deno ${args.join(" ")}`);
  const started = performance.now();
  const { code } = await run(args);
  const seconds = (performance.now() - started) / 1000;
  const ok = code === 0;
  return {
    name,
    passed: ok ? 1 : 0,
    failed: ok ? 0 : 1,
    skipped: 0,
    seconds,
    note: ok ? undefined : `exit code ${code}`,
  };
}

/** What {@link executeLessons} did. */
export interface LessonsRun {
  /** Lessons executed. */
  executed: number;
  /** Of those, the runs that failed (left for the tests to run again and report). */
  failed: string[];
  /** Wall-clock seconds. */
  seconds: number;
}

/**
 * Orders work for `workers` parallel workers that take the next item when free: largest first
 * (the longest-processing-time rule), so the last item started is a small one and no worker
 * waits long on the other at the end.
 *
 * @param items The items, with their expected cost (any unit; e.g. file size).
 * @returns The items, costliest first; ties keep their order.
 */
export function largestFirst<T>(items: { item: T; cost: number }[]): T[] {
  return items.map((x, i) => ({ ...x, i }))
    .sort((a, b) => b.cost - a.cost || a.i - b.i)
    .map((x) => x.item);
}

/**
 * Executes every lesson in `dir` into `cacheDir` (tools/executed.ts, with the default variant:
 * the exercise proofs), `workers` at a time, largest notebook first.
 *
 * @param dir The lessons' folder.
 * @param cacheDir The test run's cache folder.
 * @param workers How many lessons run at once.
 */
export async function executeLessons(
  dir: string,
  cacheDir: string,
  workers: number,
): Promise<LessonsRun> {
  const started = performance.now();
  const paths = await listNotebooks(dir);
  const sized = await Promise.all(
    paths.map(async (item) => ({ item, cost: (await Deno.stat(item)).size })),
  );
  const queue = largestFirst(sized);
  const failed: string[] = [];
  const worker = async () => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      const result = await executedNotebook(path, { cacheDir });
      if (!result.ok) failed.push(path.slice(path.lastIndexOf("/") + 1));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  return { executed: paths.length, failed, seconds: (performance.now() - started) / 1000 };
}

async function testStep(
  extra: string[],
  cache: string,
  lessons: Promise<LessonsRun> | null,
): Promise<StepResult> {
  // --parallel: one test module per CPU at a time; notebooks that two modules need at once run
  // once (tools/executed.ts locks them)
  // no --doc: tests/doc_examples_test.ts runs lib/'s JSDoc examples in one isolate
  const args = ["test", "--frozen", "-A", "--parallel", ...extra, "tests/"];
  say(`\n━━ test: deno ${args.join(" ")}`);
  const started = performance.now();
  // the lessons still running ahead finish under their locks; a test needing one waits for it
  const { code, output } = await run(args, { [CACHE_ENV]: cache });
  const ran = await lessons;
  const seconds = (performance.now() - started) / 1000;
  const summary = parseDenoTestSummary(output);
  const ahead = ran
    ? `${ran.executed} lessons executed ahead in ${ran.seconds.toFixed(1)} s` +
      (ran.failed.length ? `, failed: ${ran.failed.join(", ")}` : "")
    : undefined;
  if (summary === null) {
    return {
      name: "test",
      passed: 0,
      failed: 1,
      skipped: 0,
      seconds,
      note: `no summary line found in deno test's output (exit code ${code})`,
    };
  }
  // a non-zero exit with no failed test (an uncaught error, a leak) still fails the run
  const extraFailure = code !== 0 && summary.failed === 0 ? 1 : 0;
  return {
    name: "test",
    passed: summary.passed,
    failed: summary.failed + extraFailure,
    skipped: summary.ignored,
    seconds,
    note: extraFailure ? `deno test exited with code ${code} after reporting no failure` : ahead,
  };
}

async function main(extra: string[]): Promise<number> {
  const root = new URL("..", import.meta.url);
  Deno.chdir(root);
  const checked = ["lib/", "tests/", "tools/"];
  if (await exists("bench")) checked.push("bench/");
  const steps: StepResult[] = [];
  // one folder of executed notebooks for this run: the notebook, exercise, build and browser
  // tests share each lesson's one execution (tools/executed.ts), and nothing comes from an
  // earlier run
  const cache = await Deno.makeTempDir({ prefix: "bg-executed-" });
  let lessons: Promise<LessonsRun> | null = null;
  // one Python with nbclient runs every notebook of the run, the lessons ahead and the tests'
  // (tools/deno_execute.py --serve): each run then skips starting Python and importing nbclient
  let server: NotebookServer | null = null;
  try {
    server = await startNotebookServer();
    Deno.env.set(SERVER_ENV, server.socket);
  } catch (err) {
    say(`(notebooks run without a shared server: ${err instanceof Error ? err.message : err})`);
  }
  try {
    // the lessons start executing now, two at a time, while the checks below and then the
    // tests run (see the module documentation); with a --filter, only what the tests need runs
    lessons = extra.length === 0
      ? executeLessons("notebooks", cache, Math.min(2, navigator.hardwareConcurrency || 1))
        .catch((err): LessonsRun => ({ executed: 0, failed: [String(err)], seconds: 0 }))
      : null;
    // notebooks are compared with `deno fmt`'s output in tests/notebooks_test.ts instead: Deno
    // 2.9's `deno fmt --check` flags notebook cells without a trailing newline that `deno fmt`
    // keeps as is
    steps.push(await checkStep("fmt", ["fmt", "--check", "--ignore=**/*.ipynb"]));
    steps.push(await checkStep("lint", ["lint"]));
    steps.push(await checkStep("check", ["check", "--frozen", "--doc", ...checked]));
    steps.push(await checkStep("doc-lint", ["doc", "--lint", "lib/mod.ts"]));
    steps.push(await testStep(extra, cache, lessons));
  } finally {
    await lessons;
    await server?.close();
    await Deno.remove(cache, { recursive: true });
  }

  say("\n━━ summary");
  for (const s of steps) {
    const status = s.failed > 0 ? "FAILED" : "ok";
    const counts = s.name === "test"
      ? `  ${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ""}`
      : "";
    const note = s.note ? `  (${s.note})` : "";
    say(
      `${status.padEnd(6)} ${s.name.padEnd(9)} ${
        s.seconds.toFixed(1).padStart(6)
      } s${counts}${note}`,
    );
  }
  const line = totalLine(steps);
  say(line);
  return steps.some((s) => s.failed > 0) ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
