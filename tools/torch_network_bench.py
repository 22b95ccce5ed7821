#!/usr/bin/python3
"""PyTorch's speed on bench/network_bench.ts's work, for the README (not part of CI).

    /usr/bin/python3 tools/torch_network_bench.py

One minibatch gradient of a 784-128-10 ReLU network at batch 128 (autograd), and
the 128x784 . (128x784)^T product, in float64 on one thread; medians of 200 runs.
"""

import statistics
import time

import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

B, IN, H, OUT = 128, 784, 128, 10
GRADIENT_FLOPS = 2 * B * (IN * H + H * OUT) * 2 + 2 * B * H * OUT
PRODUCT_FLOPS = 2 * B * IN * H

g = torch.Generator().manual_seed(1)
X = torch.rand(B, IN, generator=g) * 2 - 1
y = torch.randint(0, OUT, (B,), generator=g)
model = torch.nn.Sequential(torch.nn.Linear(IN, H), torch.nn.ReLU(), torch.nn.Linear(H, OUT))


def gradient():
    model.zero_grad()
    torch.nn.functional.cross_entropy(model(X), y).backward()


A = torch.randn(B, IN, generator=g)
W = torch.randn(H, IN, generator=g)


def product():
    A @ W.T


for name, fn, flops in [("gradient", gradient, GRADIENT_FLOPS), ("product", product, PRODUCT_FLOPS)]:
    for _ in range(20):
        fn()
    ms = []
    for _ in range(200):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    median = statistics.median(ms)
    print(f"torch {torch.__version__} float64, 1 thread, {name}: {median:.3f} ms, {flops / median / 1e6:.2f} GFLOP/s")
