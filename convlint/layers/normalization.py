"""Normalization: Keras BatchNormalization, LayerNormalization, GroupNormalization,
RMSNormalization, UnitNormalization; torch BatchNormNd, InstanceNormNd, GroupNorm, LayerNorm,
RMSNorm, LocalResponseNorm.

Normalization never changes the shape; what matters statically is the axis it normalises (its
size fixes the weight shapes, hence the parameter counts) and, for torch, the sizes its own
arguments fix about the input (``num_features``, ``num_channels``, ``normalized_shape``), which
are declared as requirements for the engine to check.  Weight names, order and roles follow
each framework's storage exactly: Keras ``gamma, beta, moving_mean, moving_variance`` (the
moving statistics non-trainable but counted), torch ``weight, bias`` parameters and
``running_mean, running_var, num_batches_tracked`` buffers.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..dims import Dim, Expr, is_known
from ..graph import Shape, Unknown, fmt_shape
from .base import (
    KW_ONLY,
    REQUIRED,
    LayerError,
    LayerSpec,
    Requirement,
    UnknownAttr,
    Weight,
    ensure_rank,
    flag,
    positive,
)

__all__ = ["SPECS"]

ODim = Optional[Dim]


# -- argument helpers ---------------------------------------------------------------------
def _count(value: Any, attr: str, type_name: str) -> Dim:
    """A positive integer size argument (``num_features``, ``groups``...)."""
    if isinstance(value, Unknown):
        raise UnknownAttr(attr, value.reason)
    if isinstance(value, bool) or not isinstance(value, (int, Expr)):
        raise LayerError("invalid-argument", f"{type_name}: '{attr}' must be a positive integer. Received: {attr}={value!r}", attr=attr)
    positive([value], attr, type_name)
    return value


def _number(value: Any, default: float) -> float:
    """A float hyper-parameter used only by the forward; an unresolved one keeps the default."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return float(value)


def _axis_int(value: Any, attr: str, type_name: str) -> int:
    if isinstance(value, Unknown):
        raise UnknownAttr(attr, value.reason)
    if isinstance(value, bool) or not isinstance(value, int):
        raise LayerError("invalid-argument", f"{type_name}: '{attr}' must be an integer. Received: {attr}={value!r}", attr=attr)
    return value


def _check_axes(axes: Sequence[int], shape: Shape, type_name: str) -> None:
    """Every axis must exist in the input (batch axis included, as Keras counts them)."""
    rank = len(shape)
    for axis in axes:
        if not -rank <= axis < rank:
            raise LayerError(
                "rank-mismatch",
                f"{type_name}: axis {axis} is out of bounds for a {rank}D input. "
                f"Received: axis={list(axes) if len(axes) > 1 else axes[0]}, input shape {fmt_shape(shape)}",
                expected=axis + 1 if axis >= 0 else -axis,
                received=rank,
            )


def _rank_in(shape: Shape, ranks: Sequence[int], type_name: str, what: str) -> None:
    if len(shape) not in ranks:
        if len(ranks) == 1:
            ensure_rank(shape, ranks[0], type_name, what)
        expected = " or ".join(f"{r}D" for r in ranks)
        raise LayerError(
            "rank-mismatch",
            f"{type_name} expects a {expected} input ({what}). Received: a {len(shape)}D input of shape {fmt_shape(shape)}",
            expected=ranks[-1],
            received=len(shape),
        )


def _broadcast(v: Any, ndim: int, axes: Sequence[int]) -> Any:
    """A per-axis weight reshaped to broadcast against an ``ndim`` input along ``axes``."""
    shape = [1] * ndim
    for a, size in zip(axes, v.shape):
        shape[a] = size
    return v.reshape(shape)


def _standardize(x: Any, axes: Tuple[int, ...], eps: float) -> Any:
    import numpy as np

    x = x.astype(np.float64)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


