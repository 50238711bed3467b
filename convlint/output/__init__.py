"""Renderers: a finished :class:`~convlint.diagnostics.Report` -> text for stdout.

A format is a plain function ``render(report, context) -> str`` registered by name in
:data:`FORMATS`, which reaches ``--format`` through the plugin manager like any plugin's formats
(:mod:`convlint.output.builtin` implements ``convlint_add_formats``).  Renderers only format:
they never recompute a shape or re-run a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping

from ..diagnostics import Report

__all__ = ["RenderContext", "Renderer", "FORMATS"]


@dataclass(frozen=True)
class RenderContext:
    """What a renderer may need besides the report."""

    rules: Mapping[str, Any] = field(default_factory=dict)
    """Every registered rule class by code (SARIF lists them with their documentation)."""
    color: bool = False
    summary: bool = False
    """Print a per-model layer table (``--summary``)."""
    why: bool = False
    """Print the formulas behind every size and count (``--why``; the runner computed them)."""
    version: str = ""


Renderer = Callable[[Report, RenderContext], str]


def _lazy(module: str) -> Renderer:
    """A renderer that imports its module (``convlint.output.<module>``) on first use, so a run
    pays only for the format it prints."""

    def render(report: Report, context: RenderContext) -> str:
        from importlib import import_module

        return import_module(f"{__name__}.{module}").render(report, context)

    render.__name__ = f"render_{module}"
    return render


FORMATS: Dict[str, Renderer] = {
    name: _lazy(module)
    for name, module in (
        ("text", "text"), ("json", "json_report"), ("sarif", "sarif"), ("github", "github"),
        ("markdown", "markdown"), ("mermaid", "mermaid"), ("html", "html"),
    )
}
