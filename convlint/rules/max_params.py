"""CL201 max-params: a model with more parameters than its budget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional, Tuple

from ..dims import Dim
from .budget import BudgetRule

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..cost import Amount
    from ..engine import ShapedModel


class MaxParams(BudgetRule):
    """## What it does
    Reports a model whose total parameter count exceeds ``max-params`` in ``[tool.convlint]``,
    or the model's own ``# convlint: max-params=2M`` comment right above its definition (off
    unless set), naming the three layers that hold the most.

    ## Why is this bad?
    A parameter budget (for an edge device, a memory limit, a competition rule) is easy to
    break with one innocent-looking change; checking it statically catches that in review.

    When convlint could not count every parameter (a part of the model it does not follow),
    the total is a lower bound: the rule reports only when that bound is already over the
    budget ("at least N"), never a guess.
    """

    code = "CL201"
    name = "max-params"
    severity = "error"
    key = "max-params"
    measure = "has {n} parameters"
    CONFIG = {"max-params": 1000}
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(10),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(100),
])
""",
        """\
import keras
from keras import layers

# convlint: max-params=100
model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(10),
])
""",
    )

    def amount(self, model: "ShapedModel", config: "Config") -> Tuple["Amount", Dict[str, Optional[Dim]]]:
        from ..cost import Amount

        parts = {r.node.id: r.params for r in model.layers if r.first_use}
        if model.complete:  # exact: an int, or symbolic (which no budget acts on)
            return Amount(model.total_params, True), parts
        # the known part (symbolic and unknown counts are at least 0): a lower bound
        return Amount(model.params_lower_bound, False), parts

    def unknown_part(self, model: "ShapedModel") -> Optional[str]:
        return model.incomplete_reason
