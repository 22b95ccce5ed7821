/**
 * Checks for the lessons' exercises: compare a student's answer (a number, a choice, a vector, a
 * trajectory of an update loop) with the reference and say precisely what is off.
 *
 * A check cell wraps its comparisons in {@link exercise}, which prefixes every complaint with
 * `Exercise <id>: ` and prints `Exercise <id>: correct` when nothing is wrong. The `expect…`
 * helpers throw an {@link ExerciseMistake} whose message is one sentence for the student, e.g.
 * "your m after step 3 differs in coordinate 2: 0.41 instead of 0.38". An answer still
 * `undefined` gets "not answered yet: …".
 *
 * @module
 */

import type { OptimizerState } from "./types.ts";
import { show } from "./_validate.ts";

/** What a check found wrong with an answer; {@link exercise} turns it into the cell's error. */
export class ExerciseMistake extends Error {
  /**
   * A mistake to report.
   *
   * @param message One sentence for the student, without the `Exercise <id>: ` prefix. */
  constructor(message: string) {
    super(message);
    this.name = "ExerciseMistake";
  }
}

const ID = /^\d{2}\.\d+$/;

function finishError(id: string, err: unknown): Error {
  const text = err instanceof ExerciseMistake
    ? err.message
    : `your code threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
  const out = new Error(`Exercise ${id}: ${text}`);
  // the student needs the sentence, not where inside the check it was found
  out.stack = `${out.name}: ${out.message}`;
  return out;
}

/**
 * Runs the comparisons of exercise `id`. When `body` throws, the error is rethrown as an `Error`
 * whose message begins `Exercise <id>: ` — an {@link ExerciseMistake}'s sentence as it is, any other
 * error (thrown by the student's code) as "your code threw TypeError: …". When it returns, one line
 * `Exercise <id>: correct` is printed.
 *
 * @param id The exercise's id, `<lesson>.<number>`, e.g. `"05.2"`.
 * @param body The comparisons; may be `async`, and then `exercise` returns a Promise to `await`.
 * @returns Nothing, or a Promise when `body` returns one.
 *
 * @example
 * ```ts
 * import { exercise, expectNumber } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const answer = 0.5;
 * assert.throws(
 *   () => exercise("01.1", () => expectNumber(answer, 2 / 3, { name: "answer" })),
 *   /^Error: Exercise 01\.1: `answer` = 0\.5 is too small/,
 * );
 * ```
 */
export function exercise(id: string, body: () => void | Promise<void>): void | Promise<void> {
  if (typeof id !== "string" || !ID.test(id)) {
    throw new RangeError(`\`id\` must look like "05.2" (lesson.number), got ${show(id)}`);
  }
  if (typeof body !== "function") {
    throw new TypeError(`\`body\` must be a function, got ${show(body)}`);
  }
  const done = () => console.log(`Exercise ${id}: correct`);
  let result: void | Promise<void>;
  try {
    result = body();
  } catch (err) {
    throw finishError(id, err);
  }
  if (result instanceof Promise) {
    return result.then(done, (err) => {
      throw finishError(id, err);
    });
  }
  done();
}

/**
 * Throws "not answered yet: …" when `answer` is `undefined`.
 *
 * @param answer The student's value.
 * @param what What to fill in, e.g. "set `answer1` to the threshold".
 *
 * @example
 * ```ts
 * import { expectAnswered } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => expectAnswered(undefined, "set `k`"), /^ExerciseMistake: not answered yet: set `k`$/);
 * expectAnswered(3, "set `k`");
 * ```
 */
export function expectAnswered(answer: unknown, what: string): void {
  if (answer === undefined) throw new ExerciseMistake(`not answered yet: ${what}`);
}

/** A wrong answer a check recognises, and what it tells the student. */
export interface KnownMistake<T> {
  /** The wrong value (numbers match to the check's tolerance). */
  value: T;
  /** What the value shows, e.g. "you multiplied by η instead of dividing". */
  says: string;
}

/** Options of {@link expectNumber}. */
export interface ExpectNumberOptions {
  /** The answer's name in messages, e.g. `"answer1"`. */
  name: string;
  /**
   * Relative tolerance: `|answer − expected| ≤ rtol·|expected| + atol`.
   * @default {1e-9}
   */
  rtol?: number;
  /**
   * Absolute tolerance.
   * @default {0}
   */
  atol?: number;
  /**
   * The answer must be a whole number.
   * @default {false}
   */
  integer?: boolean;
  /** Wrong answers to recognise, with what each one shows. */
  mistakes?: KnownMistake<number>[];
  /** Said after "too small" / "too large" when the answer is none of the known mistakes. */
  hint?: string;
}

function withinTolerance(a: number, b: number, rtol: number, atol: number): boolean {
  return Math.abs(a - b) <= rtol * Math.abs(b) + atol;
}

