/**
 * The HTML around the content: the lesson page and the index page.
 *
 * Every address is relative to the site root, where every page lives, so the site works from any
 * folder, from a web server or straight from disk.
 *
 * @module
 */

import { SITE_SCRIPT, STYLESHEETS, VEGA_SCRIPTS } from "./assets.ts";
import { escapeHtml } from "./html.ts";

/** A lesson as the index and the pager show it. */
export interface PageLink {
  /** Page file name, e.g. `"01_gradient_descent.html"`. */
  href: string;
  /** Plain-text title. */
  title: string;
  /** Title as HTML (math rendered). */
  titleHtml: string;
  /** First paragraph as HTML, or `""`. */
  summaryHtml: string;
}

/** What {@link lessonPage} needs. */
export interface LessonPageOptions {
  /** The site's name, shown in the header and the window title. */
  siteTitle: string;
  /** This lesson. */
  page: PageLink;
  /** 0-based position of this lesson in the site. */
  index: number;
  /** How many lessons the site has. */
  count: number;
  /** The previous lesson, if any. */
  prev: PageLink | null;
  /** The next lesson, if any. */
  next: PageLink | null;
  /** The rendered cells. */
  body: string;
  /** Whether to load the Vega scripts (once, at the end of the page). */
  usesVega: boolean;
  /** Site path of the notebook file offered for download, or `null`. */
  notebookHref: string | null;
  /**
   * Site path of the course archive (lessons, library, deno.json, deno.lock), which runs after
   * unpacking; `null` for none.
   * @default {null}
   */
  courseHref?: string | null;
  /** A notice shown above the content (e.g. the notebook failed to run), or `null`. */
  notice: string | null;
}

function head(title: string): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    ...STYLESHEETS.map((href) => `<link rel="stylesheet" href="${href}">`),
    "</head>",
  ].join("\n");
}

function header(siteTitle: string, where: string): string {
  return `<header class="site-header"><div class="site-header-inner">` +
    `<a class="site-title" href="index.html">${escapeHtml(siteTitle)}</a>` +
    (where === "" ? "" : `<span class="site-where">${where}</span>`) +
    `</div></header>`;
}

/** A lesson page. */
export function lessonPage(o: LessonPageOptions): string {
  const pager = `<nav class="pager" aria-label="Lessons">` +
    (o.prev
      ? `<a class="pager-prev" rel="prev" href="${o.prev.href}"><span>Previous</span>${o.prev.titleHtml}</a>`
      : `<span></span>`) +
    (o.next
      ? `<a class="pager-next" rel="next" href="${o.next.href}"><span>Next</span>${o.next.titleHtml}</a>`
      : `<span></span>`) +
    `</nav>`;
  const scripts = o.usesVega
    ? [...VEGA_SCRIPTS, SITE_SCRIPT].map((src) => `<script src="${src}"></script>`).join("\n")
    : "";
  const course = o.courseHref ?? null;
  const download = course !== null
    ? `<a href="${course}" download>Download the course</a> (every lesson with its library) and ` +
      `run <code>deno task lab</code> in the unpacked folder to open it in Jupyter.` +
      (o.notebookHref === null
        ? ""
        : ` This lesson's notebook alone: <a href="${o.notebookHref}" download>download</a> ` +
          `(it runs inside the course folder).`)
    : o.notebookHref === null
    ? ""
    : `<a href="${o.notebookHref}" download>Download the notebook</a> to run it in Jupyter ` +
      `with the Deno kernel.`;
  return [
    head(`${o.page.title} · ${o.siteTitle}`),
    "<body>",
    header(
      o.siteTitle,
      `<a href="index.html" title="Lesson ${o.index + 1} of ${o.count}">All lessons</a>`,
    ),
    '<main class="notebook">',
    o.notice === null ? "" : `<div class="notice" role="alert">${o.notice}</div>`,
    o.body,
    "</main>",
    pager,
    `<footer class="site-footer">${download}</footer>`,
    scripts,
    "</body>",
    "</html>",
    "",
  ].filter((line) => line !== "").join("\n") + "\n";
}

/**
 * A title's own number, as in "05 · Momentum" or "3. Adam": the number, and the title HTML
 * without it. `null` when the title does not start with one.
 */
export function titleNumber(title: string, titleHtml: string): [string, string] | null {
  const m = /^(\d+)\s*[·.:—–-]\s+/.exec(title);
  if (m === null || !titleHtml.startsWith(m[0])) return null;
  return [m[1], titleHtml.slice(m[0].length)];
}

/**
 * The index page: every lesson in order, with its summary. A lesson whose title starts with
 * its own number ("05 · Momentum") shows that number; the others are numbered from 1.
 */
export function indexPage(
  siteTitle: string,
  pages: readonly PageLink[],
  downloads: { student: string; instructor: string } | null = null,
): string {
  const items = pages.map((p, i) => {
    const [number, titleHtml] = titleNumber(p.title, p.titleHtml) ?? [String(i + 1), p.titleHtml];
    return `<li class="lesson"><a href="${p.href}"><span class="lesson-number">${number}</span>` +
      `<span class="lesson-title">${titleHtml}</span></a>` +
      (p.summaryHtml === "" ? "" : `<div class="lesson-summary">${p.summaryHtml}</div>`) +
      `</li>`;
  });
  return [
    head(siteTitle),
    "<body>",
    header(siteTitle, ""),
    '<main class="index">',
    `<h1>${escapeHtml(siteTitle)}</h1>`,
    pages.length === 0
      ? "<p>No lessons yet.</p>"
      : `<ol class="lessons">\n${items.join("\n")}\n</ol>`,
    downloads === null
      ? ""
      : `<p class="downloads"><a href="${downloads.student}" download>Download the course</a>: ` +
        `every lesson with the library, <code>deno.json</code> and <code>deno.lock</code>; ` +
        `unpack it and run <code>deno task lab</code>. Teaching it? The ` +
        `<a href="${downloads.instructor}" download>instructor edition</a> has the solutions.</p>`,
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
