"""An ``.ipynb`` opened as a plain JSON text document (an editor without notebook sync).

The notebook is analysed as the command line analyses the file; each diagnostic, known by
(code cell, line in the cell), is placed on the JSON line that holds that source line (nbformat
writes one string per line), at the start of the string.  Hints, hovers and fixes need the
cells themselves: an editor that syncs notebooks gets them (``notebookDocument/didOpen``).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Dict, Tuple

from ..runner import FileOutcome
from .analysis import Analysis, Layout, Part, Project, split_lines

__all__ = ["analyse_json_notebook", "source_lines"]


def source_lines(text: str) -> Dict[Tuple[int, int], Tuple[int, int]]:
    """(code cell, 1-based line in the cell) -> (1-based JSON line, 1-based column of the
    string's first character), for nbformat's one-string-per-line ``source`` lists."""
    try:
        doc = json.loads(text)
    except ValueError:
        return {}
    lines = split_lines(text)
    out: Dict[Tuple[int, int], Tuple[int, int]] = {}
    cursor = 0
    cell_number = 0
    for cell in doc.get("cells", []) if isinstance(doc, dict) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        cell_number += 1
        src = cell.get("source", "")
        items = src if isinstance(src, list) else [src]
        for i, item in enumerate(items):
            if not isinstance(item, str):
                continue
            spellings = {json.dumps(item), json.dumps(item, ensure_ascii=False)}
            for j in range(cursor, len(lines)):
                hit = next((lines[j].find(s) for s in spellings if s in lines[j]), -1)
                if hit >= 0:
                    out[(cell_number, i + 1)] = (j + 1, hit + 2)
                    cursor = j + 1
                    break
    return out


def analyse_json_notebook(project: Project, path: str, part: Tuple[str, str]) -> Analysis:
    uri, text = part
    checker, error = project.checker_for(path)
    try:
        outcome = checker.check_source(path, text)
    except Exception as err:  # check_source never raises; belt and braces for the editor
        outcome = checker._internal(path, f"internal error ({type(err).__name__}: {err})")
    where = source_lines(text)
    placed = []
    for d in outcome.diagnostics:
        line, column = where.get((d.cell or 0, d.line), (1, 1))
        if (d.cell or 0, d.line) in where:
            column += d.column - 1
        placed.append(dataclasses.replace(d, line=line, column=column, end_line=None, end_column=None, cell=None, fix=None))
    shown = FileOutcome(path, diagnostics=placed)
    return Analysis((text,), path, Layout([Part(uri, text)]), text, shown, None, error)
