/**
 * Builds the course website from the lesson notebooks.
 *
 * ```sh
 * deno task build                          # every notebook in notebooks/, into site/
 * deno task build --out /tmp/site          # somewhere else
 * deno task build notebooks/03_rmsprop.ipynb notebooks/04_adam.ipynb
 * deno task build --no-execute             # use the outputs saved in the notebooks
 * deno task build --no-cache               # run every notebook, even those cached
 * ```
 *
 * Each notebook is run headlessly (Jupyter with the Deno kernel, see `tools/notebook.ts`), unless
 * `.cache/executed/` holds a run of the same notebook with the same library, configuration and
 * lock file (see `tools/executed.ts`): after an edit to one lesson, only that lesson runs. It is
 * rendered by this build, not by nbconvert's HTML exporter: Markdown with marked, math with KaTeX
 * and code with highlight.js at build time; figures inline as SVG, Vega-Lite outputs live through
 * vega-embed. Every script, stylesheet and font is copied into the site from the npm packages
 * pinned in `deno.json`, and every address is relative, so the pages open offline, from any
 * folder, on any machine. The site is:
 *
 * ```text
 * index.html                 the lessons in order, with each one's first paragraph
 * <notebook>.html            one page per notebook, named after the notebook file
 * notebooks/<notebook>.ipynb the notebooks as committed, to download and run
 * media/<notebook>/...       images the notebooks' Markdown refers to
 * assets/...                 CSS, fonts and scripts (see tools/build/assets.ts)
 * ```
 *
 * A cell that throws stops the run unless it is tagged `raises-exception`, whose error is then
 * shown on the page like any output. The build exits 1, after writing every page it can, when a
 * notebook fails to run, math does not parse, an image is missing, or a page would load anything
 * from outside the site.
 *
 * @module
 */

import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { listNotebooks } from "./notebook.ts";
import { CACHE_ENV, executedNotebook, withoutTagged } from "./executed.ts";
import { copyAssets } from "./build/assets.ts";
import { type ArchiveFile, tarGz } from "./build/archive.ts";
import { studentEdition } from "./exercises.ts";
import type { Notebook } from "./notebook.ts";
import { APT_INSTALL, PIP_INSTALL } from "./jupyter.ts";
import { escapeHtml } from "./build/html.ts";
import {
  externalCssResources,
  externalResources,
  isExternalUrl,
  siteLinks,
} from "./build/offline.ts";
import { indexPage, lessonPage, type PageLink } from "./build/page.ts";
import { type NotebookDocument, renderNotebook } from "./build/render_notebook.ts";

/** Options for {@link buildSite}. */
export interface BuildOptions {
  /** The notebooks, in the order the site lists them. */
  notebooks: string[];
  /** The folder to write; replaced if it holds an earlier build, refused if it holds other files. */
  outDir: string;
  /**
   * Run each notebook first; when false, the outputs saved in the files are used.
   * @default {true}
   */
  execute?: boolean;
  /**
   * The site's name, in every page header and on the index.
   * @default {"Better ways to apply gradients"}
   */
  siteTitle?: string;
  /**
   * Seconds one cell may run.
   * @default {120}
   */
  timeoutSeconds?: number;
  /**
   * Where executed notebooks are cached (see tools/executed.ts); `null` runs every notebook.
   * `deno task build` uses `.cache/executed/` unless given `--no-cache`.
   * @default {the folder named by $BG_EXECUTED_CACHE, else null}
   */
  cacheDir?: string | null;
  /**
   * Where progress lines go.
   * @default {console.error}
   */
  log?: (line: string) => void;
}

/** One page of a built site. */
export interface BuiltPage {
  /** The notebook it comes from. */
  source: string;
  /** Its file name in the site. */
  href: string;
  /** Its title. */
  title: string;
  /** True when the notebook ran (or was not to be run) and rendered without problems. */
  ok: boolean;
  /** `"ran"` (executed now), `"cached"` (an earlier run of the same content) or `"saved"`
   * (`execute: false`: the outputs saved in the file). */
  outputs: "ran" | "cached" | "saved";
}

/** The outcome of {@link buildSite}. */
export interface BuildResult {
  /** The site folder. */
  outDir: string;
  /** The pages, in index order. */
  pages: BuiltPage[];
  /** Everything that makes the build fail, one line each, naming the notebook (and cell). */
  problems: string[];
}

/** Written into every site folder, so a later build knows it may replace the folder. */
export const SITE_MARKER = ".better-gradients-site";

const DEFAULT_TITLE = "Better ways to apply gradients";

