"""Import resolution for the front ends: one pass over a module's import statements.

Every name a model uses is resolved through the file's own imports (``L.Conv2D``,
``from keras.layers import Conv2D as C``), never through a fixed list of spellings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Union

import libcst as cst

from .syntax import statements
from .values import QualName

if TYPE_CHECKING:  # pragma: no cover
    from .scope import Scope

__all__ = ["ImportTable", "qualified_name", "dotted_name", "import_base"]


# -- imports ----------------------------------------------------------------------------------
def dotted_name(expr: cst.BaseExpression) -> Optional[str]:
    """``a.b.c`` for a Name/Attribute chain, else ``None``."""
    parts: List[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return None
    parts.append(expr.value)
    return ".".join(reversed(parts))


def _module_path(node: Union[cst.Attribute, cst.Name]) -> str:
    return dotted_name(node) or ""


class ImportTable:
    """Local name -> qualified dotted name, from the file's own import statements; ``star``:
    the modules of ``from m import *``.  (A plain class: it is never compared, and a dataclass
    costs its generated methods at start-up.)"""

    __slots__ = ("names", "star")

    def __init__(self, names: Optional[Dict[str, str]] = None, star: Optional[List[str]] = None) -> None:
        self.names: Dict[str, str] = {} if names is None else names
        self.star: List[str] = [] if star is None else star

    @classmethod
    def from_module(cls, module: cst.Module) -> "ImportTable":
        table = cls()
        for node in statements(module.body):
            if isinstance(node, cst.Import):
                for alias in node.names:
                    full = _module_path(alias.name)
                    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                        table.names[alias.asname.name.value] = full
                    else:
                        root = full.split(".")[0]
                        table.names[root] = root
            elif isinstance(node, cst.ImportFrom):
                if node.relative or node.module is None:
                    continue  # a module of this project: read from disk, not a framework name
                base = _module_path(node.module)
                if isinstance(node.names, cst.ImportStar):
                    table.star.append(base)
                    continue
                for alias in node.names:
                    name = _module_path(alias.name)
                    local = name
                    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                        local = alias.asname.name.value
                    table.names[local] = f"{base}.{name}"
        # Module-level aliases of imported things: ``L = keras.layers``, ``Conv = L.Conv2D``.
        for stmt in module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target = small.targets[0].target
                    if isinstance(target, cst.Name):
                        q = qualified_name(small.value, table)
                        if q is not None:
                            table.names[target.value] = q
                        elif target.value in table.names:
                            del table.names[target.value]  # rebound to something else
        return table

    def resolve(self, dotted: str) -> Optional[str]:
        """Expand the first component of ``dotted`` through the table, or ``None``."""
        root, _, rest = dotted.partition(".")
        base = self.names.get(root)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base


def qualified_name(expr: cst.BaseExpression, imports: ImportTable, scope: Optional["Scope"] = None) -> Optional[str]:
    """The qualified name of a Name/Attribute chain rooted at an import, else ``None``.  With
    ``scope``, a root bound there decides: an imported value keeps its name, anything else
    shadows the import."""
    dotted = dotted_name(expr)
    if dotted is None:
        return None
    root = dotted.split(".")[0]
    if scope is not None:
        from .scope import MISSING

        value = scope.lookup(root)
        if value is not MISSING:
            if isinstance(value, QualName):
                return value.name + dotted[len(root):]
            return None
    return imports.resolve(dotted)


def import_base(stmt: cst.ImportFrom) -> str:
    """The module of a ``from ... import`` as written, leading dots included (``..blocks``)."""
    dots = "." * len(stmt.relative)
    return dots + (_module_path(stmt.module) if stmt.module is not None else "")
