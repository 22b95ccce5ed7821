/**
 * Finding what a page would load from outside the site.
 *
 * A page must work offline from any folder, so everything it loads by itself (scripts,
 * stylesheets, images, fonts, frames, media) must be a relative address inside the site or a
 * `data:` URL. Links a reader clicks (`<a href>`) may point anywhere.
 *
 * @module
 */

/** A resource address that leaves the site. */
export interface ExternalResource {
  /** The element (lower case), or `"css"` for a `url()` / `@import` in a stylesheet or style. */
  element: string;
  /** The attribute, or `"url"` for CSS. */
  attribute: string;
  /** The address as written. */
  url: string;
}

// Attributes that make the browser fetch something by itself, for any element.
const FETCHING = new Set(["src", "srcset", "poster", "data", "background", "imagesrcset"]);
// Elements whose `href` is fetched, not followed.
const HREF_FETCHED = new Set(["link", "image", "use", "feimage", "script"]);

/**
 * True when the address leaves the site: it has a scheme other than `data:`, `blob:`, `about:`
 * or `javascript:`, starts with `//` (same scheme, another host), or with `/` (the root of
 * whatever disk or server the site sits on).
 */
export function isExternalUrl(url: string): boolean {
  const u = url.trim();
  if (u === "" || u.startsWith("#")) return false;
  if (u.startsWith("/")) return true;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(u);
  if (scheme === null) return false;
  return !["data", "blob", "about", "javascript"].includes(scheme[1].toLowerCase());
}

function cssUrls(css: string): string[] {
  const urls: string[] = [];
  for (const m of css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/gi)) {
    urls.push(m[1] ?? m[2] ?? m[3]);
  }
  for (const m of css.matchAll(/@import\s+(?:"([^"]*)"|'([^']*)')/gi)) urls.push(m[1] ?? m[2]);
  return urls;
}

/** The addresses in a `srcset`, without their size descriptors. */
function srcsetUrls(value: string): string[] {
  return value.split(",").map((part) => part.trim().split(/\s+/)[0]).filter((u) => u !== "");
}

function decodeEntities(value: string): string {
  return value.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d) => String.fromCodePoint(Number(d)));
}

/**
 * Every resource a stylesheet would load from outside the site.
 *
 * @param css The stylesheet's text.
 * @returns One entry per address, in order.
 */
export function externalCssResources(css: string): ExternalResource[] {
  return cssUrls(css).filter(isExternalUrl).map((url) => ({
    element: "css",
    attribute: "url",
    url,
  }));
}

/**
 * Every resource an HTML page would load from outside the site: fetched attributes of every
 * element (`<a href>` excluded), and `url()` / `@import` in `<style>` elements and `style`
 * attributes. Script and style bodies, comments and JSON islands are not read as markup.
 *
 * @param html The page.
 * @returns One entry per address, in order.
 */
export function externalResources(html: string): ExternalResource[] {
  const found: ExternalResource[] = [];
  for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)) {
    found.push(...externalCssResources(m[1]));
  }
  for (const { element, name, value } of attributes(markupOnly(html))) {
    const local = name.includes(":") ? name.slice(name.indexOf(":") + 1) : name;
    if (name === "style") {
      found.push(...externalCssResources(value).map((r) => ({ ...r, element })));
    } else if (FETCHING.has(local)) {
      const urls = local.endsWith("srcset") ? srcsetUrls(value) : [value];
      for (const url of urls) {
        if (isExternalUrl(url)) found.push({ element, attribute: name, url });
      }
    } else if (local === "href" && HREF_FETCHED.has(element) && isExternalUrl(value)) {
      found.push({ element, attribute: name, url: value });
    }
  }
  return found;
}

/** The page without comments and without the bodies of scripts and styles. */
function markupOnly(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/(<script\b[^>]*>)[\s\S]*?(<\/script\s*>)/gi, "$1$2")
    .replace(/(<style\b[^>]*>)[\s\S]*?(<\/style\s*>)/gi, "$1$2");
}

/** Every attribute of every start tag, in order, with its element (names in lower case). */
function* attributes(
  markup: string,
): Generator<{ element: string; name: string; value: string }> {
  const tag =
    /<([a-zA-Z][a-zA-Z0-9:-]*)((?:\s+[^\s=>\/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g;
  const attr = /([^\s=>\/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  for (const t of markup.matchAll(tag)) {
    const element = t[1].toLowerCase();
    for (const a of (t[2] ?? "").matchAll(attr)) {
      const value = decodeEntities(a[2] ?? a[3] ?? a[4] ?? "");
      yield { element, name: a[1].toLowerCase(), value };
    }
  }
}

/**
 * The addresses of the page's links (`<a href>`) meant to stay on this disk or server: without a
 * scheme and not just a `#fragment`. The build checks that each is relative and leads to a file
 * it wrote.
 *
 * @param html The page.
 * @returns The addresses as written, in order.
 */
export function siteLinks(html: string): string[] {
  const links: string[] = [];
  for (const { element, name, value } of attributes(markupOnly(html))) {
    if (element !== "a" || name !== "href") continue;
    const url = value.trim();
    if (url === "" || url.startsWith("#") || /^[a-z][a-z0-9+.-]*:/i.test(url)) continue;
    links.push(url);
  }
  return links;
}
