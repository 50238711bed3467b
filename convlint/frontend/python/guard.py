"""Whether libcst's native parser may be given a source: CPython's own parser decides first.

libcst 1.9's native parser takes the whole process down (SIGSEGV, no output) on an
expression nested a few thousand levels deep (``x = ----...1`` with 10,000 signs, ``a+a+...``
with 10,000 terms, 50,000 ``not``), and below that its time and memory grow with the square of
the depth (measured, one statement: ``a[0][0]...`` 500 deep 0.7 s, 1,000 deep 3.2 s, 2,000 deep
28 s; ``1 if a else`` repeated 2,000 times 0.7 GB, 5,000 times 4.3 GB).  CPython's parser is
ten times faster, fails cleanly where libcst would crash (``RecursionError`` or ``MemoryError``
near 3,000 levels, "too many nested parentheses" past 200 brackets), and its tree tells the
real depth.  So every source is parsed by ``ast`` first; the tree is kept for the position
index (:func:`python_tree`), which would parse it anyway.

A ``SyntaxError`` from ``ast`` alone does not refuse a source: libcst reads newer syntax than
an older interpreter running convlint, and reports real syntax errors itself.
"""

from __future__ import annotations

import ast
from typing import Any, List, Optional, Tuple

__all__ = ["MAX_DEPTH", "DEEP", "MAX_DEEP_COST", "Refusal", "refusal", "depth_refusal", "python_tree", "expression_depths"]

MAX_DEPTH = 1_000
"""The deepest expression convlint gives libcst.  Real code stays far below: over the 8,480
files of this project's virtual environment (133 MB), 99.9% nest at most 56 levels and the
deepest (a generated lookup table in sympy) 569."""
DEEP = 100
"""Statements nested deeper than this count towards :data:`MAX_DEEP_COST`."""
MAX_DEEP_COST = 2 * MAX_DEPTH**2
"""The sum of the squared depths of the deep statements of one source: libcst's cost grows
with that sum, so many moderately deep statements are refused as one very deep one is."""


class Refusal:
    """Why a source is not parsed.  ``kind`` is a front-end note kind: ``syntax-error`` when
    Python itself cannot compile it, ``resource-limit`` when it is past convlint's own limit.
    (A plain class: every run imports this module, most never refuse, and a dataclass costs
    its generated methods at start-up.)"""

    __slots__ = ("kind", "message", "line", "column")

    def __init__(self, kind: str, message: str, line: int = 1, column: int = 1) -> None:
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column


_LAST: List[Any] = [None, None]
"""The last source :func:`python_tree` parsed (the same ``str`` object) and its tree."""


def python_tree(source: str) -> ast.Module:
    """``ast.parse(source)``, once per source object: the guard and the position index share it.
    Raises what ``ast.parse`` raises."""
    if _LAST[0] is source:
        return _LAST[1]
    tree = ast.parse(source)
    _LAST[0], _LAST[1] = source, tree
    return tree


def forget() -> None:
    """Drop the kept tree (it is as large as the source many times over)."""
    _LAST[0] = _LAST[1] = None


def refusal(source: str) -> Optional[Refusal]:
    """``None`` when libcst may parse ``source``, else why not.  Never raises."""
    try:
        tree = python_tree(source)
    except (RecursionError, MemoryError) as err:
        line = _failing_statement(source)
        what = "the statement here nests" if line else "it nests"
        message = f"cannot parse this file: {what} too deeply for Python's own parser ({type(err).__name__})"
        return Refusal("syntax-error", message, line or 1)
    except SyntaxError as err:
        if "too many nested" in str(err.msg):  # libcst crashes on these; Python's message says where
            return Refusal("syntax-error", f"cannot parse this file: {err.msg}", err.lineno or 1, max(err.offset or 1, 1))
        return None
    except (ValueError, TypeError):  # null bytes and the like: libcst says what it makes of them
        return None
    return depth_refusal(expression_depths(tree))


def depth_refusal(depths: List[Tuple[int, int]]) -> Optional[Refusal]:
    """``None`` when statements nesting this deep ((depth, line) from :func:`expression_depths`,
    over one source) are within libcst's limits, else why not.  Separate from :func:`refusal` for
    an editor's buffer, whose statements are parsed and measured one by one."""
    if not depths:
        return None
    depth, line = max(depths)
    if depth > MAX_DEPTH:
        return Refusal(
            "resource-limit",
            f"an expression nested {depth:,} levels deep is more than convlint reads ({MAX_DEPTH:,}): "
            "its parser would take minutes or crash on it; nothing in this file was checked",
            line,
        )
    cost = sum(d * d for d, _ in depths if d > DEEP)
    if cost > MAX_DEEP_COST:
        deep = sum(1 for d, _ in depths if d > DEEP)
        return Refusal(
            "resource-limit",
            f"{deep:,} statements nest expressions more than {DEEP} levels deep (the deepest {depth:,}): more than "
            "convlint's parser reads in reasonable time; nothing in this file was checked",
            line,
        )
    return None


def _failing_statement(source: str) -> Optional[int]:
    """The line of the top-level statement Python's parser fails on, parsed one by one."""
    from .split import split

    for chunk in split(source) or ():
        try:
            ast.parse(source[chunk.start:chunk.end])
        except (RecursionError, MemoryError):
            return chunk.line
        except (SyntaxError, ValueError):
            continue
    return None


def expression_depths(tree: ast.AST) -> List[Tuple[int, int]]:
    """(depth, line) of every statement whose expressions may nest more than :data:`DEEP`
    levels.  A statement's depth counts the nodes of its own expressions, not the statements
    of its blocks (libcst's cost is in expressions; statements nest at most 100 deep, Python's
    own limit).  Each level of an expression takes at least one character of source, so a
    statement on one line shorter than :data:`DEEP` is not walked at all: most are."""
    out: List[Tuple[int, int]] = []
    owners: List[Any] = list(getattr(tree, "body", []))
    while owners:
        owner = owners.pop()
        line = getattr(owner, "lineno", None)
        if line is not None and owner.end_lineno == line and owner.end_col_offset - owner.col_offset <= DEEP:
            continue
        parts: List[Any] = []
        for name in owner._fields:
            value = getattr(owner, name, None)
            if name in _BLOCKS:
                owners.extend(value)  # statements, except handlers, match cases: each alone
            elif isinstance(value, ast.AST):
                parts.append(value)
            elif isinstance(value, list):
                parts.extend(v for v in value if isinstance(v, ast.AST))
        depth = _depth(parts)
        if depth > DEEP:
            out.append((depth, line or 1))
    return out


_BLOCKS = frozenset(("body", "orelse", "finalbody", "handlers", "cases"))


def _depth(roots: List[Any]) -> int:
    """The deepest chain of nodes under ``roots`` (expressions: no statement is below)."""
    deepest = 0
    stack: List[Tuple[Any, int]] = [(r, 1) for r in roots if not isinstance(r, ast.expr_context)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if depth > deepest:
            deepest = depth
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                if name != "ctx":  # Load / Store: a leaf's context, not nesting
                    push((value, depth + 1))
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        push((item, depth + 1))
    return deepest
