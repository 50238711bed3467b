"""Lexical scopes: module globals, function locals, comprehension and class-body scopes."""

from __future__ import annotations

from typing import Any, Dict, Optional

__all__ = ["Scope", "MISSING"]

MISSING: Any = object()


class Scope:
    """Names bound in one scope; lookups walk outwards (closures see their defining scope)."""

    __slots__ = ("vars", "parent", "assigned")

    def __init__(self, parent: Optional["Scope"] = None, values: Optional[Dict[str, Any]] = None) -> None:
        self.vars: Dict[str, Any] = values if values is not None else {}
        self.parent = parent
        self.assigned: set = set()
        """Names bound since the last reset (to know what an undecided branch changed)."""

    def lookup(self, name: str) -> Any:
        scope: Optional[Scope] = self
        while scope is not None:
            value = scope.vars.get(name, MISSING)
            if value is not MISSING:
                return value
            scope = scope.parent
        return MISSING

    def set(self, name: str, value: Any) -> None:
        self.vars[name] = value
        self.assigned.add(name)

    def rebind(self, name: str, value: Any) -> None:
        """Set ``name`` where it is defined (``nonlocal`` style), else here."""
        scope: Optional[Scope] = self
        while scope is not None:
            if name in scope.vars:
                scope.vars[name] = value
                return
            scope = scope.parent
        self.vars[name] = value
