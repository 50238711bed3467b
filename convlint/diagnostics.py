"""Diagnostics are data: what a rule reports, and the finished report renderers format.

Nothing here knows how a diagnostic was found or how it will be shown; rules produce
:class:`Diagnostic` values, the runner collects them into a :class:`Report`, and the output
functions turn a report into text.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Hashable, List, Optional, Tuple

if TYPE_CHECKING:  # pragma: no cover
    from .edits import Fix  # imported where fixes are made: most runs propose none

__all__ = ["SEVERITIES", "Related", "Diagnostic", "Report", "severity_rank", "sort_key"]

SEVERITIES: Tuple[str, ...] = ("info", "warning", "error")
"""Severities from least to most severe; ``fail-on`` compares by this order."""

# ``slots=True`` exists from Python 3.10; on 3.9 the class is still frozen, just not slotted.
_SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}


def severity_rank(severity: str) -> int:
    """Position of ``severity`` in :data:`SEVERITIES` (``info`` = 0, ``error`` = 2)."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True, **_SLOTS)
class Related:
    """Another place that matters to the person fixing a diagnostic: where the layer whose
    application fails is constructed (SARIF ``relatedLocations``).  ``cell`` as in
    :class:`Diagnostic`."""

    path: str
    line: int
    column: int
    message: str
    cell: Optional[int] = None

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return (Related, tuple(getattr(self, f.name) for f in fields(self)))


@dataclass(frozen=True, **_SLOTS)
class Diagnostic:
    """One reported problem.  Positions are 1-based; ``cell`` is the notebook code cell (1-based)
    when the file is a notebook, and ``line`` is then the line within that cell.

    ``cause`` says what the problem is about when other diagnostics may be about the same thing
    (a :class:`~convlint.graph.Cause`); the runner keeps one message per cause.  It is internal:
    not compared, not shown, not serialised.  ``related``: other locations that matter (the
    constructor of a layer whose application is reported).

    ``fix`` is the one unambiguous repair, when there is one (:class:`~convlint.edits.Fix`):
    its ``edits`` are shown and applied once :mod:`convlint.fix` has resolved and checked them."""

    code: str
    severity: str
    path: str
    line: int
    column: int
    end_line: Optional[int]
    end_column: Optional[int]
    message: str
    model: Optional[str] = None
    cell: Optional[int] = None
    name: str = ""
    fix: Optional[Fix] = None
    cause: Optional[Hashable] = field(default=None, compare=False)
    related: Tuple[Related, ...] = ()

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        # Explicit, because frozen + slots pickling was broken in some 3.10 releases, and
        # diagnostics cross process boundaries in parallel runs.
        return (Diagnostic, tuple(getattr(self, f.name) for f in fields(self)))


def sort_key(d: Diagnostic) -> Tuple[Any, ...]:
    """Deterministic report order: path, then position, then code."""
    return (d.path, d.cell or 0, d.line, d.column, d.code, d.message)


@dataclass
class Report:
    """A finished run: what renderers format.  ``models`` holds the engine's shaped models
    (``convlint.engine.ShapedModel``), in path and source order."""

    files_checked: int = 0
    models: List[Any] = field(default_factory=list)
    diagnostics: List[Diagnostic] = field(default_factory=list)
    internal_error: bool = False
    """True when convlint itself failed on some file (the run exits 2)."""
