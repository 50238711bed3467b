"""Build one-layer graphs from table rows, shared by the engine, executor and oracle tests."""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

from convlint.dims import fmt
from convlint.engine import ShapedModel, analyze
from convlint.graph import ModelGraph, Node, Span


def layer_model(
    framework: str, type_: str, args: Sequence[Any], kwargs: dict, in_shapes: List[Tuple], exact: bool = False
) -> ModelGraph:
    """``Input`` node(s) feeding one layer node with id ``"layer"``: a batch of any size, or
    with ``exact`` tensors of exactly ``in_shapes`` (as ``torch.rand(...)`` makes them)."""
    layout = "channels_last" if framework == "keras" else "channels_first"
    model = ModelGraph("m", framework, "table.py", Span(1), layout=layout)
    for i, shape in enumerate(in_shapes):
        given = {"batch_shape": tuple(shape)} if exact else {"shape": tuple(shape[1:])}
        model.add(Node(f"in{i}", "Input", kwargs=given))
        model.inputs.append(f"in{i}")
    model.add(Node("layer", type_, tuple(args), dict(kwargs), inputs=list(model.inputs), span=Span(2)))
    model.outputs = ["layer"]
    return model


def analyze_row(row: Any) -> ShapedModel:
    return analyze(layer_model(row.framework, row.type, row.args, row.kwargs, row.in_shapes))


def shape_json(shape: Optional[Tuple]) -> Optional[Tuple]:
    return None if shape is None else tuple(fmt(d) for d in shape)


def with_batch(shape: Tuple, batch: int) -> Tuple[int, ...]:
    return (batch,) + tuple(shape[1:])
