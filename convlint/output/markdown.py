"""``--format markdown``: the diagnostics and each model's layer table, for a pull-request
comment (GitHub / GitLab flavoured markdown: pipe tables, ``<details>`` per model)."""

from __future__ import annotations

from typing import Any, List

from ..diagnostics import Report
from . import RenderContext
from .summary import HEADERS, cost_lines, layer_rows, params_text
from .text import defined_at, location, summary_line
from .units import amount

_RIGHT = {"Weights", "Biases", "Param #", "MACs", "Output bytes"}


def cell(text: Any) -> str:
    """Text safe inside a table cell: pipes escaped, newlines as ``<br>``."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _table(headers: List[str], rows: List[tuple]) -> List[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if h in _RIGHT else "---" for h in headers) + "|"]
    out.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)
    return out


def model_section(shaped: Any) -> List[str]:
    """One model: a collapsible layer table with its totals."""
    m = shaped.model
    where = f"{m.path}:{'cell %d:' % m.cell if m.cell else ''}{m.span.line}"
    cost = getattr(shaped, "cost", None)
    headline = f"{params_text(shaped)} params"
    if cost is not None:
        headline += f"; MACs: {amount(cost.macs)}"
    title = f"Model <code>{cell(m.name)}</code> ({m.framework}, <code>{cell(where)}</code>): {cell(headline)}"
    out = [f"<details><summary>{title}</summary>", ""]
    out.extend(_table(list(HEADERS), layer_rows(shaped)))
    out.append("")
    totals = [f"Total params: {params_text(shaped)}"] + cost_lines(shaped)
    out.extend(f"- {cell(t)}" for t in totals)
    out += ["", "</details>", ""]
    return out


def render(report: Report, context: RenderContext) -> str:
    lines = ["### convlint", "", f"**{summary_line(report)}**", ""]
    if report.diagnostics:
        rows = [(d.severity, f"`{location(d)}`", d.code, d.message + defined_at(d)) for d in report.diagnostics]
        lines.extend(_table(["Severity", "Location", "Code", "Message"], rows))
        lines.append("")
    for shaped in report.models:
        lines.extend(model_section(shaped))
    return "\n".join(lines).rstrip("\n") + "\n"
