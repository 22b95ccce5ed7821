/**
 * Shared plumbing of the browser tests (tests/browser_test.ts,
 * tests/explorable_browser_test.ts): headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core), a static server for a built site on 127.0.0.1, request and console
 * recording that blocks every request leaving the allowed origin, and screenshots in
 * test-artifacts/.
 *
 * Chromium missing is a failure with an install hint, never a skip.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
  type Request,
} from "playwright-core";
import { buildSite } from "../tools/build.ts";

const CHROMIUM = "/usr/bin/chromium";
/**
 * Features Playwright (playwright-core 1.65.1, pinned in deno.json) disables in every Chromium it
 * launches. Chromium honours only the last `--disable-features`, so ours repeats them; {@link
 * launch} fails, naming them, if a Playwright upgrade disables features this list lacks.
 */
const PLAYWRIGHT_DISABLED_FEATURES = [
  "AvoidUnnecessaryBeforeUnloadCheckSync",
  "DestroyProfileOnBrowserClose",
  "HttpsUpgrades",
  "HttpsFirstBalancedModeAutoEnable",
  "LensOverlay",
  "MediaRouter",
  "PaintHolding",
  "ThirdPartyStoragePartitioning",
  "AvoidCorsURLLoaderRestartOnRedirect",
  "TcpPortRandomizationWin",
  "OptimizationHints",
  "NetworkTimeServiceQuerying",
  "AimEnabled",
  "PreconnectToSearch",
  "msForceBrowserSignIn",
  "msEdgeUpdateLaunchServicesPreferredVersion",
];
/**
 * Browser UI a headless test never shows. Every new page is a window whose omnibox popup is a
 * WebUI page (chrome://omnibox-popup.top-chrome/) loaded into a renderer of its own: about
 * 2 CPU seconds a page in Chromium 156, more than most pages under test cost.
 */
const UNSHOWN_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup"];
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...UNSHOWN_FEATURES].join(",")}`,
];
const LAUNCH_TIMEOUT_MS = 60_000;
/** How long one browser action or wait may take. */
export const STEP_TIMEOUT_MS = 30_000;
const ARTIFACTS = decodeURIComponent(new URL("../test-artifacts/", import.meta.url).pathname);

/**
 * The features that the command lines of this process's Chromium children disable in an earlier
 * `--disable-features` but no longer in their last, effective one.
 */
function featuresLostToLastSwitch(): string[] {
  const lost = new Set<string>();
  let seen = 0;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let args: string[];
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) !== Deno.pid) continue;
      args = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).split("\0");
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (!args.includes("--remote-debugging-pipe")) continue;
    seen++;
    const lists = args.filter((a) => a.startsWith("--disable-features="))
      .map((a) => a.slice("--disable-features=".length).split(","));
    const last = new Set(lists.at(-1));
    for (const feature of lists.flat()) if (!last.has(feature)) lost.add(feature);
  }
  // the check must see the browser it checks, or it would pass without looking
  if (seen === 0) {
    throw new Error("found no Chromium started by this process to check its switches");
  }
  return [...lost];
}

/** Starts Chromium, or fails with what to install. */
export async function launch(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}; install Debian's package: apt-get install chromium`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    timeout: LAUNCH_TIMEOUT_MS,
  });
  let lost: string[];
  try {
    lost = featuresLostToLastSwitch();
  } catch (err) {
    await browser.close();
    throw err;
  }
  if (lost.length > 0) {
    await browser.close();
    throw new Error(
      `Playwright disables Chromium features that our --disable-features switch, which replaces ` +
        `its own, leaves on: ${lost.join(", ")}; add them to PLAYWRIGHT_DISABLED_FEATURES in ` +
        `tests/_browser.ts`,
    );
  }
  return browser;
}

/** Saves `test-artifacts/<name>.png`: the whole page for a page, the element for a locator. */
export async function screenshot(target: Page | Locator, name: string): Promise<void> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  if ("goto" in target) await target.screenshot({ path, fullPage: true });
  else await target.screenshot({ path });
}

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
  ipynb: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  woff2: "font/woff2",
  woff: "font/woff",
  ttf: "font/ttf",
  txt: "text/plain; charset=utf-8",
};

