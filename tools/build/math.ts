/**
 * LaTeX to HTML at build time with KaTeX, so pages need no script to show math.
 *
 * @module
 */

import katex from "katex";

/** A LaTeX fragment KaTeX could not parse, with where it came from. */
export interface MathProblem {
  /** The TeX source as written. */
  tex: string;
  /** KaTeX's message. */
  message: string;
}

/**
 * Renders math for one page. `\newcommand`, `\def` and `\gdef` persist from one formula to the
 * next on the same page, as they do in Jupyter's MathJax.
 */
export class MathRenderer {
  /** Macros defined so far on this page (KaTeX adds to this object). */
  readonly macros: Record<string, string> = {};
  /** Formulas that failed to parse, in the order met. */
  readonly problems: MathProblem[] = [];

  /**
   * KaTeX HTML (with MathML for screen readers) for one formula. A formula that does not parse is
   * recorded in {@link problems} and shown as its source in red, so the page still builds.
   *
   * @param tex The TeX source without delimiters.
   * @param displayMode True for a centred block formula, false for inline math.
   * @returns The HTML markup.
   */
  render(tex: string, displayMode: boolean): string {
    const options = {
      displayMode,
      macros: this.macros,
      globalGroup: true,
      strict: "ignore" as const,
      trust: false,
    };
    try {
      return katex.renderToString(tex, { ...options, throwOnError: true });
    } catch (err) {
      this.problems.push({ tex, message: err instanceof Error ? err.message : String(err) });
      return katex.renderToString(tex, { ...options, throwOnError: false, errorColor: "#b3261e" });
    }
  }
}
