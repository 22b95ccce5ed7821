/**
 * Small HTML helpers shared by the site build.
 *
 * @module
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** `text` safe to put in HTML content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g;

/** `text` without terminal escape sequences (colours, cursor moves). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** A notebook's multiline field (a string, or the list of lines nbformat allows) as one string. */
export function joinText(text: unknown): string {
  if (Array.isArray(text)) return text.join("");
  return typeof text === "string" ? text : "";
}

/**
 * JSON that can sit inside `<script type="application/json">`: every `<` is written as `\u003c`,
 * so the text can never close the element or open a comment.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Lower-case words joined by `-`: a heading's anchor or a page's file name. */
export function slugify(text: string): string {
  const slug = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return slug === "" ? "section" : slug;
}

/** Hands out unique slugs on one page: a repeated heading gets `-1`, `-2`, … */
export class Slugger {
  #seen = new Map<string, number>();

  /** A slug for `text` not handed out before on this page. */
  slug(text: string): string {
    const base = slugify(text);
    let count = this.#seen.get(base) ?? 0;
    let slug = base;
    while (this.#seen.has(slug)) slug = `${base}-${++count}`;
    this.#seen.set(base, count);
    this.#seen.set(slug, 0);
    return slug;
  }
}
