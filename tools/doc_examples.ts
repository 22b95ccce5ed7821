/**
 * The library's JSDoc examples, extracted as `deno test --doc` extracts them, and a runner that
 * runs one in the current isolate.
 *
 * `deno test --doc lib/` turns every example into its own test module, and Deno starts a fresh
 * isolate for each test module (≈0.3 s of CPU each, denoland/deno#20437). tests/doc_examples_test.ts
 * runs the same examples as one test each, in one isolate, through {@link runExample}.
 *
 * The extraction follows Deno 2.9's rules (cli/util/extract.rs), checked against Deno itself by
 * tests/doc_examples_test.ts:
 *
 * - only block comments that open with `/**`;
 * - in each, every fenced block: three backticks, the attributes up to the end of that line, then
 *   everything up to the next three backticks (which need not start a line);
 * - attributes are split on spaces; a block whose attributes include `ignore` is skipped, and so is
 *   one whose first attribute is not a JS/TS language (`ts`, `typescript`, `js`, `javascript`, `tsx`,
 *   `jsx`, `mts`, `cts`, `mjs`, `cjs`; lower case): no tag, `text`, `sh`, `TS` are all skipped;
 * - each line of the body keeps what follows its first `*` and one optional space, then one
 *   optional `# `; a line with no `*` is dropped; each kept line ends with a newline;
 * - the example is named after its file, the line of its opening fence and the line after its
 *   closing fence (1-based), and its language's extension: `./lib/train.ts#961-971.ts`.
 *
 * Deno also imports every export of the documented file into each example implicitly;
 * {@link runExample} does not, so an example must import what it uses (they all import by the
 * package name, `@better-gradients/lib`, as a reader would).
 *
 * @module
 */

import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";

/** One fenced code block of a JSDoc comment that `deno test --doc` would run. */
export interface DocExample {
  /** Deno's name for it, e.g. `./lib/train.ts#961-971.ts`. */
  name: string;
  /** The documented file, relative to the root and with `/` separators, e.g. `lib/train.ts`. */
  file: string;
  /** The 1-based line of the opening fence. */
  startLine: number;
  /** The 1-based line after the closing fence (Deno's convention). */
  endLine: number;
  /** The extension of the example's language: `.ts`, `.js`, `.tsx`, … */
  extension: string;
  /** The code, as Deno extracts it: each line without its comment prefix, each ending in `\n`. */
  code: string;
  /** A first line starting with `#!` (Deno reads permissions from it), removed from `code`. */
  shebang?: string;
}

/** A block comment: its text between `/*` and `*\/`, and the 0-based line it starts on. */
interface BlockComment {
  text: string;
  line: number;
}

const KEYWORDS_BEFORE_EXPRESSION = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

/**
 * The block comments of a JS/TS source, skipping what only looks like one inside strings,
 * template literals, regular expressions and line comments.
 */
