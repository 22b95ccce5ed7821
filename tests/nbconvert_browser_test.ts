/**
 * Figures where Jupyter itself shows a lesson, checked in headless Chromium:
 *
 * - Debian's `jupyter nbconvert --to html` (nbconvert 6.5, whose HTML cleaner empties inline
 *   SVG): the executed lesson is exported and every figure must be drawn, each explorable saying
 *   where its sliders work;
 * - the classic Notebook (Debian's notebook 6), serving the executed lesson on 127.0.0.1:
 *   untrusted (as a notebook executed by someone else opens), every figure's place must tell
 *   the reader to trust the notebook; trusted, every figure must be drawn.
 *
 * The lesson is executed once per test run and shared with the other tests (tools/executed.ts).
 * Chromium missing is a failure with an install hint, never a skip.
 */

import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { SLIDERS_NOTE, UNDRAWN_HINT, VEGA_LITE_MIME } from "@better-gradients/lib";
import { executedNotebook, withoutTagged } from "../tools/executed.ts";
import { findJupyter } from "../tools/jupyter.ts";
import type { Notebook } from "../tools/notebook.ts";
import { launch, screenshot, STEP_TIMEOUT_MS, watch } from "./_browser.ts";

const LESSON = decodeURIComponent(new URL("../notebooks/06_ema.ipynb", import.meta.url).pathname);

interface FigureOutput {
  explorable: boolean;
}

/** The figures among an executed notebook's outputs, in order. */
function figuresOf(nb: Notebook): FigureOutput[] {
  return nb.cells.flatMap((cell) => cell.outputs ?? []).filter((o) =>
    o.data?.[VEGA_LITE_MIME] !== undefined
  ).map((o) => {
    const params = (o.data![VEGA_LITE_MIME] as { params?: { bind?: unknown }[] }).params ?? [];
    return { explorable: params.some((p) => p.bind !== undefined) };
  });
}

/** For each image of the locator: its natural width and how many of its pixels are not blank. */
async function drawnImages(images: Locator): Promise<{ width: number; inked: number }[]> {
  return await images.evaluateAll(async (imgs) => {
    const out: { width: number; inked: number }[] = [];
    for (const img of imgs as HTMLImageElement[]) {
      await img.decode().catch(() => {});
      const canvas = document.createElement("canvas");
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      let inked = 0;
      if (canvas.width > 0 && canvas.height > 0) {
        const g = canvas.getContext("2d")!;
        g.drawImage(img, 0, 0);
        const { data } = g.getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4) {
          const a = data[i + 3];
          const light = data[i] > 240 && data[i + 1] > 240 && data[i + 2] > 240;
          if (a > 0 && !light) inked++;
        }
      }
      out.push({ width: img.naturalWidth, inked });
    }
    return out;
  });
}

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `${cmd} ${args.join(" ")} failed:\n${text}`);
  return text;
}

/** Asserts every figure of the page is drawn as an image, explorables with the sliders note. */
async function assertFiguresDrawn(
  page: Page,
  figures: FigureOutput[],
  outputSelector: string,
  label: string,
): Promise<void> {
  const outputs = page.locator(outputSelector).filter({
    has: page.locator('img[src^="data:image/svg+xml"]'),
  });
  assert.equal(await outputs.count(), figures.length, `${label}: one image per figure`);
  const drawn = await drawnImages(outputs.locator('img[src^="data:image/svg+xml"]'));
  for (const [i, d] of drawn.entries()) {
    assert.ok(d.width >= 200, `${label}: figure ${i + 1} has width ${d.width}`);
    assert.ok(d.inked > 2000, `${label}: figure ${i + 1} is blank (${d.inked} inked pixels)`);
  }
  for (const [i, f] of figures.entries()) {
    const text = await outputs.nth(i).innerText();
    assert.equal(
      text.includes(SLIDERS_NOTE),
      f.explorable,
      `${label}: figure ${i + 1} ${f.explorable ? "lacks" : "has"} the sliders note`,
    );
  }
}

/** The classic Notebook's trust database in `dir`, so the test neither reads nor changes the user's. */
function notaryArgs(dir: string): string[] {
  return [
    `--NotebookNotary.db_file=${dir}/nbsignatures.db`,
    `--NotebookNotary.secret_file=${dir}/notebook_secret`,
  ];
}

const TOKEN = "bg-classic-notebook-test";

/** Runs `body` with the classic Notebook serving `dir` on 127.0.0.1; stops it afterwards. */
async function withClassicNotebook(
  jupyter: string,
  dir: string,
  body: (origin: string) => Promise<void>,
): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const server = new Deno.Command(jupyter, {
    args: [
      "notebook",
      "--no-browser",
      "--allow-root",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      `--NotebookApp.token=${TOKEN}`,
      `--NotebookApp.notebook_dir=${dir}`,
      ...notaryArgs(dir),
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const log = (async () => {
    const chunks: string[] = [];
    for await (const c of server.stderr.pipeThrough(new TextDecoderStream())) chunks.push(c);
    return chunks.join("");
  })();
  const origin = `http://127.0.0.1:${port}/`;
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`${origin}api?token=${TOKEN}`).then((r) => {
        r.body?.cancel();
        return r.ok;
      }, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error("the classic Notebook did not start");
      await new Promise((r) => setTimeout(r, 250));
    }
    await body(origin);
  } finally {
    server.kill("SIGTERM");
    await server.status;
    const text = await log;
    if (!/Shutting down|Jupyter Notebook/.test(text)) console.error(text);
  }
}