# -- Keras ------------------------------------------------------------------------------
_KERAS_BN_SIGNATURE: List[Tuple[str, Any]] = [
    ("axis", -1), ("momentum", 0.99), ("epsilon", 0.001), ("center", True), ("scale", True),
    ("beta_initializer", "zeros"), ("gamma_initializer", "ones"), ("moving_mean_initializer", "zeros"),
    ("moving_variance_initializer", "ones"), ("beta_regularizer", None), ("gamma_regularizer", None),
    ("beta_constraint", None), ("gamma_constraint", None), ("renorm", False), ("renorm_clipping", None),
    ("renorm_momentum", 0.99), ("synchronized", False),
]


class KerasBatchNorm(LayerSpec):
    """``keras.layers.BatchNormalization``: inference uses the moving statistics."""

    types = (("keras", "BatchNormalization"),)
    signatures = {("keras", "BatchNormalization"): _KERAS_BN_SIGNATURE}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {
            "type": type_name,
            "axis": _axis_int(params["axis"], "axis", type_name),
            "epsilon": _number(params["epsilon"], 0.001),
            "center": flag(params["center"], "center"),
            "scale": flag(params["scale"], "scale"),
            "renorm": flag(params["renorm"], "renorm"),
        }

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        _check_axes([attrs["axis"]], inputs[0], attrs["type"])
        return tuple(inputs[0])

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        size: ODim = inputs[0][attrs["axis"]] if inputs else None
        shape = (size,)
        out = []
        if attrs["scale"]:
            out.append(Weight("gamma", shape))  # type: ignore[arg-type]
        if attrs["center"]:
            out.append(Weight("beta", shape, role="bias"))  # type: ignore[arg-type]
        out.append(Weight("moving_mean", shape, trainable=False))  # type: ignore[arg-type]
        out.append(Weight("moving_variance", shape, trainable=False))  # type: ignore[arg-type]
        if attrs["renorm"]:  # training-time state; inference still reads the moving statistics
            for name in ("moving_stddev", "renorm_mean", "renorm_stddev"):
                out.append(Weight(name, shape, trainable=False))  # type: ignore[arg-type]
        return out

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0].astype(np.float64)
        axes = [attrs["axis"] % x.ndim]
        b = lambda name: _broadcast(np.asarray(weights[name], dtype=np.float64), x.ndim, axes)  # noqa: E731
        y = (x - b("moving_mean")) / np.sqrt(b("moving_variance") + attrs["epsilon"])
        if attrs["scale"]:
            y = y * b("gamma")
        if attrs["center"]:
            y = y + b("beta")
        return y.astype(np.float32)


class KerasLayerNorm(LayerSpec):
    """``keras.layers.LayerNormalization``: ``axis`` an int or a list; weights span those axes.

    Keras sorts the axes and shapes ``gamma``/``beta`` as the input sizes along them in that
    order; the forward broadcasts them the same way.  ``rms_scaling=True`` (deprecated) keeps
    only ``gamma``.
    """

    types = (("keras", "LayerNormalization"),)
    signatures = {
        ("keras", "LayerNormalization"): [
            ("axis", -1), ("epsilon", 0.001), ("center", True), ("scale", True), ("beta_initializer", "zeros"),
            ("gamma_initializer", "ones"), ("beta_regularizer", None), ("gamma_regularizer", None),
            ("beta_constraint", None), ("gamma_constraint", None),
        ]
    }

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        axis = params["axis"]
        if isinstance(axis, Unknown):
            raise UnknownAttr("axis", axis.reason)
        items = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        axes = sorted(_axis_int(a, "axis", type_name) for a in items)
        if not axes:
            raise LayerError("invalid-argument", f"{type_name}: 'axis' must not be empty. Received: axis={axis!r}", attr="axis")
        return {
            "type": type_name,
            "axes": tuple(axes),
            "epsilon": _number(params["epsilon"], 0.001),
            "center": flag(params["center"], "center"),
            "scale": flag(params["scale"], "scale"),
            "rms_scaling": flag(params.get("rms_scaling", False), "rms_scaling"),
        }

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        _check_axes(attrs["axes"], inputs[0], attrs["type"])
        return tuple(inputs[0])

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        shape = tuple(inputs[0][a] for a in attrs["axes"]) if inputs else (None,)
        out = []
        if attrs["scale"] or attrs["rms_scaling"]:
            out.append(Weight("gamma", shape))  # type: ignore[arg-type]
        if attrs["center"] and not attrs["rms_scaling"]:
            out.append(Weight("beta", shape, role="bias"))  # type: ignore[arg-type]
        return out

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0].astype(np.float64)
        axes = tuple(sorted(a % x.ndim for a in attrs["axes"]))
        # Keras reshapes (not transposes) the weights onto the sorted axes
        order = [a % x.ndim for a in attrs["axes"]]
        bshape = [1] * x.ndim
        for a in order:
            bshape[a] = x.shape[a]
        b = lambda name: np.asarray(weights[name], dtype=np.float64).reshape(bshape)  # noqa: E731
        if attrs["rms_scaling"]:
            y = x / np.sqrt(x.var(axis=axes, keepdims=True) + attrs["epsilon"])
            if "gamma" in weights:
                y = y * b("gamma")
            return y.astype(np.float32)
        y = _standardize(x, axes, attrs["epsilon"])
        if attrs["scale"]:
            y = y * b("gamma")
        if attrs["center"]:
            y = y + b("beta")
        return y.astype(np.float32)


