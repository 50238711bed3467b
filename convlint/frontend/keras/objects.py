"""The objects the Keras front end's interpreter computes with, and their lowering to the IR.

Reading Keras code means following what it *builds*: layer objects (constructed, maybe called
several times), symbolic tensors (``Input`` and every layer call), ``Sequential`` containers
(filled by a list or by ``.add``) and functional ``Model``s.  These classes record exactly
that; :func:`sequential_graph` and :func:`functional_graph` turn a finished model into a
:class:`~convlint.graph.ModelGraph` (auto names, ids, input shapes, inlined sub-models).
The mutable objects are plain classes, compared by identity: a dataclass would add only its
start-up cost (see :mod:`convlint.frontend.python.values`).
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple, Union

from ...dims import Expr, sym
from ...graph import ModelGraph, Node, Span, Unknown, unresolved_cause
from ...shape_refs import rebind, tensor_dim
from .. import FileNote

__all__ = [
    "LayerObj",
    "TensorRef",
    "ShapeRef",
    "Proto",
    "SequentialObj",
    "FunctionalObj",
    "Lowering",
    "snake_case",
    "spatial_rank",
    "symbolic_shape",
]

_ids = itertools.count()


class LayerObj:
    """A constructed layer: canonical ``type``, folded arguments, where it was written."""

    def __init__(
        self, type: str, args: Tuple[Any, ...], kwargs: Dict[str, Any], span: Span, name: Optional[str] = None,
        input_shape: Any = None, notes: Optional[List[Tuple[Any, ...]]] = None, uid: Optional[int] = None,
        op: Optional[str] = None, function: Any = None,
    ) -> None:
        self.type = type
        self.args = args
        self.kwargs = kwargs
        self.span = span
        self.name = name
        self.input_shape = input_shape  # from input_shape= / input_dim= / batch_input_shape=, no batch dim
        self.notes: List[Tuple[Any, ...]] = [] if notes is None else notes  # (kind, message[, the unresolved value's reason[, a fix]])
        self.uid = next(_ids) if uid is None else uid
        self.op = op
        """The source spelling of a tensor op that acts as this layer (``ops.add``, ``+``): Keras 3
        records ops, not layers, so reports show the spelling (``Node.op``)."""
        self.function = function
        """A ``Lambda`` whose function changes the shape: (the interpreter's function value, its
        source text), run on the layer's input in a functional call."""


class Proto:
    """One application of a layer (or an ``Input``) in the functional world, before naming."""

    def __init__(
        self, layer: LayerObj, inputs: List[str], prefix: str = "", call_span: Optional[Span] = None,
        uid: Optional[int] = None,
    ) -> None:
        self.layer = layer
        self.inputs = inputs  # proto uids as strings, or "?reason" for an unknown tensor
        self.prefix = prefix
        self.call_span = call_span  # where it is applied (reported for a reused layer)
        self.uid = next(_ids) if uid is None else uid

    @property
    def key(self) -> str:
        return f"p{self.uid}"


class TensorRef:
    """A symbolic Keras tensor: the output of a proto (``key``) or an unknown (``?reason``)."""

    def __init__(self, key: str) -> None:
        self.key = key

    @property
    def known(self) -> bool:
        return not self.key.startswith("?")

    def fold_attr(self, name: str) -> Any:
        """``x.shape`` (its items become sizes the engine fills in); nothing else is a value."""
        if name == "shape":
            return ShapeRef(self)
        return Unknown(f"the attribute .{name} of a Keras tensor is not a constant")


@dataclass(frozen=True)
class ShapeRef:
    """``x.shape`` / ``keras.ops.shape(x)`` of a symbolic tensor: its axes are sizes only the
    engine knows, so each item is a symbol standing for that axis (see ``shape_refs``)."""

    tensor: TensorRef

    def fold_item(self, index: Any) -> Any:
        if not self.tensor.known:
            return Unknown(self.tensor.key[1:])
        if isinstance(index, int) and not isinstance(index, bool):
            return tensor_dim(self.tensor.key, index)
        return Unknown("only an integer index of a Keras tensor's shape is followed")

    def fold_unpack(self, count: int) -> Any:
        """``_, h, w, c = x.shape``: the rank is as written (a wrong rank shows in the engine)."""
        return tuple(self.fold_item(i) for i in range(count))


