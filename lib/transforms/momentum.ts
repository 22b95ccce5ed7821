/**
 * Momentum: a decaying sum of past updates.
 *
 * @module
 */

import type { GradientTransformation } from "../types.ts";
import { bool, closedUnitInterval, knownKeys, show, unitInterval } from "../_validate.ts";

/** Options of {@link momentum}. */
export interface MomentumOptions {
  /** The decay μ (the notes' α) of the buffer, in [0, 1). */
  decay: number;
  /**
   * Dampening τ in [0, 1]: the new update enters the buffer as (1 − τ)·u.
   * @default {0}
   */
  dampening?: number;
  /**
   * Nesterov's look-ahead: return u + μ·buf instead of buf. Needs decay > 0 and
   * dampening 0, as in PyTorch.
   * @default {false}
   */
  nesterov?: boolean;
  /**
   * How the buffer starts. `"zeros"`: buf₀ = 0, so the first step gives
   * buf₁ = (1 − τ)u (the lecture notes). `"first"`: the first update is copied
   * into the buffer undamped, buf₁ = u (PyTorch's SGD). They differ only when τ > 0.
   * @default {"zeros"}
   */
  start?: "zeros" | "first";
}

/** State of {@link momentum}: the buffer. */
export interface MomentumState {
  /** The momentum buffer, one entry per parameter. */
  buf: Float64Array;
  /**
   * Set by `prepare`: `false` during the first step (the buffer is still
   * empty, so a `"first"` buffer copies that step's update), `true` from the
   * second step on.
   */
  started: boolean;
}

/**
 * Keeps a momentum buffer of the incoming updates:
 *
 * $$\mathrm{buf}_{t+1} = \mu\,\mathrm{buf}_t + (1-\tau)\,u_t,\qquad
 * u \leftarrow \mathrm{buf}_{t+1}\ \ (\text{or } u_t + \mu\,\mathrm{buf}_{t+1} \text{ with Nesterov}).$$
 *
 * With η placed before it in the chain this is the notes' m = αm + ηg;
 * placed after, PyTorch's v = μv + g, w −= ηv.
 *
 * References: Polyak, "Some methods of speeding up the convergence of iteration
 * methods" (1964); Sutskever et al., "On the importance of initialization and
 * momentum in deep learning" (ICML 2013) for the Nesterov form used here.
 *
 * @param options See {@link MomentumOptions}.
 * @returns A transformation holding one buffer.
 *
 * @example The buffer is a geometric sum of the past updates
 * ```ts
 * import { chain, momentum } from "@better-gradients/lib";
 * import assert from "node:assert/strict";
 *
 * const opt = chain("sum", momentum({ decay: 0.5 }));
 * const w = new Float64Array([0]);
 * const state = opt.init(w);
 * for (let t = 0; t < 3; t++) opt.step(w, new Float64Array([1]), state);
 * // steps 1, 1.5, 1.75
 * assert.equal(w[0], -4.25);
 * ```
 */
export function momentum(options: MomentumOptions): GradientTransformation<MomentumState> {
  knownKeys("momentum", options, ["decay", "dampening", "nesterov", "start"]);
  const mu = unitInterval("decay", options.decay);
  const tau = closedUnitInterval("dampening", options.dampening ?? 0);
  const nesterov = bool("nesterov", options.nesterov ?? false);
  const start = options.start ?? "zeros";
  if (start !== "zeros" && start !== "first") {
    throw new TypeError(`\`start\` must be "zeros" or "first", got ${show(start)}`);
  }
  if (nesterov && (mu === 0 || tau !== 0)) {
    throw new RangeError(
      `\`nesterov\` needs \`decay\` > 0 and \`dampening\` = 0, got decay ${mu} and dampening ${tau}`,
    );
  }
  const keep = 1 - tau;
  return {
    name: "momentum",
    init: (params) => ({ buf: new Float64Array(params.length), started: false }),
    prepare(state, t) {
      // The buffer is started by step 0; a "first" buffer copies that step's update.
      state.started = t > 0;
    },
    update(u, lo, hi, state) {
      const buf = state.buf;
      const copy = start === "first" && !state.started;
      for (let k = 0, i = lo; i < hi; k++, i++) {
        const b = copy ? u[k] : mu * buf[i] + keep * u[k];
        buf[i] = b;
        u[k] = nesterov ? u[k] + mu * b : b;
      }
    },
  };
}