class KerasGroupNorm(LayerSpec):
    """``keras.layers.GroupNormalization``: channels along ``axis`` split into ``groups``."""

    types = (("keras", "GroupNormalization"),)
    signatures = {
        ("keras", "GroupNormalization"): [
            ("groups", 32), ("axis", -1), ("epsilon", 0.001), ("center", True), ("scale", True),
            ("beta_initializer", "zeros"), ("gamma_initializer", "ones"), ("beta_regularizer", None),
            ("gamma_regularizer", None), ("beta_constraint", None), ("gamma_constraint", None),
        ]
    }

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {
            "type": type_name,
            # groups=-1 means one group per channel
            "groups": -1 if params["groups"] == -1 else _count(params["groups"], "groups", type_name),
            "axis": _axis_int(params["axis"], "axis", type_name),
            "epsilon": _number(params["epsilon"], 0.001),
            "center": flag(params["center"], "center"),
            "scale": flag(params["scale"], "scale"),
        }

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        name = attrs["type"]
        _check_axes([attrs["axis"]], shape, name)
        c, g = shape[attrs["axis"]], attrs["groups"]
        g = c if g == -1 else g
        if is_known(c) and is_known(g):
            if g > c:
                raise LayerError(
                    "groups",
                    f"{name}: the number of groups ({g}) cannot be more than the number of channels ({c}). "
                    f"Received: groups={g}, input shape {fmt_shape(shape)}",
                    attr="groups", expected=c,
                )
            if c % g:
                raise LayerError(
                    "groups",
                    f"{name}: the number of channels ({c}) must be a multiple of the number of groups ({g}). "
                    f"Received: groups={g}, input shape {fmt_shape(shape)}",
                    attr="groups",
                )
        return tuple(shape)

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        shape = (inputs[0][attrs["axis"]] if inputs else None,)
        out = []
        if attrs["scale"]:
            out.append(Weight("gamma", shape))  # type: ignore[arg-type]
        if attrs["center"]:
            out.append(Weight("beta", shape, role="bias"))  # type: ignore[arg-type]
        return out

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = np.moveaxis(xs[0].astype(np.float64), attrs["axis"] % xs[0].ndim, -1)  # channels last
        g = x.shape[-1] if attrs["groups"] == -1 else int(attrs["groups"])
        grouped = x.reshape(x.shape[:-1] + (g, x.shape[-1] // g))
        axes = tuple(range(1, grouped.ndim - 2)) + (grouped.ndim - 1,)
        y = _standardize(grouped, axes, attrs["epsilon"]).reshape(x.shape)
        if attrs["scale"]:
            y = y * np.asarray(weights["gamma"], dtype=np.float64)
        if attrs["center"]:
            y = y + np.asarray(weights["beta"], dtype=np.float64)
        return np.moveaxis(y, -1, attrs["axis"] % xs[0].ndim).astype(np.float32)


class KerasRMSNorm(LayerSpec):
    """``keras.layers.RMSNormalization``: one ``scale`` vector over the last axis of ``axis``."""

    types = (("keras", "RMSNormalization"),)
    signatures = {("keras", "RMSNormalization"): [("axis", -1), ("epsilon", 1e-6)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        axis = params["axis"]
        if isinstance(axis, Unknown):
            raise UnknownAttr("axis", axis.reason)
        items = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        axes = tuple(sorted(_axis_int(a, "axis", type_name) for a in items))
        return {"type": type_name, "axes": axes, "epsilon": _number(params["epsilon"], 1e-6)}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        _check_axes(attrs["axes"], inputs[0], attrs["type"])
        return tuple(inputs[0])

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        shape = tuple(inputs[0][a] for a in attrs["axes"]) if inputs else (None,)
        return [Weight("scale", shape)]  # type: ignore[arg-type]

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0].astype(np.float64)
        axes = tuple(a % x.ndim for a in attrs["axes"])
        y = x / np.sqrt((x * x).mean(axis=axes, keepdims=True) + attrs["epsilon"])
        bshape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]
        return (y * np.asarray(weights["scale"], dtype=np.float64).reshape(bshape)).astype(np.float32)


class KerasUnitNorm(LayerSpec):
    """``keras.layers.UnitNormalization``: L2-normalises along ``axis``; no weights."""

    types = (("keras", "UnitNormalization"),)
    signatures = {("keras", "UnitNormalization"): [("axis", -1)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        axis = params["axis"]
        if isinstance(axis, Unknown):
            raise UnknownAttr("axis", axis.reason)
        items = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        return {"type": type_name, "axes": tuple(_axis_int(a, "axis", type_name) for a in items)}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        _check_axes(attrs["axes"], inputs[0], attrs["type"])
        return tuple(inputs[0])

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0].astype(np.float64)
        axes = tuple(a % x.ndim for a in attrs["axes"])
        sq = np.maximum((x * x).sum(axis=axes, keepdims=True), 1e-12)
        return (x / np.sqrt(sq)).astype(np.float32)


class KerasNormalization(LayerSpec):
    """``keras.layers.Normalization`` (the preprocessing layer): ``(x - mean) / sqrt(var)``
    along ``axis``.  Without ``mean``/``variance`` arguments it holds the statistics ``adapt()``
    computes as non-trainable weights, which ``count_params`` counts: ``mean`` and ``variance``
    shaped as the input along the kept axes, plus a scalar ``count``."""

    types = (("keras", "Normalization"),)
    signatures = {("keras", "Normalization"): [("axis", -1), ("mean", None), ("variance", None), ("invert", False)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        axis = params["axis"]
        if isinstance(axis, Unknown):
            raise UnknownAttr("axis", axis.reason)
        items = [] if axis is None else list(axis) if isinstance(axis, (list, tuple)) else [axis]
        given = params["mean"] is not None or params["variance"] is not None
        return {"type": type_name, "axes": tuple(_axis_int(a, "axis", type_name) for a in items), "adapted": not given,
                "invert": flag(params["invert"], "invert"), "mean": params["mean"], "variance": params["variance"]}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        _check_axes(attrs["axes"], inputs[0], attrs["type"])
        return tuple(inputs[0])

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        if not attrs["adapted"]:
            return []
        shape = tuple(inputs[0][a] for a in attrs["axes"]) if inputs else (None,)
        return [
            Weight("mean", shape, trainable=False),  # type: ignore[arg-type]
            Weight("variance", shape, trainable=False),  # type: ignore[arg-type]
            Weight("count", (), trainable=False),
        ]

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0].astype(np.float64)
        bshape = [1] * x.ndim
        for a in attrs["axes"]:
            bshape[a % x.ndim] = x.shape[a % x.ndim]
        source = weights if attrs["adapted"] else {"mean": attrs["mean"], "variance": attrs["variance"]}

        def stat(name: str) -> Any:
            value = np.asarray(source[name], dtype=np.float64)
            return value.reshape(bshape) if value.size == int(np.prod(bshape)) else np.broadcast_to(value, bshape)

        mean = stat("mean")
        std = np.sqrt(np.maximum(stat("variance"), 1e-7))
        y = x * std + mean if attrs["invert"] else (x - mean) / std
        return y.astype(np.float32)


# -- PyTorch ----------------------------------------------------------------------------
def _torch_affine_weights(shape: Tuple[Dim, ...], affine: bool, bias: bool) -> List[Weight]:
    out: List[Weight] = []
    if affine:
        out.append(Weight("weight", shape))
        if bias:
            out.append(Weight("bias", shape, role="bias"))
    return out


def _torch_running_buffers(c: Dim) -> List[Weight]:
    return [
        Weight("running_mean", (c,), role="buffer", trainable=False),
        Weight("running_var", (c,), role="buffer", trainable=False),
        Weight("num_batches_tracked", (), role="buffer", trainable=False),
    ]


class TorchNormNd(LayerSpec):
    """``torch.nn.BatchNormNd`` and ``InstanceNormNd``: per-channel affine, optional running stats.

    BatchNorm normalises over the batch (inference: the running statistics when tracked),
    InstanceNorm over each sample's spatial axes (the running statistics only when tracked).
    InstanceNorm accepts an unbatched ``(C, *spatial)`` input, so its channel axis is counted
    from the end; it checks ``num_features`` only when it has per-channel state.  The ``Lazy*``
    variants take ``num_features`` from axis 1 of their first input, as torch does (even for an
    unbatched InstanceNorm input, where that is the wrong axis); ``SyncBatchNorm`` takes any
    rank from 2 up.
    """

    def __init__(self, kind: str, lazy: bool = False, sync: bool = False) -> None:
        self.kind = kind
        self.lazy = lazy
        if sync:
            self.rank_of: Dict[str, Optional[int]] = {"SyncBatchNorm": None}
        else:
            base = ("Lazy" if lazy else "") + ("BatchNorm" if kind == "batch" else "InstanceNorm")
            self.rank_of = {f"{base}{n}d": n for n in (1, 2, 3)}
        self.types = tuple(("torch", name) for name in self.rank_of)
        defaults = (True, True) if kind == "batch" or lazy else (False, False)
        sig: List[Tuple[str, Any]] = [] if lazy else [("num_features", REQUIRED)]
        sig += [("eps", 1e-5), ("momentum", 0.1), ("affine", defaults[0]), ("track_running_stats", defaults[1])]
        sig += [("process_group", None)] if sync else []
        sig += [("device", None), ("dtype", None), (KW_ONLY, None), ("bias", True)]
        self.signatures = {("torch", name): sig for name in self.rank_of}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {
            "type": type_name,
            "n": self.rank_of[type_name],
            "num_features": None if self.lazy else _count(params["num_features"], "num_features", type_name),
            "eps": _number(params["eps"], 1e-5),
            "affine": flag(params["affine"], "affine"),
            "bias": flag(params["bias"], "bias"),
            "track_running_stats": flag(params["track_running_stats"], "track_running_stats"),
        }

    def _features(self, attrs: Dict[str, Any], inputs: List[Shape]) -> ODim:
        if not self.lazy:
            return attrs["num_features"]
        return inputs[0][1] if inputs and len(inputs[0]) > 1 else None

    def _ranks(self, n: Optional[int], rank: int) -> Tuple[int, ...]:
        if n is None:  # SyncBatchNorm
            return (max(rank, 2),)
        if self.kind == "batch":
            return (2, 3) if n == 1 else (n + 2,)
        return (n + 1, n + 2)

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        n = attrs["n"]
        what = "batch, channels, spatial..." if self.kind == "batch" else "[batch,] channels, spatial..."
        _rank_in(inputs[0], self._ranks(n, len(inputs[0])), attrs["type"], what)
        return tuple(inputs[0])

    def requires(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Requirement]:
        c = self._features(attrs, inputs)
        if c is None or (self.kind == "batch" and self.lazy):
            return []
        if self.kind == "batch":
            return [Requirement(1, c, "num_features")]
        if attrs["affine"] or attrs["track_running_stats"]:
            return [Requirement(-(attrs["n"] + 1), c, "num_features")]
        return []

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        c = self._features(attrs, inputs)
        out = _torch_affine_weights((c,), attrs["affine"], attrs["bias"])  # type: ignore[arg-type]
        if attrs["track_running_stats"]:
            out += _torch_running_buffers(c)  # type: ignore[arg-type]
        return out

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0].astype(np.float64)
        unbatched = self.kind == "instance" and x.ndim == attrs["n"] + 1
        if unbatched:
            x = x[None]
        eps = attrs["eps"]
        if attrs["track_running_stats"]:
            mean = _broadcast(np.asarray(weights["running_mean"], dtype=np.float64), x.ndim, [1])
            var = _broadcast(np.asarray(weights["running_var"], dtype=np.float64), x.ndim, [1])
            y = (x - mean) / np.sqrt(var + eps)
        else:
            stats_axes = tuple(a for a in range(x.ndim) if a != 1) if self.kind == "batch" else tuple(range(2, x.ndim))
            y = _standardize(x, stats_axes, eps)
        if attrs["affine"]:
            y = y * _broadcast(np.asarray(weights["weight"], dtype=np.float64), x.ndim, [1])
            if attrs["bias"]:
                y = y + _broadcast(np.asarray(weights["bias"], dtype=np.float64), x.ndim, [1])
        return (y[0] if unbatched else y).astype(np.float32)


class TorchGroupNorm(LayerSpec):
    """``torch.nn.GroupNorm(num_groups, num_channels)``: axis 1 split into groups."""

    types = (("torch", "GroupNorm"),)
    signatures = {
        ("torch", "GroupNorm"): [
            ("num_groups", REQUIRED), ("num_channels", REQUIRED), ("eps", 1e-5), ("affine", True),
            ("device", None), ("dtype", None), (KW_ONLY, None), ("bias", True),
        ]
    }

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        g = _count(params["num_groups"], "num_groups", type_name)
        c = _count(params["num_channels"], "num_channels", type_name)
        if is_known(g) and is_known(c) and c % g:
            raise LayerError(
                "groups",
                f"{type_name}: num_channels must be divisible by num_groups. Received: num_groups={g}, num_channels={c}",
                attr="num_groups",
            )
        return {
            "type": type_name,
            "num_groups": g,
            "num_channels": c,
            "eps": _number(params["eps"], 1e-5),
            "affine": flag(params["affine"], "affine"),
            "bias": flag(params["bias"], "bias"),
        }

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        if len(shape) < 2:
            raise LayerError(
                "rank-mismatch",
                f"{attrs['type']} expects at least a 2D (batch, channels, ...) input. "
                f"Received: a {len(shape)}D input of shape {fmt_shape(shape)}",
                expected=2,
                received=len(shape),
            )
        return tuple(shape)

    def requires(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Requirement]:
        return [Requirement(1, attrs["num_channels"], "num_channels")]

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        return _torch_affine_weights((attrs["num_channels"],), attrs["affine"], attrs["bias"])

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0].astype(np.float64)
        g = int(attrs["num_groups"])
        grouped = x.reshape((x.shape[0], g, -1))
        y = _standardize(grouped, (2,), attrs["eps"]).reshape(x.shape)
        if attrs["affine"]:
            y = y * _broadcast(np.asarray(weights["weight"], dtype=np.float64), x.ndim, [1])
            if attrs["bias"]:
                y = y + _broadcast(np.asarray(weights["bias"], dtype=np.float64), x.ndim, [1])
        return y.astype(np.float32)


def _normalized_shape(value: Any, type_name: str) -> Tuple[Dim, ...]:
    if isinstance(value, Unknown):
        raise UnknownAttr("normalized_shape", value.reason)
    items = tuple(value) if isinstance(value, (list, tuple)) else (value,)
    return tuple(_count(v, "normalized_shape", type_name) for v in items)


class TorchLayerNorm(LayerSpec):
    """``torch.nn.LayerNorm`` and ``RMSNorm``: the trailing axes must equal ``normalized_shape``."""

    def __init__(self, rms: bool) -> None:
        self.rms = rms
        name = "RMSNorm" if rms else "LayerNorm"
        self.types = (("torch", name),)
        if rms:
            sig = [("normalized_shape", REQUIRED), ("eps", None), ("elementwise_affine", True), ("device", None), ("dtype", None)]
        else:
            sig = [
                ("normalized_shape", REQUIRED), ("eps", 1e-5), ("elementwise_affine", True), ("bias", True),
                ("device", None), ("dtype", None),
            ]
        self.signatures = {("torch", name): sig}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {
            "type": type_name,
            "normalized_shape": _normalized_shape(params["normalized_shape"], type_name),
            "eps": _number(params["eps"], 1e-5) if params["eps"] is not None else None,
            "elementwise_affine": flag(params["elementwise_affine"], "elementwise_affine"),
            "bias": False if self.rms else flag(params["bias"], "bias"),
        }

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        ns = attrs["normalized_shape"]
        if len(shape) < len(ns):
            raise LayerError(
                "rank-mismatch",
                f"{attrs['type']}: normalized_shape={list(ns)} needs an input of shape [*, {', '.join(str(d) for d in ns)}]. "
                f"Received: a {len(shape)}D input of shape {fmt_shape(shape)}",
                expected=len(ns),
                received=len(shape),
            )
        return tuple(shape)

    def requires(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Requirement]:
        ns = attrs["normalized_shape"]
        return [Requirement(i - len(ns), d, "normalized_shape") for i, d in enumerate(ns)]

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        return _torch_affine_weights(tuple(attrs["normalized_shape"]), attrs["elementwise_affine"], attrs["bias"])

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0].astype(np.float64)
        axes = tuple(range(x.ndim - len(attrs["normalized_shape"]), x.ndim))
        if self.rms:
            eps = attrs["eps"] if attrs["eps"] is not None else float(np.finfo(np.float32).eps)
            y = x / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
        else:
            y = _standardize(x, axes, attrs["eps"])
        if attrs["elementwise_affine"]:
            y = y * np.asarray(weights["weight"], dtype=np.float64)
            if attrs["bias"]:
                y = y + np.asarray(weights["bias"], dtype=np.float64)
        return y.astype(np.float32)


class TorchLocalResponseNorm(LayerSpec):
    """``torch.nn.LocalResponseNorm(size)``: across-channel normalisation, no weights."""

    types = (("torch", "LocalResponseNorm"),)
    signatures = {("torch", "LocalResponseNorm"): [("size", REQUIRED), ("alpha", 1e-4), ("beta", 0.75), ("k", 1.0)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {
            "type": type_name,
            "size": _count(params["size"], "size", type_name),
            "alpha": _number(params["alpha"], 1e-4),
            "beta": _number(params["beta"], 0.75),
            "k": _number(params["k"], 1.0),
        }

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        if len(shape) < 3:
            raise LayerError(
                "rank-mismatch",
                f"{attrs['type']} expects a 3D or higher (batch, channels, ...) input. "
                f"Received: a {len(shape)}D input of shape {fmt_shape(shape)}",
                expected=3,
                received=len(shape),
            )
        return tuple(shape)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np
        from numpy.lib.stride_tricks import sliding_window_view

        x = xs[0].astype(np.float64)
        size = int(attrs["size"])
        sq = np.moveaxis(x * x, 1, -1)
        padded = np.pad(sq, [(0, 0)] * (sq.ndim - 1) + [(size // 2, (size - 1) // 2)])
        mean = sliding_window_view(padded, size, axis=-1).sum(axis=-1) / size
        div = (attrs["k"] + attrs["alpha"] * np.moveaxis(mean, -1, 1)) ** attrs["beta"]
        return (x / div).astype(np.float32)


SPECS: List[LayerSpec] = [
    KerasBatchNorm(),
    KerasLayerNorm(),
    KerasGroupNorm(),
    KerasRMSNorm(),
    KerasUnitNorm(),
    KerasNormalization(),
    TorchNormNd("batch"),
    TorchNormNd("instance"),
    TorchNormNd("batch", lazy=True),
    TorchNormNd("instance", lazy=True),
    TorchNormNd("batch", sync=True),
    TorchGroupNorm(),
    TorchLayerNorm(rms=False),
    TorchLayerNorm(rms=True),
    TorchLocalResponseNorm(),
]
