"""Reshaping: flatten, reshape/view, permute/transpose, padding, cropping and upsampling.

Keras: ``Flatten``, ``Reshape``, ``Permute``, ``ZeroPadding{1,2,3}D``, ``Cropping{1,2,3}D``,
``UpSampling{1,2,3}D``, ``RepeatVector``.  PyTorch: ``Flatten``, ``Unflatten``, ``Upsample``,
``UpsamplingNearest2d``/``UpsamplingBilinear2d``, ``{Zero,Constant,Reflection,Replication,
Circular}Pad{1,2,3}d`` and the tensor-method pseudo-types the front end emits: ``view``,
``reshape``, ``pad`` (``F.pad``), ``permute``, ``transpose``.

Every size rule is a small pure function over ``Dim`` (ints and symbols alike, ``None`` for
unknown).  Reshapes that merge axes also *explain* the merged size (``explain_dims``), so a
wrong ``Linear(in_features)`` after a flatten can say ``in_features=400 = 16 * 5 * 5``.

A note on ``view`` and the batch: the batch size is rarely known statically, so convlint reads
a view per sample (a tensor whose every size is known, as a factory call makes it, is reshaped
as a whole, as PyTorch does).  The first target axis is taken to be the batch (``-1``, ``x.size(0)`` or a
literal such as the ``1`` in ``x.view(1, -1)``) and the remaining axes must hold the elements
of one sample.  PyTorch itself only fails when ``batch * elements`` is not divisible, which
depends on the batch; a per-sample remainder means rows straddle samples for every batch size
but a few, so convlint reports it as an error and says it assumed a batch of 1.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..dims import Dim, Expr, exact_div, is_known, prod
from ..graph import Shape, SizeOf, Unknown, fmt_shape
from .base import (
    REQUIRED,
    LayerError,
    LayerSpec,
    Requirement,
    UnknownAttr,
    choice,
    data_format,
    ensure_rank,
    flag,
    int_tuple,
    non_negative,
    positive,
)

__all__ = [
    "SPECS",
    "product_note",
    "merged_axes",
    "reshape_dims",
    "view_shape",
    "padded",
    "upsampled_size",
]

ODim = Optional[Dim]
Pair = Tuple[Dim, Dim]


class _Absent:
    """Default of the numbered slots that collect ``*sizes`` (``x.view(a, b, c)``)."""

    def __repr__(self) -> str:
        return "ABSENT"


_ABSENT: Any = _Absent()
_MAX_VARARGS = 12  # positional slots for view/reshape/permute sizes


# -- pure helpers -------------------------------------------------------------------------
def _known(value: Any, attr: str) -> Any:
    if isinstance(value, Unknown):
        raise UnknownAttr(attr, value.reason)
    if isinstance(value, (tuple, list)):
        for v in value:
            _known(v, attr)
    return value


def _is_dim(v: Any) -> bool:
    return isinstance(v, Expr) or (isinstance(v, int) and not isinstance(v, bool))


def _factor(d: Dim) -> str:
    s = str(d)
    return s if isinstance(d, int) or d.is_single_symbol() else f"({s})"


def product_note(dims: Sequence[ODim]) -> Optional[str]:
    """``"16 * 5 * 5"`` for the dims merged into one axis; ``None`` if one is unknown."""
    if any(d is None for d in dims):
        return None
    return " * ".join(_factor(d) for d in dims)  # type: ignore[arg-type]


def _prefix(dims: Sequence[Dim]) -> List[Dim]:
    out: List[Dim] = [1]
    for d in dims:
        out.append(out[-1] * d)
    return out


def merged_axes(in_dims: Sequence[ODim], out_dims: Sequence[ODim]) -> Dict[int, Tuple[int, ...]]:
    """Output axes that are the product of several consecutive input axes: ``{out: (in...)}``.

    Both are per-sample dims of a reshape (same element count).  Groups are found where the
    running products of both sides agree, which works for ints and symbols alike.
    """
    if any(d is None for d in in_dims) or any(d is None for d in out_dims):
        return {}
    pin, pout = _prefix(in_dims), _prefix(out_dims)  # type: ignore[arg-type]
    groups: Dict[int, Tuple[int, ...]] = {}
    a0 = b0 = 0
    for b in range(1, len(out_dims) + 1):
        matches = [a for a in range(a0 + 1, len(in_dims) + 1) if pin[a] == pout[b]]
        if not matches:
            continue
        a = max(matches) if b == len(out_dims) else min(matches)
        if b - b0 == 1 and a - a0 >= 2:
            groups[b0] = tuple(range(a0, a))
        a0, b0 = a, b
    return groups


def _notes(in_dims: Sequence[ODim], out_dims: Sequence[ODim], offset: int) -> Dict[int, str]:
    out: Dict[int, str] = {}
    for axis, group in merged_axes(in_dims, out_dims).items():
        note = product_note([in_dims[i] for i in group])
        if note:
            out[axis + offset] = note
    return out


def _size_text(n: ODim, dims: Sequence[ODim]) -> str:
    note = product_note(dims) if len(dims) > 1 else None
    return f"{n} ({note})" if note and note != str(n) else str(n)


def reshape_dims(
    in_dims: Sequence[ODim], target: Sequence[Dim], what: str, received: str, scope: str = "per sample"
) -> Tuple[ODim, ...]:
    """Keras ``Reshape`` semantics on per-sample dims: resolve one ``-1``, check the count.

    Raises ``reshape-size`` when the element counts are known to differ.  An unknown input
    axis leaves a ``-1`` unknown (``None``), as Keras does.
    """
    n = prod(in_dims)
    rest = [d for d in target if not (is_known(d) and d == -1)]
    known = prod(rest)
    has_free = len(rest) < len(target)
    size = _size_text(n, in_dims)
    if not has_free:
        if is_known(n) and is_known(known) and n != known:
            raise LayerError(
                "reshape-size",
                f"{what} holds {known} elements {scope} but its input has {size}; the total size "
                f"must be unchanged. Received: {received}",
                expected=n,
                received=known,
            )
        return tuple(target)
    if n is None:
        return tuple(None if (is_known(d) and d == -1) else d for d in target)
    if is_known(known) and known == 0:
        raise LayerError(
            "reshape-size",
            f"{what} cannot infer the -1 axis: the other axes hold 0 elements. Received: {received}",
        )
    free = exact_div(n, known)  # type: ignore[arg-type]
    if free is None and is_known(n) and is_known(known):
        raise LayerError(
            "reshape-size",
            f"{what} cannot infer the -1 axis: the input has {size} elements {scope}, which is not "
            f"a multiple of the {known} the other axes hold. Received: {received}",
            received=known,
        )
    return tuple(free if (is_known(d) and d == -1) else d for d in target)


def padded(n: ODim, before: Dim, after: Dim) -> ODim:
    """An axis grown by padding (negative padding crops, as in PyTorch)."""
    return None if n is None else n + before + after


def upsampled_size(n: ODim, scale: float) -> ODim:
    """``floor(n * scale)``, PyTorch's output size for a ``scale_factor`` (in double precision)."""
    if n is None:
        return None
    if is_known(n):
        return int(math.floor(float(n) * scale))  # type: ignore[arg-type]
    if float(scale).is_integer():
        return n * int(scale)
    from fractions import Fraction  # a fractional scale on a symbolic size is rare; the import is not cheap

    frac = Fraction(scale).limit_denominator(1000)
    if float(frac) != scale:
        return None
    return (n * frac.numerator) // frac.denominator


