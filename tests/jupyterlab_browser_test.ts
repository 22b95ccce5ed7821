/**
 * "Works in JupyterLab", tested: every figure of every executed lesson is rendered through
 * JupyterLab's own output renderers — `@jupyterlab/rendermime` with its standard factories and
 * `@jupyterlab/vega5-extension` at its rank, both pinned in deno.json to JupyterLab 4.6.4 —
 * bundled for the browser with `deno bundle` (tests/jupyterlab/entry.ts), served from
 * 127.0.0.1 and run in headless Chromium. Each bundle must be drawn as Vega-Lite (JupyterLab's
 * preferred type for it, trusted or not), without error, with as many line marks and legend
 * entries as the figure's static SVG. The static SVG must also be named, in Chromium's
 * accessibility tree, by the figure's one-line description (role="img", a <title> first).
 *
 * The lessons are executed once per test run and shared with the other tests
 * (tools/executed.ts). Chromium missing is a failure with an install hint, never a skip.
 */

import assert from "node:assert/strict";
import { VEGA_LITE_MIME } from "@better-gradients/lib";
import { executedNotebook, withoutTagged } from "../tools/executed.ts";
import { formatResult, listNotebooks } from "../tools/notebook.ts";
import { launch, screenshot, serve, STEP_TIMEOUT_MS, watch } from "./_browser.ts";
import type { Rendered } from "./jupyterlab/entry.ts";

const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

/** The page: JupyterLab's light theme variables are not needed to draw Vega. */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>JupyterLab renderers</title>
</head><body data-jp-theme-light="true"><script type="module" src="page.js"></script></body></html>`;

async function bundlePage(dir: string): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--frozen",
      "--platform",
      "browser",
      "--format",
      "esm",
      // JupyterLab's icon module imports SVG files; nothing this page renders uses an icon
      "--external",
      "*.svg",
      "-o",
      `${dir}/page.js`,
      `${ROOT}/tests/jupyterlab/entry.ts`,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, `deno bundle failed:\n${new TextDecoder().decode(out.stderr)}`);
  await Deno.writeTextFile(`${dir}/index.html`, PAGE);
}

Deno.test({
  name: "JupyterLab's own renderers draw every figure of every lesson",
  // playwright-core keeps its pipe to the browser open until the process has exited.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "bg-jupyterlab-" });
    const server = serve(dir);
    const origin = `http://127.0.0.1:${server.addr.port}/`;
    const browser = await launch();
    try {
      await bundlePage(dir);
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      const traffic = await watch(context, origin);
      const page = await context.newPage();
      await page.goto(origin, { waitUntil: "load" });
      await page.waitForSelector("html[data-ready]");
      let total = 0;
      for (const path of await listNotebooks(`${ROOT}/notebooks`)) {
        const name = path.slice(path.lastIndexOf("/") + 1);
        await t.step(name, async () => {
          const result = await executedNotebook(path);
          assert.ok(result.ok && result.executed, formatResult(result));
          const bundles = withoutTagged(result.executed).cells
            .flatMap((c) => c.outputs ?? [])
            .map((o) => o.data)
            .filter((d): d is Record<string, unknown> => d?.[VEGA_LITE_MIME] !== undefined);
          for (const [i, bundle] of bundles.entries()) {
            const label = `${name}, figure ${i + 1}`;
            const [trusted, untrusted] = await page.evaluate(async (b) => {
              const { renderBundle, clearRendered } = globalThis as unknown as {
                renderBundle(b: unknown, trusted: boolean): Promise<Rendered>;
                clearRendered(): void;
              };
              // the figure before this one is done with: each is drawn into a page of its own
              clearRendered();
              return [await renderBundle(b, true), await renderBundle(b, false)];
            }, bundle);
            assert.equal(trusted.mime, VEGA_LITE_MIME, `${label}: trusted, JupyterLab picks`);
            assert.equal(untrusted.mime, VEGA_LITE_MIME, `${label}: untrusted, JupyterLab picks`);
            for (const r of [trusted, untrusted]) {
              assert.ok(r.ok, `${label}: ${r.error}`);
              assert.ok((r.width ?? 0) > 100 && (r.height ?? 0) > 50, `${label}: drawn small`);
            }
            const svg = await page.evaluate((text) => {
              const doc = new DOMParser().parseFromString(text, "image/svg+xml");
              return {
                lines: doc.querySelectorAll("g.mark-line").length,
                legend: doc.querySelectorAll(".role-legend-symbol path").length,
              };
            }, String(bundle["image/svg+xml"]));
            assert.deepEqual(
              { lines: trusted.lines, legend: trusted.legend },
              svg,
              `${label}: JupyterLab draws the series the SVG shows`,
            );
            // what a screen reader gets: the static SVG, as Chromium's accessibility tree names it
            const plain = String(bundle["text/plain"]);
            const a11y = await page.evaluate((text) => {
              document.getElementById("a11y")?.remove();
              const host = document.createElement("div");
              host.id = "a11y";
              host.innerHTML = text;
              document.body.append(host);
              const root = host.querySelector("svg");
              return {
                role: root?.getAttribute("role"),
                label: root?.getAttribute("aria-label") ?? "",
                first: root?.firstElementChild?.tagName,
                title: root?.firstElementChild?.textContent ?? "",
              };
            }, String(bundle["image/svg+xml"]));
            const snapshot = await page.locator("#a11y > svg").ariaSnapshot();
            assert.equal(a11y.role, "img", `${label}: the SVG is an image`);
            assert.equal(a11y.first, "title", `${label}: its first child is a <title>`);
            assert.equal(a11y.title, a11y.label, `${label}: <title> and aria-label agree`);
            assert.ok(
              a11y.label.length > 20 && plain.startsWith(`Figure: ${a11y.label}`),
              `${label}: named "${a11y.label}", described "${plain}"`,
            );
            assert.match(snapshot, /^- '?img "/, `${label}: an image in the accessibility tree`);
            const named = page.locator("#a11y").getByRole("img", { name: a11y.label, exact: true });
            assert.equal(
              await named.count(),
              1,
              `${label}: its accessible name is its description`,
            );
            total++;
          }
        });
      }
      assert.ok(total >= 20, `the lessons hold figures (found ${total})`);
      assert.deepEqual(traffic.outside, [], "the renderers ask nothing off 127.0.0.1");
      assert.deepEqual(traffic.errors, [], "and log no error");
      // the last figure, trusted and untrusted, and its static SVG
      await screenshot(page, "jupyterlab-renderers");
      await context.close();
    } finally {
      await browser.close();
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
