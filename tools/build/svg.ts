/**
 * Preparing an `image/svg+xml` output to sit inline in a page.
 *
 * The SVGs are the project's own figures, so this is tidying rather than defence against an
 * attacker: it drops what cannot or should not live inside HTML (XML prolog, doctype, comments,
 * scripts, event handlers, `javascript:` links) and gives every `id` a per-figure prefix, because
 * two figures on one page that both define `id="clip0"` would otherwise borrow each other's clip
 * paths and gradients.
 *
 * @module
 */

/** Options for {@link inlineSvg}. */
export interface InlineSvgOptions {
  /** Prefix for every `id` in the figure, unique on the page (e.g. `"fig3-"`). */
  idPrefix: string;
}

/**
 * An SVG document as markup to place inside HTML.
 *
 * @param svg The SVG text, as a notebook output holds it.
 * @param options The id prefix.
 * @returns The `<svg>` element's markup; `""` when the text holds no `<svg` element.
 */
export function inlineSvg(svg: string, options: InlineSvgOptions): string {
  const start = svg.search(/<svg[\s>]/i);
  if (start < 0) return "";
  let out = svg.slice(start)
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<script[\s\S]*?<\/script\s*>/gi, "")
    .replace(/<script[^>]*\/>/gi, "")
    .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*')/gi, "")
    .replace(/(\s(?:xlink:)?href\s*=\s*)("\s*javascript:[^"]*"|'\s*javascript:[^']*')/gi, '$1"#"')
    .trim();

  const ids = new Set<string>();
  for (const m of out.matchAll(/\sid\s*=\s*(?:"([^"]+)"|'([^']+)')/g)) ids.add(m[1] ?? m[2]);
  if (ids.size > 0) {
    const p = options.idPrefix;
    out = out
      .replace(
        /(\sid\s*=\s*)(?:"([^"]+)"|'([^']+)')/g,
        (_, lead, a, b) => `${lead}"${p}${a ?? b}"`,
      )
      .replace(
        /url\(\s*(['"]?)#([^'")\s]+)\1\s*\)/g,
        (whole, _q, id) => ids.has(id) ? `url(#${p}${id})` : whole,
      )
      .replace(
        /(\s(?:xlink:)?href\s*=\s*)(["'])#([^"']+)\2/g,
        (whole, lead, _q, id) => ids.has(id) ? `${lead}"#${p}${id}"` : whole,
      );
  }
  return addViewBox(out);
}

/**
 * Gives the root `<svg>` a `viewBox` from its numeric `width` and `height` when it has none, so
 * that CSS can scale it to the column width without distorting it.
 */
function addViewBox(svg: string): string {
  const open = /^<svg\b[^>]*>/i.exec(svg);
  if (!open || /\sviewBox\s*=/i.test(open[0])) return svg;
  const num = (name: string) => {
    const m = new RegExp(`\\s${name}\\s*=\\s*["']\\s*([0-9.]+)\\s*(?:px)?\\s*["']`).exec(open[0]);
    return m ? Number(m[1]) : NaN;
  };
  const width = num("width");
  const height = num("height");
  if (!(width > 0 && height > 0)) return svg;
  const tag = open[0].replace(/^<svg\b/i, `<svg viewBox="0 0 ${width} ${height}"`);
  return tag + svg.slice(open[0].length);
}

/** The smallest on-screen size, in CSS pixels, to which the site lets a figure's text shrink. */
export const LEGIBLE_TEXT_PX = 11;

/**
 * The narrowest width, in CSS pixels, at which every text of the figure stays at least
 * {@link LEGIBLE_TEXT_PX} on screen: its width times 11 / its smallest `font-size`. A narrow
 * column scales a figure down only this far and scrolls the rest inside the figure's own box, so
 * that a phone shows labels a reader can read rather than a picture shrunk to fit.
 *
 * @param svg The `<svg>` markup (its root `width` or `viewBox` gives the drawn width).
 * @returns The width, or `null` when the figure has no text or no known width.
 */
export function legibleMinWidth(svg: string): number | null {
  const root = /<svg\b[^>]*>/i.exec(svg)?.[0];
  if (root === undefined) return null;
  const width = Number(
    /\swidth\s*=\s*["']?([0-9.]+)/i.exec(root)?.[1] ??
      /\sviewBox\s*=\s*["'][-0-9.]+[\s,]+[-0-9.]+[\s,]+([0-9.]+)/i.exec(root)?.[1],
  );
  if (!(width > 0)) return null;
  let smallest = Infinity;
  for (const m of svg.matchAll(/font-size\s*(?:=\s*["']|:\s*)([0-9.]+)(?:px)?/gi)) {
    const size = Number(m[1]);
    if (size > 0 && size < smallest) smallest = size;
  }
  if (smallest === Infinity) return null;
  return Math.ceil((width * LEGIBLE_TEXT_PX) / smallest);
}
