"""Source positions for the PyTorch front end, computed only when first asked for.

libcst's ``PositionProvider`` costs several times the parse (PERFORMANCE.md), and a linter
reports only a handful of positions, so calls go through the shared
:class:`~convlint.frontend.values.SpanIndex` (Python's ``ast``) and definitions are matched to
``ast`` the same way; only other nodes fall back to libcst metadata.
"""

from __future__ import annotations

import ast
from typing import Any, Dict, Iterator, List, Optional, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..graph import Span
from .values import SpanIndex, walk

__all__ = ["Positions"]


class Positions:
    """Source positions, computed only when first asked for.

    Calls (layer constructors, functional ops) go through the shared
    :class:`~convlint.frontend.values.SpanIndex` (Python's ``ast`` is far cheaper than libcst
    metadata); class and function definitions are matched to ``ast`` in source order the same
    way.  Only other nodes without a call inside fall back to libcst's ``PositionProvider``.
    """

    def __init__(self, module: cst.Module, source: str) -> None:
        self._module = module
        self._source = source
        self._calls = SpanIndex(module, source)
        self._defs: Optional[Dict[int, Span]] = None
        self._map: Optional[Any] = None
        self._tree: Any = None

    def span(self, node: cst.CSTNode) -> Span:
        if isinstance(node, (cst.ClassDef, cst.FunctionDef)):
            found = self._def_spans().get(id(node))
            if found is not None:
                return found
        elif isinstance(node, cst.Call) or any(isinstance(n, cst.Call) for n in walk(node)):
            return self._calls.span(node)
        if self._map is None:
            self._map = MetadataWrapper(self._module, unsafe_skip_copy=True).resolve(PositionProvider)
        rng = self._map.get(node)
        if rng is None:
            return Span(1, 1)
        return Span(rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1)

    def tree(self) -> Optional[ast.Module]:
        """The module parsed by Python's ``ast`` (cheap; shared by the position lookups)."""
        if self._tree is None:
            try:
                self._tree = ast.parse(self._source)
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                self._tree = False
        return self._tree or None

    def _def_spans(self) -> Dict[int, Span]:
        """The ``class``/``def`` keyword line of each definition (decorators excluded)."""
        if self._defs is None:
            self._defs = {}
            defs = list(_definitions(self._module.body))
            tree = self.tree()
            located = sorted(
                (n for n in ast.walk(tree) if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))),
                key=lambda n: (n.lineno, n.col_offset),
            ) if tree is not None else []
            if len(located) == len(defs) and all(d.name.value == a.name for d, a in zip(defs, located)):
                self._defs = {id(d): Span(a.lineno, a.col_offset + 1) for d, a in zip(defs, located)}
        return self._defs


def _definitions(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Class and function definitions in source order, descending only into statement blocks
    (a definition cannot hide inside an expression), which is much cheaper than a full walk."""
    for stmt in body:
        if isinstance(stmt, (cst.ClassDef, cst.FunctionDef)):
            yield stmt
        for block in _blocks(stmt):
            yield from _definitions(block)


def _blocks(stmt: cst.CSTNode) -> List[Sequence[cst.CSTNode]]:
    out: List[Sequence[cst.CSTNode]] = []
    for attr in ("body", "orelse", "finalbody"):
        part = getattr(stmt, attr, None)
        if isinstance(part, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            out.append(part.body)
        elif isinstance(part, (cst.Else, cst.Finally)):
            out.append(part.body.body)
        elif isinstance(part, cst.If):
            out.append([part])
    for handler in getattr(stmt, "handlers", ()) or ():
        out.append(handler.body.body)
    return out