/** A static file server for `root` on 127.0.0.1, on a free port. */
export function serve(root: string): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.split("/").includes("..")) return new Response("bad path", { status: 400 });
    const file = `${root}${path.endsWith("/") ? `${path}index.html` : path}`;
    try {
      const body = await Deno.readFile(file);
      const ext = file.slice(file.lastIndexOf(".") + 1).toLowerCase();
      return new Response(body, {
        headers: { "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

/** What a page did on the network and in its console. */
export interface Traffic {
  /** Every request, in order. */
  requests: string[];
  /** Requests that went (or tried to go) outside the allowed prefix; all were blocked. */
  outside: { url: string; type: string }[];
  /** Requests inside the prefix that failed or answered 4xx/5xx. */
  broken: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
}

/**
 * Records a context's traffic. Requests whose URL does not start with `allowed` are blocked
 * (http/https) and listed in `outside`.
 */
export async function watch(context: BrowserContext, allowed: string): Promise<Traffic> {
  const traffic: Traffic = { requests: [], outside: [], broken: [], errors: [] };
  const inside = (url: string) => url.startsWith(allowed) || url.startsWith("data:");
  await context.route("**/*", (route) => {
    const request = route.request();
    if (inside(request.url())) return route.continue();
    traffic.outside.push({ url: request.url(), type: request.resourceType() });
    return route.abort("blockedbyclient");
  });
  context.on("request", (request: Request) => {
    traffic.requests.push(request.url());
    if (!inside(request.url()) && !traffic.outside.some((o) => o.url === request.url())) {
      traffic.outside.push({ url: request.url(), type: request.resourceType() });
    }
  });
  context.on("requestfailed", (request: Request) => {
    if (inside(request.url())) {
      traffic.broken.push(`${request.url()}: ${request.failure()?.errorText}`);
    }
  });
  context.on("response", (response) => {
    if (response.status() >= 400 && inside(response.url())) {
      traffic.broken.push(`${response.url()}: HTTP ${response.status()}`);
    }
  });
  context.on("page", (page: Page) => {
    page.on("console", (msg) => {
      if (msg.type() === "error") traffic.errors.push(`console: ${msg.text()}`);
    });
    page.on("pageerror", (err) => traffic.errors.push(`uncaught: ${err.message}`));
  });
  return traffic;
}

/** A page opened in a fresh context whose traffic is watched. */
export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  traffic: Traffic;
}

/**
 * Opens `origin + file` in a new context (viewport 1100 × 900 unless given, the step timeout,
 * traffic outside `origin` blocked and recorded) and asserts it loads with HTTP 200.
 */
export async function openPage(
  browser: Browser,
  origin: string,
  file: string,
  viewport: { width?: number; height?: number } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: { width: viewport.width ?? 1100, height: viewport.height ?? 900 },
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const traffic = await watch(context, origin);
  const page = await context.newPage();
  const response = await page.goto(origin + file, { waitUntil: "load" });
  assert.equal(response?.status(), 200, `${file} loads`);
  return { context, page, traffic };
}

/** The site {@link withBuiltSite} built, served and opened a browser for. */
export interface BuiltSite {
  /** The folder the site was built into (removed afterwards). */
  outDir: string;
  /** `http://127.0.0.1:<port>/`, where the site is served. */
  origin: string;
  browser: Browser;
}

/**
 * Builds `notebooks` into a temporary folder (asserting no problems), serves it on 127.0.0.1,
 * launches Chromium and runs `body`; then closes the browser, stops the server and removes
 * the folder, whatever happened.
 */
export async function withBuiltSite(
  notebooks: readonly string[],
  prefix: string,
  body: (site: BuiltSite) => Promise<void>,
): Promise<void> {
  const outDir = await Deno.makeTempDir({ prefix });
  let server: Deno.HttpServer<Deno.NetAddr> | null = null;
  let browser: Browser | null = null;
  try {
    const built = await buildSite({ notebooks: [...notebooks], outDir, log: () => {} });
    assert.deepEqual(built.problems, []);
    server = serve(outDir);
    const origin = `http://127.0.0.1:${server.addr.port}/`;
    browser = await launch();
    await body({ outDir, origin, browser });
  } finally {
    await browser?.close();
    await server?.shutdown();
    await Deno.remove(outDir, { recursive: true });
  }
}
