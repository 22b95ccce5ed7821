/**
 * One executed notebook to the HTML of its page's main column.
 *
 * Cell tags, as set in Jupyter's property inspector, change what a reader sees:
 * `remove-cell` drops the cell, `remove-input` / `remove-output` drop its code or outputs, and
 * `hide-input` / `hide-output` fold them into a "Show code" / "Show output" toggle.
 *
 * @module
 */

import { highlightBlock } from "./highlight.ts";
import { escapeHtml, joinText, Slugger } from "./html.ts";
import { createMarkdown, firstHeading, firstParagraph } from "./markdown.ts";
import { MathRenderer } from "./math.ts";
import { type Output, type OutputContext, renderOutputs } from "./outputs.ts";

/** A notebook cell, as nbformat 4 stores it. */
export interface Cell {
  /** `"markdown"`, `"code"` or `"raw"`. */
  cell_type: string;
  /** The cell's text. */
  source: string | string[];
  /** Tags and other metadata. */
  metadata?: { tags?: string[]; [key: string]: unknown };
  /** For code cells: the outputs. */
  outputs?: Output[];
  /** For Markdown cells: files pasted into the cell, by name, then by MIME type (base64). */
  attachments?: Record<string, Record<string, string | string[]>>;
}

/** An nbformat 4 notebook. */
export interface NotebookDocument {
  /** The cells in order. */
  cells: Cell[];
  /** Notebook metadata (kernel, language). */
  metadata?: Record<string, unknown>;
}

/** Options for {@link renderNotebook}. */
export interface RenderNotebookOptions {
  /**
   * Rewrites a link or image address in Markdown cells (for example `02_x.ipynb` → `02_x.html`).
   * `attachment:` addresses are handled before this is called.
   */
  rewriteUrl?: (url: string, kind: "link" | "image") => string;
  /**
   * Title to use when the notebook has no heading.
   * @default {"Untitled"}
   */
  fallbackTitle?: string;
}

/** A problem met while rendering, with the 1-based cell it is in. */
export interface RenderProblem {
  /** 1-based position of the cell, counting every cell. */
  cell: number;
  /** What is wrong. */
  message: string;
}

/** A notebook rendered for its page. */
export interface RenderedNotebook {
  /** The first heading's text (math kept as TeX), for `<title>` and the index. */
  title: string;
  /** The first heading as HTML (math rendered), for the index. */
  titleHtml: string;
  /** The first paragraph as HTML, for the index; `""` when there is none. */
  summaryHtml: string;
  /** The cells as HTML. */
  body: string;
  /** True when a figure needs the Vega scripts. */
  usesVega: boolean;
  /** Math that did not parse and outputs that could not be shown. */
  problems: RenderProblem[];
}

function tagsOf(cell: Cell): Set<string> {
  const tags = cell.metadata?.tags;
  return new Set(Array.isArray(tags) ? tags : []);
}

function fold(html: string, label: string): string {
  return `<details class="fold"><summary>${label}</summary>${html}</details>`;
}

/**
 * The page body, title and summary of an executed notebook.
 *
 * @param nb The notebook, with outputs.
 * @param options Address rewriting and the fallback title.
 * @returns The rendered parts and any problems found.
 */
export function renderNotebook(
  nb: NotebookDocument,
  options: RenderNotebookOptions = {},
): RenderedNotebook {
  const math = new MathRenderer();
  const slugger = new Slugger();
  const problems: RenderProblem[] = [];
  let attachments: Cell["attachments"] = undefined;
  const rewrite = options.rewriteUrl ?? ((url: string) => url);
  const rewriteUrl = (url: string, kind: "link" | "image") => {
    if (url.startsWith("attachment:")) {
      const bundle = attachments?.[decodeURIComponent(url.slice("attachment:".length))];
      const mime = bundle ? Object.keys(bundle)[0] : undefined;
      if (bundle && mime) return `data:${mime};base64,${joinText(bundle[mime]).trim()}`;
    }
    return rewrite(url, kind);
  };
  const markdown = createMarkdown({ math, slugger, rewriteUrl });
  let ids = 0;
  const outputCtx: OutputContext = {
    markdown,
    math,
    uniqueId: (prefix) => `${prefix}${++ids}`,
    usesVega: false,
    warnings: [],
  };

  let title: string | null = null;
  let titleSource = "";
  let summarySource: string | null = null;
  const parts: string[] = [];
  nb.cells.forEach((cell, index) => {
    const tags = tagsOf(cell);
    const source = joinText(cell.source);
    const mathBefore = math.problems.length;
    const warningsBefore = outputCtx.warnings.length;
    if (cell.cell_type === "markdown") {
      if (title === null) {
        const heading = firstHeading(source);
        if (heading !== null) {
          title = heading.text;
          titleSource = heading.source;
        }
      }
      if (summarySource === null) summarySource = firstParagraph(source);
      if (!tags.has("remove-cell")) {
        attachments = cell.attachments;
        parts.push(`<section class="cell cell-markdown">\n${markdown(source)}</section>`);
        attachments = undefined;
      }
    } else if (cell.cell_type === "code" && !tags.has("remove-cell")) {
      const outputs = tags.has("remove-output") ? [] : cell.outputs ?? [];
      const hasInput = source.trim() !== "" && !tags.has("remove-input");
      if (hasInput || outputs.length > 0) {
        let input = hasInput ? highlightBlock(source.replace(/\n+$/, ""), "typescript") : "";
        if (input !== "" && tags.has("hide-input")) input = fold(input, "Show code");
        let out = renderOutputs(outputs, outputCtx);
        if (out !== "" && tags.has("hide-output")) out = fold(out, "Show output");
        parts.push(
          `<section class="cell cell-code">` +
            (input !== "" ? `<div class="cell-input">${input}</div>` : "") +
            (out !== "" ? `<div class="cell-outputs">${out}</div>` : "") +
            `</section>`,
        );
      }
    } else if (cell.cell_type === "raw") {
      const format = String(cell.metadata?.format ?? cell.metadata?.raw_mimetype ?? "");
      if (format === "text/html" && !tags.has("remove-cell")) {
        parts.push(`<section class="cell cell-raw">${source}</section>`);
      }
    }
    for (const p of math.problems.slice(mathBefore)) {
      problems.push({ cell: index + 1, message: `math does not parse: ${p.message}` });
    }
    for (const w of outputCtx.warnings.slice(warningsBefore)) {
      problems.push({ cell: index + 1, message: w });
    }
  });

  const finalTitle = title ?? options.fallbackTitle ?? "Untitled";
  // The index renders its own copy of the title and summary: a throwaway slugger and math
  // renderer keep the page's heading ids and macro state untouched.
  const inlineMd = createMarkdown({ math: new MathRenderer(), slugger: new Slugger(), rewriteUrl });
  const titleHtml = title === null
    ? escapeHtml(finalTitle)
    : inlineMd(titleSource).trim().replace(/^<p>|<\/p>$/g, "");
  const summaryHtml = summarySource === null ? "" : inlineMd(summarySource).trim();
  return {
    title: finalTitle,
    titleHtml,
    summaryHtml,
    body: parts.join("\n"),
    usesVega: outputCtx.usesVega,
    problems,
  };
}
