"""Source text, tree walking and source positions for the front ends.

Kept apart from value folding (``values.py``): these helpers only read the syntax tree.  Positions
come from Python's ``ast`` (cheap) instead of libcst's ``PositionProvider`` (about 4.6x the parse
here), matched node for node, with libcst as the fallback when the two trees disagree.
"""

from __future__ import annotations

import ast
import dataclasses
import weakref
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import libcst as cst

from ..graph import Span

__all__ = ["source_text", "walk", "statements", "SpanIndex"]


# -- source text and tree walking -------------------------------------------------------------
_EMPTY = cst.Module(body=[])


_TEXT_CACHE: "weakref.WeakKeyDictionary[cst.CSTNode, str]" = weakref.WeakKeyDictionary()


def source_text(node: cst.CSTNode, limit: int = 80) -> str:
    """The code of ``node`` on one line, shortened to ``limit`` characters, for messages.

    Cached per node: loops re-fold the same unknown expression many times, and generating
    code is the expensive part of an ``Unknown``."""
    try:
        text = _TEXT_CACHE.get(node)
    except TypeError:
        text = None
    if text is None:
        try:
            text = " ".join(_EMPTY.code_for_node(node).split())
        except Exception:
            return type(node).__name__
        try:
            _TEXT_CACHE[node] = text
        except TypeError:
            pass
    return text if len(text) <= limit else text[: limit - 3] + "..."


_FIELD_ORDER: Dict[type, Tuple[str, ...]] = {
    # dataclass field order differs from source order for these
    cst.IfExp: ("body", "test", "orelse"),
    cst.FunctionDef: ("decorators", "name", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "name", "bases", "keywords", "body"),
    cst.Parameters: ("posonly_params", "params", "star_arg", "kwonly_params", "star_kwarg"),
    cst.ExceptHandler: ("type", "name", "body"),
    cst.ExceptStarHandler: ("type", "name", "body"),
    cst.MatchCase: ("pattern", "guard", "body"),
}
_SKIP_FIELDS = frozenset(
    ("comma", "semicolon", "colon", "equal", "star", "dot", "leading_lines", "lines_after_decorators",
     "header", "footer", "newline", "operator", "lpar", "rpar", "lbracket", "rbracket", "lbrace", "rbrace")
)


def _child_fields(node_type: type) -> Tuple[str, ...]:
    names = _FIELD_ORDER.get(node_type)
    if names is None:
        names = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if not f.name.startswith("whitespace") and f.name not in _SKIP_FIELDS
        )
        _FIELD_ORDER[node_type] = names
    return names


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under ``node`` (included), in source order.

    Reads dataclass fields directly (3x faster than libcst's ``children``, which rebuilds
    nodes); whitespace and punctuation are skipped.
    """
    stack: List[cst.CSTNode] = [node]
    is_node = _IS_NODE
    while stack:
        current = stack.pop()
        yield current
        kids: List[cst.CSTNode] = []
        for name in _child_fields(type(current)):
            value = getattr(current, name, None)
            kind = is_node.get(type(value))
            if kind is None:
                kind = is_node[type(value)] = _node_kind(type(value))
            if kind == 1:
                kids.append(value)
            elif kind == 2:
                for v in value:
                    if is_node.get(type(v)) == 1 or (type(v) not in is_node and _node_kind(type(v)) == 1):
                        kids.append(v)
        stack.extend(reversed(kids))


_IS_NODE: Dict[type, int] = {}
"""type -> 1 (a libcst node), 2 (a sequence), 0 (other): ``isinstance`` against libcst's
abstract base classes is slow, and ``walk`` asks it for every field of every node."""


def _node_kind(t: type) -> int:
    kind = 1 if issubclass(t, cst.CSTNode) else 2 if issubclass(t, (list, tuple)) else 0
    _IS_NODE[t] = kind
    return kind


def statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Every statement (small statements included) in ``body`` and the blocks nested in it,
    without descending into expressions: the cheap way to find imports and definitions."""
    stack: List[cst.CSTNode] = list(reversed(list(body)))
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, cst.SimpleStatementLine):
            stack.extend(reversed(list(stmt.body)))
            continue
        nested: List[cst.CSTNode] = []
        for name in ("body", "handlers", "orelse", "finalbody", "cases"):
            part = getattr(stmt, name, None)
            if part is None:
                continue
            parts = part if isinstance(part, (list, tuple)) else [part]
            for p in parts:
                if isinstance(p, cst.If):
                    nested.append(p)
                elif isinstance(p, (cst.Else, cst.Finally, cst.ExceptHandler, cst.ExceptStarHandler, cst.MatchCase)):
                    nested.extend(_suite(p.body))
                elif isinstance(p, cst.BaseSuite):
                    nested.extend(_suite(p))
        stack.extend(reversed(nested))


