/**
 * Markdown to HTML for notebook cells and `text/markdown` outputs: GitHub-flavoured Markdown
 * (marked) with math rendered by KaTeX and code blocks highlighted at build time.
 *
 * Math is recognised as Jupyter does it:
 * - inline: `$…$` and `\(…\)`; a `$` followed by a space, or a closing `$` preceded by a space or
 *   followed by a digit, is a plain dollar sign (so "costs $5 and $10" stays text), and `\$` is one;
 *   inline math holds no backtick, so it never reaches into a code span;
 * - display: `$$…$$` and `\[…\]`, inline or on their own lines, and a bare
 *   `\begin{env}…\end{env}` block (`align`, `equation`, `gather`, …).
 *
 * The TeX is taken verbatim from the source, before Markdown sees it: `\\`, `_` and `*` inside math
 * (as in `\begin{aligned} a &= b \\ c &= d \end{aligned}`) reach KaTeX untouched.
 *
 * @module
 */

import { Marked, type TokenizerAndRendererExtension, type Tokens } from "marked";
import { highlightBlock } from "./highlight.ts";
import { escapeHtml, Slugger } from "./html.ts";
import type { MathRenderer } from "./math.ts";

/** What a Markdown rendering needs to know about the page it goes on. */
export interface MarkdownContext {
  /** Renders math; it also holds the page's macros and collects KaTeX errors. */
  math: MathRenderer;
  /** Gives each heading a unique `id` on the page. */
  slugger: Slugger;
  /**
   * Rewrites a link or image address (e.g. `other.ipynb` → `other.html`, `attachment:x.png` → a
   * `data:` URL). Returns the address unchanged when it has nothing to do.
   */
  rewriteUrl?: (url: string, kind: "link" | "image") => string;
}

interface MathToken extends Tokens.Generic {
  type: "mathBlock" | "mathInline";
  text: string;
  display: boolean;
}

const BLOCK_RULES: RegExp[] = [
  /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n+|$)/,
  /^ {0,3}\\\[([\s\S]+?)\\\][ \t]*(?:\n+|$)/,
  /^ {0,3}(\\begin\{([A-Za-z]+\*?)\}[\s\S]+?\\end\{\2\})[ \t]*(?:\n+|$)/,
];
const BLOCK_START = /(?:^|\n) {0,3}(?:\$\$|\\\[|\\begin\{)/;

const INLINE_RULES: { re: RegExp; display: boolean }[] = [
  { re: /^\$\$((?:\\[\s\S]|[^\\$])+?)\$\$/, display: true },
  { re: /^\\\[([\s\S]+?)\\\]/, display: true },
  { re: /^\\\(([\s\S]+?)\\\)/, display: false },
  { re: /^\$(?![\s$])((?:\\[\s\S]|[^\\$`])+?)(?<!\s)\$(?!\d)/, display: false },
];
const INLINE_START = /\\[([]|(?<!\\)\$/;

function mathExtensions(ctx: MarkdownContext): TokenizerAndRendererExtension[] {
  const render = (token: Tokens.Generic) => {
    const { text, display } = token as MathToken;
    const html = ctx.math.render(text.trim(), display);
    return html;
  };
  return [
    {
      name: "mathBlock",
      level: "block",
      start(src: string) {
        const m = BLOCK_START.exec(src);
        if (!m) return undefined;
        return m[0].startsWith("\n") ? m.index + 1 : m.index;
      },
      tokenizer(src: string): MathToken | undefined {
        for (const re of BLOCK_RULES) {
          const m = re.exec(src);
          if (m) return { type: "mathBlock", raw: m[0], text: m[1], display: true };
        }
        return undefined;
      },
      renderer: (token) => `<div class="math-display">${render(token)}</div>\n`,
    },
    {
      name: "mathInline",
      level: "inline",
      start(src: string) {
        return INLINE_START.exec(src)?.index;
      },
      tokenizer(src: string): MathToken | undefined {
        for (const { re, display } of INLINE_RULES) {
          const m = re.exec(src);
          if (m && !/\n[ \t]*\n/.test(m[1])) {
            return { type: "mathInline", raw: m[0], text: m[1], display };
          }
        }
        return undefined;
      },
      renderer: render,
    },
  ];
}

/** The plain text of inline tokens, as a page title or a link text should read. */
export function plainText(tokens: Tokens.Generic[] | undefined): string {
  if (!tokens) return "";
  return tokens.map((t) => {
    if (t.type === "mathInline") return (t as MathToken).text.trim();
    if (Array.isArray(t.tokens)) return plainText(t.tokens);
    if (t.type === "escape" || t.type === "codespan" || t.type === "text") return t.text ?? "";
    return t.raw ?? "";
  }).join("");
}

/**
 * A Markdown renderer bound to one page: headings get unique ids, math uses the page's macros.
 *
 * @param ctx The page's math renderer, slugger and address rewriting.
 * @returns `render(markdown)` giving HTML.
 */
export function createMarkdown(ctx: MarkdownContext): (markdown: string) => string {
  const marked = new Marked({ gfm: true, async: false });
  const rewrite = ctx.rewriteUrl ?? ((url: string) => url);
  marked.use({
    extensions: mathExtensions(ctx),
    renderer: {
      heading({ tokens, depth }) {
        const inner = this.parser.parseInline(tokens);
        const id = ctx.slugger.slug(plainText(tokens));
        return `<h${depth} id="${id}">${inner}<a class="anchor" href="#${id}" ` +
          `aria-label="Link to this section">#</a></h${depth}>\n`;
      },
      code({ text, lang }) {
        return highlightBlock(text, (lang ?? "").trim().split(/\s+/)[0]) + "\n";
      },
      link({ href, title, tokens }) {
        const inner = this.parser.parseInline(tokens);
        const t = title ? ` title="${escapeHtml(title)}"` : "";
        return `<a href="${escapeHtml(rewrite(href, "link"))}"${t}>${inner}</a>`;
      },
      image({ href, title, text }) {
        const t = title ? ` title="${escapeHtml(title)}"` : "";
        return `<img src="${escapeHtml(rewrite(href, "image"))}" alt="${escapeHtml(text)}"${t}>`;
      },
    },
  });
  return (markdown: string) => marked.parse(markdown) as string;
}

/** A heading found in Markdown. */
export interface Heading {
  /** 1 for `#`, 2 for `##`, … */
  depth: number;
  /** Its text without Markdown markup (math kept as TeX). */
  text: string;
  /** Its Markdown source, without the `#` marks. */
  source: string;
}

/**
 * The first heading of a Markdown text, if any (ATX `#` or Setext underlined), ignoring `#` lines
 * inside code blocks.
 */
export function firstHeading(markdown: string): Heading | null {
  const marked = new Marked({ gfm: true });
  marked.use({ extensions: mathExtensions({ math: null!, slugger: new Slugger() }) });
  const tokens = marked.lexer(markdown);
  const heading = tokens.find((t) => t.type === "heading") as Tokens.Heading | undefined;
  if (!heading) return null;
  return { depth: heading.depth, text: plainText(heading.tokens).trim(), source: heading.text };
}

/** The Markdown source of the first paragraph of a Markdown text, or `null` when it has none. */
export function firstParagraph(markdown: string): string | null {
  const marked = new Marked({ gfm: true });
  marked.use({ extensions: mathExtensions({ math: null!, slugger: new Slugger() }) });
  const paragraph = marked.lexer(markdown).find((t) => t.type === "paragraph");
  return paragraph ? paragraph.raw.trim() : null;
}
