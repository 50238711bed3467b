"""NumPy convolution kernels for the executor (imported lazily: only the executor needs numpy).

Plain convolution works channels-first (``x`` is ``(N, C, *spatial)``, weights torch-style
``(F, C // groups, *k)``; Keras callers transpose).  Depthwise and transposed convolutions work
channels-last with Keras-style kernels ``k + (C_in, C_out)``.

Stride-1 convolutions avoid the full im2col copy: the padded input is flattened over its
spatial axes, only the last kernel axis is unfolded (a ``k_last``-fold copy instead of
``prod(k)``-fold), and every remaining kernel offset is a row-offset view of that buffer, so each
step is one BLAS sgemm with no further copy.  Positions that straddle the right border compute
columns that are sliced off afterwards (a ``d*(k-1)/W`` overhead).

Memory is bounded: the unfolded columns of a ``(1, 101)`` kernel are 101 times the input, so
plain convolutions run in blocks of samples and output rows whose temporaries fit
:data:`WORKSPACE_BYTES` (:func:`plan_conv`); when even one output row of one sample would not,
the general path runs instead, whose temporaries do not grow with the kernel.  Each kernel
here has a ``*_workspace`` function giving the bytes of the temporaries it makes, which the
executor adds to its memory estimate before it allocates anything.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

Pads = Tuple[Tuple[int, int], ...]

WORKSPACE_BYTES = 64 << 20
"""Temporaries a plain convolution may hold at once (its unfolded columns and partial sums)."""
_F32 = 4

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


class ConvPlan(NamedTuple):
    """How :func:`conv` runs one group: ``stride1`` (unfolded columns) or the general per-offset
    path, over blocks of ``samples`` samples and ``rows`` output rows (first spatial axis);
    ``workspace`` is the bytes of temporaries one block holds."""

    stride1: bool
    samples: int
    rows: int
    workspace: int


def _block_bytes(stride1: bool, nb: int, rb: int, c: int, f: int, k: Sequence[int], d: Sequence[int],
                 padded: Sequence[int], out_sp: Sequence[int]) -> int:
    """Temporaries of one block, as :func:`_stride1_block` / :func:`_offsets_block` make them."""
    rest_in, rest_out = math.prod(padded[1:]), math.prod(out_sp[1:])
    if stride1:
        slab = (rb + d[0] * (k[0] - 1)) * rest_in + _tail(k, d, padded)  # the block's input, flattened
        rows = rb * rest_in  # output positions incl. the border columns sliced off afterwards
        return _F32 * nb * (c * k[-1] * slab + 2 * f * rows)  # columns + partial sum + sgemm result
    size = rb * rest_out
    return _F32 * nb * size * (c + 2 * f)  # gathered input + partial sum + sgemm result


def _tail(k: Sequence[int], d: Sequence[int], padded: Sequence[int]) -> int:
    """Zeros past the end of the flattened input, so that the kernel offsets along the middle
    axes of a 3-D kernel (whose row-offset views start further in) stay inside the buffer; they
    only feed border positions that are sliced off."""
    strides = [math.prod(padded[i + 1:]) for i in range(len(padded))]
    return sum(dd * (kk - 1) * fs for kk, dd, fs in zip(k[1:-1], d[1:-1], strides[1:-1]))


def plan_conv(n: int, c: int, f: int, k: Sequence[int], s: Sequence[int], d: Sequence[int],
              padded: Sequence[int], budget: Optional[int] = None) -> ConvPlan:
    """The largest blocks whose temporaries fit ``budget`` (default :data:`WORKSPACE_BYTES`;
    one group: ``c`` in, ``f`` out)."""
    budget = WORKSPACE_BYTES if budget is None else budget
    out_sp = _out_sizes(padded, k, s, d)
    candidates = [True, False] if all(v == 1 for v in s) else [False]
    for stride1 in candidates:
        whole = _block_bytes(stride1, n, out_sp[0], c, f, k, d, padded, out_sp)
        if whole <= budget:
            return ConvPlan(stride1, n, out_sp[0], whole)
        fixed = _block_bytes(stride1, 1, 0, c, f, k, d, padded, out_sp)  # linear in the rows:
        per_row = _block_bytes(stride1, 1, 1, c, f, k, d, padded, out_sp) - fixed  # fixed + rows * per_row
        if fixed + per_row <= budget or not stride1:
            rows = max(1, min(out_sp[0], (budget - fixed) // max(per_row, 1)))
            return ConvPlan(stride1, 1, rows, _block_bytes(stride1, 1, rows, c, f, k, d, padded, out_sp))
    raise AssertionError("unreachable: the general path always has a plan")


def _direct(plan: ConvPlan, mode: str) -> bool:
    """Zero padding on the stride-1 path is written straight into the unfolded columns: no
    padded copy of the input (the copy costs as much as the input, and time)."""
    return plan.stride1 and mode == "zeros"


def conv_workspace(x_shape: Sequence[int], weight_shape: Sequence[int], s: Sequence[int], d: Sequence[int],
                   pads: Pads, groups: int = 1, mode: str = "zeros") -> int:
    """Bytes of the temporaries :func:`conv` makes for these shapes, its output excluded: the
    padded copy of the input (when it needs one) and one block's workspace."""
    n, c = x_shape[:2]
    f, k = weight_shape[0], tuple(weight_shape[2:])
    padded = tuple(v + l + r for v, (l, r) in zip(x_shape[2:], pads))
    plan = plan_conv(n, c // groups, f // groups, k, s, d, padded)
    copy = any(l or r for l, r in pads) and not _direct(plan, mode)
    return (_F32 * n * c * math.prod(padded) if copy else 0) + plan.workspace


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
    ``x`` is ``(N, C, *spatial)``, ``weight`` torch-style ``(F, C // groups, *k)``, ``bias`` ``(F,)``.
    Runs in blocks planned by :func:`plan_conv`, writing each into the one output array."""
    x = np.asarray(x, dtype=np.float32)
    weight = np.asarray(weight, dtype=np.float32)
    b = None if bias is None else np.asarray(bias, dtype=np.float32)
    n, c = x.shape[:2]
    f, k = weight.shape[0], weight.shape[2:]
    padded = tuple(v + l + r for v, (l, r) in zip(x.shape[2:], pads))
    out_sp = _out_sizes(padded, k, s, d)
    out = np.empty((n, f) + out_sp, dtype=np.float32)
    cg, fg = c // groups, f // groups
    plan = plan_conv(n, cg, fg, k, s, d, padded)
    direct = _direct(plan, mode)
    src = x if direct else _pad_cf(x, pads, mode)
    span0 = d[0] * (k[0] - 1) + 1
    for g in range(groups):
        wg = weight[g * fg:(g + 1) * fg]
        bg = None if b is None else b[g * fg:(g + 1) * fg]
        for b0, r0 in _blocks(n, out_sp[0], plan):
            b1, r1 = min(n, b0 + plan.samples), min(out_sp[0], r0 + plan.rows)
            target = out[b0:b1, g * fg:(g + 1) * fg, r0:r1]
            part = src[b0:b1, g * cg:(g + 1) * cg]
            rows = (r0 * s[0], (r1 - 1) * s[0] + span0)  # the padded input rows the block reads
            if plan.stride1:
                _stride1_block(part, pads if direct else tuple((0, 0) for _ in pads), rows, padded, wg, d, target, bg)
            else:
                _offsets_block(part[:, :, rows[0]:rows[1]], wg, s, d, target, bg)
    return out


def _blocks(n: int, rows: int, plan: ConvPlan) -> Iterator[Tuple[int, int]]:
    for b0 in range(0, n, max(plan.samples, 1)):
        for r0 in range(0, rows, max(plan.rows, 1)):
            yield b0, r0


def _pad_cf(x: np.ndarray, pads: Pads, mode: str = "zeros") -> np.ndarray:
    if not any(l or r for l, r in pads):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple(pads), mode=_PAD_MODES.get(mode, "constant"))


def _out_sizes(padded: Sequence[int], k: Sequence[int], s: Sequence[int], d: Sequence[int]) -> Tuple[int, ...]:
    return tuple((p - dd * (kk - 1) - 1) // ss + 1 for p, kk, ss, dd in zip(padded, k, s, d))


def _finish(view: np.ndarray, out: np.ndarray, bias: Optional[np.ndarray]) -> None:
    """Write a block's result into its part of the output, adding the bias on the way."""
    if bias is None:
        out[...] = view
    else:
        np.add(view, bias.reshape((-1,) + (1,) * (view.ndim - 2)), out=out)


def _offsets_block(xp: np.ndarray, weight: np.ndarray, s: Sequence[int], d: Sequence[int],
                   out: np.ndarray, bias: Optional[np.ndarray]) -> None:
    """General path: one matmul per kernel offset on a strided view of the padded input."""
    k = weight.shape[2:]
    n_batch, c = xp.shape[:2]
    out_sp = out.shape[2:]
    size = math.prod(out_sp)
    acc = np.zeros((n_batch, weight.shape[0], size), dtype=np.float32)
    for offset in itertools.product(*(range(kk) for kk in k)):
        index = (slice(None), slice(None)) + tuple(
            slice(o * dd, o * dd + (n - 1) * ss + 1, ss) for o, dd, ss, n in zip(offset, d, s, out_sp)
        )
        acc += weight[(slice(None), slice(None)) + offset] @ xp[index].reshape(n_batch, c, size)
    _finish(acc.reshape((n_batch, weight.shape[0]) + tuple(out_sp)), out, bias)


def _stride1_block(x: np.ndarray, pads: Pads, rows: Tuple[int, int], full: Sequence[int], weight: np.ndarray,
                   d: Sequence[int], out: np.ndarray, bias: Optional[np.ndarray]) -> None:
    """Stride-1 path for the padded input rows ``rows`` (of a padded input of shape ``full``)
    of ``x`` padded by ``pads``: flatten the spatial axes, unfold only the last kernel axis, and
    take every other kernel offset as a row-offset view (no copy; BLAS reads it strided)."""
    n_batch, c = x.shape[:2]
    k = weight.shape[2:]
    f = weight.shape[0]
    padded = (rows[1] - rows[0],) + tuple(full[1:])
    out_sp = out.shape[2:]
    flat_strides = [math.prod(padded[i + 1:]) for i in range(len(padded))]
    data = math.prod(padded)
    length = data + _tail(k, d, padded)
    k_last, d_last = k[-1], d[-1]
    # cols[n, c, j, r] = padded_flat[n, c, r + j * d_last] (zero past the end): the input is
    # written once into slot 0, the other slots are shifted copies of it
    cols = np.empty((n_batch, c, k_last, length), dtype=np.float32)
    base = cols[:, :, 0, :]
    block = base[:, :, :data].reshape((n_batch, c) + tuple(padded))
    if any(l or r for l, r in pads):
        block[...] = 0.0
    top = pads[0][0]
    lo, hi = max(rows[0], top), min(rows[1], top + x.shape[2])  # padded rows that hold input rows
    if hi > lo:
        inner = tuple(slice(l, l + v) for (l, _), v in zip(pads[1:], x.shape[3:]))
        block[(slice(None), slice(None), slice(lo - rows[0], hi - rows[0])) + inner] = x[:, :, lo - top:hi - top]
    base[:, :, data:] = 0.0
    for j in range(1, k_last):
        shift = j * d_last
        cols[:, :, j, :length - shift] = base[:, :, shift:]
        cols[:, :, j, length - shift:] = 0.0
    cols = cols.reshape(n_batch, c * k_last, length)
    rows = out_sp[0] * flat_strides[0] if len(k) > 1 else out_sp[0]
    acc = term = None  # the partial sum, and one reused buffer for each further sgemm
    for offset in itertools.product(*(range(kk) for kk in k[:-1])):
        start = sum(o * dd * fs for o, dd, fs in zip(offset, d, flat_strides))
        w = weight[(slice(None), slice(None)) + offset].reshape(f, c * k_last)
        if acc is None:
            acc = w @ cols[:, :, start:start + rows]
            continue
        term = np.matmul(w, cols[:, :, start:start + rows], out=term)
        np.add(acc, term, out=acc)
    assert acc is not None
    full = acc.reshape((n_batch, f, out_sp[0]) + tuple(padded[1:]))
    _finish(full[(slice(None), slice(None)) + tuple(slice(0, o) for o in out_sp)], out, bias)


def depthwise_workspace(x_shape: Sequence[int], kernel_shape: Sequence[int], s: Sequence[int], d: Sequence[int], pads: Pads) -> int:
    """Bytes :func:`depthwise` allocates: the padded copy, the sum (its output) and one product."""
    n, c, m = x_shape[0], kernel_shape[-2], kernel_shape[-1]
    k = kernel_shape[:-2]
    padded = tuple(v + l + r for v, (l, r) in zip(x_shape[1:-1], pads))
    padded_copy = _F32 * n * c * math.prod(padded) if any(l or r for l, r in pads) else 0
    return padded_copy + 2 * _F32 * n * math.prod(_out_sizes(padded, k, s, d)) * c * m


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


def conv_transpose_workspace(x_shape: Sequence[int], kernel_shape: Sequence[int], s: Sequence[int], d: Sequence[int], crops: Pads) -> int:
    """Bytes :func:`conv_transpose` allocates: the full output, one product per offset, the
    padded copy of the full output (its result is a view of that copy)."""
    n, size, cout = x_shape[0], x_shape[1:-1], kernel_shape[-1]
    k = kernel_shape[:-2]
    full = tuple((i - 1) * ss + dd * (kk - 1) + 1 for i, ss, dd, kk in zip(size, s, d, k))
    grown = tuple(v + max(-l, 0) + max(-r, 0) for v, (l, r) in zip(full, crops))
    return _F32 * n * cout * (math.prod(full) + math.prod(size) + math.prod(grown))


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
