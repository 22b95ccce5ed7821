/**
 * The site build (`deno task build`): the fixture notebooks in tests/fixtures/site/ are run with
 * Jupyter and the Deno kernel, built into a temporary folder, and the HTML is read back with an
 * HTML parser. Smaller steps check the renderers on their own, without Jupyter.
 */

import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { buildSite, pageName, SITE_MARKER } from "../tools/build.ts";
import { executedNotebook, notebookKey, VARIANT_TAG, withoutTagged } from "../tools/executed.ts";
import { formatResult, type Notebook } from "../tools/notebook.ts";
import { VEGA_SCRIPTS } from "../tools/build/assets.ts";
import { indexPage, titleNumber } from "../tools/build/page.ts";
import { escapeHtml, Slugger, stripAnsi } from "../tools/build/html.ts";
import { createMarkdown, firstHeading } from "../tools/build/markdown.ts";
import { MathRenderer } from "../tools/build/math.ts";
import { externalResources, isExternalUrl, siteLinks } from "../tools/build/offline.ts";
import { type OutputContext, renderOutputs } from "../tools/build/outputs.ts";
import { inlineSvg } from "../tools/build/svg.ts";

const FIXTURES = decodeURIComponent(new URL("./fixtures/site/", import.meta.url).pathname);
const NOTEBOOKS = ["01_math_and_code.ipynb", "02_figures.ipynb", "03_errors.ipynb"]
  .map((name) => FIXTURES + name);
const TITLES = ["Math and code", "Figures", "When cells fail"];

type Doc = ReturnType<typeof parseHTML>["document"];
type El = NonNullable<ReturnType<Doc["querySelector"]>>;

/** The first element matching `selector`; fails the test when there is none. */
function one(root: Doc | El, selector: string): El {
  const el = root.querySelector(selector);
  assert.ok(el, `nothing matches ${selector}`);
  return el;
}

/** An attribute that must be there. */
function attr(el: El, name: string): string {
  const value = el.getAttribute(name);
  assert.ok(value !== null, `<${el.localName}> has no ${name}`);
  return value;
}

