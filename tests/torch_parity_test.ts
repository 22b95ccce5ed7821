// PyTorch parity: every PyTorch-compatible optimizer, over a spread of options with
// and without StepLR, must retrace the trajectories torch.optim recorded in
// tests/fixtures/torch_parity.json (made by tools/torch_fixtures.py) to 1e-9
// relative at every step.
//
// The gradients are recomputed here at OUR current parameters, with the same
// operations in the same order as the fixture script, so a drift anywhere in a
// trajectory shows up at the step where it starts.

import assert from "node:assert/strict";
import { FACTORIES, HAS_FUSED, torchOptimizer } from "./_torch.ts";

interface Quadratic {
  kind: "quadratic";
  A: number[][];
  b: number[];
  x0: number[];
}
interface Rosenbrock {
  kind: "rosenbrock";
  a: number;
  b: number;
  x0: number[];
}
interface LeastSquares {
  kind: "leastSquares";
  X: number[][];
  y: number[];
  x0: number[];
}
type Problem = Quadratic | Rosenbrock | LeastSquares;

interface Case {
  name: string;
  optimizer: "sgd" | "rmsprop" | "adadelta" | "adam" | "adamw" | "adagrad";
  options: Record<string, unknown> & { lr: number };
  stepLR: { gamma: number; stepSize: number } | null;
  problem: string;
  trajectory: number[][];
}

interface Fixture {
  torch: string;
  steps: number;
  problems: Record<string, Problem>;
  cases: Case[];
}

const fixture: Fixture = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/torch_parity.json", import.meta.url)),
);

/** ∇(½wᵀAw − bᵀw) = Aw − b. */
function gradQuadratic(p: Quadratic, w: Float64Array, g: Float64Array): void {
  for (let i = 0; i < w.length; i++) {
    let s = 0;
    for (let j = 0; j < w.length; j++) s += p.A[i][j] * w[j];
    g[i] = s - p.b[i];
  }
}

/** ∇((a − x)² + b(y − x²)²). */
function gradRosenbrock(p: Rosenbrock, w: Float64Array, g: Float64Array): void {
  const { a, b } = p;
  const x = w[0], y = w[1];
  g[0] = -2 * (a - x) - 4 * b * x * (y - x * x);
  g[1] = 2 * b * (y - x * x);
}

/** ∇(‖Xw − y‖²/(2n)) = Xᵀ(Xw − y)/n. */
function gradLeastSquares(p: LeastSquares, w: Float64Array, g: Float64Array): void {
  const n = p.X.length, d = w.length;
  const r = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += p.X[k][j] * w[j];
    r[k] = s - p.y[k];
  }
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += p.X[k][j] * r[k];
    g[j] = s / n;
  }
}

function gradient(p: Problem, w: Float64Array, g: Float64Array): void {
  if (p.kind === "quadratic") gradQuadratic(p, w, g);
  else if (p.kind === "rosenbrock") gradRosenbrock(p, w, g);
  else if (p.kind === "leastSquares") gradLeastSquares(p, w, g);
  else throw new Error(`unknown problem kind ${(p as { kind: string }).kind}`);
}

const build = torchOptimizer;

/** |a − b| ≤ 1e-9·max(1, |b|) for every coordinate, else an error naming case, step, coordinate. */
function compare(c: Case, step: number, ours: Float64Array, theirs: number[]): void {
  assert.equal(ours.length, theirs.length, `${c.name}: dimension`);
  for (let i = 0; i < theirs.length; i++) {
    const a = ours[i], b = theirs[i];
    if (!(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)))) {
      assert.fail(
        `${c.name}: step ${step}, coordinate ${i}: ours ${a}, torch ${b} ` +
          `(difference ${a - b})`,
      );
    }
  }
}

function runCase(c: Case, extra: Record<string, unknown> = {}): void {
  const problem = fixture.problems[c.problem];
  assert.ok(problem, `${c.name}: unknown problem ${c.problem}`);
  assert.deepEqual(c.trajectory[0], problem.x0, `${c.name}: trajectory must start at x0`);
  assert.equal(c.trajectory.length, fixture.steps + 1, `${c.name}: trajectory length`);
  const opt = build(c, extra);
  const w = Float64Array.from(problem.x0);
  const g = new Float64Array(w.length);
  const state = opt.init(w);
  for (let t = 1; t < c.trajectory.length; t++) {
    gradient(problem, w, g);
    opt.step(w, g, state);
    compare(c, t, w, c.trajectory[t]);
  }
  assert.equal(state.count, fixture.steps);
}

Deno.test("torch parity fixture covers every optimizer, problem and StepLR", () => {
  const names = new Set(fixture.cases.map((c) => c.optimizer));
  assert.deepEqual([...names].sort(), Object.keys(FACTORIES).sort());
  for (const name of names) {
    const mine = fixture.cases.filter((c) => c.optimizer === name);
    assert.deepEqual(
      [...new Set(mine.map((c) => c.problem))].sort(),
      ["leastSquares", "quadratic", "rosenbrock"],
    );
    assert.ok(mine.some((c) => c.stepLR !== null) && mine.some((c) => c.stepLR === null));
  }
});

// Every option of our API must be toggled (set away from its default) by some case.
const OPTIONS: Record<Case["optimizer"], string[]> = {
  sgd: ["lr", "momentum", "dampening", "nesterov", "weightDecay"],
  rmsprop: ["lr", "alpha", "eps", "weightDecay", "momentum", "centered"],
  adadelta: ["lr", "rho", "eps", "weightDecay"],
  adam: ["lr", "betas", "eps", "weightDecay", "amsgrad"],
  adamw: ["lr", "betas", "eps", "weightDecay", "amsgrad"],
  adagrad: ["lr", "lrDecay", "weightDecay", "initialAccumulatorValue", "eps"],
};

Deno.test("torch parity fixture toggles every option", () => {
  for (const [name, keys] of Object.entries(OPTIONS)) {
    const mine = fixture.cases.filter((c) => c.optimizer === name);
    for (const key of keys) {
      assert.ok(mine.some((c) => key in c.options), `${name}: no case sets \`${key}\``);
    }
    for (const c of mine) {
      for (const key of Object.keys(c.options)) {
        assert.ok(keys.includes(key), `${c.name}: unexpected option ${key}`);
      }
    }
  }
});

for (const name of Object.keys(FACTORIES) as Case["optimizer"][]) {
  Deno.test(`torch parity: ${name} retraces torch.optim (torch ${fixture.torch})`, async (t) => {
    const cases = fixture.cases.filter((c) => c.optimizer === name);
    assert.ok(cases.length > 0);
    for (const c of cases) {
      await t.step(c.name, () => runCase(c));
      if (HAS_FUSED.has(name)) {
        await t.step(`${c.name} (chain, fused: false)`, () => runCase(c, { fused: false }));
      }
    }
  });
}
