/**
 * Code-cell outputs to HTML.
 *
 * Each output is shown by its richest MIME type this site can show without the network:
 *
 * | MIME type | shown as |
 * | --- | --- |
 * | `application/vnd.vegalite.v5+json` (also `v4`), `application/vnd.vega.v5+json` | a live Vega chart (vega-embed, SVG renderer), with the bundle's SVG or PNG (else its next-best type) as the fallback shown until it draws and whenever scripts are off |
 * | `text/html` | the HTML as is |
 * | `text/markdown` | Markdown with math, as in Markdown cells |
 * | `text/latex` | display math |
 * | `image/svg+xml` | the SVG inline (tidied, ids made unique on the page) |
 * | `image/png`, `image/jpeg`, `image/gif` | an `<img>` with a `data:` URL |
 * | `application/json` | pretty-printed JSON |
 * | `text/plain` | preformatted text, terminal colours stripped |
 *
 * Streams (`stdout`, `stderr`) are merged as Jupyter merges them; errors are shown in a red box.
 *
 * @module
 */

import { highlightBlock } from "./highlight.ts";
import { escapeHtml, joinText, jsonForScript, stripAnsi } from "./html.ts";
import type { MathRenderer } from "./math.ts";
import { inlineSvg, legibleMinWidth } from "./svg.ts";

/** One output of a code cell, as nbformat 4 stores it. */
export interface Output {
  /** `"stream"`, `"execute_result"`, `"display_data"` or `"error"`. */
  output_type: string;
  /** For streams: `"stdout"` or `"stderr"`. */
  name?: string;
  /** For streams: the text. */
  text?: string | string[];
  /** For results and displays: one entry per MIME type. */
  data?: Record<string, unknown>;
  /** For results and displays: per-MIME metadata (image width and height, …). */
  metadata?: Record<string, unknown>;
  /** For errors: the exception's name. */
  ename?: string;
  /** For errors: the exception's message. */
  evalue?: string;
  /** For errors: the traceback lines. */
  traceback?: string[];
}

/** What rendering outputs needs from the page. */
export interface OutputContext {
  /** Renders Markdown (with math) for `text/markdown`. */
  markdown: (text: string) => string;
  /** Renders math for `text/latex`. */
  math: MathRenderer;
  /** A new id, unique on the page, starting with `prefix`. */
  uniqueId: (prefix: string) => string;
  /** Set to true when an output needs the Vega scripts on the page. */
  usesVega: boolean;
  /** Messages about outputs that could not be shown as intended. */
  warnings: string[];
}

/** MIME types of Vega and Vega-Lite specs this site makes live, with the library each needs. */
export const VEGA_MIME_TYPES: readonly string[] = [
  "application/vnd.vegalite.v5+json",
  "application/vnd.vegalite.v4+json",
  "application/vnd.vega.v5+json",
];

const DISPLAY_ORDER = [
  ...VEGA_MIME_TYPES,
  "text/html",
  "text/markdown",
  "text/latex",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "image/gif",
  "application/json",
  "text/plain",
];

/** The types a live Vega figure's fallback is taken from first, in this order. */
const STILL_IMAGES = ["image/svg+xml", "image/png", "image/jpeg", "image/gif"];

/** The MIME type an output bundle is shown as, or `null` when none can be. */
export function chooseMimeType(data: Record<string, unknown>): string | null {
  return DISPLAY_ORDER.find((mime) => data[mime] !== undefined && data[mime] !== null) ?? null;
}

function textOf(value: unknown): string {
  if (typeof value === "string" || Array.isArray(value)) return joinText(value);
  return JSON.stringify(value, null, 2);
}

function jsonOf(value: unknown): unknown {
  if (typeof value === "string" || Array.isArray(value)) return JSON.parse(joinText(value));
  return value;
}

function imageSize(output: Output, mime: string): string {
  const meta = output.metadata?.[mime] as { width?: unknown; height?: unknown } | undefined;
  let attrs = "";
  if (typeof meta?.width === "number") attrs += ` width="${meta.width}"`;
  if (typeof meta?.height === "number") attrs += ` height="${meta.height}"`;
  return attrs;
}

/** `\r` moves back to the line start, as in a terminal: keep what was written last on each line. */
function applyCarriageReturns(text: string): string {
  return text.split("\n").map((line) => {
    const parts = line.split("\r");
    const visible = parts.filter((p) => p !== "");
    return visible.at(-1) ?? "";
  }).join("\n");
}

/**
 * ` style="--legible: Npx"`: how narrow the figure may be drawn with its text still legible
 * (site.css scales figures down to that width at most and scrolls the rest in their own box).
 */
function legibleStyle(svg: string): string {
  const width = legibleMinWidth(svg);
  return width === null ? "" : ` style="--legible: ${width}px"`;
}

