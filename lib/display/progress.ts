/**
 * A progress line for long training runs: one output in Jupyter that is
 * redrawn in place, the way tqdm and fastai show progress, or one plain line
 * per report in a terminal.
 *
 * @module
 */

/** One report: where the run is and how it is doing. */
export interface ProgressReport {
  /** The run's label. */
  name: string;
  /** Steps taken so far, and the most the run will take. */
  step: number;
  /** The most steps the run will take. */
  maxSteps: number;
  /** Epochs completed (fractional within an epoch), and the epochs planned, when the run has minibatches. */
  epoch?: number;
  /** Epochs planned. */
  epochs?: number;
  /** The training loss at the last evaluation. */
  loss: number;
  /** The training accuracy at the last evaluation, when the problem has one. */
  accuracy?: number;
  /** The validation loss at the last evaluation, when a validation set is given. */
  validationLoss?: number;
  /** The validation accuracy at the last evaluation. */
  validationAccuracy?: number;
  /** Wall time since the run started, in milliseconds. */
  elapsed: number;
  /** Set on the last report: why the run stopped. */
  done?: string;
}

/** Where reports go: `"jupyter"` redraws one output; `"lines"` prints a line each; `"none"` drops them. */
export type ProgressTarget = "jupyter" | "lines" | "none";

/** Whether this code runs inside Deno's Jupyter kernel. */
export function inJupyter(): boolean {
  try {
    // outside `deno jupyter`, reading Deno.jupyter throws
    return typeof Deno.jupyter?.broadcast === "function";
  } catch {
    return false;
  }
}

/**
 * Where `"auto"` sends reports: Jupyter's in-place output inside the kernel,
 * a line each when standard output is a terminal, nowhere otherwise (so test
 * runs and piped scripts print nothing).
 */
export function autoProgressTarget(): ProgressTarget {
  if (inJupyter()) return "jupyter";
  try {
    return Deno.stdout.isTerminal() ? "lines" : "none";
  } catch {
    return "none";
  }
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

function short(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : x.toPrecision(4);
}

/** The report as one line of text, e.g. `adam · epoch 3/10 · step 657/2190 · loss 0.3121 · …`. */
export function progressLine(r: ProgressReport): string {
  const parts = [r.name];
  if (r.epoch !== undefined && r.epochs !== undefined) {
    parts.push(`epoch ${Math.floor(r.epoch + 1e-9)}/${r.epochs}`);
  }
  parts.push(`step ${r.step}/${r.maxSteps}`, `loss ${short(r.loss)}`);
  if (r.accuracy !== undefined) parts.push(`accuracy ${percent(r.accuracy)}`);
  if (r.validationLoss !== undefined) parts.push(`validation loss ${short(r.validationLoss)}`);
  if (r.validationAccuracy !== undefined) {
    parts.push(`validation accuracy ${percent(r.validationAccuracy)}`);
  }
  parts.push(`${(r.elapsed / 1000).toFixed(1)} s`);
  if (r.done !== undefined) parts.push(r.done);
  return parts.join(" · ");
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The report as HTML: a labelled progress bar and the line beside it. */
export function progressHtml(r: ProgressReport): string {
  const line = escape(progressLine(r));
  return `<div role="status" style="font-family:monospace;font-size:0.95em;display:flex;` +
    `gap:0.6em;align-items:center;flex-wrap:wrap"><progress value="${r.step}" max="${r.maxSteps}" ` +
    `aria-label="training progress: step ${r.step} of ${r.maxSteps}" style="width:10em"></progress>` +
    `<span>${line}</span></div>`;
}

let displays = 0;

/**
 * A sink for reports. In Jupyter the first report opens one output and every
 * later one redraws it (`update_display_data` on the same display id); with
 * `"lines"` each report prints one line; with `"none"` nothing happens.
 */
export class Progress {
  readonly target: ProgressTarget;
  readonly #id: string;
  #opened = false;

  /** @param target Where reports go. */
  constructor(target: ProgressTarget) {
    this.target = target;
    this.#id = `better-gradients-progress-${Date.now()}-${++displays}`;
  }

  /** Shows a report; in Jupyter, resolves once the kernel has sent it. */
  async report(r: ProgressReport): Promise<void> {
    if (this.target === "none") return;
    if (this.target === "lines") {
      console.log(progressLine(r));
      return;
    }
    const content = {
      data: { "text/plain": progressLine(r), "text/html": progressHtml(r) },
      metadata: {},
      transient: { display_id: this.#id },
    };
    await Deno.jupyter.broadcast(this.#opened ? "update_display_data" : "display_data", content);
    this.#opened = true;
  }
}
