"""The hooks a convlint plugin may implement.

A plugin is any object or module with functions marked ``@hookimpl`` and named after the
specifications below.  Installed packages register one through the ``convlint`` entry-point
group (``[project.entry-points.convlint] myplugin = "my_package.convlint_plugin"``); the
built-in rules and output formats load the same way, from :mod:`convlint.rules.builtin` and
:mod:`convlint.output.builtin`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict, List, Type

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    from .diagnostics import Report
    from .layers.base import LayerSpec
    from .output import RenderContext
    from .rules import Rule

__all__ = ["hookspec", "hookimpl", "convlint_rules", "convlint_layer_specs", "convlint_add_formats"]

hookspec = pluggy.HookspecMarker("convlint")
hookimpl = pluggy.HookimplMarker("convlint")


@hookspec
def convlint_rules() -> "List[Type[Rule]]":
    """Rules this plugin provides.

    Each is a :class:`convlint.rules.Rule` subclass with a unique ``code`` (the plugin's own
    prefix, e.g. ``XY101``) and kebab-case ``name``; the runner instantiates each once per run.

    :return: the rule classes.
    """


@hookspec
def convlint_layer_specs() -> "List[LayerSpec]":
    """Layer kinds this plugin teaches the engine (custom layers).

    Each :class:`convlint.layers.base.LayerSpec` names the ``(framework, class name)`` pairs it
    answers to and gives the output shape and weight shapes; the run's catalogue is
    ``default_catalogue().extended(specs)``, so a plugin spec may also replace a built-in one.

    :return: the layer specs.
    """


@hookspec
def convlint_add_formats() -> "Dict[str, Callable[[Report, RenderContext], str]]":
    """Output formats this plugin adds to ``--format``.

    A format is a pure function from the finished report (and the render context: the rules
    that ran, whether colour is wanted) to the text printed on stdout.

    :return: format name -> render function.
    """
