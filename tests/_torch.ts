/**
 * What the PyTorch parity tests share: the library's torch-compatible
 * optimizers by the name the fixtures give them, built from a case's options.
 *
 * @module
 */

import {
  adadelta,
  adagrad,
  adam,
  adamw,
  type LearningRate,
  type Optimizer,
  rmsprop,
  sgd,
  stepDecay,
} from "@better-gradients/lib";

/** The torch.optim optimizers the fixtures record, by the library's name. */
export type TorchName = "sgd" | "rmsprop" | "adadelta" | "adam" | "adamw" | "adagrad";

/** The library's factory for each name. */
export const FACTORIES: Readonly<
  Record<TorchName, (options: Record<string, unknown>) => Optimizer>
> = {
  sgd,
  rmsprop,
  adadelta,
  adam,
  adamw,
  adagrad,
} as Record<TorchName, (options: Record<string, unknown>) => Optimizer>;

/**
 * These four step with a fused loop by default; `fused: false` gives the chain
 * of building blocks. Both must retrace PyTorch.
 */
export const HAS_FUSED: ReadonlySet<TorchName> = new Set(["sgd", "rmsprop", "adam", "adamw"]);

/** A case of a fixture: its optimizer, options (in the library's names) and StepLR, if any. */
export interface TorchCase {
  optimizer: TorchName;
  options: Record<string, unknown> & { lr: number };
  stepLR: { gamma: number; stepSize: number } | null;
}

/** The library's optimizer for a case, with StepLR as `stepDecay`, and `extra` options on top. */
export function torchOptimizer(c: TorchCase, extra: Record<string, unknown> = {}): Optimizer {
  const lr: LearningRate = c.stepLR === null
    ? c.options.lr
    : stepDecay({ lr: c.options.lr, gamma: c.stepLR.gamma, stepSize: c.stepLR.stepSize });
  return FACTORIES[c.optimizer]({ ...c.options, ...extra, lr });
}
