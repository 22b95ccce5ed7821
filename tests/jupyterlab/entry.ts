/// <reference lib="dom" />
/**
 * The page script of tests/jupyterlab_browser_test.ts: JupyterLab's own output rendering, from
 * the pinned npm packages of one JupyterLab release (see deno.json): a `RenderMimeRegistry` with
 * JupyterLab's standard renderers and the Vega 5 extension at the rank JupyterLab gives it.
 * Bundled for the browser by `deno bundle` when the test runs.
 *
 * `window.renderBundle(bundle, trusted)` renders one MIME bundle as a JupyterLab output area
 * would (the preferred MIME type for a trusted or untrusted output) into a new element of the
 * page, and answers which type was chosen and, for Vega, what the view drew.
 * `window.clearRendered()` disposes of every renderer so far (finalizing their Vega views) and
 * removes their elements, so that the next figure is drawn and laid out in an otherwise empty
 * page rather than below every figure before it.
 *
 * @module
 */

import { RenderMimeRegistry, standardRendererFactories } from "@jupyterlab/rendermime";
import vegaExtension from "@jupyterlab/vega5-extension";

const registry = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
const extension = vegaExtension as unknown as {
  rendererFactory: Parameters<typeof registry.addFactory>[0];
  rank: number;
};
registry.addFactory(extension.rendererFactory, extension.rank);

interface SceneItem {
  marktype?: string;
  role?: string;
  items?: SceneItem[];
}

/** Counts what a Vega scenegraph drew: line marks' items and legend symbols. */
function countScene(node: SceneItem, counts = { lines: 0, legend: 0 }) {
  if (node.marktype === "line" && node.role !== "legend-symbol") counts.lines += 1;
  if (node.role === "legend-symbol") counts.legend += node.items?.length ?? 0;
  for (const item of node.items ?? []) countScene(item, counts);
  return counts;
}

/** What {@link renderBundle} reports. */
export interface Rendered {
  mime: string | undefined;
  ok: boolean;
  error?: string;
  lines?: number;
  legend?: number;
  width?: number;
  height?: number;
}

/** The renderers of {@link renderBundle} not yet cleared, with the elements they render into. */
const rendered: { renderer: { dispose(): void }; host: HTMLElement }[] = [];

function clearRendered(): void {
  for (const { renderer, host } of rendered.splice(0)) {
    renderer.dispose();
    host.remove();
  }
}

async function renderBundle(bundle: Record<string, unknown>, trusted: boolean): Promise<Rendered> {
  const mime = registry.preferredMimeType(bundle as never, trusted ? "any" : "ensure");
  if (mime === undefined) return { mime, ok: false, error: "no renderer for the bundle" };
  const renderer = registry.createRenderer(mime);
  const host = document.createElement("div");
  host.className = "jp-OutputArea-output";
  document.body.appendChild(host);
  host.appendChild(renderer.node);
  rendered.push({ renderer, host });
  const model = registry.createModel({ data: bundle as never, trusted });
  try {
    await renderer.renderModel(model);
  } catch (err) {
    return { mime, ok: false, error: String(err) };
  }
  const result = (renderer as unknown as {
    _result?: { view: { scenegraph(): { root: SceneItem } } };
  })._result;
  if (result === undefined) return { mime, ok: true };
  const counts = countScene(result.view.scenegraph().root);
  // the drawing itself (vega-embed's canvas or SVG), as laid out on the page
  const drawing = host.querySelector("canvas, svg");
  const box = drawing?.getBoundingClientRect();
  return { mime, ok: true, ...counts, width: box?.width ?? 0, height: box?.height ?? 0 };
}

Object.assign(globalThis, { renderBundle, clearRendered });
document.documentElement.dataset.ready = "true";