def _suite(suite: cst.BaseSuite) -> List[cst.CSTNode]:
    return list(suite.body)


# -- positions --------------------------------------------------------------------------------
_LOCATED: Tuple[Tuple[type, Tuple[type, ...]], ...] = (
    (cst.Call, (ast.Call,)),
    (cst.ClassDef, (ast.ClassDef,)),
    (cst.FunctionDef, (ast.FunctionDef, ast.AsyncFunctionDef)),
    (cst.If, (ast.If,)),
    (cst.For, (ast.For, ast.AsyncFor)),
    (cst.While, (ast.While,)),
)


class SpanIndex:
    """Source spans of calls (and of ``class``/``def``/``if``/``for``/``while`` statements)
    without libcst's ``PositionProvider``.

    Why: resolving positions through libcst metadata costs about 1.3-4.6x the parse, for a
    handful of nodes a linter reports.  Python's own ``ast`` parser is several times faster than
    libcst and gives every node its position; libcst nodes are walked in source order, so the
    k-th ``Call`` of a pre-order walk is the k-th ``ast.Call`` sorted by (start, -end).  If the
    counts of a node type disagree, or a called name differs, it falls back to
    ``PositionProvider``.  Columns are 1-based characters (``ast`` gives UTF-8 byte offsets).
    Statement spans start at the keyword (after decorators).
    """

    def __init__(self, module: cst.Module, source: str) -> None:
        self._module = module
        self._source = source
        self._spans: Optional[Dict[int, Span]] = None

    def _build(self) -> Dict[int, Span]:
        ours: Dict[type, List[cst.CSTNode]] = {t: [] for t, _ in _LOCATED}
        for n in walk(self._module):
            bucket = ours.get(type(n))
            if bucket is not None:
                bucket.append(n)
        try:
            tree = ast.parse(self._source)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return self._metadata_spans()
        theirs: Dict[type, List[ast.AST]] = {t: [] for t, _ in _LOCATED}
        kinds = {a: t for t, group in _LOCATED for a in group}
        for a in ast.walk(tree):
            kind = kinds.get(type(a))
            if kind is not None:
                theirs[kind].append(a)
        lines = self._source.splitlines()
        out: Dict[int, Span] = {}
        for kind, nodes in ours.items():
            located = sorted(
                theirs[kind],
                key=lambda n: (n.lineno, n.col_offset, -(n.end_lineno or 0), -(n.end_col_offset or 0)),  # type: ignore
            )
            if len(located) != len(nodes):
                return self._metadata_spans()
            for c, a in zip(nodes, located):
                if kind is cst.Call and not _same_callee(c, a):  # type: ignore[arg-type]
                    return self._metadata_spans()
                out[id(c)] = self._ast_span(a, lines)
        return out

    @staticmethod
    def _char_col(lines: List[str], line: int, byte_col: int) -> int:
        if 1 <= line <= len(lines):
            text = lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1
        return byte_col + 1

    def _ast_span(self, node: Any, lines: List[str]) -> Span:
        end_line = node.end_lineno or node.lineno
        return Span(
            node.lineno,
            self._char_col(lines, node.lineno, node.col_offset),
            end_line,
            self._char_col(lines, end_line, node.end_col_offset or 0),
        )

    def _metadata_spans(self) -> Dict[int, Span]:
        from libcst.metadata import MetadataWrapper, PositionProvider

        wrapper = MetadataWrapper(self._module, unsafe_skip_copy=True)
        positions = wrapper.resolve(PositionProvider)
        out: Dict[int, Span] = {}
        kinds = tuple(t for t, _ in _LOCATED)
        for node, pos in positions.items():
            if isinstance(node, kinds):
                out[id(node)] = Span(pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1)
        return out

    def span(self, node: cst.CSTNode) -> Span:
        """The span of a call or an indexed statement (other nodes: the first indexed node
        inside them, else line 1)."""
        if self._spans is None:
            self._spans = self._build()
        found = self._spans.get(id(node))
        if found is not None:
            return found
        for inner in walk(node):
            found = self._spans.get(id(inner))
            if found is not None:
                return found
        return Span(1)


def _same_callee(node: cst.Call, other: ast.Call) -> bool:
    """A cheap check that two calls are the same: the called name or attribute agrees."""
    func, theirs = node.func, other.func
    if isinstance(func, cst.Name):
        return isinstance(theirs, ast.Name) and theirs.id == func.value
    if isinstance(func, cst.Attribute):
        return isinstance(theirs, ast.Attribute) and theirs.attr == func.attr.value
    return not isinstance(theirs, (ast.Name, ast.Attribute))
