"""The default, ruff-like format: ``path:line:col: CODE message`` and a one-line summary."""

from __future__ import annotations

from typing import Dict, List

from ..diagnostics import SEVERITIES, Diagnostic, Report
from . import RenderContext

_COLORS = {"error": "31", "warning": "33", "info": "36"}


def _paint(text: str, code: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on else text


def location(d: Diagnostic) -> str:
    """``path:line:col`` (``path:cell 3:line:col`` in a notebook)."""
    cell = f"cell {d.cell}:" if d.cell is not None else ""
    return f"{d.path}:{cell}{d.line}:{d.column}"


def defined_at(d: Diagnostic) -> str:
    """`` (defined at line 7)``: where the layer of a diagnostic reported at its application
    is constructed (another cell, another file: said so); empty without related locations."""
    parts = []
    for r in d.related:
        cell = f"cell {r.cell}, " if r.cell is not None and r.cell != d.cell else ""
        path = f"{r.path}:" if r.path != d.path else ""
        parts.append(f"{path}{cell}line {r.line}")
    return f" (defined at {', '.join(parts)})" if parts else ""


def render_line(d: Diagnostic, color: bool = False) -> str:
    """One diagnostic; ``[*]`` after the code marks one ``--fix`` repairs (ruff's mark)."""
    where = _paint(location(d), "1", color)
    code = _paint(d.code, "1;" + _COLORS.get(d.severity, "0"), color)
    mark = " [*]" if d.fix is not None and d.fix.edits else ""
    return f"{where}: {code}{mark} {d.message}{defined_at(d)}"


def fixable_line(report: Report) -> str:
    """How many diagnostics ``--fix`` repairs, and how many more ``--unsafe-fixes`` would
    (empty when none)."""
    fixes = [d.fix for d in report.diagnostics if d.fix is not None and d.fix.edits]
    safe = sum(1 for f in fixes if f.applicability == "safe")
    unsafe = len(fixes) - safe
    if not fixes:
        return ""
    parts = []
    if safe:
        parts.append(f"{safe} fixable with `convlint --fix`")
    if unsafe:
        parts.append(f"{unsafe} {'more ' if safe else ''}with `convlint --fix --unsafe-fixes`")
    return "[*] " + "; ".join(parts) + "."


def _plural(n: int, word: str) -> str:
    if word == "info":
        return f"{n} info"
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary_line(report: Report) -> str:
    counts: Dict[str, int] = {s: 0 for s in SEVERITIES}
    for d in report.diagnostics:
        counts[d.severity] = counts.get(d.severity, 0) + 1
    models = _plural(len(report.models), "model")
    files = f"{report.files_checked} file{'' if report.files_checked == 1 else 's'} checked"
    found = [_plural(counts[s], s) for s in reversed(SEVERITIES) if counts[s]]
    if not found:
        return f"No problems found in {models} ({files})."
    return f"Found {', '.join(found)} in {models} ({files})."


def render(report: Report, context: RenderContext) -> str:
    lines: List[str] = []
    if context.summary:  # the tables' modules are imported only for the options that print them
        from .summary import model_table

        for shaped in report.models:
            lines.append(model_table(shaped))
            lines.append("")
    if context.why:
        from .why import model_why

        for shaped in report.models:
            why = model_why(shaped)
            if why is not None:
                lines.append(why)
                lines.append("")
    lines.extend(render_line(d, context.color) for d in report.diagnostics)
    lines.append(summary_line(report))
    fixable = fixable_line(report)
    if fixable:
        lines.append(fixable)
    return "\n".join(lines) + "\n"
