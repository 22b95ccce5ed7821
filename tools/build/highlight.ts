/**
 * Syntax highlighting at build time with highlight.js: pages carry coloured `<span>`s and need no
 * script.
 *
 * @module
 */

import hljs from "highlight.js";
import { escapeHtml } from "./html.ts";

const ALIASES: Record<string, string> = { ts: "typescript", js: "javascript", sh: "bash" };

/**
 * A `<pre><code>` block with the code highlighted as `language`. An unknown or empty language
 * gives the code escaped, without colours.
 *
 * @param code The source text.
 * @param language A highlight.js language name or alias, e.g. `"typescript"`, `"ts"`, `"python"`.
 * @returns The HTML markup.
 */
export function highlightBlock(code: string, language: string | undefined): string {
  const name = language ? (ALIASES[language.toLowerCase()] ?? language.toLowerCase()) : "";
  const known = name !== "" && hljs.getLanguage(name) !== undefined;
  const body = known ? hljs.highlight(code, { language: name }).value : escapeHtml(code);
  const cls = known ? `hljs language-${escapeHtml(name)}` : "hljs";
  return `<pre class="code"><code class="${cls}">${body}</code></pre>`;
}
