/**
 * Runs a few code cells in a real Deno Jupyter kernel, for the tests of what
 * the library sends to Jupyter (displays, progress).
 *
 * @module
 */

import { executeNotebook, type NotebookResult } from "../tools/notebook.ts";

/**
 * Writes `cells` as a notebook under test-artifacts/`name`/ (inside the
 * repository, so that "@better-gradients/lib" resolves through deno.json),
 * executes it headlessly and removes it again.
 *
 * @param name A folder name for this test's notebook.
 * @param cells The source of each code cell.
 * @returns What the run produced, cell by cell.
 */
export async function runInKernel(name: string, cells: readonly string[]): Promise<NotebookResult> {
  const dir = new URL(`../test-artifacts/${name}/`, import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const path = new URL(`${name}.ipynb`, dir);
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    cells: cells.map((source, i) => ({
      id: `c${i}`,
      cell_type: "code",
      source,
      metadata: {},
      outputs: [],
      execution_count: null,
    })),
  };
  await Deno.writeTextFile(path, JSON.stringify(nb));
  try {
    return await executeNotebook(path.pathname, { timeoutSeconds: 120 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