/**
 * Compares a number with the reference. Without giving the reference away, the message says
 * which known mistake the answer is, or whether it is too small or too large.
 *
 * @param answer The student's value.
 * @param expected The reference value.
 * @param options The answer's name, tolerances, known mistakes and a hint.
 *
 * @example
 * ```ts
 * import { expectNumber } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const options = {
 *   name: "answer1",
 *   mistakes: [{ value: 2.5e-4, says: "you multiplied tol by η; divide it" }],
 * };
 * expectNumber(4e-3, 1e-3 / 0.25, options);
 * assert.throws(() => expectNumber(2.5e-4, 4e-3, options), /you multiplied tol by η/);
 * assert.throws(() => expectNumber(undefined, 4e-3, options), /not answered yet/);
 * ```
 */
export function expectNumber(
  answer: unknown,
  expected: number,
  options: ExpectNumberOptions,
): void {
  const { name, rtol = 1e-9, atol = 0, integer = false, mistakes = [], hint } = options;
  expectAnswered(answer, `set \`${name}\``);
  if (typeof answer !== "number" || Number.isNaN(answer)) {
    throw new ExerciseMistake(`\`${name}\` must be a number, got ${show(answer)}`);
  }
  if (integer && !Number.isInteger(answer)) {
    throw new ExerciseMistake(`\`${name}\` must be a whole number, got ${answer}`);
  }
  if (withinTolerance(answer, expected, rtol, atol)) return;
  for (const m of mistakes) {
    if (withinTolerance(answer, m.value, rtol, atol)) {
      throw new ExerciseMistake(`\`${name}\` = ${answer}: ${m.says}`);
    }
  }
  const side = answer < expected ? "too small" : "too large";
  throw new ExerciseMistake(`\`${name}\` = ${answer} is ${side}${hint ? `; ${hint}` : ""}`);
}

/** Options of {@link expectChoice}. */
export interface ExpectChoiceOptions {
  /** The answer's name in messages. */
  name: string;
  /** Every valid option; an answer outside them is refused with the list. */
  choices: readonly string[];
  /** What each wrong option shows; an option without an entry gets "is not right". */
  mistakes?: Readonly<Record<string, string>>;
}

/**
 * Compares a choice among labelled options (`"a"`, `"adam"`, …) with the reference.
 *
 * @param answer The student's choice.
 * @param expected The right option.
 * @param options The answer's name, the valid options and what each wrong one shows.
 *
 * @example
 * ```ts
 * import { expectChoice } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const options = { name: "fastest", choices: ["cosine", "exponential"], mistakes: { exponential: "look again at step 300" } };
 * expectChoice("cosine", "cosine", options);
 * assert.throws(() => expectChoice("exponential", "cosine", options), /look again at step 300/);
 * assert.throws(() => expectChoice("linear", "cosine", options), /one of "cosine", "exponential"/);
 * ```
 */
export function expectChoice(
  answer: unknown,
  expected: string,
  options: ExpectChoiceOptions,
): void {
  const { name, choices, mistakes = {} } = options;
  if (!choices.includes(expected)) {
    throw new RangeError(
      `\`expected\` must be one of the choices ${choices.join(", ")}, got ${show(expected)}`,
    );
  }
  expectAnswered(answer, `set \`${name}\` to one of ${choices.map((c) => `"${c}"`).join(", ")}`);
  if (typeof answer !== "string" || !choices.includes(answer)) {
    throw new ExerciseMistake(
      `\`${name}\` must be one of ${choices.map((c) => `"${c}"`).join(", ")}, got ${show(answer)}`,
    );
  }
  if (answer === expected) return;
  throw new ExerciseMistake(`\`${name}\` = "${answer}" ${mistakes[answer] ?? "is not right"}`);
}

/** Options of {@link expectVector}. */
export interface ExpectVectorOptions {
  /** The vector's name in messages, e.g. `"m"`. */
  name: string;
  /** Where it was taken, e.g. "after step 3"; part of the message. */
  when?: string;
  /**
   * Relative tolerance per coordinate: `|a − b| ≤ rtol·|b| + atol`.
   * @default {1e-12}
   */
  rtol?: number;
  /**
   * Absolute tolerance per coordinate.
   * @default {0}
   */
  atol?: number;
}

/**
 * Compares a vector with the reference coordinate by coordinate and names the first that differs:
 * "your m after step 3 differs in coordinate 2: 0.41 instead of 0.38" (coordinates count from 0,
 * as `m[2]` does).
 *
 * @param answer The student's vector (an array or typed array).
 * @param expected The reference.
 * @param options The name, when it was taken, and tolerances.
 *
 * @example
 * ```ts
 * import { expectVector } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * expectVector([1, 2, 3], new Float64Array([1, 2, 3]), { name: "w" });
 * assert.throws(
 *   () => expectVector([0.1, 0.2, 0.41], [0.1, 0.2, 0.38], { name: "m", when: "after step 3" }),
 *   /your m after step 3 differs in coordinate 2: 0\.41 instead of 0\.38/,
 * );
 * ```
 */
