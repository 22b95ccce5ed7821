/**
 * The lessons' exercises: list them, check that they follow the course's convention, and build
 * the **proof variant** of a lesson that shows each check can fail.
 *
 * The convention (docs/authoring.md, "Exercises"): an exercise is a question in Markdown, an
 * answer cell tagged `solution` and a check cell tagged `check`, both with
 * `metadata.exercise = { id, role }`. The answer cell holds the reference between the lines
 * `// BEGIN SOLUTION` and `// END SOLUTION`, and its metadata gives `blank` (what a student
 * starts from) and `wrong`, plausible wrong answers with a substring `expect` of the message the
 * check must give for each.
 *
 * The proof variant is the lesson with, after every check cell, cells tagged `exercise-proof`
 * that run each wrong answer (and the blank), run the check expecting it to throw an error that
 * begins `Exercise <id>: ` and contains `expect`, and finally re-run the reference answer so later
 * cells see the right state. The lesson and all its proofs run in one kernel session.
 *
 * ```sh
 * deno run -A tools/exercises.ts list notebooks/05_momentum.ipynb    # exercises, convention problems
 * deno run -A tools/exercises.ts proof notebooks/05_momentum.ipynb   # run the proof variant
 * ```
 *
 * @module
 */

import {
  executeNotebook,
  formatResult,
  joinText,
  type Notebook,
  type NotebookCell,
} from "./notebook.ts";

/** The line that opens the reference solution in an answer cell (nbgrader's marker). */
export const BEGIN_SOLUTION = "// BEGIN SOLUTION";
/** The line that closes it. */
export const END_SOLUTION = "// END SOLUTION";
/** What a student edition puts in place of the solution when the cell gives no `blank`. */
export const DEFAULT_BLANK = "// YOUR ANSWER HERE";
/** The tag of the cells the proof variant adds; the build strips them. */
export const PROOF_TAG = "exercise-proof";
/** What a check must say about a blank answer. */
export const NOT_ANSWERED = "not answered yet";

/** A plausible wrong answer and the message the check must give for it. */
export interface WrongAnswer {
  /** The mistake in a few words, e.g. "forgets the bias correction". */
  mistake: string;
  /** Code replacing the solution region (markers included). */
  source: string;
  /** A substring of the check's error message for this answer. */
  expect: string;
}

/** `metadata.exercise` of an answer or check cell. */
export interface ExerciseMetadata {
  /** `<lesson>.<number>`, e.g. `"05.2"`. */
  id: string;
  /** Which of the two cells this is. */
  role: "answer" | "check";
  /** Answer cells: what a student starts from. */
  blank?: string;
  /** Answer cells: wrong answers the check must reject. */
  wrong?: WrongAnswer[];
}

/** One exercise of a notebook. */
export interface Exercise {
  /** Its id. */
  id: string;
  /** 0-based index of the answer cell. */
  answer: number;
  /** 0-based index of the check cell. */
  check: number;
  /** What the student starts from. */
  blank: string;
  /** The wrong answers. */
  wrong: WrongAnswer[];
}

