/**
 * The built site and the plot window in a real browser: headless Chromium (Debian's
 * /usr/bin/chromium) driven by playwright-core.
 *
 * The fixture notebooks in tests/fixtures/site/ are run and built into a temporary folder,
 * served from 127.0.0.1, and each page is opened: math must be typeset with KaTeX's fonts,
 * every figure drawn with all its series, Vega-Lite charts live (a slider must redraw its
 * chart), errors visible, and no request may leave 127.0.0.1. The same pages are then opened
 * from disk (file://) and on a phone-sized screen. Screenshots go to test-artifacts/.
 *
 * Chromium missing is a failure with an install hint, never a skip.
 */

import assert from "node:assert/strict";
import type { Browser, Locator, Page } from "playwright-core";
import { lineChart, lossSurface, openWindow } from "@better-gradients/lib";
import {
  launch,
  openPage,
  screenshot,
  STEP_TIMEOUT_MS,
  type Traffic,
  watch,
  withBuiltSite,
} from "./_browser.ts";

const FIXTURES = decodeURIComponent(new URL("./fixtures/site/", import.meta.url).pathname);
const NOTEBOOKS = ["01_math_and_code.ipynb", "02_figures.ipynb", "03_errors.ipynb"]
  .map((name) => FIXTURES + name);

/** Asserts a page stayed inside the site and had no broken request or script error. */
function assertClean(traffic: Traffic, label: string): void {
  assert.deepEqual(traffic.outside, [], `${label} made requests outside the site`);
  assert.deepEqual(traffic.broken, [], `${label} has broken requests`);
  assert.deepEqual(traffic.errors, [], `${label} logged errors`);
}

/** Width and height of an element's box; fails when it is not rendered. */
async function size(locator: Locator): Promise<{ width: number; height: number }> {
  const box = await locator.boundingBox();
  assert.ok(box, "the element is not rendered");
  return { width: box.width, height: box.height };
}

/** Waits until site.js has embedded every Vega figure of the page, then returns their states. */
async function vegaStates(page: Page): Promise<string[]> {
  await page.waitForSelector("html[data-vega-done]", { timeout: STEP_TIMEOUT_MS });
  return await page.locator("figure.output-vega").evaluateAll((figures) =>
    figures.map((f) => f.getAttribute("data-vega-state") ?? "none")
  );
}

/** Line paths and legend symbols drawn by Vega inside `root`. */
async function seriesCount(root: Locator): Promise<{ lines: number; legend: number }> {
  return {
    lines: await root.locator(".mark-line path").count(),
    legend: await root.locator(".role-legend-symbol path").count(),
  };
}

