"""CL204 max-macs: a model that needs more multiply-accumulates than its budget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional, Tuple

from ..dims import Dim
from .budget import BudgetRule, model_cost_of

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..cost import Amount
    from ..engine import ShapedModel


class MaxMacs(BudgetRule):
    """## What it does
    Reports a model whose multiply-accumulates for one sample exceed ``max-macs`` in
    ``[tool.convlint]``, or the model's own ``# convlint: max-macs=300M`` comment right above
    its definition (off unless set; SI suffixes ``k``, ``M``, ``G``), naming the three layers
    that do the most.  MACs are counted as torchinfo counts them (``convlint/cost.py``).

    ## Why is this bad?
    Latency and energy on a device follow the MACs; a convolution moved before a pooling
    instead of after it can quadruple them without changing a single parameter.
    """

    code = "CL204"
    name = "max-macs"
    severity = "error"
    key = "max-macs"
    measure = "needs {n} MACs for one sample"
    where = "the largest"
    CONFIG = {"max-macs": "1M"}
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(64, 64, 3)),
    layers.MaxPooling2D(4),
    layers.Conv2D(64, 3),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(64, 64, 3)),
    layers.Conv2D(64, 3),
    layers.MaxPooling2D(4),
])
""",
        """\
import torch.nn as nn

# convlint: input-shape=(3, 32, 32)
# convlint: max-macs=100k
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(x)
""",
    )

    def amount(self, model: "ShapedModel", config: "Config") -> Tuple["Amount", Dict[str, Optional[Dim]]]:
        cost = model_cost_of(model, config)
        return cost.macs, {k: v.macs for k, v in cost.layers.items()}
