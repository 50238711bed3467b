"""``# noqa`` comments: silence diagnostics on one line, as flake8 and ruff users expect.

``# noqa`` alone silences every code on its line; ``# noqa: CL103, CL3`` only those codes or
prefixes.  Internal errors (CL999) are never silenced: they mean convlint itself failed.

As in ruff, a comment applies to the line a diagnostic is reported on, never to its related
locations: an error reported where a layer is applied (``y = fc(x)``) is silenced on that
line, not on the line that builds the layer.
"""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, List, Optional

from .diagnostics import Diagnostic
from .source_lines import split_lines

__all__ = ["suppressions", "apply_noqa"]

_NOQA = r"#\s*noqa(?::[\s]*(?P<codes>[A-Z]+[0-9]*(?:[\s,]+[A-Z]+[0-9]*)*))?"
"""Compiled where a file has a ``noqa`` at all (most have none: no run should pay for it)."""
_NEVER = "CL999"


def suppressions(source: str) -> Dict[int, Optional[FrozenSet[str]]]:
    """Line number (1-based) -> the codes its ``# noqa`` names, or ``None`` for all codes."""
    out: Dict[int, Optional[FrozenSet[str]]] = {}
    if "noqa" not in source and "NOQA" not in source:
        return out
    noqa = re.compile(_NOQA, re.IGNORECASE)
    for number, line in enumerate(split_lines(source), start=1):
        if "#" not in line:
            continue
        match = noqa.search(line)
        if match is None:
            continue
        codes = match.group("codes")
        out[number] = None if not codes else frozenset(c.upper() for c in re.split(r"[\s,]+", codes) if c)
    return out


def apply_noqa(diagnostics: List[Diagnostic], source: str) -> List[Diagnostic]:
    """The diagnostics not silenced by a ``# noqa`` on their line."""
    marks = suppressions(source)
    if not marks:
        return diagnostics

    def silenced(d: Diagnostic) -> bool:
        if d.code == _NEVER or d.line not in marks:
            return False
        codes = marks[d.line]
        return codes is None or any(d.code.startswith(c) for c in codes)

    return [d for d in diagnostics if not silenced(d)]
