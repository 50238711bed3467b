"""Tensor reductions and axis insert/remove for PyTorch code: ``x.mean([2, 3])``, ``x.sum(1)``,
``x.amax(dim=-1, keepdim=True)``, ``x.squeeze(1)``, ``x.unsqueeze(0)``.

They are the modern spelling of global pooling (``x.mean((2, 3))`` after the last conv) and of
adding a channel axis, so a linter that stops at them loses the classifier head.  A batch axis
of unknown size (``None``) is never reduced or squeezed here: an op that would need its size
makes the shape unknown instead of guessing.  An exact tensor (``torch.rand(4, 12, 12)``) has
no such axis, and every op applies to it as PyTorch applies it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

from ..dims import is_known
from ..graph import Shape, Unknown, fmt_shape
from .base import LayerError, LayerSpec, UnknownAttr, flag

__all__ = ["SPECS"]

_REDUCTIONS = ("mean", "sum", "amax", "amin", "std", "var", "prod", "logsumexp", "nansum", "nanmean")


def _axes(value: Any, rank: int, what: str, shape: Shape) -> Tuple[int, ...]:
    """Normalise ``dim`` (int or sequence, negative allowed) against ``rank``."""
    if isinstance(value, Unknown):
        raise UnknownAttr("dim", value.reason)
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    out = []
    for d in items:
        if isinstance(d, Unknown):
            raise UnknownAttr("dim", d.reason)
        if not is_known(d):
            raise LayerError("invalid-argument", f"{what}: dim must be an integer. Received: dim={value!r}", attr="dim")
        if not -rank <= d < rank:
            raise LayerError(
                "rank-mismatch",
                f"{what}: dim {d} is out of range for a {rank}D tensor. Received: input shape {fmt_shape(shape)}",
                attr="dim",
            )
        out.append(d % rank)
    if len(set(out)) != len(out):
        raise LayerError("invalid-argument", f"{what}: dim {value!r} repeats an axis", attr="dim")
    return tuple(sorted(out))


def _reduced(dim: Any, shape: Shape, what: str) -> Tuple[int, ...]:
    """The axes a reduction reduces (``dim=None``: all of them, to a 0D result); the size of
    an unknown batch axis is only ever needed when it is kept, so reducing it is fine, but
    ``dim=0`` on it is unknown (``keepdim`` or not, its rank and sizes depend on the op)."""
    if dim is None:
        return tuple(range(len(shape)))
    if not shape:  # a 0D tensor takes dim 0 or -1, as PyTorch wraps it, and stays 0D
        _axes(dim, 1, what, shape)
        return ()
    axes = _axes(dim, len(shape), what, shape)
    if 0 in axes and shape[0] is None:
        raise UnknownAttr("dim", f"{what} reduces the batch axis, whose size is not known statically")
    return axes


class TorchReduce(LayerSpec):
    """``x.mean(dim, keepdim)`` and the other reductions over given axes."""

    types = tuple(("torch", name) for name in _REDUCTIONS)
    signatures = {("torch", name): [("dim", None), ("keepdim", False)] for name in _REDUCTIONS}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        dim = params.get("dim")
        if dim is None:
            dim = params.get("axis")
        return {"type": type_name, "dim": dim, "keepdim": flag(params.get("keepdim", False), "keepdim")}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        what = f"{attrs['type']}(dim={attrs['dim']!r})"
        axes = _reduced(attrs["dim"], shape, what)
        if attrs["keepdim"]:
            return tuple(1 if i in axes else d for i, d in enumerate(shape))
        return tuple(d for i, d in enumerate(shape) if i not in axes)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0]
        axes = _reduced(attrs["dim"], x.shape, attrs["type"])
        fn = {
            "mean": np.mean, "sum": np.sum, "amax": np.max, "amin": np.min, "prod": np.prod,
            "nansum": np.nansum, "nanmean": np.nanmean,
        }.get(attrs["type"])
        keep = attrs["keepdim"]
        if attrs["type"] in ("std", "var"):  # torch's default is the unbiased estimate
            y = (np.std if attrs["type"] == "std" else np.var)(x, axis=axes, keepdims=keep, ddof=1)
        elif attrs["type"] == "logsumexp":
            m = np.max(x, axis=axes, keepdims=True)
            y = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
            y = y if keep else np.squeeze(y, axis=axes)
        else:
            assert fn is not None
            y = fn(x, axis=axes, keepdims=keep)
        return np.asarray(y, dtype=np.float32)


class TorchSqueeze(LayerSpec):
    """``x.squeeze(dim)``: drops the given size-1 axes (a no-op where the size is not 1)."""

    types = (("torch", "squeeze"),)
    signatures = {("torch", "squeeze"): [("dim", None)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {"type": type_name, "dim": params.get("dim")}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        what = "squeeze" + ("()" if attrs["dim"] is None else f"({attrs['dim']!r})")
        if attrs["dim"] is None:  # a batch of unknown size is taken to be more than one sample
            axes: Sequence[int] = range(1 if shape and shape[0] is None else 0, len(shape))
        else:
            axes = _axes(attrs["dim"], len(shape), what, shape)
            if 0 in axes and shape[0] is None:
                raise UnknownAttr("dim", f"{what} may remove the batch axis, whose size is not known statically")
        drop = []
        for i in axes:
            d = shape[i]
            if d is None or not is_known(d):
                raise UnknownAttr("dim", f"{what}: whether axis {i} (size {d}) has size 1 is not known statically")
            if d == 1:
                drop.append(i)
        return tuple(d for i, d in enumerate(shape) if i not in drop)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        x = xs[0]
        axes = range(x.ndim) if attrs["dim"] is None else _axes(attrs["dim"], x.ndim, "squeeze", x.shape)
        keep = tuple(s for i, s in enumerate(x.shape) if not (i in axes and s == 1))
        return x.reshape(keep)


class TorchUnsqueeze(LayerSpec):
    """``x.unsqueeze(dim)``: inserts a size-1 axis at ``dim`` (of the output's rank)."""

    types = (("torch", "unsqueeze"),)
    signatures = {("torch", "unsqueeze"): [("dim", None)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        dim = params.get("dim")
        if isinstance(dim, Unknown):
            raise UnknownAttr("dim", dim.reason)
        if not is_known(dim):
            raise LayerError("invalid-argument", f"unsqueeze: dim must be an integer. Received: dim={dim!r}", attr="dim")
        return {"type": type_name, "dim": dim}

    def _position(self, attrs: Dict[str, Any], shape: Shape) -> int:
        rank = len(shape) + 1
        (axis,) = _axes(attrs["dim"], rank, f"unsqueeze({attrs['dim']})", shape)
        return axis

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        axis = self._position(attrs, shape)
        return shape[:axis] + (1,) + shape[axis:]  # a batch axis of unknown size moves with it

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0]
        return np.expand_dims(x, self._position(attrs, x.shape))


SPECS: List[LayerSpec] = [TorchReduce(), TorchSqueeze(), TorchUnsqueeze()]
