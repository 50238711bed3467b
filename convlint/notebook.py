"""Jupyter notebooks as Python source: code cells joined, with a map back to (cell, line).

Cells are concatenated in order so that imports in one cell resolve names in the next, as the
kernel would see them.  IPython magics and shell escapes (``%``, ``!``, ``?``) are blanked, so
line numbers stay aligned.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from typing import List, Sequence, Tuple

__all__ = ["NotebookSource", "notebook_source", "join_cells"]


@dataclass(frozen=True)
class NotebookSource:
    source: str
    starts: Tuple[int, ...]
    """1-based line of the joined source where each code cell starts."""

    def locate(self, line: int) -> Tuple[int, int]:
        """(1-based code-cell number, line within that cell) of a line of the joined source."""
        i = bisect.bisect_right(self.starts, line) - 1
        if i < 0:
            return 1, line
        return i + 1, line - self.starts[i] + 1


def _blank_magics(lines: List[str]) -> List[str]:
    if lines and lines[0].lstrip().startswith("%%"):
        return ["#" + ln if ln.strip() else ln for ln in lines]
    out = []
    for ln in lines:
        stripped = ln.lstrip()
        if stripped.startswith(("%", "!", "?")) or stripped.rstrip().endswith("?"):
            out.append("#" + ln)
        else:
            out.append(ln)
    return out


def notebook_source(text: str) -> NotebookSource:
    """The code cells of an ``.ipynb`` document; raises ``ValueError`` if it is not one."""
    doc = json.loads(text)
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
        raise ValueError("not a Jupyter notebook (no 'cells' list)")
    bodies: List[str] = []
    for cell in doc["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        bodies.append("".join(src) if isinstance(src, list) else str(src))
    return join_cells(bodies)


def join_cells(bodies: Sequence[str]) -> NotebookSource:
    """Code cells' texts, in order, as one source (an editor sends a notebook's cells this way)."""
    parts: List[str] = []
    starts: List[int] = []
    line = 1
    for body in bodies:
        lines = _blank_magics(body.splitlines())
        starts.append(line)
        parts.append("\n".join(lines) + "\n")
        line += len(lines) if lines else 1
    return NotebookSource("".join(parts), tuple(starts))