/** Opens a notebook in the classic Notebook and waits until its outputs are drawn. */
async function openClassic(
  browser: Awaited<ReturnType<typeof launch>>,
  origin: string,
  name: string,
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const traffic = await watch(context, origin);
  const page = await context.newPage();
  await page.goto(`${origin}notebooks/${name}?token=${TOKEN}`, { waitUntil: "load" });
  await page.waitForSelector(".output_subarea", { timeout: STEP_TIMEOUT_MS });
  // the notebook renders its cells in one go; give images a moment to decode
  await page.waitForLoadState("networkidle").catch(() => {});
  // (MathJax probes fonts with about:blank, which goes nowhere)
  assert.deepEqual(
    traffic.outside.filter((o) => !o.url.startsWith("about:")),
    [],
    "the classic Notebook page stays on 127.0.0.1",
  );
  return page;
}

Deno.test({
  name: "nbconvert and the classic Notebook draw every figure of an executed lesson",
  // playwright-core keeps its pipe to the browser open until the process has exited.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const result = await executedNotebook(LESSON);
    assert.ok(result.ok && result.executed, "the lesson runs");
    const executed = withoutTagged(result.executed);
    const figures = figuresOf(executed);
    assert.ok(figures.length >= 3, `the lesson has figures (found ${figures.length})`);
    assert.ok(figures.some((f) => f.explorable), "the lesson has an explorable");
    const jupyter = await findJupyter();
    assert.ok(jupyter, "Jupyter is not installed (see README.md, Prerequisites)");
    const dir = await Deno.makeTempDir({ prefix: "bg-nbconvert-" });
    const browser = await launch();
    try {
      await Deno.writeTextFile(`${dir}/lesson.ipynb`, JSON.stringify(executed));

      await t.step("nbconvert --to html: every figure drawn, explorables say where", async () => {
        const version = (await run(jupyter, ["nbconvert", "--version"])).trim();
        await run(jupyter, ["nbconvert", "--to", "html", `${dir}/lesson.ipynb`]);
        const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
        context.setDefaultTimeout(STEP_TIMEOUT_MS);
        // nbconvert's page asks a CDN for require.js and MathJax: blocked, figures must not care
        await watch(context, `file://${dir}/`);
        const page = await context.newPage();
        await page.goto(`file://${dir}/lesson.html`, { waitUntil: "load" });
        await assertFiguresDrawn(
          page,
          figures,
          ".jp-OutputArea-output",
          `nbconvert ${version}`,
        );
        // no figure fell back to nbconvert's (emptied) inline SVG
        assert.equal(await page.locator(".jp-RenderedSVG svg").count(), 0);
        await screenshot(page, "nbconvert-06_ema");
        await context.close();
      });

      await t.step(
        "classic Notebook, untrusted: each figure says to trust the notebook",
        async () => {
          await withClassicNotebook(jupyter, dir, async (origin) => {
            const page = await openClassic(browser, origin, "lesson.ipynb");
            const hints = page.locator(".output_subarea").filter({ hasText: UNDRAWN_HINT });
            assert.equal(await hints.count(), figures.length, "one hint per figure");
            assert.equal(
              await page.locator('.output_subarea img[src^="data:image/svg"]').count(),
              0,
            );
            await screenshot(page, "classic-untrusted-06_ema");
            await page.context().close();
          });
        },
      );

      await t.step(
        "classic Notebook, trusted: every figure drawn, explorables say where",
        async () => {
          // `jupyter trust`, which Debian leaves out of its packages: sign with this test's notary
          await run("/usr/bin/python3", [
            "-c",
            "import sys, nbformat\nfrom nbformat.sign import NotebookNotary\n" +
            "n = NotebookNotary(db_file=sys.argv[1], secret_file=sys.argv[2])\n" +
            "n.sign(nbformat.read(sys.argv[3], 4))",
            `${dir}/nbsignatures.db`,
            `${dir}/notebook_secret`,
            `${dir}/lesson.ipynb`,
          ]);
          await withClassicNotebook(jupyter, dir, async (origin) => {
            const page = await openClassic(browser, origin, "lesson.ipynb");
            await assertFiguresDrawn(page, figures, ".output_subarea", "classic Notebook");
            assert.equal(
              await page.locator(".output_subarea").filter({ hasText: UNDRAWN_HINT }).count(),
              0,
            );
            await screenshot(page, "classic-trusted-06_ema");
            await page.context().close();
          });
        },
      );
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