function blockComments(source: string): BlockComment[] {
  const comments: BlockComment[] = [];
  // what the last significant token was, to tell a regular expression from a division
  let last = "";
  let lastWord = "";
  // open template literals: the brace depth inside each `${ … }`
  const templates: number[] = [];
  let braces = 0;
  let i = 0;
  const n = source.length;
  // the 0-based line of offset `counted`, advanced as comments are found
  let line = 0;
  let counted = 0;

  const skipTemplateText = (): void => {
    // inside a template literal's text, up to its end or the next `${`
    while (i < n) {
      const c = source[i];
      if (c === "\\") {
        i += 2;
      } else if (c === "`") {
        i++;
        last = "x";
        return;
      } else if (c === "$" && source[i + 1] === "{") {
        i += 2;
        templates.push(braces);
        braces = 0;
        last = "{";
        return;
      } else {
        i++;
      }
    }
  };

  while (i < n) {
    const c = source[i];
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      i = end === -1 ? n : end;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end;
      for (; counted < i; counted++) if (source[counted] === "\n") line++;
      comments.push({ text: source.slice(i + 2, stop), line });
      i = end === -1 ? n : end + 2;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < n && source[i] !== c && source[i] !== "\n") i += source[i] === "\\" ? 2 : 1;
      i++;
      last = "x";
    } else if (c === "`") {
      i++;
      skipTemplateText();
    } else if (c === "/") {
      const regex = last === "" || /[(,=:[!&|?{};+\-*%<>~^]/.test(last) ||
        (last === "w" && KEYWORDS_BEFORE_EXPRESSION.has(lastWord));
      if (regex) {
        i++;
        let inClass = false;
        while (i < n && source[i] !== "\n") {
          const r = source[i];
          if (r === "\\") i++;
          else if (r === "[") inClass = true;
          else if (r === "]") inClass = false;
          else if (r === "/" && !inClass) break;
          i++;
        }
        i++;
        while (i < n && /[a-z]/i.test(source[i])) i++;
        last = "x";
      } else {
        i++;
        last = "/";
      }
    } else if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_$\d]/.test(c) || c.charCodeAt(0) > 127) {
      let j = i + 1;
      while (j < n && (/[A-Za-z_$\d]/.test(source[j]) || source.charCodeAt(j) > 127)) j++;
      lastWord = source.slice(i, j);
      last = "w";
      i = j;
    } else if (c === "{") {
      braces++;
      last = "{";
      i++;
    } else if (c === "}") {
      if (templates.length > 0 && braces === 0) {
        braces = templates.pop()!;
        i++;
        skipTemplateText();
      } else {
        braces--;
        last = "}";
        i++;
      }
    } else {
      // `)` and `]` end an operand (a `/` after them divides); every other punctuator expects one
      last = c === ")" || c === "]" ? "x" : c;
      i++;
    }
  }
  return comments;
}

const EXTENSIONS: Record<string, string> = {
  ts: ".ts",
  typescript: ".ts",
  js: ".js",
  javascript: ".js",
  tsx: ".tsx",
  jsx: ".jsx",
  mts: ".mts",
  cts: ".cts",
  mjs: ".mjs",
  cjs: ".cjs",
};