export function expectVector(
  answer: unknown,
  expected: ArrayLike<number>,
  options: ExpectVectorOptions,
): void {
  const { name, when, rtol = 1e-12, atol = 0 } = options;
  const where = when ? ` ${when}` : "";
  if (answer === undefined) {
    throw new ExerciseMistake(`not answered yet: your ${name}${where} is undefined`);
  }
  const isVector = Array.isArray(answer) || (ArrayBuffer.isView(answer) && "length" in answer);
  if (!isVector) {
    throw new ExerciseMistake(
      `your ${name}${where} must be an array of numbers, got ${show(answer)}`,
    );
  }
  const a = answer as ArrayLike<unknown>;
  if (a.length !== expected.length) {
    throw new ExerciseMistake(
      `your ${name}${where} has ${a.length} coordinates, expected ${expected.length}`,
    );
  }
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== "number") {
      throw new ExerciseMistake(`your ${name}${where} holds ${show(x)} in coordinate ${i}`);
    }
    if (!(withinTolerance(x, expected[i], rtol, atol))) {
      throw new ExerciseMistake(
        `your ${name}${where} differs in coordinate ${i}: ${x} instead of ${expected[i]}`,
      );
    }
  }
}

/** One step's values in {@link expectSteps}: the new weights and state, by name. */
export type StepRecord = Readonly<Record<string, ArrayLike<number>>>;

/** Options of {@link expectSteps}. */
export interface ExpectStepsOptions {
  /**
   * Relative tolerance per coordinate.
   * @default {1e-12}
   */
  rtol?: number;
  /**
   * Absolute tolerance per coordinate (for values that are 0 in the reference).
   * @default {0}
   */
  atol?: number;
}

/**
 * Compares the trajectory of a student's update loop with the library's, step by step: for each
 * step (counted from 1) it compares every variable the reference names, in the order the
 * reference lists them (put the state, e.g. `m`, before `w`: a wrong state is the cause, a wrong
 * `w` the effect), and reports the first coordinate that differs.
 *
 * @param yours The student's records, one per step.
 * @param reference The library's records, one per step.
 * @param options Tolerances.
 *
 * @example
 * ```ts
 * import { expectSteps } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const reference = [{ m: [1, 2], w: [0, 0] }, { m: [1.5, 3], w: [-1, -2] }];
 * expectSteps([{ m: [1, 2], w: [0, 0] }, { m: [1.5, 3], w: [-1, -2] }], reference);
 * assert.throws(
 *   () => expectSteps([{ m: [1, 2], w: [0, 0] }, { m: [1.5, 2.5], w: [-1, -2] }], reference),
 *   /your m after step 2 differs in coordinate 1: 2\.5 instead of 3/,
 * );
 * ```
 */
export function expectSteps(
  yours: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>,
  reference: readonly StepRecord[],
  options: ExpectStepsOptions = {},
): void {
  const { rtol = 1e-12, atol = 0 } = options;
  if (!Array.isArray(yours)) {
    throw new ExerciseMistake(`your steps must be an array of records, got ${show(yours)}`);
  }
  reference.forEach((ref, t) => {
    const when = `after step ${t + 1}`;
    const mine = yours[t];
    if (mine === undefined || mine === null || typeof mine !== "object") {
      throw new ExerciseMistake(
        `not answered yet: your update returned ${show(mine)} ${when} instead of { ${
          Object.keys(ref).join(", ")
        } }`,
      );
    }
    for (const name of Object.keys(ref)) {
      expectVector(mine[name], ref[name], { name, when, rtol, atol });
    }
  });
}

/**
 * A copy of the state vector `field` (e.g. `"mu"` for Adam's first moment) of the first building
 * block of an optimizer's state that holds one: the library's value to compare a student's state
 * with.
 *
 * @param state An optimizer's state, as its `init` made it and its `step` advanced it.
 * @param field The vector's name in the block's state.
 * @returns A copy of the vector.
 *
 * @example
 * ```ts
 * import { notesMomentum, stateVector } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = notesMomentum({ lr: 0.1, alpha: 0.9 });
 * const w = new Float64Array([1]);
 * const state = opt.init(w);
 * opt.step(w, new Float64Array([2]), state);
 * assert.deepEqual([...stateVector(state, "buf")], [0.2]);
 * ```
 */
export function stateVector(state: OptimizerState, field: string): Float64Array {
  const blocks = (state as { inner?: unknown } | null)?.inner;
  if (!Array.isArray(blocks)) {
    throw new TypeError(`\`state\` must be an optimizer's state, got ${show(state)}`);
  }
  const names: string[] = [];
  for (const block of blocks) {
    if (block === null || typeof block !== "object") continue;
    for (const [key, value] of Object.entries(block)) {
      if (!(value instanceof Float64Array)) continue;
      if (key === field) return value.slice();
      names.push(key);
    }
  }
  throw new RangeError(
    `\`field\` must name a state vector of this optimizer (${
      names.join(", ") || "it has none"
    }), got ${show(field)}`,
  );
}
