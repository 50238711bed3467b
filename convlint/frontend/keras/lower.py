"""Lowering finished Keras models (``Sequential`` / functional) to ``ModelGraph``s.

Nested models are inlined so that every layer's shape is visible; their layers are named
``<sub-model>/<layer>`` so the nesting stays readable in reports.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

from ...graph import ModelGraph, Span, Stop, Unknown
from .. import FileNote
from .objects import FunctionalObj, LayerObj, Lowering, Proto, SequentialObj, TensorRef, spatial_rank

__all__ = ["lower_sequential", "lower_functional", "model_label", "ancestors", "stop_of"]

# Layers after which the input rank cannot be guessed from the layers that follow.
_RANK_BARRIERS = {"Flatten", "Reshape", "Permute", "RepeatVector", "Embedding", "Lambda", "TextVectorization"}


def model_label(model: Any, default: str) -> str:
    """The name a model is reported under: its variable, else ``name=``, else ``default``."""
    return model.var_name or model.name_kwarg or default


def _sub_prefix(model: Any) -> str:
    kind = "sequential" if isinstance(model, SequentialObj) else "functional"
    return f"{model.name_kwarg or model.var_name or kind}/"


def has_own_input(model: Any, registry: Dict[str, Proto]) -> bool:
    """Can ``model`` be built on its own: a functional model (its ``Input`` is its own), or a
    Sequential that declares its input or is built with a shape?"""
    if isinstance(model, FunctionalObj):
        return True
    return model.build_shape is not None or (bool(model.items) and _declared_input(model.items[0], registry) is not None)


def _declared_input(item: Any, registry: Dict[str, Proto]) -> Optional[LayerObj]:
    """The ``Input`` a Sequential's first item declares (an ``Input`` tensor, an
    ``InputLayer``, a layer with ``input_shape=``, or a nested model's own), else ``None``."""
    if isinstance(item, TensorRef) and item.key in registry:
        layer = registry[item.key].layer
        return layer if layer.type == "Input" else None
    if isinstance(item, LayerObj):
        if item.type == "InputLayer":
            kw = item.kwargs
            shape = kw.get("shape", kw.get("input_shape"))
            if shape is None and isinstance(kw.get("batch_shape"), (tuple, list)):
                shape = tuple(kw["batch_shape"])[1:]
            if shape is None and item.input_shape is not None:
                shape = item.input_shape
            return LayerObj("Input", (), {"shape": shape}, item.span, name=item.name)
        if item.input_shape is not None:
            return LayerObj("Input", (), {"shape": item.input_shape}, item.span)
        return None
    if isinstance(item, SequentialObj) and item.items:
        return _declared_input(item.items[0], registry)
    return None


def _flat_layers(items: List[Any]) -> Iterator[LayerObj]:
    for item in items:
        if isinstance(item, LayerObj):
            yield item
        elif isinstance(item, SequentialObj):
            yield from _flat_layers(item.items)


def _first_family(items: List[Any]) -> Optional[str]:
    """The first layer type that fixes the input rank (``Conv2D``, ``Dense``...), if any."""
    for layer in _flat_layers(items):
        if spatial_rank(layer.type) is not None:
            return layer.type
        if layer.type in _RANK_BARRIERS:
            return None
    return None


def lower_sequential(
    seq: SequentialObj, name: str, path: str, registry: Dict[str, Proto], input_shapes: Dict[str, Tuple[Any, ...]]
) -> Tuple[ModelGraph, List[FileNote]]:
    low = Lowering(name, path, seq.span, input_shapes)
    for kind, message, span, *extra in seq.notes:
        low.note(kind, message, span, *extra)
    items = list(seq.items)
    declared = _declared_input(items[0], registry) if items else None
    skip_first = bool(items) and (
        isinstance(items[0], TensorRef) or (isinstance(items[0], LayerObj) and items[0].type == "InputLayer")
    )
    if declared is None:
        shape = seq.build_shape
        if shape is None and items and isinstance(items[0], Unknown):
            # its layers could not be resolved (already noted): say that, not "no input shape"
            shape = Unknown(f"its first layers could not be resolved ({items[0].reason})")
        declared = LayerObj("Input", (), {"shape": shape}, seq.span)
    current = low.input_node(declared, consumer=_first_family(items)).id
    for item in items[1:] if skip_first else items:
        current = _emit(low, item, current, "", registry, top=True)
    low.graph.outputs.append(current)
    return low.graph, low.notes


def _emit(low: Lowering, item: Any, current: str, prefix: str, registry: Dict[str, Proto], top: bool = False) -> str:
    """Append ``item`` (a layer or a sub-model) after ``current``; returns the new tail id."""
    if isinstance(item, LayerObj):
        if item.type == "InputLayer":
            return current
        return low.layer_node(item, [current], prefix).id
    if isinstance(item, SequentialObj):
        sub_prefix = prefix + _sub_prefix(item)
        sub_items = list(item.items)
        if sub_items and (isinstance(sub_items[0], TensorRef)):
            sub_items = sub_items[1:]
        for sub in sub_items:
            current = _emit(low, sub, current, sub_prefix, registry)
        return current
    if isinstance(item, FunctionalObj):
        mapping = {t.key: current for t in item.inputs[:1]}
        outs = _inline_functional(low, item, mapping, prefix + _sub_prefix(item), registry)
        return outs[0] if outs else "?the sub-model has no outputs"
    if isinstance(item, TensorRef):
        low.note("unsupported", "an Input in the middle of a Sequential is ignored", low.graph.span)
        return current
    reason = item.reason if isinstance(item, Unknown) else f"{_described(item)} is not a layer convlint knows"
    if not any(reason in n.message for n in low.notes):
        message = f"a layer of this Sequential could not be resolved ({reason}); shapes after it are unknown"
        low.note("unresolved", message, low.graph.span)
    return "?" + reason


