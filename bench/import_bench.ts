// What a lesson's first cell pays to import the library: each case starts a
// fresh `deno eval` that imports one entry point with a dynamic `import()`, as
// the Jupyter kernel does with a cell's imports, against a baseline that
// imports an empty module, in the same run. deno bench reports the whole
// process as a ratio to the baseline; the subprocess also times its own
// `import()` (module graph, loading, evaluation), and at the end the medians
// of those are printed as "import cost = case − baseline", beside the targets
// of issue 12: ≤ 100 ms for the root, ≤ 20 ms for the optimizers, schedules,
// problems and `train`. vega, vega-lite and mathjs are loaded at their first
// use, so no case here should pay for them.
//
// Run: deno bench --frozen -A bench/import_bench.ts

const CASES: [label: string, specifier: string][] = [
  ["baseline: an empty module", "data:text/javascript,export{}"],
  ["root (@better-gradients/lib)", "@better-gradients/lib"],
  ["/optim", "@better-gradients/lib/optim"],
  ["/schedules", "@better-gradients/lib/schedules"],
  ["/problems", "@better-gradients/lib/problems"],
  ["/train", "@better-gradients/lib/train"],
  ["/data", "@better-gradients/lib/data"],
  ["/analysis", "@better-gradients/lib/analysis"],
  ["/display", "@better-gradients/lib/display"],
  ["/plot", "@better-gradients/lib/plot"],
];

const TARGETS: Record<string, number> = {
  "root (@better-gradients/lib)": 100,
  "/optim": 20,
  "/schedules": 20,
  "/problems": 20,
  "/train": 20,
};

const timings = new Map<string, number[]>();

/** Runs one import in a fresh process; returns the milliseconds its `import()` took. */
async function importTime(specifier: string): Promise<number> {
  const code = `const t0 = performance.now(); await import(${
    JSON.stringify(specifier)
  }); console.log(performance.now() - t0);`;
  const { code: status, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--frozen", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (status !== 0) throw new Error(`deno eval failed: ${text.decode(stderr)}`);
  const ms = Number(text.decode(stdout).trim());
  if (!Number.isFinite(ms)) throw new Error(`no time printed: ${text.decode(stdout)}`);
  return ms;
}

for (const [label, specifier] of CASES) {
  Deno.bench(label, {
    group: "import",
    baseline: label.startsWith("baseline"),
    n: 15,
    warmup: 2,
  }, async () => {
    const ms = await importTime(specifier);
    const list = timings.get(label) ?? [];
    list.push(ms);
    timings.set(label, list);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

globalThis.addEventListener("unload", () => {
  const base = timings.get(CASES[0][0]);
  if (base === undefined || base.length === 0) return;
  const b = median(base);
  console.log(
    `\nimport cost = median(case) − median(baseline, ${b.toFixed(1)} ms), inside the process:`,
  );
  for (const [label] of CASES.slice(1)) {
    const list = timings.get(label);
    if (list === undefined) continue;
    const cost = median(list) - b;
    const target = TARGETS[label];
    const verdict = target === undefined
      ? ""
      : cost <= target
      ? `  (target ≤ ${target} ms: met)`
      : `  (target ≤ ${target} ms: NOT met)`;
    console.log(`  ${label.padEnd(34)} ${cost.toFixed(1).padStart(7)} ms${verdict}`);
  }
});
