#!/usr/bin/python3
"""Record PyTorch training runs of a real network for tests/torch_network_test.ts.

Regenerate (needs PyTorch and Deno; CI never runs this script, it only reads its output):

    /usr/bin/python3 tools/torch_network_fixtures.py tests/fixtures/torch_network.json

The inputs come from the library itself (tools/network_fixture_input.ts): 64 pooled
MNIST digits (14x14, standardised), the start point of each network as `mlp` draws
it, and the minibatches in the order the steps use them. Here the same networks are
built from torch.nn.Linear layers in float64, loaded with those start points, and
trained with torch.optim for 48 steps on those batches. Unlike tools/torch_fixtures.py,
the gradients come from torch's autograd: the test replays each run with the
library's own backpropagation and optimizer, so a match proves both.

Each case records the minibatch loss torch computed at every step, the loss over all
64 samples after the last step, and the final parameters (as base64 of little-endian
float64, in the library's layout: each layer's weight, then its bias).
"""

import base64
import json
import math
import os
import platform
import struct
import subprocess
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fixtures import TORCH_CLASS, option_label, torch_kwargs, write_fixture  # noqa: E402

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

STEP_LR = {"gamma": 0.5, "stepSize": 16}

# (optimizer, options, network, with StepLR too)
CASES = [
    ("sgd", {"lr": 0.1}, "relu", True),
    ("sgd", {"lr": 0.05, "momentum": 0.9}, "relu", True),
    ("sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True}, "relu", False),
    ("sgd", {"lr": 0.05, "momentum": 0.8, "dampening": 0.2, "weightDecay": 0.01}, "relu", False),
    ("sgd", {"lr": 0.1}, "reluL2", False),
    ("rmsprop", {"lr": 1e-3}, "relu", True),
    ("rmsprop", {"lr": 1e-3, "centered": True}, "relu", False),
    ("rmsprop", {"lr": 3e-4, "momentum": 0.9, "centered": True}, "tanh", False),
    ("adadelta", {"lr": 1.0}, "relu", True),
    ("adam", {"lr": 1e-3}, "relu", True),
    ("adam", {"lr": 1e-3, "amsgrad": True}, "relu", False),
    ("adam", {"lr": 3e-3}, "tanh", False),
    ("adamw", {"lr": 1e-3, "weightDecay": 0.05}, "relu", True),
    ("adagrad", {"lr": 0.05}, "relu", True),
]


def library_inputs():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(
        ["deno", "run", "-A", "tools/network_fixture_input.ts"],
        cwd=root, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def build(sizes, activation, w0):
    layers = []
    w = torch.tensor(w0)
    at = 0
    for i in range(len(sizes) - 1):
        lin = torch.nn.Linear(sizes[i], sizes[i + 1])
        n = sizes[i] * sizes[i + 1]
        with torch.no_grad():
            lin.weight.copy_(w[at:at + n].reshape(sizes[i + 1], sizes[i]))
            lin.bias.copy_(w[at + n:at + n + sizes[i + 1]])
        at += n + sizes[i + 1]
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU() if activation == "relu" else torch.nn.Tanh())
    assert at == len(w0)
    return torch.nn.Sequential(*layers)


def loss_of(model, X, y, l2):
    loss = torch.nn.functional.cross_entropy(model(X), y)
    if l2 > 0:
        loss = loss + 0.5 * l2 * sum((m.weight ** 2).sum() for m in model if isinstance(m, torch.nn.Linear))
    return loss


def flat(model):
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).tolist()


def run_case(inputs, name, options, net_key, schedule):
    net = inputs["networks"][net_key]
    X = torch.tensor(inputs["X"]).reshape(-1, inputs["features"])
    y = torch.tensor(inputs["labels"])
    model = build(net["sizes"], net["activation"], net["w0"])
    l2 = net.get("l2", 0.0)
    opt = TORCH_CLASS[name](model.parameters(), **torch_kwargs(options))
    sched = None
    if schedule is not None:
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=schedule["stepSize"], gamma=schedule["gamma"])
    batch_loss = []
    for batch in inputs["batches"]:
        idx = torch.tensor(batch)
        opt.zero_grad()
        loss = loss_of(model, X[idx], y[idx], l2)
        loss.backward()
        batch_loss.append(loss.item())
        opt.step()
        if sched is not None:
            sched.step()
    with torch.no_grad():
        final_loss = loss_of(model, X, y, l2).item()
    final = flat(model)
    if not all(math.isfinite(x) for x in final + batch_loss):
        raise SystemExit(f"{name} {options} on {net_key} blew up")
    return batch_loss, final_loss, final


def main():
    inputs = library_inputs()
    cases = []
    for name, options, net_key, with_schedule in CASES:
        for schedule in (None, STEP_LR) if with_schedule else (None,):
            batch_loss, final_loss, final = run_case(inputs, name, options, net_key, schedule)
            label = f"{name}({option_label(options)}) on {net_key}"
            if schedule is not None:
                label += " with StepLR"
            cases.append({
                "name": label,
                "optimizer": name,
                "options": options,
                "stepLR": schedule,
                "network": net_key,
                "batchLoss": batch_loss,
                "finalLoss": final_loss,
                "final": base64.b64encode(struct.pack(f"<{len(final)}d", *final)).decode("ascii"),
            })
    fixture = {
        "about": "PyTorch training runs of small MLPs on 64 pooled MNIST digits; regenerate with "
        "/usr/bin/python3 tools/torch_network_fixtures.py tests/fixtures/torch_network.json",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "checksums": {
            "X": math.fsum(inputs["X"]),
            "labels": sum(inputs["labels"]),
            **{f"w0.{k}": math.fsum(v["w0"]) for k, v in inputs["networks"].items()},
            "batches": sum(i * (s + 1) for s, b in enumerate(inputs["batches"]) for i in b),
        },
        "cases": cases,
    }
    write_fixture(fixture, sys.argv[1] if len(sys.argv) > 1 else None)


if __name__ == "__main__":
    main()
