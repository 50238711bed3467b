"""CL203 dominant-layer: one fully connected layer holds most of the model's weights."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..diagnostics import Diagnostic
from ..dims import is_known
from . import Rule
from .dense_on_feature_map import is_spatial

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..engine import LayerResult, ShapedModel


def is_fully_connected(result: "LayerResult") -> bool:
    """A layer whose main weight is a matrix (``Dense``, ``Linear``): conv kernels have rank >= 3."""
    return any(w.role == "weight" and len(w.shape) == 2 for w in result.weights)


_NOT_SHAPE_ERRORS = frozenset({"unknown-layer", "unknown-value", "internal"})


class DominantLayer(Rule):
    """## What it does
    Reports a fully connected layer (``Dense``, ``Linear``) of a convolutional network holding
    more than ``dominant-layer-share`` (default 0.5) of all the model's parameters.
    Convolutions are exempt (in a conv stack the deepest convolution is legitimately the
    largest), and so are plain MLPs (their first layer always dominates).  Only an exact total
    counts: on a model convlint could not follow to the end, every share would be overstated.

    ## Why is this bad?
    The classic case is a ``Dense`` layer after ``Flatten`` on a large feature map: most of the
    model's memory goes into one matrix that overfits and ties the model to one input size.
    Downsampling further or a global pooling layer usually does as well with a fraction of
    the weights.
    """

    code = "CL203"
    name = "dominant-layer"
    severity = "warning"
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3),
    layers.Conv2D(64, 3),
    layers.GlobalAveragePooling2D(),
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
    layers.Conv2D(32, 3),
    layers.Flatten(),
    layers.Dense(128),
    layers.Dense(10),
])
""",
    )

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        total = model.total_params
        if not model.complete or not is_known(total) or total <= 0:
            return  # a share of a lower bound overstates every layer
        if any(f.kind not in _NOT_SHAPE_ERRORS for f in model.findings):
            return  # the model cannot run as written: its weight distribution is not meaningful yet
        weighted = [r for r in model.layers if r.first_use and is_known(r.params) and r.params > 0]
        if len(weighted) < 2:
            return
        m = model.model
        weighted_ids = {id(r) for r in weighted}
        seen_feature_map = False
        for r in model.layers:
            seen_feature_map = seen_feature_map or is_spatial(r.node.type)
            if id(r) not in weighted_ids or not seen_feature_map:
                continue
            share = r.params / total
            if share > config.dominant_layer_share and is_fully_connected(r):
                label = r.node.name or r.node.id
                yield self.at(
                    m.path,
                    r.node.span,
                    f"{r.node.display_type} '{label}' holds {_percent(share)} of the model's parameters "
                    f"({r.params:,} of {total:,}); consider more downsampling or global pooling before it",
                    m.name,
                    m.cell,
                )


def _percent(share: float) -> str:
    """``73%``; one decimal when whole percent would round a near-total share up to 100%."""
    text = f"{share:.0%}"
    return f"{share:.1%}" if text == "100%" and share < 1 else text