/** The static (no-script) form of one MIME type of a bundle. */
function renderMime(output: Output, mime: string, ctx: OutputContext): string {
  const value = output.data![mime];
  switch (mime) {
    case "text/html":
      return `<div class="output-html">${textOf(value)}</div>`;
    case "text/markdown":
      return `<div class="output-markdown">${ctx.markdown(textOf(value))}</div>`;
    case "text/latex": {
      const tex = textOf(value).trim().replace(/^\$\$([\s\S]*)\$\$$/, "$1")
        .replace(/^\$([\s\S]*)\$$/, "$1");
      return `<div class="output-latex math-display">${ctx.math.render(tex, true)}</div>`;
    }
    case "image/svg+xml": {
      const svg = inlineSvg(textOf(value), { idPrefix: `${ctx.uniqueId("svg")}-` });
      if (svg === "") {
        ctx.warnings.push("an image/svg+xml output holds no <svg> element");
        return `<pre class="output-text">${escapeHtml(textOf(value))}</pre>`;
      }
      return `<div class="output-svg"${legibleStyle(svg)}>${svg}</div>`;
    }
    case "image/png":
    case "image/jpeg":
    case "image/gif": {
      const data = textOf(value).replace(/\s+/g, "");
      const alt = escapeHtml(stripAnsi(textOf(output.data?.["text/plain"] ?? "")).trim());
      return `<div class="output-image"><img src="data:${mime};base64,${data}" alt="${alt}"${
        imageSize(output, mime)
      }></div>`;
    }
    case "application/json":
      return `<div class="output-json">${
        highlightBlock(JSON.stringify(jsonOf(value), null, 2), "json")
      }</div>`;
    case "text/plain":
      return `<pre class="output-text">${escapeHtml(stripAnsi(textOf(value)))}</pre>`;
  }
  return "";
}

/** A live Vega or Vega-Lite figure; the bundle's next-best type is the fallback. */
function renderVega(output: Output, mime: string, ctx: OutputContext): string {
  let spec: unknown;
  try {
    spec = jsonOf(output.data![mime]);
  } catch (err) {
    ctx.warnings.push(`a ${mime} output is not valid JSON: ${(err as Error).message}`);
    spec = null;
  }
  const rest = { ...output, data: { ...output.data } };
  for (const m of VEGA_MIME_TYPES) delete rest.data[m];
  // the still image inline, rather than the Markdown image a figure carries for other front-ends
  const fallbackMime =
    STILL_IMAGES.find((m) => rest.data[m] !== undefined && rest.data[m] !== null) ??
      chooseMimeType(rest.data);
  const fallback = fallbackMime ? renderMime(rest, fallbackMime, ctx) : "";
  if (spec === null || typeof spec !== "object") return fallback;
  ctx.usesVega = true;
  const mode = mime.includes("vegalite") ? "vega-lite" : "vega";
  const id = ctx.uniqueId("vega");
  // (the still fallback carries its own --legible; site.js sets the live drawing's)
  return `<figure class="output-vega" id="${id}" data-vega-mode="${mode}">` +
    `<div class="vega-live"></div>` +
    `<div class="vega-fallback">${fallback}</div>` +
    `<script type="application/json" class="vega-spec">${jsonForScript(spec)}</script>` +
    `</figure>`;
}

/** One display or result bundle as HTML. */
function renderBundle(output: Output, ctx: OutputContext): string {
  const data = output.data ?? {};
  const mime = chooseMimeType(data);
  if (mime === null) {
    const types = Object.keys(data).join(", ") || "none";
    ctx.warnings.push(`an output has no MIME type this site can show (has: ${types})`);
    return `<p class="output-unsupported">(An output of type ${
      escapeHtml(types)
    } is not shown here.)</p>`;
  }
  if (VEGA_MIME_TYPES.includes(mime)) return renderVega(output, mime, ctx);
  return renderMime(output, mime, ctx);
}

function renderError(output: Output): string {
  const traceback = stripAnsi((output.traceback ?? []).join("\n")).trim();
  const name = output.ename ?? "Error";
  const message = output.evalue ?? "";
  const head = `${name}: ${message}`;
  const body = traceback === "" ? head : traceback;
  const [first, ...more] = body.split("\n");
  const rest = more.length > 0 ? `\n${escapeHtml(more.join("\n"))}` : "";
  return `<div class="output-error" role="note" aria-label="Error output">` +
    `<pre><strong>${escapeHtml(first)}</strong>${rest}</pre></div>`;
}

/**
 * A code cell's outputs as HTML, in order. Consecutive stream outputs of the same stream are
 * joined, as Jupyter shows them.
 *
 * @param outputs The cell's outputs.
 * @param ctx The page's renderers, id source and flags.
 * @returns The HTML, one element per output; `""` when there is none.
 */
export function renderOutputs(outputs: readonly Output[], ctx: OutputContext): string {
  const parts: string[] = [];
  let stream: { name: string; text: string } | null = null;
  const flush = () => {
    if (stream === null) return;
    const text = applyCarriageReturns(stripAnsi(stream.text)).replace(/\n$/, "");
    parts.push(
      `<pre class="output-stream output-${escapeHtml(stream.name)}">${escapeHtml(text)}</pre>`,
    );
    stream = null;
  };
  for (const output of outputs) {
    if (output.output_type === "stream") {
      const name = output.name === "stderr" ? "stderr" : "stdout";
      if (stream !== null && stream.name === name) stream.text += joinText(output.text);
      else {
        flush();
        stream = { name, text: joinText(output.text) };
      }
      continue;
    }
    flush();
    if (output.output_type === "error") parts.push(renderError(output));
    else if (output.output_type === "execute_result" || output.output_type === "display_data") {
      parts.push(renderBundle(output, ctx));
    } else ctx.warnings.push(`unknown output type "${output.output_type}" left out`);
  }
  flush();
  return parts.join("\n");
}
