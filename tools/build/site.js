// Makes the Vega and Vega-Lite figures of a page live.
//
// The build writes each figure as
//   <figure class="output-vega" data-vega-mode="vega-lite|vega">
//     <div class="vega-live"></div>
//     <div class="vega-fallback">static SVG/PNG/text from the same output</div>
//     <script type="application/json" class="vega-spec">{...}</script>
//   </figure>
// and loads vega, vega-lite and vega-embed (globals `vega`, `vegaLite`, `vegaEmbed`) from
// assets/vega/ just before this script. Each figure is drawn with the SVG renderer into its
// .vega-live box; once it has drawn, the fallback is hidden. Parameters bound to inputs
// (sliders, dropdowns, checkboxes) work as in Jupyter. A spec can change the embed options
// through `usermeta.embedOptions` (vega-embed reads it). When drawing fails, the fallback stays
// and a short note says why.
//
// It is a classic script, not a module: module scripts do not run from file:// pages.
(() => {
  "use strict";

  const EMBED_OPTIONS = {
    renderer: "svg",
    actions: { export: true, source: true, compiled: false, editor: false },
    downloadFileName: "figure",
  };

  function fail(figure, message) {
    figure.classList.add("vega-failed");
    figure.setAttribute("data-vega-state", "failed");
    const note = document.createElement("p");
    note.className = "vega-note";
    note.textContent = "The interactive version of this figure could not be drawn (" + message +
      "); a static copy is shown.";
    figure.appendChild(note);
  }

  // A drawn figure shrinks with the column only until its smallest text would be 11 px on
  // screen; past that it scrolls in its own box (site.css reads --legible). The build sets the
  // same for still images (tools/build/svg.ts, LEGIBLE_TEXT_PX = 11); this measures the live
  // drawing, whatever theme made it.
  function keepLegible(figure, svg) {
    if (!svg) return;
    const width = Number(svg.getAttribute("width")) || (svg.viewBox && svg.viewBox.baseVal.width);
    let smallest = Infinity;
    for (const text of svg.querySelectorAll("text")) {
      if (!text.textContent.trim()) continue;
      const size = parseFloat(getComputedStyle(text).fontSize);
      if (size > 0 && size < smallest) smallest = size;
    }
    if (width > 0 && smallest < Infinity) {
      figure.style.setProperty("--legible", Math.ceil((width * 11) / smallest) + "px");
    }
  }

  function embed(figure) {
    const live = figure.querySelector(".vega-live");
    const fallback = figure.querySelector(".vega-fallback");
    const source = figure.querySelector("script.vega-spec");
    let spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch {
      fail(figure, "its spec is not valid JSON");
      return Promise.resolve();
    }
    const options = Object.assign({}, EMBED_OPTIONS, {
      mode: figure.getAttribute("data-vega-mode") || "vega-lite",
    });
    figure.setAttribute("data-vega-state", "drawing");
    return globalThis.vegaEmbed(live, spec, options).then((result) => {
      figure.vegaView = result.view;
      keepLegible(figure, live.querySelector("svg"));
      if (fallback) fallback.hidden = true;
      figure.classList.add("vega-ready");
      figure.setAttribute("data-vega-state", "ready");
    }).catch((err) => {
      console.error("vega-embed failed for #" + figure.id, err);
      fail(figure, err && err.message ? err.message : String(err));
    });
  }

  function embedAll() {
    const figures = document.querySelectorAll("figure.output-vega");
    if (typeof globalThis.vegaEmbed !== "function") {
      for (let i = 0; i < figures.length; i++) fail(figures[i], "vega-embed did not load");
      return;
    }
    const pending = [];
    for (let j = 0; j < figures.length; j++) pending.push(embed(figures[j]));
    Promise.all(pending).then(() => {
      document.documentElement.setAttribute("data-vega-done", String(figures.length));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", embedAll);
  } else {
    embedAll();
  }
})();