def _axis(index: Any, rank: int, what: str, shape: Shape) -> int:
    """Wrap a (possibly negative) axis index as PyTorch does; out of range is a rank mismatch."""
    if isinstance(index, bool) or not isinstance(index, int):
        raise LayerError("invalid-argument", f"{what}: dimensions must be integers. Received: {index!r}")
    if not -rank <= index < rank:
        raise LayerError(
            "rank-mismatch",
            f"{what}: dimension {index} is out of range for a {rank}D input (expected a value in "
            f"[{-rank}, {rank - 1}]). Received: input shape {fmt_shape(shape)}",
            received=rank,
        )
    return index % rank


def _target(values: Sequence[Any], what: str, allow_sizeof: bool) -> Tuple[Any, ...]:
    """Validate a reshape target: ints >= -1 (one ``-1`` at most), symbols, ``SizeOf``."""
    out = []
    for v in values:
        if isinstance(v, Unknown):
            raise UnknownAttr("shape", v.reason)
        if allow_sizeof and isinstance(v, SizeOf):
            out.append(v)
            continue
        if not _is_dim(v):
            raise LayerError("invalid-argument", f"{what}: sizes must be integers. Received: {tuple(values)!r}")
        if is_known(v) and v < -1:
            raise LayerError(
                "invalid-argument",
                f"{what}: invalid size {v}; sizes must be non-negative, or -1 for one inferred axis. "
                f"Received: {tuple(values)!r}",
            )
        out.append(v)
    if sum(1 for v in out if is_known(v) and v == -1) > 1:
        raise LayerError(
            "invalid-argument", f"{what}: only one dimension can be inferred (-1). Received: {tuple(values)!r}"
        )
    return tuple(out)


def _varargs(params: Dict[str, Any], names: Sequence[str]) -> Tuple[Any, ...]:
    """Collect ``x.view(a, b, c)`` / ``x.view((a, b, c))`` / ``size=(...)`` into one tuple."""
    for key in names:
        if key in params and params[key] is not None and params[key] is not _ABSENT:
            value = _known(params[key], key)
            return tuple(value) if isinstance(value, (tuple, list)) else (value,)
    args = []
    for i in range(_MAX_VARARGS):
        v = params.get(f"arg{i}", _ABSENT)
        if v is _ABSENT:
            break
        args.append(v)
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    if len(args) == 1 and isinstance(args[0], Unknown):
        raise UnknownAttr(names[0], args[0].reason)
    return tuple(args)


_VARARGS_SIG = [(f"arg{i}", _ABSENT) for i in range(_MAX_VARARGS)]


def _call_text(name: str, values: Sequence[Any]) -> str:
    shown = ["x.size(%d)" % v.axis if isinstance(v, SizeOf) else str(v) for v in values]
    return f"{name}({', '.join(shown)})"


def view_shape(shape: Shape, target: Sequence[Any], name: str = "view") -> Shape:
    """Output shape of ``x.view(*target)`` (target includes the batch axis), read per sample.

    ``SizeOf(i)`` is the size of input axis ``i``.  The first target axis is the batch (``-1``,
    ``SizeOf(0)`` or a literal), so the other axes must hold one sample's elements; a literal
    first axis is also accepted when the whole target fits a batch of one (``x.view(4, 100)``
    on 400 elements per sample).
    """
    what = _call_text(name, target)
    rank = len(shape)
    if shape and is_known(shape[0]):  # an exact tensor (a factory's): PyTorch's own total count
        exact = [shape[_axis(v.axis, rank, what, shape)] if isinstance(v, SizeOf) else v for v in target]
        if not any(s is None for s in exact):
            return reshape_dims(shape, exact, what, f"input shape {fmt_shape(shape)}", "in all")
    sizes: List[Any] = []
    for v in target:
        if isinstance(v, SizeOf):
            axis = _axis(v.axis, rank, what, shape)
            sizes.append("batch" if axis == 0 else shape[axis])
        else:
            sizes.append(v)
    received = f"input shape {fmt_shape(shape)}"
    if not sizes:
        raise LayerError("reshape-size", f"{what} has no axes; only a single-element tensor fits. Received: {received}")
    rest = sizes[1:]
    if any(s == "batch" for s in rest):
        # the batch moved away from axis 0: only the axis count is certain
        return tuple(None if s == "batch" or (is_known(s) and s == -1) else s for s in sizes)
    in_dims = shape[1:]
    if any(s is None for s in rest):
        return (None,) + tuple(None if (s is None or (is_known(s) and s == -1)) else s for s in rest)
    if is_known(sizes[0]) and sizes[0] == -1:
        return (None,) + _free_batch_view(in_dims, rest, what, received, name)
    try:
        return (None,) + reshape_dims(in_dims, rest, what, received)
    except LayerError:
        if sizes[0] == "batch" or not is_known(sizes[0]):
            raise
        try:  # a literal first axis: the whole tensor of a batch of one may fit
            return (None,) + reshape_dims(in_dims, sizes, what, received)[1:]
        except LayerError:
            pass
        raise