function tagsOf(cell: NotebookCell): string[] {
  const tags = (cell.metadata as { tags?: unknown } | undefined)?.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

/** The `metadata.exercise` of a cell, or `undefined` when it has none. */
export function exerciseMetadata(cell: NotebookCell): ExerciseMetadata | undefined {
  const meta = (cell.metadata as { exercise?: unknown } | undefined)?.exercise;
  return meta !== null && typeof meta === "object" ? meta as ExerciseMetadata : undefined;
}

/**
 * `source` with its solution region (from the `// BEGIN SOLUTION` line to the `// END SOLUTION`
 * line, markers included) replaced by `replacement`, indented as the BEGIN marker is.
 *
 * @throws {RangeError} when the markers are missing, repeated or out of order.
 */
export function replaceSolution(source: string, replacement: string): string {
  const lines = source.split("\n");
  const begins = lines.flatMap((l, i) => l.trim() === BEGIN_SOLUTION ? [i] : []);
  const ends = lines.flatMap((l, i) => l.trim() === END_SOLUTION ? [i] : []);
  if (begins.length !== 1 || ends.length !== 1 || ends[0] < begins[0]) {
    throw new RangeError(
      `an answer cell must hold one line "${BEGIN_SOLUTION}" followed by one line "${END_SOLUTION}", got ${begins.length} and ${ends.length}${
        begins.length === 1 && ends.length === 1 ? " in the wrong order" : ""
      }`,
    );
  }
  const indent = /^\s*/.exec(lines[begins[0]])![0];
  const body = replacement.replace(/\n$/, "").split("\n").map((l) => l === "" ? l : indent + l);
  return [...lines.slice(0, begins[0]), ...body, ...lines.slice(ends[0] + 1)].join("\n");
}

/**
 * Every exercise of `nb`, and what breaks the convention. `lesson` (e.g. `"05"`), when given, must
 * be every id's prefix.
 *
 * @returns The exercises in notebook order and one sentence per problem (empty when none).
 */
export function listExercises(
  nb: Notebook,
  lesson?: string,
): { exercises: Exercise[]; problems: string[] } {
  const problems: string[] = [];
  const answers = new Map<string, number>();
  const checks = new Map<string, number>();
  nb.cells.forEach((cell, i) => {
    const tags = tagsOf(cell);
    const meta = exerciseMetadata(cell);
    const where = `cell ${i + 1}`;
    const tagged = tags.includes("solution") || tags.includes("check");
    if (meta === undefined) {
      if (tagged) {
        problems.push(`${where} is tagged ${tags.join(", ")} but has no metadata.exercise`);
      }
      return;
    }
    if (cell.cell_type !== "code") {
      problems.push(`${where} has metadata.exercise but is a ${cell.cell_type} cell`);
      return;
    }
    const id = meta.id;
    if (typeof id !== "string" || !/^\d{2}\.\d+$/.test(id)) {
      problems.push(`${where}: exercise id must look like "05.2", got ${JSON.stringify(id)}`);
      return;
    }
    if (lesson !== undefined && !id.startsWith(`${lesson}.`)) {
      problems.push(`${where}: exercise ${id} is not numbered after its lesson ${lesson}`);
    }
    const source = joinText(cell.source);
    if (meta.role === "answer") {
      if (!tags.includes("solution")) {
        problems.push(`${where}: answer of ${id} is not tagged "solution"`);
      }
      if (answers.has(id)) problems.push(`${where}: a second answer cell for exercise ${id}`);
      answers.set(id, i);
      try {
        replaceSolution(source, "");
      } catch (err) {
        problems.push(`${where}: exercise ${id}: ${(err as Error).message}`);
      }
      if (meta.blank !== undefined && typeof meta.blank !== "string") {
        problems.push(`${where}: exercise ${id}: blank must be a string`);
      }
      const wrong = meta.wrong;
      if (!Array.isArray(wrong) || wrong.length === 0) {
        problems.push(`${where}: exercise ${id} has no wrong answer (metadata.exercise.wrong)`);
      } else {
        wrong.forEach((w, k) => {
          for (const key of ["mistake", "source", "expect"] as const) {
            if (typeof w?.[key] !== "string" || w[key].trim() === "") {
              problems.push(
                `${where}: exercise ${id}, wrong answer ${
                  k + 1
                }: ${key} must be a non-empty string`,
              );
            }
          }
        });
      }
    } else if (meta.role === "check") {
      if (!tags.includes("check")) problems.push(`${where}: check of ${id} is not tagged "check"`);
      if (checks.has(id)) problems.push(`${where}: a second check cell for exercise ${id}`);
      checks.set(id, i);
      if (/^\s*import\s/m.test(source)) {
        problems.push(
          `${where}: check of ${id} imports; import in an earlier cell (the proof wraps checks in a block)`,
        );
      }
    } else {
      problems.push(
        `${where}: exercise ${id} has role ${JSON.stringify(meta.role)}, not "answer" or "check"`,
      );
    }
  });
  const exercises: Exercise[] = [];
  for (const [id, answer] of answers) {
    const check = checks.get(id);
    if (check === undefined) {
      problems.push(`exercise ${id} has an answer cell (cell ${answer + 1}) but no check cell`);
      continue;
    }
    if (check < answer) {
      problems.push(
        `exercise ${id}: the check (cell ${check + 1}) comes before the answer (cell ${
          answer + 1
        })`,
      );
      continue;
    }
    const meta = exerciseMetadata(nb.cells[answer])!;
    exercises.push({
      id,
      answer,
      check,
      blank: typeof meta.blank === "string" ? meta.blank : DEFAULT_BLANK,
      wrong: Array.isArray(meta.wrong) ? meta.wrong : [],
    });
  }
  for (const [id, check] of checks) {
    if (!answers.has(id)) {
      problems.push(`exercise ${id} has a check cell (cell ${check + 1}) but no answer cell`);
    }
  }
  exercises.sort((a, b) => a.answer - b.answer);
  return { exercises, problems };
}

function codeCell(
  source: string,
  tags: string[],
  extra: Record<string, unknown> = {},
): NotebookCell {
  return {
    cell_type: "code",
    source,
    outputs: [],
    execution_count: null,
    metadata: { tags, ...extra },
  };
}

/**
 * The check's source wrapped so that its error is caught and must begin `Exercise <id>: ` and
 * contain `expect`; any other outcome (no error, another message) throws from the proof cell.
 */
export function expectCheckToFail(
  checkSource: string,
  id: string,
  mistake: string,
  expect: string,
): string {
  const body = checkSource.replace(/\n$/, "").split("\n").map((l) => l === "" ? l : `    ${l}`);
  const what = JSON.stringify(`exercise-proof ${id}, wrong answer "${mistake}"`);
  return [
    `// ${PROOF_TAG}: the check of ${id} must reject the wrong answer "${mistake}"`,
    "{",
    "  let proofThrown: unknown = undefined;",
    "  try {",
    ...body,
    "  } catch (err) {",
    "    proofThrown = err;",
    "  }",
    "  if (proofThrown === undefined) {",
    `    throw new Error(${what} + ": the check passed; it must fail with a message containing " + ${
      JSON.stringify(JSON.stringify(expect))
    });`,
    "  }",
    "  const proofMessage = proofThrown instanceof Error ? proofThrown.message : String(proofThrown);",
    `  if (!proofMessage.startsWith(${
      JSON.stringify(`Exercise ${id}: `)
    }) || !proofMessage.includes(${JSON.stringify(expect)})) {`,
    `    throw new Error(${what} + ": the check's message must begin " + ${
      JSON.stringify(JSON.stringify(`Exercise ${id}: `))
    } + " and contain " + ${
      JSON.stringify(JSON.stringify(expect))
    } + ", got " + JSON.stringify(proofMessage));`,
    "  }",
    `  console.log(${what} + " rejected: " + proofMessage);`,
    "}",
  ].join("\n");
}

/**
 * The proof variant of `nb`: after each check cell, cells tagged `exercise-proof` that run the
 * blank and every wrong answer against the check (which must throw the expected message), then
 * re-run the reference answer. Throws when the convention is broken.
 *
 * @param nb A lesson.
 * @param lesson Its number, e.g. `"05"`, to check the ids against.
 * @returns A new notebook; `nb` is left unchanged.
 */
export function proofVariant(nb: Notebook, lesson?: string): Notebook {
  const { exercises, problems } = listExercises(nb, lesson);
  if (problems.length > 0) {
    throw new Error(`the exercises break the convention:\n- ${problems.join("\n- ")}`);
  }
  const byCheck = new Map(exercises.map((e) => [e.check, e]));
  const cells: NotebookCell[] = [];
  nb.cells.forEach((cell, i) => {
    cells.push(structuredClone(cell));
    const ex = byCheck.get(i);
    if (ex === undefined) return;
    const answer = joinText(nb.cells[ex.answer].source);
    const check = joinText(cell.source);
    const cases = [
      { mistake: "blank answer", source: ex.blank, expect: NOT_ANSWERED },
      ...ex.wrong,
    ];
    for (const w of cases) {
      cells.push(
        codeCell(replaceSolution(answer, w.source), [PROOF_TAG], {
          exercise_proof: { id: ex.id, mistake: w.mistake },
        }),
      );
      cells.push(
        codeCell(expectCheckToFail(check, ex.id, w.mistake, w.expect), [PROOF_TAG], {
          exercise_proof: { id: ex.id, mistake: w.mistake },
        }),
      );
    }
    cells.push(codeCell(answer, [PROOF_TAG], { exercise_proof: { id: ex.id, mistake: null } }));
  });
  return { ...structuredClone(nb), cells };
}

/** `nb` without the cells tagged `exercise-proof`. */
export function stripProofCells(nb: Notebook): Notebook {
  return {
    ...structuredClone(nb),
    cells: nb.cells.filter((c) => !tagsOf(c).includes(PROOF_TAG)).map((c) => structuredClone(c)),
  };
}

/**
 * The student edition of `nb` (what `deno task build` publishes): proof cells removed; in every
 * answer cell the solution region replaced by its blank and the wrong answers
 * (`metadata.exercise.wrong`) dropped; answer and check cells without the outputs the reference
 * solution produced.
 */
export function studentEdition(nb: Notebook): Notebook {
  const copy = stripProofCells(nb);
  for (const cell of copy.cells) {
    const meta = exerciseMetadata(cell);
    if (meta === undefined) continue;
    if (meta.role === "answer") {
      cell.source = replaceSolution(
        joinText(cell.source),
        typeof meta.blank === "string" ? meta.blank : DEFAULT_BLANK,
      );
      delete (meta as { wrong?: unknown }).wrong;
    }
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
  return copy;
}

/** The lesson number of a notebook path (`…/05_momentum.ipynb` → `"05"`), or `undefined`. */
export function lessonNumber(path: string): string | undefined {
  return /(?:^|\/)(\d{2})_[^/]*\.ipynb$/.exec(path)?.[1];
}

/**
 * Writes the proof variant of the notebook at `path` beside it (so imports resolve as in the
 * lesson), runs it, and removes it.
 */
export async function runProof(path: string, options: { timeoutSeconds?: number } = {}) {
  const nb = JSON.parse(await Deno.readTextFile(path)) as Notebook;
  const variant = proofVariant(nb, lessonNumber(path));
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  const base = path.slice(path.lastIndexOf("/") + 1).replace(/\.ipynb$/, "");
  const proofPath = `${dir}/.${base}.proof-${crypto.randomUUID().slice(0, 8)}.ipynb`;
  await Deno.writeTextFile(proofPath, JSON.stringify(variant, null, 1) + "\n");
  try {
    const result = await executeNotebook(proofPath, options);
    return { ...result, path };
  } finally {
    await Deno.remove(proofPath).catch(() => {});
  }
}

const USAGE = `Usage:
  deno run -A tools/exercises.ts list NOTEBOOK.ipynb...    list exercises and convention problems
  deno run -A tools/exercises.ts proof NOTEBOOK.ipynb...   run each lesson with its exercise proofs`;

async function main(args: string[]): Promise<number> {
  const [command, ...paths] = args;
  if ((command !== "list" && command !== "proof") || paths.length === 0) {
    console.error(USAGE);
    return 2;
  }
  let failures = 0;
  for (const path of paths) {
    const nb = JSON.parse(await Deno.readTextFile(path)) as Notebook;
    const { exercises, problems } = listExercises(nb, lessonNumber(path));
    if (command === "list") {
      console.log(`${path}: ${exercises.length} exercises`);
      for (const e of exercises) {
        console.log(
          `  ${e.id}  cells ${e.answer + 1}/${e.check + 1}  wrong: ${
            e.wrong.map((w) => w.mistake).join("; ")
          }`,
        );
      }
      for (const p of problems) console.log(`  PROBLEM ${p}`);
      if (problems.length > 0) failures++;
    } else {
      if (problems.length > 0) {
        console.log(`FAILED  ${path}\n${problems.map((p) => `  ${p}`).join("\n")}`);
        failures++;
        continue;
      }
      const result = await runProof(path);
      console.log(formatResult(result));
      if (!result.ok) failures++;
    }
  }
  return failures === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
