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


def _text(report: Report, context: RenderContext) -> str:
    from .text import render

    return render(report, context)


def _json(report: Report, context: RenderContext) -> str:
    from .json_report import render

    return render(report, context)


def _sarif(report: Report, context: RenderContext) -> str:
    from .sarif import render

    return render(report, context)


def _github(report: Report, context: RenderContext) -> str:
    from .github import render

    return render(report, context)


def _markdown(report: Report, context: RenderContext) -> str:
    from .markdown import render

    return render(report, context)


def _mermaid(report: Report, context: RenderContext) -> str:
    from .mermaid import render

    return render(report, context)


def _html(report: Report, context: RenderContext) -> str:
    from .html import render

    return render(report, context)


FORMATS: Dict[str, Renderer] = {
    "text": _text,
    "json": _json,
    "sarif": _sarif,
    "github": _github,
    "markdown": _markdown,
    "mermaid": _mermaid,
    "html": _html,
}
