"""``--format github``: GitHub Actions workflow commands, one annotation per diagnostic."""

from __future__ import annotations

from ..diagnostics import Diagnostic, Report
from . import RenderContext
from .text import defined_at

_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic) -> str:
    props = [f"file={_prop(d.path)}", f"line={d.line}", f"col={d.column}"]
    if d.end_line is not None:
        props.append(f"endLine={d.end_line}")
    if d.end_column is not None:
        props.append(f"endColumn={d.end_column}")
    title = f"{d.code} ({d.name})" if d.name else d.code
    props.append(f"title={_prop(title)}")
    where = f"cell {d.cell}, " if d.cell is not None else ""
    message = where + d.code + " " + d.message + defined_at(d)
    return f"::{_LEVELS.get(d.severity, 'notice')} {','.join(props)}::{_data(message)}"


def render(report: Report, context: RenderContext) -> str:
    return "".join(annotation(d) + "\n" for d in report.diagnostics)
