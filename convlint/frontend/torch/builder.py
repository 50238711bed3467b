"""Graph building for the PyTorch front end: the nodes one model's ``forward`` produces.

The interpreter hands every layer application here; ids are unique per graph, layer ids are
the module's attribute path (shared by every call of one module object), and argument values
the catalogue cannot take are made :class:`~convlint.graph.Unknown` on the way in.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from ...dims import Expr, sym
from ...graph import DimRef, Node, Span, Unknown
from ..python.values import BoundMethod, ClassVal, FuncVal, Instance, Partial, QualName
from .values import ContainerObj, ModuleObj, ParamVal, ShapeVal, SizeVal, TensorVal

__all__ = ["Builder", "Example"]


class Builder:
    """Collects the nodes of one model graph as ``forward`` (or straight-line code) runs."""

    def __init__(self) -> None:
        self.nodes: List[Node] = []
        self._ids: set = set()
        self._counts: Dict[str, int] = {}
        self.inputs: List[str] = []
        self.dim_refs: Dict[str, DimRef] = {}
        """Sizes read off tensors (``F.avg_pool2d(x, x.size(2))``): symbols the engine fills in."""
        self.params_used: set = set()
        """Paths of ``nn.Parameter``s a functional op took as its weight or bias (counted there)."""
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

    def add_input(self, name: str, shape: Any, span: Span, exact: bool = False) -> TensorVal:
        """An ``Input`` node: ``shape`` without the batch axis (any batch size), or with
        ``exact`` the tensor's whole shape, as a factory call made it (see ``InputSpec``)."""
        kwargs = {"batch_shape" if exact else "shape": shape}
        node = Node(self.unique(name), "Input", kwargs=kwargs, span=span, name=name)
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
        called: Optional[bool] = True,
        applied: Optional[Span] = None,
    ) -> TensorVal:
        """A node for ``type_`` built at ``span`` and, when that is elsewhere, applied at
        ``applied``."""
        node_id = self.unique(name, self.layer_ids if layer_id is None else frozenset())
        if layer_id is not None:
            self.layer_ids.add(layer_id)
        args = tuple(self.sanitize(a) for a in args)
        kwargs = {k: self.sanitize(v) for k, v in kwargs.items()}
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
            applied=applied,
        )
        self.nodes.append(node)
        derived = bool(inputs) and not any(t.informative for t in inputs)
        return TensorVal(node_id, derived=derived)

    def size_symbol(self, size: SizeVal) -> Any:
        """``x.size(2)`` as a size: a symbol standing for that axis of ``x``'s node, which the
        engine replaces by the real dim (see ``shape_refs``)."""
        node = size.tensor.node
        if node is None or not isinstance(size.axis, int) or isinstance(size.axis, bool):
            return Unknown("a size of a tensor convlint cannot follow")
        name = f"{node}.shape[{size.axis}]"
        self.dim_refs[name] = DimRef(node, size.axis)
        return sym(name)

    def sanitize(self, value: Any) -> Any:
        """Values the catalogue cannot take become :class:`Unknown`; a tensor's size becomes a
        symbol the engine resolves."""
        if isinstance(value, SizeVal):
            return self.size_symbol(value)
        if isinstance(value, (tuple, list)):
            items = [self.sanitize(v) for v in value]
            return tuple(items) if isinstance(value, tuple) else items
        return _leaf(value)


def _leaf(value: Any) -> Any:
    if isinstance(value, Expr):
        return value
    if isinstance(value, ShapeVal):
        return Unknown("a whole tensor shape (only its items are followed)")
    if isinstance(value, QualName):
        return Unknown(f"{value.name} is imported, not a constant")
    if isinstance(value, (TensorVal, ModuleObj, ContainerObj, Instance, ClassVal, FuncVal, BoundMethod, ParamVal, Partial)):
        return Unknown(f"a {type(value).__name__} where a constant is expected")
    return value


class Example:
    """An example input found in the file: ``model(torch.randn(...))`` or ``summary(model, ...)``.

    ``shapes`` are the input shapes *with* the batch dim, or without it when ``batched`` is
    False (``torchsummary.summary(model, (3, 32, 32))``).
    """

    def __init__(self, target: Any, shapes: List[Any], batched: bool = True, span: Optional[Span] = None) -> None:
        self.target = target
        self.shapes = shapes
        self.batched = batched
        self.span = span
