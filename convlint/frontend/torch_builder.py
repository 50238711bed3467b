"""Graph building for the PyTorch front end: the nodes one model's ``forward`` produces.

The interpreter hands every layer application here; ids are unique per graph, layer ids are
the module's attribute path (shared by every call of one module object), and argument values
the catalogue cannot take are made :class:`~convlint.graph.Unknown` on the way in.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..graph import Node, Span, Unknown
from .torch_values import (
    BoundMethod,
    ClassVal,
    ContainerObj,
    FuncVal,
    ModuleObj,
    ParamVal,
    QualName,
    ShapeVal,
    SizeVal,
    TensorVal,
    UserObj,
)

__all__ = ["Builder", "Example"]


class Builder:
    """Collects the nodes of one model graph as ``forward`` (or straight-line code) runs."""

    def __init__(self) -> None:
        self.nodes: List[Node] = []
        self._ids: set = set()
        self._counts: Dict[str, int] = {}
        self.inputs: List[str] = []
        self.layer_ids: set = set()
        """Module paths (layer ids): a functional op's node id (its weight key) avoids them, so
        ``F.relu`` beside a module named ``relu`` is never taken for a reuse of that module."""

    def unique(self, base: str, avoid: Any = frozenset()) -> str:
        if base not in self._ids and base not in avoid:
            self._ids.add(base)
            return base
        n = self._counts.get(base, 1)
        while f"{base}_{n}" in self._ids or f"{base}_{n}" in avoid:
            n += 1
        self._counts[base] = n + 1
        out = f"{base}_{n}"
        self._ids.add(out)
        return out

    def add_input(self, name: str, shape: Any, span: Span) -> TensorVal:
        node = Node(self.unique(name), "Input", kwargs={"shape": shape}, span=span, name=name)
        self.nodes.append(node)
        self.inputs.append(node.id)
        return TensorVal(node.id)

    def emit(
        self,
        type_: str,
        args: Tuple[Any, ...],
        kwargs: Dict[str, Any],
        inputs: Sequence[TensorVal],
        span: Span,
        name: str,
        layer_id: Optional[str] = None,
        op: Optional[str] = None,
        called: bool = True,
    ) -> TensorVal:
        node_id = self.unique(name, self.layer_ids if layer_id is None else frozenset())
        if layer_id is not None:
            self.layer_ids.add(layer_id)
        args = tuple(_sanitize(a) for a in args)
        kwargs = {k: _sanitize(v) for k, v in kwargs.items()}
        node = Node(
            node_id,
            type_,
            tuple(args),
            dict(kwargs),
            [t.node or "?unknown" for t in inputs],
            span,
            name=name if layer_id else node_id,
            layer_id=layer_id,
            op=op,
            called=called,
        )
        self.nodes.append(node)
        derived = bool(inputs) and not any(t.informative for t in inputs)
        return TensorVal(node_id, derived=derived)


def _sanitize(value: Any) -> Any:
    """Values the catalogue cannot take become :class:`Unknown` (``x.size(3)`` outside a view)."""
    if isinstance(value, (SizeVal, ShapeVal)):
        return Unknown("a size of a tensor (its shape is only known to the engine)")
    if isinstance(value, tuple):
        return tuple(_sanitize(v) for v in value)
    if isinstance(value, list):
        return [_sanitize(v) for v in value]
    if isinstance(value, QualName):
        return Unknown(f"{value.name} is imported, not a constant")
    if isinstance(value, (TensorVal, ModuleObj, ContainerObj, UserObj, ClassVal, FuncVal, BoundMethod, ParamVal)):
        return Unknown(f"a {type(value).__name__} where a constant is expected")
    return value


class Example:
    """An example input found in the file: ``model(torch.randn(...))`` or ``summary(model, ...)``.

    ``shapes`` are the input shapes *with* the batch dim, or without it when ``batched`` is
    False (``torchsummary.summary(model, (3, 32, 32))``).
    """

    def __init__(self, target: Any, shapes: List[Any], batched: bool = True) -> None:
        self.target = target
        self.shapes = shapes
        self.batched = batched
