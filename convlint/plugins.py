"""The plugin manager: the one piece of global state, created once per run and passed along.

Everything pluggable is collected from it here, so the rest of convlint sees plain lists and
dicts: the rule classes, the layer catalogue, the output formats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict, Iterable, List, Tuple, Type

import pluggy

from . import hookspecs
from .entry_points import find_entry_points

if TYPE_CHECKING:  # pragma: no cover
    from .layers import Catalogue
    from .rules import Rule

__all__ = ["PluginManager", "make_plugin_manager", "collect_rules", "collect_layer_specs", "make_catalogue", "collect_formats"]


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, plus the installed distributions its plugins came from (``name,
    version``): they are part of the cache key and of ``--version``."""

    def __init__(self) -> None:
        super().__init__("convlint")
        self.distributions: List[Tuple[str, str]] = []

    def load_entry_points(self, group: str = "convlint") -> None:
        """Register every installed plugin of ``group`` (pluggy's ``load_setuptools_entrypoints``,
        without the cost of :mod:`importlib.metadata`: see :mod:`convlint.entry_points`)."""
        for ep in find_entry_points(group):
            if self.has_plugin(ep.name) or self.is_blocked(ep.name):
                continue
            self.register(ep.load(), name=ep.name)
            self.distributions.append((ep.dist, ep.version))


def make_plugin_manager(plugins: Iterable[object] = (), entry_points: bool = True) -> PluginManager:
    """A manager with convlint's hook specs, the installed plugins (``convlint`` entry-point
    group, which includes the built-ins) and any extra ``plugins`` objects registered."""
    pm = PluginManager()
    pm.add_hookspecs(hookspecs)
    if entry_points:
        pm.load_entry_points("convlint")
    for plugin in plugins:
        pm.register(plugin)
    return pm


def collect_rules(pm: pluggy.PluginManager) -> "Dict[str, Type[Rule]]":
    """Every registered rule by code, validated (well-formed, unique codes and names)."""
    from .rules import validate_rules

    rules: List[Type[Rule]] = []
    for batch in pm.hook.convlint_rules():
        rules.extend(batch or ())
    return validate_rules(rules)


def collect_layer_specs(pm: pluggy.PluginManager) -> list:
    specs: list = []
    # pluggy calls the most recently registered plugin first; reverse so later plugins win.
    for batch in reversed(pm.hook.convlint_layer_specs()):
        specs.extend(batch or ())
    return specs


def make_catalogue(pm: pluggy.PluginManager) -> "Catalogue":
    """The built-in catalogue extended with the plugins' layer specs."""
    from .layers import default_catalogue

    specs = collect_layer_specs(pm)
    return default_catalogue().extended(specs) if specs else default_catalogue()


def collect_formats(pm: pluggy.PluginManager) -> Dict[str, Callable]:
    formats: Dict[str, Callable] = {}
    for batch in reversed(pm.hook.convlint_add_formats()):
        formats.update(batch or {})
    return formats

