/**
 * The files every site carries in `assets/`: the stylesheet, KaTeX's CSS and fonts, the
 * highlight.js theme, and Vega, Vega-Lite and vega-embed, all copied from the npm packages pinned
 * in `deno.json`, so that pages load nothing from the network.
 *
 * Layout under the site folder:
 *
 * ```text
 * assets/site.css                 the site's stylesheet
 * assets/site.js                  turns Vega/Vega-Lite outputs into live charts
 * assets/highlight.css            code colours (highlight.js "github" theme)
 * assets/katex/katex.min.css      KaTeX, with its fonts in assets/katex/fonts/
 * assets/vega/vega.min.js         Vega 5        (global `vega`)
 * assets/vega/vega-lite.min.js    Vega-Lite 5   (global `vegaLite`)
 * assets/vega/vega-embed.min.js   vega-embed 6  (global `vegaEmbed`)
 * assets/licenses/<package>.txt   the licence of each package copied
 * ```
 *
 * @module
 */

import type { View } from "vega";
import type { TopLevelSpec } from "vega-lite";
import type { EmbedOptions } from "vega-embed";

/**
 * The libraries whose browser builds the site carries. Nothing of them runs at build time; the
 * type-only imports put the packages in the module graph, so that `deno install --entrypoint`
 * (as CI runs it) caches them along with everything else.
 */
export type SiteLibraries = { vega: View; vegaLite: TopLevelSpec; vegaEmbed: EmbedOptions };

/** Paths of the Vega scripts relative to the site root, in the order a page must load them. */
export const VEGA_SCRIPTS: readonly string[] = [
  "assets/vega/vega.min.js",
  "assets/vega/vega-lite.min.js",
  "assets/vega/vega-embed.min.js",
];

/** Stylesheets every page links, relative to the site root, in order. */
export const STYLESHEETS: readonly string[] = [
  "assets/katex/katex.min.css",
  "assets/highlight.css",
  "assets/site.css",
];

/** The script that makes Vega figures live, relative to the site root. */
export const SITE_SCRIPT = "assets/site.js";

/** A file to copy: from a package (by import name) or from this folder, to a site path. */
interface AssetCopy {
  /** The import name in `deno.json`, or `null` for a file beside this module. */
  pkg: string | null;
  /** Path inside the package (or beside this module); a trailing `/` copies a folder. */
  from: string;
  /** Path under the site root. */
  to: string;
}

const COPIES: AssetCopy[] = [
  { pkg: null, from: "site.css", to: "assets/site.css" },
  { pkg: null, from: "site.js", to: "assets/site.js" },
  { pkg: "katex", from: "dist/katex.min.css", to: "assets/katex/katex.min.css" },
  { pkg: "katex", from: "dist/fonts/", to: "assets/katex/fonts/" },
  { pkg: "highlight.js", from: "styles/github.min.css", to: "assets/highlight.css" },
  { pkg: "vega", from: "build/vega.min.js", to: VEGA_SCRIPTS[0] },
  { pkg: "vega-lite", from: "build/vega-lite.min.js", to: VEGA_SCRIPTS[1] },
  { pkg: "vega-embed", from: "build/vega-embed.min.js", to: VEGA_SCRIPTS[2] },
];

const LICENSED = ["katex", "highlight.js", "vega", "vega-lite", "vega-embed"];

/** Finds the package root above a resolved entry point, or `null` when it is not on disk. */
async function findPackageRoot(name: string, resolved: string): Promise<string | null> {
  const namedHere = async (dir: URL) => {
    try {
      return JSON.parse(await Deno.readTextFile(new URL("package.json", dir))).name === name;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return false;
      throw err;
    }
  };
  // The package root is the outermost folder of a run of package.json files with this name:
  // some packages ship a second one inside (vega-lite has build/package.json).
  let found: URL | null = null;
  for (let dir = new URL(".", resolved); dir.pathname !== "/"; dir = new URL("..", dir)) {
    if (await namedHere(dir)) found = dir;
    else if (found !== null) break;
  }
  return found === null ? null : decodeURIComponent(found.pathname).replace(/\/$/, "");
}

