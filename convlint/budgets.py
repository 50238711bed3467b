"""Budgets: which ones exist, and how an amount such as ``300M`` or ``256MiB`` is read.

One reader for both places a budget is written, ``[tool.convlint]`` and the per-model comment
``# convlint: max-macs=300M`` (see :mod:`convlint.frontend.pragmas`), so the two accept exactly
the same spellings.

* Counts (``max-params``, ``max-layer-params``, ``max-macs``): an integer (``2_000_000``), or a
  number with a decimal SI suffix ``k``/``K`` (10^3), ``M`` (10^6), ``G`` (10^9), ``T`` (10^12):
  ``300M``, ``1.5G``.  Lowercase ``m``/``g`` are refused (``m`` is milli).
* Bytes (``max-activation-bytes``, ``max-model-bytes``): the same, optionally followed by ``B``
  (``300MB`` = 300,000,000 bytes, decimal like a disk or a network), or a binary unit ``KiB``,
  ``MiB``, ``GiB``, ``TiB`` (2^10 ...): ``256MiB`` = 268,435,456 bytes.  A byte unit on a
  count is refused, and so is a fraction that does not come out whole (``1.5`` parameters).
"""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Optional

__all__ = ["BUDGETS", "BudgetError", "parse_amount", "effective_budget", "short_count", "short_bytes"]

BUDGETS: Dict[str, str] = {
    "max-params": "count",
    "max-layer-params": "count",
    "max-macs": "count",
    "max-activation-bytes": "bytes",
    "max-model-bytes": "bytes",
}
"""Every budget key and what it measures (``count`` or ``bytes``)."""

_DECIMAL = {"": 1, "k": 10**3, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
_AMOUNT = r"^\s*([0-9][0-9_]*(?:\.[0-9_]+)?)\s*(Ki|Mi|Gi|Ti|[kKMGT])?(B)?\s*$"
"""An amount as written (compiled on first use: most runs read no amount)."""


class BudgetError(ValueError):
    """An amount that cannot be a budget; the message says what is accepted."""


def parse_amount(value: Any, kind: str = "count") -> int:
    """``value`` (an int, or a string such as ``"300M"``) as a non-negative integer.

    ``kind`` is ``"count"`` or ``"bytes"`` (only bytes take ``B`` and the binary units).
    """
    if isinstance(value, bool):
        raise BudgetError(_hint(value, kind))
    if isinstance(value, int):
        if value < 0:
            raise BudgetError(_hint(value, kind))
        return value
    if not isinstance(value, str):
        raise BudgetError(_hint(value, kind))
    match = re.match(_AMOUNT, value)
    if not match:
        raise BudgetError(_hint(value, kind))
    number, prefix, byte = match.group(1), match.group(2) or "", match.group(3)
    if kind != "bytes" and (byte or prefix in _BINARY):
        raise BudgetError(_hint(value, kind))
    if prefix in _BINARY and not byte:
        raise BudgetError(_hint(value, kind))  # "256Mi" without B
    from decimal import Decimal, InvalidOperation  # only a written amount needs it (and decimal is slow to import)

    try:
        exact = Decimal(number.replace("_", "")) * (_BINARY.get(prefix) or _DECIMAL[prefix])
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise BudgetError(_hint(value, kind)) from None
    if exact != exact.to_integral_value():
        raise BudgetError(f"{value!r} is not a whole number of {'bytes' if kind == 'bytes' else 'units'}")
    return int(exact)


def _hint(value: Any, kind: str) -> str:
    if kind == "bytes":
        examples = "an integer number of bytes, or e.g. \"300MB\", \"256MiB\", \"2G\""
    else:
        examples = "a non-negative integer, or e.g. \"300M\", \"1.5G\", \"250k\""
    return f"must be {examples}. Received: {value!r}"


def effective_budget(key: str, configured: Optional[int], pragmas: Mapping[str, int]) -> Optional[int]:
    """The budget that applies to one model: its own pragma, else the configuration's."""
    return pragmas.get(key, configured)


def short_count(n: int) -> str:
    """``2,470,346`` -> ``2.47M``: a count in the decimal units a budget is written in."""
    for factor, suffix in ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "k")):
        if n >= factor:
            return f"{n / factor:.3g}{suffix}"
    return str(n)


def short_bytes(n: int) -> str:
    """``60,008`` -> ``58.6 KiB``: bytes in binary units, as a budget may be written."""
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            return f"{n} B" if n < 1024 else f"{value:.1f} {unit}"
    return f"{n} B"  # pragma: no cover
