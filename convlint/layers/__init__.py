"""The layer catalogue: every layer kind convlint understands, one spec per family.

Built-in specs are listed here; plugins add more through the ``convlint_layer_specs`` hook.
A :class:`Catalogue` is an immutable lookup built from a list of specs, passed explicitly to
the engine and the executor (no global registry).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Tuple

from .base import LayerSpec

__all__ = ["Catalogue", "builtin_specs", "default_catalogue"]


class Catalogue:
    """Lookup of specs by ``(framework, class name)``, aliases resolved."""

    def __init__(self, specs: Iterable[LayerSpec]) -> None:
        self._specs: Dict[Tuple[str, str], LayerSpec] = {}
        self._aliases: Dict[Tuple[str, str], str] = {}
        for spec in specs:
            for key in spec.types:
                self._specs[key] = spec
            for (fw, alias), canonical in spec.aliases.items():
                self._aliases[(fw, alias)] = canonical

    def canonical(self, framework: str, name: str) -> str:
        """The framework's own class name for ``name`` (``MaxPool2D`` -> ``MaxPooling2D``)."""
        return self._aliases.get((framework, name), name)

    def get(self, framework: str, name: str) -> Optional[LayerSpec]:
        return self._specs.get((framework, self.canonical(framework, name)))

    def names(self, framework: str) -> List[str]:
        """All class names (canonical and aliases) known for a framework."""
        out = [n for fw, n in self._specs if fw == framework]
        out += [n for fw, n in self._aliases if fw == framework]
        return sorted(set(out))

    def extended(self, specs: Iterable[LayerSpec]) -> "Catalogue":
        """A new catalogue with ``specs`` added (later specs win)."""
        return Catalogue(list(self._all()) + list(specs))

    def _all(self) -> List[LayerSpec]:
        seen: List[LayerSpec] = []
        for spec in self._specs.values():
            if not any(spec is s for s in seen):
                seen.append(spec)
        return seen


def builtin_specs() -> List[LayerSpec]:
    """Every built-in spec instance."""
    from . import conv, core, merging, normalization, pooling, preprocessing, reducing, reshaping

    specs: List[LayerSpec] = []
    for module in (core, conv, pooling, normalization, reshaping, merging, reducing, preprocessing):
        specs.extend(module.SPECS)
    return specs


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The built-in catalogue (immutable, so caching it is not shared mutable state)."""
    return Catalogue(builtin_specs())