function parse(html: string): Doc {
  return parseHTML(html).document;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Every address an element would fetch or a reader could follow, with what holds it. */
function addresses(doc: Doc): { element: string; attribute: string; url: string }[] {
  const found: { element: string; attribute: string; url: string }[] = [];
  for (const el of doc.querySelectorAll("*")) {
    for (const attribute of ["src", "href", "xlink:href", "srcset", "poster", "data"]) {
      const value = el.getAttribute(attribute);
      if (value === null) continue;
      const urls = attribute === "srcset"
        ? value.split(",").map((s: string) => s.trim().split(/\s+/)[0])
        : [value];
      for (const url of urls) found.push({ element: el.localName, attribute, url });
    }
    const style = el.getAttribute("style");
    if (style !== null) {
      for (const m of style.matchAll(/url\(\s*['"]?([^'")]+)/g)) {
        found.push({ element: el.localName, attribute: "style", url: m[1] });
      }
    }
  }
  for (const style of doc.querySelectorAll("style")) {
    for (const m of style.textContent.matchAll(/url\(\s*['"]?([^'")]+)/g)) {
      found.push({ element: "style", attribute: "url", url: m[1] });
    }
  }
  return found;
}

const REMOTE = /^\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i;

function outputContext(): OutputContext {
  const math = new MathRenderer();
  let n = 0;
  return {
    markdown: createMarkdown({ math, slugger: new Slugger() }),
    math,
    uniqueId: (prefix) => `${prefix}${++n}`,
    usesVega: false,
    warnings: [],
  };
}

Deno.test("build: the fixture notebooks become an offline static site", async (t) => {
  const outDir = await Deno.makeTempDir({ prefix: "bg-build-test-" });
  try {
    const result = await buildSite({ notebooks: NOTEBOOKS, outDir, log: () => {} });
    const read = (file: string) => Deno.readTextFile(`${outDir}/${file}`);
    const pages = await Promise.all(result.pages.map(async (p) => parse(await read(p.href))));
    const index = parse(await read("index.html"));

    await t.step("every notebook ran and rendered without a problem", () => {
      assert.deepEqual(result.problems, []);
      assert.deepEqual(result.pages.map((p) => p.ok), [true, true, true]);
      assert.deepEqual(result.pages.map((p) => p.title), TITLES);
      assert.deepEqual(result.pages.map((p) => p.href), NOTEBOOKS.map(pageName));
    });

    await t.step("the index links every page, in order, with its title", () => {
      const links = [...index.querySelectorAll("ol.lessons > li > a")];
      assert.deepEqual(links.map((a) => a.getAttribute("href")), result.pages.map((p) => p.href));
      assert.deepEqual(
        links.map((a) => one(a, ".lesson-title").textContent.trim()),
        TITLES,
      );
      // the first paragraph is the summary, with its math rendered
      const summary = one(index, "ol.lessons > li .lesson-summary");
      assert.match(summary.textContent, /Gradient descent moves the weights/);
      assert.ok(summary.querySelector(".katex"));
    });

    await t.step("each page's title is its notebook's first heading", () => {
      pages.forEach((doc, i) => {
        assert.equal(one(doc, "main h1").textContent.replace(/#$/, ""), TITLES[i]);
        assert.match(doc.title, new RegExp(`^${TITLES[i]} · `));
      });
    });

    await t.step("pages link to their neighbours and to index.html", () => {
      pages.forEach((doc, i) => {
        assert.equal(attr(one(doc, ".site-title"), "href"), "index.html");
        const prev = doc.querySelector("a[rel=prev]")?.getAttribute("href") ?? null;
        const next = doc.querySelector("a[rel=next]")?.getAttribute("href") ?? null;
        assert.equal(prev, i > 0 ? result.pages[i - 1].href : null);
        assert.equal(next, i < pages.length - 1 ? result.pages[i + 1].href : null);
      });
    });

    await t.step("math is KaTeX markup: inline, display, aligned, bare environments", () => {
      const doc = pages[0];
      const tex = [...doc.querySelectorAll(".katex annotation")].map((a) => a.textContent);
      assert.ok(tex.includes("w_{t+1} = w_t - \\eta \\nabla f(w_t)"), tex.join("\n"));
      assert.ok(tex.includes("\\epsilon = 10^{-8}"), "\\( \\) is inline math");
      assert.ok(tex.some((s) => s.includes("\\begin{aligned}") && s.includes("\\\\")));
      assert.ok(tex.some((s) => s.startsWith("\\begin{align}")));
      assert.equal(doc.querySelectorAll(".katex-display").length, 2);
      assert.equal(doc.querySelectorAll(".katex-error").length, 0);
      // "prices like $5 or $10" stay text
      assert.match(one(doc, "main").textContent, /prices like \$5 or \$10/);
      // math inside a text/markdown output is rendered too
      const table = one(doc, ".output-markdown table");
      assert.equal(table.querySelector("th .katex annotation")?.textContent, "\\eta_t");
    });

    await t.step("code is highlighted as TypeScript at build time", () => {
      const code = one(pages[0], ".cell-input code.language-typescript");
      assert.ok(code);
      assert.ok(code.querySelector(".hljs-keyword"), "const is a keyword span");
    });

    await t.step("outputs: stdout, text/html, text/plain, stderr", () => {
      const outputs = [...pages[0].querySelectorAll(".cell-outputs")];
      assert.equal(one(outputs[0], ".output-stdout").textContent, "step size 0.1");
      assert.deepEqual(
        [...outputs[2].querySelectorAll(".output-html td")].map((td) => td.textContent),
        ["sgd", "0.25", "adam", "0.125"],
      );
      assert.equal(
        one(outputs[3], ".output-text").textContent,
        "{ lr: 0.1, betas: [ 0.9, 0.999 ] }",
      );
      const stderr = one(pages[2], ".output-stderr");
      assert.equal(stderr?.textContent, "warning: this goes to stderr");
    });

    await t.step("an error cell is shown in a visible error box", () => {
      const errors = [...pages[2].querySelectorAll(".output-error")];
      assert.equal(errors.length, 1);
      assert.match(
        errors[0].textContent,
        /^RangeError: `lr` must be a finite number > 0, got -1\n\s+at /,
      );
      assert.equal(errors[0].closest("[hidden], details:not([open])"), null);
      // execution went on after it
      assert.match(one(pages[2], "main").textContent, /keeps running after/);
    });

    await t.step("cell tags: remove-cell drops a cell, hide-input folds the code", () => {
      const text = one(pages[2], "main").textContent;
      assert.doesNotMatch(text, /plumbing a reader does not need/);
      const folded = one(pages[2], "details.fold");
      assert.equal(one(folded, "summary").textContent, "Show code");
      assert.match(folded.textContent, /console\.log/);
      assert.match(text, /output shown, code folded/);
    });

    await t.step("figures: inline SVG with every series, live Vega-Lite with SVG fallback", () => {
      const doc = pages[1];
      const vega = [...doc.querySelectorAll("figure.output-vega")];
      assert.equal(vega.length, 4);
      // a hand-made bundle keeps its SVG (three series) as the fallback
      assert.equal(vega[0].querySelectorAll(".vega-fallback svg path.series").length, 3);
      const spec = JSON.parse(one(vega[0], "script.vega-spec").textContent);
      assert.equal(spec.mark, "line");
      assert.equal(new Set(spec.data.values.map((v: { lr: string }) => v.lr)).size, 3);
      assert.equal(vega[0].getAttribute("data-vega-mode"), "vega-lite");
      // so does the library's lineChart: its SVG, drawn by Vega, has one line per series
      assert.equal(vega[1].querySelectorAll(".vega-fallback svg .mark-line path").length, 3);
      assert.equal(
        vega[1].querySelectorAll(".vega-fallback svg .role-legend-symbol path").length,
        3,
      );
      // the hand-made explorable has no SVG; its text is the fallback
      assert.ok(vega[2].querySelector(".vega-fallback .output-text"));
      // the library's explorable: a slider bound to α, its SVG (at α = 0.9) as the fallback
      const params = JSON.parse(one(vega[3], "script.vega-spec").textContent).params;
      assert.ok(
        params.some((p: { name: string; bind?: { input: string } }) =>
          p.name === "alpha" && p.bind?.input === "range"
        ),
      );
      assert.ok(vega[3].querySelector(".vega-fallback svg"));
      // the SVG-only figure is inline, two series
      const plain = doc.querySelectorAll(".cell-outputs > .output-svg svg");
      assert.equal(plain.length, 1);
      assert.equal(plain[0].querySelectorAll("path.series").length, 2);
      // ids are unique on the page although both figures define clipPath#plot
      const ids = [...doc.querySelectorAll("[id]")].map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length, ids.join(" "));
      for (const path of doc.querySelectorAll("path.series")) {
        const ref = /url\(#([^)]+)\)/.exec(attr(path, "clip-path"))![1];
        const svg = path.closest("svg");
        assert.ok(svg?.querySelector(`[id="${ref}"]`), `${ref} is in its svg`);
      }
    });

    await t.step("the Vega scripts load once, only on pages with Vega figures", () => {
      const scripts = pages.map((doc) =>
        [...doc.querySelectorAll("script[src]")].map((s) => s.getAttribute("src"))
      );
      assert.deepEqual(scripts[1], [...VEGA_SCRIPTS, "assets/site.js"]);
      assert.deepEqual(scripts[0], []);
      assert.deepEqual(scripts[2], []);
      assert.deepEqual(index.querySelectorAll("script").length, 0);
    });

    await t.step("Markdown: notebook links become page links, attachments are inlined", () => {
      const link = [...pages[0].querySelectorAll("main a")].find((a) =>
        a.textContent === "figures"
      );
      assert.equal(link?.getAttribute("href"), "02_figures.html");
      const img = one(pages[0], 'img[alt="a blue dot"]');
      assert.match(attr(img, "src"), /^data:image\/svg\+xml;base64,/);
    });

    await t.step("nothing is loaded from the network or from file://", async () => {
      const docs = [index, ...pages];
      for (const doc of docs) {
        for (const { element, attribute, url } of addresses(doc)) {
          if (element === "a") continue; // a link the reader follows, not a resource
          assert.doesNotMatch(url, REMOTE, `<${element} ${attribute}="${url}">`);
          assert.doesNotMatch(url, /^\s*(https?|file|ftp):/i, `<${element} ${attribute}="${url}">`);
          assert.ok(!url.startsWith("/"), `<${element} ${attribute}="${url}"> is absolute`);
        }
      }
      for (const css of ["assets/site.css", "assets/highlight.css", "assets/katex/katex.min.css"]) {
        for (const m of (await read(css)).matchAll(/url\(\s*['"]?([^'")]+)/g)) {
          assert.doesNotMatch(m[1], /^\s*([a-z][a-z0-9+.-]*:)?\/\//i, `${css}: url(${m[1]})`);
          assert.doesNotMatch(m[1], /^\s*(https?|file):/i, `${css}: url(${m[1]})`);
        }
      }
    });

    await t.step("every local address on every page and in every stylesheet exists", async () => {
      const docs = [["index.html", index], ...result.pages.map((p, i) => [p.href, pages[i]])];
      let checked = 0;
      for (const [file, doc] of docs as [string, Doc][]) {
        for (const { url } of addresses(doc)) {
          if (url.startsWith("#") || url.startsWith("data:") || REMOTE.test(url)) continue;
          if (/^[a-z][a-z0-9+.-]*:/i.test(url)) continue; // mailto: and the like
          const path = decodeURIComponent(url.split(/[?#]/)[0]);
          assert.ok(await exists(`${outDir}/${path}`), `${file} refers to missing ${path}`);
          checked++;
        }
      }
      assert.ok(checked >= 20, `only ${checked} addresses checked`);
      const cssDir = `${outDir}/assets/katex`;
      const fonts = [...(await read("assets/katex/katex.min.css")).matchAll(/url\(([^)]+)\)/g)];
      assert.ok(fonts.length >= 20, "KaTeX's CSS refers to its fonts");
      for (const [, url] of fonts) {
        assert.ok(await exists(`${cssDir}/${url.replace(/['"]/g, "")}`), `font ${url}`);
      }
      for (const file of [...VEGA_SCRIPTS, "assets/site.js", "assets/licenses/vega.txt"]) {
        assert.ok((await Deno.stat(`${outDir}/${file}`)).size > 0, file);
      }
    });

    await t.step("the notebooks are offered for download as committed", async () => {
      for (const [i, doc] of pages.entries()) {
        const href = attr(one(doc, 'a[download][href^="notebooks/"]'), "href");
        assert.equal(
          await read(decodeURIComponent(href)),
          await Deno.readTextFile(NOTEBOOKS[i]),
        );
      }
    });

    await t.step("a second build replaces the first; a partial build links ahead", async () => {
      await Deno.writeTextFile(`${outDir}/stale.html`, "old");
      const lines: string[] = [];
      const again = await buildSite({
        notebooks: NOTEBOOKS.slice(0, 1),
        outDir,
        execute: false,
        log: (line) => lines.push(line),
      });
      assert.deepEqual(again.problems, []);
      // 01 links to 02, which exists but is not built this time: the link points to its page
      const html = await read("01_math_and_code.html");
      assert.match(html, /<a href="02_figures\.html">figures<\/a>/);
      assert.deepEqual(lines, [
        "note: 01_math_and_code.html links to 02_figures.html, whose notebook this build left out",
      ]);
      assert.equal(await exists(`${outDir}/stale.html`), false);
      assert.equal(await exists(`${outDir}/02_figures.html`), false);
      assert.equal(await exists(`${outDir}/${SITE_MARKER}`), true);
    });
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("build: problems make the build fail and say where", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "bg-build-problems-" });
  const nb = (cells: unknown[]) =>
    JSON.stringify({
      cells,
      metadata: { kernelspec: { name: "deno", language: "typescript", display_name: "Deno" } },
      nbformat: 4,
      nbformat_minor: 5,
    });
  try {
    await t.step("math that does not parse names the notebook and cell", async () => {
      await Deno.writeTextFile(
        `${dir}/bad_math.ipynb`,
        nb([
          { cell_type: "markdown", metadata: {}, source: "# Bad math" },
          { cell_type: "markdown", metadata: {}, source: "Broken: $\\frac{1}{$." },
        ]),
      );
      const result = await buildSite({
        notebooks: [`${dir}/bad_math.ipynb`],
        outDir: `${dir}/site1`,
        execute: false,
        log: () => {},
      });
      assert.equal(result.problems.length, 1);
      assert.match(result.problems[0], /^bad_math\.ipynb: cell 2: math does not parse: /);
      assert.equal(result.pages[0].ok, false);
      // the page is still written, the bad formula shown in red
      const html = await Deno.readTextFile(`${dir}/site1/bad_math.html`);
      assert.match(html, /class="katex-error"/);
    });

    await t.step("an output that would load from the network is reported", async () => {
      await Deno.writeTextFile(
        `${dir}/remote.ipynb`,
        nb([
          { cell_type: "markdown", metadata: {}, source: "# Remote" },
          {
            cell_type: "code",
            metadata: {},
            source: "x",
            execution_count: 1,
            outputs: [{
              output_type: "display_data",
              metadata: {},
              data: { "text/html": '<script src="https://cdn.example/x.js"></script>' },
            }],
          },
        ]),
      );
      const result = await buildSite({
        notebooks: [`${dir}/remote.ipynb`],
        outDir: `${dir}/site2`,
        execute: false,
        log: () => {},
      });
      assert.deepEqual(result.problems, [
        'remote.html: <script src="https://cdn.example/x.js"> loads from outside the site',
      ]);
      assert.equal(result.pages[0].ok, false);
    });

    await t.step("a missing image is reported", async () => {
      await Deno.writeTextFile(
        `${dir}/image.ipynb`,
        nb([{ cell_type: "markdown", metadata: {}, source: "# I\n\n![x](img/none.png)" }]),
      );
      const result = await buildSite({
        notebooks: [`${dir}/image.ipynb`],
        outDir: `${dir}/site3`,
        execute: false,
        log: () => {},
      });
      assert.equal(result.problems.length, 1);
      assert.match(result.problems[0], /^image\.ipynb: image .*img\/none\.png could not be copied/);
    });

    await t.step("a link that leads nowhere in the site is reported", async () => {
      await Deno.writeTextFile(
        `${dir}/links.ipynb`,
        nb([{
          cell_type: "markdown",
          metadata: {},
          source:
            "# L\n\n[self](links.ipynb#l), [code](../lib/mod.ts), [web](https://example.org), " +
            "[root](/etc/hosts), [top](#l)",
        }]),
      );
      const result = await buildSite({
        notebooks: [`${dir}/links.ipynb`],
        outDir: `${dir}/site5`,
        execute: false,
        log: () => {},
      });
      // the index shows the first paragraph, links and all
      assert.deepEqual(result.problems, [
        'links.html: the link to "../lib/mod.ts" leads nowhere in the site',
        'links.html: the link to "/etc/hosts" leads nowhere in the site',
        'index.html: the link to "../lib/mod.ts" leads nowhere in the site',
        'index.html: the link to "/etc/hosts" leads nowhere in the site',
      ]);
      assert.equal(result.pages[0].ok, false);
    });

    await t.step("a folder that is not an earlier site is left alone", async () => {
      await Deno.mkdir(`${dir}/precious`);
      await Deno.writeTextFile(`${dir}/precious/keep.txt`, "mine");
      await assert.rejects(
        buildSite({
          notebooks: [`${dir}/image.ipynb`],
          outDir: `${dir}/precious`,
          execute: false,
          log: () => {},
        }),
        /refusing to write into .*precious/,
      );
      assert.equal(await Deno.readTextFile(`${dir}/precious/keep.txt`), "mine");
    });

    await t.step("two notebooks with one page name are refused", async () => {
      await Deno.mkdir(`${dir}/other`);
      await Deno.copyFile(`${dir}/image.ipynb`, `${dir}/other/image.ipynb`);
      await assert.rejects(
        buildSite({
          notebooks: [`${dir}/image.ipynb`, `${dir}/other/image.ipynb`],
          outDir: `${dir}/site4`,
          execute: false,
          log: () => {},
        }),
        /would both become image\.html/,
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("build: Markdown with math", async (t) => {
  const render = (md: string) => {
    const math = new MathRenderer();
    const html = createMarkdown({ math, slugger: new Slugger() })(md);
    return {
      html,
      tex: [...parse(html).querySelectorAll("annotation")].map((a) => a.textContent),
      math,
    };
  };

  await t.step("inline $…$ keeps _ and * away from Markdown", () => {
    const { tex, html } = render("Take $a_1 * b_2$ and *this* $c_3$.");
    assert.deepEqual(tex, ["a_1 * b_2", "c_3"]);
    assert.match(html, /<em>this<\/em>/);
  });

  await t.step("dollar amounts, escaped dollars and code spans are not math", () => {
    const { tex, html } = render("It costs $5 and $10, or \\$3. `$x$` and $ y $ too.");
    assert.deepEqual(tex, []);
    assert.match(html, /costs \$5 and \$10, or \$3\. <code>\$x\$<\/code> and \$ y \$ too\./);
  });

  await t.step("display math keeps \\\\ and & for aligned environments", () => {
    const { tex, html } = render("$$\n\\begin{aligned}\na &= b \\\\\nc &= d\n\\end{aligned}\n$$");
    assert.deepEqual(tex, ["\\begin{aligned}\na &= b \\\\\nc &= d\n\\end{aligned}"]);
    assert.match(html, /^<div class="math-display"><span class="katex-display">/);
  });

  await t.step("\\[…\\], \\(…\\), $$ inline and bare \\begin{equation}", () => {
    const { tex } = render(
      "A \\(x\\) and \\[y\\] and $$z$$.\n\n\\begin{equation}\nE = mc^2\n\\end{equation}",
    );
    assert.deepEqual(tex, ["x", "y", "z", "\\begin{equation}\nE = mc^2\n\\end{equation}"]);
  });

  await t.step("\\newcommand carries over to later formulas on the page", () => {
    const { tex, math } = render("$\\newcommand{\\loss}{\\mathcal{L}}$ then $\\loss(w)$");
    assert.equal(tex.length, 2);
    assert.deepEqual(math.problems, []);
  });

  await t.step("headings get unique ids; the first heading is the title", () => {
    const { html } = render("# Intro $\\eta$\n\n## Intro $\\eta$");
    const ids = [...parse(html).querySelectorAll("h1, h2")].map((h) => h.id);
    assert.deepEqual(ids, ["intro-eta", "intro-eta-1"]);
    assert.deepEqual(firstHeading("```\n# not this\n```\n\nSome *text*\n\n## The $\\eta$ one"), {
      depth: 2,
      text: "The \\eta one",
      source: "The $\\eta$ one",
    });
  });

  await t.step("fenced code is highlighted by its language", () => {
    const { html } = render("```ts\nconst x = 1;\n```");
    assert.match(html, /<code class="hljs language-typescript"><span class="hljs-keyword">const/);
  });
});

Deno.test("build: outputs", async (t) => {
  await t.step("consecutive stream chunks join; \\r keeps the last write; ANSI stripped", () => {
    const ctx = outputContext();
    const html = renderOutputs([
      { output_type: "stream", name: "stdout", text: "a\n" },
      { output_type: "stream", name: "stdout", text: ["b 10%\rb 100%\n"] },
      { output_type: "stream", name: "stderr", text: "\x1b[33mwarn\x1b[39m\n" },
    ], ctx);
    const doc = parse(html);
    assert.equal(one(doc, ".output-stdout").textContent, "a\nb 100%");
    assert.equal(one(doc, ".output-stderr").textContent, "warn");
  });

  await t.step("the richest MIME type wins; Vega-Lite keeps the SVG as its fallback", () => {
    const ctx = outputContext();
    const html = renderOutputs([{
      output_type: "display_data",
      data: {
        "text/plain": "fig",
        "image/svg+xml": '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4" ' +
          'height="2"><script>alert(1)</script><rect id="r" onclick="x()"/></svg>',
        "application/vnd.vegalite.v5+json": {
          mark: "point",
          data: { values: [{ a: "</script>" }] },
        },
      },
    }], ctx);
    assert.equal(ctx.usesVega, true);
    const doc = parse(html);
    const spec = one(doc, "figure.output-vega script.vega-spec");
    assert.deepEqual(JSON.parse(spec.textContent).data.values, [{ a: "</script>" }]);
    const svg = one(doc, ".vega-fallback svg");
    assert.equal(svg.getAttribute("viewBox"), "0 0 4 2");
    assert.equal(svg.querySelector("script"), null);
    assert.equal(one(svg, "rect").getAttribute("onclick"), null);
  });

  await t.step("html, markdown, latex, png, json and plain text", () => {
    const ctx = outputContext();
    const doc = parse(renderOutputs([
      { output_type: "execute_result", data: { "text/html": "<b>x</b>", "text/plain": "x" } },
      { output_type: "display_data", data: { "text/markdown": "**m** $q$" } },
      { output_type: "display_data", data: { "text/latex": "$$\\sqrt{2}$$" } },
      { output_type: "display_data", data: { "image/png": "iVBORw0K\nGgo=" } },
      { output_type: "display_data", data: { "application/json": { a: [1] } } },
      { output_type: "execute_result", data: { "text/plain": "\x1b[33m1\x1b[39m" } },
    ], ctx));
    assert.equal(one(doc, ".output-html b").textContent, "x");
    assert.equal(one(doc, ".output-markdown strong").textContent, "m");
    assert.equal(one(doc, ".output-markdown annotation").textContent, "q");
    assert.equal(one(doc, ".output-latex annotation").textContent, "\\sqrt{2}");
    assert.equal(
      attr(one(doc, ".output-image img"), "src"),
      "data:image/png;base64,iVBORw0KGgo=",
    );
    assert.match(one(doc, ".output-json").textContent, /"a": \[\s*1\s*\]/);
    assert.equal(one(doc, ".output-text").textContent, "1");
    assert.deepEqual(ctx.warnings, []);
  });

  await t.step("an output with nothing to show is said so, and warned about", () => {
    const ctx = outputContext();
    const html = renderOutputs([{
      output_type: "display_data",
      data: { "application/vnd.jupyter.widget-view+json": {} },
    }], ctx);
    assert.match(html, /not shown here/);
    assert.equal(ctx.warnings.length, 1);
  });

  await t.step("an error shows its name, message and traceback", () => {
    const html = renderOutputs([{
      output_type: "error",
      ename: "TypeError",
      evalue: "bad <x>",
      traceback: ["\x1b[31mTypeError: bad <x>\x1b[0m", "    at f (<anonymous>:1:1)"],
    }], outputContext());
    const box = one(parse(html), ".output-error");
    assert.equal(one(box, "strong").textContent, "TypeError: bad <x>");
    assert.match(box.textContent, /at f \(<anonymous>:1:1\)$/);
  });
});

Deno.test("build: the index numbers lessons by their own numbers when they have them", () => {
  assert.deepEqual(titleNumber("05 · Momentum", "05 · Momentum"), ["05", "Momentum"]);
  assert.deepEqual(titleNumber("3. Adam $\\beta$", "3. Adam <span>β</span>"), [
    "3",
    "Adam <span>β</span>",
  ]);
  assert.equal(titleNumber("2024 in review", "2024 in review"), null);
  assert.equal(titleNumber("Momentum", "Momentum"), null);
  const doc = parse(indexPage("Course", [
    { href: "a.html", title: "00 · Start", titleHtml: "00 · Start", summaryHtml: "" },
    { href: "b.html", title: "Next", titleHtml: "Next", summaryHtml: "<p>More.</p>" },
  ]));
  const items = [...doc.querySelectorAll("li.lesson")];
  assert.deepEqual(items.map((li) => one(li, ".lesson-number").textContent), ["00", "2"]);
  assert.deepEqual(items.map((li) => one(li, ".lesson-title").textContent), ["Start", "Next"]);
  assert.equal(one(items[1], ".lesson-summary").textContent, "More.");
});

Deno.test("build: SVG tidying and offline checks", async (t) => {
  await t.step("ids get the figure's prefix, references follow", () => {
    const svg = inlineSvg(
      '<svg viewBox="0 0 1 1"><defs><clipPath id="c"><rect/></clipPath></defs>' +
        '<g clip-path="url(#c)"><use href="#c"/><use xlink:href="#other"/></g></svg>',
      { idPrefix: "f1-" },
    );
    assert.match(svg, /id="f1-c"/);
    assert.match(svg, /clip-path="url\(#f1-c\)"/);
    assert.match(svg, /<use href="#f1-c"\/>/);
    assert.match(svg, /xlink:href="#other"/, "an id the figure does not define is left alone");
    assert.equal(inlineSvg("no svg here", { idPrefix: "x" }), "");
  });

  await t.step("resources from outside the site are found; links are not resources", () => {
    const found = externalResources(
      '<a href="https://example.org">ok</a><img src="data:image/png;base64,AA">' +
        '<link rel="stylesheet" href="//cdn/x.css"><script src="file:///usr/share/x.js"></script>' +
        '<img srcset="a.png 1x, http://h/b.png 2x"><div style="background: url(\'/abs.png\')"></div>' +
        "<style>@font-face { src: url(https://f/x.woff2) }</style>" +
        '<svg><image href="http://h/i.png"/></svg><script type="application/json">' +
        '{"u": "<img src=\\"http://not-markup\\">"}</script>',
    );
    assert.deepEqual(found.map((r) => `${r.element} ${r.attribute} ${r.url}`), [
      "css url https://f/x.woff2",
      "link href //cdn/x.css",
      "script src file:///usr/share/x.js",
      "img srcset http://h/b.png",
      "div url /abs.png",
      "image href http://h/i.png",
    ]);
    assert.deepEqual(
      siteLinks(
        '<a href="b.html#x">b</a><a href="#top">t</a><a href="mailto:a@b">m</a>' +
          '<a href="https://e.org">e</a><a href="/root">r</a><link href="assets/s.css">' +
          '<!-- <a href="hidden.html"> -->',
      ),
      ["b.html#x", "/root"],
    );
    assert.equal(isExternalUrl("assets/site.css"), false);
    assert.equal(isExternalUrl("#top"), false);
    assert.equal(isExternalUrl("C:/x"), true);
  });

  await t.step("helpers: escaping and ANSI", () => {
    assert.equal(
      escapeHtml(`<a href="x">'&'</a>`),
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
    assert.equal(stripAnsi("\x1b[1;31mred\x1b[0m \x1b[2K"), "red ");
  });
});

Deno.test("build: executed notebooks are cached by content", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "bg-build-cache-" });
  const cacheDir = `${dir}/cache`;
  const nb = (title: string, code: string) =>
    JSON.stringify({
      cells: [
        { cell_type: "markdown", metadata: {}, source: `# ${title}` },
        { cell_type: "code", metadata: {}, source: code, outputs: [], execution_count: null },
      ],
      metadata: { kernelspec: { name: "deno", language: "typescript", display_name: "Deno" } },
      nbformat: 4,
      nbformat_minor: 5,
    });
  const a = `${dir}/01_a.ipynb`;
  const b = `${dir}/02_b.ipynb`;
  const build = async (cache: string | null) => {
    const result = await buildSite({
      notebooks: [a, b],
      outDir: `${dir}/site`,
      cacheDir: cache,
      log: () => {},
    });
    assert.deepEqual(result.problems, []);
    return result.pages.map((p) => p.outputs);
  };
  const page = (name: string) => Deno.readTextFile(`${dir}/site/${name}`);
  try {
    await Deno.writeTextFile(a, nb("A", 'console.log("a" + 1);'));
    await Deno.writeTextFile(b, nb("B", 'console.log("b" + 1);'));
    await t.step("a first build runs every notebook", async () => {
      assert.deepEqual(await build(cacheDir), ["ran", "ran"]);
      assert.match(await page("01_a.html"), /a1/);
    });
    await t.step(
      "a rebuild with nothing changed runs none, and shows the same outputs",
      async () => {
        assert.deepEqual(await build(cacheDir), ["cached", "cached"]);
        assert.match(await page("01_a.html"), /a1/);
        assert.match(await page("02_b.html"), /b1/);
      },
    );
    await t.step("after editing one notebook, only that one runs", async () => {
      await Deno.writeTextFile(a, nb("A", 'console.log("a" + 2);'));
      assert.deepEqual(await build(cacheDir), ["ran", "cached"]);
      assert.match(await page("01_a.html"), /a2/);
    });
    await t.step("--no-cache (cacheDir: null) runs a cached notebook again", async () => {
      const result = await buildSite({
        notebooks: [b],
        outDir: `${dir}/site`,
        cacheDir: null,
        log: () => {},
      });
      assert.deepEqual(result.pages.map((p) => p.outputs), ["ran"]);
    });
    await t.step("a failed run is not cached", async () => {
      const entries = async () =>
        (await Array.fromAsync(Deno.readDir(cacheDir))).map((e) => e.name).sort();
      const before = await entries();
      await Deno.writeTextFile(b, nb("B", 'throw new Error("b fails");'));
      const result = await buildSite({
        notebooks: [b],
        outDir: `${dir}/site`,
        cacheDir,
        log: () => {},
      });
      assert.equal(result.pages[0].outputs, "ran");
      assert.match(result.problems.join("\n"), /b fails/);
      assert.deepEqual(await entries(), before);
      assert.equal(before.length, 3, "three successful runs are cached");
    });
    await t.step(
      "a variant runs once for concurrent callers; its added cells can be stripped",
      async () => {
        const c = `${dir}/03_c.ipynb`;
        await Deno.writeTextFile(c, nb("C", 'console.log("c" + 1);'));
        const variant = {
          name: "proofs",
          make: (n: Notebook): Notebook => ({
            ...n,
            cells: [...n.cells, {
              cell_type: "code",
              source: 'console.log("proof ran");',
              metadata: { tags: [VARIANT_TAG] },
              outputs: [],
              execution_count: null,
            }],
          }),
        };
        const [first, second] = await Promise.all([
          executedNotebook(c, { cacheDir, variant }),
          executedNotebook(c, { cacheDir, variant }),
        ]);
        assert.ok(first.ok, formatResult(first));
        assert.deepEqual(second, first, "the second caller shares the first one's run");
        const text = (n: Notebook) => JSON.stringify(n.cells.map((cell) => cell.outputs ?? []));
        assert.match(text(first.executed!), /proof ran/);
        const shown = withoutTagged(first.executed!);
        assert.equal(shown.cells.length, 2);
        assert.doesNotMatch(text(shown), /proof ran/);
        assert.match(text(shown), /c1/);
        const again = await executedNotebook(c, { cacheDir, variant });
        assert.equal(again.cached, true);
        const plain = await executedNotebook(c, { cacheDir: null, variant: null });
        assert.notEqual(plain.key, first.key, "a variant is cached apart from the notebook");
        assert.doesNotMatch(text(plain.executed!), /proof ran/);
      },
    );
    await t.step(
      "the key changes with the notebook, the library's files and the variant",
      async () => {
        const text = nb("A", "1;");
        assert.equal(await notebookKey(text), await notebookKey(text));
        assert.notEqual(await notebookKey(text), await notebookKey(text + " "));
        assert.notEqual(await notebookKey(text), await notebookKey(text, "proofs"));
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
