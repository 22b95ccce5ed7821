/**
 * Figures in a browser window from a plain `deno run` script, through
 * nodeplotlib's server and page (Plotly), working offline.
 *
 * nodeplotlib 1.1.2 serves an Angular page that receives the plots over
 * socket.io and draws them with the global `Plotly`, which its `index.html`
 * loads from a CDN. Offline that request fails and the page stays blank. So
 * instead of nodeplotlib's `plot()` (whose server is private to it), this
 * module boots nodeplotlib's own NestJS `ServerModule` (its static page, its
 * socket.io gateway and its plot service) in an app it controls, and puts one
 * middleware in front of it that answers
 *
 * - `/` and `/index.html` with nodeplotlib's page, its CDN `<script>` for
 *   plotly.js 1.58.4 pointed to a local path instead, and
 * - that local path with `plotly.min.js` from the npm package
 *   `plotly.js-dist-min@1.58.4` (the exact version the page was built for).
 *
 * The page asks nothing of any other host: the Roboto and Material Icons web
 * fonts nodeplotlib's page would fetch are left out (the page falls back to
 * the system's sans-serif, and its one icon, a tips button whose ligature
 * would read "tip…" without the font, is drawn as an inline SVG), and its
 * Angular plot component, which reads its container before the view exists
 * on the first change (a logged TypeError), is patched to wait for it.
 *
 * @module
 */

import { knownKeys, show } from "../_validate.ts";
import type { Figure, PlotlyFigure } from "./figure.ts";
import { importPackage } from "../_lazy.ts";

/** The plotly.js version nodeplotlib 1.1.2's page was built for (and which we serve). */
export const PLOTLY_VERSION = "1.58.4";
const CDN_SCRIPT = `https://cdn.plot.ly/plotly-${PLOTLY_VERSION}.min.js`;
const LOCAL_SCRIPT = `/assets/plotly-${PLOTLY_VERSION}.min.js`;

/** Options of {@link openWindow}. */
export interface OpenWindowOptions {
  /**
   * The port to serve on (on 127.0.0.1); 0 picks a free one.
   * @default {0, or the environment variable NODEPLOTLIB_PORT when set}
   */
  port?: number;
  /**
   * Open the page in the system's browser (`xdg-open`, `open` or `start`). As
   * with nodeplotlib, setting NODEPLOTLIB_PORT also turns this off.
   * @default {true, unless NODEPLOTLIB_PORT is set}
   */
  open?: boolean;
  /**
   * Stop the server once the last page showing the figures has been closed
   * (after a grace period of `closeDelayMs`, so that reloading the page does
   * not stop it), as nodeplotlib does. Then a script that opened a window
   * ends when the window is closed.
   * @default {true}
   */
  closeWithPage?: boolean;
  /**
   * Milliseconds to wait after the last page disconnected before stopping.
   * @default {3000}
   */
  closeDelayMs?: number;
  /**
   * Print the page's address to the console.
   * @default {true}
   */
  log?: boolean;
}

/** A running plot window: its address, and how to stop it. */
export interface PlotWindow {
  /** The page's address, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** The port served on. */
  readonly port: number;
  /** Resolves once the server has stopped (by {@link PlotWindow.close} or by the page closing). */
  readonly closed: Promise<void>;
  /** Stops the server; resolves when it has stopped. Calling it again does nothing. */
  close(): Promise<void>;
}

/**
 * The Plotly traces and layout for a figure: the figure's own Plotly form
 * when its builder made one (every chart function of this library does),
 * else its SVG shown as a picture.
 *
 * @param fig A figure.
 * @returns The traces and layout for `Plotly.newPlot`.
 *
 * @example
 * ```ts
 * import { lineChart, toPlotly } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const fig = await lineChart({ a: [3, 2, 1], b: [1, 2, 3] }, { yScale: "log" });
 * const { data, layout } = toPlotly(fig);
 * assert.equal(data.length, 2);
 * assert.deepEqual((layout.yaxis as { type: string }).type, "log");
 * ```
 */
export function toPlotly(fig: Figure): PlotlyFigure {
  if (fig === null || typeof fig !== "object" || typeof fig.svg !== "string") {
    throw new TypeError(
      `\`fig\` must be a Figure (made by \`figure\` or a chart function), got ${show(fig)}`,
    );
  }
  if (fig.plotly) return structuredClone(fig.plotly) as PlotlyFigure;
  const svg = new TextEncoder().encode(fig.svg);
  let binary = "";
  for (let i = 0; i < svg.length; i += 0x8000) {
    binary += String.fromCharCode(...svg.subarray(i, i + 0x8000));
  }
  const hidden = { visible: false, range: [0, 1], fixedrange: true };
  return {
    data: [],
    layout: {
      title: { text: fig.description },
      xaxis: hidden,
      yaxis: hidden,
      images: [{
        source: `data:image/svg+xml;base64,${btoa(binary)}`,
        xref: "paper",
        yref: "paper",
        x: 0,
        y: 1,
        sizex: 1,
        sizey: 1,
        sizing: "contain",
        layer: "above",
      }],
    },
  };
}