let installing: Promise<void> | undefined;

/**
 * Caches the npm packages of this module's graph (`deno install --frozen --entrypoint`), for a
 * checkout where nothing has fetched the browser libraries yet: `deno run` does not fetch what is
 * only imported for its types.
 */
function installPackages(): Promise<void> {
  installing ??= (async () => {
    const root = decodeURIComponent(new URL("../../", import.meta.url).pathname);
    const self = decodeURIComponent(new URL(import.meta.url).pathname);
    const { success, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["install", "--frozen", "--entrypoint", self],
      cwd: root,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(
        `\`deno install --frozen --entrypoint ${self}\` failed:\n${
          new TextDecoder().decode(stderr)
        }`,
      );
    }
  })();
  return installing;
}

/**
 * The folder of an npm package named in `deno.json`'s imports, in Deno's cache; the package is
 * fetched (as `deno.lock` pins it) when it is not there yet.
 *
 * @param name The import name, e.g. `"vega-embed"`.
 * @returns The absolute folder path.
 * @throws {Error} When the name is not in `deno.json` or the package cannot be fetched.
 */
export async function packageDir(name: string): Promise<string> {
  const resolve = () => {
    try {
      return import.meta.resolve(name);
    } catch (err) {
      throw new Error(`"${name}" is not in deno.json's imports: ${(err as Error).message}`);
    }
  };
  let resolved = resolve();
  let dir = resolved.startsWith("file:") ? await findPackageRoot(name, resolved) : null;
  if (dir === null) {
    await installPackages();
    resolved = resolve();
    dir = resolved.startsWith("file:") ? await findPackageRoot(name, resolved) : null;
  }
  if (dir === null) {
    throw new Error(`the npm package "${name}" is not installed (resolved to ${resolved})`);
  }
  return dir;
}

/** Which version of each copied package the site carries, for the page footer and the report. */
export async function packageVersions(): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const name of LICENSED) {
    const pkg = JSON.parse(await Deno.readTextFile(`${await packageDir(name)}/package.json`));
    versions[name] = String(pkg.version);
  }
  return versions;
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

async function findLicense(dir: string): Promise<string | null> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && /^licen[cs]e(\.(md|txt))?$/i.test(entry.name)) {
      return `${dir}/${entry.name}`;
    }
  }
  return null;
}

/**
 * Copies every asset into `outDir/assets/`.
 *
 * @param outDir The site folder.
 * @returns The site-relative paths written (folders expanded), sorted.
 */
export async function copyAssets(outDir: string): Promise<string[]> {
  const here = new URL(".", import.meta.url);
  for (const copy of COPIES) {
    const base = copy.pkg === null
      ? decodeURIComponent(here.pathname).replace(/\/$/, "")
      : await packageDir(copy.pkg);
    const from = `${base}/${copy.from}`;
    const to = `${outDir}/${copy.to}`;
    if (copy.from.endsWith("/")) {
      await copyTree(from.slice(0, -1), to.slice(0, -1));
    } else {
      await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
      await Deno.copyFile(from, to);
    }
  }
  await Deno.mkdir(`${outDir}/assets/licenses`, { recursive: true });
  for (const name of LICENSED) {
    const dir = await packageDir(name);
    const license = await findLicense(dir);
    const to = `${outDir}/assets/licenses/${name}.txt`;
    if (license !== null) {
      await Deno.copyFile(license, to);
    } else {
      // vega ships no licence text; record what its package.json declares
      const pkg = JSON.parse(await Deno.readTextFile(`${dir}/package.json`));
      if (typeof pkg.license !== "string") {
        throw new Error(`the npm package "${name}" declares no licence`);
      }
      await Deno.writeTextFile(
        to,
        `${name} ${pkg.version}: licensed under ${pkg.license} (SPDX identifier, as declared ` +
          `in its package.json; the package ships no licence text).\n`,
      );
    }
  }
  const written: string[] = [];
  const walk = async (dir: string, rel: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory) await walk(`${dir}/${entry.name}`, path);
      else written.push(path);
    }
  };
  await walk(`${outDir}/assets`, "assets");
  return written.sort();
}
