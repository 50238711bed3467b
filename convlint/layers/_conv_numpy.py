"""NumPy convolution kernels for the executor (imported lazily: only the executor needs numpy).

Everything works channels-last: ``x`` is ``(N, *spatial, C)`` and kernels are
``kernel_size + (C_in, C_out)`` (Keras' layout; torch weights are transposed by the caller).

Stride-1 convolutions avoid the full im2col copy: the padded input is flattened over its
spatial axes, only the last kernel axis is unfolded (a ``k_last``-times copy instead of
``prod(k)``-times), and every remaining kernel offset becomes one contiguous row slice of that
buffer, so each step is a single BLAS sgemm on a contiguous operand.  Rows that straddle the
right border compute garbage columns that are sliced off afterwards (a ``d*(k-1)/W`` overhead).
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

Pads = Tuple[Tuple[int, int], ...]

_PAD_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def to_channels_last(x: np.ndarray, fmt: str) -> np.ndarray:
    return np.moveaxis(x, 1, -1) if fmt == "channels_first" else x


def from_channels_last(y: np.ndarray, fmt: str) -> np.ndarray:
    return np.ascontiguousarray(np.moveaxis(y, -1, 1)) if fmt == "channels_first" else y


def concat_channels(parts: List[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts, axis=-1)


def keras_padding(spatial: Sequence[int], k: Sequence[int], s: Sequence[int], d: Sequence[int], padding: str) -> Pads:
    """(left, right) padding per axis as TensorFlow/Keras define valid, same and causal."""
    out = []
    for n, kk, ss, dd in zip(spatial, k, s, d):
        span = dd * (kk - 1) + 1
        if padding == "valid":
            out.append((0, 0))
        elif padding == "causal":
            out.append((span - 1, 0))
        else:
            o = -(-n // ss)
            total = max((o - 1) * ss + span - n, 0)
            out.append((total // 2, total - total // 2))
    return tuple(out)


def keras_transpose_crop(attrs: Dict[str, Any]) -> Pads:
    """(left, right) crops of the full transposed-conv output for Keras' padding modes.

    Keras defines them through JAX-style paddings of the dilated input (see its
    ``_convert_conv_transpose_padding_args_from_keras_to_jax``); a crop is
    ``span - 1 - pad`` and may be negative (then the output is extended with zeros).
    """
    crops = []
    ops = attrs["output_padding"] or (None,) * len(attrs["kernel_size"])
    for kk, ss, dd, op in zip(attrs["kernel_size"], attrs["strides"], attrs["dilation_rate"], ops):
        span = (kk - 1) * dd + 1
        if attrs["padding"] == "valid":
            op = max(span, ss) - span if op is None else op
            left, right = span - 1, span - 1 + op
        else:
            total = ss + span - 2 if op is None else span + span % 2 - 2 + op
            left = min(total // 2 + total % 2, span - 1)
            right = total - left
        crops.append((span - 1 - left, span - 1 - right))
    return tuple(crops)


def _pad(x: np.ndarray, pads: Pads, mode: str = "zeros") -> np.ndarray:
    if not any(l or r for l, r in pads):
        return x
    width = ((0, 0),) + tuple(pads) + ((0, 0),)
    return np.pad(x, width, mode=_PAD_MODES.get(mode, "constant"))


def conv(
    x: np.ndarray, kernel: np.ndarray, s: Sequence[int], d: Sequence[int], pads: Pads, groups: int = 1, mode: str = "zeros"
) -> np.ndarray:
    """Grouped N-D convolution (cross-correlation, as both frameworks compute it)."""
    x = _pad(np.asarray(x, dtype=np.float32), pads, mode)
    kernel = np.asarray(kernel, dtype=np.float32)
    if groups == 1:
        return _conv_group(x, kernel, s, d)
    cg = x.shape[-1] // groups
    fg = kernel.shape[-1] // groups
    parts = [
        _conv_group(x[..., g * cg:(g + 1) * cg], kernel[..., g * fg:(g + 1) * fg], s, d) for g in range(groups)
    ]
    return concat_channels(parts)


def _conv_group(xp: np.ndarray, kernel: np.ndarray, s: Sequence[int], d: Sequence[int]) -> np.ndarray:
    if all(v == 1 for v in s):
        return _conv_stride1(xp, kernel, d)
    return _conv_offsets(xp, kernel, s, d)


def _out_sizes(padded: Sequence[int], k: Sequence[int], s: Sequence[int], d: Sequence[int]) -> Tuple[int, ...]:
    return tuple((p - dd * (kk - 1) - 1) // ss + 1 for p, kk, ss, dd in zip(padded, k, s, d))


def _conv_offsets(xp: np.ndarray, kernel: np.ndarray, s: Sequence[int], d: Sequence[int]) -> np.ndarray:
    """General path: one matmul per kernel offset on a strided view of the input."""
    k = kernel.shape[:-2]
    out_sp = _out_sizes(xp.shape[1:-1], k, s, d)
    acc = np.zeros((xp.shape[0],) + out_sp + (kernel.shape[-1],), dtype=np.float32)
    for offset in itertools.product(*(range(kk) for kk in k)):
        index = (slice(None),) + tuple(
            slice(o * dd, o * dd + (n - 1) * ss + 1, ss) for o, dd, ss, n in zip(offset, d, s, out_sp)
        )
        acc += xp[index] @ kernel[offset]
    return acc


def _conv_stride1(xp: np.ndarray, kernel: np.ndarray, d: Sequence[int]) -> np.ndarray:
    """Stride-1 path: flatten spatial axes, unfold only the last kernel axis, slice rows."""
    n_batch, *padded, c = xp.shape
    k = kernel.shape[:-2]
    f = kernel.shape[-1]
    out_sp = _out_sizes(padded, k, (1,) * len(k), d)
    flat_strides = [int(np.prod(padded[i + 1:], dtype=np.int64)) for i in range(len(padded))]
    length = int(np.prod(padded, dtype=np.int64))
    k_last, d_last = k[-1], d[-1]
    extra = d_last * (k_last - 1)
    xf = xp.reshape(n_batch, length, c)
    if extra:
        xf = np.concatenate([xf, np.zeros((n_batch, extra, c), dtype=np.float32)], axis=1)
    # (N, length, C, k_last): the last kernel axis unfolded; one copy of k_last * input
    unfolded = sliding_window_view(xf, extra + 1, axis=1)[..., ::d_last]
    cols = np.ascontiguousarray(unfolded).reshape(n_batch, length, c * k_last)
    # kernel k + (C, F) -> k[:-1] + (C * k_last, F) matching the (C, k_last) column order
    kern = np.moveaxis(kernel, len(k) - 1, -2).reshape(k[:-1] + (c * k_last, f))
    rows = out_sp[0] * flat_strides[0] if len(k) > 1 else out_sp[0]
    acc = None
    for offset in itertools.product(*(range(kk) for kk in k[:-1])):
        start = sum(o * dd * fs for o, dd, fs in zip(offset, d, flat_strides))
        term = cols[:, start:start + rows] @ kern[offset]
        if acc is None:
            acc = term
        else:
            acc += term
    assert acc is not None
    full = acc.reshape((n_batch, out_sp[0]) + tuple(padded[1:]) + (f,))
    index = (slice(None),) + tuple(slice(0, o) for o in out_sp) + (slice(None),)
    return full[index]


def depthwise(x: np.ndarray, kernel: np.ndarray, s: Sequence[int], d: Sequence[int], pads: Pads) -> np.ndarray:
    """Depthwise convolution; kernel ``k + (C, multiplier)``; output channel ``c * m + j``."""
    xp = _pad(np.asarray(x, dtype=np.float32), pads)
    k = kernel.shape[:-2]
    c, m = kernel.shape[-2:]
    out_sp = _out_sizes(xp.shape[1:-1], k, s, d)
    acc = np.zeros((xp.shape[0],) + out_sp + (c, m), dtype=np.float32)
    for offset in itertools.product(*(range(kk) for kk in k)):
        index = (slice(None),) + tuple(
            slice(o * dd, o * dd + (n - 1) * ss + 1, ss) for o, dd, ss, n in zip(offset, d, s, out_sp)
        )
        acc += xp[index][..., None] * kernel[offset]
    return acc.reshape(acc.shape[:-2] + (c * m,))


def conv_transpose(x: np.ndarray, kernel: np.ndarray, s: Sequence[int], d: Sequence[int], crops: Pads) -> np.ndarray:
    """Transposed convolution: scatter each kernel offset into the full output, then crop
    ``(left, right)`` per axis (a negative crop extends with zeros, e.g. torch's
    ``output_padding``).  ``kernel`` is ``k + (C_in, C_out)``."""
    x = np.asarray(x, dtype=np.float32)
    k = kernel.shape[:-2]
    n_batch, *size, _ = x.shape
    full_sp = tuple((i - 1) * ss + dd * (kk - 1) + 1 for i, ss, dd, kk in zip(size, s, d, k))
    full = np.zeros((n_batch,) + full_sp + (kernel.shape[-1],), dtype=np.float32)
    for offset in itertools.product(*(range(kk) for kk in k)):
        index = (slice(None),) + tuple(
            slice(o * dd, o * dd + (i - 1) * ss + 1, ss) for o, dd, ss, i in zip(offset, d, s, size)
        )
        full[index] += x @ kernel[offset]
    grow = ((0, 0),) + tuple((max(-l, 0), max(-r, 0)) for l, r in crops) + ((0, 0),)
    full = np.pad(full, grow)
    index = (slice(None),) + tuple(
        slice(max(l, 0), n + max(-l, 0) + max(-r, 0) - max(r, 0)) for (l, r), n in zip(crops, full_sp)
    )
    return full[index]