function envPort(): string | undefined {
  try {
    return Deno.env.get("NODEPLOTLIB_PORT") || undefined;
  } catch {
    return undefined; // no env permission: as if unset
  }
}

/**
 * Opens figures in a browser window from a script: serves nodeplotlib's page
 * on 127.0.0.1 with the figures as interactive Plotly charts (zoom, pan, hover,
 * PNG download), fully offline, and opens it in the system's browser.
 *
 * Needs `--allow-net`, `--allow-read` (the page and plotly.js come from the npm
 * cache), `--allow-env` and, to open the browser, `--allow-run`; `deno run -A`
 * grants all. The script keeps running while the window is open: the server
 * stops when the page is closed (see `closeWithPage`) or on `close()`.
 *
 * For a browser test: call it with `{ open: false, closeWithPage: false }`,
 * load `url` in the browser (for instance with playwright), and wait for a
 * `.js-plotly-plot` element (one per figure) holding an SVG; then `close()`.
 *
 * @param figures A figure, or several (shown one below the other).
 * @param options See {@link OpenWindowOptions}.
 * @returns The running window.
 *
 * @example Serve a figure without opening a browser, then stop
 * ```ts ignore
 * import { lineChart, openWindow } from "@better-gradients/lib";
 *
 * const fig = await lineChart({ loss: [1, 0.5, 0.25] }, { yScale: "log" });
 * const win = await openWindow(fig, { open: false, closeWithPage: false });
 * const page = await (await fetch(win.url)).text();
 * console.log(page.includes("plotly-1.58.4.min.js"));
 * await win.close();
 * ```
 */
export async function openWindow(
  figures: Figure | readonly Figure[],
  options: OpenWindowOptions = {},
): Promise<PlotWindow> {
  knownKeys("openWindow", options, ["port", "open", "closeWithPage", "closeDelayMs", "log"]);
  const list = Array.isArray(figures) ? figures : [figures as Figure];
  if (list.length === 0) throw new RangeError("`figures` must hold at least one figure, got none");
  const plots = list.map((fig, i) => {
    try {
      return toPlotly(fig);
    } catch {
      throw new TypeError(`\`figures[${i}]\` must be a Figure, got ${show(fig)}`);
    }
  });
  const fromEnv = envPort();
  const port = options.port ?? (fromEnv === undefined ? 0 : Number(fromEnv));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`\`port\` must be an integer in [0, 65535], got ${show(port)}`);
  }
  const open = options.open ?? fromEnv === undefined;
  const closeWithPage = options.closeWithPage ?? true;
  const closeDelayMs = options.closeDelayMs ?? 3000;
  if (!(Number.isFinite(closeDelayMs) && closeDelayMs >= 0)) {
    throw new RangeError(
      `\`closeDelayMs\` must be a finite number >= 0, got ${show(closeDelayMs)}`,
    );
  }
  const log = options.log ?? true;

  const { page, main, plotly } = await assets();
  // Loaded on first use only (by name, see lib/_lazy.ts): NestJS is heavy, and notebooks never need it.
  const { NestFactory } = await importPackage<typeof import("@nestjs/core")>("@nestjs/core");
  const { of } = await importPackage<typeof import("rxjs")>("rxjs");
  const { ServerModule } = await importPackage<
    typeof import("nodeplotlib/src/lib/server/server.module.js")
  >("nodeplotlib/src/lib/server/server.module.js");
  const { PlotsService } = await importPackage<
    typeof import("nodeplotlib/src/lib/server/plots/plots.service.js")
  >("nodeplotlib/src/lib/server/plots/plots.service.js");
  const { BridgeService } = await importPackage<
    typeof import("nodeplotlib/src/lib/server/services/bridge.service.js")
  >("nodeplotlib/src/lib/server/services/bridge.service.js");
  const { PlotsGateway } = await importPackage<
    typeof import("nodeplotlib/src/lib/server/plots/plots.gateway.js")
  >("nodeplotlib/src/lib/server/plots/plots.gateway.js");

  const app = await NestFactory.create(ServerModule, { logger: ["error", "warn"] });
  // Runs before the static files of ServeStaticModule, which are mounted when the app starts.
  app.use((req: NodeRequest, res: NodeResponse, next: () => void) => {
    if (req.method === "GET" && (req.path === "/" || req.path === "/index.html")) {
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.end(page);
    } else if (req.method === "GET" && req.path === "/main.js") {
      res.setHeader("Content-Type", "text/javascript; charset=utf-8");
      res.end(main);
    } else if (req.method === "GET" && req.path === LOCAL_SCRIPT) {
      res.setHeader("Content-Type", "text/javascript; charset=utf-8");
      res.setHeader("Cache-Control", "max-age=31536000, immutable");
      res.end(plotly);
    } else {
      next();
    }
  });
  const plotsService = app.get(PlotsService);
  for (const p of plots) {
    plotsService.addPlot({ data: of(p.data), layout: of(p.layout), config: { responsive: true } });
  }
  await app.listen(port, "127.0.0.1");
  const actualPort: number = app.getHttpServer().address().port;
  const url = `http://127.0.0.1:${actualPort}/`;

  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const close = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    closing ??= (async () => {
      subscription.unsubscribe();
      await app.close();
      resolveClosed();
    })();
    return closing;
  };
  // The gateway's map of connected pages (private in its types, stable in the pinned version).
  const clients = (app.get(PlotsGateway) as unknown as { clientMap: Map<unknown, number> })
    .clientMap;
  // nodeplotlib's gateway signals here when its last client disconnected.
  const subscription = app.get(BridgeService).shutdown$.subscribe(() => {
    if (!closeWithPage) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (clients.size === 0) void close();
    }, closeDelayMs);
  });

  if (log) console.log(`Plot window: ${url}`);
  if (open) openInBrowser(url);
  return { url, port: actualPort, closed, close };
}

