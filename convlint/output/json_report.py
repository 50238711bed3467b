"""``--format json``: the version-2 report contract (``convlint/report.schema.json``; the field
meanings are in the README, "JSON report")."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from ..diagnostics import Diagnostic, Related, Report
from ..dims import fmt, is_known
from . import RenderContext

VERSION = 2


def _shape(shape: Any) -> Optional[List[Any]]:
    return None if shape is None else [fmt(d) for d in shape]


def _count(value: Any) -> Optional[int]:
    """Parameter counts are ints or ``null`` (unknown or still symbolic)."""
    return value if is_known(value) else None


def layer_dict(result: Any) -> Dict[str, Any]:
    node = result.node
    out: Dict[str, Any] = {
        "name": node.name or node.id,
        "type": node.display_type,
        "line": node.span.line,
        "output_shape": _shape(result.output_shape),
        "params": _count(result.params) if result.first_use else 0,
        "trainable_params": _count(result.trainable_params) if result.first_use else 0,
        "shared": not result.first_use,
    }
    if not node.called:
        out["called"] = False
    cell = getattr(node, "cell", None)
    if cell is not None:
        out["cell"] = cell
    return out


def model_dict(shaped: Any) -> Dict[str, Any]:
    m = shaped.model
    inputs = [r for r in shaped.layers if r.node.type == "Input"]
    out: Dict[str, Any] = {
        "name": m.name,
        "path": m.path,
        "line": m.span.line,
        "framework": m.framework,
        "input_shape": _shape(inputs[0].output_shape) if inputs else None,
        "layers": [layer_dict(r) for r in shaped.layers if r.listed],
        "total_params": _count(shaped.total_params),
        "trainable_params": _count(shaped.trainable_params),
        "non_trainable_params": _count(shaped.non_trainable_params),
        "complete": shaped.complete,
    }
    if not shaped.complete:  # the totals above are null: say how many were counted, and why
        out["params_lower_bound"] = shaped.params_lower_bound
        out["incomplete_reason"] = shaped.incomplete_reason
    if m.cell is not None:
        out["cell"] = m.cell
    return out


def diagnostic_dict(d: Diagnostic) -> Dict[str, Any]:
    out: Dict[str, Any] = {
        "code": d.code,
        "name": d.name,
        "severity": d.severity,
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "message": d.message,
        "model": d.model,
    }
    if d.cell is not None:
        out["cell"] = d.cell
    out["related"] = [_related(r) for r in d.related]
    return out


def _related(r: Related) -> Dict[str, Any]:
    out: Dict[str, Any] = {"path": r.path, "line": r.line, "column": r.column, "message": r.message}
    if r.cell is not None:
        out["cell"] = r.cell
    return out


def report_dict(report: Report) -> Dict[str, Any]:
    return {
        "version": VERSION,
        "files_checked": report.files_checked,
        "models": [model_dict(m) for m in report.models],
        "diagnostics": [diagnostic_dict(d) for d in report.diagnostics],
    }


def render(report: Report, context: RenderContext) -> str:
    return json.dumps(report_dict(report), indent=2) + "\n"
