"""CL205 max-activation-bytes: a model whose peak activation memory is over its budget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional, Tuple

from ..dims import Dim
from .budget import BudgetRule, model_cost_of

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..cost import Amount
    from ..engine import ShapedModel


class MaxActivationBytes(BudgetRule):
    """## What it does
    Reports a model whose peak activation memory for one sample exceeds
    ``max-activation-bytes`` in ``[tool.convlint]``, or the model's own
    ``# convlint: max-activation-bytes=8MiB`` comment (off unless set; ``kB``/``MB``/``GB`` or
    ``KiB``/``MiB``/``GiB``), naming the three largest tensors alive at the peak.

    The peak is the largest sum of the tensors alive at once, walking the layers in graph
    order: each output lives from the layer that makes it to the last layer that reads it
    (``convlint/cost.py``); sizes are elements times the ``dtype`` size (``float32``: 4 bytes).

    ## Why is this bad?
    On a microcontroller or a phone the activations must fit in RAM at once; a skip connection
    kept across a whole encoder, or an early wide layer, can break that without changing the
    parameter count.
    """

    code = "CL205"
    name = "max-activation-bytes"
    severity = "error"
    key = "max-activation-bytes"
    measure = "holds {n} of activations at its peak"
    unit = "bytes"
    where = "the largest tensors alive then"
    CONFIG = {"max-activation-bytes": "64KiB"}
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(8, 3, strides=2),
    layers.Conv2D(8, 3),
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
    layers.Conv2D(8, 3, strides=2),
])
""",
    )

    def amount(self, model: "ShapedModel", config: "Config") -> Tuple["Amount", Dict[str, Optional[Dim]]]:
        cost = model_cost_of(model, config)
        return cost.peak_activation_bytes, {k: cost.layers[k].activation_bytes for k in cost.peak_tensors}
