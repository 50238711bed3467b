"""NumPy convolution kernels for the executor (imported lazily: only the executor needs numpy).

Plain convolution works channels-first (``x`` is ``(N, C, *spatial)``, weights torch-style
``(F, C // groups, *k)``; Keras callers transpose).  Depthwise and transposed convolutions work
channels-last with Keras-style kernels ``k + (C_in, C_out)``.

Stride-1 convolutions avoid the full im2col copy: the padded input is flattened over its
spatial axes, only the last kernel axis is unfolded (a ``k_last``-fold copy instead of
``prod(k)``-fold), and every remaining kernel offset is a row-offset view of that buffer, so each
step is one BLAS sgemm with no further copy.  Positions that straddle the right border compute
columns that are sliced off afterwards (a ``d*(k-1)/W`` overhead).
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

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
    x: np.ndarray,
    weight: np.ndarray,
    s: Sequence[int],
    d: Sequence[int],
    pads: Pads,
    groups: int = 1,
    mode: str = "zeros",
    bias: Optional[np.ndarray] = None,
) -> np.ndarray:
    """Grouped N-D convolution (cross-correlation, as both frameworks compute it), channels-first:
    ``x`` is ``(N, C, *spatial)``, ``weight`` torch-style ``(F, C // groups, *k)``, ``bias`` ``(F,)``."""
    x = np.asarray(x, dtype=np.float32)
    weight = np.asarray(weight, dtype=np.float32)
    b = None if bias is None else np.asarray(bias, dtype=np.float32)
    if groups == 1:
        return _conv_group(x, weight, s, d, pads, mode, b)
    cg = x.shape[1] // groups
    fg = weight.shape[0] // groups
    parts = [
        _conv_group(
            x[:, g * cg:(g + 1) * cg], weight[g * fg:(g + 1) * fg], s, d, pads, mode,
            None if b is None else b[g * fg:(g + 1) * fg],
        )
        for g in range(groups)
    ]
    return np.concatenate(parts, axis=1)


def _conv_group(
    x: np.ndarray, weight: np.ndarray, s: Sequence[int], d: Sequence[int], pads: Pads, mode: str, bias: Optional[np.ndarray]
) -> np.ndarray:
    if all(v == 1 for v in s):
        return _conv_stride1(x, weight, d, pads, mode, bias)
    out = _conv_offsets(_pad_cf(x, pads, mode), weight, s, d)
    if bias is not None:
        out += bias.reshape((-1,) + (1,) * (out.ndim - 2))
    return out


def _pad_cf(x: np.ndarray, pads: Pads, mode: str = "zeros") -> np.ndarray:
    if not any(l or r for l, r in pads):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(pads), mode=_PAD_MODES.get(mode, "constant"))


def _out_sizes(padded: Sequence[int], k: Sequence[int], s: Sequence[int], d: Sequence[int]) -> Tuple[int, ...]:
    return tuple((p - dd * (kk - 1) - 1) // ss + 1 for p, kk, ss, dd in zip(padded, k, s, d))


def _conv_offsets(xp: np.ndarray, weight: np.ndarray, s: Sequence[int], d: Sequence[int]) -> np.ndarray:
    """General path: one matmul per kernel offset on a strided view of the padded input."""
    k = weight.shape[2:]
    n_batch, c = xp.shape[:2]
    out_sp = _out_sizes(xp.shape[2:], k, s, d)
    size = int(np.prod(out_sp, dtype=np.int64))
    acc = np.zeros((n_batch, weight.shape[0], size), dtype=np.float32)
    for offset in itertools.product(*(range(kk) for kk in k)):
        index = (slice(None), slice(None)) + tuple(
            slice(o * dd, o * dd + (n - 1) * ss + 1, ss) for o, dd, ss, n in zip(offset, d, s, out_sp)
        )
        acc += weight[(slice(None), slice(None)) + offset] @ xp[index].reshape(n_batch, c, size)
    return acc.reshape((n_batch, weight.shape[0]) + out_sp)


def _conv_stride1(
    x: np.ndarray, weight: np.ndarray, d: Sequence[int], pads: Pads, mode: str, bias: Optional[np.ndarray] = None
) -> np.ndarray:
    """Stride-1 path: flatten the padded spatial axes, unfold only the last kernel axis, and
    take every other kernel offset as a row-offset view (no copy; BLAS reads it strided)."""
    n_batch, c = x.shape[:2]
    k = weight.shape[2:]
    f = weight.shape[0]
    padded = tuple(n + l + r for n, (l, r) in zip(x.shape[2:], pads))
    out_sp = _out_sizes(padded, k, (1,) * len(k), d)
    flat_strides = [int(np.prod(padded[i + 1:], dtype=np.int64)) for i in range(len(padded))]
    length = int(np.prod(padded, dtype=np.int64))
    k_last, d_last = k[-1], d[-1]
    # cols[n, c, j, r] = padded_flat[n, c, r + j * d_last] (zero past the end): the input is
    # written once into slot 0, the other slots are shifted copies of it
    cols = np.empty((n_batch, c, k_last, length), dtype=np.float32)
    base = cols[:, :, 0, :]
    if mode == "zeros":
        base[...] = 0.0
        interior = (slice(None), slice(None)) + tuple(slice(l, l + n) for (l, _), n in zip(pads, x.shape[2:]))
        base.reshape((n_batch, c) + padded)[interior] = x
    else:
        base[...] = _pad_cf(x, pads, mode).reshape(n_batch, c, length)
    for j in range(1, k_last):
        shift = j * d_last
        cols[:, :, j, :length - shift] = base[:, :, shift:]
        cols[:, :, j, length - shift:] = 0.0
    cols = cols.reshape(n_batch, c * k_last, length)
    rows = out_sp[0] * flat_strides[0] if len(k) > 1 else out_sp[0]
    acc = None
    for offset in itertools.product(*(range(kk) for kk in k[:-1])):
        start = sum(o * dd * fs for o, dd, fs in zip(offset, d, flat_strides))
        w = weight[(slice(None), slice(None)) + offset].reshape(f, c * k_last)
        term = w @ cols[:, :, start:start + rows]
        if acc is None:
            acc = term
        else:
            np.add(acc, term, out=acc)
    assert acc is not None
    full = acc.reshape((n_batch, f, out_sp[0]) + tuple(padded[1:]))
    view = full[(slice(None), slice(None)) + tuple(slice(0, o) for o in out_sp)]
    out = np.empty(view.shape, dtype=np.float32)
    if bias is None:
        out[...] = view
    else:  # the bias rides along the one copy that drops the border columns
        np.add(view, bias.reshape((-1,) + (1,) * len(k)), out=out)
    return out


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
