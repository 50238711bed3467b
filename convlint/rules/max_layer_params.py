"""CL202 max-layer-params: one layer with more parameters than the configured budget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..budgets import effective_budget
from ..diagnostics import Diagnostic
from ..dims import is_known
from . import Rule

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..engine import ShapedModel


class MaxLayerParams(Rule):
    """## What it does
    Reports a layer whose parameter count exceeds ``max-layer-params`` in ``[tool.convlint]``,
    or in the model's own ``# convlint: max-layer-params=1M`` comment (off unless set).

    ## Why is this bad?
    A single oversized layer (typically a ``Dense`` after ``Flatten`` on a large feature map)
    dominates memory and training time; a per-layer budget makes that a review-time error.
    """

    code = "CL202"
    name = "max-layer-params"
    severity = "error"
    CONFIG = {"max-layer-params": 5000}
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(8, 3),
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
    layers.Conv2D(8, 3),
    layers.Flatten(),
    layers.Dense(10),
])
""",
    )

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        budget = effective_budget("max-layer-params", config.max_layer_params, getattr(model.model, "budgets", None) or {})
        if budget is None:
            return
        m = model.model
        for r in model.layers:
            if r.first_use and is_known(r.params) and r.params > budget:
                label = r.node.name or r.node.id
                yield self.at(
                    m.path,
                    r.node.span,
                    f"{r.node.display_type} '{label}' has {r.params:,} parameters, over the per-layer budget "
                    f"of {budget:,} (max-layer-params)",
                    m.name,
                    m.cell,
                )