def _free_batch_view(in_dims: Sequence[ODim], rest: Sequence[Dim], what: str, received: str, name: str) -> Tuple[Dim, ...]:
    """``view(-1, a, b)``: the -1 absorbs the batch; ``a * b`` must divide one sample."""
    n = prod(in_dims)
    known = prod(rest)
    if is_known(n) and is_known(known) and (known == 0 or n % known):  # type: ignore[operator]
        hint = f"Expected {_call_text(name, [-1, n])}. " if len(rest) == 1 else ""
        raise LayerError(
            "reshape-size",
            f"{what} on an input of {_size_text(n, in_dims)} elements per sample: {n} is not a multiple "
            f"of {known}, so its rows would straddle samples (PyTorch fails unless batch * {n} is a "
            f"multiple of {known}; convlint checks one sample, batch = 1). {hint}Received: {received}",
            expected=n,
            received=known,
            attr="size",
        )
    return tuple(rest)


def _resolved_view(shape: Shape, target: Sequence[Any]) -> List[Any]:
    """Concrete ``reshape`` arguments for a real array (``SizeOf`` resolved)."""
    return [shape[v.axis] if isinstance(v, SizeOf) else v for v in target]


# -- Keras -------------------------------------------------------------------------------
def _spatial_axes(rank: int, fmt: str) -> Tuple[int, ...]:
    return tuple(range(2, rank)) if fmt == "channels_first" else tuple(range(1, rank - 1))


def _keras_pairs(value: Any, n: int, attr: str, type_name: str) -> Tuple[Pair, ...]:
    """Keras padding/cropping: int, tuple of n ints (symmetric), or tuple of n pairs."""
    value = _known(value, attr)
    if n == 1:
        return (tuple(int_tuple(value, 2, attr, type_name)),)  # type: ignore[return-value]
    if _is_dim(value):
        return ((value, value),) * n
    if not isinstance(value, (tuple, list)) or len(value) != n:
        raise LayerError(
            "invalid-argument",
            f"{type_name}: '{attr}' must be an int, a tuple of {n} ints or a tuple of {n} tuples of 2 ints. "
            f"Received: {attr}={value!r}",
            attr=attr,
        )
    return tuple(tuple(int_tuple(v, 2, attr, type_name)) for v in value)  # type: ignore[misc]