/** Where `deno task build` keeps executed notebooks between builds. */
export const BUILD_CACHE = decodeURIComponent(
  new URL("../.cache/executed", import.meta.url).pathname,
);

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function dirName(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

/** The page name for a notebook: its file name, `.ipynb` replaced by `.html`. */
export function pageName(notebookPath: string): string {
  const stem = baseName(notebookPath).replace(/\.ipynb$/i, "");
  return `${stem.replace(/[^A-Za-z0-9._-]+/g, "-")}.html`;
}

async function prepareOutDir(outDir: string): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(outDir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      await Deno.mkdir(outDir, { recursive: true });
      await Deno.writeTextFile(`${outDir}/${SITE_MARKER}`, "");
      return;
    }
    throw err;
  }
  if (entries.length > 0 && !entries.some((e) => e.name === SITE_MARKER)) {
    throw new Error(
      `refusing to write into ${outDir}: it holds files that an earlier build did not write ` +
        `(no ${SITE_MARKER} file). Choose an empty or new folder with --out.`,
    );
  }
  for (const entry of entries) {
    if (entry.name !== SITE_MARKER) {
      await Deno.remove(`${outDir}/${entry.name}`, { recursive: true });
    }
  }
  await Deno.writeTextFile(`${outDir}/${SITE_MARKER}`, "");
}

