"""The plugin manager: the one piece of global state, created once per run and passed along.

Everything pluggable is collected from it here, so the rest of convlint sees plain lists and
dicts: the rule classes, the layer catalogue, the output formats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict, Iterable, List, Type

import pluggy

from . import hookspecs

if TYPE_CHECKING:  # pragma: no cover
    from .layers import Catalogue
    from .rules import Rule

__all__ = ["make_plugin_manager", "collect_rules", "collect_layer_specs", "make_catalogue", "collect_formats"]


def make_plugin_manager(plugins: Iterable[object] = (), entry_points: bool = True) -> pluggy.PluginManager:
    """A manager with convlint's hook specs, the installed plugins (``convlint`` entry-point
    group, which includes the built-ins) and any extra ``plugins`` objects registered."""
    pm = pluggy.PluginManager("convlint")
    pm.add_hookspecs(hookspecs)
    if entry_points:
        pm.load_setuptools_entrypoints("convlint")
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

