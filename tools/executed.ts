/**
 * Executed notebooks, run once and shared: by the notebook tests, the site build and the browser
 * tests within one test run, and by successive builds.
 *
 * {@link executedNotebook} runs a notebook with `executeNotebook` (tools/notebook.ts) unless a
 * cache folder already holds a successful run of the same content. The key is a SHA-256 over
 *
 * - the notebook file itself;
 * - every file under `lib/` (what `@better-gradients/lib` and its subpaths import);
 * - `deno.json` and `deno.lock` (the import map and the pinned npm packages);
 * - the runner (`tools/notebook.ts`, `tools/deno_execute.py`, this file, and `tools/exercises.ts`,
 *   which makes the proof variant) and Deno's version;
 * - the variant's name, when a notebook is run in a variant (see {@link ExecutedOptions.variant}),
 *
 * so an edit to one lesson re-executes that lesson only, and an edit to the library re-executes
 * them all. Only runs that succeeded are kept: a failure always runs again.
 *
 * Where the cache lives:
 *
 * - `deno task test` (tools/test.ts) makes a fresh folder for the run and names it in
 *   `$BG_EXECUTED_CACHE`, so each notebook runs once per test run and never comes from an
 *   earlier run;
 * - `deno task build` keeps `.cache/executed/` between builds (`--no-cache` runs everything);
 * - without either, nothing is cached across processes (a lone `deno test tests/x_test.ts`
 *   executes what it needs), but one process never runs the same notebook twice at once.
 *
 * @module
 */

import { executeNotebook, type Notebook, type NotebookResult } from "./notebook.ts";
import { lessonNumber, listExercises, PROOF_TAG, proofVariant } from "./exercises.ts";

/** The environment variable naming a test run's cache folder. */
export const CACHE_ENV = "BG_EXECUTED_CACHE";

/** The tag on cells that a notebook variant adds (exercise proofs); see {@link withoutTagged}. */
export const VARIANT_TAG: string = PROOF_TAG;

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

/** A variant of a notebook to run instead of it, e.g. one with extra cells proving exercises. */
export interface NotebookVariant {
  /** Part of the cache key: two variants of one notebook are cached apart. */
  name: string;
  /** The notebook to run, made from the committed one; cells it adds carry {@link VARIANT_TAG}. */
  make(nb: Notebook, path: string): Notebook | Promise<Notebook>;
}

/**
 * The default variant: a notebook with exercises runs as its proof variant (tools/exercises.ts:
 * after each check, the blank and every wrong answer must be rejected, then the reference runs
 * again), so one execution both runs the lesson and proves its checks. A notebook without
 * exercises, or whose exercises break the convention (which tests/exercises_test.ts reports),
 * runs as it is.
 */
export const PROOF_VARIANT: NotebookVariant = {
  name: "exercise-proofs",
  make(nb, path) {
    const lesson = lessonNumber(path);
    const { exercises, problems } = listExercises(nb, lesson);
    return exercises.length > 0 && problems.length === 0 ? proofVariant(nb, lesson) : nb;
  },
};

/** Options of {@link executedNotebook}. */
export interface ExecutedOptions {
  /**
   * The cache folder; `null` for none.
   * @default {the folder named by $BG_EXECUTED_CACHE, else null}
   */
  cacheDir?: string | null;
  /**
   * Seconds one cell may run.
   * @default {120}
   */
  timeoutSeconds?: number;
  /**
   * Run this variant of the notebook instead of the file as committed (in the notebook's own
   * folder, so its imports resolve the same).
   * @default {the variant set with setDefaultVariant, at first PROOF_VARIANT}
   */
  variant?: NotebookVariant | null;
}

/** {@link executedNotebook}'s answer: the run, and whether it came from the cache. */
export interface ExecutedNotebook extends NotebookResult {
  /** True when the run was read from the cache rather than executed now. */
  cached: boolean;
  /** The cache key (hex SHA-256). */
  key: string;
}

let defaultVariant: NotebookVariant | null = PROOF_VARIANT;

/**
 * Sets the variant every {@link executedNotebook} call runs unless its options name another
 * ({@link PROOF_VARIANT} at first, so a test run executes each lesson once, with its exercise
 * proofs). `null` runs the committed notebooks as they are.
 */
export function setDefaultVariant(variant: NotebookVariant | null): void {
  defaultVariant = variant;
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...await filesUnder(path));
    else if (entry.isFile) out.push(path);
  }
  return out;
}

let dependencyDigest: Promise<string> | null = null;

/** The SHA-256 of everything but the notebook that a run depends on (computed once a process). */
function dependenciesDigest(): Promise<string> {
  dependencyDigest ??= (async () => {
    const files = [
      ...await filesUnder(`${ROOT}/lib`),
      `${ROOT}/deno.json`,
      `${ROOT}/deno.lock`,
      `${ROOT}/tools/notebook.ts`,
      `${ROOT}/tools/deno_execute.py`,
      `${ROOT}/tools/executed.ts`,
      `${ROOT}/tools/exercises.ts`,
    ].sort();
    const parts: string[] = [`deno ${Deno.version.deno}`];
    for (const file of files) {
      parts.push(`${file.slice(ROOT.length + 1)} ${await sha256Hex(await Deno.readFile(file))}`);
    }
    return await sha256Hex(new TextEncoder().encode(parts.join("\n")));
  })();
  return dependencyDigest;
}

