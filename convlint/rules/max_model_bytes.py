"""CL206 max-model-bytes: a model whose parameters take more memory than its budget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional, Tuple

from ..dims import Dim
from .budget import BudgetRule, model_cost_of

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..cost import Amount
    from ..engine import ShapedModel


class MaxModelBytes(BudgetRule):
    """## What it does
    Reports a model whose parameters take more memory than ``max-model-bytes`` in
    ``[tool.convlint]``, or the model's own ``# convlint: max-model-bytes=4MB`` comment (off
    unless set): the parameter count, as the framework counts it, times the ``dtype`` size
    (``float32``: 4 bytes; ``dtype = "int8"`` for a quantised deployment).  Names the three
    layers that hold the most.

    ## Why is this bad?
    The weights must fit in the device's flash or the download budget of an app; the
    configured dtype says how they will be stored.
    """

    code = "CL206"
    name = "max-model-bytes"
    severity = "error"
    key = "max-model-bytes"
    measure = "has {n} of parameters"
    unit = "bytes"
    CONFIG = {"max-model-bytes": "100kB"}
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3),
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
    layers.Dense(10),
])
""",
    )

    def amount(self, model: "ShapedModel", config: "Config") -> Tuple["Amount", Dict[str, Optional[Dim]]]:
        cost = model_cost_of(model, config)
        return cost.param_bytes, {k: v.param_bytes for k, v in cost.layers.items()}
