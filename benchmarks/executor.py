"""GFLOP/s of the executor's Conv2D forward against torch and the bare NumPy matmul bound.

One run measures, on the same layer (224x224x64 -> 64, 3x3, 'same' padding, batch 1, float32):
  - convlint's executor forward (the catalogue's NumPy conv),
  - torch.nn.functional.conv2d (oneDNN), with the same weights,
  - a bare numpy.matmul of the im2col size (50176x576 @ 576x64): the NumPy bound,
and prints medians, GFLOP/s and both ratios, and checks the outputs agree within 1e-4.

    python benchmarks/executor.py [--repeat 15]

Note: some machines here set OPENBLAS_CORETYPE; it slows numpy's sgemm for every contender
that uses it alike, so the ratio to the bare-matmul bound stays meaningful.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable, List


def _median_seconds(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up
    times: List[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    import numpy as np
    import torch

    from convlint.layers.conv import TorchConv

    torch.set_num_threads(torch.get_num_threads())
    h = w = 224
    cin = cout = 64
    k = 3
    flops = 2.0 * h * w * cout * cin * k * k
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, cin, h, w)).astype(np.float32)
    weight = (rng.standard_normal((cout, cin, k, k)) * 0.05).astype(np.float32)
    bias = rng.standard_normal(cout).astype(np.float32)

    spec = TorchConv(transpose=False)
    params = {"in_channels": cin, "out_channels": cout, "kernel_size": k, "stride": 1, "padding": 1,
              "dilation": 1, "groups": 1, "bias": True, "padding_mode": "zeros"}
    attrs = spec.normalize("torch", "Conv2d", params, "channels_first")
    weights = {"weight": weight, "bias": bias}

    def ours() -> object:
        return spec.forward(attrs, [x], weights)

    xt, wt, bt = torch.from_numpy(x), torch.from_numpy(weight), torch.from_numpy(bias)

    def theirs() -> object:
        with torch.no_grad():
            return torch.nn.functional.conv2d(xt, wt, bt, padding=1)

    a = rng.standard_normal((h * w, cin * k * k)).astype(np.float32)
    b = rng.standard_normal((cin * k * k, cout)).astype(np.float32)

    def bound() -> object:
        return np.matmul(a, b)

    diff = float(np.abs(np.asarray(ours()) - theirs().numpy()).max())
    t_ours = _median_seconds(ours, args.repeat)
    t_torch = _median_seconds(theirs, args.repeat)
    t_bound = _median_seconds(bound, args.repeat)
    g = lambda t: flops / t / 1e9  # noqa: E731
    print(f"Conv2D 224x224x64 -> 64, 3x3, batch 1, float32 ({flops / 1e9:.2f} GFLOP), median of {args.repeat}")
    print(f"  convlint executor      {t_ours * 1e3:8.1f} ms  {g(t_ours):7.1f} GFLOP/s")
    print(f"  torch F.conv2d         {t_torch * 1e3:8.1f} ms  {g(t_torch):7.1f} GFLOP/s")
    print(f"  numpy.matmul (bound)   {t_bound * 1e3:8.1f} ms  {g(t_bound):7.1f} GFLOP/s")
    print(f"  executor / matmul bound: {t_bound / t_ours:.2f}x   executor / torch: {t_torch / t_ours:.2f}x")
    print(f"  max |executor - torch| = {diff:.2e} ({'OK' if diff <= 1e-4 else 'MISMATCH'} at 1e-4)")


if __name__ == "__main__":
    main()
