"""Fixes as data: what a rule proposes, and the text edits it becomes.

A rule never sees source text (it reads a shaped graph), so it proposes a repair as
*changes* to one layer call, addressed by the call's span: set an argument, rename or drop a
keyword, rename the class called, make positional arguments one tuple, put a layer before this
one.  :mod:`convlint.fix` locates those in the parsed source
(libcst), turns them into :class:`Edit` values touching only the changed tokens, and keeps a
fix only if re-analysing the edited file shows the problem gone.  Renderers and the editor
read the edits; ``--fix`` applies them.  The Keras front end, which does read the call, proposes
the repair of a legacy spelling the same way, on its note (``frontend/keras/legacy_fix.py``).

A rule attaches a fix in a few lines::

    from ..edits import Fix, RenameArgument
    fix = Fix.of("Use the Keras 3 spelling", r.node.span, r.node.type,
                 RenameArgument("border_mode", "padding"), safe=True)
    yield self.at(path, span, message, model, cell, fix=fix)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from typing import Any, Optional, Tuple

__all__ = [
    "SAFE",
    "UNSAFE",
    "Edit",
    "Fix",
    "Change",
    "SetArgument",
    "RenameArgument",
    "RemoveArgument",
    "RenameCallee",
    "GroupPositional",
    "InsertLayerBefore",
    "KEEP",
]

_SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}

SAFE = "safe"
"""The model computes what it did (or what it plainly meant where it could not run): applied by ``--fix``."""
UNSAFE = "unsafe"
"""The fix changes what the model computes (a layer added, a padding changed): shown always,
applied only with ``--unsafe-fixes``."""


class _Keep:
    """Marker: keep the argument's current value (a rename only)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


@dataclass(frozen=True, **_SLOTS)
class Edit:
    """Replace the text from (``line``, ``column``) to (``end_line``, ``end_column``) with
    ``content``.  1-based lines, 1-based character columns, end exclusive; an insertion has
    start == end.  In a notebook, ``cell`` is the code cell (1-based) and lines are the cell's."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str
    cell: Optional[int] = None

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        # frozen + slots pickling was broken in some 3.10 releases; fixes cross process boundaries
        return (Edit, (self.line, self.column, self.end_line, self.end_column, self.content, self.cell))


# -- what rules propose ---------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """Base of the changes a rule can propose to the layer call it reports."""


@dataclass(frozen=True)
class SetArgument(Change):
    """Give argument ``name`` the Python value ``value`` (an int, str, bool, None or tuple of
    those): its value is replaced where it is written (by keyword, or at ``position`` among the
    positional arguments, 0-based, per the class's signature), else ``name=value`` is added.
    Only a literal is replaced: a value computed from names belongs to whoever wrote it."""

    name: str
    value: Any
    position: Optional[int] = None
    formula: str = ""
    """The value as the arithmetic that makes it (``16 * 5 * 5``): written instead of the
    plain value where the author wrote a formula too."""


@dataclass(frozen=True)
class RenameArgument(Change):
    """Rename keyword ``old`` to ``new``, keeping its value, or giving it ``value`` (mapped
    spellings such as ``border_mode="valid"`` -> ``padding="valid"``)."""

    old: str
    new: str
    value: Any = KEEP


@dataclass(frozen=True)
class RemoveArgument(Change):
    """Drop keyword argument ``name`` (with its comma)."""

    name: str


@dataclass(frozen=True)
class RenameCallee(Change):
    """Call ``new`` instead (``layers.Deconvolution2D`` -> ``layers.Conv2DTranspose``,
    ``merge`` -> ``add``).  Reached through a module (``layers.X``), only that token changes.
    A name imported on its own (``from keras.layers import X``) has its import changed too, so
    the file still imports what it calls: ``X`` becomes ``new`` there when this call is its last
    use, ``new`` is imported beside it while other calls still use ``X`` (the next round of
    ``--fix`` finishes).  The caller has checked that ``new`` lives in the module ``X`` is
    imported from; an aliased or otherwise bound name is no fix."""

    new: str


@dataclass(frozen=True)
class GroupPositional(Change):
    """Make positional arguments ``first`` .. ``first + count - 1`` (0-based) one tuple
    argument, each keeping its own text: Keras 1's ``Convolution2D(32, 3, 3)`` (one argument per
    kernel axis) becomes ``Convolution2D(32, (3, 3))``."""

    first: int
    count: int


@dataclass(frozen=True)
class InsertLayerBefore(Change):
    """Apply layer ``layer`` (``"Flatten"``) to this layer's input: a new element before it in a
    ``Sequential``, a ``model.add(...)`` before its ``add``, a wrapped input in a functional call,
    ``x.flatten(1)`` where a PyTorch ``forward`` calls it (``framework="torch"``, ``Flatten``)."""

    layer: str
    framework: str = ""


@dataclass(frozen=True)
class Fix:
    """One repair of one diagnostic.  ``changes`` are what the rule proposed, on the layer call
    at (``line``, ``column``) whose callee is ``callee``; ``edits`` are the resolved text edits
    (empty until :mod:`convlint.fix` resolved them: only a fix with edits is shown)."""

    message: str
    applicability: str = SAFE
    edits: Tuple[Edit, ...] = ()
    changes: Tuple[Change, ...] = field(default=(), compare=False)
    line: int = 0
    column: int = 0
    callee: str = ""

    @classmethod
    def of(cls, message: str, span: Any, callee: str, *changes: Change, safe: bool = True) -> "Fix":
        """A proposal of ``changes`` to the call of ``callee`` (a class name) at ``span``."""
        return cls(message, SAFE if safe else UNSAFE, (), tuple(changes), span.line, span.column, callee)

    @property
    def resolved(self) -> bool:
        return bool(self.edits)

    def with_edits(self, edits: Tuple[Edit, ...]) -> "Fix":
        return replace(self, edits=tuple(edits))