function splitUrl(url: string): { path: string; rest: string } {
  const i = url.search(/[?#]/);
  return i < 0 ? { path: url, rest: "" } : { path: url.slice(0, i), rest: url.slice(i) };
}

/**
 * Runs and renders the notebooks into a static site.
 *
 * @param options The notebooks, the site folder and how to build.
 * @returns The pages written and the problems found; the site is written even when there are
 *   problems.
 * @throws {Error} When the site folder cannot be used or the assets cannot be copied.
 */
export async function buildSite(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const outDir = options.outDir.replace(/\/+$/, "") || "/";
  const siteTitle = options.siteTitle ?? DEFAULT_TITLE;
  const execute = options.execute ?? true;
  const problems: string[] = [];

  const names = new Map<string, string>();
  for (const source of options.notebooks) {
    const href = pageName(source);
    const other = names.get(href);
    if (other !== undefined) {
      throw new Error(`${source} and ${other} would both become ${href}; rename one`);
    }
    names.set(href, source);
  }
  const byPath = new Map(options.notebooks.map((s) => [resolve(s), pageName(s)]));
  // Pages of notebooks that a link names but this build leaves out (a partial build).
  const leftOut = new Set<string>();

  await prepareOutDir(outDir);
  await copyAssets(outDir);
  await Deno.mkdir(`${outDir}/notebooks`, { recursive: true });
  await Deno.mkdir(`${outDir}/instructor`, { recursive: true });
  const courseNotebooks: { label: string; student: Uint8Array; instructor: Uint8Array }[] = [];

  interface Rendered {
    source: string;
    link: PageLink;
    body: string;
    usesVega: boolean;
    notice: string | null;
    ok: boolean;
    outputs: BuiltPage["outputs"];
  }
  const rendered: Rendered[] = [];
  for (const source of options.notebooks) {
    const label = baseName(source);
    const href = pageName(source);
    const stem = href.replace(/\.html$/, "");
    const original = JSON.parse(await Deno.readTextFile(source)) as NotebookDocument;
    let nb = original;
    let notice: string | null = null;
    let ok = true;
    const fail = (message: string) => {
      ok = false;
      problems.push(`${label}: ${message}`);
    };

    let outputs: BuiltPage["outputs"] = "saved";
    if (execute) {
      const result = await executedNotebook(source, {
        timeoutSeconds: options.timeoutSeconds,
        cacheDir: options.cacheDir === undefined
          ? Deno.env.get(CACHE_ENV) || null
          : options.cacheDir,
      });
      outputs = result.cached ? "cached" : "ran";
      const expected = (cell: number | null) => {
        const tags = cell === null ? [] : original.cells[cell - 1]?.metadata?.tags ?? [];
        return Array.isArray(tags) && tags.includes("raises-exception");
      };
      const unexpected = result.errors.filter((e) =>
        !(e.kind === "error-output" && expected(e.cell))
      );
      for (const e of unexpected) {
        fail(`${e.cell === null ? e.kind : `cell ${e.cell} (${e.kind})`}: ${e.message}`);
      }
      if (result.executed !== null) {
        // a variant's extra cells (exercise proofs) are not part of the lesson
        nb = withoutTagged(result.executed) as unknown as NotebookDocument;
      } else {
        notice = `<strong>This notebook did not run to the end</strong>, so its outputs are ` +
          `missing:<pre>${escapeHtml(unexpected.map((e) => e.message).join("\n\n"))}</pre>`;
      }
      log(
        result.cached
          ? `cached ${label}`
          : `${ok ? "ran " : "FAILED"} ${label} (${result.seconds.toFixed(1)} s)`,
      );
    }

    // the page is the student edition: blanks where the solutions are, no outputs they made
    try {
      nb = studentEdition(nb as unknown as Notebook) as unknown as NotebookDocument;
    } catch (err) {
      fail((err as Error).message);
    }
    const images: { from: string; to: string }[] = [];
    const page = renderNotebook(nb, {
      fallbackTitle: stem,
      rewriteUrl(url, kind) {
        if (url.startsWith("#") || isExternalUrl(url) || /^[a-z][a-z0-9+.-]*:/i.test(url)) {
          return url;
        }
        const { path, rest } = splitUrl(url);
        if (kind === "link") {
          if (!/\.ipynb$/i.test(path)) return url;
          const target = resolve(dirName(source), decodeURIComponent(path));
          const page = byPath.get(target);
          if (page !== undefined) return page + rest;
          // another lesson, not built this time: link to where its page will be
          if (isFile(target) && !byPath.has(target)) {
            leftOut.add(pageName(target));
            return pageName(target) + rest;
          }
          return url;
        }
        const file = decodeURIComponent(path);
        const from = `${dirName(source)}/${file}`;
        const to = `media/${stem}/${baseName(file)}`;
        if (!images.some((i) => i.to === to)) images.push({ from, to });
        return to;
      },
    });
    for (const p of page.problems) fail(`cell ${p.cell}: ${p.message}`);
    for (const image of images) {
      try {
        await Deno.mkdir(dirName(`${outDir}/${image.to}`), { recursive: true });
        await Deno.copyFile(image.from, `${outDir}/${image.to}`);
      } catch (err) {
        fail(`image ${image.from} could not be copied: ${(err as Error).message}`);
      }
    }
    try {
      const editions = await writeEditions(source, outDir);
      courseNotebooks.push({ label, ...editions });
    } catch (err) {
      fail((err as Error).message);
    }
    rendered.push({
      source,
      link: { href, title: page.title, titleHtml: page.titleHtml, summaryHtml: page.summaryHtml },
      body: page.body,
      usesVega: page.usesVega,
      notice,
      ok,
      outputs,
    });
  }

  for (const edition of ["student", "instructor"] as const) {
    const archive = await courseArchive(
      courseNotebooks.map((n) => ({ label: n.label, data: n[edition] })),
      edition,
      options.notebooks,
    );
    await Deno.writeFile(`${outDir}/${COURSE_ARCHIVES[edition]}`, archive);
  }

  const links = rendered.map((r) => r.link);
  const pages: BuiltPage[] = [];
  const written: { file: string; html: string }[] = [];
  const check = (file: string, html: string) => {
    for (const r of externalResources(html)) {
      problems.push(
        `${file}: <${r.element} ${r.attribute}="${r.url}"> loads from outside the site`,
      );
    }
    written.push({ file, html });
  };
  for (const [i, r] of rendered.entries()) {
    const html = lessonPage({
      siteTitle,
      page: r.link,
      index: i,
      count: rendered.length,
      prev: i > 0 ? links[i - 1] : null,
      next: i + 1 < links.length ? links[i + 1] : null,
      body: r.body,
      usesVega: r.usesVega,
      notebookHref: `notebooks/${encodeURIComponent(baseName(r.source))}`,
      courseHref: COURSE_ARCHIVES.student,
      notice: r.notice,
    });
    const before = problems.length;
    check(r.link.href, html);
    await Deno.writeTextFile(`${outDir}/${r.link.href}`, html);
    pages.push({
      source: r.source,
      href: r.link.href,
      title: r.link.title,
      ok: r.ok && problems.length === before,
      outputs: r.outputs,
    });
  }
  const index = indexPage(siteTitle, links, COURSE_ARCHIVES);
  check("index.html", index);
  await Deno.writeTextFile(`${outDir}/index.html`, index);
  // Links between pages, to the notebooks and to media must lead to files of the site.
  for (const { file, html } of written) {
    const before = problems.length;
    for (const url of new Set(siteLinks(html))) {
      const path = decodeURIComponent(splitUrl(url).path);
      const inside = path !== "" && !path.startsWith("/") &&
        (await Deno.stat(`${outDir}/${path}`).then((s) => s.isFile, () => false));
      if (inside) continue;
      if (leftOut.has(path)) {
        log(`note: ${file} links to ${path}, whose notebook this build left out`);
      } else {
        problems.push(`${file}: the link to "${url}" leads nowhere in the site`);
      }
    }
    const page = pages.find((p) => p.href === file);
    if (page && problems.length > before) page.ok = false;
  }
  for (const css of ["assets/site.css", "assets/highlight.css", "assets/katex/katex.min.css"]) {
    for (const r of externalCssResources(await Deno.readTextFile(`${outDir}/${css}`))) {
      problems.push(`${css}: url(${r.url}) loads from outside the site`);
    }
  }
  return { outDir, pages, problems };
}

/** The folder the course archives unpack into. */
export const COURSE_FOLDER = "better-gradients";

/** The course downloads in the site: the student and the instructor edition. */
export const COURSE_ARCHIVES = {
  student: "better-gradients-course.tar.gz",
  instructor: "better-gradients-course-instructor.tar.gz",
} as const;

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

/** The tools the archive's `deno task lab` and `deno task nb` run. */
const COURSE_TOOLS = [
  "tools/lab.ts",
  "tools/jupyter.ts",
  "tools/notebook.ts",
  "tools/deno_execute.py",
];

/** Writes a notebook's two editions into the site; returns their bytes for the archives. */
async function writeEditions(
  source: string,
  outDir: string,
): Promise<{ student: Uint8Array; instructor: Uint8Array }> {
  const label = baseName(source);
  const instructor = await Deno.readFile(source);
  const committed = JSON.parse(new TextDecoder().decode(instructor)) as NotebookDocument;
  // byte for byte the committed file when there is nothing to blank
  const edition = studentEdition(committed as unknown as Notebook);
  const student = JSON.stringify(edition) === JSON.stringify(committed)
    ? instructor
    : new TextEncoder().encode(JSON.stringify(edition, null, 1) + "\n");
  await Deno.writeFile(`${outDir}/notebooks/${label}`, student);
  await Deno.writeFile(`${outDir}/instructor/${label}`, instructor);
  return { student, instructor };
}

async function filesIn(dir: string, prefix: string): Promise<ArchiveFile[]> {
  const out: ArchiveFile[] = [];
  const entries = (await Array.fromAsync(Deno.readDir(dir))).sort((a, b) =>
    a.name.localeCompare(b.name)
  );
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory) {
      out.push(...await filesIn(`${dir}/${entry.name}`, `${prefix}${entry.name}/`));
    } else if (entry.isFile) {
      out.push({ path: prefix + entry.name, data: await Deno.readFile(`${dir}/${entry.name}`) });
    }
  }
  return out;
}

