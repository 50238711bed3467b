"""CL301 dense-on-feature-map: a Dense / Linear layer applied to a conv feature map unflattened."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Iterator, List, Optional

from ..diagnostics import Diagnostic
from ..graph import fmt_shape
from . import Rule
from .fixes import flatten_fix

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..engine import LayerResult, ShapedModel

FULLY_CONNECTED = frozenset({"Dense", "Linear", "LazyLinear"})


def is_spatial(type_name: str) -> bool:
    """Layers that produce a feature map: convolutions and (non-global) poolings."""
    return "Conv" in type_name or ("Pool" in type_name and "Global" not in type_name and "Adaptive" not in type_name)


def feature_map_source(model: "ShapedModel", result: "LayerResult") -> Optional["LayerResult"]:
    """The conv / pooling layer whose output reaches ``result`` through shape-preserving layers
    (activations, dropout, normalisation), or ``None``."""
    seen = set()
    current = result
    while current.node.inputs and current.node.id not in seen:
        seen.add(current.node.id)
        try:
            producer = model.result(current.node.inputs[0])
        except KeyError:
            return None
        if is_spatial(producer.node.type):
            return producer
        preserving = (
            len(producer.node.inputs) == 1
            and producer.input_shapes
            and producer.output_shape is not None
            and producer.output_shape == producer.input_shapes[0]
        )
        if not preserving:
            return None
        current = producer
    return None


_RESHAPING = frozenset({"Reshape", "Flatten", "Permute", "view", "reshape", "permute", "transpose"})
"""Layers after which the axes are no longer the feature map's (whatever their rank)."""
_REDUCING = frozenset({"mean", "sum", "amax", "amin", "std", "var", "prod", "logsumexp", "nansum", "nanmean"})
"""Reductions over axes: with an unknown output shape, taken to reduce the spatial ones."""


def _reduces(result: "LayerResult", rank: int) -> bool:
    """Does this layer take the spatial axes away (or make them something else)?"""
    if result.node.type in _RESHAPING:
        return True
    if result.output_shape is not None:
        return len(result.output_shape) < rank
    return result.node.type.startswith("Global") or result.node.type in _REDUCING  # unknown shape: by kind


def reaches_output_unflattened(model: "ShapedModel", result: "LayerResult") -> bool:
    """Does ``result``'s output reach a model output with its spatial axes intact?  ``False``
    only when every path reduces the map first (a flatten, a reshape, a global pooling, a mean
    over the axes): a pointwise ``Dense`` inside a block (ConvNeXt's MLP) is then the intended
    design.  A layer whose shape is unknown (after an error) reduces nothing that is not shown."""
    if not result.input_shapes or result.input_shapes[0] is None:
        return False
    rank = len(result.input_shapes[0])  # a Dense keeps its input's rank, even when its width is unknown
    consumers: Dict[str, List["LayerResult"]] = {}
    for r in model.layers:
        for i in r.node.inputs:
            consumers.setdefault(i, []).append(r)
    outputs = set(model.model.outputs) or {r.node.id for r in model.layers if r.node.id not in consumers}
    stack, seen = [result], set()
    while stack:
        r = stack.pop()
        if r.node.id in seen:
            continue
        seen.add(r.node.id)
        if r is not result and _reduces(r, rank):
            continue
        if r.node.id in outputs:
            return True
        stack.extend(consumers.get(r.node.id, []))
    return False


class DenseOnFeatureMap(Rule):
    """## What it does
    Reports a ``Dense`` (Keras) or ``Linear`` (PyTorch) layer whose input is the
    multi-dimensional output of a convolution or pooling layer, with no ``Flatten`` or global
    pooling in between.

    Only when the result reaches the model's output with its spatial axes intact (a classifier
    that emits ``(N, H, W, classes)``): a ``Dense`` on a feature map whose result a later layer
    flattens, reshapes or pools globally is a pointwise layer by design (ConvNeXt's inverted
    bottleneck, a squeeze-and-excitation gate) and is not reported.

    ## Why is this bad?
    It is legal: the layer then acts on the last axis only (the channels in Keras, the width in
    PyTorch), at every spatial position, and the output keeps its spatial axes.  That is almost
    never what a classifier head means, and the error only shows up later as a wrong output
    shape or a loss that does not match the labels.  The (unsafe) fix inserts a flatten before
    the layer (and, in PyTorch, sets ``in_features`` to the flattened size).
    """

    code = "CL301"
    name = "dense-on-feature-map"
    severity = "warning"
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.Flatten(),
    layers.Dense(10),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.Dense(10),
])
""",
    )

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        m = model.model
        for r in model.layers:
            if r.node.type not in FULLY_CONNECTED or not r.input_shapes:
                continue
            shape = r.input_shapes[0]
            if shape is None or len(shape) <= 2:
                continue
            source = feature_map_source(model, r)
            if source is None or not reaches_output_unflattened(model, r):
                continue
            fix = "nn.Flatten() / torch.flatten(x, 1)" if m.framework == "torch" else "Flatten() or GlobalAveragePooling2D()"
            result = f", giving {fmt_shape(r.output_shape)}" if r.output_shape is not None else ""
            yield self.at_application(
                m,
                r.node,
                f"{r.node.display_type} '{r.node.name or r.node.id}' is applied to the {len(shape)}D output "
                f"{fmt_shape(shape)} of {source.node.display_type} '{source.node.name or source.node.id}': "
                f"it acts on the last axis only{result}, which reaches the model's output; add {fix} before it",
                fix=flatten_fix(model, r),
            )