interface NodeRequest {
  method: string;
  path: string;
}

interface NodeResponse {
  setHeader(name: string, value: string): void;
  end(body: string | Uint8Array): void;
}

/** The page's tips icon (a light bulb), drawn without the Material Icons font. */
const TIPS_ICON = "data:image/svg+xml," + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="white" ' +
    'stroke-width="2" stroke-linecap="round"><path d="M9 18h6M10 21h4"/>' +
    '<path d="M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2.1h5c0-.9.4-1.6 1-2.1A6 6 0 0 0 12 3z"/></svg>',
);

/** In place of the web-font rules: the icon font's ligature text hidden, the icon drawn. */
const OFFLINE_STYLE = `<style>.material-icons{font-size:0!important;width:24px;height:24px;` +
  `background:url("${TIPS_ICON}") center/22px no-repeat}</style>`;

/** nodeplotlib 1.1.2's plot component: `ngOnChanges` before the view exists, and the fix. */
const ON_CHANGES = "ngOnChanges(t){t.plotData&&Plotly.react(this.plotContainer.nativeElement,";
const ON_CHANGES_FIXED =
  "ngOnChanges(t){t.plotData&&this.plotContainer&&Plotly.react(this.plotContainer.nativeElement,";

interface Assets {
  page: string;
  main: string;
  plotly: Uint8Array;
}

let cached: Promise<Assets> | undefined;
// A variable, so that the import happens at the first window, not when this module loads.
const PLOTLY_PACKAGE_JSON = "plotly.js-dist-min/package.json";

/** nodeplotlib's page and script made to work offline (see the module doc), and plotly.js. */
function assets(): Promise<Assets> {
  cached ??= (async () => {
    // Importing the package's JSON makes sure it is in the module graph (and fetched
    // into the npm cache), so that its files can be located.
    await import(PLOTLY_PACKAGE_JSON, { with: { type: "json" } });
    const plotlyUrl = new URL(import.meta.resolve("plotly.js-dist-min/plotly.min.js"));
    const pageUrl = new URL(import.meta.resolve("nodeplotlib/src/lib/server/web/index.html"));
    if (plotlyUrl.protocol !== "file:" || pageUrl.protocol !== "file:") {
      throw new Error(
        `openWindow needs the npm packages nodeplotlib and plotly.js-dist-min on disk; got ${plotlyUrl} and ${pageUrl}`,
      );
    }
    const [html, script, plotly] = await Promise.all([
      Deno.readTextFile(pageUrl),
      Deno.readTextFile(new URL("main.js", pageUrl)),
      Deno.readFile(plotlyUrl),
    ]);
    if (!html.includes(CDN_SCRIPT)) {
      throw new Error(
        `nodeplotlib's page no longer loads ${CDN_SCRIPT}; cannot serve plotly.js locally`,
      );
    }
    if (!script.includes(ON_CHANGES)) {
      throw new Error("nodeplotlib's main.js changed; its plot component cannot be patched");
    }
    const page = html.replace(CDN_SCRIPT, LOCAL_SCRIPT)
      // the preconnect hint and every web-font rule: nothing to fetch from another host
      .replace(/<link rel="preconnect"[^>]*>/, "")
      .replace(/@font-face\{[^}]*\}/g, "")
      .replace("</head>", `${OFFLINE_STYLE}</head>`);
    return { page, main: script.replace(ON_CHANGES, ON_CHANGES_FIXED), plotly };
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}

function openInBrowser(url: string): void {
  const [cmd, ...args] = Deno.build.os === "windows"
    ? ["cmd", "/c", "start", "", url]
    : Deno.build.os === "darwin"
    ? ["open", url]
    : ["xdg-open", url];
  try {
    const child = new Deno.Command(cmd, { args, stdin: "null", stdout: "null", stderr: "null" })
      .spawn();
    child.unref();
    child.status.then((s) => {
      if (!s.success) console.warn(`Could not open a browser (${cmd}); open ${url} yourself.`);
    });
  } catch {
    console.warn(`Could not open a browser (${cmd} is missing); open ${url} yourself.`);
  }
}