/**
 * Everything in a course archive but the notebooks and the README: `lib/`, `deno.json` (its
 * tasks cut to `lab` and `nb`), `deno.lock`, the tools those tasks run, and the other files of
 * the notebooks' folders (images, their README).
 */
async function courseExtras(notebooks: readonly string[]): Promise<ArchiveFile[]> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  config.tasks = { lab: config.tasks.lab, nb: config.tasks.nb };
  const files: ArchiveFile[] = [
    { path: "deno.json", data: new TextEncoder().encode(JSON.stringify(config, null, 2) + "\n") },
    { path: "deno.lock", data: await Deno.readFile(`${ROOT}/deno.lock`) },
    ...await filesIn(`${ROOT}/lib`, "lib/"),
  ];
  for (const tool of COURSE_TOOLS) {
    files.push({ path: tool, data: await Deno.readFile(`${ROOT}/${tool}`) });
  }
  for (const dir of new Set(notebooks.map((n) => resolve(dirName(n))))) {
    for (const entry of await Array.fromAsync(Deno.readDir(dir))) {
      if (!entry.isFile || entry.name.startsWith(".") || /\.ipynb$/i.test(entry.name)) continue;
      const path = `notebooks/${entry.name}`;
      if (!files.some((f) => f.path === path)) {
        files.push({ path, data: await Deno.readFile(`${dir}/${entry.name}`) });
      }
    }
  }
  return files;
}

/**
 * The course as one `.tar.gz` that runs after unpacking (see tools/build/archive.ts): the
 * notebooks of one edition, `lib/`, `deno.json`, `deno.lock`, the tools of `deno task lab` and
 * `deno task nb`, and a README, all inside a folder named {@link COURSE_FOLDER}.
 *
 * @param notebooks Each notebook's file name and its bytes in this edition.
 * @param edition Which README to write.
 * @param sources The notebooks' paths, whose folders' other files (images) are included.
 */
