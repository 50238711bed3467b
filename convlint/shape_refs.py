"""Sizes read off another tensor's shape: ``filters = x.shape[-1]``, ``Reshape((1, 1, c))``.

A front end cannot know shapes (computing them is the engine's job, and the pipeline flows one
way), so it writes such a size as an ordinary symbolic :data:`~convlint.dims.Dim` and records
what the symbol stands for.  Arithmetic (``x.shape[-1] // 4``) then needs nothing new, and the
engine substitutes the real dim when it reaches the node that uses it.

Two stages, one module:

* the front end names a symbol after its own tensor key (:func:`tensor_dim`), and when it
  lowers a model renames it after the graph node it became (:func:`rebind`);
* the engine replaces each symbol by that node's output dim (:func:`substitute`), or by an
  honest :class:`~convlint.graph.Unknown` when the dim is not known statically.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, Optional, Tuple

from .dims import Expr, free_symbols, subs, sym
from .graph import DimRef, Shape, Unknown

__all__ = ["tensor_dim", "tensor_refs", "reads_tensor", "rebind", "substitute", "dim_at", "Unreached"]

class Unreached(Unknown):
    """A size read from a shape that is itself unknown: a consequence of an earlier unknown
    (already reported where it arose), so the node is simply not reached, not a new finding."""


_FRONT = re.compile(r"^@(?P<key>[^\[\]]+)\[(?P<axis>-?\d+)\]$")


def tensor_dim(key: str, axis: int) -> Expr:
    """The symbol a front end writes for axis ``axis`` of its tensor ``key``."""
    return sym(f"@{key}[{axis}]")


def tensor_refs(value: Expr) -> Dict[str, Tuple[str, int]]:
    """The front-end tensor-dim symbols in ``value``: name -> (tensor key, axis)."""
    out = {}
    for name in free_symbols(value):
        m = _FRONT.match(name)
        if m:
            out[name] = (m.group("key"), int(m.group("axis")))
    return out


def reads_tensor(value: Any) -> bool:
    """True if ``value`` is a size a front end read off a tensor's shape (not a free symbol)."""
    return isinstance(value, Expr) and bool(tensor_refs(value))


def _map(value: Any, fn: Callable[[Expr], Any]) -> Any:
    if isinstance(value, Expr):
        return fn(value)
    if isinstance(value, (tuple, list)):
        items = [_map(v, fn) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        return {k: _map(v, fn) for k, v in value.items()}
    return value


def rebind(value: Any, node_of: Callable[[str], Optional[str]], refs: Dict[str, DimRef]) -> Any:
    """``value`` with each front-end tensor-dim symbol renamed after the graph node that tensor
    became (``node_of(key)``), recording the meaning in ``refs``.  A tensor that is not part of
    the model being lowered makes the value ``Unknown``."""

    def one(expr: Expr) -> Any:
        found = tensor_refs(expr)
        if not found:
            return expr
        bindings = {}
        for name, (key, axis) in found.items():
            node = node_of(key)
            if node is None:
                return Unknown("it is read from the shape of a tensor that is not part of this model")
            graph_name = f"{node}.shape[{axis}]"
            refs[graph_name] = DimRef(node, axis)
            bindings[name] = sym(graph_name)
        return subs(expr, bindings)

    return _map(value, one)


def dim_at(shape: Shape, axis: int) -> Optional[Any]:
    """Axis ``axis`` (negative counts from the end) of ``shape``; ``None`` if out of range or
    unknown."""
    index = axis + len(shape) if axis < 0 else axis
    return shape[index] if 0 <= index < len(shape) else None


def substitute(value: Any, refs: Dict[str, DimRef], shape_of: Callable[[str], Optional[Shape]]) -> Any:
    """``value`` with every symbol of ``refs`` replaced by the dim it stands for, read from
    ``shape_of(node)``; ``Unknown`` (saying which shape) when that dim is not known."""
    if not refs:
        return value

    def one(expr: Expr) -> Any:
        bindings = {}
        for name in free_symbols(expr):
            ref = refs.get(name)
            if ref is None:
                continue
            shape = shape_of(ref.node)
            if shape is None:
                return Unreached(f"it is read from the shape of '{ref.node}', which is unknown")
            if not -len(shape) <= ref.axis < len(shape):
                return Unknown(f"'{ref.node}' has rank {len(shape)}, so its shape has no axis {ref.axis}")
            dim = dim_at(shape, ref.axis)
            if dim is None:
                what = "the batch size" if ref.axis in (0, -len(shape)) else f"axis {ref.axis}"
                return Unknown(f"it is read from the shape of '{ref.node}': {what} is not known statically")
            bindings[name] = dim
        return subs(expr, bindings) if bindings else expr

    return _map(value, one)
