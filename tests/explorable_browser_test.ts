/**
 * Explorables in a real browser: two lessons with explorables (06 · EMA, closed forms; 05 ·
 * Momentum, a grid of precomputed runs) are run and built into a temporary site, served from
 * 127.0.0.1 and opened in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core). Moving a slider (setting the range input and dispatching `input` and `change`,
 * as a drag does) must redraw the chart the way the slider says, and no request may leave
 * 127.0.0.1. Screenshots go to test-artifacts/.
 *
 * Chromium missing is a failure with an install hint, never a skip.
 */

import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { seriesColors } from "@better-gradients/lib/plot";
import { openPage, screenshot, STEP_TIMEOUT_MS, withBuiltSite } from "./_browser.ts";

const LESSONS = decodeURIComponent(new URL("../notebooks/", import.meta.url).pathname);
const NOTEBOOKS = ["05_momentum.ipynb", "06_ema.ipynb"].map((name) => LESSONS + name);

/** The colours of the lessons' series, from the course's one colour registry (lib/plot/theme.ts). */
const [GD, MOMENTUM, MOMENTUM_WEIGHTS] = seriesColors([
  "gradient descent",
  "momentum",
  "weight α^k",
]);
const [CORRECTED, RAW] = seriesColors(["bias-corrected", "raw"]);

/** Sets a range input the way a drag ends: the value, then `input` and `change`. */
async function slide(figure: Locator, label: string, value: number): Promise<void> {
  const input = figure.locator(".vega-bind", { hasText: label }).locator("input[type=range]");
  assert.equal(await input.count(), 1, `one slider labelled ${label}`);
  await input.evaluate((el: HTMLInputElement, v: number) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, value);
}

/** Lengths in pixels of the stems (rule marks) of one colour inside the figure's live chart. */
async function stems(figure: Locator, colour: string): Promise<number[]> {
  return await figure.locator(`.vega-live g.mark-rule.role-mark line[stroke="${colour}"]`)
    .evaluateAll((lines) =>
      lines.map((l) => (l as SVGGraphicsElement).getBoundingClientRect().height)
    );
}

/** The title lines of the live chart (the second shows the slider settings). */
async function titleText(figure: Locator): Promise<string> {
  return await figure.locator(".vega-live .role-title-text text").evaluate((t) =>
    Array.from(t.querySelectorAll("tspan")).map((s) => s.textContent).join(" | ")
  );
}

/** Waits until `check` holds for the figure, or fails after the step timeout. */
async function until(page: Page, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await page.waitForTimeout(50);
  }
}

Deno.test({
  name: "explorables in the built pages: sliders redraw the charts, offline",
  // playwright-core keeps its pipe to the browser open until the process has exited.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    await withBuiltSite(NOTEBOOKS, "bg-explorable-test-", async ({ origin, browser }) => {
      // `count`: the page's explorables; the steps below drive the first one.
      const open = async (file: string, count: number) => {
        const { context, page, traffic } = await openPage(browser, origin, file);
        await page.waitForSelector("html[data-vega-done]");
        const all = page.locator("figure.output-vega:has(.vega-bindings input[type=range])");
        assert.equal(await all.count(), count, `${file} has ${count} explorable(s)`);
        const figure = all.first();
        assert.equal(await figure.getAttribute("data-vega-state"), "ready");
        await figure.scrollIntoViewIfNeeded();
        return { context, page, traffic, figure };
      };

      await t.step(
        "06 · EMA: t sets the number of weights, α the length of their tail",
        async () => {
          const { context, page, traffic, figure } = await open("06_ema.html", 1);
          try {
            // the default: α = 0.9, t = 4, so five weights per series, the raw ones shorter
            assert.equal(
              await titleText(figure),
              "EMA weights with and without bias correction | α = 0.90 · t = 4",
            );
            const corrected = await stems(figure, CORRECTED);
            const raw = await stems(figure, RAW);
            assert.equal(corrected.length, 5);
            assert.equal(raw.length, 5);
            raw.forEach((h, s) =>
              assert.ok(h > 1 && h < corrected[s], `stem ${s}: ${h} vs ${corrected[s]}`)
            );
            await screenshot(figure, "explorable-06_ema-default");

            await slide(figure, "t", 39);
            await until(
              page,
              "40 raw weights",
              async () => (await stems(figure, RAW)).length === 40,
            );
            // a longer tail for a larger α: count the raw weights drawn taller than 1 px
            const tail = async () => (await stems(figure, RAW)).filter((h) => h > 1).length;
            await slide(figure, "α", 0.5);
            await until(
              page,
              "α = 0.50 in the title",
              async () => (await titleText(figure)).endsWith("α = 0.50 · t = 39"),
            );
            const short = await tail();
            await screenshot(figure, "explorable-06_ema-alpha-0.5");
            await slide(figure, "α", 0.9);
            await until(
              page,
              "α = 0.90 in the title",
              async () => (await titleText(figure)).endsWith("α = 0.90 · t = 39"),
            );
            const long = await tail();
            await screenshot(figure, "explorable-06_ema-alpha-0.9");
            // α^k(1 − α)·(plot height / 1.05) > 1 px: k ≤ 6 for α = 0.5, k ≤ 29 for α = 0.9
            assert.ok(short >= 5 && short <= 9, `α = 0.5: ${short} weights taller than 1 px`);
            assert.ok(long >= 25, `α = 0.9: ${long} weights taller than 1 px`);
            // the view agrees with the sliders
            const signals = await figure.evaluate((f) => {
              const view =
                (f as unknown as { vegaView: { signal(name: string): number } }).vegaView;
              return [view.signal("alpha"), view.signal("t")];
            });
            assert.deepEqual(signals, [0.9, 39]);
            assert.deepEqual(traffic.outside, [], "requests outside 127.0.0.1");
            assert.deepEqual(traffic.errors, []);
            assert.ok(traffic.requests.some((u) => u === `${origin}assets/vega/vega-embed.min.js`));
          } finally {
            await context.close();
          }
        },
      );

      await t.step(
        "05 · Momentum: with α = 0 the momentum path is gradient descent's",
        async () => {
          const { context, page, traffic, figure } = await open("05_momentum.html", 2);
          try {
            const path = (colour: string) =>
              figure.locator(
                `.vega-live path[aria-roledescription="line mark"][stroke="${colour}"]`,
              )
                .getAttribute("d");
            const gd = await path(GD);
            const momentum = await path(MOMENTUM);
            assert.ok(gd && momentum && gd.split("L").length === 41, "two paths of 41 points");
            assert.notEqual(momentum, gd);
            await screenshot(figure, "explorable-05_momentum-default");
            await slide(figure, "α", 0);
            await until(
              page,
              "momentum's path redrawn",
              async () => (await path(MOMENTUM)) !== momentum,
            );
            assert.equal(await path(MOMENTUM), gd);
            assert.equal(await path(GD), gd, "gradient descent does not depend on α");
            // the weights panel: α^0 = 1, every older weight 0
            const weights = await stems(figure, MOMENTUM_WEIGHTS);
            assert.equal(weights.length, 30);
            assert.equal(
              weights.filter((h) => h > 1).length,
              1,
            );
            await screenshot(figure, "explorable-05_momentum-alpha-0");
            // a larger η moves gradient descent's path
            await slide(figure, "η", 0.1);
            await until(
              page,
              "gradient descent redrawn",
              async () => (await path(GD)) !== gd,
            );
            assert.deepEqual(traffic.outside, [], "requests outside 127.0.0.1");
            assert.deepEqual(traffic.errors, []);
          } finally {
            await context.close();
          }
        },
      );
    });
  },
});
