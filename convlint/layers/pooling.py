"""Pooling: Keras (Max|Average)PoolingND, Global(Average|Max)PoolingND, Adaptive(Average|Max)PoolingND;
torch MaxPoolNd, AvgPoolNd, Adaptive(Avg|Max)PoolNd.

Sizes come from pure per-axis rules written once over ``Dim``: :func:`conv_output_size` (shared
with convolutions; Keras ``valid``/``same``) and :func:`torch_pool_output_size` (torch's explicit
padding, dilation and ``ceil_mode``).  Pooling has no weights.  The NumPy forwards pool the
trailing spatial axes of a channels-first array, so torch's unbatched inputs (``(C, *spatial)``)
and Keras (moved to channels-first) share one windowing routine.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..dims import Dim, Expr, is_known
from ..graph import Shape, Unknown, fmt_shape
from .base import (
    REQUIRED,
    LayerError,
    LayerSpec,
    UnknownAttr,
    choice,
    data_format,
    ensure_rank,
    ensure_torch_rank,
    flag,
    int_tuple,
    non_negative,
    positive,
)
from .conv import conv_output_size, window_span

__all__ = ["torch_pool_output_size", "adaptive_windows", "SPECS"]

ODim = Optional[Dim]


# -- pure size rules ----------------------------------------------------------------------
def torch_pool_output_size(n: ODim, k: Dim, s: Dim, p: Dim, d: Dim, ceil_mode: bool) -> ODim:
    """torch's pooling output length along one axis.

    ``floor`` (or ``ceil``) of ``(n + 2p - d(k-1) - 1) / s`` plus one; in ``ceil_mode`` the last
    window must start inside the input or the left padding, so ``out`` drops by one when
    ``(out - 1) * s >= n + p``.  For a symbolic ``n`` that correction is decidable only when it
    can never trigger (``p + s <= d(k-1) + 1``); otherwise the size is unknown (``None``).
    """
    if n is None or not (is_known(s) and is_known(p)):
        return None
    span = window_span(k, d)
    if not ceil_mode:
        return (n + 2 * p - span) // s + 1
    if not is_known(span):
        return None
    out = (n + 2 * p - span + s - 1) // s + 1
    if is_known(n):
        return out - 1 if (out - 1) * s >= n + p else out
    return out if p + s <= span else None


def adaptive_windows(n: int, out: int) -> Tuple[List[int], List[int]]:
    """torch's adaptive-pooling windows: ``[floor(i*n/out), ceil((i+1)*n/out))`` for each ``i``."""
    starts = [(i * n) // out for i in range(out)]
    ends = [-((-(i + 1) * n) // out) for i in range(out)]
    return starts, ends


def _deficit(
    type_name: str, shape: Shape, axes: Sequence[ODim], spans: Sequence[Dim], pads: Sequence[Dim], sizes: Sequence[ODim]
) -> None:
    """A window larger than the (padded) input: a non-positive-dim error saying by how much
    (carrying the output size it gives, whose ``--why`` formula shows the arithmetic)."""
    for i, (n, span, total, size) in enumerate(zip(axes, spans, pads, sizes)):
        if not (is_known(n) and is_known(span) and is_known(total)):
            continue
        if span > n + total:  # type: ignore[operator]
            padded = f" (padded {n + total})" if total else ""  # type: ignore[operator]
            raise LayerError(
                "non-positive-dim",
                f"{type_name}: the pooling window spans {span} along spatial axis {i + 1} but the input has only "
                f"{n}{padded}; it is {span - n - total} too small. Received: input shape {fmt_shape(shape)}",  # type: ignore[operator]
                received=n,
                size=size,
            )


def _int_arg(value: Any, attr: str, type_name: str) -> Any:
    if isinstance(value, Unknown):
        raise UnknownAttr(attr, value.reason)
    if isinstance(value, bool) or not isinstance(value, (int, Expr)):
        raise LayerError("invalid-argument", f"{type_name}: '{attr}' must be an integer. Received: {attr}={value!r}", attr=attr)
    return value


def _keras_split(shape: Shape, fmt: str) -> Tuple[Tuple[ODim, ...], ODim]:
    if fmt == "channels_first":
        return tuple(shape[2:]), shape[1]
    return tuple(shape[1:-1]), shape[-1]


def _keras_join(batch: ODim, spatial: Sequence[ODim], channels: ODim, fmt: str) -> Shape:
    if fmt == "channels_first":
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


# -- NumPy ------------------------------------------------------------------------------
def _to_channels_first(x: Any, fmt: str) -> Any:
    import numpy as np

    return np.moveaxis(x, -1, 1) if fmt == "channels_last" else x


def _from_channels_first(x: Any, fmt: str) -> Any:
    import numpy as np

    return np.moveaxis(x, 1, -1) if fmt == "channels_last" else x


def _window_pool(
    x: Any, kind: str, k: Sequence[int], s: Sequence[int], d: Sequence[int], lefts: Sequence[int],
    outs: Sequence[int], counts: Optional[Sequence[Any]] = None,
) -> Any:
    """Max or mean over strided (dilated) windows of the trailing ``len(k)`` axes.

    ``lefts`` is the left padding per axis; the right side is padded as far as the last of
    ``outs`` windows needs.  Padding is ``-inf`` for max and 0 for mean, whose divisor per
    output cell is the product of the per-axis ``counts`` (the number of cells each framework
    counts in that window).
    """
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    n = len(k)
    lead = x.ndim - n
    spans = [dd * (kk - 1) + 1 for kk, dd in zip(k, d)]
    widths = [(0, 0)] * lead
    for i in range(n):
        size = x.shape[lead + i]
        need = (outs[i] - 1) * s[i] + spans[i]
        widths.append((lefts[i], max(0, need - lefts[i] - size)))
    fill = -np.inf if kind == "max" else 0.0
    xp = np.pad(x.astype(np.float64 if kind == "avg" else np.float32), widths, constant_values=fill)
    axes = tuple(range(lead, x.ndim))
    win = sliding_window_view(xp, spans, axis=axes)
    index = (slice(None),) * lead
    index += tuple(slice(0, (o - 1) * ss + 1, ss) for o, ss in zip(outs, s))
    index += tuple(slice(None, None, dd) for dd in d)
    win = win[index]
    red = tuple(range(x.ndim, x.ndim + n))
    if kind == "max":
        return win.max(axis=red).astype(np.float32)
    total = win.sum(axis=red)
    for i, c in enumerate(counts or ()):
        shape = [1] * x.ndim
        shape[lead + i] = len(c)
        total = total / np.asarray(c, dtype=np.float64).reshape(shape)
    return total.astype(np.float32)


def _window_counts(size: int, out: int, k: int, s: int, left: int, right_limit: int, include_pad: bool) -> Any:
    """Cells each window along one axis averages over (padded coordinates, input at ``left``)."""
    import numpy as np

    starts = np.arange(out) * s
    ends = np.minimum(starts + k, right_limit)
    if include_pad:
        return ends - starts
    return np.minimum(ends, left + size) - np.maximum(starts, left)


def _adaptive_pool(x: Any, kind: str, outs: Sequence[int]) -> Any:
    """Adaptive pooling one axis at a time (a box reduction is separable): the mean as a matrix
    product with the window-membership matrix, the max as one slice reduction per output index."""
    import numpy as np

    n = len(outs)
    y = x.astype(np.float64)
    for i, out in enumerate(outs):
        axis = x.ndim - n + i
        size = y.shape[axis]
        starts, ends = (np.asarray(v) for v in adaptive_windows(size, out))
        moved = np.moveaxis(y, axis, -1)
        if kind == "max":  # no (..., out, size) temporary
            pooled = np.stack([moved[..., a:b].max(axis=-1) for a, b in zip(starts, ends)], axis=-1)
        else:
            cells = np.arange(size)
            member = (cells[None, :] >= starts[:, None]) & (cells[None, :] < ends[:, None])  # (out, size)
            pooled = (moved @ member.T.astype(np.float64)) / (ends - starts)
        y = np.moveaxis(pooled, -1, axis)
    return y.astype(np.float32)


# -- Keras ------------------------------------------------------------------------------
class KerasPool(LayerSpec):
    """``keras.layers.MaxPoolingND`` / ``AveragePoolingND`` (``strides=None`` means ``pool_size``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        base = "MaxPooling" if kind == "max" else "AveragePooling"
        short = "MaxPool" if kind == "max" else "AvgPool"
        self.rank_of = {f"{base}{n}D": n for n in (1, 2, 3)}
        self.types = tuple(("keras", name) for name in self.rank_of)
        self.aliases = {("keras", f"{short}{n}D"): f"{base}{n}D" for n in (1, 2, 3)}
        self.signatures = {
            ("keras", name): [
                ("pool_size", ((2,) * n if kind == "max" else REQUIRED)),
                ("strides", None), ("padding", "valid"), ("data_format", None),
            ]
            for name, n in self.rank_of.items()
        }

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        n = self.rank_of[type_name]
        attrs: Dict[str, Any] = {"type": type_name, "n": n}
        attrs["pool_size"] = int_tuple(params["pool_size"], n, "pool_size", type_name)
        positive(attrs["pool_size"], "pool_size", type_name)
        strides = params["strides"]
        attrs["strides"] = attrs["pool_size"] if strides is None else int_tuple(strides, n, "strides", type_name)
        positive(attrs["strides"], "strides", type_name)
        attrs["padding"] = choice(params["padding"], ("valid", "same"), "padding", type_name)
        attrs["data_format"] = data_format(params["data_format"], layout, type_name)
        return attrs

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        name, n = attrs["type"], attrs["n"]
        ensure_rank(shape, n + 2, name, "batch, spatial..., channels")
        spatial, channels = _keras_split(shape, attrs["data_format"])
        k, s, pad = attrs["pool_size"], attrs["strides"], attrs["padding"]
        out = tuple(conv_output_size(x, kk, ss, 1, pad) for x, kk, ss in zip(spatial, k, s))
        if pad == "valid":
            _deficit(name, shape, spatial, k, (0,) * n, out)
        return _keras_join(shape[0], out, channels, attrs["data_format"])

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        fmt = attrs["data_format"]
        x = _to_channels_first(xs[0], fmt)
        n = attrs["n"]
        k = tuple(int(v) for v in attrs["pool_size"])
        s = tuple(int(v) for v in attrs["strides"])
        sizes = x.shape[2:]
        if attrs["padding"] == "same":
            outs = [-(-size // ss) for size, ss in zip(sizes, s)]
            # Keras/TF: total padding max((out-1)*s + k - n, 0), the extra cell on the right
            lefts = [max((o - 1) * ss + kk - size, 0) // 2 for o, ss, kk, size in zip(outs, s, k, sizes)]
        else:
            outs = [(size - kk) // ss + 1 for size, kk, ss in zip(sizes, k, s)]
            lefts = [0] * n
        counts = None
        if self.kind == "avg":
            # padded cells are excluded from the mean (the TF/JAX reference semantics)
            counts = [
                _window_counts(size, o, kk, ss, left, left + size + kk, include_pad=False)
                for size, o, kk, ss, left in zip(sizes, outs, k, s, lefts)
            ]
        y = _window_pool(x, self.kind, k, s, (1,) * n, lefts, outs, counts)
        return _from_channels_first(y, fmt)


class KerasGlobalPool(LayerSpec):
    """``keras.layers.GlobalAveragePoolingND`` / ``GlobalMaxPoolingND``: spatial axes reduced."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        base = "GlobalMaxPooling" if kind == "max" else "GlobalAveragePooling"
        short = "GlobalMaxPool" if kind == "max" else "GlobalAvgPool"
        self.rank_of = {f"{base}{n}D": n for n in (1, 2, 3)}
        self.types = tuple(("keras", name) for name in self.rank_of)
        self.aliases = {("keras", f"{short}{n}D"): f"{base}{n}D" for n in (1, 2, 3)}
        self.signatures = {("keras", name): [("data_format", None), ("keepdims", False)] for name in self.rank_of}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {
            "type": type_name,
            "n": self.rank_of[type_name],
            "data_format": data_format(params["data_format"], layout, type_name),
            "keepdims": flag(params["keepdims"], "keepdims"),
        }

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        n = attrs["n"]
        ensure_rank(shape, n + 2, attrs["type"], "batch, spatial..., channels")
        _, channels = _keras_split(shape, attrs["data_format"])
        if not attrs["keepdims"]:
            return (shape[0], channels)
        return _keras_join(shape[0], (1,) * n, channels, attrs["data_format"])

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0]
        n = attrs["n"]
        axes = tuple(range(2, 2 + n)) if attrs["data_format"] == "channels_first" else tuple(range(1, 1 + n))
        reduce = np.max if self.kind == "max" else np.mean
        return reduce(x.astype(np.float64), axis=axes, keepdims=attrs["keepdims"]).astype(np.float32)


def _output_size(value: Any, n: int, type_name: str) -> Tuple[Optional[Dim], ...]:
    """Adaptive ``output_size``: an int or an n-tuple whose ``None`` entries keep the input size."""
    if isinstance(value, Unknown):
        raise UnknownAttr("output_size", value.reason)
    items = tuple(value) if isinstance(value, (list, tuple)) else (value,) * n
    if len(items) != n:
        raise LayerError(
            "invalid-argument",
            f"{type_name}: 'output_size' must be an int or a tuple of {n} ints. Received: output_size={value!r}",
            attr="output_size",
        )
    out = []
    for v in items:
        if v is None:
            out.append(None)
            continue
        v = _int_arg(v, "output_size", type_name)
        non_negative([v], "output_size", type_name)
        out.append(v)
    return tuple(out)


class KerasAdaptivePool(LayerSpec):
    """``keras.layers.Adaptive(Average|Max)PoolingND(output_size)``: torch's adaptive windows."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        base = "AdaptiveMaxPooling" if kind == "max" else "AdaptiveAveragePooling"
        self.rank_of = {f"{base}{n}D": n for n in (1, 2, 3)}
        self.types = tuple(("keras", name) for name in self.rank_of)
        self.signatures = {("keras", name): [("output_size", REQUIRED), ("data_format", None)] for name in self.rank_of}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        n = self.rank_of[type_name]
        out = int_tuple(params["output_size"], n, "output_size", type_name)
        positive(out, "output_size", type_name)
        return {"type": type_name, "n": n, "output_size": out, "data_format": data_format(params["data_format"], layout, type_name)}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        ensure_rank(shape, attrs["n"] + 2, attrs["type"], "batch, spatial..., channels")
        _, channels = _keras_split(shape, attrs["data_format"])
        return _keras_join(shape[0], attrs["output_size"], channels, attrs["data_format"])

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        fmt = attrs["data_format"]
        y = _adaptive_pool(_to_channels_first(xs[0], fmt), self.kind, [int(v) for v in attrs["output_size"]])
        return _from_channels_first(y, fmt)


# -- PyTorch ----------------------------------------------------------------------------
def _torch_pool_signature(kind: str, n: int) -> List[Tuple[str, Any]]:
    if kind == "lp":
        return [("norm_type", REQUIRED), ("kernel_size", REQUIRED), ("stride", None), ("ceil_mode", False)]
    if kind == "max":
        return [
            ("kernel_size", REQUIRED), ("stride", None), ("padding", 0), ("dilation", 1),
            ("return_indices", False), ("ceil_mode", False),
        ]
    sig = [("kernel_size", REQUIRED), ("stride", None), ("padding", 0), ("ceil_mode", False), ("count_include_pad", True)]
    if n > 1:
        sig.append(("divisor_override", None))
    return sig


class TorchPool(LayerSpec):
    """``torch.nn.MaxPoolNd`` / ``AvgPoolNd`` / ``LPPoolNd`` (``stride=None`` means ``kernel_size``).

    LPPool is an unpadded average pool of ``x ** p`` rescaled by the window size, then ``** (1/p)``.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        base = {"max": "MaxPool", "avg": "AvgPool", "lp": "LPPool"}[kind]
        self.rank_of = {f"{base}{n}d": n for n in (1, 2, 3)}
        self.types = tuple(("torch", name) for name in self.rank_of)
        self.signatures = {("torch", name): _torch_pool_signature(kind, n) for name, n in self.rank_of.items()}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        n = self.rank_of[type_name]
        attrs: Dict[str, Any] = {"type": type_name, "n": n}
        k = attrs["kernel_size"] = int_tuple(params["kernel_size"], n, "kernel_size", type_name)
        stride = params["stride"]
        s = attrs["stride"] = k if stride is None or stride == [] or stride == () else int_tuple(stride, n, "stride", type_name)
        p = attrs["padding"] = int_tuple(params.get("padding", 0) if self.kind != "lp" else 0, n, "padding", type_name)
        dilation = params["dilation"] if self.kind == "max" else 1  # AvgPool has no dilation
        d = attrs["dilation"] = int_tuple(dilation, n, "dilation", type_name)
        if any(is_known(v) and v == 0 for v in s):
            raise LayerError("invalid-argument", f"{type_name}: stride should not be zero. Received: stride={s}", attr="stride")
        positive(k, "kernel_size", type_name)
        positive(s, "stride", type_name)
        positive(d, "dilation", type_name)
        non_negative(p, "padding", type_name)
        for pp, kk in zip(p, k):
            if is_known(pp) and is_known(kk) and pp > kk // 2:  # type: ignore[operator]
                raise LayerError(
                    "invalid-argument",
                    f"{type_name}: padding should be at most half of kernel_size. "
                    f"Received: padding={p}, kernel_size={k}",
                    attr="padding",
                    expected=tuple(kk // 2 for kk in k if is_known(kk)),  # type: ignore[operator]
                )
        attrs["ceil_mode"] = flag(params["ceil_mode"], "ceil_mode")
        if self.kind == "max":
            if flag(params["return_indices"], "return_indices"):
                raise UnknownAttr("return_indices", "the layer returns an (output, indices) pair, not a tensor")
        elif self.kind == "lp":
            norm = params["norm_type"]
            if isinstance(norm, Unknown) or isinstance(norm, bool) or not isinstance(norm, (int, float)):
                norm = 2.0  # only the forward reads it
            attrs["norm_type"] = float(norm)
        else:
            attrs["count_include_pad"] = flag(params["count_include_pad"], "count_include_pad")
            div = params.get("divisor_override")
            if isinstance(div, Unknown):
                raise UnknownAttr("divisor_override", div.reason)
            if div is not None and not isinstance(div, bool) and isinstance(div, (int, float)) and div == 0:
                raise LayerError(
                    "invalid-argument", f"{type_name}: divisor_override must not be zero. Received: divisor_override=0",
                    attr="divisor_override",
                )
            attrs["divisor_override"] = div
        return attrs

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        name, n = attrs["type"], attrs["n"]
        ensure_torch_rank(shape, n + 1, n + 2, name)  # (N, C, *spatial) or unbatched (C, *spatial)
        spatial = tuple(shape[-n:])
        k, s, p, d = attrs["kernel_size"], attrs["stride"], attrs["padding"], attrs["dilation"]
        out = tuple(
            torch_pool_output_size(x, kk, ss, pp, dd, attrs["ceil_mode"]) for x, kk, ss, pp, dd in zip(spatial, k, s, p, d)
        )
        if not attrs["ceil_mode"]:
            spans = tuple(window_span(kk, dd) for kk, dd in zip(k, d))
            _deficit(name, shape, spatial, spans, tuple(2 * pp for pp in p), out)
        return tuple(shape[:-n]) + out

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        x = xs[0]
        n = attrs["n"]
        k, s, p, d = (tuple(int(v) for v in attrs[key]) for key in ("kernel_size", "stride", "padding", "dilation"))
        sizes = x.shape[-n:]
        outs = [
            int(torch_pool_output_size(size, kk, ss, pp, dd, attrs["ceil_mode"]))  # type: ignore[arg-type]
            for size, kk, ss, pp, dd in zip(sizes, k, s, p, d)
        ]
        counts = None
        if self.kind == "avg":
            if attrs["divisor_override"]:
                counts = [[float(attrs["divisor_override"])] * outs[0]] + [[1.0] * o for o in outs[1:]]
            else:
                counts = [
                    _window_counts(size, o, kk, ss, pp, size + 2 * pp, attrs["count_include_pad"])
                    for size, o, kk, ss, pp in zip(sizes, outs, k, s, p)
                ]
        if self.kind == "lp":
            import numpy as np

            norm = attrs["norm_type"]
            # torch: avg_pool(x ** p) (partial ceil-mode windows divide by their clipped size) * prod(k)
            counts = [_window_counts(size, o, kk, ss, 0, size, True) / kk for size, o, kk, ss in zip(sizes, outs, k, s)]
            total = _window_pool(x.astype(np.float64) ** norm, "avg", k, s, d, p, outs, counts)
            with np.errstate(invalid="ignore"):
                return np.power(total.astype(np.float64), 1.0 / norm).astype(np.float32)
        return _window_pool(x, self.kind, k, s, d, p, outs, counts)


class TorchAdaptivePool(LayerSpec):
    """``torch.nn.AdaptiveAvgPoolNd`` / ``AdaptiveMaxPoolNd``: ``None`` in ``output_size`` keeps that axis."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        base = "AdaptiveMaxPool" if kind == "max" else "AdaptiveAvgPool"
        self.rank_of = {f"{base}{n}d": n for n in (1, 2, 3)}
        self.types = tuple(("torch", name) for name in self.rank_of)
        sig: List[Tuple[str, Any]] = [("output_size", REQUIRED)]
        if kind == "max":
            sig.append(("return_indices", False))
        self.signatures = {("torch", name): sig for name in self.rank_of}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        n = self.rank_of[type_name]
        if self.kind == "max" and flag(params["return_indices"], "return_indices"):
            raise UnknownAttr("return_indices", "the layer returns an (output, indices) pair, not a tensor")
        return {"type": type_name, "n": n, "output_size": _output_size(params["output_size"], n, type_name)}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        n = attrs["n"]
        ensure_torch_rank(shape, n + 1, self._max_rank(attrs), attrs["type"])
        spatial = tuple(shape[-n:])
        out = tuple(x if o is None else o for x, o in zip(spatial, attrs["output_size"]))
        return tuple(shape[:-n]) + out

    def _max_rank(self, attrs: Dict[str, Any]) -> Optional[int]:
        """PyTorch averages to a 1x1 (1x1x1) output with a mean over the last axes, which takes
        any number of leading axes; every other adaptive pool takes (N, C, *spatial) or (C, *spatial)."""
        n, out = attrs["n"], attrs["output_size"]
        if self.kind == "avg" and n > 1 and all(is_known(o) and o == 1 for o in out):
            return None
        return n + 2

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        x = xs[0]
        n = attrs["n"]
        outs = [size if o is None else int(o) for size, o in zip(x.shape[-n:], attrs["output_size"])]
        return _adaptive_pool(x, self.kind, outs)


SPECS: List[LayerSpec] = [
    KerasPool("max"),
    KerasPool("avg"),
    KerasGlobalPool("max"),
    KerasGlobalPool("avg"),
    KerasAdaptivePool("max"),
    KerasAdaptivePool("avg"),
    TorchPool("max"),
    TorchPool("avg"),
    TorchPool("lp"),
    TorchAdaptivePool("max"),
    TorchAdaptivePool("avg"),
]
