"""``# convlint: ...`` comments right above a model's definition, for every framework.

A model's own budgets (``# convlint: max-params=2_000_000, max-macs=300M``) are read here, in
the same comment block as ``# convlint: input-shape=(...)`` (:mod:`.input_shapes`): the
comment lines directly above the model's ``class``, its assignment, or the ``def`` of the
function that builds it (decorators in between are allowed).  Amounts are read by
:func:`convlint.budgets.parse_amount`, exactly as in ``[tool.convlint]``.
"""

from __future__ import annotations

import re
from typing import Dict, Iterator, List, Sequence, Tuple

from ..budgets import BUDGETS, BudgetError, parse_amount

__all__ = ["comment_block", "declared_budgets"]

_PRAGMA = re.compile(r"#\s*convlint:\s*(.*)$")
_BUDGET = re.compile(r"\b(max-[A-Za-z-]+)\s*=\s*(.*?)\s*(?=[,;]|\s+[A-Za-z][\w-]*\s*=|$)")
"""``key=value``; the value runs to a comma, a semicolon, the next ``key=`` or the line's end
(so ``max-macs=3 MB`` is read whole, and refused, rather than as 3)."""


def comment_block(lines: Sequence[str], line: int) -> Iterator[str]:
    """The comment lines right above ``line`` (1-based), nearest first, stripped; decorator
    lines in between are skipped, anything else ends the block."""
    i = line - 2
    while 0 <= i < len(lines):
        text = lines[i].strip()
        if text.startswith("@"):
            i -= 1
            continue
        if not text.startswith("#"):
            return
        yield text
        i -= 1


def _definition_lines(lines: Sequence[str], line: int, name: str) -> List[int]:
    """Where a model named ``name`` may be defined: its own line, and the ``def``/``class``
    of that name (a functional model is named after the function that returns it)."""
    out = [line]
    pattern = re.compile(rf"^\s*(?:async\s+def|def|class)\s+{re.escape(name)}\b")
    for i, text in enumerate(lines, 1):
        if i != line and pattern.match(text):
            out.append(i)
            break
    return out


def declared_budgets(lines: Sequence[str], line: int, name: str) -> Tuple[Dict[str, int], List[str]]:
    """(budgets by key, problems) from the pragma comments above model ``name`` at ``line``.

    A problem (an unknown ``max-`` key, an amount that is not one) is a message for a note;
    that budget is then not applied.  A pragma nearer the definition wins over one above it.
    """
    budgets: Dict[str, int] = {}
    problems: List[str] = []
    for where in _definition_lines(lines, line, name):
        for text in comment_block(lines, where):
            match = _PRAGMA.search(text)
            if not match:
                continue
            for key, value in _BUDGET.findall(match.group(1)):
                if key not in BUDGETS:
                    problems.append(f"'{key}' in a convlint comment above model '{name}' is not a budget "
                                    f"(known: {', '.join(BUDGETS)}); it is ignored")
                    continue
                try:
                    amount = parse_amount(value, BUDGETS[key])
                except BudgetError as err:
                    problems.append(f"'{key}' in a convlint comment above model '{name}' {err}; it is ignored")
                    continue
                budgets.setdefault(key, amount)
        if budgets or problems:
            break
    return budgets, problems