Deno.test({
  name: "browser: the built site in headless Chromium",
  // playwright-core keeps its pipe to the browser process open until the browser has exited,
  // which Deno's sanitizers report although close() has been awaited.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    await withBuiltSite(NOTEBOOKS, "bg-browser-test-", async ({ outDir, origin, browser }) => {
      const open = async (file: string, viewport: { width?: number; height?: number } = {}) => {
        const opened = await openPage(browser, origin, file, viewport);
        await opened.page.evaluate(() => document.fonts.ready);
        return opened;
      };

      await t.step("index: every lesson linked in order, links lead to the pages", async () => {
        const { context, page, traffic } = await open("index.html");
        try {
          const links = page.locator("ol.lessons > li > a");
          assert.deepEqual(await links.evaluateAll((as) => as.map((a) => a.getAttribute("href"))), [
            "01_math_and_code.html",
            "02_figures.html",
            "03_errors.html",
          ]);
          await screenshot(page, "site-index");
          await links.nth(2).click();
          await page.waitForURL(`${origin}03_errors.html`);
          assert.equal(await page.locator("main h1").innerText(), "When cells fail#");
          assertClean(traffic, "index.html");
        } finally {
          await context.close();
        }
      });

      await t.step("math: KaTeX typeset with its own fonts, inline and display", async () => {
        const { context, page, traffic } = await open("01_math_and_code.html");
        try {
          const katex = page.locator("main .katex");
          const count = await katex.count();
          assert.ok(count >= 6, `${count} formulas`);
          for (let i = 0; i < count; i++) {
            const { width, height } = await size(katex.nth(i));
            assert.ok(width > 0 && height > 0, `formula ${i} has size ${width}×${height}`);
          }
          const display = page.locator("main .katex-display");
          assert.equal(await display.count(), 2);
          // the aligned block has two rows, so it is clearly taller than a line of text
          assert.ok((await size(display.first())).height > 40);
          assert.equal(
            await page.evaluate(() => document.fonts.check("16px KaTeX_Main")),
            true,
            "KaTeX_Main is loaded",
          );
          assert.ok(
            traffic.requests.some((u) =>
              u.endsWith("/assets/katex/fonts/KaTeX_Main-Regular.woff2")
            ),
            "KaTeX's font came from the site",
          );
          // highlighted code: keywords are coloured by the highlight.js theme
          const keyword = page.locator(".cell-input .hljs-keyword").first();
          const color = await keyword.evaluate((el) => getComputedStyle(el).color);
          assert.notEqual(color, "rgb(31, 35, 40)", "keywords differ from body text");
          await screenshot(page, "site-01_math_and_code");
          assertClean(traffic, "01_math_and_code.html");
        } finally {
          await context.close();
        }
      });

      await t.step("figures: every figure drawn with all its series, Vega-Lite live", async () => {
        const { context, page, traffic } = await open("02_figures.html");
        try {
          assert.deepEqual(await vegaStates(page), ["ready", "ready", "ready", "ready"]);
          const figures = page.locator("figure.output-vega");
          // 1: hand-made bundle, 3 learning rates; 2: lineChart from the library, 3 series
          for (const i of [0, 1]) {
            const live = figures.nth(i).locator(".vega-live");
            const { width, height } = await size(live.locator("svg").first());
            assert.ok(width > 200 && height > 100, `figure ${i + 1} is ${width}×${height}`);
            assert.deepEqual(await seriesCount(live), { lines: 3, legend: 3 }, `figure ${i + 1}`);
            assert.equal(await figures.nth(i).locator(".vega-fallback").isHidden(), true);
          }
          // the SVG-only figure: inline, two curves, visible
          const svg = page.locator(".cell-outputs > .output-svg svg");
          assert.equal(await svg.count(), 1);
          assert.equal(await svg.locator("path.series").count(), 2);
          for (const path of await svg.locator("path.series").all()) {
            assert.equal(await path.isVisible(), true);
            assert.ok((await size(path)).width > 100);
          }
          // the explorable: one line and a slider bound to η
          const explorable = figures.nth(2);
          assert.deepEqual(await seriesCount(explorable.locator(".vega-live")), {
            lines: 1,
            legend: 0,
          });
          assert.equal(await explorable.locator(".vega-bindings input[type=range]").count(), 1);
          await screenshot(page, "site-02_figures");
          assertClean(traffic, "02_figures.html");
        } finally {
          await context.close();
        }
      });

      await t.step("explorables: moving a slider redraws the chart", async () => {
        const { context, page, traffic } = await open("02_figures.html");
        try {
          await vegaStates(page);
          const explorable = page.locator("figure.output-vega").nth(2);
          const line = explorable.locator(".vega-live .mark-line path");
          const before = await line.getAttribute("d");
          const slider = explorable.locator(".vega-bindings input[type=range]");
          await slider.evaluate((input: HTMLInputElement) => {
            input.value = "0.4";
            input.dispatchEvent(new Event("input", { bubbles: true }));
          });
          await page.waitForFunction(
            ([el, d]) => (el as Element).getAttribute("d") !== d,
            [await line.elementHandle(), before] as const,
          );
          const eta = await explorable.evaluate((fig) =>
            (fig as unknown as { vegaView: { signal(name: string): number } }).vegaView
              .signal("eta")
          );
          assert.equal(eta, 0.4);
          // the library's explorable: its α slider redraws the stems and the caption
          const ema = page.locator("figure.output-vega").nth(3);
          const live = ema.locator(".vega-live svg.marks");
          assert.match(await live.innerHTML(), /α = 0\.90/);
          const drawn = await live.innerHTML();
          await ema.locator(".vega-bindings input[type=range]").evaluate(
            (input: HTMLInputElement) => {
              input.value = "0.5";
              input.dispatchEvent(new Event("input", { bubbles: true }));
            },
          );
          await page.waitForFunction(
            ([el, html]) => (el as Element).innerHTML !== html,
            [await live.elementHandle(), drawn] as const,
          );
          assert.match(await live.innerHTML(), /α = 0\.50/);
          assertClean(traffic, "02_figures.html (slider)");
        } finally {
          await context.close();
        }
      });

      await t.step("errors: the failing cell's error is visible", async () => {
        const { context, page, traffic } = await open("03_errors.html");
        try {
          const error = page.locator(".output-error");
          assert.equal(await error.count(), 1);
          assert.equal(await error.isVisible(), true);
          assert.ok((await size(error)).height > 20);
          assert.match(await error.innerText(), /^RangeError: `lr` must be a finite number > 0/);
          const colour = await error.evaluate((el) => getComputedStyle(el).backgroundColor);
          assert.notEqual(colour, "rgba(0, 0, 0, 0)", "the error box is shaded");
          assert.equal(await page.locator(".output-stderr").isVisible(), true);
          await screenshot(page, "site-03_errors");
          assertClean(traffic, "03_errors.html");
        } finally {
          await context.close();
        }
      });

      await t.step(
        "small screens: no sideways scrolling, figures legible (text >= 11 px)",
        async () => {
          const { context, page, traffic } = await open("02_figures.html", {
            width: 390,
            height: 844,
          });
          try {
            await vegaStates(page);
            const overflow = await page.evaluate(() =>
              document.documentElement.scrollWidth - document.documentElement.clientWidth
            );
            assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
            const svg = page.locator(".cell-outputs > .output-svg svg");
            assert.ok((await size(svg)).width <= 390);
            // every drawn figure: its box inside the viewport's width, and its smallest text at
            // least 11 px on screen (a figure shrinks that far at most, then scrolls in its box)
            const figures = await page.locator(".output-svg svg, .vega-live svg.marks").evaluateAll(
              (svgs) =>
                svgs.map((s) => {
                  const svg = s as SVGSVGElement;
                  const box = svg.getBoundingClientRect();
                  const frame = (svg.closest(".output-svg, figure.output-vega") ?? svg)
                    .getBoundingClientRect();
                  const drawn = svg.viewBox.baseVal?.width || svg.width.baseVal.value;
                  const scale = box.width / drawn;
                  const sizes = [...svg.querySelectorAll("text")]
                    .filter((t) => (t.textContent ?? "").trim() !== "")
                    .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
                  return {
                    width: box.width,
                    left: frame.left,
                    right: frame.right,
                    smallest: sizes.length === 0 ? null : Math.min(...sizes),
                  };
                }).filter((f) => f.width > 0),
            );
            assert.ok(figures.length >= 3, `${figures.length} figures drawn`);
            for (const [i, f] of figures.entries()) {
              assert.ok(
                f.left >= 0 && f.right <= 390,
                `figure ${i + 1} leaves the screen: ${f.right}`,
              );
              assert.ok(
                f.smallest === null || f.smallest >= 10.9,
                `figure ${i + 1}: its smallest text is ${f.smallest?.toFixed(1)} px on a phone`,
              );
            }
            assert.ok(figures.some((f) => f.smallest !== null), "no figure text was measured");
            await screenshot(page, "site-02_figures-narrow");
            assertClean(traffic, "02_figures.html (narrow)");
            // display math wider than the phone scrolls in its own box, not the page
            await page.goto(`${origin}01_math_and_code.html`);
            await page.evaluate(() => document.fonts.ready);
            const math = await page.locator("main .katex-display").evaluateAll((blocks) =>
              blocks.map((b) => ({
                overflow: getComputedStyle(b).overflowX,
                fits: b.getBoundingClientRect().right <= document.documentElement.clientWidth,
              }))
            );
            assert.ok(
              math.length > 0 && math.every((m) => m.overflow === "auto" && m.fits),
              `${JSON.stringify(math)}`,
            );
            const mathOverflow = await page.evaluate(() =>
              document.documentElement.scrollWidth - document.documentElement.clientWidth
            );
            assert.ok(mathOverflow <= 0, `01_math_and_code scrolls sideways by ${mathOverflow}px`);
          } finally {
            await context.close();
          }
        },
      );

      await t.step("from disk: file:// pages load only files of the site", async () => {
        const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
        context.setDefaultTimeout(STEP_TIMEOUT_MS);
        const requests: string[] = [];
        const errors: string[] = [];
        context.on("request", (r) => requests.push(r.url()));
        context.on("page", (p) => p.on("pageerror", (e) => errors.push(e.message)));
        try {
          const page = await context.newPage();
          const root = new URL(`file://${outDir}/`).href;
          await page.goto(`${root}02_figures.html`);
          assert.deepEqual(await vegaStates(page), ["ready", "ready", "ready", "ready"]);
          assert.equal(await page.evaluate(() => document.fonts.check("16px KaTeX_Main")), true);
          const outside = requests.filter((u) => !u.startsWith(root) && !u.startsWith("data:"));
          assert.deepEqual(outside, []);
          assert.deepEqual(errors, []);
        } finally {
          await context.close();
        }
      });
    });
  },
});

