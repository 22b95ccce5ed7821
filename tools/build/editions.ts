/**
 * The student and instructor editions of a notebook, by the exercise convention of the
 * repository (docs/authoring.md):
 *
 * - an answer cell is a code cell tagged `solution`, whose reference solution sits between a line
 *   `// BEGIN SOLUTION` and a line `// END SOLUTION` (nbgrader's markers);
 * - the **student edition** replaces that region, markers included, by the cell's
 *   `metadata.exercise.blank` (default `// YOUR ANSWER HERE`), indented as the `BEGIN` line was,
 *   drops `metadata.exercise.wrong` (the wrong answers that prove the checks), and clears the
 *   outputs of answer and check cells (they were produced by the solution);
 * - the **instructor edition** is the notebook as committed, solutions included.
 *
 * @module
 */

/** The tag of an answer cell. */
export const SOLUTION_TAG = "solution";
/** The tag of a check cell. */
export const CHECK_TAG = "check";
/** The line that opens a reference solution. */
export const BEGIN_SOLUTION = "// BEGIN SOLUTION";
/** The line that closes it. */
export const END_SOLUTION = "// END SOLUTION";
/** What a student finds in place of the solution when the cell names no `blank`. */
export const DEFAULT_BLANK = "// YOUR ANSWER HERE";

/** The parts of a cell the editions read. */
export interface EditionCell {
  cell_type: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
  [key: string]: unknown;
}

/** The parts of a notebook the editions read. */
export interface EditionNotebook {
  cells: EditionCell[];
  [key: string]: unknown;
}

function tagsOf(cell: EditionCell): string[] {
  const tags = cell.metadata?.tags;
  return Array.isArray(tags) ? tags.map(String) : [];
}

function sourceText(source: string | string[]): string {
  return Array.isArray(source) ? source.join("") : source;
}

/**
 * A solution cell's source with its reference solution replaced by `blank`.
 *
 * @param source The answer cell's source.
 * @param blank What the student starts from.
 * @param where Names the cell in an error, e.g. `"cell 7"`.
 * @throws {Error} When the markers are missing, doubled, or out of order.
 */
export function blankSolution(source: string, blank: string, where: string): string {
  const lines = source.split("\n");
  const begins = lines.flatMap((l, i) => l.trim() === BEGIN_SOLUTION ? [i] : []);
  const ends = lines.flatMap((l, i) => l.trim() === END_SOLUTION ? [i] : []);
  if (begins.length !== 1 || ends.length !== 1 || ends[0] < begins[0]) {
    throw new Error(
      `${where} is tagged "${SOLUTION_TAG}" but does not hold one line "${BEGIN_SOLUTION}" ` +
        `followed by one line "${END_SOLUTION}" (found ${begins.length} and ${ends.length})`,
    );
  }
  const indent = /^\s*/.exec(lines[begins[0]])![0];
  const replacement = blank.split("\n").map((l) => l === "" ? l : indent + l);
  return [...lines.slice(0, begins[0]), ...replacement, ...lines.slice(ends[0] + 1)].join("\n");
}

/**
 * The student edition of `nb`: solutions replaced by blanks, wrong answers dropped, the outputs
 * of answer and check cells cleared. `nb` is left unchanged.
 *
 * @param nb A notebook, executed or not.
 * @returns The student edition.
 * @throws {Error} When an answer cell lacks the solution markers, or its `blank` is no string.
 */
export function studentEdition<T extends { cells: object[] }>(nb: T): T {
  const copy = structuredClone(nb);
  (copy.cells as EditionCell[]).forEach((cell, i) => {
    const tags = tagsOf(cell);
    const exercise = cell.metadata?.exercise as Record<string, unknown> | undefined;
    if (exercise !== undefined && exercise !== null && typeof exercise === "object") {
      delete exercise.wrong;
    }
    if (cell.cell_type !== "code") return;
    if (tags.includes(SOLUTION_TAG)) {
      const blank = exercise?.blank ?? DEFAULT_BLANK;
      if (typeof blank !== "string") {
        throw new TypeError(
          `cell ${i + 1}: \`metadata.exercise.blank\` must be a string, got ${
            JSON.stringify(blank)
          }`,
        );
      }
      cell.source = blankSolution(sourceText(cell.source), blank, `cell ${i + 1}`);
    }
    if (tags.includes(SOLUTION_TAG) || tags.includes(CHECK_TAG)) {
      cell.outputs = [];
      cell.execution_count = null;
    }
  });
  return copy;
}

/** True when the notebook has an answer cell (so its two editions differ). */
export function hasSolutions(nb: { cells: object[] }): boolean {
  return (nb.cells as EditionCell[]).some((c) =>
    c.cell_type === "code" && tagsOf(c).includes(SOLUTION_TAG)
  );
}
