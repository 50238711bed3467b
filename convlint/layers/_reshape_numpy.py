"""NumPy references for the reshaping family: PyTorch-exact resampling and padding.

Resampling is separable, so every mode is one ``(n_out, n_in)`` weight matrix per axis applied
with ``tensordot``; the matrices reproduce PyTorch's source-index arithmetic (float32, as its
CPU kernels compute it), including ``align_corners`` and a user-given ``scale_factor``.
Imported only by forward functions, so ``convlint.layers`` never needs numpy.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple

import numpy as np

__all__ = ["interp_matrix", "resample", "pad_array"]


def interp_matrix(
    mode: str, n_in: int, n_out: int, scale: Optional[float], align_corners: bool, shortcuts: bool = False
) -> Any:
    """(n_out, n_in) weights of PyTorch's resampling along one axis (float32 arithmetic).

    PyTorch's linear kernels copy an axis whose size is unchanged, whatever ``scale_factor``
    says.  ``shortcuts``: its 2D nearest kernel does the same and also halves the indices of an
    axis exactly doubled; the 1D and 3D nearest kernels do neither.
    """
    f32 = np.float32
    dst = np.arange(n_out, dtype=f32)
    m = np.zeros((n_out, n_in), dtype=np.float64)
    rows = np.arange(n_out)
    if mode == "linear" and n_out == n_in:
        m[rows, rows] = 1.0
        return m
    if mode == "nearest" and shortcuts and n_out in (n_in, 2 * n_in):
        m[rows, rows if n_out == n_in else rows >> 1] = 1.0
        return m
    if mode in ("nearest", "nearest-exact"):
        ratio = f32(1.0 / scale) if scale else f32(n_in) / f32(n_out)
        if mode == "nearest":
            src = np.floor(dst * ratio)
        else:
            src = np.floor((dst + f32(0.5)) * ratio)
        m[rows, np.minimum(src.astype(np.int64), n_in - 1)] = 1.0
        return m
    if mode == "area":
        for i in range(n_out):
            start = (i * n_in) // n_out
            end = -((-(i + 1) * n_in) // n_out)
            m[i, start:end] = 1.0 / (end - start)
        return m
    if align_corners:
        ratio = f32(n_in - 1) / f32(n_out - 1) if n_out > 1 else f32(0)
        src = dst * ratio
    else:
        ratio = f32(1.0 / scale) if scale else f32(n_in) / f32(n_out)
        src = (dst + f32(0.5)) * ratio - f32(0.5)
    if mode == "cubic":
        i0 = np.floor(src).astype(np.int64)
        t = (src - i0).astype(f32)
        a = -0.75

        def near(x: Any) -> Any:
            return ((a + 2) * x - (a + 3)) * x * x + 1

        def far(x: Any) -> Any:
            return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

        coeffs = (far(t + 1), near(t), near(1 - t), far(2 - t))
        for k, c in zip(range(-1, 3), coeffs):
            np.add.at(m, (rows, np.clip(i0 + k, 0, n_in - 1)), c)
        return m
    src = np.maximum(src, f32(0))
    i0 = src.astype(np.int64)
    lam = np.clip(src - i0, 0, 1)
    i1 = np.where(i0 < n_in - 1, i0 + 1, i0)
    np.add.at(m, (rows, i0), 1 - lam)
    np.add.at(m, (rows, i1), lam)
    return m


def resample(x: Any, axes: Sequence[int], sizes: Sequence[int], mode: str, scales: Sequence[Optional[float]], align: bool) -> Any:
    """Resample ``x`` along ``axes`` to ``sizes`` as ``torch.nn.functional.interpolate`` does."""
    shortcuts = mode == "nearest" and len(axes) == 2
    y = x.astype(np.float64)
    for axis, n_out, scale in zip(axes, sizes, scales):
        m = interp_matrix(mode, y.shape[axis], n_out, scale, align, shortcuts)
        y = np.moveaxis(np.tensordot(y, m, axes=([axis], [1])), -1, axis)
    return y.astype(np.float32)


def pad_array(x: Any, pairs: Sequence[Tuple[int, int]], mode: str, value: float) -> Any:
    """``np.pad`` with PyTorch semantics: ``pairs`` per axis (all axes), negatives crop."""
    crop = tuple(slice(max(-a, 0), x.shape[i] - max(-b, 0)) for i, (a, b) in enumerate(pairs))
    grow = [(max(a, 0), max(b, 0)) for a, b in pairs]
    if mode == "constant":
        return np.pad(x[crop], grow, mode="constant", constant_values=value).astype(np.float32)
    np_mode = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    return np.pad(x, grow, mode=np_mode)[tuple(
        slice(max(-a, 0), x.shape[i] + g[0] + g[1] - max(-b, 0)) for i, ((a, b), g) in enumerate(zip(pairs, grow))
    )].astype(np.float32)