export async function courseArchive(
  notebooks: readonly { label: string; data: Uint8Array }[],
  edition: "student" | "instructor",
  sources: readonly string[] = [],
): Promise<Uint8Array> {
  const files: ArchiveFile[] = [
    { path: "README.md", data: new TextEncoder().encode(courseReadme(edition)) },
    ...notebooks.map((n) => ({ path: `notebooks/${n.label}`, data: n.data })),
    ...await courseExtras(sources),
  ];
  return await tarGz(files.map((f) => ({ ...f, path: `${COURSE_FOLDER}/${f.path}` })));
}

/** The README at the top of a course archive. */
export function courseReadme(edition: "student" | "instructor"): string {
  const exercises = edition === "student"
    ? "Each exercise has an answer cell: replace `// YOUR ANSWER HERE` by your code and run the " +
      "check cell below it, which says what is still wrong."
    : "This is the instructor edition: every answer cell holds its reference solution between " +
      "`// BEGIN SOLUTION` and `// END SOLUTION`.";
  return `# Better ways to apply gradients — the course

The lessons are Jupyter notebooks in TypeScript, run by Deno's Jupyter kernel, with the course's
library in \`lib/\`. Nothing here needs the network once Deno has fetched the npm packages that
\`deno.lock\` pins.

## Run it

1. Install [Deno](https://deno.com) 2.9 or newer, and Jupyter:
   - Debian/Ubuntu: \`${APT_INSTALL}\`
   - anywhere with Python 3: \`${PIP_INSTALL}\`
2. In this folder, run \`deno task lab\`. It installs Deno's Jupyter kernel when it is missing
   and opens \`notebooks/\` in JupyterLab (or the classic Notebook).
3. \`deno task nb notebooks/00_gradient_descent.ipynb\` runs a lesson without opening Jupyter;
   add \`--save\` to keep the executed notebook, with its outputs, beside it.

${exercises}
`;
}

const USAGE = `Usage: deno task build [options] [NOTEBOOK.ipynb | DIR]...

Runs the notebooks headlessly and writes a static website: one page per notebook and an
index linking them in order. Without arguments, every notebook in notebooks/ (sorted by name).
The pages load nothing from the network and open straight from disk.

Options:
  --out DIR          where to write the site (default: site)
  --title TEXT       the site's name (default: "${DEFAULT_TITLE}")
  --no-execute       do not run the notebooks; use the outputs saved in them
  --no-cache         run every notebook, even one whose run is cached in .cache/executed/
                     (a notebook runs again anyway when it, lib/, deno.json or deno.lock changed)
  --timeout SECONDS  how long one cell may run (default: 120)
  -h, --help         show this help

Exits 1 when a notebook fails to run, math does not parse, an image is missing, or a page
would load anything from outside the site (the pages are written all the same).`;

async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: "string", default: "site" },
        title: { type: "string", default: DEFAULT_TITLE },
        "no-execute": { type: "boolean", default: false },
        "no-cache": { type: "boolean", default: false },
        timeout: { type: "string", default: "120" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    console.error(`error: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const timeout = Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    console.error(`error: --timeout must be a number of seconds > 0, got ${values.timeout}`);
    return 2;
  }
  const notebooks: string[] = [];
  for (const arg of positionals.length > 0 ? positionals : ["notebooks"]) {
    const info = await Deno.stat(arg).catch(() => null);
    if (info === null) {
      console.error(`error: ${arg} does not exist`);
      return 2;
    }
    notebooks.push(...(info.isDirectory ? await listNotebooks(arg) : [arg]));
  }
  if (notebooks.length === 0) {
    console.error("error: no notebook to build");
    return 2;
  }
  let result: BuildResult;
  try {
    result = await buildSite({
      notebooks,
      outDir: values.out,
      siteTitle: values.title,
      execute: !values["no-execute"],
      timeoutSeconds: timeout,
      cacheDir: values["no-cache"] ? null : BUILD_CACHE,
    });
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    return 1;
  }
  for (const problem of result.problems) console.error(`problem: ${problem}`);
  const failed = result.pages.filter((p) => !p.ok).length;
  console.error(
    `wrote ${result.pages.length} page(s) and index.html to ${result.outDir}/` +
      (result.problems.length > 0 ? ` with ${result.problems.length} problem(s)` : ""),
  );
  return result.problems.length === 0 && failed === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