Deno.test({
  name: "browser: the nodeplotlib window draws its figures offline, asking nothing off 127.0.0.1",
  // NestJS (inside openWindow) and playwright-core keep handles for a tick after closing.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const decay = (rate: number) => Array.from({ length: 40 }, (_, t) => 1 / (1 + rate * t));
    const fig = await lineChart(
      { "η = 0.05": decay(0.05), "η = 0.1": decay(0.1), "η = 0.2": decay(0.2) },
      { yScale: "log" },
    );
    const surface = await lossSurface((x, y) => x * x + 3 * y * y, {
      xDomain: [-2, 2],
      yDomain: [-1, 1],
      trajectories: [
        { name: "sgd", x: [1.5, 1, 0.5], y: [0.8, 0.3, 0.1] },
        { name: "adam", x: [-1.5, -1, -0.5], y: [0.8, 0.3, 0.1] },
      ],
    });
    const win = await openWindow([fig, surface], {
      open: false,
      closeWithPage: false,
      log: false,
    });
    let browser: Browser | null = null;
    try {
      browser = await launch();
      const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      const traffic = await watch(context, win.url);
      const page = await context.newPage();
      await page.goto(win.url);
      const plot = page.locator(".js-plotly-plot");
      await plot.nth(1).waitFor({ state: "visible" });
      await page.locator(".js-plotly-plot .scatterlayer .trace").first().waitFor();
      // both drawn: the surface's two paths too (errors of the first change came before)
      await plot.nth(1).locator(".scatterlayer .trace").nth(1).waitFor();
      assert.equal(await plot.count(), 2);
      const line = plot.first();
      assert.equal(await line.locator(".scatterlayer .trace").count(), 3, "one trace per series");
      assert.equal(await line.locator(".legend .traces").count(), 3, "one legend entry each");
      for (const trace of await line.locator(".scatterlayer .trace path.js-line").all()) {
        const d = await trace.getAttribute("d");
        // curved on the log axis, so plotly keeps many vertices
        assert.ok((d ?? "").split("L").length > 10, `a line with points, got d="${d}"`);
      }
      const { width, height } = await size(line.locator(".main-svg").first());
      assert.ok(width > 300 && height > 200, `plot is ${width}×${height}`);
      // plotly.js itself came from the window's own server
      assert.ok(traffic.requests.some((u) => u.startsWith(win.url) && /plotly-.*\.js$/.test(u)));
      // nothing else was asked of any other host: no script, no web font
      assert.deepEqual(traffic.outside, []);
      assert.deepEqual(traffic.broken, []);
      // and nothing was logged (nodeplotlib's plot component used to throw on its first change)
      assert.deepEqual(traffic.errors, []);
      // the toolbar's icon is drawn, not its font ligature's text ("tip…")
      const icon = await page.locator("mat-toolbar mat-icon").evaluate((el) => {
        const style = getComputedStyle(el);
        const range = document.createRange();
        range.selectNodeContents(el);
        return {
          textWidth: range.getBoundingClientRect().width,
          width: el.getBoundingClientRect().width,
          background: style.backgroundImage,
        };
      });
      assert.equal(icon.textWidth, 0, "the icon's ligature text takes no room");
      assert.ok(icon.width >= 16 && icon.background.includes("data:image/svg+xml"), `${icon}`);
      // the surface's legend (the paths) sits clear of its w₁ axis title
      const legend = await plot.nth(1).locator(".legend").boundingBox();
      const title = await plot.nth(1).locator(".xtitle").boundingBox();
      assert.ok(legend && title, "the surface has a legend and an x-axis title");
      const overlap = legend.x < title.x + title.width && title.x < legend.x + legend.width &&
        legend.y < title.y + title.height && title.y < legend.y + legend.height;
      assert.ok(!overlap, `legend ${JSON.stringify(legend)} overlaps ${JSON.stringify(title)}`);
      await screenshot(page, "nodeplotlib-window");
      await context.close();
    } finally {
      await browser?.close();
      await win.close();
    }
  },
});
