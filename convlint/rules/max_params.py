"""CL201 max-params: a model with more parameters than the configured budget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..diagnostics import Diagnostic
from ..dims import is_known
from . import Rule

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..engine import ShapedModel


class MaxParams(Rule):
    """## What it does
    Reports a model whose total parameter count exceeds ``max-params`` in ``[tool.convlint]``
    (off unless set).

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
    )

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        budget = config.max_params
        if budget is None:
            return
        if model.complete:
            total, has = model.total_params, "has"
        else:  # a lower bound proves a breach, never compliance
            total, has = model.params_lower_bound, "has at least"
        if not is_known(total) or total <= budget:
            return
        why = "" if model.complete else f" ({model.incomplete_reason})"
        m = model.model
        yield self.at(
            m.path,
            m.span,
            f"model '{m.name}' {has} {total:,} parameters, over the budget of {budget:,} (max-params) "
            f"by {'at least ' if not model.complete else ''}{total - budget:,}{why}",
            m.name,
            m.cell,
        )