class SequentialObj:
    """A ``Sequential`` being filled; ``items`` are layers, tensors (``Input``) or sub-models."""

    def __init__(
        self, span: Span, items: Optional[List[Any]] = None, name_kwarg: Optional[str] = None,
        var_name: Optional[str] = None, build_shape: Any = None, notes: Optional[List[Tuple[str, str, Span]]] = None,
        used_as_layer: bool = False, applied: bool = False,
    ) -> None:
        self.span = span
        self.items: List[Any] = [] if items is None else items
        self.name_kwarg = name_kwarg
        self.var_name = var_name
        self.build_shape = build_shape
        self.notes: List[Tuple[str, str, Span]] = [] if notes is None else notes
        self.used_as_layer = used_as_layer
        self.applied = applied
        """Called on a tensor inside another model (``decoder(encoder(x))``): also a model of its own."""


class FunctionalObj:
    """``Model(inputs, outputs)``."""

    def __init__(
        self, span: Span, inputs: List[TensorRef], outputs: List[TensorRef], name_kwarg: Optional[str] = None,
        var_name: Optional[str] = None, notes: Optional[List[Tuple[str, str, Span]]] = None, used_as_layer: bool = False,
        applied: bool = False,
    ) -> None:
        self.span = span
        self.inputs = inputs
        self.outputs = outputs
        self.name_kwarg = name_kwarg
        self.var_name = var_name
        self.notes: List[Tuple[str, str, Span]] = [] if notes is None else notes
        self.used_as_layer = used_as_layer
        self.applied = applied
        """Called on a tensor inside another model (``decoder(encoder(x))``): also a model of its own."""


ModelObj = Union[SequentialObj, FunctionalObj]


