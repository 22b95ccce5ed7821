#!/usr/bin/python3
"""Record PyTorch optimizer trajectories for tests/torch_parity_test.ts, and
PyTorch learning-rate schedulers for tests/schedules_torch_test.ts (see the
"schedules" section below).

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
import warnings

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


# --- schedules ------------------------------------------------------------------
#
#     /usr/bin/python3 tools/torch_fixtures.py schedules tests/fixtures/torch_schedules.json
#
# Every case runs torch.optim.SGD (lr = the schedule's base rate, no momentum) on
# one parameter that starts at 0 with gradient 1, steps the scheduler after every
# optimizer step as torch's documentation does, and records for optimizer step
# t = 0, 1, ... the rate that step used (`lrs[t]`, read from the param group
# just before `opt.step()`) and the parameter after it (`params[t]`, which is
# then -(lrs[0] + ... + lrs[t]) as SGD computes it). Each case names the
# library's schedule that must give these rates ("spec": a function name and
# its options, or joinSchedules with pieces and boundaries).
#
# ReduceLROnPlateau needs a measured value: its cases feed a fixed sequence of
# values, one per "epoch" of STEPS_PER_EPOCH optimizer steps, and record both
# the rate after each `scheduler.step(value)` and the rate of every optimizer step.

SCHEDULE_STEPS = 60
STEPS_PER_EPOCH = 3


def sgd_on_one_parameter(lr):
    p = torch.nn.Parameter(torch.zeros(1))
    return p, torch.optim.SGD([p], lr=lr, foreach=False)


def record_steps(p, opt, sched, steps):
    lrs, params = [], []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        p.grad = torch.ones(1)
        opt.step()
        sched.step()
        params.append(p.item())
    return lrs, params


def fn(name, **options):
    return {"fn": name, "options": options}


def schedule_cases():
    # SequentialLR starts each next scheduler with scheduler.step(0), which warns
    warnings.filterwarnings("ignore", message="The epoch parameter")
    S = torch.optim.lr_scheduler
    N = SCHEDULE_STEPS
    cases = []

    def add(name, spec, make, lr, steps=N):
        p, opt = sgd_on_one_parameter(lr)
        lrs, params = record_steps(p, opt, make(opt), steps)
        cases.append({"name": name, "spec": spec, "lrs": lrs, "params": params})

    add("StepLR(step_size=7, gamma=0.5)", fn("stepDecay", lr=0.1, gamma=0.5, stepSize=7),
        lambda o: S.StepLR(o, step_size=7, gamma=0.5), 0.1)
    ms, g = [10, 25, 40], 0.3
    rates = [0.1]
    for _ in ms:
        rates.append(rates[-1] * g)  # torch multiplies the current rate at each milestone
    add("MultiStepLR(milestones=[10, 25, 40], gamma=0.3)",
        {"fn": "joinSchedules", "pieces": [{"fn": "constant", "lr": r} for r in rates],
         "boundaries": ms},
        lambda o: S.MultiStepLR(o, milestones=ms, gamma=g), 0.1)
    add("ExponentialLR(gamma=0.93)", fn("exponentialDecay", lr=0.1, gamma=0.93),
        lambda o: S.ExponentialLR(o, gamma=0.93), 0.1)
    add("ExponentialLR(gamma=0.97), lr 2", fn("exponentialDecay", lr=2.0, gamma=0.97),
        lambda o: S.ExponentialLR(o, gamma=0.97), 2.0)
    add("CosineAnnealingLR(T_max=20, eta_min=0.001) within T_max",
        fn("cosineDecay", lr=0.1, steps=20, minLr=0.001),
        lambda o: S.CosineAnnealingLR(o, T_max=20, eta_min=0.001), 0.1, steps=21)
    add("CosineAnnealingLR(T_max=20, eta_min=0.001) past T_max",
        fn("cosineDecay", lr=0.1, steps=20, minLr=0.001, periodic=True),
        lambda o: S.CosineAnnealingLR(o, T_max=20, eta_min=0.001), 0.1)
    add("CosineAnnealingLR(T_max=7) past T_max",
        fn("cosineDecay", lr=0.1, steps=7, periodic=True),
        lambda o: S.CosineAnnealingLR(o, T_max=7), 0.1)
    add("LinearLR(start_factor=0.25, end_factor=1, total_iters=10)",
        fn("linearWarmup", lr=0.1, steps=10, startFactor=0.25),
        lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=10), 0.1)
    add("LinearLR(start_factor=1, end_factor=0.1, total_iters=30)",
        fn("linearDecay", lr=0.1, steps=30, endFactor=0.1),
        lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=30), 0.1)
    add("LinearLR(start_factor=1, end_factor=0, total_iters=45)",
        fn("linearDecay", lr=0.1, steps=45),
        lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=45), 0.1)
    for power in (1.0, 2.0, 0.5):
        add(f"PolynomialLR(total_iters=25, power={power})",
            fn("polynomialDecay", lr=0.1, steps=25, power=power),
            lambda o, power=power: S.PolynomialLR(o, total_iters=25, power=power), 0.1)
    for three in (False, True):
        for anneal in ("cos", "linear"):
            add(f"OneCycleLR(max_lr=0.1, total_steps=60, anneal_strategy={anneal!r}, "
                f"three_phase={three}, cycle_momentum=False)",
                fn("oneCycle", lr=0.1, steps=N, anneal=anneal, threePhase=three),
                lambda o, anneal=anneal, three=three: S.OneCycleLR(
                    o, max_lr=0.1, total_steps=N, anneal_strategy=anneal, three_phase=three,
                    cycle_momentum=False), 0.1)
    add("OneCycleLR(max_lr=0.5, total_steps=60, pct_start=0.25, div_factor=10, "
        "final_div_factor=100, cycle_momentum=False)",
        fn("oneCycle", lr=0.5, steps=N, pctStart=0.25, divFactor=10, finalDivFactor=100),
        lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=N, pct_start=0.25, div_factor=10.0,
                               final_div_factor=100.0, cycle_momentum=False), 0.1)
    add("CosineAnnealingWarmRestarts(T_0=10, eta_min=0.001)",
        fn("cosineRestarts", lr=0.1, steps=10, minLr=0.001),
        lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10, eta_min=0.001), 0.1)
    add("CosineAnnealingWarmRestarts(T_0=5, T_mult=2)",
        fn("cosineRestarts", lr=0.1, steps=5, mult=2),
        lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2), 0.1, steps=80)
    add("SequentialLR([LinearLR(start_factor=0.1, total_iters=5), CosineAnnealingLR(T_max=30)], "
        "milestones=[5])",
        {"fn": "joinSchedules",
         "pieces": [fn("linearWarmup", lr=0.1, steps=5, startFactor=0.1),
                    fn("cosineDecay", lr=0.1, steps=30)],
         "boundaries": [5]},
        lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5),
                                     S.CosineAnnealingLR(o, T_max=30)], milestones=[5]),
        0.1, steps=36)
    return cases


def plateau_values(kind, n):
    """Deterministic series with plateaus and noise, in plain floats."""
    if kind == "flat":
        return [max(1.0 / (1 + k), 0.25) for k in range(n)]
    if kind == "stalls":
        return [max(1.0 / (1 + k), 0.2) + 0.01 * math.sin(1.7 * k) for k in range(n)]
    if kind == "noisy":
        return [1.0 - 0.05 * k + 0.3 * math.sin(2.3 * k) for k in range(n)]
    if kind == "accuracy":
        return [min(0.1 * k, 0.6) + 0.02 * math.cos(1.1 * k) for k in range(n)]
    raise ValueError(kind)


PLATEAU_SNAKE = {"thresholdMode": "threshold_mode", "minLr": "min_lr"}


def plateau_cases():
    epochs = 40
    spreads = [
        ("flat", {}),
        ("stalls", {"patience": 2, "factor": 0.5}),
        ("stalls", {"patience": 1, "factor": 0.5, "threshold": 0.05}),
        ("noisy", {"patience": 2, "factor": 0.5, "threshold": 0.2, "thresholdMode": "abs"}),
        ("noisy", {"patience": 0, "factor": 0.3, "minLr": 0.005}),
        ("noisy", {"patience": 1, "factor": 0.5, "cooldown": 3}),
        ("stalls", {"patience": 0, "factor": 0.5, "eps": 0.02}),
        ("accuracy", {"mode": "max", "patience": 2, "factor": 0.5}),
        ("accuracy", {"mode": "max", "patience": 1, "thresholdMode": "abs", "threshold": 0.03,
                      "cooldown": 1, "factor": 0.2}),
    ]
    cases = []
    for kind, options in spreads:
        values = plateau_values(kind, epochs)
        p, opt = sgd_on_one_parameter(0.1)
        sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
            opt, **{PLATEAU_SNAKE.get(k, k): v for k, v in options.items()})
        lrs, step_lrs, params = [], [], []
        for v in values:
            for _ in range(STEPS_PER_EPOCH):
                step_lrs.append(opt.param_groups[0]["lr"])
                p.grad = torch.ones(1)
                opt.step()
                params.append(p.item())
            sched.step(v)
            lrs.append(opt.param_groups[0]["lr"])
        cases.append({
            "name": f"ReduceLROnPlateau({option_label(options)}) on {kind}",
            "options": {"lr": 0.1, **options},
            "values": values,
            "lrs": lrs,
            "stepLrs": step_lrs,
            "params": params,
        })
    for c in cases:
        if not c["lrs"][-1] < 0.1:
            raise SystemExit(f"{c['name']} never reduces the rate")
    return cases


def schedules_main(args):
    fixture = {
        "about": "PyTorch learning-rate schedulers as torch.optim.SGD steps with them; regenerate "
        "with /usr/bin/python3 tools/torch_fixtures.py schedules tests/fixtures/torch_schedules.json",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "stepsPerEpoch": STEPS_PER_EPOCH,
        "schedules": schedule_cases(),
        "plateau": plateau_cases(),
    }
    write_fixture(fixture, args[0] if args else None)


def write_fixture(fixture, path):
    """Writes `fixture` as `deno fmt` lays JSON out, to `path` or, without one, to stdout."""
    text = to_json(fixture) + "\n"
    if path is None:
        sys.stdout.write(text)
    else:
        with open(path, "w") as f:
            f.write(text)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "schedules":
        schedules_main(sys.argv[2:])
        return
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
    write_fixture(fixture, sys.argv[1] if len(sys.argv) > 1 else None)


if __name__ == "__main__":
    main()
