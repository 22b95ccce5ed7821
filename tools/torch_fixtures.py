#!/usr/bin/python3
"""Record PyTorch optimizer trajectories for tests/torch_parity_test.ts.

Regenerate (needs PyTorch; CI never runs this script, it only reads its output;
the output is laid out as `deno fmt` wants it and is byte-identical run to run):

    /usr/bin/python3 tools/torch_fixtures.py tests/fixtures/torch_parity.json

Every case runs one torch.optim optimizer (SGD, RMSprop, Adadelta, Adam, AdamW,
Adagrad) in float64 for STEPS steps on one of three problems, optionally with
torch.optim.lr_scheduler.StepLR stepped after every optimizer step, and records
the parameters before the first step and after every step.

The gradients are NOT taken from autograd. They are computed below in plain
Python floats, with the same operations in the same order as the test computes
them in TypeScript, and written into `p.grad`. Both languages use IEEE-754
doubles, so the test's gradients at equal parameters are bit-identical to the
ones PyTorch saw, and any difference left is the optimizers' own arithmetic.

Options are written in the library's camelCase names (weightDecay, lrDecay,
initialAccumulatorValue, ...); options a case leaves out take the library's
defaults, which must equal PyTorch's, so the fixtures test the defaults too.
"""

import json
import math
import platform
import sys

import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

STEPS = 40
STEP_LR = {"gamma": 0.6, "stepSize": 8}

# --- problems -----------------------------------------------------------------


def householder(v):
    """The orthogonal matrix I - 2 v v^T / (v^T v)."""
    vv = sum(x * x for x in v)
    n = len(v)
    return [[(1.0 if i == j else 0.0) - 2.0 * v[i] * v[j] / vv for j in range(n)] for i in range(n)]


def quadratic_problem():
    """1/2 w^T A w - b^T w with A = Q diag(1, 4, 15, 60) Q^T (condition number 60)."""
    q = householder([1.0, -2.0, 0.5, 1.5])
    eig = [1.0, 4.0, 15.0, 60.0]
    n = len(eig)
    a = [[sum(q[i][k] * eig[k] * q[j][k] for k in range(n)) for j in range(n)] for i in range(n)]
    # exact symmetry, so the JSON matrix is symmetric to the bit
    a = [[a[i][j] if i <= j else a[j][i] for j in range(n)] for i in range(n)]
    return {
        "kind": "quadratic",
        "description": "1/2 w^T A w - b^T w, A symmetric positive definite, eigenvalues 1, 4, 15, 60",
        "A": a,
        "b": [1.0, -2.0, 0.5, 3.0],
        "x0": [1.0, -1.0, 0.5, 2.0],
    }


def rosenbrock_problem():
    return {
        "kind": "rosenbrock",
        "description": "(a - x)^2 + b (y - x^2)^2",
        "a": 1.0,
        "b": 100.0,
        "x0": [-1.2, 1.0],
    }


def least_squares_problem():
    """Quadratic fit y ~ w0 + w1 x + w2 x^2 on 12 points, mean squared error / 2."""
    n = 12
    xs, ys = [], []
    for k in range(n):
        x = -1.0 + 2.0 * k / (n - 1)
        xs.append([1.0, x, x * x])
        ys.append(0.5 - 1.2 * x + 0.8 * x * x + 0.05 * math.sin(3.0 * k))
    return {
        "kind": "leastSquares",
        "description": "1/(2n) ||X w - y||^2 (features 1, x, x^2)",
        "X": xs,
        "y": ys,
        "x0": [0.0, 0.0, 0.0],
    }


# The gradients, written in the same order of operations as the test's.


def grad_quadratic(p, w):
    a, b = p["A"], p["b"]
    g = []
    for i in range(len(w)):
        s = 0.0
        for j in range(len(w)):
            s += a[i][j] * w[j]
        g.append(s - b[i])
    return g


def grad_rosenbrock(p, w):
    a, b = p["a"], p["b"]
    x, y = w[0], w[1]
    return [-2.0 * (a - x) - 4.0 * b * x * (y - x * x), 2.0 * b * (y - x * x)]


def grad_least_squares(p, w):
    xs, ys = p["X"], p["y"]
    n, d = len(xs), len(w)
    r = []
    for k in range(n):
        s = 0.0
        for j in range(d):
            s += xs[k][j] * w[j]
        r.append(s - ys[k])
    g = []
    for j in range(d):
        s = 0.0
        for k in range(n):
            s += xs[k][j] * r[k]
        g.append(s / n)
    return g


GRADIENTS = {
    "quadratic": grad_quadratic,
    "rosenbrock": grad_rosenbrock,
    "leastSquares": grad_least_squares,
}

# --- optimizers -----------------------------------------------------------------

# Base learning rate per optimizer and problem: large enough that the
# trajectories move, small enough that none of them blows up.
BASE_LR = {
    "sgd": {"quadratic": 0.02, "rosenbrock": 5e-4, "leastSquares": 0.5},
    "rmsprop": {"quadratic": 0.01, "rosenbrock": 2e-3, "leastSquares": 0.01},
    "adadelta": {"quadratic": 1.0, "rosenbrock": 1.0, "leastSquares": 1.0},
    "adam": {"quadratic": 0.05, "rosenbrock": 0.02, "leastSquares": 0.05},
    "adamw": {"quadratic": 0.05, "rosenbrock": 0.02, "leastSquares": 0.05},
    "adagrad": {"quadratic": 0.3, "rosenbrock": 0.05, "leastSquares": 0.3},
}

