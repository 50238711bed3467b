"""Renaming what a call calls, with the file's imports kept true.

``layers.Deconvolution2D(...)`` -> ``layers.Conv2DTranspose(...)`` is one token.  A name
imported on its own (``from keras.layers import Deconvolution2D``) is more: the fixed file must
still import what it calls, and Keras 3 has no ``Deconvolution2D`` to import, so the import
changes with the call.  Other calls may still use the old name (two ``merge`` calls that
become ``add`` and ``concatenate``): while they do, the new name is imported beside the old one;
the fix of the last of them replaces the old name (``--fix`` runs in rounds, so one run does
all).  Whatever would make the renaming touch more than calls of that one import (the name
aliased, assigned, passed around, or the new name already meaning something else) is no fix.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

import libcst as cst

from .edits import Edit, RenameCallee
from .fix import CallSite, NoFix, SourceIndex, _edit, _insert, remove_item

__all__ = ["rename_callee"]

Binding = Tuple[cst.ImportFrom, cst.ImportAlias]


def rename_callee(site: CallSite, change: RenameCallee) -> List[Edit]:
    """The edits that make ``site``'s call call ``change.new``; raises :class:`NoFix`."""
    func, index, new = site.call.func, site.index, change.new
    if isinstance(func, cst.Attribute):
        r = index.range(func.attr)
        return [_edit(r.start, r.end, new)]
    if not isinstance(func, cst.Name):
        raise NoFix("the callee is neither a name nor module.name")
    old = func.value
    binding = _binding(index, old)
    if binding is None:
        raise NoFix(f"{old} is not imported once, by its own name, with `from ... import`")
    uses = _uses(index, old)
    if not all(_called(index, n) for n in uses):
        raise NoFix(f"{old} is used other than called here and there: renaming its import would break that")
    beside = _binding(index, new)
    if beside is not None and _module(index, beside) != _module(index, binding):
        raise NoFix(f"{new} is imported from another module")
    if beside is None and _uses(index, new):
        raise NoFix(f"{new} already names something else in this file")
    r = index.range(func)
    edits = [_edit(r.start, r.end, new)]
    statement, alias = binding
    if len(uses) == 1:  # this call is the import's last use
        if beside is not None:
            aliases = list(statement.names)  # type: ignore[arg-type]
            if len(aliases) == 1:
                raise NoFix(f"dropping {old} would leave its import statement empty")
            edits.extend(remove_item(index, aliases, aliases.index(alias)))
        else:
            a = index.range(alias.name)
            edits.append(_edit(a.start, a.end, new))
    elif beside is None:  # others still call the old name: import the new one beside it
        edits.append(_import_beside(index, alias, new))
    return edits


def _import_beside(index: SourceIndex, alias: cst.ImportAlias, new: str) -> Edit:
    """``new`` imported after ``alias``: on a line of its own where the import lists one name a
    line, else as ``old, new``."""
    comma = alias.comma
    if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        line = index.range(alias).start.line
        indent = re.match(r"[ \t]*", index.line_text(line)).group(0)  # type: ignore[union-attr]
        return _insert(line, len(index.line_text(line)) + 1, f"\n{indent}{new},")
    end = index.range(alias.name).end
    return _insert(end.line, end.column + 1, f", {new}")


def _binding(index: SourceIndex, name: str) -> Optional[Binding]:
    """The one ``from M import name`` (unaliased) that binds ``name``, if that is its only binding
    by import."""
    found = []
    for statement in index.index.imports:
        if isinstance(statement.names, cst.ImportStar):
            continue
        for alias in statement.names:
            if alias.evaluated_alias == name or (alias.asname is None and alias.evaluated_name == name):
                found.append((statement, alias))
    if len(found) != 1 or found[0][1].asname is not None:
        return None
    return found[0]


def _module(index: SourceIndex, binding: Binding) -> str:
    statement = binding[0]
    dots = "." * len(statement.relative)
    return dots + (index.module.code_for_node(statement.module) if statement.module is not None else "")


def _in_import(index: SourceIndex, node: cst.CSTNode) -> bool:
    parent = index.parent(node)
    while parent is not None:
        if isinstance(parent, (cst.Import, cst.ImportFrom)):
            return True
        if isinstance(parent, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            return False
        parent = index.parent(parent)
    return False


def _uses(index: SourceIndex, name: str) -> List[cst.Name]:
    """Every ``Name`` spelled ``name`` outside import statements, but for attribute and keyword
    names (``model.add``, ``f(add=1)`` use no variable ``add``)."""
    return [n for n in index.index.names if n.value == name and not _in_import(index, n) and not _is_attr(index, n)]


def _is_attr(index: SourceIndex, node: cst.Name) -> bool:
    """``node`` is the attribute part of ``x.node`` or a keyword's name: not a use of a variable."""
    parent = index.parent(node)
    if isinstance(parent, cst.Attribute) and parent.attr is node:
        return True
    return isinstance(parent, cst.Arg) and parent.keyword is node


def _called(index: SourceIndex, node: cst.Name) -> bool:
    parent = index.parent(node)
    return isinstance(parent, cst.Call) and parent.func is node