class KerasFlatten(LayerSpec):
    """``keras.layers.Flatten``: channels_first inputs are moved to channels_last first."""

    types = (("keras", "Flatten"),)
    signatures = {("keras", "Flatten"): [("data_format", None)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {"type": type_name, "data_format": data_format(params["data_format"], layout, type_name)}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        return (shape[0], prod(shape[1:]))

    def _order(self, attrs: Dict[str, Any], shape: Shape) -> Tuple[ODim, ...]:
        if attrs["data_format"] == "channels_first" and len(shape) > 2:
            return tuple(shape[2:]) + (shape[1],)
        return tuple(shape[1:])

    def explain_dims(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Dict[int, str]:
        dims = self._order(attrs, inputs[0])
        note = product_note(dims) if len(dims) > 1 else None
        return {1: note} if note else {}

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0]
        if attrs["data_format"] == "channels_first" and x.ndim > 2:
            x = np.moveaxis(x, 1, -1)
        return x.reshape(x.shape[0], -1)


class KerasReshape(LayerSpec):
    """``keras.layers.Reshape(target_shape)``: the batch axis is kept, one ``-1`` inferred."""

    types = (("keras", "Reshape"),)
    signatures = {("keras", "Reshape"): [("target_shape", REQUIRED)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        value = _known(params["target_shape"], "target_shape")
        if not isinstance(value, (tuple, list)):
            raise LayerError(
                "invalid-argument",
                f"{type_name}: 'target_shape' must be a tuple of integers (without the batch axis). "
                f"Received: target_shape={value!r}",
                attr="target_shape",
            )
        return {"type": type_name, "target_shape": _target(value, type_name, allow_sizeof=False)}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        target = attrs["target_shape"]
        received = f"input_shape={fmt_shape(shape)}, target_shape={tuple(target)!r}"
        what = f"Reshape(target_shape={tuple(target)!r})"
        return (shape[0],) + reshape_dims(shape[1:], target, what, received)

    def explain_dims(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Dict[int, str]:
        shape = inputs[0]
        return _notes(shape[1:], self.output_shape(attrs, inputs)[1:], 1)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        x = xs[0]
        return x.reshape((x.shape[0],) + tuple(int(d) for d in attrs["target_shape"]))


class KerasPermute(LayerSpec):
    """``keras.layers.Permute(dims)``: 1-based, batch excluded, must be a permutation."""

    types = (("keras", "Permute"),)
    signatures = {("keras", "Permute"): [("dims", REQUIRED)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        dims = _known(params["dims"], "dims")
        if (
            not isinstance(dims, (tuple, list))
            or not all(is_known(d) for d in dims)
            or sorted(dims) != list(range(1, len(dims) + 1))
        ):
            raise LayerError(
                "invalid-argument",
                f"{type_name}: 'dims' must be a permutation of 1..n (the batch axis is not included; indexing "
                f"starts at 1). Received: dims={dims!r}",
                attr="dims",
            )
        return {"type": type_name, "dims": tuple(dims)}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        dims = attrs["dims"]
        ensure_rank(shape, len(dims) + 1, attrs["type"], f"dims={dims}")
        return (shape[0],) + tuple(shape[d] for d in dims)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        return xs[0].transpose((0,) + tuple(attrs["dims"]))


class KerasPadCrop(LayerSpec):
    """``ZeroPadding{1,2,3}D`` and ``Cropping{1,2,3}D`` (spatial axes only, per data_format)."""

    def __init__(self, crop: bool) -> None:
        self.crop = crop
        base = "Cropping" if crop else "ZeroPadding"
        self.attr = "cropping" if crop else "padding"
        self.rank_of = {f"{base}{n}D": n for n in (1, 2, 3)}
        self.types = tuple(("keras", name) for name in self.rank_of)
        if crop:
            self.signatures = {
                ("keras", "Cropping1D"): [("cropping", (1, 1))],
                ("keras", "Cropping2D"): [("cropping", ((0, 0), (0, 0))), ("data_format", None)],
                ("keras", "Cropping3D"): [("cropping", ((1, 1), (1, 1), (1, 1))), ("data_format", None)],
            }
        else:
            self.signatures = {
                ("keras", "ZeroPadding1D"): [("padding", 1), ("data_format", None)],
                ("keras", "ZeroPadding2D"): [("padding", (1, 1)), ("data_format", None)],
                ("keras", "ZeroPadding3D"): [("padding", ((1, 1), (1, 1), (1, 1))), ("data_format", None)],
            }

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        n = self.rank_of[type_name]
        pairs = _keras_pairs(params[self.attr], n, self.attr, type_name)
        non_negative([v for pair in pairs for v in pair], self.attr, type_name)
        has_format = any(name == "data_format" for name, _ in self.signatures[("keras", type_name)])
        fmt = data_format(params["data_format"], layout, type_name) if has_format else "channels_last"
        return {"type": type_name, "n": n, "pairs": pairs, "data_format": fmt}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        n, name = attrs["n"], attrs["type"]
        layout = "batch, spatial..., channels" if attrs["data_format"] == "channels_last" else "batch, channels, spatial..."
        ensure_rank(shape, n + 2, name, layout)
        out = list(shape)
        for i, (axis, (a, b)) in enumerate(zip(_spatial_axes(len(shape), attrs["data_format"]), attrs["pairs"])):
            d = shape[axis]
            if not self.crop:
                out[axis] = padded(d, a, b)
                continue
            out[axis] = None if d is None else d - a - b
            if is_known(out[axis]) and out[axis] < 1:
                raise LayerError(
                    "non-positive-dim",
                    f"{name}: cropping {(a, b)} removes {a + b} of the {d} positions along spatial axis {i + 1}; "
                    f"it must remove fewer than {d} (short by {1 - out[axis]}). "
                    f"Received: input_shape={fmt_shape(shape)}, cropping={attrs['pairs']}",
                    received=d,
                    attr="cropping",
                )
        return tuple(out)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        x = xs[0]
        pairs = [(0, 0)] * x.ndim
        for axis, (a, b) in zip(_spatial_axes(x.ndim, attrs["data_format"]), attrs["pairs"]):
            pairs[axis] = (-a, -b) if self.crop else (a, b)
        from . import _reshape_numpy as R

        return R.pad_array(x, pairs, "constant", 0.0)


class KerasUpSampling(LayerSpec):
    """``UpSampling{1,2,3}D``: integer repeat factors (2D may interpolate instead of repeat)."""

    rank_of = {"UpSampling1D": 1, "UpSampling2D": 2, "UpSampling3D": 3}
    types = tuple(("keras", name) for name in rank_of)
    signatures = {
        ("keras", "UpSampling1D"): [("size", 2)],
        ("keras", "UpSampling2D"): [("size", (2, 2)), ("data_format", None), ("interpolation", "nearest")],
        ("keras", "UpSampling3D"): [("size", (2, 2, 2)), ("data_format", None)],
    }

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        n = self.rank_of[type_name]
        size = _known(params["size"], "size")
        if n == 1 and isinstance(size, (tuple, list)):
            raise LayerError("invalid-argument", f"{type_name}: 'size' must be an integer. Received: size={size!r}", attr="size")
        sizes = int_tuple(size, n, "size", type_name)
        positive(sizes, "size", type_name)
        fmt = data_format(params["data_format"], layout, type_name) if n > 1 else "channels_last"
        interp = "nearest"
        if n == 2:
            interp = choice(params["interpolation"], ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5"), "interpolation", type_name)
        return {"type": type_name, "n": n, "size": sizes, "data_format": fmt, "interpolation": interp}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        ensure_rank(shape, attrs["n"] + 2, attrs["type"])
        out = list(shape)
        for axis, s in zip(_spatial_axes(len(shape), attrs["data_format"]), attrs["size"]):
            out[axis] = None if shape[axis] is None else shape[axis] * s
        return tuple(out)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        x = xs[0]
        axes = _spatial_axes(x.ndim, attrs["data_format"])
        mode = attrs["interpolation"]
        if mode == "nearest":
            for axis, s in zip(axes, attrs["size"]):
                x = x.repeat(int(s), axis=axis)
            return x
        if mode.startswith("lanczos"):
            raise NotImplementedError("UpSampling2D: lanczos interpolation has no NumPy reference")
        sizes = [x.shape[a] * int(s) for a, s in zip(axes, attrs["size"])]
        kind = "cubic" if mode == "bicubic" else "linear"
        from . import _reshape_numpy as R

        return R.resample(x, axes, sizes, kind, [None] * len(axes), False)


class KerasRepeatVector(LayerSpec):
    """``RepeatVector(n)``: ``(batch, features)`` -> ``(batch, n, features)``."""

    types = (("keras", "RepeatVector"),)
    signatures = {("keras", "RepeatVector"): [("n", REQUIRED)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        n = _known(params["n"], "n")
        if not _is_dim(n):
            raise LayerError("invalid-argument", f"{type_name}: 'n' must be an integer. Received: n={n!r}", attr="n")
        positive([n], "n", type_name)
        return {"type": type_name, "n": n}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        ensure_rank(shape, 2, attrs["type"], "batch, features")
        return (shape[0], attrs["n"], shape[1])

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        return np.repeat(xs[0][:, None, :], int(attrs["n"]), axis=1)


# -- PyTorch: flatten / unflatten / view ----------------------------------------------------
class TorchFlatten(LayerSpec):
    """``nn.Flatten(start_dim=1, end_dim=-1)`` (and ``torch.flatten`` with explicit dims)."""

    types = (("torch", "Flatten"),)
    signatures = {("torch", "Flatten"): [("start_dim", 1), ("end_dim", -1)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        start, end = _known(params["start_dim"], "start_dim"), _known(params["end_dim"], "end_dim")
        for key, v in (("start_dim", start), ("end_dim", end)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise LayerError("invalid-argument", f"{type_name}: '{key}' must be an integer. Received: {key}={v!r}", attr=key)
        return {"type": type_name, "start_dim": start, "end_dim": end}

    def _span(self, attrs: Dict[str, Any], shape: Shape) -> Tuple[int, int]:
        rank = len(shape)
        what = f"Flatten(start_dim={attrs['start_dim']}, end_dim={attrs['end_dim']})"
        s = _axis(attrs["start_dim"], rank, what, shape)
        e = _axis(attrs["end_dim"], rank, what, shape)
        if s > e:
            raise LayerError(
                "invalid-argument",
                f"{what}: start_dim cannot come after end_dim (axes {s} > {e} of a {rank}D input). "
                f"Received: input shape {fmt_shape(shape)}",
                attr="start_dim",
            )
        return s, e

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        s, e = self._span(attrs, shape)
        return tuple(shape[:s]) + (prod(shape[s:e + 1]),) + tuple(shape[e + 1:])

    def explain_dims(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Dict[int, str]:
        shape = inputs[0]
        s, e = self._span(attrs, shape)
        note = product_note(shape[s:e + 1]) if e > s else None
        return {s: note} if note else {}

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        x = xs[0]
        s, e = self._span(attrs, x.shape)
        return x.reshape(x.shape[:s] + (-1,) + x.shape[e + 1:])


class TorchUnflatten(LayerSpec):
    """``nn.Unflatten(dim, unflattened_size)``: the sizes must multiply to the axis size."""

    types = (("torch", "Unflatten"),)
    signatures = {("torch", "Unflatten"): [("dim", REQUIRED), ("unflattened_size", REQUIRED)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        dim = _known(params["dim"], "dim")
        sizes = _known(params["unflattened_size"], "unflattened_size")
        if isinstance(dim, bool) or not isinstance(dim, int):
            raise LayerError("invalid-argument", f"{type_name}: 'dim' must be an integer. Received: dim={dim!r}", attr="dim")
        if not isinstance(sizes, (tuple, list)):
            raise LayerError(
                "invalid-argument",
                f"{type_name}: 'unflattened_size' must be a tuple of integers. Received: unflattened_size={sizes!r}",
                attr="unflattened_size",
            )
        return {"type": type_name, "dim": dim, "sizes": _target(sizes, type_name, allow_sizeof=False)}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        sizes = attrs["sizes"]
        what = f"Unflatten(dim={attrs['dim']}, unflattened_size={tuple(sizes)!r})"
        d = _axis(attrs["dim"], len(shape), what, shape)
        if shape[d] is None:  # the batch axis of any size
            return tuple(shape[:d]) + tuple(None if (is_known(v) and v == -1) else v for v in sizes) + tuple(shape[d + 1:])
        received = f"input shape {fmt_shape(shape)}"
        out = reshape_dims((shape[d],), sizes, what, received, scope=f"in axis {d}")
        return tuple(shape[:d]) + tuple(out) + tuple(shape[d + 1:])

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        x = xs[0]
        d = attrs["dim"] % x.ndim
        return x.reshape(x.shape[:d] + tuple(int(v) for v in attrs["sizes"]) + x.shape[d + 1:])


class TorchView(LayerSpec):
    """``x.view(*sizes)`` / ``x.reshape(*sizes)``: sizes include the batch axis (see module doc)."""

    types = (("torch", "view"), ("torch", "reshape"))
    signatures = {("torch", "view"): list(_VARARGS_SIG), ("torch", "reshape"): list(_VARARGS_SIG)}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        values = _varargs(params, ("size", "shape"))
        if any(isinstance(v, str) for v in values):  # x.view(dtype) reinterprets the elements
            raise UnknownAttr("dtype", f"{type_name}({values[0]}) changes the element type; its shape is not modelled")
        return {"type": type_name, "target": _target(values, type_name, allow_sizeof=True)}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        return view_shape(inputs[0], attrs["target"], attrs["type"])

    def requires(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Requirement]:
        """``view(-1, 400)`` on a symbolic input: one sample must hold 400 elements, which tells
        the solver which input sizes the hand-computed 400 assumes."""
        target = attrs["target"]
        rest = target[1:]
        if not target or not (is_known(target[0]) and target[0] == -1):
            return []
        if not rest or not all(is_known(v) and v > 0 for v in rest):
            return []
        return [Requirement(None, prod(rest), _call_text(attrs["type"], target))]

    def explain_dims(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Dict[int, str]:
        shape = inputs[0]
        out = self.output_shape(attrs, inputs)
        if len(out) < 2:
            return {}
        return _notes(shape[1:], out[1:], 1)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        x = xs[0]
        return x.reshape(tuple(int(v) for v in _resolved_view(x.shape, attrs["target"])))


class TorchPermute(LayerSpec):
    """``x.permute(*dims)`` (dims include the batch axis) and ``x.transpose(dim0, dim1)``."""

    types = (("torch", "permute"), ("torch", "transpose"))
    signatures = {
        ("torch", "permute"): list(_VARARGS_SIG),
        ("torch", "transpose"): [("dim0", REQUIRED), ("dim1", REQUIRED)],
    }

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        if type_name == "transpose":
            dims = (_known(params["dim0"], "dim0"), _known(params["dim1"], "dim1"))
        else:
            dims = _varargs(params, ("dims",))
        for v in dims:
            if isinstance(v, bool) or not isinstance(v, int):
                raise LayerError("invalid-argument", f"{type_name}: dimensions must be integers. Received: {dims!r}")
        return {"type": type_name, "dims": tuple(dims)}

    def order(self, attrs: Dict[str, Any], shape: Any) -> Tuple[int, ...]:
        rank = len(shape)
        what = _call_text(attrs["type"], attrs["dims"])
        dims = tuple(_axis(d, rank, what, shape) for d in attrs["dims"])
        if attrs["type"] == "transpose":
            order = list(range(rank))
            order[dims[0]], order[dims[1]] = order[dims[1]], order[dims[0]]
            return tuple(order)
        if len(dims) != rank:
            raise LayerError(
                "rank-mismatch",
                f"{what}: the ordering has {len(dims)} dimensions but the input has {rank}. "
                f"Received: input shape {fmt_shape(shape)}",
                expected=rank,
                received=len(dims),
            )
        if len(set(dims)) != rank:
            raise LayerError("invalid-argument", f"{what}: duplicate dims are not allowed. Received: dims={attrs['dims']}")
        return dims

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        order = self.order(attrs, shape)
        return tuple(shape[d] for d in order)  # an unknown batch size moves with its axis

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        return xs[0].transpose(self.order(attrs, xs[0].shape))


class TorchChunk(LayerSpec):
    """One piece of ``x.chunk(chunks, dim)`` / ``torch.chunk``: piece ``index`` of the pieces
    PyTorch makes, each ``ceil(n / chunks)`` long along ``dim`` except the last, which keeps the
    rest (``ShuffleNetV2`` splits its channels in two this way)."""

    types = (("torch", "chunk"),)
    signatures = {("torch", "chunk"): [("chunks", REQUIRED), ("dim", 0), ("index", 0)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        chunks, dim, index = (_known(params[k], k) for k in ("chunks", "dim", "index"))
        for name, v in (("chunks", chunks), ("dim", dim), ("index", index)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise LayerError("invalid-argument", f"chunk: '{name}' must be an integer. Received: {name}={v!r}", attr=name)
        if chunks < 1:
            raise LayerError("invalid-argument", f"chunk: 'chunks' must be positive. Received: chunks={chunks}", attr="chunks")
        return {"type": type_name, "chunks": chunks, "dim": dim, "index": index}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        what = f"chunk({attrs['chunks']}, dim={attrs['dim']})"
        axis = _axis(attrs["dim"], len(shape), what, shape)
        n = shape[axis]
        if n is None:
            return tuple(shape)
        size = -(-n // attrs["chunks"]) if isinstance(n, int) else (n + attrs["chunks"] - 1) // attrs["chunks"]
        if isinstance(n, int):
            pieces = -(-n // size) if size else 0
            if attrs["index"] >= pieces:
                raise LayerError(
                    "invalid-argument",
                    f"{what} gives {pieces} pieces of an axis of size {n}; piece {attrs['index']} does not exist. "
                    f"Received: input shape {fmt_shape(shape)}",
                )
            size = min(size, n - attrs["index"] * size)
        out = list(shape)
        out[axis] = size
        return tuple(out)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0]
        axis = attrs["dim"] % x.ndim
        size = -(-x.shape[axis] // attrs["chunks"])
        start = attrs["index"] * size
        return np.take(x, range(start, min(start + size, x.shape[axis])), axis=axis)


# -- PyTorch: padding ------------------------------------------------------------------------
def _torch_pairs(value: Any, n: int, attr: str, type_name: str) -> Tuple[Pair, ...]:
    """PyTorch padding, last axis first: int, or ``(left, right, top, bottom, ...)``."""
    value = _known(value, attr)
    if _is_dim(value):
        return ((value, value),) * n
    if not isinstance(value, (tuple, list)) or len(value) != 2 * n or not all(_is_dim(v) for v in value):
        raise LayerError(
            "invalid-argument",
            f"{type_name}: '{attr}' must be an int or a tuple of {2 * n} ints (last axis first: left, right, "
            f"top, bottom, ...). Received: {attr}={value!r}",
            attr=attr,
        )
    return tuple((value[2 * i], value[2 * i + 1]) for i in range(n))


def torch_pad_shape(shape: Shape, pairs: Sequence[Pair], mode: str, what: str) -> Shape:
    """Output of ``F.pad``: ``pairs[k]`` pads axis ``-1 - k``; checks the mode's limits."""
    rank, n = len(shape), len(pairs)
    received = f"input shape {fmt_shape(shape)}"
    if mode == "constant":
        if n > rank:
            raise LayerError(
                "rank-mismatch",
                f"{what}: {2 * n} padding values pad {n} axes but the input has only {rank}. Received: {received}",
                expected=n,
                received=rank,
            )
    elif rank not in (n + 1, n + 2):
        raise LayerError(
            "rank-mismatch",
            f"{what}: {mode} padding of {n} axes needs a {n + 1}D or {n + 2}D input. Received: a {rank}D input, {received}",
            expected=n + 2,
            received=rank,
        )
    out = list(shape)
    for k, (a, b) in enumerate(pairs):
        axis = rank - 1 - k
        d = shape[axis]
        if mode == "reflect" and is_known(d):
            big = max(v for v in (a, b) if is_known(v)) if any(is_known(v) for v in (a, b)) else None
            if big is not None and big >= d:
                raise LayerError(
                    "non-positive-dim",
                    f"{what}: reflection padding {big} along axis {axis} must be smaller than the input size {d} "
                    f"(the input is {big - d + 1} too small). Received: {received}",
                    received=d,
                    attr="padding",
                )
        if mode == "constant" and is_known(d):
            crop = sum(-v for v in (a, b) if is_known(v) and v < 0)
            if crop > d:  # PyTorch crops (narrows) before it pads
                raise LayerError(
                    "non-positive-dim",
                    f"{what}: negative padding crops {crop} from axis {axis}, which has only {d} "
                    f"({crop - d} too many; PyTorch crops before it pads). Received: {received}",
                    received=d,
                    attr="padding",
                )
        if mode == "circular" and is_known(d):
            for v in (a, b):
                if is_known(v) and v > d:
                    raise LayerError(
                        "non-positive-dim",
                        f"{what}: circular padding {v} along axis {axis} wraps around more than once; it can be at "
                        f"most the input size {d}. Received: {received}",
                        received=d,
                        attr="padding",
                    )
        out[axis] = padded(d, a, b)  # the batch axis, when padded, stays unknown if it was
    return tuple(out)


def _torch_pad_forward(x: Any, pairs: Sequence[Pair], mode: str, value: float) -> Any:
    full = [(0, 0)] * x.ndim
    for k, (a, b) in enumerate(pairs):
        full[x.ndim - 1 - k] = (int(a), int(b))
    from . import _reshape_numpy as R

    return R.pad_array(x, full, mode, value)


_PAD_MODES = {"Zero": "constant", "Constant": "constant", "Reflection": "reflect", "Replication": "replicate", "Circular": "circular"}


class TorchPad(LayerSpec):
    """``nn.{Zero,Constant,Reflection,Replication,Circular}Pad{1,2,3}d``."""

    def __init__(self) -> None:
        self.kind_of: Dict[str, Tuple[str, int]] = {}
        sigs: Dict[Tuple[str, str], List[Tuple[str, Any]]] = {}
        for prefix, mode in _PAD_MODES.items():
            for n in (1, 2, 3):
                name = f"{prefix}Pad{n}d"
                self.kind_of[name] = (mode, n)
                sigs[("torch", name)] = [("padding", REQUIRED)] + ([("value", REQUIRED)] if prefix == "Constant" else [])
        self.types = tuple(sigs)
        self.signatures = sigs

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        mode, n = self.kind_of[type_name]
        pairs = _torch_pairs(params["padding"], n, "padding", type_name)
        value = _known(params.get("value", 0.0), "value")
        return {"type": type_name, "mode": mode, "pairs": pairs, "value": value}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        return torch_pad_shape(inputs[0], attrs["pairs"], attrs["mode"], attrs["type"])

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        return _torch_pad_forward(xs[0], attrs["pairs"], attrs["mode"], float(attrs["value"] or 0.0))


class TorchFunctionalPad(LayerSpec):
    """``F.pad(x, pad, mode="constant", value=None)`` (pseudo-type ``pad``)."""

    types = (("torch", "pad"),)
    signatures = {("torch", "pad"): [("pad", REQUIRED), ("mode", "constant"), ("value", None)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        pad = _known(params["pad"], "pad")
        if not isinstance(pad, (tuple, list)) or not all(_is_dim(v) for v in pad):
            raise LayerError("invalid-argument", f"pad: 'pad' must be a tuple of integers. Received: pad={pad!r}", attr="pad")
        if len(pad) % 2:
            raise LayerError(
                "invalid-argument", f"pad: the padding length must be even (pairs per axis). Received: pad={tuple(pad)!r}", attr="pad"
            )
        mode = choice(params["mode"], ("constant", "reflect", "replicate", "circular"), "mode", "pad")
        value = _known(params["value"], "value")
        if mode != "constant" and value not in (None, 0, 0.0):
            raise LayerError(
                "invalid-argument", f"pad: padding mode {mode!r} doesn't take a value argument. Received: value={value!r}", attr="value"
            )
        pairs = tuple((pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2))
        return {"type": type_name, "mode": mode, "pairs": pairs, "value": value, "pad": tuple(pad)}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        what = f"pad(pad={attrs['pad']!r}, mode={attrs['mode']!r})"
        return torch_pad_shape(inputs[0], attrs["pairs"], attrs["mode"], what)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        return _torch_pad_forward(xs[0], attrs["pairs"], attrs["mode"], float(attrs["value"] or 0.0))


# -- PyTorch: upsampling ---------------------------------------------------------------------
_MODE_RANK = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_INTERPOLATING = ("linear", "bilinear", "bicubic", "trilinear")
_UPSAMPLE_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")


def _scale_value(v: Any, type_name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        problem = "must be a number"
    elif v <= 0:
        problem = "must be positive"
    else:
        return float(v)
    raise LayerError(
        "invalid-argument", f"{type_name}: 'scale_factor' {problem}. Received: scale_factor={v!r}", attr="scale_factor"
    )


class TorchUpsample(LayerSpec):
    """``nn.Upsample`` and the fixed-mode ``UpsamplingNearest2d`` / ``UpsamplingBilinear2d``.

    With ``scale_factor`` the output is ``floor(n * scale)`` (PyTorch computes it in double
    precision); with ``size`` it is ``size``.
    """

    types = (("torch", "Upsample"), ("torch", "UpsamplingNearest2d"), ("torch", "UpsamplingBilinear2d"))
    signatures = {
        ("torch", "Upsample"): [
            ("size", None), ("scale_factor", None), ("mode", "nearest"), ("align_corners", None),
            ("recompute_scale_factor", None),
        ],
        ("torch", "UpsamplingNearest2d"): [("size", None), ("scale_factor", None)],
        ("torch", "UpsamplingBilinear2d"): [("size", None), ("scale_factor", None)],
    }

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        size = _known(params["size"], "size")
        scale = _known(params["scale_factor"], "scale_factor")
        if type_name == "UpsamplingNearest2d":
            mode, align = "nearest", None
        elif type_name == "UpsamplingBilinear2d":
            mode, align = "bilinear", True
        else:
            mode = choice(params["mode"], _UPSAMPLE_MODES, "mode", type_name)
            align = _known(params["align_corners"], "align_corners")
            if align is not None and mode not in _INTERPOLATING:
                raise LayerError(
                    "invalid-argument",
                    f"{type_name}: align_corners can only be set with the interpolating modes "
                    f"{' | '.join(_INTERPOLATING)}. Received: mode={mode!r}, align_corners={align!r}",
                    attr="align_corners",
                )
        if size is not None and scale is not None:
            raise LayerError(
                "invalid-argument",
                f"{type_name}: only one of size or scale_factor should be defined. "
                f"Received: size={size!r}, scale_factor={scale!r}",
                attr="size",
            )
        if size is None and not scale:
            raise LayerError(
                "invalid-argument",
                f"{type_name}: either size or scale_factor should be defined. Received: size=None, scale_factor={scale!r}",
                attr="size",
            )
        if size is not None:
            sizes = size if isinstance(size, (tuple, list)) else (size,)
            for v in sizes:
                if not _is_dim(v):
                    raise LayerError("invalid-argument", f"{type_name}: 'size' must be integers. Received: size={size!r}", attr="size")
            positive(sizes, "size", type_name)
            size = tuple(sizes) if isinstance(size, (tuple, list)) else size
        else:
            scale = tuple(_scale_value(v, type_name) for v in scale) if isinstance(scale, (tuple, list)) else _scale_value(scale, type_name)
        # recompute_scale_factor=True makes the kernel use in/out instead of 1/scale_factor
        recompute = bool(flag(params.get("recompute_scale_factor"), "recompute_scale_factor"))
        return {
            "type": type_name, "size": size, "scale": scale, "mode": mode, "recompute": recompute,
            "align_corners": bool(flag(align, "align_corners")) if align is not None else False,
        }

    def _per_axis(self, value: Any, k: int, what: str, shape: Shape) -> Tuple[Any, ...]:
        if isinstance(value, tuple):
            if len(value) != k:
                raise LayerError(
                    "rank-mismatch",
                    f"{what}: the input has {k} spatial dimensions but {len(value)} values were given. "
                    f"Received: input shape {fmt_shape(shape)}",
                    expected=len(value) + 2,
                    received=len(shape),
                )
            return value
        return (value,) * k

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        rank, mode, name = len(shape), attrs["mode"], attrs["type"]
        if rank not in (3, 4, 5):
            raise LayerError(
                "rank-mismatch",
                f"{name}: only 3D, 4D and 5D inputs (batch, channels, spatial...) are supported. "
                f"Received: a {rank}D input of shape {fmt_shape(shape)}",
                received=rank,
            )
        if mode in _MODE_RANK and rank != _MODE_RANK[mode]:
            raise LayerError(
                "rank-mismatch",
                f"{name}: {mode} mode needs a {_MODE_RANK[mode]}D input. Received: a {rank}D input of shape {fmt_shape(shape)}",
                expected=_MODE_RANK[mode],
                received=rank,
            )
        k = rank - 2
        if attrs["size"] is not None:
            spatial = self._per_axis(attrs["size"], k, name, shape)
        else:
            scales = self._per_axis(attrs["scale"], k, name, shape)
            spatial = tuple(upsampled_size(n, s) for n, s in zip(shape[2:], scales))
        return tuple(shape[:2]) + tuple(spatial)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        x = xs[0]
        shape = tuple(x.shape)
        k = x.ndim - 2
        out = self.output_shape(attrs, [shape])
        mode = attrs["mode"]
        kind = {"bicubic": "cubic", "bilinear": "linear", "trilinear": "linear"}.get(mode, mode)
        if attrs["size"] is not None or attrs["recompute"]:
            scales: Tuple[Optional[float], ...] = (None,) * k
        else:
            scales = self._per_axis(attrs["scale"], k, attrs["type"], shape)
        from . import _reshape_numpy as R

        return R.resample(x, tuple(range(2, x.ndim)), [int(d) for d in out[2:]], kind, scales, attrs["align_corners"])


class TorchPixelShuffle(LayerSpec):
    """``nn.PixelShuffle(r)``: ``(*, C*r*r, H, W)`` -> ``(*, C, H*r, W*r)`` (sub-pixel
    convolution upsampling); ``nn.PixelUnshuffle(r)`` the reverse, ``(*, C, H, W)`` ->
    ``(*, C*r*r, H/r, W/r)``.  The sizes divided must divide exactly, or PyTorch raises at the
    forward pass."""

    types = (("torch", "PixelShuffle"), ("torch", "PixelUnshuffle"))
    signatures = {("torch", "PixelShuffle"): [("upscale_factor", REQUIRED)], ("torch", "PixelUnshuffle"): [("downscale_factor", REQUIRED)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        attr = "upscale_factor" if type_name == "PixelShuffle" else "downscale_factor"
        r = _known(params[attr], attr)
        if isinstance(r, bool) or not isinstance(r, int) or r < 1:
            raise LayerError("invalid-argument", f"{type_name}: '{attr}' must be a positive integer. Received: {attr}={r!r}", attr=attr)
        return {"type": type_name, "r": r, "up": type_name == "PixelShuffle"}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        r, up = attrs["r"], attrs["up"]
        op = "pixel_shuffle" if up else "pixel_unshuffle"
        if len(shape) < 3:
            raise LayerError(
                "rank-mismatch",
                f"{op} expects input to have at least 3 dimensions, but got input with {len(shape)} dimension(s). "
                f"Received: input shape {fmt_shape(shape)}",
                received=len(shape),
            )
        c, h, w = shape[-3:]
        if up:
            divided = [(c, r * r, "'channel' dimension", "the square of upscale_factor", -3)]
        else:
            divided = [(h, r, "height", "downscale_factor", -2), (w, r, "width", "downscale_factor", -1)]
        out = {}
        for size, by, what, factor, axis in divided:
            if size is None:
                out[axis] = None
                continue
            q = exact_div(size, by)
            if q is None:
                if is_known(size):
                    raise LayerError(
                        "reshape-size",
                        f"{op} expects its input's {what} to be divisible by {factor}, but input.size({axis})={size} "
                        f"is not divisible by {by}. Received: input shape {fmt_shape(shape)}",
                    )
                out[axis] = None  # symbolic and not known to divide: unknown, not a guess
            else:
                out[axis] = q
        if up:
            return tuple(shape[:-3]) + (out[-3], _times(h, r), _times(w, r))
        return tuple(shape[:-3]) + (_times(c, r * r), out[-2], out[-1])

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        x = xs[0]
        r = attrs["r"]
        lead = x.shape[:-3]
        c, h, w = x.shape[-3:]
        if attrs["up"]:
            y = x.reshape(*lead, c // (r * r), r, r, h, w)
            n = len(lead)
            y = y.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
            return y.reshape(*lead, c // (r * r), h * r, w * r)
        y = x.reshape(*lead, c, h // r, r, w // r, r)
        n = len(lead)
        y = y.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)
        return y.reshape(*lead, c * r * r, h // r, w // r)


def _times(size: Any, k: int) -> Any:
    """``size * k`` for a known or symbolic size; unknown stays unknown."""
    return None if size is None else size * k


SPECS: List[LayerSpec] = [
    KerasFlatten(),
    KerasReshape(),
    KerasPermute(),
    KerasPadCrop(crop=False),
    KerasPadCrop(crop=True),
    KerasUpSampling(),
    KerasRepeatVector(),
    TorchFlatten(),
    TorchUnflatten(),
    TorchPixelShuffle(),
    TorchView(),
    TorchPermute(),
    TorchChunk(),
    TorchPad(),
    TorchFunctionalPad(),
    TorchUpsample(),
]