def _described(item: Any) -> str:
    """A value as the user wrote it where that is known (``config.head``), else its kind."""
    name = getattr(item, "name", None)
    if isinstance(name, str) and name:
        return f"`{name}`"
    return {int: "a number", float: "a number", str: "a string", bool: "a boolean"}.get(type(item), "a value of another kind")


def ancestors(outputs: List[str], registry: Dict[str, Proto]) -> Set[str]:
    """Every proto key the outputs depend on (unknown ``?`` keys excluded)."""
    seen: Set[str] = set()
    stack = [k for k in outputs if k in registry]
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        stack.extend(k for k in registry[key].inputs if k in registry and k not in seen)
    return seen


def _inline_functional(
    low: Lowering, model: FunctionalObj, mapping: Dict[str, str], prefix: str, registry: Dict[str, Proto]
) -> List[str]:
    """Copy a functional sub-model's layers into ``low`` with its inputs bound by ``mapping``."""
    keys = ancestors([t.key for t in model.outputs], registry)
    for proto in sorted((registry[k] for k in keys), key=lambda p: p.uid):
        if proto.layer.type == "Input":
            mapping.setdefault(proto.key, "?an input of the sub-model is not connected")
            continue
        inputs = [mapping.get(k, k) for k in proto.inputs]
        mapping[proto.key] = low.layer_node(proto.layer, inputs, prefix + proto.prefix, proto.call_span, mapping).id
    return [mapping.get(t.key, t.key) for t in model.outputs]


def _before_cuts(keys: Set[str], model: FunctionalObj, registry: Dict[str, Proto], cut_sources: Dict[str, Set[str]]) -> Set[str]:
    """The layers before the unknown tensors the model's graph meets: what made the tensors
    each unknown was computed from, when they come from the model's own inputs (Keras keeps
    them: the real graph runs through the construct convlint could not follow)."""
    cuts = {k for key in keys for k in registry[key].inputs if k.startswith("?")}
    cuts.update(t.key for t in model.outputs if not t.known)
    fed = [s for cut in cuts for s in cut_sources.get(cut, ())]
    if not fed:
        return set()
    inputs = {t.key for t in model.inputs}
    return {k for k in ancestors(fed, registry) - keys if ancestors([k], registry) & inputs}


def lower_functional(
    model: FunctionalObj,
    name: str,
    path: str,
    registry: Dict[str, Proto],
    input_shapes: Dict[str, Tuple[Any, ...]],
    cut_sources: Optional[Dict[str, Set[str]]] = None,
) -> Tuple[ModelGraph, List[FileNote]]:
    """``cut_sources``: the tensors each unknown tensor came from (layers before a construct
    convlint does not follow are then kept: their parameters are the model's)."""
    low = Lowering(name, path, model.span, input_shapes)
    for kind, message, span, *extra in model.notes:
        low.note(kind, message, span, *extra)
    keys = ancestors([t.key for t in model.outputs], registry) | {t.key for t in model.inputs if t.key in registry}
    if cut_sources:
        keys |= _before_cuts(keys, model, registry, cut_sources)
    protos = sorted((registry[k] for k in keys), key=lambda p: p.uid)
    consumers: Dict[str, str] = {}
    for p in protos:
        for k in p.inputs:
            consumers.setdefault(k, p.layer.type)
    mapping: Dict[str, str] = {}
    declared = [t.key for t in model.inputs]
    for proto in protos:
        if proto.layer.type == "Input":
            mapping[proto.key] = low.input_node(proto.layer, consumer=consumers.get(proto.key)).id
            if proto.key not in declared:
                low.note(
                    "unsupported",
                    f"model '{name}' uses an Input that is not among its inputs (Keras reports a disconnected graph)",
                    proto.layer.span,
                )
            continue
        inputs = [mapping.get(k, k) for k in proto.inputs]
        mapping[proto.key] = low.layer_node(proto.layer, inputs, proto.prefix, proto.call_span, mapping).id
    order = {mapping[k]: i for i, k in enumerate(declared) if k in mapping}
    low.graph.inputs.sort(key=lambda node_id: order.get(node_id, len(order)))
    low.graph.outputs = [mapping.get(t.key, t.key) for t in model.outputs]
    return low.graph, low.notes


def stop_of(graph: ModelGraph, cuts: Dict[str, Span]) -> Optional[Stop]:
    """Where the model's layers stop being known: the first unknown tensor a node consumes or
    the model outputs.  Keras builds a model from the tensors that reach its outputs, so the
    layers before such a tensor are missing from the graph (and those after it cannot know
    their input): its parameter total is a lower bound.  ``cuts``: where each unknown arose."""
    keys = [k for node in graph.nodes for k in node.inputs] + list(graph.outputs)
    for key in keys:
        if key.startswith("?"):
            return Stop("the model", cuts.get(key), key[1:])
    return None