// a fence, its attributes to the end of the line, and its body up to the next fence
const BLOCK = /```([^\r\n]*)\r?\n([\s\S]*?)```/g;
// Deno's per-line rule: after the first `*` and an optional space, a shebang or, past an
// optional `# `, the rest of the line
const LINE = /\* ?(#!+.*)|\* ?(?:# ?)?(.*)/s;

/** Splits like Rust's `str::lines`: on `\n`, dropping one `\r` before it and a final empty line. */
function lines(text: string): string[] {
  if (text === "") return [];
  const parts = text.split("\n");
  // the last part is what follows the last `\n`: empty when the text ends with one
  const rest = parts.pop()!;
  const ended = parts.map((line) => line.endsWith("\r") ? line.slice(0, -1) : line);
  return rest === "" ? ended : [...ended, rest];
}

/**
 * The examples `deno test --doc` would run from one JS/TS source file, in source order.
 *
 * @param source The file's text.
 * @param file Its path relative to the root, with `/` separators (names the examples).
 * @returns One entry per fenced JS/TS block of its `/** … *\/` comments.
 */
export function extractExamples(source: string, file: string): DocExample[] {
  const examples: DocExample[] = [];
  for (const comment of blockComments(source)) {
    if (!comment.text.startsWith("*")) continue;
    for (const block of comment.text.matchAll(BLOCK)) {
      const attributes = block[1].split(" ");
      if (attributes.includes("ignore")) continue;
      const extension = EXTENSIONS[attributes[0]];
      if (extension === undefined) continue;
      const offset = comment.text.slice(0, block.index).split("\n").length - 1;
      const count = block[0].split("\n").length;
      const startLine = comment.line + offset + 1;
      const endLine = startLine + count;
      let code = "";
      let shebang: string | undefined;
      let first = true;
      for (const line of lines(block[2])) {
        const m = LINE.exec(line);
        if (m === null) continue;
        const kept = m[1] ?? m[2];
        if (first && kept.startsWith("#!")) {
          shebang = kept;
          first = false;
          continue;
        }
        first = false;
        code += kept + "\n";
      }
      examples.push({
        name: `./${file}#${startLine}-${endLine}${extension}`,
        file,
        startLine,
        endLine,
        extension,
        code,
        ...(shebang === undefined ? {} : { shebang }),
      });
    }
  }
  return examples;
}

/** The extensions of the files `deno test --doc` extracts JSDoc examples from. */
const SOURCE = /\.(?:ts|tsx|js|jsx|mts|cts|mjs|cjs)$/;

/**
 * Every JSDoc example under a folder, as `deno test --doc DIR` would find them: files in path
 * order, examples in source order.
 *
 * @param root The folder the names are relative to (the repository).
 * @param dir The folder to walk, relative to `root` (e.g. `"lib"`).
 * @returns The examples.
 * @throws When the folder holds a Markdown file: `deno test --doc` runs its code blocks too, and
 *   this extractor does not read Markdown.
 */
export async function listExamples(root: string, dir: string): Promise<DocExample[]> {
  const files: string[] = [];
  const walk = async (path: string): Promise<void> => {
    for await (const entry of Deno.readDir(path)) {
      const child = join(path, entry.name);
      if (entry.isDirectory) await walk(child);
      else if (SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(child);
      else if (/\.(?:md|markdown)$/i.test(entry.name)) {
        throw new Error(
          `${relative(root, child)}: \`deno test --doc\` would run this Markdown file's code ` +
            "blocks, and tools/doc_examples.ts does not extract Markdown",
        );
      }
    }
  };
  await walk(join(root, dir));
  const names = files.map((path) => relative(root, path).split(sep).join("/")).sort();
  const examples: DocExample[] = [];
  for (const file of names) {
    examples.push(...extractExamples(await Deno.readTextFile(join(root, file)), file));
  }
  return examples;
}

/**
 * The module specifiers an example imports or re-exports statically, and those it imports
 * dynamically with a string literal.
 *
 * @param code An example's code.
 * @returns The specifiers, in order of appearance.
 */
export function importSpecifiers(code: string): string[] {
  const found: { at: number; specifier: string }[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*(["'])([^"'\n]+)\1/g,
    /\bimport\s*(["'])([^"'\n]+)\1/g,
    /\bimport\s*\(\s*(["'`])([^"'`\n]+)\1/g,
  ];
  for (const pattern of patterns) {
    for (const m of code.matchAll(pattern)) found.push({ at: m.index, specifier: m[2] });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.specifier);
}

/**
 * Runs one example in this isolate: writes it as a module file in a fresh temporary folder and
 * imports it. The module's line numbers are the documented file's (it starts with blank lines),
 * so a stack trace points at the line in the JSDoc.
 *
 * @param example The example.
 * @throws An error naming the example when it uses a relative or file import (it would resolve
 *   against the temporary folder, not the documented file), a shebang or `Deno.test`, or when it
 *   throws or rejects; the example's own error is the `cause`.
 */
export async function runExample(example: DocExample): Promise<void> {
  const where = `${example.name} (${example.file}, lines ${example.startLine}–${
    example.endLine - 1
  })`;
  for (const specifier of importSpecifiers(example.code)) {
    if (/^(?:\.{0,2}\/|file:)/.test(specifier)) {
      throw new Error(
        `${where} imports "${specifier}": examples must import by package name ` +
          `(e.g. "@better-gradients/lib") or "node:…", not by a relative or file path`,
      );
    }
  }
  if (example.shebang !== undefined) {
    throw new Error(`${where} starts with a shebang (${example.shebang}), which is not supported`);
  }
  if (/^\s*Deno\.test\(/m.test(example.code)) {
    throw new Error(`${where} calls Deno.test, which cannot run inside a test`);
  }
  const dir = await Deno.makeTempDir({ prefix: "bg-doc-example-" });
  try {
    const path = join(dir, ...example.file.split("/").slice(0, -1));
    await Deno.mkdir(path, { recursive: true });
    const base = example.file.slice(example.file.lastIndexOf("/") + 1);
    const module = join(
      path,
      `${base}@${example.startLine}-${example.endLine}${example.extension}`,
    );
    await Deno.writeTextFile(module, "\n".repeat(example.startLine) + example.code);
    try {
      await import(pathToFileURL(module).href);
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new Error(`${where} failed: ${message}`, { cause: err });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
