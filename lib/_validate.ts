// Argument checks shared by every factory and function in `lib/`.
//
// Each check throws a `RangeError` (a number outside its range) or a `TypeError`
// (a value of the wrong kind) whose message names the parameter, the valid range
// and the value received, e.g. "`lr` must be a finite number > 0, got -1".

/** Shows a received value in an error message. */
export function show(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "function") return "a function";
  if (ArrayBuffer.isView(value) && "length" in value) {
    return `a ${value.constructor.name} of length ${value.length}`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    const name = proto?.constructor?.name;
    if (proto !== null && proto !== Object.prototype && typeof name === "string" && name !== "") {
      return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
    }
    return "an object";
  }
  return typeof value;
}

/** True for `{ ... }` literals and `Object.create(null)`: not arrays, class instances or functions. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function requireNumber(name: string, value: unknown, range: string): asserts value is number {
  if (typeof value !== "number") {
    throw new TypeError(`\`${name}\` must be a number ${range}, got ${show(value)}`);
  }
  if (!Number.isFinite(value)) {
    throw new RangeError(`\`${name}\` must be a finite number ${range}, got ${show(value)}`);
  }
}

/** Any finite number. */
export function finite(name: string, value: unknown): number {
  if (typeof value !== "number") {
    throw new TypeError(`\`${name}\` must be a finite number, got ${show(value)}`);
  }
  if (!Number.isFinite(value)) {
    throw new RangeError(`\`${name}\` must be a finite number, got ${show(value)}`);
  }
  return value;
}

/** A finite number > 0. */
export function positive(name: string, value: unknown): number {
  requireNumber(name, value, "> 0");
  if (!(value > 0)) {
    throw new RangeError(`\`${name}\` must be a finite number > 0, got ${show(value)}`);
  }
  return value;
}

/** A finite number ≥ 0. */
export function nonNegative(name: string, value: unknown): number {
  requireNumber(name, value, ">= 0");
  if (!(value >= 0)) {
    throw new RangeError(`\`${name}\` must be a finite number >= 0, got ${show(value)}`);
  }
  return value;
}

/** A number in [0, 1): decay rates α, β, ρ of moving averages and momentum. */
export function unitInterval(name: string, value: unknown): number {
  requireNumber(name, value, "in [0, 1)");
  if (!(value >= 0 && value < 1)) {
    throw new RangeError(`\`${name}\` must be a number in [0, 1), got ${show(value)}`);
  }
  return value;
}

/** A number in [0, 1]: dampening, mixing fractions. */
export function closedUnitInterval(name: string, value: unknown): number {
  requireNumber(name, value, "in [0, 1]");
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`\`${name}\` must be a number in [0, 1], got ${show(value)}`);
  }
  return value;
}

/** An integer ≥ `min` (default 0). */
export function integer(name: string, value: unknown, min = 0): number {
  const range = `>= ${min}`;
  if (typeof value !== "number") {
    throw new TypeError(`\`${name}\` must be an integer ${range}, got ${show(value)}`);
  }
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`\`${name}\` must be an integer ${range}, got ${show(value)}`);
  }
  return value;
}

/** A boolean flag. */
export function bool(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`\`${name}\` must be true or false, got ${show(value)}`);
  }
  return value;
}

/** A non-empty `Float64Array` whose entries are all finite. */
export function vector(name: string, value: unknown): Float64Array {
  if (!(value instanceof Float64Array)) {
    throw new TypeError(`\`${name}\` must be a Float64Array, got ${show(value)}`);
  }
  if (value.length === 0) {
    throw new RangeError(`\`${name}\` must have length >= 1, got length 0`);
  }
  for (let i = 0; i < value.length; i++) {
    if (!Number.isFinite(value[i])) {
      throw new RangeError(
        `\`${name}[${i}]\` must be a finite number, got ${show(value[i])}`,
      );
    }
  }
  return value;
}

/** Two arrays of the same length. */
export function sameLength(
  nameA: string,
  a: { length: number },
  nameB: string,
  b: { length: number },
): void {
  if (a.length !== b.length) {
    throw new RangeError(
      `\`${nameB}\` must have the same length as \`${nameA}\` (${a.length}), got length ${b.length}`,
    );
  }
}

/**
 * The shared reader of options objects, called at the top of every factory and
 * function that takes one. It refuses
 * - an options object that is not a plain object (`null`, an array, a class
 *   instance, a function, a number): `where` names the function;
 * - a key the function does not know (a typo would be silently ignored);
 * - an option set to `null`: only a missing or `undefined` option means its
 *   default, so `{ lr: null }` is an error, not "use the default".
 *
 * @param where The function's name, e.g. `"sgd"`.
 * @param options The value received as the options object.
 * @param keys The options the function knows.
 */
export function knownKeys(where: string, options: unknown, keys: readonly string[]): void {
  if (!isPlainObject(options)) {
    throw new TypeError(
      `\`${where}\` options must be a plain object such as { ${keys[0] ?? "key"}: ... }, got ${
        show(options)
      }`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) {
      throw new TypeError(
        `\`${where}\` has no option \`${key}\`; known options: ${keys.join(", ")}`,
      );
    }
    if (options[key] === null) {
      throw new TypeError(
        `\`${key}\` must be left out (or undefined) to get its default, got null`,
      );
    }
  }
}
