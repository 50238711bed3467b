"""Numbers as people read them: ``658,238``, ``1,728·H·W``, ``58.6 KiB``, ``2.47M``.

Only for display (tables, markdown); the JSON report keeps ints and valid-Python expressions.
The short forms (``short_count``, ``short_bytes``) are :mod:`convlint.budgets`', the units a
budget is written in.
"""

from __future__ import annotations

import re
from typing import Any

from ..budgets import short_bytes, short_count
from ..dims import is_known

__all__ = ["number", "short_count", "short_bytes", "amount"]

_INT = re.compile(r"\d+")


def number(value: Any) -> str:
    """An int with thousands separators; a symbolic ``Dim`` with ``·`` for products
    (``1728 * H * W`` -> ``1,728·H·W``); ``?`` when unknown."""
    if value is None:
        return "?"
    if is_known(value):
        return f"{value:,}"
    return _INT.sub(lambda m: f"{int(m.group()):,}", str(value)).replace(" * ", "·")


def amount(total: Any, unit: str = "") -> str:
    """A cost total (:class:`convlint.cost.Amount`): exact (with a short form), a lower bound
    (``at least ...``), or ``?``."""
    if total is None or total.value is None:
        return "?" if total is None or total.exact else "? (depends on an unknown or symbolic size)"
    value = total.value
    text = number(value) + (f" {unit}" if unit else "")
    if is_known(value) and value >= 1000:
        text += f" ({short_bytes(value) if unit == 'bytes' else short_count(value)})"
    return text if total.exact else f"at least {text} (the rest is unknown)"