@lru_cache(maxsize=1024)
def snake_case(name: str) -> str:
    """Keras' automatic layer name base: ``MaxPooling2D`` -> ``max_pooling2d``."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def spatial_rank(type_name: str) -> Optional[int]:
    """Input rank (without batch) a layer family implies: ``Conv2D`` -> 3, ``Dense`` -> 1."""
    m = re.search(r"([123])D(Transpose)?$", type_name)
    if m:
        return int(m.group(1)) + 1
    if type_name == "Dense":
        return 1
    return None


_AXES = {1: ("C",), 2: ("L", "C"), 3: ("H", "W", "C"), 4: ("D", "H", "W", "C")}


def symbolic_shape(rank: int, index: int = 0, template: Optional[Tuple[Any, ...]] = None) -> Tuple[Any, ...]:
    """A channels-last shape of ``rank`` axes with named symbols; with ``template``, only its
    ``None`` axes are replaced (``(None, None, 3)`` -> ``(H, W, 3)``)."""
    names = _AXES.get(rank, tuple(f"S{i + 1}" for i in range(rank - 1)) + ("C",))
    suffix = f"_{index}" if index else ""
    if template is None:
        template = (None,) * rank
    return tuple(sym(n + suffix) if d is None else d for n, d in zip(names, template))


class Lowering:
    """Turns one finished model into a ``ModelGraph``: names, ids, input shapes, notes."""

    def __init__(self, name: str, path: str, span: Span, input_shapes: Dict[str, Tuple[Any, ...]]) -> None:
        self.graph = ModelGraph(name=name, framework="keras", path=path, span=span, layout="channels_last")
        self.path = path
        self.input_shapes = input_shapes
        self.notes: List[FileNote] = []
        self._counts: Dict[str, int] = {}
        self._layer_names: Dict[int, str] = {}
        self._uses: Dict[int, int] = {}
        self._ids: set = set()
        self._n_inputs = 0

    # -- naming ---------------------------------------------------------------------------
    def _auto(self, base: str) -> str:
        n = self._counts.get(base, 0)
        self._counts[base] = n + 1
        return base if n == 0 else f"{base}_{n}"

    def layer_name(self, layer: LayerObj, prefix: str = "") -> str:
        if layer.uid not in self._layer_names:
            auto = "input_layer" if layer.type in ("Input", "InputLayer") else snake_case(layer.type)
            base = layer.name or self._auto(auto)
            self._layer_names[layer.uid] = prefix + base
        return self._layer_names[layer.uid]

    def _node_id(self, name: str, layer: LayerObj) -> str:
        uses = self._uses.get(layer.uid, 0)
        self._uses[layer.uid] = uses + 1
        node_id = name if uses == 0 else f"{name}:{uses}"
        while node_id in self._ids:
            node_id += "'"
        self._ids.add(node_id)
        return node_id

    # -- nodes ----------------------------------------------------------------------------
    def note(self, kind: str, message: str, span: Span, reason: Optional[str] = None, fix: Any = None) -> None:
        """``reason``: an unresolved value's own, its cause (see ``graph.unresolved_cause``);
        ``fix``: the note's repair (a legacy spelling's, see ``legacy_fix``)."""
        cause = unresolved_cause(span, reason) if reason is not None else None
        self.notes.append(FileNote(kind, message, span, self.graph.name, cause, fix))

    def layer_node(
        self,
        layer: LayerObj,
        inputs: List[str],
        prefix: str = "",
        call_span: Optional[Span] = None,
        tensors: Optional[Dict[str, str]] = None,
    ) -> Node:
        """A node applying ``layer``: its span is the constructor's, ``applied`` the call's
        (where Keras raises a problem with the input, a reuse's included).
        ``tensors`` maps tensor keys to the nodes they became, for sizes read off a tensor's
        shape (``Dense(x.shape[-1])``)."""
        name = self.layer_name(layer, prefix)
        first = layer.uid not in self._uses
        known = tensors or {}

        def node_of(key: str) -> Optional[str]:
            node_id = known.get(key)
            return None if node_id is None or node_id.startswith("?") else node_id

        node = Node(
            id=self._node_id(name, layer),
            type=layer.type,
            args=rebind(layer.args, node_of, self.graph.dim_refs),
            kwargs=rebind(dict(layer.kwargs), node_of, self.graph.dim_refs),
            inputs=list(inputs),
            span=layer.span,
            applied=call_span,
            name=name,
            layer_id=f"L{layer.uid}",
            op=layer.op,
        )
        if first:
            for kind, message, *extra in layer.notes:
                self.note(kind, message, layer.span, *extra)
        return self.graph.add(node)

    def input_node(self, layer: LayerObj, consumer: Optional[str] = None) -> Node:
        """An ``Input`` node for ``layer`` (type ``Input``, ``kwargs["shape"]`` possibly
        ``None``/``Unknown``): ``None`` axes become symbols, a missing shape comes from the
        configuration or is made symbolic from the first consuming layer's family."""
        index = self._n_inputs
        self._n_inputs += 1
        declared = rebind(layer.kwargs.get("shape"), lambda key: None, self.graph.dim_refs)
        shape = self._resolve_shape(declared, layer.span, index, consumer)
        node_name = self.layer_name(layer)
        node = Node(
            id=self._node_id(node_name, layer),
            type="Input",
            kwargs={"shape": shape},
            span=layer.span,
            name=node_name,
            layer_id=f"L{layer.uid}",
        )
        self.graph.inputs.append(node.id)
        return self.graph.add(node)

    def _resolve_shape(self, shape: Any, span: Span, index: int, consumer: Optional[str]) -> Any:
        shape = _shape_value(shape)
        if isinstance(shape, (tuple, list)) and not any(isinstance(d, Unknown) for d in shape):
            if any(d is None for d in shape):
                return symbolic_shape(len(shape), index, tuple(shape))
            return tuple(shape)
        configured = self.input_shapes.get(f"{self.path}::{self.graph.name}", self.input_shapes.get(self.graph.name))
        if configured is not None and index == 0:
            return tuple(configured)
        why = shape.reason if isinstance(shape, Unknown) else "it declares no input shape"
        if isinstance(shape, (tuple, list)):
            bad = next(d for d in shape if isinstance(d, Unknown))
            why = bad.reason
        rank = spatial_rank(consumer) if consumer else None
        if isinstance(shape, (tuple, list)):
            rank = len(shape)
        if rank is None:
            self.note(
                "no-input-shape",
                f"model '{self.graph.name}': input shape unknown ({why}) and not inferable from its first layer; "
                "shapes are unknown",
                span,
            )
            return Unknown(why)
        symbolic = symbolic_shape(rank, index)
        if isinstance(shape, (tuple, list)):  # keep the axes that are known
            symbolic = tuple(s if isinstance(d, Unknown) or d is None else d for s, d in zip(symbolic, shape))
        shown = "(" + ", ".join(str(d) for d in symbolic) + (",)" if len(symbolic) == 1 else ")")
        self.note(
            "no-input-shape",
            f"model '{self.graph.name}': input shape unknown ({why}); analysed for the symbolic input {shown}",
            span,
        )
        return symbolic


def _not_constant(value: Any) -> Unknown:
    name = getattr(value, "name", None)
    if isinstance(name, str):
        return Unknown(f"{name} is not a constant (it is imported)")
    return Unknown(f"a {type(value).__name__} is not a size")


def _shape_value(shape: Any) -> Any:
    """A declared input shape with every non-size item (an imported name, an object) made an
    honest :class:`Unknown`, so it can never reach the catalogue as a bogus value."""
    if shape is None or isinstance(shape, Unknown):
        return shape
    if not isinstance(shape, (tuple, list)):
        return _not_constant(shape)
    return tuple(
        d if d is None or isinstance(d, (Unknown, Expr)) or (isinstance(d, int) and not isinstance(d, bool)) else _not_constant(d)
        for d in shape
    )
