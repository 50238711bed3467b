"""Re-parse only what an edit changed: a libcst module assembled from cached statement trees.

libcst is the slow stage (design notes: about ten times ``ast``), and an edit in a long model
file touches one top-level statement.  Python's own ``ast`` parser finds where the top-level
statements start; each statement, with the blank lines and comments before the next one, is
parsed alone and cached by its text; the module is put together from those trees.  The result
prints back to exactly the source: each chunk does (libcst round-trips), only blank lines and
comments move between a chunk's edges and the next statement, and the chunks must agree on
the newline and indentation they print by default (otherwise, and for a buffer ``ast`` cannot
parse, the whole text is parsed as usual, so a syntax error is reported as always).
"""

from __future__ import annotations

import ast
from collections import OrderedDict
from typing import Any, List, Optional

import libcst as cst

__all__ = ["ChunkedParser"]


class ChunkedParser:
    """A drop-in for ``libcst.parse_module`` that remembers the trees of top-level statements."""

    def __init__(self, capacity: int = 4096) -> None:
        self._chunks: "OrderedDict[str, cst.Module]" = OrderedDict()
        self._capacity = capacity
        self.hits = 0
        self.misses = 0

    def __call__(self, source: str) -> cst.Module:
        module = self._assembled(source)
        return module if module is not None else cst.parse_module(source)

    def _parse_chunk(self, text: str) -> cst.Module:
        found = self._chunks.get(text)
        if found is not None:
            self._chunks.move_to_end(text)
            self.hits += 1
            return found
        self.misses += 1
        module = cst.parse_module(text)
        self._chunks[text] = module
        if len(self._chunks) > self._capacity:
            self._chunks.popitem(last=False)
        return module

    def _assembled(self, source: str) -> Optional[cst.Module]:
        starts = _statement_starts(source)
        if starts is None or len(starts) < 2:
            return None
        lines = source.splitlines(keepends=True)
        bounds = [1, *starts[1:], len(lines) + 1]
        try:
            chunks = [self._parse_chunk("".join(lines[a - 1: b - 1])) for a, b in zip(bounds, bounds[1:])]
        except cst.ParserSyntaxError:
            return None
        body: List[Any] = []
        pending: List[cst.EmptyLine] = []
        for i, chunk in enumerate(chunks):
            stmts = list(chunk.body)
            lead = list(chunk.header) if i else []
            if not stmts:
                pending += lead + list(chunk.footer)
                continue
            if pending or lead:
                stmts[0] = stmts[0].with_changes(leading_lines=[*pending, *lead, *stmts[0].leading_lines])
            body.extend(stmts)
            pending = list(chunk.footer)
        first, last = chunks[0], chunks[-1]
        if any(c.default_newline != first.default_newline or c.default_indent != first.default_indent for c in chunks):
            return None  # nodes print with their chunk's defaults: they must be the module's
        return first.with_changes(body=body, footer=pending, has_trailing_newline=last.has_trailing_newline)


def _statement_starts(source: str) -> Optional[List[int]]:
    """1-based first lines (decorators included) of the top-level statements, ascending."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    starts = []
    for node in tree.body:
        line = node.lineno
        for deco in getattr(node, "decorator_list", ()):
            line = min(line, deco.lineno)
        starts.append(line)
    return sorted(set(starts))
