"""Source positions, computed only for the nodes a report names.

libcst's ``PositionProvider`` costs several times the parse (see the design notes'
performance facts), and a linter reports a handful of positions.  Python's own ``ast`` parser
is several times faster than libcst and gives every node its position; libcst nodes are walked
in source order, so the k-th ``Call`` of a pre-order walk is the k-th ``ast.Call`` sorted by
(start, -end).  The same holds for definitions, the block statements and binary operations.
A kind whose counts disagree (or a call whose callee differs) falls back to libcst metadata,
as do nodes of other kinds.  Columns are 1-based characters (``ast`` gives UTF-8 byte offsets);
statement spans start at the keyword (after decorators).
"""

from __future__ import annotations

import ast
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, TypeVar

import libcst as cst

from ...graph import Span
from ...source_lines import split_lines
from .guard import python_tree
from .syntax import walk

__all__ = ["Positions", "match_spans"]

_LOCATED: Tuple[Tuple[type, Tuple[type, ...]], ...] = (
    (cst.Call, (ast.Call,)),
    (cst.ClassDef, (ast.ClassDef,)),
    (cst.FunctionDef, (ast.FunctionDef, ast.AsyncFunctionDef)),
    (cst.If, (ast.If,)),
    (cst.For, (ast.For, ast.AsyncFor)),
    (cst.While, (ast.While,)),
    (cst.BinaryOperation, (ast.BinOp,)),
    (cst.Subscript, (ast.Subscript,)),
)
_KINDS = tuple(t for t, _ in _LOCATED)
_AST_KIND: Dict[type, type] = {a: t for t, group in _LOCATED for a in group}
T = TypeVar("T")


class Positions:
    """The one position index of a parsed file (shared by every framework's semantics)."""

    def __init__(self, module: cst.Module, source: str) -> None:
        self._module = module
        self._source = source
        self._spans: Optional[Dict[int, Span]] = None
        self._fallback: set = set()  # kinds whose ast counts disagreed: those use metadata
        self._metadata: Optional[Any] = None
        self._tree: Any = None

    def indexes(self, module: cst.Module, source: str) -> bool:
        """Is this the index of ``module`` parsed from ``source`` (the same objects)?"""
        return self._module is module and self._source is source

    def tree(self) -> Optional[ast.Module]:
        """The module parsed by Python's ``ast`` (cheap; shared by the position lookups)."""
        if self._tree is None:
            try:
                self._tree = python_tree(self._source)
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                self._tree = False
        return self._tree or None

    def top_level_line(self, index: int) -> int:
        """The line of the module's ``index``-th top-level statement (libcst counts a line of
        ``a; b`` as one, ``ast`` as two), without libcst's costly metadata; 1 if unknown."""
        tree = self.tree()
        body = self._module.body
        if tree is None or not 0 <= index < len(body):
            return 1
        at = sum(len(s.body) if isinstance(s, cst.SimpleStatementLine) else 1 for s in body[:index])
        if at >= len(tree.body):
            return 1
        node = tree.body[at]
        decorators = getattr(node, "decorator_list", None)
        return decorators[0].lineno if decorators else node.lineno

    def _build(self) -> Dict[int, Span]:
        spans, fallback = match_spans(self._module, self.tree(), split_lines(self._source))
        self._fallback |= fallback
        return spans

    def statement_facts(self, fact: Callable[[List[ast.stmt]], T]) -> List[T]:
        """``fact`` of the top-level statements' ``ast`` trees, as one or more partial results
        (one per cached piece of an editor's buffer, see :mod:`convlint.lsp.incremental`): a
        fact that is a union over statements can be kept per piece and not recomputed."""
        tree = self.tree()
        return [] if tree is None else [fact(tree.body)]

    def _from_metadata(self, node: cst.CSTNode) -> Optional[Span]:
        if self._metadata is None:
            from libcst.metadata import MetadataWrapper, PositionProvider

            self._metadata = MetadataWrapper(self._module, unsafe_skip_copy=True).resolve(PositionProvider)
        rng = self._metadata.get(node)
        if rng is None:
            return None
        return Span(rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1)

    def has(self, node: cst.CSTNode) -> bool:
        """Is ``node`` an indexed node of this module?"""
        if self._spans is None:
            self._spans = self._build()
        return id(node) in self._spans

    def span(self, node: cst.CSTNode) -> Span:
        """The span of ``node``: indexed kinds from ``ast``; another node is placed at the first
        indexed node inside it, else by libcst metadata, else line 1."""
        if self._spans is None:
            self._spans = self._build()
        found = self._spans.get(id(node))
        if found is not None:
            return found
        if isinstance(node, _KINDS):  # indexed: not in this module, unless its kind fell back
            return (self._from_metadata(node) if type(node) in self._fallback else None) or Span(1)
        for inner in walk(node):
            found = self._spans.get(id(inner))
            if found is not None:
                return found
        return self._from_metadata(node) or Span(1)


def match_spans(root: cst.CSTNode, tree: Optional[ast.AST], lines: List[str]) -> Tuple[Dict[int, Span], Set[type]]:
    """The spans of the indexed libcst nodes under ``root`` (by ``id``) from ``tree``, the same
    code parsed by ``ast``, whose lines are ``lines``; and the kinds whose counts disagree (those
    are left to libcst metadata)."""
    ours: Dict[type, List[cst.CSTNode]] = {t: [] for t in _KINDS}
    for n in walk(root):
        bucket = ours.get(type(n))
        if bucket is not None:
            bucket.append(n)
    theirs: Dict[type, List[ast.AST]] = {t: [] for t in _KINDS}
    if tree is not None:
        for a in ast.walk(tree):
            kind = _AST_KIND.get(type(a))
            if kind is not None:
                theirs[kind].append(a)
    out: Dict[int, Span] = {}
    fallback: Set[type] = set()
    for kind, nodes in ours.items():
        located = sorted(
            theirs[kind],
            key=lambda n: (n.lineno, n.col_offset, -(n.end_lineno or 0), -(n.end_col_offset or 0)),  # type: ignore
        )
        if len(located) != len(nodes) or (
            kind is cst.Call and not all(_same_callee(c, a) for c, a in zip(nodes, located))  # type: ignore[arg-type]
        ):
            fallback.add(kind)
            continue  # this kind falls back to libcst metadata
        for c, a in zip(nodes, located):
            out[id(c)] = _ast_span(a, lines)
    return out, fallback


def _char_col(lines: List[str], line: int, byte_col: int) -> int:
    if 1 <= line <= len(lines):
        text = lines[line - 1]
        if not text.isascii():
            return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1
    return byte_col + 1


def _ast_span(node: Any, lines: List[str]) -> Span:
    end_line = node.end_lineno or node.lineno
    return Span(
        node.lineno,
        _char_col(lines, node.lineno, node.col_offset),
        end_line,
        _char_col(lines, end_line, node.end_col_offset or 0),
    )


def _same_callee(node: cst.Call, other: ast.Call) -> bool:
    """A cheap check that two calls are the same: the called name or attribute agrees."""
    func, theirs = node.func, other.func
    if isinstance(func, cst.Name):
        return isinstance(theirs, ast.Name) and theirs.id == func.value
    if isinstance(func, cst.Attribute):
        return isinstance(theirs, ast.Attribute) and theirs.attr == func.attr.value
    return not isinstance(theirs, (ast.Name, ast.Attribute))
