"""What the model budget rules share (CL201 max-params, CL204 max-macs, CL205
max-activation-bytes, CL206 max-model-bytes): where the budget comes from, when it may act,
and a message that names the total, the budget and the three layers that contribute most.

A budget is the model's own ``# convlint: max-...=`` comment if it has one, else the
configuration's.  It acts on a total known exactly, or on a lower bound (the known part of an
incomplete total) that is already over it; never on a symbolic or unknown total.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Dict, Iterator, Optional, Tuple

from ..budgets import effective_budget, short_bytes
from ..diagnostics import Diagnostic
from ..dims import Dim
from . import Rule

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..cost import Amount, ModelCost
    from ..engine import ShapedModel

__all__ = ["BudgetRule", "model_cost_of"]


def model_cost_of(model: "ShapedModel", config: "Config") -> "ModelCost":
    """The cost the runner attached, or (a model analysed outside the runner) computed now."""
    from ..cost import cost_of, model_cost

    return cost_of(model) or model_cost(model, config.dtype, config.dtype_bytes)


class BudgetRule(Rule):
    """A model-wide budget: subclasses set ``key``, ``measure`` and implement :meth:`amount`."""

    key: ClassVar[str] = ""
    """The configuration key and pragma name (``max-macs``)."""
    measure: ClassVar[str] = ""
    """How the total reads in a message: ``"{n} MACs"``."""
    unit: ClassVar[str] = "count"
    """``count`` or ``bytes`` (bytes add the dtype and a binary short form)."""
    where: ClassVar[str] = "the largest"
    """Introduces the three layers named after the total."""

    def amount(self, model: "ShapedModel", config: "Config") -> Tuple["Amount", Dict[str, Optional[Dim]]]:
        """(the model's total, each layer call's share of it by node id)."""
        raise NotImplementedError

    def unknown_part(self, model: "ShapedModel") -> Optional[str]:
        """Why the total is only a lower bound, when the rule can say (``None``: not said)."""
        return None

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        m = model.model
        pragmas = getattr(m, "budgets", None) or {}
        budget = effective_budget(self.key, config.budget(self.key), pragmas)
        if budget is None:
            return
        total, parts = self.amount(model, config)
        value = total.known
        if value is None or value <= budget:
            return
        source = "from the comment above the model" if self.key in pragmas else "from the configuration"
        number = self._number(value, config.dtype)
        if total.exact:
            size = self.measure.format(n=number)
        else:
            why = self.unknown_part(model)
            size = self.measure.format(n=f"at least {number}") + f" (the rest is unknown{': ' + why if why else ''})"
        message = (
            f"model '{m.name}' {size}, over the budget of {self._number(budget)} ({self.key}, {source}) "
            f"by {value - budget:,}"
        )
        largest = self._largest(model, parts, value)
        if largest:
            message += f"; {self.where}: {largest}"
        yield self.at(m.path, m.span, message, m.name, m.cell)

    def _number(self, n: int, dtype: str = "") -> str:
        if self.unit == "bytes":
            return f"{n:,} bytes ({short_bytes(n)}{', ' + dtype if dtype else ''})"
        return f"{n:,}"

    @staticmethod
    def _largest(model: "ShapedModel", parts: Dict[str, Optional[Dim]], total: int) -> str:
        from ..cost import top_layers

        out = []
        for r, v in top_layers(model, parts, 3):
            label = r.node.name or r.node.id
            share = f" ({100 * v / total:.0f}%)" if total else ""
            out.append(f"{label} ({r.node.display_type}) {v:,}{share}")
        return ", ".join(out)