/**
 * The cache key of a notebook's run: its text, the library, the configuration, the runner and
 * the variant (see the module documentation).
 *
 * @param text The notebook file's text.
 * @param variant The variant's name, or `""` for the notebook as committed.
 */
export async function notebookKey(text: string, variant = ""): Promise<string> {
  const deps = await dependenciesDigest();
  return await sha256Hex(new TextEncoder().encode(`${deps}\n${variant}\n${text}`));
}

const running = new Map<string, Promise<ExecutedNotebook>>();

async function readCached(file: string): Promise<NotebookResult | null> {
  try {
    return JSON.parse(await Deno.readTextFile(file)) as NotebookResult;
  } catch {
    return null;
  }
}

/** Holds `lock` (a file created exclusively) while `body` runs; waits while another holds it. */
async function withLock<T>(lock: string, body: () => Promise<T>): Promise<T> {
  const staleMs = 15 * 60_000;
  for (;;) {
    try {
      (await Deno.open(lock, { createNew: true, write: true })).close();
      break;
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      const info = await Deno.stat(lock).catch(() => null);
      if (info?.mtime && Date.now() - info.mtime.getTime() > staleMs) {
        await Deno.remove(lock).catch(() => {});
        continue;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await body();
  } finally {
    await Deno.remove(lock).catch(() => {});
  }
}

/**
 * A notebook's executed form: from the cache when a successful run of the same content is there,
 * else run now (and cached when it succeeds). Concurrent calls for one notebook, in one process
 * or several sharing a cache folder, run it once.
 *
 * The result's `path` is `path`; with a variant, `executed` is the variant's executed notebook
 * (strip its extra cells with {@link withoutTagged} to show it).
 *
 * @param path The `.ipynb` file.
 * @param options The cache folder, the timeout and the variant.
 * @returns The run, as `executeNotebook` reports it, with `cached` and `key`.
 */
export async function executedNotebook(
  path: string,
  options: ExecutedOptions = {},
): Promise<ExecutedNotebook> {
  const cacheDir = options.cacheDir === undefined
    ? Deno.env.get(CACHE_ENV) || null
    : options.cacheDir;
  const variant = options.variant === undefined ? defaultVariant : options.variant;
  const text = await Deno.readTextFile(path);
  const key = await notebookKey(text, variant?.name ?? "");
  const memo = `${cacheDir ?? ""}\n${key}\n${path}`;
  const pending = running.get(memo);
  if (pending) return await pending;
  const work = (async (): Promise<ExecutedNotebook> => {
    const run = async (): Promise<ExecutedNotebook> => {
      const result = await runOnce(path, text, variant, options.timeoutSeconds);
      return { ...result, cached: false, key };
    };
    if (cacheDir === null) return await run();
    await Deno.mkdir(cacheDir, { recursive: true });
    const file = `${cacheDir}/${key}.json`;
    return await withLock(`${file}.lock`, async () => {
      const hit = await readCached(file);
      if (hit !== null) return { ...hit, path, cached: true, key };
      const result = await run();
      if (result.ok) {
        const { cached: _c, key: _k, ...stored } = result;
        await Deno.writeTextFile(`${file}.part`, JSON.stringify(stored));
        await Deno.rename(`${file}.part`, file);
      }
      return result;
    });
  })();
  running.set(memo, work);
  try {
    return await work;
  } finally {
    running.delete(memo);
  }
}

async function runOnce(
  path: string,
  text: string,
  variant: NotebookVariant | null,
  timeoutSeconds: number | undefined,
): Promise<NotebookResult> {
  if (variant === null) return await executeNotebook(path, { timeoutSeconds });
  const made = await variant.make(JSON.parse(text) as Notebook, path);
  // beside the original, so relative imports and the import map resolve as for the notebook
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  const temp = await Deno.makeTempFile({ dir, prefix: ".variant-", suffix: ".ipynb" });
  try {
    await Deno.writeTextFile(temp, JSON.stringify(made));
    return { ...await executeNotebook(temp, { timeoutSeconds }), path };
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

/**
 * A copy of `nb` without the cells tagged `tag` (by default {@link VARIANT_TAG}: the cells a
 * variant added), for showing or checking a variant's run as the notebook itself.
 *
 * @param nb A notebook, executed or not.
 * @param tag The tag of the cells to leave out.
 * @returns The copy; `nb` is left unchanged.
 */
export function withoutTagged(nb: Notebook, tag: string = VARIANT_TAG): Notebook {
  const copy = structuredClone(nb);
  copy.cells = copy.cells.filter((cell) => {
    const tags = (cell.metadata as { tags?: unknown } | undefined)?.tags;
    return !(Array.isArray(tags) && tags.includes(tag));
  });
  return copy;
}
