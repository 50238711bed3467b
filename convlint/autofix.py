"""``convlint --fix`` / ``--diff``: apply the checked fixes of a report, file by file.

A file is fixed in rounds, as ruff does: the applicable fixes of its diagnostics are applied
together (an edit overlapping an earlier one waits for the next round), the edited text is
analysed again, and the fixes that analysis proposes are applied, until none is left (a
repaired layer can reveal the next one: everything after a wrong ``in_channels`` was
unknown).  A notebook's edits are made in its cells; the rest of its JSON is written back as
it was.  Nothing is written with ``--diff``: the unified patch is returned instead.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from .diagnostics import Diagnostic
from .edits import SAFE, Edit
from .fix import apply_edits

__all__ = ["FileFix", "fix_file", "fix_report", "applicable", "apply_notebook_edits"]

MAX_ROUNDS = 10
"""Rounds per file: a fix that keeps producing fixes (a bug) stops here."""


@dataclass
class FileFix:
    """What fixing one file did."""

    path: str
    original: str
    fixed: str
    applied: List[Diagnostic] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.original.splitlines(keepends=True), self.fixed.splitlines(keepends=True), f"a/{self.path}", f"b/{self.path}"
            )
        )


def applicable(d: Diagnostic, unsafe: bool) -> bool:
    return d.fix is not None and bool(d.fix.edits) and (unsafe or d.fix.applicability == SAFE)


def _choose(diagnostics: Iterable[Diagnostic], unsafe: bool) -> Tuple[List[Diagnostic], List[Edit]]:
    """Applicable fixes whose edits overlap none chosen before them (source order)."""
    chosen: List[Diagnostic] = []
    edits: List[Edit] = []
    taken: List[Tuple[Tuple[int, int, int], Tuple[int, int, int]]] = []
    for d in diagnostics:
        if not applicable(d, unsafe):
            continue
        assert d.fix is not None
        if all(e in edits for e in d.fix.edits):  # the same repair, proposed by two rules
            chosen.append(d)
            continue
        ranges = [((e.cell or 0, e.line, e.column), (e.cell or 0, e.end_line, e.end_column)) for e in d.fix.edits]
        if any((a < y and x < b) or a == x for a, b in ranges for x, y in taken):
            continue
        chosen.append(d)
        edits.extend(d.fix.edits)
        taken.extend(ranges)
    return chosen, edits


def fix_file(path: str, text: str, diagnostics: Sequence[Diagnostic], checker: Any, unsafe: bool = False) -> FileFix:
    """Apply the applicable fixes of ``diagnostics`` (those of ``text``) in rounds."""
    result = FileFix(path, text, text)
    current = list(diagnostics)
    for _ in range(MAX_ROUNDS):
        chosen, edits = _choose(current, unsafe)
        if not chosen:
            break
        try:
            fixed = apply_notebook_edits(result.fixed, edits) if path.endswith(".ipynb") else apply_edits(result.fixed, edits)
        except ValueError:
            break
        result.fixed = fixed
        result.applied.extend(chosen)
        current = checker.check_source(path, fixed).diagnostics
    return result


def fix_report(diagnostics: Sequence[Diagnostic], checker: Any, unsafe: bool = False, read: Any = None) -> List[FileFix]:
    """Every file of a report with an applicable fix, fixed in memory (``read(path)`` gives
    a file's text; default: from disk)."""
    by_path: Dict[str, List[Diagnostic]] = {}
    for d in diagnostics:
        if applicable(d, unsafe):
            by_path.setdefault(d.path, [])
    for d in diagnostics:
        if d.path in by_path:
            by_path[d.path].append(d)
    out = []
    for path, found in sorted(by_path.items()):
        text = read(path) if read is not None else _read(path)
        out.append(fix_file(path, text, found, checker, unsafe))
    return out


def _read(path: str) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def write(fixes: Iterable[FileFix]) -> None:
    for f in fixes:
        if f.changed:
            with open(f.path, "w", encoding="utf-8", newline="") as out:
                out.write(f.fixed)


def counts(fixes: Iterable[FileFix]) -> Counter:
    return Counter(d.code for f in fixes for d in f.applied)


# -- notebooks ------------------------------------------------------------------------------

def _indent(text: str) -> Optional[int]:
    match = re.search(r"\n( +)\S", text)
    return len(match.group(1)) if match else None


def apply_notebook_edits(text: str, edits: Sequence[Edit]) -> str:
    """An ``.ipynb`` document with ``edits`` applied in its code cells (``Edit.cell``), the
    JSON written back in the document's own indentation and key order."""
    doc = json.loads(text)
    cells = [c for c in doc.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"]
    by_cell: Dict[int, List[Edit]] = {}
    for e in edits:
        if e.cell is None or not 1 <= e.cell <= len(cells):
            raise ValueError(f"edit outside the notebook's code cells: {e}")
        by_cell.setdefault(e.cell, []).append(e)
    for number, cell_edits in by_cell.items():
        cell = cells[number - 1]
        src = cell.get("source", "")
        body = "".join(src) if isinstance(src, list) else str(src)
        new = apply_edits(body, cell_edits)
        cell["source"] = new.splitlines(keepends=True) if isinstance(src, list) else new
    out = json.dumps(doc, indent=_indent(text), ensure_ascii=False)
    return out + "\n" if text.endswith("\n") else out