# Option spreads. "lrScale" multiplies the base learning rate and is not an option.
ADAM_SPREAD = [
    {},
    {"lrScale": 0.3},
    {"betas": [0.5, 0.9]},
    {"betas": [0.0, 0.99]},
    {"eps": 1e-3},
    {"weightDecay": 0.1},
    {"amsgrad": True},
    {"amsgrad": True, "weightDecay": 0.05, "betas": [0.8, 0.95], "eps": 1e-6},
]

SPREADS = {
    "sgd": [
        {},
        {"lrScale": 0.5},
        {"momentum": 0.9},
        {"momentum": 0.9, "nesterov": True},
        {"momentum": 0.5, "dampening": 0.3},
        {"momentum": 0.8, "dampening": 1.0},
        {"momentum": 0.0, "dampening": 0.5},
        {"weightDecay": 0.1},
        {"momentum": 0.7, "weightDecay": 0.05, "nesterov": True},
    ],
    "rmsprop": [
        {},
        {"alpha": 0.9},
        {"alpha": 0.0},
        {"eps": 1e-3},
        {"weightDecay": 0.1},
        {"momentum": 0.9},
        {"centered": True},
        {"centered": True, "momentum": 0.5, "weightDecay": 0.01, "alpha": 0.95},
    ],
    "adadelta": [
        {},
        {"lrScale": 0.5},
        {"rho": 0.5},
        {"eps": 1e-3},
        {"weightDecay": 0.1},
        {"rho": 0.95, "eps": 1e-4, "weightDecay": 0.01, "lrScale": 2.0},
    ],
    "adam": ADAM_SPREAD,
    "adamw": ADAM_SPREAD + [{"weightDecay": 0.0}],
    "adagrad": [
        {},
        {"lrDecay": 0.1},
        {"weightDecay": 0.1},
        {"initialAccumulatorValue": 0.5},
        {"eps": 1e-3},
        {"lrDecay": 0.05, "weightDecay": 0.01, "initialAccumulatorValue": 0.1, "eps": 1e-6},
    ],
}

TORCH_CLASS = {
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "adagrad": torch.optim.Adagrad,
}

SNAKE = {
    "weightDecay": "weight_decay",
    "lrDecay": "lr_decay",
    "initialAccumulatorValue": "initial_accumulator_value",
}


def torch_kwargs(options):
    kwargs = {}
    for key, value in options.items():
        kwargs[SNAKE.get(key, key)] = tuple(value) if key == "betas" else value
    # the reference single-tensor loop (also 1.13's default on CPU)
    kwargs["foreach"] = False
    return kwargs


def option_label(spread):
    if not spread:
        return "defaults"
    parts = []
    for key, value in spread.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list):
            value = "[" + ",".join(repr(v) for v in value) + "]"
        else:
            value = repr(value)
        parts.append(f"{key}={value}")
    return ",".join(parts)


def run_case(name, problem, options, schedule):
    grad = GRADIENTS[problem["kind"]]
    p = torch.nn.Parameter(torch.tensor(problem["x0"]))
    opt = TORCH_CLASS[name]([p], **torch_kwargs(options))
    sched = None
    if schedule is not None:
        sched = torch.optim.lr_scheduler.StepLR(
            opt, step_size=schedule["stepSize"], gamma=schedule["gamma"]
        )
    trajectory = [p.detach().tolist()]
    for _ in range(STEPS):
        w = p.detach().tolist()
        p.grad = torch.tensor(grad(problem, w))
        opt.step()
        if sched is not None:
            sched.step()
        trajectory.append(p.detach().tolist())
    last = trajectory[-1]
    if not all(math.isfinite(x) and abs(x) < 1e3 for x in last):
        raise SystemExit(f"case {name} {options} {schedule} on {problem['kind']} blew up: {last}")
    return trajectory


def to_json(value, indent="", column=0):
    """JSON laid out as `deno fmt` leaves it (line width 100): one key per line,
    flat arrays on one line when they fit. `column` is where `value` starts."""
    inner = indent + "  "
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            head = f"{inner}{json.dumps(k)}: "
            items.append(head + to_json(v, inner, len(head)))
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list):
        flat = not any(isinstance(v, (list, dict)) for v in value)
        line = "[" + ", ".join(json.dumps(v) for v in value) + "]"
        if flat and column + len(line) + 1 <= 100:
            return line
        items = [inner + to_json(v, inner, len(inner)) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    return json.dumps(value)


def main():
    problems = {
        "quadratic": quadratic_problem(),
        "rosenbrock": rosenbrock_problem(),
        "leastSquares": least_squares_problem(),
    }
    cases = []
    for name, spread_list in SPREADS.items():
        for spread in spread_list:
            for kind in problems:
                for schedule in (None, STEP_LR):
                    options = {k: v for k, v in spread.items() if k != "lrScale"}
                    lr = BASE_LR[name][kind] * spread.get("lrScale", 1.0)
                    options = {"lr": lr, **options}
                    label = f"{name}({option_label(spread)}) on {kind}"
                    if schedule is not None:
                        label += " with StepLR"
                    cases.append({
                        "name": label,
                        "optimizer": name,
                        "options": options,
                        "stepLR": schedule,
                        "problem": kind,
                        "trajectory": run_case(name, problems[kind], options, schedule),
                    })
    fixture = {
        "about": "PyTorch optimizer trajectories; regenerate with "
        "/usr/bin/python3 tools/torch_fixtures.py tests/fixtures/torch_parity.json",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "steps": STEPS,
        "problems": problems,
        "cases": cases,
    }
    text = to_json(fixture)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
