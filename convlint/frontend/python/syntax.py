"""Source text and tree walking for the front ends (source positions are ``positions.py``'s).
"""

from __future__ import annotations

import dataclasses
import weakref
from typing import Dict, Iterator, List, Sequence, Tuple

import libcst as cst


__all__ = ["source_text", "walk", "statements"]


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
    # The MRO, not ``issubclass``: libcst's node base is an abstract class, and ``issubclass`` of
    # a type that is no node (``str``, a sentinel) asks every one of its ~250 subclasses in turn.
    kind = 1 if cst.CSTNode in t.__mro__ else 2 if issubclass(t, (list, tuple)) else 0
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
